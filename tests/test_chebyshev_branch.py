"""Chebyshev branches of the Fermi-window route (App. E) on bands written out here.

A :class:`~symgrav.numeric.chebyshev.Branch` must cover xi = eps - mu in
[-reach, reach]; the span is checked with the band's formula, and the
refusals (:class:`BranchError`, shown by ``explain()`` as "Chebyshev branch:
<reason>") are provoked on purpose: a line end too close, a series cut off, a
Fermi point where the band is flat (a triple root, where Newton's method
converges only linearly).
"""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp

import symgrav
from symgrav.numeric.arith import Mpf
from symgrav.numeric.chebyshev import Branch, BranchError
from symgrav.numeric.line_features import Line

px = sp.Symbol("p_x", real=True)
SZ = sp.diag(1, -1)
B = Mpf(mp.libmp.dps_to_prec(30))
LINE = Line((0,), (1,), 1)


def _bands(e):
    """Bands e(p) -+ 1/4 of a 1D continuum model (Omega = m = 0: d is constant)."""
    return symgrav.numeric_geometry(symgrav.Model(e * sp.eye(2) + SZ / 4, [px]), {}, dps=30)


def _branch(bd, t_f, slope, mu, reach, lo, hi, **kw):
    tol = B.num(256) * B.num(2) ** -B.prec
    return Branch(bd, B, LINE, 0, B.num(t_f), B.num(slope), B.num(mu), B.num(reach),
                  B.num(lo), B.num(hi), tol, [(0, 0)], [0], **kw)


def test_branch_span_covers_the_window_on_both_sides():
    """eps_0 = t^2 - 1/4, mu = 3/4 (t_F = 1, slope 2), reach 0.9: the first span
    t_F -+ 1.3 reach / 2 reaches xi = -0.83 only (the parabola flattens towards t = 0), so
    the span must grow until xi(t_a) <= -reach; checked with the formula."""
    bd = _bands(px ** 2)
    reach = mp.mpf("0.9")
    with B.context():
        br = _branch(bd, 1, 2, "0.75", reach, "0.05", 8)
        ta, tb = B.mpf(br.mid - br.half), B.mpf(br.mid + br.half)
        assert ta ** 2 - 1 <= -reach and tb ** 2 - 1 >= reach
        # the Fermi point at y = -reach, from the series, on the parabola
        u = br.root(B.num(-reach))
        assert abs(B.mpf(br.mid + br.half * u) - mp.sqrt(1 - reach)) < mp.mpf(10) ** -25


def test_branch_refuses_a_span_that_cannot_reach_the_window():
    """The same parabola with the allowed range starting at t = 0.99 (xi = -0.0199 > -reach):
    the span grows six times on the other side only, then the branch is refused."""
    bd = _bands(px ** 2)
    with B.context(), pytest.raises(BranchError) as err:
        _branch(bd, 1, 2, "0.75", "0.9", "0.99", 10 ** 6)
    assert str(err.value) == "the span does not cover the Fermi window"


def test_branch_refuses_a_series_that_does_not_converge():
    """eps_0 = sqrt(t^2 + 1) - 1/4 is not a polynomial: with at most 17 nodes the series of
    xi cannot reach the tolerance 256 ulp."""
    bd = _bands(sp.sqrt(px ** 2 + 1))
    t_f = mp.mpf(1)
    with B.context(), pytest.raises(BranchError) as err:
        _branch(bd, t_f, 1 / mp.sqrt(2), mp.sqrt(2) - mp.mpf(1) / 4, "0.5", 0, 100, max_nodes=17)
    assert str(err.value) == "Chebyshev series did not converge"


def test_branch_refuses_a_flat_fermi_point():
    """eps_0 = (t - 1)^3 - 1/4 at mu = -1/4: a triple root at t_F = 1, where Newton's method
    gains only a factor 2/3 per step; twelve working-precision steps cannot converge."""
    bd = _bands((px - 1) ** 3)
    with B.context(), pytest.raises(BranchError) as err:
        _branch(bd, 1, "0.01", "-0.25", "0.01", "0.5", 3)
    assert str(err.value) == "Newton iteration on the series did not converge"
