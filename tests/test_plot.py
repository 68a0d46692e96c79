"""Pictures of a model (issue 12 item 4): the arrays behind them, and the images.

The values behind every plot are compared with references written here, independent of
symgrav's engine: the Rashba closed forms of the paper (below Eq. 22), a numpy sum over
states of Eqs. (8b), (8c) with hand-written velocities, the nearest-neighbour dispersion of
a triangular lattice; the images are checked for their size and for drawn pixels.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

import symgrav
from symgrav.cli.main import main
from symgrav.plot import data, paths

pytest.importorskip("matplotlib")
import symgrav.plot as splot  # noqa: E402

SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, -1j], [1j, 0]])
SZ = np.diag([1.0 + 0j, -1.0])
I2 = np.eye(2, dtype=complex)
HR = "tests/data/rashba_square_hr.dat"


def sum_over_states(H, v, s):
    """Eqs. (8b), (8c) with hbar = 1 at one momentum: (energies, Omega_n, m_n), numpy."""
    e, U = np.linalg.eigh(H)
    V, S = U.conj().T @ v @ U, U.conj().T @ s @ U
    om, mm = np.zeros(len(e)), np.zeros(len(e))
    for n in range(len(e)):
        for m in range(len(e)):
            if m != n:
                z = V[n, m] * S[m, n]
                om[n] += -2 * z.imag / (e[n] - e[m]) ** 2
                mm[n] += z.imag / (e[n] - e[m])
    return e, om, mm


def rashba_closed(px, py, b=0.5):
    """Below Eq. (22), hbar = m = alpha = 1: eps, Omega^x_x, m^x_x of bands (-, +)."""
    p2 = px ** 2 + py ** 2
    D = np.sqrt(p2 + b * b)
    return (np.array([p2 / 2 - D, p2 / 2 + D]), np.array([b / (4 * D ** 3), -b / (4 * D ** 3)]),
            np.array([b / (4 * D ** 2), b / (4 * D ** 2)]))


def lattice_insulator(kx, ky, t0=0.2, lam=1.0, M0=2.0, t=0.5):
    """H, v_x = dH/dk_x by hand, s_x = sigma_x / 2 of symgrav/models/lattice_insulator.toml."""
    H = t0 * (np.cos(kx) + np.cos(ky)) * I2 + lam * np.sin(ky) * SX - lam * np.sin(kx) * SY \
        + (M0 + t * (np.cos(kx) + np.cos(ky))) * SZ
    vx = -t0 * np.sin(kx) * I2 - lam * np.cos(kx) * SY - t * np.sin(kx) * SZ
    return H, vx, SX / 2


def test_rashba_bands_along_path_are_the_closed_form():
    kp, eps = data.band_path("rashba", path="X-G-M", n=60, extent=1.5)
    assert kp.labels == ["X", "Γ", "M"]
    np.testing.assert_allclose(kp.K[:, 0], [1.5, 0])
    np.testing.assert_allclose(kp.K[:, -1], [1.5, 1.5])
    np.testing.assert_allclose(kp.ticks, [0, 1.5, 1.5 + 1.5 * np.sqrt(2)])
    ref = rashba_closed(kp.K[0], kp.K[1])[0]
    np.testing.assert_allclose(eps, ref, rtol=1e-12, atol=1e-12)


def test_figure_lines_are_the_band_arrays():
    fig = splot.bands("rashba", {"b": 1.5}, path="G-X", n=40)
    ax = fig.axes[0]
    xs = ax.lines[0].get_xdata()
    np.testing.assert_allclose(xs, np.linspace(0, 1, 40))
    ref = rashba_closed(xs, 0 * xs, b=1.5)[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), ref[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), ref[1], rtol=1e-12, atol=1e-12)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Γ", "X"]


@pytest.mark.parametrize("quantity, k", [("omega", 1), ("moment", 2)])
def test_rashba_geometry_map_is_the_closed_form(quantity, k):
    plane = data.geometry_plane("rashba", None, quantity, band=0, n=11, window=(-1, 1))
    ref = rashba_closed(plane.k1, plane.k2)[k][0]
    np.testing.assert_allclose(plane.Z, ref, rtol=1e-11)
    both = data.geometry_plane("rashba", None, quantity, mu=0.3, n=11, window=(-1, 1))
    e, X = rashba_closed(both.k1, both.k2)[0], rashba_closed(both.k1, both.k2)[k]
    np.testing.assert_allclose(both.Z, np.where(e < 0.3, X, 0).sum(axis=0), rtol=1e-11,
                               atol=1e-15)


def test_lattice_map_is_the_sum_over_states():
    plane = data.geometry_plane("lattice_insulator", None, "omega", mu=0.0, n=9)
    assert plane.axes == ("k_x", "k_y")
    assert plane.k1[0, 0] == -np.pi and plane.k1[0, -1] < np.pi
    for r in range(0, 9, 2):
        for c in range(0, 9, 3):
            e, om, _ = sum_over_states(*lattice_insulator(plane.k1[r, c], plane.k2[r, c]))
            assert plane.Z[r, c] == pytest.approx(om[0], rel=1e-10, abs=1e-14)


def test_tight_binding_map_and_bands_are_the_sum_over_states():
    tb = symgrav.TightBinding.from_wannier90(HR, spin="interlaced")
    R, H = tb.matrices()

    def ham(k):
        Hk = np.einsum("r,rij->ij", np.exp(1j * R @ k), H)
        vx = np.einsum("r,rij->ij", 1j * R[:, 0] * np.exp(1j * R @ k), H)
        return Hk, vx, SX / 2

    plane = data.geometry_plane(tb, None, "moment", band=1, n=7)
    for r in range(7):
        k = np.array([plane.k1[r, 3], plane.k2[r, 3]])
        assert plane.Z[r, 3] == pytest.approx(sum_over_states(*ham(k))[2][1], rel=1e-10)
    kp, eps = data.band_path(tb, path="G-X-M-G", n=30)
    pts = {"Γ": (0, 0), "X": (np.pi, 0), "M": (np.pi, np.pi)}
    for label, t in zip(kp.labels, kp.ticks):
        q = int(np.argmin(np.abs(kp.x - t)))
        np.testing.assert_allclose(kp.K[:, q], pts[label], atol=1e-12)
        np.testing.assert_allclose(eps[:, q], np.linalg.eigvalsh(ham(kp.K[:, q])[0]),
                                   atol=1e-12)


def test_hexagonal_points_and_dispersion():
    a1, a2 = np.array([1.0, 0.0]), np.array([0.5, np.sqrt(3) / 2])
    t = 0.25
    hop = {(1, 0): t * np.eye(2), (-1, 0): t * np.eye(2), (0, 1): t * np.eye(2),
           (0, -1): t * np.eye(2), (1, -1): t * np.eye(2), (-1, 1): t * np.eye(2)}
    tb = symgrav.TightBinding(hop, lattice=[a1, a2], name="triangular")
    pts = paths.high_symmetry_points(tb)
    B = paths.reciprocal_vectors(tb)
    cart = {k: B.T @ (np.array(v) / (2 * np.pi)) for k, v in pts.items()}
    assert np.linalg.norm(cart["K"]) == pytest.approx(4 * np.pi / 3)
    assert np.linalg.norm(cart["M"]) == pytest.approx(2 * np.pi / np.sqrt(3))
    kp, eps = data.band_path(tb, path="G-M-K-G", n=90)
    for q in range(0, kp.K.shape[1], 7):
        k = B.T @ (kp.K[:, q] / (2 * np.pi))
        ref = 2 * t * (np.cos(k @ a1) + np.cos(k @ a2) + np.cos(k @ (a1 - a2)))
        np.testing.assert_allclose(eps[:, q], [ref, ref], atol=1e-12)
    k_corner = int(np.argmin(np.abs(kp.x - kp.ticks[2])))
    assert eps[0, k_corner] == pytest.approx(-3 * t)


def test_fermi_surface_contours_lie_on_the_fermi_surface():
    fig = splot.fermi_surface("rashba", mu=0.3, n=101, window=(-2, 2))
    ax = fig.axes[0]
    segments = [seg for coll in ax.collections for seg in coll.get_paths()]
    assert segments
    for path in segments:
        px, py = path.vertices[:, 0], path.vertices[:, 1]
        e = rashba_closed(px, py)[0]
        assert np.min(np.abs(e - 0.3), axis=0).max() < 2e-3


def _pixels(fig, fmt="png"):
    import matplotlib.image as mpimg

    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=50)
    buf.seek(0)
    return mpimg.imread(buf, format=fmt)


@pytest.mark.parametrize("draw", [
    lambda: splot.bands("lattice_insulator", n=40),
    lambda: splot.geometry_map("lattice_insulator", quantity="moment", band=0, n=15),
    lambda: splot.fermi_surface(symgrav.TightBinding.from_wannier90(HR, spin="interlaced"),
                                mu=-1.0, n=41)])
def test_images_have_size_and_ink(draw):
    fig = draw()
    img = _pixels(fig)
    w, h = fig.get_size_inches() * 50
    assert img.shape[:2] == (round(h), round(w))
    ink = np.any(img[..., :3] < 0.5, axis=-1).mean()
    assert 0.005 < ink < 0.9


def test_save_formats_and_errors(tmp_path):
    fig = splot.bands("rashba", n=20, path="G-X")
    for ext, magic in ((".png", b"\x89PNG"), (".pdf", b"%PDF"), (".svg", b"<?xml")):
        splot.save(fig, tmp_path / f"b{ext}")
        assert (tmp_path / f"b{ext}").read_bytes()[:len(magic)] == magic
    with pytest.raises(symgrav.SymgravError, match="cannot write"):
        splot.save(fig, tmp_path / "b.xyz")
    with pytest.raises(symgrav.SymgravError, match="unknown point 'Q'"):
        splot.bands("rashba", path="G-Q")
    with pytest.raises(symgrav.SymgravError, match="quantity must be"):
        splot.geometry_map("rashba", quantity="curv")


def test_sweep_figure_is_the_sweep(tmp_path):
    res = symgrav.sweep("rashba", mu=["-0.2", "0", "0.3"], T=["0.05"], dps="double",
                        workers=1, progress=False)
    fig = splot.sweep(res, ["alpha"])
    line = fig.axes[0].lines[0]
    np.testing.assert_array_equal(line.get_ydata(), [float(v) for v in res.column("alpha")])
    assert res.plot(tmp_path / "s.svg").axes
    assert (tmp_path / "s.svg").read_bytes()[:5] == b"<?xml"


def test_cli_bands_and_map(tmp_path, capsys):
    out = tmp_path / "b.svg"
    assert main(["bands", "rashba", "--path", "G-X-M", "--n", "30", "--out", str(out)]) == 0
    assert out.read_bytes()[:5] == b"<?xml"
    out = tmp_path / "m.png"
    assert main(["map", HR, "--spin", "interlaced", "--quantity", "moment", "--mu", "-1",
                 "--n", "11", "--out", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert main(["bands", "rashba", "--point", "A=oops"]) == 2
    assert "--point must be" in capsys.readouterr().err
