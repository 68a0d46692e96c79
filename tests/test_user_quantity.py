"""Quantities the package does not ship, declared by the user (issue 8), vs independent integrals.

    xi2f       weights (xi^2 f, 0)
    mxif       weights (0, xi f)
    dos_omega  weights (-df, 0): sum_n int Omega_n (-f'), i.e. d alpha / d mu at any T; at T = 0
               the Fermi-surface integral of Eq. (E1) (df -> -delta(xi), coefficient -1)

References (tests/references/, nothing imported from symgrav):
* Rashba (Eq. 22) - rashba_radial.fermi_sea_many, a radial mpmath integral of the same
  weights typed there as Python callables, at mp.dps 45; the engine runs at dps = 30.
* lattice_insulator - bz_grid on a periodic k grid, with its n -> 2n convergence check.
Every assertion message records the route (``.route``) that produced the engine's value.
"""

import mpmath as mp
import pytest
import sympy as sp

import symgrav
from symgrav import Quantity, SymgravError
from references import bz_grid as Z
from references import rashba_radial as R

DECL = [("xi2f", "xi**2*f", 0), ("mxif", 0, "xi*f"), ("dos_omega", "-df", 0)]
REF = {  # the same weights, typed by hand for the references: (w_Omega, w_m)
    "xi2f": (lambda xi, T, f, G, df: xi ** 2 * f, None),
    "mxif": (None, lambda xi, T, f, G, df: xi * f),
    "dos_omega": (lambda xi, T, f, G, df: -df, None),
}
DELTA = {"dos_omega": (-1, 0)}      # df coefficient c(xi) = -1 does not vanish at xi = 0
BUILTIN = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")
ROUTES = ("window", "graded", "bz_lines", "fermi_surface")

# Rashba regimes: b = 0.5 band bottom (ring minimum -0.625), Mexican hat (-0.625 < mu < -0.5),
# gap of the upper band (|mu| < b), two bands (mu > b); b = 1.5 has no hat.
RASHBA = [(0.5, "-0.62"), (0.5, "-0.55"), (0.5, "0.0"), (0.5, "0.7"),
          (1.5, "-1.45"), (1.5, "0.0"), (1.5, "2.0")]
TEMPS = ["0", "0.001", "0.05"]
# 25 digits relative.  Floor: 1e-27 times the size of the band terms (reference integral
# of |Omega w_Omega| + |m w_m|).  The engine's dps = 30 digits are relative to those terms,
# not to a sum that cancels (e.g. M = 0 for mu > b at T = 0 while each band term is ~0.03);
# 1e-27 of the terms leaves a margin of 1000 over the engine's ~1e-30 and is still far
# below any value compared here that does not cancel.
REL, FLOOR = mp.mpf("1e-25"), mp.mpf("1e-27")


def quantities():
    return tuple(Quantity(*d) for d in DECL)


_engines = {}


def engine(model_name, b=None, statistics="fermi", dps=30):
    key = (model_name, b, statistics, dps)
    if key not in _engines:
        model = symgrav.load_model(model_name)
        params = dict(model.defaults) if b is None else {**model.defaults, "b": b}
        _engines[key] = symgrav.Susceptibilities(model, params, dps=dps, statistics=statistics,
                                                 quantities=quantities())
    return _engines[key]


def rashba_reference(b, mu, T, statistics="fermi", with_builtins=False):
    weights = dict(REF)
    if with_builtins:
        weights.update(R.builtin_weights(statistics))
    with mp.workdps(45):
        vals = R.fermi_sea_many(mu, T, b, weights, statistics, DELTA)
    with mp.workdps(15):
        size = R.fermi_sea_many(mu, T, b, weights, statistics, magnitude=True)
    return vals, size


def check(got, vals, size, where):
    assert isinstance(got, dict) and got.route in ROUTES, where
    with mp.workdps(50):                     # compare above both precisions (30 and 45)
        for name, want in vals.items():
            tol = REL * abs(want) + FLOOR * size[name]
            assert abs(got[name] - want) <= tol, (
                f"{name} at {where} (route {got.route}): engine {got[name]} reference {want}")


@pytest.mark.parametrize("T", TEMPS)
@pytest.mark.parametrize("b, mu", RASHBA)
def test_rashba_fermi(b, mu, T):
    S = engine("rashba", b)
    got = S.evaluate(mu, T)
    assert set(BUILTIN) | set(REF) <= set(got)
    vals, size = rashba_reference(b, mu, T)
    check(got, vals, size, f"b={b}, mu={mu}, T={T}")


@pytest.mark.parametrize("b, mu", RASHBA)
def test_rashba_dos_at_T0_is_fermi_surface_integral(b, mu):
    """dos_omega(T = 0) = S.dalpha_dmu(mu) (E1) = the reference's Fermi-point sum."""
    S = engine("rashba", b)
    got = S.evaluate(mu, 0)
    with mp.workdps(45):
        want = R.fermi_surface(mp.mpf(mu), 0, mp.mpf(b), -1, 0)
    where = f"b={b}, mu={mu} (route {got.route})"
    d = S.dalpha_dmu(mu)
    with mp.workdps(50):
        assert abs(got["dos_omega"] - want) <= REL * abs(want), where
        assert abs(d - want) <= REL * abs(want), where


@pytest.mark.parametrize("b, mu, T", [(0.5, "-1.0", "0.05"), (0.5, "-1.0", "0.2"),
                                      (1.5, "-2.0", "0.1")])
def test_rashba_bose(b, mu, T):
    """Bose statistics, mu below every band: the user quantities and the five built-ins."""
    S = engine("rashba", b, statistics="bose")
    got = S.evaluate(mu, T)
    vals, size = rashba_reference(b, mu, T, statistics="bose", with_builtins=True)
    check(got, vals, size, f"Bose b={b}, mu={mu}, T={T}")


# lattice_insulator: gap (-1.4, 0.6) at mu = 0, metal (hole pocket at (pi, pi)) at mu = -1.5
LATTICE = [(0.0, 0.0, 64), (0.0, 0.1, 64), (-1.5, 0.1, 128)]


@pytest.mark.parametrize("mu, T, n", LATTICE)
def test_lattice_insulator(mu, T, n):
    """Against bz_grid.  converged() requires the n and 2n grids to agree to 1e-13 of the
    band terms (measured: ~1e-17 for these n), so the reference is good to ~1e-13; the
    engine at dps = 15 is good to ~1e-15: tolerance 1e-11 relative, floor 1e-13 x terms."""
    weights = dict(REF)
    _, ref = Z.converged(Z.LatticeInsulator(), mu, T, weights, n=n, rtol=1e-13)
    size = {k: v[1] for k, v in Z.band_sums(Z.grid_geometry(Z.LatticeInsulator(), 2 * n), mu,
                                             T, weights).items()}
    got = symgrav.Susceptibilities(symgrav.load_model("lattice_insulator"),
                                   symgrav.load_model("lattice_insulator").defaults, dps=15,
                                   quantities=quantities()).evaluate(repr(mu), T)
    for name in weights:   # dos_omega in the gap at T = 0: no Fermi surface, exactly 0 + 1e-30
        tol = 1e-13 * size[name] + 1e-30
        assert float(got[name]) == pytest.approx(ref[name], rel=1e-11, abs=tol), (
            f"{name} at mu={mu}, T={T} (route {got.route})")


# -- declaring quantities ---------------------------------------------------------------------

def test_sympy_and_string_declarations_agree_with_reference():
    xi, T, f, G, df = Quantity.symbols()
    assert [s.name for s in (xi, T, f, G, df)] == ["xi", "T", "f", "G", "df"]
    assert all(s.is_real for s in (xi, T, f, G, df))
    q_sym = Quantity("xi2f_sym", xi ** 2 * f, 0)
    q_mix = Quantity("mix", "xi*f", f + xi * df, equation="B7a", description="M~ again")
    model = symgrav.load_model("rashba")
    S = symgrav.Susceptibilities(model, model.defaults, dps=30, quantities=(q_sym, q_mix))
    got = S.evaluate("0.3", "0.01")
    w = R.builtin_weights()["mqm_aux"]
    with mp.workdps(45):
        ref = R.fermi_sea_many("0.3", "0.01", "0.5",
                               {"xi2f_sym": REF["xi2f"], "mix": w})
    with mp.workdps(50):
        for name, want in ref.items():
            assert abs(got[name] - want) <= REL * abs(want), (name, got.route)


def test_builtin_declarations():
    xi, T, f, G, df = Quantity.symbols()
    expected = [("alpha", f, 0, "19a"), ("T_beta_kubo", xi * f, f, "19b"),
                ("mqm", -G, f, "8a"), ("mqm_aux", xi * f, f + xi * df, "B7a"),
                ("T_beta", xi * f + G, 0, "20")]
    assert len(symgrav.QUANTITIES) == 5
    for q, (name, wo, wm, eq) in zip(symgrav.QUANTITIES, expected):
        assert q.name == name
        assert sp.expand(sp.sympify(q.omega) - wo) == 0, name
        assert sp.expand(sp.sympify(q.moment) - wm) == 0, name
        assert eq in q.equation, (name, q.equation)


def test_equal_declarations_are_one_quantity():
    """Two declarations with the same name and weights are equal (and hash alike),
    whether typed as text or SymPy; a different weight or name is a different quantity."""
    xi, T, f, G, df = Quantity.symbols()
    a = Quantity("q", "xi*f", "f")
    b = Quantity("q", xi * f, f)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != Quantity("q", "xi*f", 0)
    assert a != Quantity("p", "xi*f", "f")
    assert a != "q" and a != (a.name, a.omega, a.moment)


@pytest.mark.parametrize("name", ["1abc", "my-q", "a b", "", "alpha", "T_beta_kubo", "mqm",
                                  "mqm_aux", "T_beta", "mu", "T", "beta", "mott"])
def test_bad_names(name):
    with pytest.raises(SymgravError) as exc:
        Quantity(name, "xi*f", 0)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("omega, moment", [
    ("xi*y", 0), (0, "f*mu"), (sp.Symbol("y") * sp.Symbol("f", real=True), 0),   # unknown
    ("xi", 0), ("T", 0), (0, "1"), ("xi**2 + f", 0), (0, "f + T")])       # not 0 when empty
def test_bad_weights(omega, moment):
    with pytest.raises(SymgravError) as exc:
        Quantity("q", omega, moment)
    assert "\n" not in str(exc.value)


def test_code_in_a_weight_is_refused_and_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    payloads = [
        f"__import__('os').system('touch {marker}')",
        f"f*__import__('os').system('touch {marker}')",
        f"open('{marker}', 'w').write('x')",
        "().__class__.__bases__[0].__subclasses__()",
        "(lambda: f)()",
        "f; import os",
    ]
    for text in payloads:
        for args in ((text, 0), (0, text)):
            with pytest.raises(SymgravError) as exc:
                Quantity("q", *args)
            assert "\n" not in str(exc.value)
            assert not marker.exists(), text


@pytest.mark.parametrize("name, omega, moment, message", [
    ("alpha", "xi*f", 0, r"'alpha' is a built-in quantity \(symgrav.QUANTITIES\); choose "
                         r"another name$"),
    ("q", sp.I * Quantity.symbols()[2], 0, r"quantity 'q': the omega weight must be real and "
                                            r"finite$"),
    ("q", 0, sp.I * Quantity.symbols()[2], r"the moment weight must be real and finite$"),
    ("q", "xi", 0, r"quantity 'q': the omega weight xi does not vanish for empty states"),
    ("q", 0, "f + T", r"quantity 'q': the moment weight T \+ f does not vanish for empty"),
])
def test_weight_and_name_refusals_say_which(name, omega, moment, message):
    """The one-line refusal names the quantity, the weight (omega or moment) and the rule."""
    with pytest.raises(SymgravError, match=message):
        Quantity(name, omega, moment)


@pytest.mark.parametrize("omega, why", [
    ("df**2", r"the omega weight is nonlinear in df, which has no T = 0 limit \(a product of "
              r"delta functions\)$"),
    ("f/xi", r"the omega weight has no T = 0 limit$"),       # 1/0 at xi = 0: zoo
    ("G/xi", r"the omega weight has no T = 0 limit$"),       # 0/0 at xi = 0: nan
    ("f/T", r"the omega weight has no T = 0 limit$"),        # oo
])
def test_weights_without_a_zero_temperature_limit(omega, why):
    """The T = 0 forms (above, below, at xi = 0, the df coefficient) must be finite."""
    q = Quantity("q", omega, 0)
    with pytest.raises(SymgravError, match=r"quantity 'q': " + why):
        q.zero_temperature()
    assert Quantity("ok", "xi*f + G", "f").zero_temperature()["omega"] == (0, 0, 0)


def test_irrational_constants_in_weights_carry_every_digit():
    """A weight pi*f is pi times alpha's weight: the sum is linear in the weights, so the
    quantity equals pi * alpha to the working precision (pi rounded at 30 digits would not)."""
    model = symgrav.load_model("rashba")
    q = Quantity("pif", "pi*f", 0)
    with mp.workdps(40):
        ev = symgrav.Susceptibilities(model, model.defaults, dps=40,
                                      quantities=[q]).evaluate("-0.2", "0.01")
        assert abs(ev["pif"] - mp.pi * ev["alpha"]) <= mp.mpf(10) ** -38 * abs(ev["pif"])
