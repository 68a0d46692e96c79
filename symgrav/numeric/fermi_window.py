"""A Gauss rule for the Fermi window -f'(x) = 1/(4 cosh^2(x/2)) (App. E of the paper).

All susceptibilities are linear in the occupations, so at temperature T each
one is an average over the Fermi window w(x) = -f'(x), x = (E - mu)/T, of
zero-temperature functions of the Fermi energy E (App. E; docs/conventions.md).
:func:`fermi_window_rule` gives an N-node Gauss rule for that average, exact
for polynomials of degree 2N - 1.  Its orthogonal polynomials have the
closed-form recurrence b_k = pi^2 k^4 / (4 k^2 - 1) (:func:`recurrence`,
checked in tests/test_window.py against Chebyshev's algorithm on the moments,
:func:`window_moments` = the Sommerfeld coefficients of Eq. E2, exact in
:func:`symgrav.symbolic.sommerfeld.window_moment_exact`).  The rule integrates the analytic
continuation of the zero-temperature functions, so the route that uses it
(:mod:`symgrav.numeric.window_route`) requires band extrema and edges to be
far from mu on the thermal scale.
"""

from __future__ import annotations

from functools import lru_cache

import gmpy2
import mpmath as mp
import numpy as np

from .arith import mpfr_to_mpf


def window_moments(count):
    """Moments mu_j = int x^j w(x) dx, j < count, of w(x) = 1/(4 cosh^2(x/2)) (mpf).

    mu_0 = 1, odd moments vanish, mu_2k = 2 (1 - 2^(1-2k)) (2k)! zeta(2k):
    the Sommerfeld coefficients of App. E (Eq. E2).
    """
    out = [mp.mpf(1)]
    for j in range(1, count):
        if j % 2:
            out.append(mp.mpf(0))
        else:
            out.append(2 * (1 - mp.mpf(2) ** (1 - j)) * mp.factorial(j) * mp.zeta(j))
    return out


def recurrence(k):
    """Recurrence coefficient b_k = pi^2 k^4 / (4 k^2 - 1) of the Fermi window (App. E), mpf."""
    k = mp.mpf(k)
    return mp.pi ** 2 * k ** 4 / (4 * k * k - 1)


@lru_cache(maxsize=32)
def _rule(n, prec):
    return _golub_welsch(n, prec)


def _golub_welsch(n, prec):
    """Nodes and weights of the n-point rule for the Fermi window at ``prec`` bits (uncached).

    Golub-Welsch in its Newton form: roots of the orthonormal p_n by Newton
    steps from the double-precision eigenvalues of the Jacobi matrix, and
    Christoffel weights 1 / sum_j p_j(x)^2; in gmpy2 at prec + 32 bits.
    """
    off = [float(mp.sqrt(recurrence(k))) for k in range(1, n)]
    J = np.diag(off, 1) + np.diag(off, -1)
    guesses = sorted(np.linalg.eigvalsh(J))
    work = prec + 32
    with gmpy2.context(gmpy2.get_context(), precision=work):
        pi2 = gmpy2.const_pi() ** 2
        sb = [gmpy2.mpfr(0)] + [gmpy2.sqrt(pi2 * k ** 4 / (4 * k * k - 1)) for k in range(1, n + 1)]

        def orthonormal(x):
            p_prev, p = gmpy2.mpfr(0), gmpy2.mpfr(1)
            d_prev, dp = gmpy2.mpfr(0), gmpy2.mpfr(0)
            total = p * p
            for j in range(n):
                p_next = (x * p - sb[j] * p_prev) / sb[j + 1]
                d_next = (p + x * dp - sb[j] * d_prev) / sb[j + 1]
                p_prev, p, d_prev, dp = p, p_next, dp, d_next
                if j < n - 1:
                    total += p * p
            return p, dp, total

        xs, ws = [], []
        tiny = gmpy2.mpfr(2) ** (-(prec + 16))
        for g in guesses:
            x = gmpy2.mpfr(g)
            for _ in range(100):
                p, dp, _ = orthonormal(x)
                step = p / dp
                x -= step
                if abs(step) <= tiny * (1 + abs(x)):
                    break
            xs.append(x)
            ws.append(1 / orthonormal(x)[2])
        # symmetrize: the weight is even
        xs2 = [(xs[q] - xs[n - 1 - q]) / 2 for q in range(n)]
        ws2 = [(ws[q] + ws[n - 1 - q]) / 2 for q in range(n)]
    with mp.workprec(work):
        xs3, ws3 = [mpfr_to_mpf(x) for x in xs2], [mpfr_to_mpf(w) for w in ws2]
    with mp.workprec(prec):
        return tuple(+x for x in xs3), tuple(+w for w in ws3)


def fermi_window_rule(n, prec=None):
    """N-node Gauss rule for the Fermi window w(x) = -f'(x) = 1/(4 cosh^2(x/2)) (App. E).

    Built by Golub-Welsch from the recurrence of :func:`recurrence`; exact
    for polynomials of degree <= 2N - 1.  Cached per (N, precision).

    Parameters
    ----------
    n : int
        Number of nodes.
    prec : int, optional
        Binary precision (default: the current mpmath precision).

    Returns
    -------
    nodes, weights : tuple of mpf
        Ascending nodes x_k (symmetric about 0) and weights (summing to 1).
    """
    return _rule(int(n), int(prec or mp.mp.prec))


#: Gauss rules tried in turn by the window route (nodes), by the digits asked for
RULES = (12, 16, 24, 32)
RULES_DOUBLE = (8, 12, 16, 20)


def rules_for(dps):
    """The Gauss rules (node counts) the window route tries for ``dps`` digits.

    Fewer digits need fewer nodes, and the threshold X T (X e^-X =
    10^-(dps + 6)) is narrower, so the rules must not reach beyond it.
    """
    return RULES_DOUBLE if dps <= 16 else RULES
