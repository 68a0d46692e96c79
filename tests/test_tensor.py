"""Full tensors: zeros and equal/opposite pairs against an independent symmetry argument.

Independent argument (no symgrav geometry): for a two-band model
H = e0(p) + d(p).sigma with s_a = sigma_a / 2, the band-resolved Omega_{an}^i (8b)
and m_{an}^i (8c) are functions of |d| and the band index times the triple product
N_a^i = d . (e_a x d_i d); below Eq. (22), Rashba: N_x^x = -alpha b and
Omega_{x,+-}^x = -+ hbar^2 alpha b / 4 Delta^3.  A reflection p_j -> -p_j that
leaves e0 and |d| unchanged and flips N_a^i makes every integral of the
component vanish (Eqs. 19a, 19b, 8a, B7a, 20); N_b^j = s N_a^i pointwise gives
chi_b^j = s chi_a^i.
"""

import mpmath as mp
import pytest
import sympy as sp

import symgrav
from symgrav import Model, Susceptibilities, load_model
from symgrav.symbolic.model import AXES
from symgrav.workflows.tensor import tensor_symmetries

DPS = 15
px, py = sp.symbols("p_x p_y", real=True)
kx, ky = sp.symbols("k_x k_y", real=True)
alpha, beta, b, bx, m = sp.symbols("alpha beta b b_x m", positive=True)
lam, t0, M0, t = sp.symbols("lam t0 M0 t", real=True)

RASHBA = ((px**2 + py**2) / (2 * m), (alpha * py, -alpha * px, b), (px, py))
DRESSELHAUS = ((px**2 + py**2) / (2 * m), (beta * py, beta * px, b), (px, py))
INPLANE = ((px**2 + py**2) / (2 * m), (alpha * py + bx, -alpha * px, b), (px, py))
LATTICE = (t0 * (sp.cos(kx) + sp.cos(ky)),
           (lam * sp.sin(ky), -lam * sp.sin(kx), M0 + t * (sp.cos(kx) + sp.cos(ky))), (kx, ky))


def _model(spec, name, params, lattice=False):
    e0, d, ks = spec
    H = e0 * sp.eye(2) + sum((c * s for c, s in zip(d, symgrav.symbolic.model.PAULI)), sp.zeros(2))
    return Model(H, ks, lattice=lattice, name=name, parameters=params)


def _predicted(spec):
    """Zeros and pairs from the triple product N_a^i and the reflections of e0, |d|."""
    e0, d, ks = spec
    d = sp.Matrix(d)
    unit = {a: sp.Matrix([int(a == x) for x in AXES]) for a in AXES}
    N = {(a, i): sp.expand(d.dot(unit[a].cross(d.diff(k)))) for a in AXES
         for i, k in zip(AXES, ks)}
    mirrors = []
    for k in ks:
        flip = {k: -k}
        if sp.simplify(e0.xreplace(flip) - e0) == 0 and \
                sp.simplify(d.dot(d).xreplace(flip) - d.dot(d)) == 0:
            mirrors.append(flip)
    zero = {c for c, n in N.items()
            if n == 0 or any(sp.simplify(n.xreplace(f) + n) == 0 for f in mirrors)}
    maps = [{}]  # identity, and the swap of the two axes if it keeps e0 and |d|
    swap = {ks[0]: ks[1], ks[1]: ks[0]}
    if sp.simplify(e0.xreplace(swap) - e0) == 0 and \
            sp.simplify(d.dot(d).xreplace(swap) - d.dot(d)) == 0:
        maps.append(swap)
    pairs = {}
    nonzero = [c for c in N if c not in zero]
    for c in nonzero:
        for r in nonzero:
            if r == c or c in pairs:
                break
            for f in maps:
                for s in (1, -1):
                    if c not in pairs and sp.simplify(N[c].xreplace(f) - s * N[r]) == 0:
                        pairs[c] = (r, s)
    return zero, pairs


CASES = [
    ("rashba", RASHBA, {"alpha": 1, "b": "0.5", "m": 1}, False),
    ("dresselhaus", DRESSELHAUS, {"beta": 1, "b": "0.5", "m": 1}, False),
    ("inplane", INPLANE, {"alpha": 1, "b": "0.5", "b_x": "0.3", "m": 1}, False),
    ("lattice", LATTICE, {"t0": "0.2", "lam": 1, "M0": 2, "t": "0.5"}, True),
]


@pytest.mark.parametrize("name,spec,params,lattice", CASES, ids=[c[0] for c in CASES])
def test_symmetry_zeros_match_independent_argument(name, spec, params, lattice):
    model = _model(spec, name, params, lattice)
    sym = tensor_symmetries(model, dps=DPS)
    zero, pairs = _predicted(spec)
    assert set(sym["zero"]) == zero
    assert {c: (r, s) for c, (r, s, _why) in sym["relations"].items()} == pairs


def test_builtin_lattice_insulator_pattern():
    sym = tensor_symmetries("lattice_insulator", dps=DPS)
    assert set(sym["zero"]) == {("x", "y"), ("y", "x"), ("z", "x"), ("z", "y")}
    assert sym["relations"][("y", "y")][:2] == (("x", "x"), 1)
    assert sym["representatives"] == [("x", "x")]


def test_inplane_field_pattern():
    """An in-plane field b_x breaks p_y -> -p_y: z,x survives, z,y does not."""
    model = _model(INPLANE, "inplane", CASES[2][2])
    sym = tensor_symmetries(model, dps=DPS)
    assert sym["representatives"] == [("x", "x"), ("z", "x")]
    assert ("z", "y") in sym["zero"]


def test_rashba_tensor_values():
    """Rashba: only xx = yy survive; checked against direct integrations."""
    model = load_model("rashba")
    res = symgrav.tensor(model, mu="0.3", T="0.05", dps=DPS, workers=1)
    assert res.nonzero() == ["xx", "yy"]
    assert res.relations[("y", "y")][:2] == (("x", "x"), 1)
    for c in [("x", "y"), ("y", "x"), ("z", "x"), ("z", "y")]:
        assert all(v == 0 for v in res.values[c].values())
    for a, i in [("x", "x"), ("y", "y"), ("x", "y")]:
        ref = Susceptibilities(model, model.defaults, a, i, dps=DPS).evaluate("0.3", "0.05")
        for q, v in ref.items():
            assert mp.nstr(res.values[(a, i)][q], DPS) == mp.nstr(v, DPS), (a, i, q)
    # the odd-symmetry zero of z,x, integrated directly: zero to the working precision
    zx = Susceptibilities(model, model.defaults, "z", "x", dps=DPS).evaluate("0.3", "0.05")
    assert abs(zx["alpha"]) < mp.mpf(10) ** (-DPS + 3) * abs(res.values[("x", "x")]["alpha"])
    text = str(res)
    assert "nonzero: xx, yy" in text and "related: xx = yy" in text
    assert res.numerical == [] and "second_point" not in res.metadata  # all from symmetry
    # parameter values recorded exactly as used (ints stay ints, no "1.0")
    assert res.metadata["parameters"] == {"alpha": "1", "b": "0.5", "hbar": "1", "m": "1"}


def test_dresselhaus_tensor_values():
    model = _model(DRESSELHAUS, "dresselhaus", CASES[1][2])
    res = symgrav.tensor(model, mu="0.3", T="0.05", dps=DPS, workers=1)
    assert res.nonzero() == ["xx", "yy"]
    assert res.relations[("y", "y")][:2] == (("x", "x"), -1)
    ref = Susceptibilities(model, model.defaults, "y", "y", dps=DPS).evaluate("0.3", "0.05")
    assert mp.nstr(res.values[("y", "y")]["mqm"], DPS) == mp.nstr(ref["mqm"], DPS)
    assert res.values[("x", "x")]["alpha"] == -res.values[("y", "y")]["alpha"] != 0
    d = res.to_dict()
    assert d["relations"]["yy"]["equals"] == "-xx"
    assert d["metadata"]["model"] == "dresselhaus"


def test_tensor_bad_input():
    with pytest.raises(symgrav.SymgravError):
        symgrav.tensor("rashba", mu="0", T="-1", dps=DPS, workers=1)
    with pytest.raises(symgrav.SymgravError):
        symgrav.tensor("rashba", mu="0", T="0.1", dps=DPS, statistics="nope", workers=1)


# -- zeros and pairs that no reflection or permutation explains ----------------

q = sp.symbols("q", positive=True)
# Rashba shifted in momentum, p_x -> p_x - q: band energies are no longer even in
# p_x, so the reflection that makes z,y vanish in Rashba is gone from the search;
# but the integrals over all p are translation invariant (velocities and spin
# geometry, Eqs. 8b, 8c, depend on p - q only), so chi_z^y = 0 still, and every
# component equals that of the unshifted Rashba model.
SHIFTED = (((px - q)**2 + py**2) / (2 * m), (alpha * py, -alpha * (px - q), b), (px, py))


def test_numerical_zero_confirmed_at_second_point():
    model = _model(SHIFTED, "shifted_rashba", {"alpha": 1, "b": "0.5", "m": 1, "q": "0.3"})
    sym = tensor_symmetries(model, dps=DPS)
    assert sym["representatives"] == [("x", "x"), ("z", "y")]  # z,y: no symmetry found
    res = symgrav.tensor(model, mu="0.3", T="0", dps=DPS, workers=1)
    assert res.numerical == [("z", "y")]
    assert res.zero[("z", "y")].startswith("numerical")
    assert not res.zero[("z", "x")].startswith("numerical")  # odd under p_y -> -p_y
    assert res.nonzero() == ["xx", "yy"]
    second = res.metadata["second_point"]
    assert mp.mpf(second["mu"]) != mp.mpf("0.3") and mp.mpf(second["T"]) == 0
    d = res.to_dict()
    assert d["numerical"] == ["zy"] and d["metadata"]["numerical"] == ["zy"]
    assert "numerical, not from a symmetry" in str(res)
    # the same value as the unshifted model (translation invariance)
    ref = Susceptibilities(load_model("rashba"), load_model("rashba").defaults, "x", "x",
                           dps=DPS).evaluate("0.3", "0")
    assert mp.nstr(res.values[("x", "x")]["alpha"], DPS - 3) == mp.nstr(ref["alpha"], DPS - 3)


def _vals(x, y=None):
    """Five quantities; y (if given) for all but alpha, to make points differ."""
    y = x if y is None else y
    return {"alpha": mp.mpf(x), "T_beta_kubo": mp.mpf(y), "mqm": mp.mpf(y),
            "mqm_aux": mp.mpf(y), "T_beta": mp.mpf(y) / 7}


def test_decision_rule_needs_the_second_point():
    """Stubbed values: only claims that hold at both points are reported."""
    from symgrav.workflows.tensor import numerical_relations

    A, B, C, D, E = [("x", "x"), ("x", "y"), ("y", "x"), ("y", "y"), ("z", "x")]
    reps = [A, B, C, D, E]
    first = {A: _vals(1), B: _vals(0), C: _vals(0), D: _vals(-1), E: _vals(1)}
    # candidates at the first point: B, C zero; D = -A, E = A
    zero, rel = numerical_relations(reps, first, None, DPS)
    assert zero == [B, C] and rel == {D: (A, -1), E: (A, 1)}
    # second point: C becomes nonzero (a coincidental zero of the first point),
    # E no longer equals A, D = -A and B = 0 persist
    second = {A: _vals(2, 3), B: _vals("1e-30"), C: _vals("0.5"), D: _vals(-2, -3),
              E: _vals(2, 1)}
    zero, rel = numerical_relations(reps, first, second, DPS)
    assert zero == [B] and rel == {D: (A, -1)}
    # a second point where everything vanishes confirms nothing
    blank = {c: _vals(0) for c in reps}
    assert numerical_relations(reps, first, blank, DPS) == ([], {})
    # a relation to a component that vanishes at the second point is not confirmed
    second = {A: _vals(0), B: _vals(0), C: _vals(1), D: _vals(0), E: _vals(0)}
    assert numerical_relations(reps, first, second, DPS) == ([B], {})


def test_second_point_inside_bands():
    from symgrav.workflows.tensor import second_point

    energies = [mp.mpf(x) for x in ("-1", "-0.4", "0.1", "0.35", "2")]
    assert second_point(mp.mpf("0.3"), mp.mpf(0), energies, "fermi") == (mp.mpf("-0.4"), 0)
    mu, T = second_point(mp.mpf(-3), mp.mpf("0.1"), energies, "bose")
    assert mu == -3 and T > mp.mpf("0.1")



# -- user quantities and double precision (issue 8) -------------------------------------------

USER = (symgrav.Quantity("xi2f", "xi**2*f", 0), symgrav.Quantity("mxif", 0, "xi*f"))


def _radial(mu, T, w_omega, w_moment, b="0.5"):
    """The radial reference of tests/references (no symgrav) for Rashba's xx component."""
    from references import rashba_radial

    with mp.workdps(30):
        return rashba_radial.fermi_sea(mp.mpf(mu), mp.mpf(T), mp.mpf(b), w_omega, w_moment)


@pytest.mark.parametrize("dps", [DPS, "double"])
def test_rashba_tensor_user_quantities(dps):
    """Every component carries the user quantities; the symmetry relations of the integrand
    (Omega, m of Eqs. 8b, 8c) hold for them too; xx against the radial reference."""
    from rashba_reference import reference

    res = symgrav.tensor("rashba", mu="0.3", T="0.05", dps=dps, workers=1, quantities=USER)
    assert res.names == ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta", "xi2f", "mxif")
    assert res.nonzero() == ["xx", "yy"]
    for c, vals in res.values.items():
        assert set(vals) == set(res.names)
        if c in res.zero:
            assert all(v == 0 for v in vals.values())
    assert res.values[("y", "y")] == res.values[("x", "x")]
    xx = res.values[("x", "x")]
    want = {"xi2f": _radial("0.3", "0.05", lambda xi, T, f, G, df: xi ** 2 * f, None),
            "mxif": _radial("0.3", "0.05", None, lambda xi, T, f, G, df: xi * f)}
    with mp.workdps(30):
        want.update(reference("0.3", "0.05", mp.mpf("0.5")))
    rel = mp.mpf("1e-10") if dps == "double" else mp.mpf("1e-13")
    for name, w in want.items():
        assert abs(xx[name] - w) <= rel * abs(w) + mp.mpf("1e-15"), (dps, name)
    meta = res.to_dict()["metadata"]
    assert meta["dps"] == dps and meta["quantities"]["mxif"]["moment"] == "f*xi"
    assert "xi2f" in str(res).splitlines()[2]


def test_dresselhaus_user_quantity_opposite():
    """Dresselhaus: chi_y^y = -chi_x^x from the integrand, for a user quantity as well."""
    model = _model(DRESSELHAUS, "dresselhaus", CASES[1][2])
    res = symgrav.tensor(model, mu="0.3", T="0.05", dps="double", workers=1, quantities=USER)
    assert res.relations[("y", "y")][:2] == (("x", "x"), -1)
    xx, yy = res.values[("x", "x")], res.values[("y", "y")]
    assert yy["xi2f"] == -xx["xi2f"] != 0 and yy["mxif"] == -xx["mxif"] != 0


def test_tensor_bad_quantities():
    with pytest.raises(symgrav.SymgravError, match="Quantity"):
        symgrav.tensor("rashba", mu="0", T="0.1", dps=DPS, workers=1, quantities=["f"])
    with pytest.raises(symgrav.SymgravError, match="dps"):
        symgrav.tensor("rashba", mu="0", T="0.1", dps="single", workers=1)
