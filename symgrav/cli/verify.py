"""``symgrav verify MODEL``: check a model against the exact relations of the paper.

Runs :func:`symgrav.verify.verify` (Eqs. 4, 6, 13 = 8a via 11c, 18, 20, 21)
and prints its PASS/FAIL table; with ``--rigorous`` prints the certified
enclosures of :func:`symgrav.workflows.certified.certified_report` instead
(exit status 1 when one could not be certified).  Exit status 0 when every check passes, 1
when one fails, 2 for input errors (a one-line
:class:`~symgrav.errors.SymgravError` through :mod:`symgrav.cli`).
"""

from __future__ import annotations


import sympy as sp

from ..errors import SymgravError
from .common import add_model_argument, check_dps, load_model_arg, run_reporting_warnings
from .derive import parse_component

NAME = "verify"


def add_parser(subparsers):
    """Register ``verify`` on the ``symgrav`` subparsers (see :mod:`symgrav.cli`).

    Plain command-line bookkeeping ({add_parser, run} protocol of :mod:`symgrav.cli.main`);
    the subcommand computes the checks of Eqs. (4), (6), (13), (18), (20), (21).
    """
    parser = subparsers.add_parser(
        NAME, help="check Eqs. (4), (6), (13), (18), (20), (21) numerically",
        description="Check a model against the exact statements of the paper: T beta -> 0 "
                    "as T^2 and the Mott relation (21), Eq. (18) = Eq. (20), relation (6) "
                    "M~ = d(beta M)/d beta, and for mu in a band gap of a lattice model the "
                    "ME relation (4) and Eq. (13) = Eq. (8a) through the Zeeman-field route "
                    "(11c).  Prints a PASS/FAIL table; exit status 1 if a check fails.")
    add_model_argument(parser)
    parser.add_argument("--mu", metavar="V", action="append",
                        help="a chemical potential to check, repeatable (default: the "
                             "centre of every band gap of a lattice model; midpoints between "
                             "band features and one above them for a continuum model)")
    parser.add_argument("--dps", metavar="D", type=int,
                        help="decimal digits (default 30; 20 for lattice models)")
    parser.add_argument("--param", metavar="NAME=VALUE", action="append", default=[],
                        help="override a parameter value (repeatable)")
    parser.add_argument("--component", metavar="AI", default="xx",
                        help="spin component a and momentum axis i, e.g. 'xx' (default)")
    parser.add_argument("--check", metavar="NAME", action="append",
                        help="run only these checks (repeatable): zero_T, T2, mott, eq18, "
                             "relation6, me, eq13")
    parser.add_argument("--rigorous", action="store_true",
                        help="print certified enclosures (Arb ball arithmetic, needs "
                             "python-flint) of Eqs. (19a), (19b), (8a), (B7a), (20) and of "
                             "T beta/Mott - 1 at T = 1e-10, for models with closed forms; "
                             "mu, T and parameters are read as exact decimals")
    parser.add_argument("--temperature", metavar="T", action="append",
                        help="with --rigorous: a temperature, repeatable (default 1/1000)")
    parser.set_defaults(func=run)
    return parser


def parse_params(items, model):
    """``["b=1.5", ...]`` -> model.defaults updated with the given values.

    Plain parsing of ``--param``; implements no equation of the paper.

    Parameters
    ----------
    items : list of str
        ``NAME=VALUE`` texts; a value is a real number written as an
        expression (``"0.5"``, ``"1/3"``, ``"pi/4"``).
    model : Model

    Returns
    -------
    dict
        Parameter name -> value (the model's defaults, then the items).

    Raises
    ------
    SymgravError
        Malformed item, unknown parameter, a value that is not a real number.
    """
    params = dict(model.defaults)
    known = {s.name for s in model.parameters}
    for item in items:
        name, sep, text = str(item).partition("=")
        name = name.strip()
        if not sep or not name or not text.strip():
            raise SymgravError(f"--param must look like NAME=VALUE; got {item!r}")
        if name not in known:
            raise SymgravError(
                f"--param {name}: unknown parameter; the model's parameters are "
                f"{sorted(known) or 'none'}")
        params[name] = _real(text, f"--param {name}")
    return params


def _real(text, what):
    """A real number written as an expression ("0.5", "1/3", "pi/4") -> SymPy number."""
    from ..symbolic.parsing import parse_expression

    try:
        value = parse_expression(str(text), allow_new=False)
    except SymgravError as exc:
        raise SymgravError(f"{what}: {exc}") from None
    if not (value.is_number and value.is_real):
        raise SymgravError(f"{what}: {text!r} is not a real number")
    return value


def _run_rigorous(args, model, a, i):
    from ..workflows.certified import certified_report

    if args.check:
        raise SymgravError("--check does not apply with --rigorous")
    known = {s.name for s in model.parameters}
    params = {}
    for item in args.param:
        name, sep, text = str(item).partition("=")
        if not sep or name.strip() not in known or not text.strip():
            parse_params([item], model)  # the one-line error of a bad --param
        _real(text, f"--param {name.strip()}")
        params[name.strip()] = text.strip()
    report = certified_report(model, params, a, i, mu=args.mu,
                              temperatures=args.temperature or ["1/1000"], dps=args.dps or 30)
    print(report)
    return 0 if report.passed else 1


def _run(args):
    from ..workflows.verify import verify

    a, i = parse_component(args.component)
    check_dps(args.dps)
    model = load_model_arg(args.model, spin=args.spin)
    if args.rigorous:
        return _run_rigorous(args, model, a, i)
    if args.temperature:
        raise SymgravError("--temperature applies only with --rigorous")
    params = parse_params(args.param, model)
    mus = None
    if args.mu:
        digits = (args.dps or 30) + 30
        mus = [str(sp.N(_real(m, "--mu"), digits)) for m in args.mu]
    report = verify(model, params, a, i, mu=mus, dps=args.dps, checks=args.check)
    print(report)
    return 0 if report.passed else 1


def run(args):
    """Execute ``symgrav verify``; returns 0 (all PASS) or 1 (a FAIL).

    Plain command-line bookkeeping around :func:`symgrav.verify`
    (Eqs. 4, 6, 13, 18, 20, 21).
    """
    return run_reporting_warnings(_run, args)
