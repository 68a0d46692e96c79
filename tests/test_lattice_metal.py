"""A 2D lattice metal at low temperature: the transverse integral split at Fermi-surface tangencies.

The built-in ``lattice_insulator`` model with mu = -1.5 inside its lower band is
a metal.  Its k_x lines touch the Fermi surface at k_y = +-c; there the line
integrals are non-analytic in k_y (square-root branch points at T = 0) and
the periodic trapezoid rule over k_y converges only algebraically.
:mod:`symgrav.numeric.families` finds c and integrates the pieces by the
tanh-sinh rule.  References, all independent of that code path:

* T = 0.05: tests/references/bz_grid.py, a numpy sum over states (Eqs. 8b,
  8c) on a periodic k grid over the Brillouin zone, converged from n = 128
  to 256 points per direction (no lines, no Fermi points, no symgrav code);
* T = 0: d alpha/d mu as the Fermi-surface integral (E1) against a
  fourth-order central difference of the Fermi-sea integral (19a), and the
  value at 15 digits against the one at 30 digits;
* T = 1e-3: the Mott relation (21), T beta / Mott - 1 = O(T^2), i.e. Eq. (20)
  against Eq. (E1);
* the tangency itself: on one side of c the line has no Fermi point, on the
  other it has two (a direct count by the line scan).
"""

import mpmath as mp
import numpy as np
import pytest

import symgrav
from symgrav.numeric.arith import Mpf
from symgrav.numeric.families import critical_parameters
from symgrav.numeric.line_features import Line, LineFeatures
from symgrav.numeric.tanh_sinh import tanh_sinh
from references import bz_grid

MU = "-1.5"


@pytest.fixture(scope="module")
def model():
    return symgrav.load_model("lattice_insulator")


@pytest.fixture(scope="module")
def sus15(model):
    return symgrav.Susceptibilities(model, model.defaults, dps=15)


def test_tangency_points(sus15):
    S = sus15
    B, B2 = S.backend, S.backend2
    with B.context():
        mu = mp.mpf(MU)
        margin = S.margin(B, mp.mpf(0))

        def line_of(ky):
            return Line((mp.mpf(0), ky), (1, 0), S.layout.measure, periodic=True)

        crit = critical_parameters(S.bands, B2, line_of, -mp.pi, mp.pi, mu, margin)
        assert len(crit) == 2 and abs(crit[0] + crit[1]) < mp.mpf(10) ** -20  # k_y -> -k_y
        c = crit[1]
        for d, count in ((mp.mpf("1e-12"), 0), (mp.mpf("-1e-12"), 2)):
            # |k_y| < c: no Fermi point on the line; |k_y| > c: two
            feats = LineFeatures(S.bands, line_of(c - d), B.num(mu), B.num(margin), B)
            assert len(feats.fermi) == count


def _vector(*funs):
    """A vector integrand for symgrav.numeric.rules from scalar functions of mpf."""
    def fun(ts):
        vals = np.array([[f(t) for t in ts] for f in funs], dtype=object)
        return vals, np.abs(vals)
    return fun


def test_tanh_sinh_vector_endpoint_singularities():
    """The transverse rule on integrands with the square-root branch points of a tangency.

    The rule drops nodes within 2^-prec of an end, so an inverse square root
    costs half the digits (as it does near a nonzero end, where the integrand
    cannot be evaluated closer than one ulp); dalpha_dmu therefore doubles
    the precision in 2D, and so does this test for its 1/sqrt component.
    """
    B = Mpf(mp.libmp.dps_to_prec(60))
    with B.context():
        vals, _ = tanh_sinh(_vector(lambda s: mp.sqrt(1 - s), lambda s: 1 / mp.sqrt(s), mp.exp),
                            mp.mpf(0), mp.mpf(1), 3, mp.mpf(10) ** -28, B)
        exact = [mp.mpf(2) / 3, mp.mpf(2), mp.e - 1]
        for v, e in zip(vals, exact):
            assert abs(v - e) < mp.mpf(10) ** -27
    B = Mpf(mp.libmp.dps_to_prec(30))
    with B.context():
        vals, _ = tanh_sinh(_vector(lambda s: mp.sqrt(1 - s), lambda s: 1 / mp.sqrt(s)),
                            mp.mpf(0), mp.mpf(1), 2, mp.mpf(10) ** -28, B)
        assert abs(vals[0] - mp.mpf(2) / 3) < mp.mpf(10) ** -27
        assert mp.mpf(10) ** -17 < abs(vals[1] - 2) < 4 * mp.sqrt(mp.mpf(2) ** -mp.mp.prec)


def test_tanh_sinh_singular_ends_keep_every_digit():
    """singular=True: the nodes within 2^-prec of an end follow the 1/sqrt law from one
    evaluation there, so an inverse square root at either end or both keeps the working
    precision (closed forms: int_0^1 x^-1/2 = 2, int_0^1 (x (1 - x))^-1/2 = pi,
    int_0^1 e^x / sqrt(x) = sqrt(pi) erfi(1)) and a bounded integrand is unharmed
    (int_0^1 sqrt(1 - x) = 2/3).  Without it the first three lose half the digits (this
    cost the 3D Fermi-surface planes 3e-8 relative)."""
    funs = (lambda s: 1 / mp.sqrt(s), lambda s: 1 / mp.sqrt(s * (1 - s)),
            lambda s: mp.exp(s) / mp.sqrt(s), lambda s: mp.sqrt(1 - s))
    B = Mpf(mp.libmp.dps_to_prec(30))
    with B.context():
        exact = [mp.mpf(2), mp.pi, mp.sqrt(mp.pi) * mp.erfi(1), mp.mpf(2) / 3]
        # fine: the nodes next to an end at twice the precision (the distance to the end 1
        # is rounded to one ulp at the working precision, as in the engine's lines)
        fun = _vector(*funs)
        vals, _ = tanh_sinh(fun, mp.mpf(0), mp.mpf(1), 4, mp.mpf(10) ** -28, B, fine=fun,
                            singular=True)
        for v, e in zip(vals, exact):
            assert abs(v - e) < mp.mpf(10) ** -27 * abs(e), (v, e)
        plain, _ = tanh_sinh(fun, mp.mpf(0), mp.mpf(1), 4, mp.mpf(10) ** -28, B, fine=fun)
        for v, e in zip(plain[:3], exact):
            assert abs(v - e) > mp.mpf(10) ** -20 * abs(e)


def test_finite_T_against_grid_reference(sus15):
    """At T = 0.05 the integrand is analytic in a strip ~ pi T / v_F wide, so the periodic
    grid converges exponentially: n = 128 and 256 agree to 1e-13 of the band terms
    (measured ~1e-17), and the engine at dps = 15 to ~1e-15; tolerance 1e-11 relative."""
    weights = bz_grid.builtin_weights()
    _, ref = bz_grid.converged(bz_grid.LatticeInsulator(), float(MU), 0.05, weights, n=128,
                               rtol=1e-13)
    got = sus15.evaluate(MU, "0.05")
    for name in weights:
        assert float(got[name]) == pytest.approx(ref[name], rel=1e-11), name


def test_zero_T_fermi_surface_integral(model, sus15):
    """(E1) against a central difference of (19a), and at 15 against 30 digits."""
    d15 = sus15.dalpha_dmu(MU)
    d30 = symgrav.Susceptibilities(model, model.defaults, dps=30).dalpha_dmu(MU)
    assert abs(d15 - d30) <= mp.mpf(10) ** -15 * abs(d30)
    h = mp.mpf("1e-3")
    a = [sus15.alpha(mp.mpf(MU) + k * h, 0) for k in (-2, -1, 1, 2)]
    fd = (a[0] - 8 * a[1] + 8 * a[2] - a[3]) / (12 * h)
    # truncation error h^4 alpha^(5) / 30 ~ 1e-13 here; rounding 1e-15 / h
    assert abs(fd - d30) <= mp.mpf("1e-10") * abs(d30)


def test_low_T_mott(sus15):
    """Eq. (20) at T = 1e-3 follows the Mott relation (21) to O(T^2)."""
    T = "0.001"
    ev = sus15.evaluate(MU, T)
    ratio = ev["T_beta"] / sus15.mott(MU, T)
    assert abs(ratio - 1) < 1e-3
    # Eq. (18) holds at the working precision
    assert abs(ev["T_beta_kubo"] - ev["mqm"] - ev["T_beta"]) < mp.mpf(10) ** -14 * abs(ev["mqm"])


def test_3d_lattice_metal_at_T0_is_refused_clearly():
    """3D lattices use nested trapezoids: a Fermi surface at T = 0 gives a clear error, fast."""
    import sympy as sp
    from symgrav import SymgravError
    kx, ky, kz = sp.symbols("k_x k_y k_z", real=True)
    sx, sy, sz = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
                  sp.Matrix([[1, 0], [0, -1]]))
    c = sp.cos(kx) + sp.cos(ky) + sp.cos(kz)
    H = c / 5 * sp.eye(2) + sp.sin(ky) * sx - sp.sin(kx) * sy + (4 + c / 2 + sp.sin(kz) / 3) * sz
    S = symgrav.Susceptibilities(symgrav.Model(H, [kx, ky, kz], lattice=True), {}, dps=15)
    with pytest.raises(SymgravError, match="three-dimensional lattice metal at T = 0"):
        S.alpha("-4", 0)  # inside the lower band [-5.05, -2.95]


def test_zero_T_in_double_precision_fermi_surface_relation(model):
    """Double precision at T = 0: the Fermi-sea alpha (19a) at mu +- h, mu +- 2h, through a
    fourth-order central difference, against the Fermi-surface integral (E1) (another
    formula; tangencies of the Fermi surface are the hard part of both)."""
    S = symgrav.Susceptibilities(model, model.defaults, dps="double")
    h = 1e-3
    a = [S.alpha(str(float(MU) + k * h), 0) for k in (-2, -1, 1, 2)]
    fd = (a[0] - 8 * a[1] + 8 * a[2] - a[3]) / (12 * h)
    d = S.dalpha_dmu(MU)
    # truncation ~1e-13; rounding ~1e-16 / h of alpha
    assert abs(fd - d) <= 1e-9 * abs(d)
