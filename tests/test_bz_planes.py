"""The route bz_planes: a 3D lattice model as an integral over planes of Brillouin-zone lines.

References, nothing taken from symgrav: tests/references/bz_grid.py (numpy eigh on dense
grids typed by hand) for the 3D means at T = 0.4 and, plane by plane, for one plane
k_z = const at T = 0.4, 0.05 and T = 0 (lines with bisected Fermi points); closed
forms for the outer Gauss-Kronrod rule; a brute-force numpy scan for the tangent planes.
The model is Lattice3D of tests/test_bz_grid.py (a 3D two-band lattice metal).
"""

from __future__ import annotations

import re

import mpmath as mp
import numpy as np
import pytest

import symgrav
from symgrav import SymgravError
from symgrav.numeric.bz_planes import GK21, adaptive_gauss_kronrod, plane_integral, tangent_planes
from references import bz_grid as Z
from test_bz_grid import lattice3d_model

MU = -2.5       # lower band of Lattice3D
KZ = -2.0       # the plane of the plane-by-plane checks: a Fermi line around the band top
W = Z.builtin_weights()


@pytest.fixture(scope="module")
def model():
    return lattice3d_model()


def _close(got, ref, size, rel):
    for name, r in ref.items():
        assert abs(float(got[name]) - r) <= rel * max(size[name], abs(r)), (name, got[name], r)


# -- the outer rule --------------------------------------------------------------------------

def test_gauss_kronrod_table_integrates_polynomials_exactly():
    """K21 is exact to degree 31, the embedded G10 to degree 19 (integrals of x^k on [-1, 1])."""
    x, wk, wg = GK21
    for k in range(0, 32, 2):
        assert abs(np.sum(wk * x ** k) - 2 / (k + 1)) < 1e-15
    for k in range(0, 20, 2):
        assert abs(np.sum(wg * x[1::2] ** k) - 2 / (k + 1)) < 1e-15
    assert abs(np.sum(wk * x ** 32) - 2 / 33) > 1e-12     # and not beyond


def test_adaptive_rule_with_and_without_a_breakpoint_at_a_kink():
    """(t - c)_+^2 e^t and |t - c| on [-pi, pi] (closed forms): analytic on either side of c,
    so the breakpoint at c leaves one panel per side."""
    c = 0.4

    def fun(t):
        vals = np.array([np.maximum(t - c, 0) ** 2 * np.exp(t), np.abs(t - c)])
        return vals, np.abs(vals)
    u = np.pi - c
    exact = [np.exp(np.pi) * (u * u - 2 * u + 2) - 2 * np.exp(c),
             ((np.pi - c) ** 2 + (np.pi + c) ** 2) / 2]
    plain, _, _, n_plain = adaptive_gauss_kronrod(fun, [-np.pi, np.pi], 2, 1e-12)
    split, _, _, n_split = adaptive_gauss_kronrod(fun, [-np.pi, c, np.pi], 2, 1e-12)
    for got in (plain, split):
        assert np.allclose(got, exact, rtol=1e-11, atol=0)
    assert n_split == 42 < n_plain


def test_adaptive_rule_refuses_a_divergence_and_a_non_finite_value():
    def fun(t):
        return np.array([1 / np.abs(t - 0.1)]), np.array([1 / np.abs(t - 0.1)])
    with pytest.raises(SymgravError, match="did not converge"):
        adaptive_gauss_kronrod(fun, [-1.0, 1.0], 1, 1e-12, max_panels=50)
    with pytest.raises(SymgravError, match="not finite"):
        adaptive_gauss_kronrod(fun, [0.1 - 2 * 0.148874338981631210884826001129720, 0.1], 1, 1e-12)


# -- tangent planes --------------------------------------------------------------------------

def _plane_extremes(kz, n=200):
    """(min, max) of each band of Lattice3D over the plane k_z = kz on an n x n numpy grid."""
    k = -np.pi + 2 * np.pi * np.arange(n) / n
    kx, ky = np.meshgrid(k, k, indexing="ij")
    H = Z.Lattice3D().H(kx, ky, kz + 0 * kx)
    # the two eigenvalues of a Hermitian 2 x 2 matrix
    mean, half = (H[..., 0, 0].real + H[..., 1, 1].real) / 2, (H[..., 0, 0].real - H[..., 1, 1].real) / 2
    root = np.sqrt(half ** 2 + np.abs(H[..., 0, 1]) ** 2)
    eps = np.stack([mean - root, mean + root], axis=-1)
    return eps.min(axis=(0, 1)), eps.max(axis=(0, 1))


def test_tangent_planes_against_a_numpy_scan(model):
    """The k_z where a band extremum over the plane crosses mu, bisected on numpy grids."""
    S = symgrav.Susceptibilities(model, {}, dps="double")
    got = tangent_planes(S.bands, MU, "z")
    kz = np.linspace(-np.pi, np.pi, 65)
    g = np.array([np.concatenate(_plane_extremes(z, 100)) for z in kz]) - MU
    ref = []
    for col in range(g.shape[1]):
        for j in np.nonzero(np.sign(g[:-1, col]) * np.sign(g[1:, col]) < 0)[0]:
            a, b = kz[j], kz[j + 1]
            for _ in range(24):
                m = (a + b) / 2
                if np.sign(np.concatenate(_plane_extremes(m))[col] - MU) == np.sign(g[j, col]):
                    a = m
                else:
                    b = m
            ref.append((a + b) / 2)
    assert len(got) == len(ref) == 2
    # the top of the lower band over a plane is at k_x = k_y = 0, a node of the numpy grid;
    # 24 bisections of a 2 pi / 64 bracket leave ~6e-9 (measured difference 3e-9)
    assert np.allclose(sorted(ref), got, atol=2e-8, rtol=0)


# -- one plane against numpy -----------------------------------------------------------------

def _numpy_plane(kz, T, n):
    """{name: (mean, size)} over the plane k_z = kz on an n x n grid (reference module only)."""
    k = -np.pi + 2 * np.pi * np.arange(n) / n
    kx, ky = (m.ravel() for m in np.meshgrid(k, k, indexing="ij"))
    kzs = np.full_like(kx, kz)
    L = Z.Lattice3D()
    geom = Z.geometry(L.H(kx, ky, kzs), L.dH(kx, ky, kzs)[0], L.spin[0])
    return Z.band_sums(geom, MU, T, W)


def _plane(S, kz, T):
    """symgrav's plane times 2 pi: its weight 1/(2 pi)^3 becomes the plane's mean."""
    B = S.backend
    with B.context():
        vals, _ = plane_integral(S, S.quantity_set, kz, mp.mpf(MU), mp.mpf(T), B)
    return {q.name: float(v) * 2 * np.pi for q, v in zip(S.quantity_set.quantities, vals)}


@pytest.mark.parametrize("T, n", [(0.4, 64), (0.05, 512)])
def test_one_plane_against_numpy(model, T, n):
    """At T = 0.4 and 0.05 the plane grid has converged (n vs 2n) far below the tolerance."""
    lo, hi = _numpy_plane(KZ, T, n), _numpy_plane(KZ, T, 2 * n)
    size = {k: v[1] for k, v in hi.items()}
    for k in W:
        assert abs(lo[k][0] - hi[k][0]) <= 1e-11 * size[k], k
    S = symgrav.Susceptibilities(model, {}, dps="double")
    _close(_plane(S, KZ, T), {k: v[0] for k, v in hi.items()}, size, rel=1e-11)


def test_one_plane_of_the_tight_binding_conversion(model):
    """The TightBinding conversion of Lattice3D on the same plane at T = 0.05."""
    hi = _numpy_plane(KZ, 0.05, 1024)
    S = symgrav.Susceptibilities(symgrav.TightBinding.from_model(model), {}, dps="double")
    _close(_plane(S, KZ, 0.05), {k: v[0] for k, v in hi.items()}, {k: v[1] for k, v in hi.items()},
           rel=1e-11)


class _Plane:
    """The plane k_z = kz of Lattice3D as a 2D model of the reference module."""

    def __init__(self, kz):
        self.kz, self.L = kz, Z.Lattice3D()
        self.spin = self.L.spin

    def H(self, kx, ky):
        return self.L.H(kx, ky, self.kz + 0 * kx)

    def dH(self, kx, ky):
        return self.L.dH(kx, ky, self.kz + 0 * kx)[:2]


def test_one_plane_at_zero_temperature(model):
    """T = 0: the reference's lines at T = 0 (Fermi points bisected, Gauss-Legendre) integrated
    over k_y graded towards the tangencies it finds itself (family_fermi_sea)."""
    plane = _Plane(KZ)
    kinks = [-np.pi, np.pi] + Z.tangencies(plane, MU, nky=129, nkx=257)
    ref = Z.family_fermi_sea(plane, MU, 0, W, kinks, panels=2)
    size = {k: v[1] for k, v in _numpy_plane(KZ, 0.05, 256).items()}
    S = symgrav.Susceptibilities(model, {}, dps="double")
    got = _plane(S, KZ, 0)
    _close(got, ref, size, rel=1e-10)
    assert got["T_beta"] == 0


def test_one_plane_of_the_fermi_surface_sum(model):
    """d alpha/d mu (Eq. E1) at T = 0 on the plane k_z = KZ (the Mott value of a 3D lattice
    model is the outer integral of these): against numpy's Fermi points on lines (Brent,
    Hellmann-Feynman slopes) integrated over k_y with the 1/sqrt singularities at the tangent
    lines removed by a cosine substitution (references/bz_grid.family_fermi_surface)."""
    from symgrav.numeric.routes import surface_lines
    from symgrav.numeric.weights import QuantitySet
    from symgrav.symbolic.quantities import DALPHA_DMU

    plane = _Plane(KZ)
    kinks = [-np.pi, np.pi] + Z.tangencies(plane, MU, nky=129, nkx=257)
    assert len(kinks) == 4
    want = Z.family_fermi_surface(plane, MU, kinks)
    S = symgrav.Susceptibilities(model, {}, dps="double")
    qset = QuantitySet((DALPHA_DMU,))
    B, mu = S.backend, mp.mpf(MU)
    with B.context():
        vals, _ = plane_integral(S, qset, KZ, mu, mp.mpf(0), B,
                                 lines=surface_lines(S, qset, mu))
    got = float(vals[0]) * 2 * np.pi
    # measured 2.5e-13; before the ends of the tanh-sinh panels were integrated deeper for
    # these 1/sqrt singularities (tanh_sinh(singular=True)): 3.3e-8, half the digits
    assert abs(got - want) <= 1e-11 * abs(want), (got, want)


@pytest.mark.slow
def test_mott_slope_of_the_metal_against_numpy_planes(model):
    """d alpha/d mu (E1) at T = 0 of the 3D metal: the Mott column of ``sweep`` and
    ``symgrav compute`` for a 3D lattice model (before: 'periodic trapezoid rule did not
    converge ... raise T' at every T).  Reference: numpy planes k_z = const
    (references/bz_grid.family_fermi_surface) under Gauss-Legendre rules in k_z between the
    tangent planes (brentq on the band top at k_x = k_y = pi), 40 and 60 nodes per panel.

    Marked slow: ~170 planes of the engine (~3 min) and ~100 numpy planes."""
    from scipy.optimize import brentq

    L = Z.Lattice3D()

    def top(kz):
        return np.linalg.eigvalsh(L.H(np.array([np.pi]), np.array([np.pi]), np.array([kz])))[0, 0] - MU
    grid = np.linspace(-np.pi, np.pi, 257)
    vals = [top(k) for k in grid]
    tangents = [brentq(top, grid[j], grid[j + 1], xtol=1e-15)
                for j in range(256) if vals[j] * vals[j + 1] < 0]
    assert len(tangents) == 2
    ends = tangents + [tangents[0] + 2 * np.pi]

    def reference(order):
        x, w = np.polynomial.legendre.leggauss(order)
        total = 0.0
        for k0, k1 in zip(ends[:-1], ends[1:]):
            for xi, wi in zip(x, w):
                kz = (k0 + k1) / 2 + (k1 - k0) / 2 * xi
                kz = (kz + np.pi) % (2 * np.pi) - np.pi
                plane = _Plane(kz)
                kinks = [-np.pi, np.pi] + Z.tangencies(plane, MU, nky=129, nkx=257)
                total += wi * (k1 - k0) / 2 * Z.family_fermi_surface(plane, MU, kinks)
        return total / (2 * np.pi)
    coarse, want = reference(40), reference(60)
    assert abs(coarse - want) <= 1e-11 * abs(want), (coarse, want)
    S = symgrav.Susceptibilities(model, {}, dps="double")
    got = S.dalpha_dmu(str(MU))
    assert abs(got - want) <= 1e-10 * abs(want), (got, want)


# -- the route -------------------------------------------------------------------------------

@pytest.mark.slow
def test_route_against_the_numpy_grid(model):
    """The whole route at T = 0.4, where the reference 96^3 grid has converged (vs 48^3).

    Marked slow: 84 planes of about a CPU second each (python -m pytest -m slow)."""
    lo = Z.band_sums(Z.grid_geometry(Z.Lattice3D(), 48), MU, 0.4, W)
    hi = Z.band_sums(Z.grid_geometry(Z.Lattice3D(), 96), MU, 0.4, W)
    size = {k: v[1] for k, v in hi.items()}
    for k in W:
        assert abs(lo[k][0] - hi[k][0]) <= 1e-11 * size[k], k
    S = symgrav.Susceptibilities(model, {}, dps="double", route="bz_planes")
    ev = S.evaluate(str(MU), "0.4")
    assert ev.route == "bz_planes"
    _close(ev, {k: v[0] for k, v in hi.items()}, size, rel=1e-11)


def test_route_in_the_gap_at_low_temperature(model):
    """mu = -0.5 in the gap at T = 0.01: smooth planes; the reference grid converges (32 vs 64)."""
    lo, hi = (Z.band_sums(Z.grid_geometry(Z.Lattice3D(), n), -0.5, 0.01, W) for n in (32, 64))
    scale = max(v[1] for v in hi.values())       # T beta ~ 1e-63 here: absolute, on this scale
    for k in W:
        assert abs(lo[k][0] - hi[k][0]) <= 1e-13 * scale, k
    ref, size = {k: v[0] for k, v in hi.items()}, {k: scale for k in W}
    S = symgrav.Susceptibilities(model, {}, dps="double", route="bz_planes")
    ev = S.evaluate("-0.5", "0.01")
    assert ev.route == "bz_planes"
    _close(ev, ref, size, rel=1e-11)


def test_bad_input_is_refused_in_one_line():
    m = symgrav.load_model("lattice_insulator")
    S = symgrav.Susceptibilities(m, m.defaults, dps="double", route="bz_planes")
    with pytest.raises(SymgravError, match=r"route 'bz_planes' does not apply .*2D lattice model") as exc:
        S.evaluate("-1.5", "0.1")
    assert "\n" not in str(exc.value)


def test_more_than_double_precision_is_refused(model):
    S = symgrav.Susceptibilities(model, {}, dps=20, route="bz_planes")
    with pytest.raises(SymgravError, match=r"not double precision .*dps='double' only"):
        S.evaluate("-2.5", "0.4")


def test_auto_takes_the_planes_where_the_grid_refuses(model, monkeypatch):
    """Route choice only (the planes themselves are stubbed: their values are checked above):
    a 3D metal at T = 0.001 (the grid would need ~2^12 nodes per direction) and at T = 0."""
    import symgrav.numeric.routes as routes
    seen = []

    def stub(engine, qset, mu, T, backend):
        seen.append(T)
        return [mp.mpf(0)] * len(qset.quantities)
    monkeypatch.setattr(routes, "plane_integrals", stub)
    S = symgrav.Susceptibilities(model, {}, dps="double")
    for T, why in (("0.001", r"needs at least \d+ nodes per direction"),
                   (0, "Fermi surface at mu = 1.0 and T = 0")):
        ev = S.evaluate("1.0", T)
        assert ev.route == "bz_planes"
        reasons = {d.name: d.reason for d in ev.decisions}
        assert re.search(why, reasons["bz_grid"]), reasons
        assert reasons["bz_planes"] == "applies"
    assert len(seen) == 2
    # an insulator keeps the grid; more than double precision keeps the nested lines
    assert S.evaluate("-0.5", "0.001").route == "bz_grid"
    hi = {d.name: d.reason for d in symgrav.Susceptibilities(model, {}, dps=20).explain(
        "1.0", 0, evaluate=False)}
    assert hi["bz_planes"].startswith("not double precision")


def test_outer_assembly_wraps_through_pi_with_a_stubbed_plane(model, monkeypatch):
    """The outer rule of plane_integrals in the metal (tangent planes exist, so the panels run
    from tangent to tangent and the last one wraps through k_z = pi), with the plane integral
    replaced by a periodic function with a kink at every tangent plane t (where the route
    puts its breakpoints): F(k) = 1 + cos k + sum_t |sin((k - t) / 2)|, whose integral
    over a period is 2 pi + 4 n_t exactly."""
    from symgrav.numeric import bz_planes

    S = symgrav.Susceptibilities(model, {}, dps="double", route="bz_planes")
    tangents = tangent_planes(S.bands, MU, "z")
    assert len(tangents) >= 2                           # a metal: the wrap panel is needed
    nq = len(S.quantity_set.quantities)

    def stub(engine, qset, kp, mu, T, backend, normal="z", lines=None, B2=None):
        f = 1 + np.cos(float(kp)) + sum(abs(np.sin((float(kp) - t) / 2)) for t in tangents)
        return [f] * nq, [f] * nq
    monkeypatch.setattr(bz_planes, "plane_integral", stub)
    stats = {}
    got = bz_planes.plane_integrals(S, S.quantity_set, mp.mpf(MU), mp.mpf("0.1"), S.backend,
                                    rtol=1e-12, stats=stats)
    assert stats["tangents"] == tangents
    for v in got:
        assert abs(float(v) - (2 * np.pi + 4 * len(tangents))) <= 1e-11
