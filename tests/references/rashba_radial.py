"""Rashba ferromagnet (Eq. 22, hbar = m = alpha = 1) as a radial mpmath integral of any weights.

Independent of symgrav (nothing is imported from it).  Typed by hand:

    eps_-+(p) = p^2/2 -+ Delta,   Delta = sqrt(p^2 + b^2)      band 0 = eps_-, band 1 = eps_+
    Omega_x^x = +b/(4 Delta^3) (band 0),  -b/(4 Delta^3) (band 1)           (Eq. 8b, below 22)
    m_x^x     =  b/(4 Delta^2) (both bands)                                 (Eq. 8c)

The model is isotropic, so sum_n int d^2p/(2 pi)^2 [...] = sum_n int_0^inf p dp/(2 pi) [...].
:func:`fermi_sea` integrates

    X = sum_n int_0^inf p dp/(2 pi) [Omega_n w_Omega(xi, T, f, G, df) + m_n w_m(xi, T, f, G, df)]

with xi = eps_n - mu, f the occupation, G(xi) = int_xi^inf f(z) dz, df = f'(xi), by mpmath's
Gauss-Legendre rule on each piece (its error estimate is checked; the result is refused if it
is not ~dps digits).  The radial line is split at p = 0, at the band extremum
p* = sqrt(1 - b^2) of eps_- (b < 1, the Mexican hat), at the Fermi momenta and, for T > 0, at
the momenta of the energies mu +- (T/2) 3^k up to the cutoff (geometric grading onto the
thermal scale: every piece is analytic in a neighbourhood a few times its length), and for
b < 1e-3 at p = b 4^k below 1 (grading onto the scale of the gap, where Omega ~ b/Delta^3); each
momentum of a given energy comes from the closed form: (Delta^2 - b^2)/2 -+ Delta = E gives
Delta = 1 +- r (band 0), Delta = r - 1 (band 1), r = sqrt(1 + b^2 + 2E).  The line is cut
where the occupation is below 10^-(dps + 10), i.e. at the energy mu + (dps + 10) ln(10) T.

T = 0: f = theta(-xi), G = -xi theta(-xi), df = 0, plus, when ``delta_coeff = (c_Omega, c_m)``
is given, the Fermi-surface term of df -> -delta(xi):

    -sum_{Fermi points} [c_Omega Omega_n + c_m m_n] p / (2 pi |d eps_n/dp|),

where p/|d eps/dp| = Delta/|Delta - 1| (band 0) and Delta/(Delta + 1) (band 1).
"""

from __future__ import annotations

import mpmath as mp

GUARD = 10  # extra digits inside fermi_sea; the result is rounded to the caller's precision


class InaccurateReference(ArithmeticError):
    """The reference could not reach the requested accuracy (never silently wrong)."""


# -- occupations ------------------------------------------------------------------------

def fermi(xi, T):
    """(f, G, df) for f = 1/(e^{xi/T} + 1), stable for either sign of xi; T = 0: the steps."""
    if T == 0:
        if xi < 0:
            return mp.mpf(1), -xi, mp.mpf(0)
        if xi > 0:
            return mp.mpf(0), mp.mpf(0), mp.mpf(0)
        return mp.mpf(1) / 2, mp.mpf(0), mp.mpf(0)
    x = xi / T
    e = mp.exp(-abs(x))                    # never overflows
    s = e / (1 + e)                        # the small one of f, 1 - f
    df = -e / (T * (1 + e) ** 2)
    if x >= 0:
        return s, T * mp.log1p(e), df
    return 1 / (1 + e), T * mp.log1p(e) - xi, df


def bose(xi, T):
    """(f, G, df) for f = 1/(e^{xi/T} - 1), xi > 0 (mu below every band); T = 0: all zero."""
    if xi <= 0:
        raise ValueError(f"Bose statistics needs xi > 0; got xi = {mp.nstr(xi, 10)}")
    if T == 0:
        return mp.mpf(0), mp.mpf(0), mp.mpf(0)
    x = xi / T
    f = 1 / mp.expm1(x)
    # G = -T ln(1 - e^{-x}) > 0: log1p for large x, expm1 for small x (no cancellation)
    G = -T * (mp.log1p(-mp.exp(-x)) if x > 1 else mp.log(-mp.expm1(-x)))
    return f, G, -f * (1 + f) / T


def occupation(xi, T, statistics="fermi"):
    if statistics == "fermi":
        return fermi(xi, T)
    if statistics == "bose":
        return bose(xi, T)
    raise ValueError(f"statistics must be 'fermi' or 'bose'; got {statistics!r}")


# -- band data ----------------------------------------------------------------------------

def band_data(p, b):
    """[(eps, Omega_x^x, m_x^x)] of band 0 (eps_-) and band 1 (eps_+) at radius p."""
    D = mp.sqrt(p * p + b * b)
    kin = p * p / 2
    om = b / (4 * D ** 3)
    mm = b / (4 * D ** 2)
    return [(kin - D, om, mm), (kin + D, -om, mm)]


def momenta_at(E, b):
    """[(band, p, Delta)] with eps_band(p) = E, p >= 0 (closed form)."""
    r2 = 1 + b * b + 2 * E
    if r2 < 0:
        return []
    r = mp.sqrt(r2)
    out = []
    for band, D in ((0, 1 - r), (0, 1 + r), (1, r - 1)):
        if D >= b and not any(o[0] == band and o[2] == D for o in out):
            out.append((band, mp.sqrt((D - b) * (D + b)), D))
    return out


def extremum(b):
    """Momentum of the Mexican-hat minimum of eps_- (Delta = 1), or None for b >= 1."""
    return mp.sqrt(1 - b * b) if b < 1 else None


def band_bottom(b):
    return -(1 + b * b) / 2 if b < 1 else -b


def fermi_surface(mu, T, b, c_omega, c_moment):
    """-sum_{Fermi points} [c_Omega Omega + c_m m] p/(2 pi |d eps/dp|) (df -> -delta)."""
    total = mp.mpf(0)
    for band, p, D in momenta_at(mu, b):
        if band == 0 and D == 1:
            raise ValueError("mu at the Mexican-hat minimum: the density of states diverges")
        ratio = D / abs(D - 1) if band == 0 else D / (D + 1)   # p / |d eps/dp|
        _, om, mm = band_data(p, b)[band]
        total -= (c_omega * om + c_moment * mm) * ratio / (2 * mp.pi)
    return total


# -- the Fermi-sea integral ------------------------------------------------------------------

def fermi_sea(mu, T, b, w_omega, w_moment, statistics="fermi", delta_coeff=None,
              magnitude=False):
    """sum_n int p dp/(2 pi) [Omega_n w_omega + m_n w_moment] at the current mp precision.

    w_omega, w_moment : callables (xi, T, f, G, df) -> mpf (mpf arguments), or None for 0.
    delta_coeff : (c_omega, c_moment) of a df term, used at T = 0 only (module docstring).
    magnitude : integrate |Omega_n w_omega| + |m_n w_moment| instead: the size of the band
        terms, which sets the absolute accuracy that any cancelling quantity can have.
    """
    return fermi_sea_many(mu, T, b, {"q": (w_omega, w_moment)}, statistics,
                          {"q": delta_coeff} if delta_coeff else None, magnitude)["q"]


def breakpoints(mu, T, b, dps):
    """Sorted radial breakpoints, the last one the cutoff (module docstring)."""
    pts = {mp.mpf(0)}
    k = b
    while b < mp.mpf("1e-3") and k < 1:       # a small gap: grade onto the scale p ~ b
        pts.add(k)
        k *= 4
    if extremum(b) is not None:
        pts.add(extremum(b))
    fermi_ps = [p for _, p, _ in momenta_at(mu, b)]
    pts.update(fermi_ps)
    if T == 0:
        top = max(fermi_ps) if fermi_ps else mp.mpf(0)
    else:
        X = (dps + GUARD) * mp.log(10)        # occupation e^-X = 10^-(dps + 10)
        top = max([p for _, p, _ in momenta_at(mu + X * T, b)] or [mp.mpf(0)])
        step = T / 2
        while True:                           # up to the cutoff on both sides of mu
            step = min(step, X * T)
            for E in (mu - step, mu + step):
                pts.update(p for _, p, _ in momenta_at(E, b))
            if step == X * T:
                break
            step *= 3
    return sorted(p for p in pts if p < top) + [top]


def fermi_sea_many(mu, T, b, weights, statistics="fermi", delta_coeffs=None, magnitude=False):
    """:func:`fermi_sea` of several weight pairs {name: (w_omega, w_moment)} -> {name: mpf}.

    The band data and occupations are computed once per node and shared.
    delta_coeffs : {name: (c_omega, c_moment)} for the T = 0 Fermi-surface terms.
    """
    dps = mp.mp.dps
    with mp.workdps(dps + GUARD):
        mu, T, b = mp.mpf(mu), mp.mpf(T), mp.mpf(b)
        if T < 0 or b <= 0:
            raise ValueError("need T >= 0 and b > 0")
        if statistics == "bose" and mu >= band_bottom(b):
            raise ValueError("Bose statistics: mu must lie below every band")
        memo = {}

        def states(p):
            if p not in memo:
                rows = []
                for eps, om, mm in band_data(p, b):
                    xi = eps - mu
                    rows.append((om, mm, (xi, T) + tuple(occupation(xi, T, statistics))))
                memo[p] = rows
            return memo[p]

        def integrand(wo, wm):
            def fun(p):
                tot = mp.mpf(0)
                for om, mm, args in states(p):
                    a = om * wo(*args) if wo else 0
                    c = mm * wm(*args) if wm else 0
                    tot += (abs(a) + abs(c)) if magnitude else (a + c)
                return tot * p / (2 * mp.pi)
            return fun

        pts = breakpoints(mu, T, b, dps)
        out = {}
        for name, (wo, wm) in weights.items():
            val = mp.mpf(0)
            if len(pts) > 1:
                val, err = mp.quad(integrand(wo, wm), pts, error=True, method="gauss-legendre")
                if err > mp.mpf(10) ** (-dps) * max(abs(val), mp.mpf(1) / 100):
                    raise InaccurateReference(f"{name}: radial quadrature error {mp.nstr(err, 3)} "
                                          f"too large (value {mp.nstr(val, 10)})")
            coeff = (delta_coeffs or {}).get(name)
            if T == 0 and coeff is not None and not magnitude:
                val += fermi_surface(mu, T, b, mp.mpf(coeff[0]), mp.mpf(coeff[1]))
            out[name] = val
    return {k: +v for k, v in out.items()}


# -- the paper's five quantities as weight pairs ----------------------------------------------

def builtin_weights(statistics="fermi"):
    """{name: (w_Omega, w_m)} of Eqs. (19a), (19b), (8a), (B7a), (20), typed from the paper.

    alpha (f, 0); T_beta_kubo (xi f, f); mqm (-G, f); mqm_aux (xi f, f + xi df);
    T_beta (xi f + G, 0), the last evaluated without the cancellation of xi f against G
    below the Fermi level (Fermi: L - xi s with s = 1 - f, L = T ln(1 + e^{-|x|})).
    """
    def t_beta(xi, T, f, G, df):
        if T == 0:
            return mp.mpf(0)
        if statistics == "bose":
            return xi * f + G                 # both positive
        x = xi / T
        e = mp.exp(-abs(x))
        s, L = e / (1 + e), T * mp.log1p(e)
        return xi * s + L if x >= 0 else L - xi * s

    return {
        "alpha": (lambda xi, T, f, G, df: f, None),
        "T_beta_kubo": (lambda xi, T, f, G, df: xi * f, lambda xi, T, f, G, df: f),
        "mqm": (lambda xi, T, f, G, df: -G, lambda xi, T, f, G, df: f),
        "mqm_aux": (lambda xi, T, f, G, df: xi * f, lambda xi, T, f, G, df: f + xi * df),
        "T_beta": (t_beta, None),
    }


def builtins(mu, T, b, statistics="fermi"):
    """All five built-in quantities at (mu, T) for field b, at the current mp precision."""
    return fermi_sea_many(mu, T, b, builtin_weights(statistics), statistics)
