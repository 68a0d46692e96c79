"""``symgrav derive MODEL``: closed-form band geometry of a model, Eqs. (8b) and (8c).

Prints a readable summary (model, Hamiltonian, bands, every nonzero component
of the spin-velocity Berry curvature Omega^i_{a n}, Eq. (8b), and of the spin
magnetic moment m^i_{a n}, Eq. (8c)) and, with ``--latex OUT.tex``, writes the
LaTeX derivation sheet of :func:`symgrav.printing.derivation_sheet`
atomically.  Every problem a user can fix is a one-line
:class:`~symgrav.errors.SymgravError` (exit status 2 through ``symgrav.cli``).
"""

from __future__ import annotations

import re
import sys

import sympy as sp

from ..errors import SymgravError
from .common import add_model_argument, load_model_arg, one_line, run_reporting_warnings
from ..symbolic.model import AXES

NAME = "derive"

_COMPONENT = re.compile(r"^\s*([xyz])\s*,?\s*([xyz])\s*$")


_one_line = one_line


def add_parser(subparsers):
    """Register ``derive`` on the ``symgrav`` subparsers (see :mod:`symgrav.cli`).

    Plain command-line bookkeeping ({add_parser, run} protocol of :mod:`symgrav.cli.main`);
    the subcommand computes Eqs. (8b) and (8c) in closed form.
    """
    parser = subparsers.add_parser(
        NAME, help="closed-form Omega (Eq. 8b) and m (Eq. 8c) of a model",
        description="Derive the bands, the spin-velocity Berry curvature Omega^i_{a n} "
                    "(Eq. 8b) and the spin magnetic moment m^i_{a n} (Eq. 8c) of a model "
                    "in closed form (Shitade, Daido, Yanase).")
    add_model_argument(parser, tight_binding=False)
    parser.add_argument("--latex", metavar="OUT.tex",
                        help="write the full LaTeX derivation sheet to OUT.tex (atomically)")
    parser.add_argument("--component", metavar="AI", action="append",
                        help="print only spin component A and momentum axis I, e.g. 'xx' "
                             "(repeatable; the LaTeX sheet always has every component)")
    parser.set_defaults(func=run)
    return parser


def parse_component(text):
    """``"xy"`` or ``"x,y"`` -> ``("x", "y")``: spin component a, momentum axis i.

    Plain parsing of the indices a, i of Eqs. (8a)-(8c), (19a), (19b), (20).

    Parameters
    ----------
    text : str
        Two letters from x, y, z, optionally separated by a comma.

    Returns
    -------
    tuple of str
        ``(a, i)``.

    Raises
    ------
    SymgravError
        Anything else.
    """
    match = _COMPONENT.match(str(text))
    if not match:
        raise SymgravError(
            f"--component must be two letters from x, y, z (spin component a, then "
            f"momentum axis i), e.g. 'xx'; got {text!r}")
    return match.group(1), match.group(2)


def _unicode_ok(stream):
    try:
        "\u23a1\u03a9".encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _head(result, band):
    if result.quantity == "energy":
        return f"eps_{band}"
    sym = "Omega" if result.quantity == "Omega" else "m"
    return f"{sym}^{result.i}_{{{result.a},{band}}}"


def _geometry_lines(geo, key, title):
    lines = [title]
    if isinstance(geo, SymgravError):
        return lines + [f"  not available: {_one_line(geo)}"]
    entries = geo[key]
    nonzero = [e for e in entries if not e[3]]
    for _a, _i, res, _z in nonzero:
        lines += [f"  {_head(res, band)} = {sp.sstr(v)}"
                  for band, v in zip(res.labels, res.compact)]
    zero = [f"({a}, {i})" for a, i, _r, z in entries if z]
    lines.append("  zero for every band: (a, i) = " + (", ".join(zero) or "none"))
    return lines


def summary(model, components=None, unicode=False):
    """Plain-text summary of a model's bands and of Eqs. (8b), (8c).

    Parameters
    ----------
    model : Model
    components : list of (a, i), optional
        Restrict Omega and m to these components; then a model without a
        closed form raises instead of saying so.
    unicode : bool, optional
        Draw the matrices with Unicode box characters.

    Returns
    -------
    str
    """
    from ..symbolic.geometry import bands
    from ..symbolic.modelfile import is_paper_model
    from ..symbolic.printing import geometry_components

    kind = "lattice" if model.lattice else "continuum"
    lines = [f"model: {_one_line(model.name)} ({model.N}x{model.N}, {kind}, d = {model.dim})",
             "momenta: " + ", ".join(p.name for p in model.momenta),
             f"hbar: {sp.sstr(model.hbar)}",
             "parameters: " + (", ".join(s.name for s in model.parameters) or "none"),
             "H =", sp.pretty(model.H, use_unicode=unicode)]
    lines += [f"s_{a} = {sp.sstr(s.tolist())}" for a, s in zip(AXES, model.spin)]
    where = ", the Rashba ferromagnet as below Eq. (22)" if is_paper_model(model) else ""
    lines.append(f"bands (ascending energy{where}):")
    try:
        res = bands(model)
        lines += [f"  {_head(res, band)} = {sp.sstr(v)}"
                  for band, v in zip(res.labels, res.compact)]
        lines += [f"  {s} = {sp.sstr(v)}"
                  for s, v in sorted(res.definitions.items(), key=lambda kv: kv[0].name)]
    except SymgravError as exc:
        lines.append(f"  not available: {_one_line(exc)}")
    try:
        geo = geometry_components(model, components)
    except SymgravError as exc:
        if components is not None:
            raise
        geo = exc
    lines += _geometry_lines(geo, "Omega", "spin-velocity Berry curvature "
                             "Omega^i_{a,n}, Eq. (8b):")
    lines += _geometry_lines(geo, "m", "spin magnetic moment m^i_{a,n}, Eq. (8c):")
    return "\n".join(lines) + "\n"


def _run(args):
    from ..fileio import write_text_atomic
    from ..symbolic.printing import derivation_sheet

    components = None
    if args.component:
        components = [parse_component(c) for c in args.component]
    model = load_model_arg(args.model, tight_binding=False)
    text = summary(model, components, unicode=_unicode_ok(sys.stdout))
    if args.latex:
        sheet = derivation_sheet(model)
        try:
            write_text_atomic(args.latex, sheet)
        except OSError as exc:
            raise SymgravError(
                f"cannot write {args.latex!r}: {exc.strerror or exc}") from None
    sys.stdout.write(text)
    if args.latex:
        print(f"symgrav: wrote derivation sheet {args.latex}", file=sys.stderr)
    return 0


def run(args):
    """Execute ``symgrav derive``; returns the exit status (0 on success).

    Plain command-line bookkeeping around :func:`summary` and
    :func:`symgrav.derivation_sheet` (Eqs. 8b, 8c). Warnings raised on the way are printed
    as one line each after a successful run; on failure only the error line is printed.
    """
    return run_reporting_warnings(_run, args)
