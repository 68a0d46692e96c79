"""The Brillouin-zone grid route (symgrav.numeric.bz_grid): 3D lattice metals at T > 0, many mu.

Reference: tests/references/bz_grid.py, a numpy eigh sum over states on a dense grid typed
by hand (nothing imported from symgrav), converged between n and 2n points per direction.
The model is Lattice3D there: a 3D two-band lattice metal whose bands never touch (gap
between -1.95 and 0.83).
"""

from __future__ import annotations

import concurrent.futures as cf

import numpy as np
import pytest
import sympy as sp

import symgrav
from symgrav import SymgravError
from symgrav.numeric.symmetry import orbit_representatives, symmetry_group
from references import bz_grid as Z

T_GRID = 0.4          # v_max ~ 2: the reference 48^3 grid is good to ~1e-11 here
MUS = (-2.5, -0.5, 1.0)   # lower band, gap, upper band


def lattice3d_model():
    kx, ky, kz = sp.symbols("k_x k_y k_z", real=True)
    sx, sy, sz = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
                  sp.Matrix([[1, 0], [0, -1]]))
    c = sp.cos(kx) + sp.cos(ky) + sp.cos(kz)
    H = (c / 5 * sp.eye(2) + sp.sin(ky) * sx - sp.sin(kx) * sy
         + (3 + c / 2 + sp.sin(kz) / 3) * sz)
    return symgrav.Model(H, [kx, ky, kz], lattice=True, name="lattice3d")


@pytest.fixture(scope="module")
def model():
    return lattice3d_model()


@pytest.fixture(scope="module")
def reference():
    """{mu: {name: value}} on the 96^3 grid, and the sizes; converged against 48^3."""
    W = Z.builtin_weights()
    lo_geom, hi_geom = Z.grid_geometry(Z.Lattice3D(), 48), Z.grid_geometry(Z.Lattice3D(), 96)
    ref, size = {}, {}
    for mu in MUS:
        lo, hi = Z.band_sums(lo_geom, mu, T_GRID, W), Z.band_sums(hi_geom, mu, T_GRID, W)
        ref[mu] = {k: v[0] for k, v in hi.items()}
        size[mu] = {k: v[1] for k, v in hi.items()}
        for k in W:   # the reference has converged far below the tolerance of the tests
            assert abs(lo[k][0] - hi[k][0]) <= 1e-10 * max(size[mu][k], abs(hi[k][0])), k
    return ref, size


def _close(got, ref, size, rel=1e-9):
    for name, r in ref.items():
        assert abs(float(got[name]) - r) <= rel * max(size[name], abs(r)), (name, got[name], r)


def test_auto_takes_the_grid_in_3d_and_agrees_with_numpy(model, reference):
    ref, size = reference
    S = symgrav.Susceptibilities(model, {}, dps="double")
    for mu in (MUS[0], MUS[2]):
        ev = S.evaluate(str(mu), str(T_GRID))
        assert ev.route == "bz_grid"
        _close(ev, ref[mu], size[mu])


def test_scan_many_mu_at_once(model, reference):
    """Metal, insulator and metal from one grid: each against the reference."""
    ref, size = reference
    S = symgrav.Susceptibilities(model, {}, dps="double")
    rows = S.scan([str(m) for m in MUS], str(T_GRID))
    assert [r.route for r in rows] == ["bz_grid"] * 3
    for mu, row in zip(MUS, rows):
        _close(row, ref[mu], size[mu])


def test_scan_through_an_executor_of_a_tight_binding_conversion(model, reference):
    """The TightBinding conversion of the model, chunks computed by a thread pool."""
    ref, size = reference
    tb = symgrav.TightBinding.from_model(model)
    S = symgrav.Susceptibilities(tb, {}, dps="double")
    mus, T = [str(m) for m in MUS], str(T_GRID)
    seen = []
    with cf.ThreadPoolExecutor(2) as pool:
        def mapper(chunks):
            seen.append(len(chunks))
            return list(pool.map(lambda K: S.grid_chunk(K, mus, T), chunks))
        rows = S.scan(mus, T, mapper=mapper)
    assert sum(seen) > 2
    for mu, row in zip(MUS, rows):
        _close(row, ref[mu], size[mu])


def test_insulator_at_zero_temperature(model):
    """mu in the gap at T = 0: the grid applies (no Fermi surface) and matches the reference."""
    W = Z.builtin_weights()
    _, ref = Z.converged(Z.Lattice3D(), -0.5, 0, W, n=32, rtol=1e-10)
    size = {k: v[1] for k, v in Z.band_sums(Z.grid_geometry(Z.Lattice3D(), 64), -0.5, 0,
                                               W).items()}
    S = symgrav.Susceptibilities(model, {}, dps="double")
    row, = S.scan(["-0.5"], 0)
    _close(row, ref, size)
    assert row["T_beta"] == 0 or abs(row["T_beta"]) < 1e-12 * size["mqm"]


def test_forced_grid_in_2d_against_numpy():
    """route='bz_grid' on the 2D lattice_insulator (auto keeps the lines there)."""
    m = symgrav.load_model("lattice_insulator")
    W = Z.builtin_weights()
    _, ref = Z.converged(Z.LatticeInsulator(), -1.5, 0.2, W, n=128, rtol=1e-11)
    size = {k: v[1] for k, v in Z.band_sums(Z.grid_geometry(Z.LatticeInsulator(), 256), -1.5,
                                               0.2, W).items()}
    auto = symgrav.Susceptibilities(m, m.defaults, dps="double")
    assert auto.evaluate("-1.5", "0.2").route == "bz_lines"
    S = symgrav.Susceptibilities(m, m.defaults, dps="double", route="bz_grid")
    ev = S.evaluate("-1.5", "0.2")
    assert ev.route == "bz_grid"
    _close(ev, ref, size, rel=1e-10)
    # the mirrors k_x -> -k_x, k_y -> -k_y of component (x, x) (checked by the scan): in 2D too
    row, = S.scan(["-1.5"], "0.2", symmetries=[[[-1, 0], [0, 1]], [[1, 0], [0, -1]]])
    _close(row, ref, size, rel=1e-10)


def test_low_temperature_metal_is_refused_at_once(model):
    """T far below the grid's reach: bz_grid says how many nodes it would need, bz_lines too
    (``auto`` takes bz_planes there: tests/test_bz_planes.py)."""
    S = symgrav.Susceptibilities(model, {}, dps="double")
    with pytest.raises(SymgravError, match=r"needs at least \d+ nodes per direction"):
        symgrav.Susceptibilities(model, {}, dps="double", route="bz_grid").evaluate("1.0",
                                                                                   "0.001")
    lines = symgrav.Susceptibilities(model, {}, dps="double", route="bz_lines")
    with pytest.raises(SymgravError, match=r"needs about \d+ nodes per direction"):
        lines.evaluate("1.0", "0.001")
    decisions = {d.name: d.reason for d in S.explain("-0.5", "0.001")}
    assert decisions["bz_grid"] == "applies"          # insulator: converges at once
    with pytest.raises(SymgravError, match=r"at least \d+ nodes per direction"):
        S.scan(["1.0"], "0.001")
    with pytest.raises(SymgravError, match="T = 0: the nested trapezoid rules"):
        lines.evaluate("1.0", 0)
    with pytest.raises(SymgravError, match="Fermi surface at mu = 1.0"):
        S.scan(["1.0"], 0)
    with pytest.raises(SymgravError, match="max_points must be a positive integer"):
        S.scan(["1.0"], "0.4", max_points=0)
    with pytest.raises(SymgravError, match="at least one chemical potential"):
        S.scan([], "0.4")


def test_budget_allows_exactly_the_grid_that_converges(model):
    """max_points equal to the last level's grid is enough (the budget is not off by a level)."""
    S = symgrav.Susceptibilities(model, {}, dps="double")
    levels = []
    row, = S.scan(["-0.5"], 0, progress=lambda done, todo, n: levels.append(n))
    again, = S.scan(["-0.5"], 0, max_points=max(levels) ** 3)
    assert again["alpha"] == row["alpha"]
    with pytest.raises(SymgravError, match="did not converge"):
        S.scan(["-0.5"], 0, max_points=max(levels) ** 3 - 1)


def test_budget_is_honoured(model):
    """A grid budget below what T needs is refused with the numbers."""
    S = symgrav.Susceptibilities(model, {}, dps="double")
    with pytest.raises(SymgravError, match=r"budget allows 16 \(4096 points\)"):
        S.scan(["1.0"], "0.05", max_points=4096)



def test_bz_scan_on_a_process_pool(model, reference):
    """symgrav.bz_scan: k-point chunks on two worker processes, rows like a sweep."""
    ref, size = reference
    res = symgrav.bz_scan(model, mu=",".join(str(m) for m in MUS), T=str(T_GRID), workers=2,
                          progress=False)
    assert res.metadata["route"] == "bz_grid"
    assert [float(r["mu"]) for r in res.rows] == list(MUS)
    for mu, row in zip(MUS, res.rows):
        _close(row, ref[mu], size[mu])
        assert float(row["beta"]) == pytest.approx(float(row["T_beta"]) / T_GRID, rel=1e-15)


def test_bz_scan_on_dask(model, reference):
    distributed = pytest.importorskip("distributed")
    ref, size = reference
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        res = symgrav.bz_scan(model, mu=str(MUS[2]), T=str(T_GRID),
                              executor=client.get_executor(), progress=False)
    _close(res.rows[0], ref[MUS[2]], size[MUS[2]])


def test_bz_scan_refuses_continuum_models():
    with pytest.raises(SymgravError, match="needs a lattice model in 2 or 3 dimensions"):
        symgrav.bz_scan("rashba", mu="0.1", T="0.1", workers=1)


# -- declared symmetries (issue 9 item 4): one point per orbit, weighted by its size ----------

MIRROR_X = [[-1, 0, 0], [0, 1, 0], [0, 0, 1]]    # k_x -> -k_x
MIRROR_Y = [[1, 0, 0], [0, -1, 0], [0, 0, 1]]    # k_y -> -k_y
MIRROR_Z = [[1, 0, 0], [0, 1, 0], [0, 0, -1]]    # k_z -> -k_z: flips Omega_x^x of Lattice3D


def _counting(S, mus, T):
    """A mapper that computes every chunk here and counts the points computed."""
    seen = {"points": 0}

    def mapper(chunks):
        seen["points"] += sum(len(K[0]) for K in chunks)
        return [S.grid_chunk(K, mus, T) for K in chunks]
    return mapper, seen


def test_scan_with_symmetries_agrees_and_computes_a_quarter(model, reference):
    """The mirrors k_x -> -k_x and k_y -> -k_y (group of order 4; Lattice3D's component
    (x, x) has them, found by checking every signed permutation): the reduced scan equals
    the numpy reference and the full scan, from about a quarter of the points."""
    ref, size = reference
    S = symgrav.Susceptibilities(model, {}, dps="double")
    mus, T = [str(m) for m in MUS], str(T_GRID)
    runs = {}
    for key, sym in (("full", None), ("reduced", [MIRROR_X, MIRROR_Y])):
        mapper, seen = _counting(S, mus, T)
        levels = []
        rows = S.scan(mus, T, mapper=mapper, symmetries=sym,
                      progress=lambda done, todo, n: levels.append((done, todo, n)))
        runs[key] = rows, seen["points"], levels
    (full, n_full, lv_full), (red, n_red, lv_red) = runs["full"], runs["reduced"]
    assert lv_red[-1] == lv_full[-1]          # same final level, every point of it covered
    assert 3.5 < n_full / n_red <= 4          # |G| = 4, less the points on the mirror planes
    for mu, a, b in zip(MUS, full, red):
        _close(b, ref[mu], size[mu])
        _close(b, {k: float(a[k]) for k in ref[mu]}, size[mu], rel=1e-12)


def test_wrong_symmetry_is_refused(model):
    """k_z -> -k_z is a mirror of the lattice but flips the integrand of (x, x): refused,
    naming the matrix and the component; so are a non-integer, a det-2 and a shear matrix."""
    S = symgrav.Susceptibilities(model, {}, dps="double")
    with pytest.raises(SymgravError, match=r"\[\[1, 0, 0\], \[0, 1, 0\], \[0, 0, -1\]\] is "
                                           r"not a symmetry .* \(a, i\) = \('x', 'x'\)"):
        S.scan(["1.0"], str(T_GRID), symmetries=[MIRROR_X, MIRROR_Z])
    Sz = symgrav.Susceptibilities(model, {}, a="z", dps="double")
    with pytest.raises(SymgravError, match=r"\[\[1, 0, 0\], \[0, -1, 0\], \[0, 0, 1\]\] is "
                                           r"not a symmetry .* \('z', 'x'\)"):
        Sz.scan(["1.0"], str(T_GRID), symmetries=[MIRROR_Y])
    for bad, message in ((np.eye(3) / 2, "integer entries"), ([[2, 0, 0], [0, 1, 0], [0, 0, 1]],
                         "determinant"), ([[1, 1, 0], [0, 1, 0], [0, 0, 1]], "more than 48"),
                         ([[1, 0], [0, 1]], "3 x 3")):
        with pytest.raises(SymgravError, match=message):
            S.scan(["1.0"], str(T_GRID), symmetries=[bad])


@pytest.mark.parametrize("n, first", [(16, True), (16, False), (32, False)])
def test_orbits_cover_each_level_once(n, first):
    """The orbit sizes add up to the points of the level (n^3, or n^3 - (n/2)^3 new ones), and
    each representative's orbit, computed here from the group, lies inside the level."""
    group = symmetry_group([[[0, 1, 0], [1, 0, 0], [0, 0, 1]], MIRROR_Z, MIRROR_X], 3)
    assert len(group) == 16
    idx = np.array(np.unravel_index(np.arange(n ** 3), (n,) * 3))
    if not first:
        idx = idx[:, np.any(idx % 2 == 1, axis=0)]
    reps, weights = orbit_representatives(idx, n, group)
    assert weights.sum() == (n ** 3 if first else n ** 3 - (n // 2) ** 3)
    level = {tuple(p) for p in idx.T}
    covered = set()
    for p, w in zip(reps.T, weights):
        # kappa = -pi + 2 pi idx / n = 2 pi (idx - n/2) / n, taken mod 2 pi
        orbit = {tuple((M @ (p - n // 2) + n // 2) % n) for M in group}
        assert len(orbit) == w and orbit <= level and not orbit & covered
        covered |= orbit
    assert covered == level


def test_bz_scan_with_symmetries(model, reference):
    ref, size = reference
    res = symgrav.bz_scan(model, mu=str(MUS[2]), T=str(T_GRID), workers=1, progress=False,
                          symmetries=[MIRROR_X, MIRROR_Y])
    _close(res.rows[0], ref[MUS[2]], size[MUS[2]])
    assert res.metadata["symmetries"] == [MIRROR_X, MIRROR_Y]


def test_grid_stopping_rule_needs_a_geometric_rate():
    """One small difference is not convergence on a grid; a geometric fall to below eps is."""
    from symgrav.numeric.bz_grid import grid_converged
    size, eps = 1.0, 1e-8
    assert not grid_converged(1e-5, 1e-5, size, eps, 0.0)      # not falling
    assert not grid_converged(1e-5, 5e-5, size, eps, 0.0)      # falling too slowly (> d0/8)
    assert not grid_converged(1e-5, 1e-3, size, eps, 0.0)      # next error ~1e-9*100 > eps
    assert not grid_converged(1e-9, 2e-9, size, 1e-6, 0.0)     # tiny but halving only: no rate
    assert grid_converged(1e-7, 1e-4, size, eps, 0.0)          # next ~1e-13 * 100
    assert grid_converged(1e-20, 0.0, size, eps, 1e-16)        # below the rounding floor


def test_zero_temperature_metal_refusal_quotes_mu_to_ten_digits(model):
    """mu = 1.0000000001 (11 digits) at T = 0 is quoted to 10 significant digits, 1.0, with the
    way out named."""
    S = symgrav.Susceptibilities(model, {}, dps="double")
    with pytest.raises(SymgravError, match=r"a Fermi surface at mu = 1\.0 and T = 0: the grid "
                                           r"converges only algebraically there \(use the "
                                           r"Brillouin-zone lines, route bz_lines\)$"):
        S.scan(["1.0000000001"], 0)


def test_grid_in_working_precision_against_numpy():
    """dps = 20 (momenta and band data in working precision, not float64): the lattice
    insulator in its gap at T = 0, scanned on the zone grid to rtol 1e-11, against the numpy
    grid sum of tests/references/bz_grid.py (converged, n -> 2n)."""
    model = symgrav.load_model("lattice_insulator")
    S = symgrav.Susceptibilities(model, dict(model.defaults), dps=20)
    assert S.backend.name != "float64"
    got = S.scan(["0.0"], 0, rtol=1e-11)
    _, ref = Z.converged(Z.LatticeInsulator(), 0.0, 0.0, Z.builtin_weights(), n=64)
    for name in ("alpha", "mqm", "T_beta_kubo"):
        assert float(got[0][name]) == pytest.approx(ref[name], rel=1e-10), name
