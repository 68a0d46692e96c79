"""``symgrav compute MODEL``: susceptibilities of any model on a (mu, T) grid.

Runs :func:`symgrav.sweep.sweep` (Eqs. 19a, 19b, 8a, B7a, 20 and the Mott
value 21) with a progress bar and prints a table, or writes it atomically to
``--out FILE.csv|.json`` (metadata in the file); ``--plot FILE.png`` draws
the quantities versus mu, one line per temperature.  ``--component all``
computes the full tensor at one (mu, T) with :func:`symgrav.tensor.tensor`
and reports the components that vanish and the equal/opposite pairs (those
not explained by a symmetry are confirmed at a second point and marked
"numerical").

Columns: mu, T, alpha, T_beta_kubo, mqm, mqm_aux, T_beta, beta (= T_beta/T),
mott (= (pi^2 T^2/3) d alpha/d mu at T = 0); natural units q = 1,
g mu_B/hbar = 1, k_B = 1.  Input errors are one-line
:class:`~symgrav.errors.SymgravError` messages (exit status 2).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys

from ..errors import SymgravError
from .common import (add_model_argument, add_parallel_options, check_dps, check_workers,
                     load_model_arg, run_reporting_warnings)
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
        NAME, help="alpha, M, T beta~, T beta on a (mu, T) grid, or the full tensor",
        description="Compute the ME susceptibility alpha (19a), the Kubo gravito-ME "
                    "susceptibility T beta~ (19b), the spin MQM M (8a), the auxiliary MQM "
                    "M~ (B7a), T beta (20), beta = T beta/T and the Mott value (21) of a model "
                    "for every mu and T given.  Columns: mu, T, alpha, T_beta_kubo, mqm, "
                    "mqm_aux, T_beta, beta, mott.  Natural units: q = 1, g mu_B/hbar = 1, "
                    "k_B = 1.  With --component all: every component a, i at one (mu, T), "
                    "with the vanishing components and equal/opposite pairs identified.")
    add_model_argument(parser)
    parser.add_argument("--mu", metavar="START:STOP:N", required=True,
                        help="chemical potentials: N points from START to STOP inclusive "
                             "(exact decimals), a comma-separated list, or one value")
    parser.add_argument("--T", metavar="VALUES", required=True, dest="T",
                        help="temperatures >= 0, comma-separated (or START:STOP:N)")
    parser.add_argument("--component", metavar="AI", default="xx",
                        help="spin component a and momentum axis i, e.g. 'xx' (default), "
                             "or 'all' for the full tensor at one (mu, T)")
    parser.add_argument("--dps", metavar="D", type=int, default=20,
                        help="decimal digits of the results (default 20, >= 15)")
    parser.add_argument("--digits", metavar="N", type=int,
                        help="digits written to the table/files (default: dps)")
    parser.add_argument("--param", metavar="NAME=VALUE", action="append", default=[],
                        help="override a parameter value (repeatable), e.g. b=1.5")
    parser.add_argument("--statistics", choices=("fermi", "bose"), default="fermi",
                        help="occupation function (default fermi)")
    parser.add_argument("--out", metavar="FILE.csv|.json",
                        help="write the results to FILE (atomically) instead of stdout")
    parser.add_argument("--plot", metavar="FILE.png",
                        help="plot the quantities versus mu, one line per T (atomically)")
    add_parallel_options(parser)
    parser.set_defaults(func=run)
    if hasattr(parser, "_negative_number_matcher"):
        # let "--mu -0.2:0.2:5" and "--mu -1,-0.5" through as values, not options
        parser._negative_number_matcher = _NEGATIVE_VALUE
    return parser


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
        an unwritable existing file.
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
    if os.path.exists(target) and not os.access(target, os.W_OK):
        raise SymgravError(f"{what} {path!r}: file is not writable")
    return ext


def _write(func, path, what):
    try:
        func()
    except OSError as exc:
        raise SymgravError(f"cannot write {what} {path!r}: {exc.strerror or exc}") from None


def _tensor_csv(result, digits):
    from ..workflows.tensor import NAMES

    buf = io.StringIO()
    for key, value in result.metadata.items():
        buf.write(f"# {key} = {json.dumps(value)}\n")
    data = result.to_dict(digits)
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("component",) + NAMES + ("note",))
    for comp, vals in data["values"].items():
        note = data["zero"].get(comp)
        note = "zero: " + note if note else ""
        if comp in data["relations"]:
            note = "= " + data["relations"][comp]["equals"]
        if comp in data["numerical"] and comp in data["relations"]:
            note += " (numerical, confirmed at a second point)"
        w.writerow((comp,) + tuple(vals[q] for q in NAMES) + (note,))
    return buf.getvalue()


def _run_tensor(args, model, params, mus, Ts):
    from ..fileio import write_text_atomic
    from ..workflows.tensor import tensor

    if len(mus) != 1 or len(Ts) != 1:
        raise SymgravError("--component all computes the tensor at one point: give a single "
                           "--mu value and a single --T value")
    if args.plot:
        raise SymgravError("--plot draws a sweep of one component; not available with "
                           "--component all")
    ext = check_output(args.out, (".csv", ".json"), "--out")
    result = tensor(model, params, mus[0], Ts[0], dps=args.dps, statistics=args.statistics,
                    workers=args.workers, progress=not args.no_progress)
    if args.out:
        text = (json.dumps(result.to_dict(args.digits), indent=1) + "\n" if ext == ".json"
                else _tensor_csv(result, args.digits))
        _write(lambda: write_text_atomic(args.out, text), args.out, "--out")
        print(f"symgrav: wrote tensor to {args.out}", file=sys.stderr)
    print(result)
    return 0


def _run(args):
    from ..workflows.sweep import parse_grid, sweep

    check_dps(args.dps)
    if args.digits is not None and args.digits < 1:
        raise SymgravError(f"--digits must be >= 1; got {args.digits}")
    check_workers(args.workers)
    mus = parse_grid(args.mu, "--mu")
    Ts = parse_grid(args.T, "--T")
    for t in Ts:
        if t < 0:
            raise SymgravError(f"--T: temperatures must be >= 0; got {float(t):g}")
    model = load_model_arg(args.model)
    params = parse_params(args.param, model)
    if args.component.strip().lower() == "all":
        return _run_tensor(args, model, params, mus, Ts)
    a, i = parse_component(args.component)
    check_output(args.out, (".csv", ".json"), "--out")
    check_output(args.plot, (".png",), "--plot")
    result = sweep(model, params, mus, Ts, a, i, dps=args.dps, statistics=args.statistics,
                   workers=args.workers, progress=not args.no_progress)
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
