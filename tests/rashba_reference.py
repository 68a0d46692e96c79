"""Independent closed forms for the Rashba ferromagnet (hbar = m = alpha = 1), derived by hand.

With Delta = sqrt(p^2 + b^2) as integration variable (p dp = Delta dDelta) the
zero-temperature integrals of Eqs. (19a) and (13) are elementary:

    alpha0(mu) = (b / 8 pi) [ int_{I-} dD / D^2 - int_{I+} dD / D^2 ]
    M0(mu)     = (b / 8 pi) [ F(I-) - F(I+) ],   F = [D/2 + (b^2/2 + mu)/D]

where I-+ are the occupied Delta intervals of epsilon_-+ = (D^2 - b^2)/2 -+ D:
    I- = (max(b, 1 - r), 1 + r),  I+ = (b, max(b, -1 + r)),  r = sqrt(1 + b^2 + 2 mu).
At T > 0 every quantity is a Fermi-window average of these (Eq. E2 route):
    alpha = <alpha0(mu+x)>,  M = <M0(mu+x)>,  T beta = <x alpha0(mu+x)>,
    T beta~ = <M0(mu+x) + x alpha0(mu+x)>,   <g> = int dx (-f'(x)) g(x).
This file is a test reference only; the library never uses it.
"""

import mpmath as mp


def _intervals(mu, b):
    disc = 1 + b * b + 2 * mu
    if disc <= 0:
        return None, None
    r = mp.sqrt(disc)
    lower = (max(b, 1 - r), 1 + r)
    upper = (b, max(b, -1 + r))
    return lower, upper


def alpha0(mu, b):
    lower, upper = _intervals(mu, b)
    if lower is None:
        return mp.mpf(0)
    def inv(iv):
        a, c = iv
        return (1 / a - 1 / c) if c > a else mp.mpf(0)
    return b / (8 * mp.pi) * (inv(lower) - inv(upper))


def mqm0(mu, b):
    lower, upper = _intervals(mu, b)
    if lower is None:
        return mp.mpf(0)
    cc = b * b / 2 + mu
    def F(iv):
        a, c = iv
        if c <= a:
            return mp.mpf(0)
        return (c / 2 + cc / c) - (a / 2 + cc / a)
    return b / (8 * mp.pi) * (F(lower) - F(upper))


def kinks(b):
    """Energies where alpha0, M0 are not smooth: band extrema and edges."""
    pts = [-b, b]
    pts.append(-(1 + b * b) / 2 if b < 1 else -b)
    return sorted(set(pts))


def window(g, mu, T, b):
    """<g(mu + x)> = int dx (-f'(x)) g(mu + x), split at the kinks."""
    if T == 0:
        return g(mu)
    L = T * (mp.mp.dps + 20) * mp.log(10)
    pts = [mu - L] + [k for k in kinks(b) if mu - L < k < mu + L] + [mu, mu + L]
    pts = sorted(set(pts))
    def fp(x):
        e = mp.exp(-abs(x) / T)
        return e / (T * (1 + e) ** 2)
    # extra grading around x = 0 for narrow windows
    return mp.quad(lambda e_: fp(e_ - mu) * g(e_), pts)


def reference(mu, T, b):
    """dict of alpha, mqm, T_beta_kubo, T_beta at (mu, T) for b (hbar = m = alpha = 1)."""
    mu, T, b = mp.mpf(mu), mp.mpf(T), mp.mpf(b)
    a = window(lambda e: alpha0(e, b), mu, T, b)
    M = window(lambda e: mqm0(e, b), mu, T, b)
    tb = window(lambda e: (e - mu) * alpha0(e, b), mu, T, b) if T > 0 else mp.mpf(0)
    return {"alpha": a, "mqm": M, "T_beta": tb, "T_beta_kubo": M + tb}
