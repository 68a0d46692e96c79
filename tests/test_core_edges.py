"""Edge cases of the numeric building blocks: a root solver's start, refusals word for word.

Complements tests/test_numeric_core.py with cases its physics tests do not
reach (tools/mutation/NOTES.md, "Results"): each expected root or quoted
number follows from the formula written in the test.
"""

from __future__ import annotations

import re

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import symgrav
from symgrav import SymgravError
from symgrav.numeric.arith import Float64, Mpf
from symgrav.numeric.occupations import Occupations
from symgrav.numeric.roots import newton
from symgrav.numeric.rules import integrate_pieces

B = Mpf(133)


def test_newton_replaces_a_start_outside_the_bracket_by_its_midpoint():
    """f = (x - 5/3)(x - 5/2) on [2, 3]: the root in the bracket is 5/2 (the midpoint);
    the other root 5/3 lies outside, where a start outside the bracket must not lead."""
    with B.context():
        def fun(x, idx):
            return (x - B.num(5) / 3) * (x - B.num(5) / 2), 2 * x - B.num(25) / 6
        a, b = B.array([2]), B.array([3])
        fa = fun(a, None)[0]
        root = newton(fun, a, b, fa, B.array([10]), B.num(2) ** -120)
        assert B.mpf(root[0]) == mp.mpf(5) / 2


def test_bose_refusal_quotes_the_lowest_xi():
    with B.context(), pytest.raises(SymgravError) as err:
        Occupations(B, "bose", B.array(["0.1", "-0.2"]).reshape(1, 2), B.num("0.1"))
    assert str(err.value) == (
        "Bose statistics: the chemical potential lies at or above a band bottom "
        "(epsilon - mu = -0.2 <= 0); choose mu below every band")


def test_adaptive_quadrature_refusal_says_why():
    """1/sqrt|t - 0.3| on [0, 1] with at most 60 pieces: the bisection cannot resolve the
    singularity; the refusal counts the pieces and names the likely causes."""
    def fun(t):
        vals = np.array([[1 / mp.sqrt(abs(x - mp.mpf("0.3"))) for x in t]], dtype=object)
        return vals, np.abs(vals)
    with B.context(), pytest.raises(SymgravError) as err:
        integrate_pieces(fun, [B.num(0), B.num(1)], 1, mp.mpf(10) ** -30, B, max_pieces=60)
    m = re.fullmatch(r"adaptive quadrature did not reach the requested precision \((\d+) pieces "
                     r"still inaccurate after (\d+)\); the integrand may be singular "
                     r"\(degenerate bands\?\) or the precision too high", str(err.value))
    assert m, str(err.value)
    nbad, npieces = int(m.group(1)), int(m.group(2))
    assert 0 < nbad and npieces <= 60 < npieces + nbad


def test_closed_form_with_complex_phases_in_double_precision():
    """H_01 = e^{ic} (p_x - i p_y): the closed forms of Eqs. (8b), (8c) carry I (e^{-ic} - e^{ic});
    their double-precision values are real and equal the numpy sum over states written here,
    Omega_n = -2 sum_m Im(v_nm s_mn) / (e_n - e_m)^2, m_n = sum_m Im(v_nm s_mn) / (e_n - e_m)
    (v = dH/dp_x, s = sigma_x / 2, hbar = 1)."""
    px, py, c = sp.symbols("p_x p_y c", real=True)
    H01 = sp.exp(sp.I * c) * (px - sp.I * py)
    H = sp.Matrix([[(px ** 2 + py ** 2) / 2, H01], [sp.conjugate(H01), (px ** 2 + py ** 2) / 2]]) \
        + sp.diag(1, -1) / 4
    bd = symgrav.numeric_geometry(symgrav.Model(H, [px, py]), {"c": "0.3"}, "x", "x", dps=20)
    assert bd.closed_form
    ks = [(0.3, -1.1), (2.0, 0.7), (0.01, 0.02)]      # the last: |Omega| > 1
    Bf = Float64()
    with Bf.context():
        eps, _, om, mm = bd.evaluate(Bf, [Bf.array([k[0] for k in ks]),
                                          Bf.array([k[1] for k in ks])])
    sub = {c: sp.Rational(3, 10)}
    Hn = sp.lambdify([px, py], H.subs(sub), "numpy")
    dHn = sp.lambdify([px, py], H.diff(px).subs(sub), "numpy")
    s = np.array([[0, 0.5], [0.5, 0]], dtype=complex)
    for q, k in enumerate(ks):
        E, U = np.linalg.eigh(np.array(Hn(*k), dtype=complex))
        v = U.conj().T @ np.array(dHn(*k), dtype=complex) @ U
        sm = U.conj().T @ s @ U
        for n, m in ((0, 1), (1, 0)):
            x = np.imag(v[n, m] * sm[m, n])
            assert float(eps[n, q]) == pytest.approx(E[n], abs=1e-13)
            assert float(om[n, q]) == pytest.approx(-2 * x / (E[n] - E[m]) ** 2, abs=1e-13)
            assert float(mm[n, q]) == pytest.approx(x / (E[n] - E[m]), abs=1e-13)


@pytest.mark.parametrize("backend", [Float64(), Mpf(70)], ids=["float64", "mpf"])
def test_complex_closed_form_is_refused_at_the_point_where_it_is_complex(backend):
    """The guard of the band data on complex closed forms, called directly: H_01 = p_y + i p_x
    + i 1e4 g, H_10 = p_y - i p_x + i 1e4 g with the bump g = max(0, h), h = 0.002 -
    |p_x - 0.37| - |p_x - 0.371|, is Hermitian except for 0.3695 < p_x < 0.3715 (a window
    the Model's sampled check does not hit; g = (h + |h|)/2 = 0 exactly in floating point
    elsewhere).  At the batch k = (1, 0.5), (0.3705, -2) the refusal names the second point
    and quotes, to 8 digits, a complex value that is an eigenvalue of H there (numpy's eigvals
    of the matrix written here), in double precision and in mpmath alike."""
    px, py = sp.symbols("p_x p_y", real=True)
    h = "0.002 - Abs(p_x - 0.37) - Abs(p_x - 0.371)"
    extra = f" + I*10**4*({h} + Abs({h}))/2"
    model = symgrav.Model([["(p_x**2 + p_y**2)/2 + 1", "p_y + I*p_x" + extra],
                           ["p_y - I*p_x" + extra, "(p_x**2 + p_y**2)/2 - 1"]], [px, py])
    bd = symgrav.numeric_geometry(model, {}, "x", "x", dps=20)
    assert bd.closed_form
    kx, ky = 0.3705, -2.0
    g = max(0.0, 0.002 - abs(kx - 0.37) - abs(kx - 0.371))
    H = np.array([[(kx ** 2 + ky ** 2) / 2 + 1, ky + 1j * kx + 1j * 1e4 * g],
                  [ky - 1j * kx + 1j * 1e4 * g, (kx ** 2 + ky ** 2) / 2 - 1]])
    quoted = [mp.nstr(mp.mpc(lam), 8) for lam in np.linalg.eigvals(H)]
    assert all(abs(lam.imag) > 0.1 * abs(lam) for lam in np.linalg.eigvals(H))
    with backend.context():
        with pytest.raises(SymgravError) as err:
            bd.evaluate(backend, [backend.array([1.0, kx]), backend.array([0.5, ky])])
    assert str(err.value) in [
        f"a band quantity is complex at k = ['{mp.nstr(mp.mpf(kx), 8)}', '-2.0'] ({q}): H is "
        "not Hermitian "
        "for these parameter values (the model's check samples points and missed where)"
        for q in quoted], str(err.value)
