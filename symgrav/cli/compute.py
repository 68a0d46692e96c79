"""``symgrav compute MODEL``: susceptibilities of any model on a (mu, T) grid.

Runs :func:`symgrav.sweep` (the quantities of :data:`symgrav.QUANTITIES`,
Eqs. 19a, 19b, 8a, B7a, 20, and the Mott value 21) with a progress bar and
prints a table, or writes it atomically to ``--out FILE.csv|.json``
(metadata in the file); ``--plot FILE.png`` draws the quantities versus mu,
one line per temperature.  ``--component all`` computes the full tensor at
one (mu, T) with :func:`symgrav.tensor` and reports the components that
vanish and the equal/opposite pairs (those not explained by a symmetry are
confirmed at a second point and marked "numerical").  ``--quantity
"NAME=OMEGA;MOMENT"`` adds a user quantity (weights read by the safe
parser, never run as code); ``--dps double`` runs in IEEE double precision.

The columns and their descriptions in ``--help`` are derived from the
registry (:mod:`symgrav.workflows.columns`).  Input errors are one-line
:class:`~symgrav.errors.SymgravError` messages (exit status 2).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys

from ..errors import SymgravError, require
from ..fileio import write_text_atomic
from ..symbolic.quantities import Quantity
from ..workflows.columns import COLUMNS, DESCRIPTIONS, QUANTITIES
from ..workflows.grid import parse_grid
from ..workflows.sweep import sweep
from ..workflows.tensor import tensor
from .common import (add_model_argument, add_parallel_options, check_dps, check_workers,
                     dps_arg, load_model_arg, run_reporting_warnings)
from .derive import parse_component
from .verify import parse_params

NAME = "compute"

_NEGATIVE_VALUE = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?([:,].*)?$")


def add_parser(subparsers):
    """Register ``compute`` on the ``symgrav`` subparsers (see :mod:`symgrav.cli`).

    Plain command-line bookkeeping ({add_parser, run} protocol of :mod:`symgrav.cli.main`);
    the subcommand computes Eqs. (19a), (19b), (8a), (B7a), (20), (21).
    """
    parser = subparsers.add_parser(
        NAME, help=f"{', '.join(QUANTITIES)} on a (mu, T) grid, or the full tensor",
        description=_description())
    add_model_argument(parser)
    parser.add_argument("--mu", metavar="START:STOP:N", required=True,
                        help="chemical potentials: N points from START to STOP inclusive "
                             "(exact decimals), a comma-separated list, or one value")
    parser.add_argument("--T", metavar="VALUES", required=True, dest="T",
                        help="temperatures >= 0, comma-separated (or START:STOP:N)")
    parser.add_argument("--component", metavar="AI", default="xx",
                        help="spin component a and momentum axis i, e.g. 'xx' (default), "
                             "or 'all' for the full tensor at one (mu, T)")
    parser.add_argument("--dps", metavar="D", type=dps_arg, default=20,
                        help="decimal digits of the results (default 20, >= 15), or 'double': "
                             "IEEE double precision at numpy speed, written with 15 digits")
    parser.add_argument("--digits", metavar="N", type=int,
                        help="digits written to the table/files (default: dps; 15 with "
                             "--dps double)")
    parser.add_argument("--param", metavar="NAME=VALUE", action="append", default=[],
                        help="override a parameter value (repeatable), e.g. b=1.5")
    parser.add_argument("--quantity", metavar="NAME=OMEGA;MOMENT", action="append", default=[],
                        help="add your own Fermi-sea quantity sum_n int [Omega_n OMEGA + m_n "
                             "MOMENT] (repeatable): weights in xi (= eps - mu), T, f (the "
                             "occupation), G (= int_xi^inf f), df (= f'), e.g. "
                             "--quantity 'xi2f=xi**2*f;0'; read as data by the safe parser, "
                             "appended as a column after mott")
    parser.add_argument("--statistics", choices=("fermi", "bose"), default="fermi",
                        help="occupation function (default fermi)")
    parser.add_argument("--out", metavar="FILE.csv|.json|.nc",
                        help="write the results to FILE (atomically) instead of stdout; "
                             ".nc (netCDF, float64, through xarray) needs symgrav[data] and "
                             "a single component")
    parser.add_argument("--plot", metavar="FILE.png|.pdf|.svg",
                        help="plot alpha, T_beta_kubo, mqm, T_beta and every --quantity "
                             "versus mu, one line per T (atomically)")
    add_parallel_options(parser)
    parser.set_defaults(func=run)
    if hasattr(parser, "_negative_number_matcher"):
        # let "--mu -0.2:0.2:5" and "--mu -1,-0.5" through as values, not options
        parser._negative_number_matcher = _NEGATIVE_VALUE
    return parser


def _description():
    """The ``--help`` description, its columns derived from the registry of quantities."""
    quantities = "; ".join(f"{name}: {DESCRIPTIONS[name]}" for name in QUANTITIES)
    return (f"Compute, for every mu and T given, the quantities of a model ({quantities}).  "
            f"Columns: {', '.join(COLUMNS)}, then every --quantity.  Natural units: q = 1, "
            "g mu_B/hbar = 1, k_B = 1.  With --component all: every component a, i at one "
            "(mu, T), with the vanishing components and equal/opposite pairs identified.")


def parse_quantity_option(text):
    """``"NAME=OMEGA;MOMENT"`` -> a :class:`~symgrav.Quantity` (weights of Eqs. 8b, 8c).

    The quantity sum_n int [Omega_n OMEGA + m_n MOMENT] with weights in xi,
    T, f, G, df.  The weights are read by the safe parser of
    :class:`~symgrav.Quantity` (strings are data, never evaluated as code).

    Parameters
    ----------
    text : str
        E.g. ``"xi2f=xi**2*f;0"``.

    Returns
    -------
    Quantity

    Raises
    ------
    SymgravError
        Not of the form NAME=OMEGA;MOMENT, or a weight the parser or
        :class:`~symgrav.Quantity` refuses.
    """
    name, sep, weights = str(text).partition("=")
    parts = weights.split(";")
    if not sep or len(parts) != 2 or not name.strip() or not all(p.strip() for p in parts):
        raise SymgravError(f"--quantity must look like NAME=OMEGA;MOMENT (e.g. "
                           f"'xi2f=xi**2*f;0'); got {text!r}")
    name = name.strip()
    try:
        return Quantity(name, parts[0].strip(), parts[1].strip(),
                        description=f"user quantity {name}: weights ({parts[0].strip()}, "
                                    f"{parts[1].strip()}) of (Omega, m)")
    except SymgravError as exc:
        raise SymgravError(f"--quantity {text!r}: {exc}") from None


def check_output(path, extensions, what):
    """Fail early (before computing) on an unknown extension or an unwritable place.

    Plain file-system bookkeeping; implements no equation of the paper.

    Parameters
    ----------
    path : str or None
        The file named on the command line (None: nothing to check).
    extensions : tuple of str
        Accepted lower-case extensions, e.g. ``(".csv", ".json")``.
    what : str
        The option, for the error message (``"--out"``).

    Returns
    -------
    str or None
        The lower-case extension of ``path`` (None when ``path`` is None).

    Raises
    ------
    SymgravError
        Unknown extension, a directory, a missing or unwritable directory,
        an unwritable existing file, an existing FIFO, device or socket.
    """
    if path is None:
        return None
    ext = os.path.splitext(path)[1].lower()
    if ext not in extensions:
        raise SymgravError(f"{what} {path!r}: unknown extension {ext or '(none)'!r}; use "
                           + " or ".join(extensions))
    target = os.path.realpath(path)
    if os.path.isdir(target):
        raise SymgravError(f"{what} {path!r} is a directory")
    directory = os.path.dirname(target) or "."
    if not os.path.isdir(directory):
        raise SymgravError(f"{what} {path!r}: directory {os.path.dirname(path)!r} does not exist")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise SymgravError(f"{what} {path!r}: directory is not writable")
    if os.path.exists(target) and not os.path.isfile(target):
        raise SymgravError(f"{what} {path!r}: not a regular file (a FIFO, device or socket); "
                           "write to a file")
    if os.path.exists(target) and not os.access(target, os.W_OK):
        raise SymgravError(f"{what} {path!r}: file is not writable")
    return ext


def _write(func, path, what):
    try:
        func()
    except OSError as exc:
        raise SymgravError(f"cannot write {what} {path!r}: {exc.strerror or exc}") from None


def _tensor_csv(result, digits):
    names = result.names
    buf = io.StringIO()
    for key, value in result.metadata.items():
        buf.write(f"# {key} = {json.dumps(value)}\n")
    data = result.to_dict(digits)
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("component",) + names + ("note",))
    for comp, vals in data["values"].items():
        note = data["zero"].get(comp)
        note = "zero: " + note if note else ""
        if comp in data["relations"]:
            note = "= " + data["relations"][comp]["equals"]
        if comp in data["numerical"] and comp in data["relations"]:
            note += " (numerical, confirmed at a second point)"
        w.writerow((comp,) + tuple(vals[q] for q in names) + (note,))
    return buf.getvalue()


def _run_tensor(args, model, params, mus, Ts, quantities):
    if len(mus) != 1 or len(Ts) != 1:
        raise SymgravError("--component all computes the tensor at one point: give a single "
                           "--mu value and a single --T value")
    if args.plot:
        raise SymgravError("--plot draws a sweep of one component; not available with "
                           "--component all")
    ext = check_output(args.out, (".csv", ".json"), "--out")
    result = tensor(model, params, mus[0], Ts[0], dps=args.dps, statistics=args.statistics,
                    workers=args.workers, progress=not args.no_progress, quantities=quantities)
    if args.out:
        text = (json.dumps(result.to_dict(args.digits), indent=1) + "\n" if ext == ".json"
                else _tensor_csv(result, args.digits))
        _write(lambda: write_text_atomic(args.out, text), args.out, "--out")
        print(f"symgrav: wrote tensor to {args.out}", file=sys.stderr)
    print(result)
    return 0


def _run(args):
    check_dps(args.dps, double=True)
    if args.digits is not None and args.digits < 1:
        raise SymgravError(f"--digits must be >= 1; got {args.digits}")
    check_workers(args.workers)
    quantities = [parse_quantity_option(text) for text in args.quantity]
    mus = parse_grid(args.mu, "--mu")
    Ts = parse_grid(args.T, "--T")
    for t in Ts:
        if t < 0:
            raise SymgravError(f"--T: temperatures must be >= 0; got {float(t):g}")
    model = load_model_arg(args.model, spin=args.spin)
    params = parse_params(args.param, model)
    if args.component.strip().lower() == "all":
        return _run_tensor(args, model, params, mus, Ts, quantities)
    a, i = parse_component(args.component)
    check_output(args.out, (".csv", ".json", ".nc"), "--out")
    if args.out and args.out.lower().endswith(".nc"):
        require("xarray", "data", "--out FILE.nc")
    check_output(args.plot, (".png", ".pdf", ".svg"), "--plot")
    result = sweep(model, params, mus, Ts, a, i, dps=args.dps, statistics=args.statistics,
                   workers=args.workers, progress=not args.no_progress, quantities=quantities)
    if args.out:
        _write(lambda: result.save(args.out, args.digits), args.out, "--out")
        print(f"symgrav: wrote {len(result)} points to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(result.to_text(args.digits))
    if args.plot:
        _write(lambda: result.plot(args.plot), args.plot, "--plot")
        print(f"symgrav: wrote plot {args.plot}", file=sys.stderr)
    return 0


def run(args):
    """Execute ``symgrav compute``; returns the exit status (0 on success).

    Plain command-line bookkeeping around :func:`symgrav.sweep` and :func:`symgrav.tensor`
    (Eqs. 19a, 19b, 8a, B7a, 20, 21).
    """
    return run_reporting_warnings(_run, args)
