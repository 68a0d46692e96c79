"""Fermi-window averages: a Gauss rule for -f'(x) and the window route of App. E.

All susceptibilities are linear in the occupations, so at temperature T each
one is an average over the Fermi window w(x) = -f'(x) = 1/(4 cosh^2(x/2)),
x = (E - mu)/T, of zero-temperature functions of the Fermi energy E
(PHYSICS.md; App. E of the paper).  With the cumulative band integrals

    S_g(E) = sum_n int g_n theta(E - eps_n),   D_g(E) = dS_g/dE,

and, integrating by parts in energy (f(xi) = <theta(E - eps)>,
G(xi) = <(E - eps) theta(E - eps)>, xi f + G = <(E - mu) theta(E - eps)>),

    alpha  (19a) = <A(mu + T x)>,                  A = S_Omega
    M      (8a)  = <M0(mu + T x)>,                 M0(E) = S_{Omega (eps - E) + m}(E)
    T beta (20)  = T <x A(mu + T x)>
    T beta~ (19b) = M + T beta
    M~     (B7a) = M + T beta - T <x D_m(mu + T x)>

(the last from sum_n int m xi f'(xi) = -T <x D_m>).  :func:`fermi_window_rule`
gives an N-node Gauss rule for <.>, exact for polynomials of degree 2N - 1;
the recurrence of its orthogonal polynomials has the closed form
b_k = pi^2 k^4 / (4 k^2 - 1).  The rule integrates the analytic continuation
of the zero-temperature functions; they have kinks or square-root points at
band-extremum and band-edge energies, felt at ~ x e^-x at a distance x T
from mu.  The caller (``Susceptibilities._window``) therefore requires every
such energy to be at least X T away, X e^-X = 10^-(digits + 6), and
:func:`window_average` requires two successive rules to agree.

:func:`window_average` combines the rule with the zero-temperature values at
mu and the branches of :mod:`symgrav.numeric.branches`, which give S_g and
D_g at the shifted Fermi energies mu + T x_k.  The sums run in gmpy2
``mpfr`` at the current mpmath precision.
"""

from __future__ import annotations

from functools import lru_cache

import gmpy2
import mpmath as mp


# -- mpf <-> mpfr -------------------------------------------------------
def to_mpfr(x):
    """mpmath mpf -> gmpy2 mpfr, for the gmpy2 hot loops of Eqs. (8a), (19), (20), (B7a).

    Exact when the gmpy2 context precision is at least that of ``x``.
    """
    sign, man, exp, _ = mp.mpf(x)._mpf_
    if not man:
        return gmpy2.mpfr(0)
    y = gmpy2.mul_2exp(gmpy2.mpfr(man), exp)
    return -y if sign else y


def to_mpf(y):
    """gmpy2 mpfr -> mpmath mpf, rounded to the current mpmath precision (inverse of :func:`to_mpfr`)."""
    if not y:
        return mp.mpf(0)
    man, exp = y.as_mantissa_exp()
    return mp.mpf((int(man), int(exp)))


# -- Gauss rule for the Fermi window --------------------------------------
def window_moments(count):
    """Moments mu_j = int x^j w(x) dx, j < count, of w(x) = 1/(4 cosh^2(x/2)).

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


def recurrence_from_moments(n):
    """Recurrence coefficients of the polynomials orthogonal for the Fermi window w(x).

    Chebyshev's algorithm on the moments (Sommerfeld coefficients, Eq. E2) of
    :func:`window_moments`.  It loses about log2(mu_2n) bits, so call it at a
    generous precision.  Used to check the closed form of :func:`recurrence`
    (tests), not in production.

    Returns
    -------
    a, b : list of mpf
        p_{k+1} = (x - a_k) p_k - b_k p_{k-1}, k < n (b_0 = mu_0).
    """
    mom = window_moments(2 * n + 1)
    sig_prev = [mp.mpf(0)] * (2 * n + 1)
    sig = list(mom)
    a, b = [mom[1] / mom[0]], [mom[0]]
    for k in range(1, n):
        new = [mp.mpf(0)] * (2 * n + 1)
        for m in range(k, 2 * n - k + 1):
            new[m] = sig[m + 1] - a[k - 1] * sig[m] - b[k - 1] * sig_prev[m]
        a.append(new[k + 1] / new[k] - sig[k] / sig[k - 1])
        b.append(new[k] / sig[k - 1])
        sig_prev, sig = sig, new
    return a, b


def recurrence(k):
    """Recurrence coefficient b_k of the Fermi window w(x) = 1/(4 cosh^2(x/2)) (App. E).

    p_{k+1}(x) = x p_k(x) - b_k p_{k-1}(x) with b_k = pi^2 k^4 / (4 k^2 - 1)
    (k >= 1; all a_k = 0).  This closed form agrees with Chebyshev's
    algorithm on the moments of Eq. (E2) (tests/test_window.py).

    Returns
    -------
    mpf
    """
    k = mp.mpf(k)
    return mp.pi ** 2 * k ** 4 / (4 * k * k - 1)


@lru_cache(maxsize=16)
def _rule(n, prec):
    # Golub-Welsch in its Newton form: roots of the orthonormal p_n by Newton
    # steps from the double-precision eigenvalues of the Jacobi matrix, and
    # Christoffel weights 1 / sum_j p_j(x)^2.
    import numpy as np
    off = [float(mp.sqrt(recurrence(k))) for k in range(1, n)]
    J = np.diag(off, 1) + np.diag(off, -1)
    guesses = sorted(np.linalg.eigvalsh(J))
    with mp.workprec(prec + 32):
        sb = [mp.mpf(0)] + [mp.sqrt(recurrence(k)) for k in range(1, n + 1)]

        def orthonormal(x):
            p_prev, p = mp.mpf(0), mp.mpf(1)
            d_prev, dp = mp.mpf(0), mp.mpf(0)
            total = p * p
            for j in range(n):
                p_next = (x * p - sb[j] * p_prev) / sb[j + 1]
                d_next = (p + x * dp - sb[j] * d_prev) / sb[j + 1]
                p_prev, p, d_prev, dp = p, p_next, dp, d_next
                if j < n - 1:
                    total += p * p
            return p, dp, total

        xs, ws = [], []
        tiny = mp.mpf(2) ** (-(prec + 16))
        for g in guesses:
            x = mp.mpf(g)
            for _ in range(100):
                p, dp, _ = orthonormal(x)
                step = p / dp
                x -= step
                if abs(step) <= tiny * (1 + abs(x)):
                    break
            xs.append(x)
            ws.append(1 / orthonormal(x)[2])
    with mp.workprec(prec):
        # symmetrize: the weight is even
        xs2 = [(xs[q] - xs[n - 1 - q]) / 2 for q in range(n)]
        ws2 = [(ws[q] + ws[n - 1 - q]) / 2 for q in range(n)]
        return tuple(+x for x in xs2), tuple(+w for w in ws2)


def fermi_window_rule(n, prec=None):
    """N-node Gauss rule for the Fermi window w(x) = -f'(x) = 1/(4 cosh^2(x/2)).

    Used for the Fermi-window averages of the zero-temperature functions of
    Eqs. (19a), (8a), (20), (B7a) (the App. E route).  Built by Golub-Welsch
    from the moments of :func:`window_moments`; exact for polynomials of
    degree <= 2N - 1.  Cached per (N, precision).

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


#: Gauss rules tried in turn by :func:`window_average` (nodes)
RULES = (12, 16, 24, 32)


def _rule_sums(branches, T_fr, n, prec):
    xs, ws = fermi_window_rule(n, prec)
    zero = gmpy2.mpfr(0)
    acc = [zero] * 4       # <dA>, <dB - y dA + dC>, <y dA>, <y D_m>
    size = [zero] * 4
    for x, w in zip(xs, ws):
        y = T_fr * to_mpfr(x)
        w = to_mpfr(w)
        dA = dB = dC = Dm = zero
        for br in branches:
            a, b, c, dm = br.at(y)
            dA += a
            dB += b
            dC += c
            Dm += dm
            # sizes per branch: the bands may cancel each other (M for mu > b)
            size[0] += w * abs(a)
            size[1] += w * (abs(b) + abs(y * a) + abs(c))
            size[2] += w * abs(y * a)
            size[3] += w * abs(y * dm)
        terms = (dA, dB - y * dA + dC, y * dA, y * Dm)
        for q, v in enumerate(terms):
            acc[q] += w * v
    return [to_mpf(v) for v in acc], [to_mpf(v) for v in size]


def window_average(branches, A0, M0, T, tol, rules=RULES, extend=None):
    """The five susceptibilities as Fermi-window averages (App. E route), or None.

    With the zero-temperature values A0 = alpha(mu, 0) (19a) and
    M0 = M(mu, 0) (8a) and the branches near every Fermi point at mu, the
    Gauss rules of :func:`fermi_window_rule` give (module docstring)

        alpha = A0 + <dA>,   M = M0 + <dS_{Omega xi} - T x dA + dS_m>,
        T beta = T <x dA>,   T beta~ = M + T beta,
        M~ = M + T beta - T <x D_m>,

    dX = X(mu + T x) - X(mu).  The rules in ``rules`` are tried in turn until
    two consecutive ones agree to ``tol`` relative to the sum of absolute
    contributions of each term (the larger rule is returned); otherwise None
    is returned and the caller falls back to the graded path.

    Parameters
    ----------
    branches : list of Branch
        Covering the nodes of ``rules[2]``.
    A0, M0, T, tol : mpf
    extend : callable, optional
        ``extend(n)`` -> branches covering the nodes of the n-node rule, or
        None; called before rules beyond the third.

    Returns
    -------
    dict or None
        Keys ``alpha``, ``T_beta_kubo``, ``mqm``, ``mqm_aux``, ``T_beta`` (mpf).
    """
    prec = mp.mp.prec
    tiny = mp.mpf(2) ** (-prec)
    prev = None
    for q, n in enumerate(rules):
        if q >= 3:
            branches = extend(n) if extend is not None else None
            if branches is None:
                return None
        with gmpy2.context(gmpy2.get_context(), precision=prec):
            cur, size = _rule_sums(branches, to_mpfr(T), n, prec)
        if prev is not None:
            scale = (abs(A0) + size[0], abs(M0) + size[1], size[2], size[3])
            if all(abs(prev[k] - cur[k]) <= tol * scale[k] + tiny for k in range(4)):
                alpha, M, tb = A0 + cur[0], M0 + cur[1], cur[2]
                return {"alpha": alpha, "T_beta_kubo": M + tb, "mqm": M,
                        "mqm_aux": M + tb - cur[3], "T_beta": tb}
        prev = cur
    return None
