"""Occupation functions of Eqs. (8a), (19), (20) and (B7a) at arbitrary precision.

For an energy xi = epsilon - mu measured from the chemical potential and a
temperature T > 0 (k_B = 1) the weights are

    f(xi)                          occupation (Fermi or Bose)
    G(xi) = int_xi^inf f(z) dz     (8a): Fermi T ln(1 + e^{-xi/T}); Bose -T ln(1 - e^{-xi/T})
    w(xi) = xi f(xi) + G(xi)       weight of Eq. (20)
    f'(xi) = df/dxi                (B7a)

each evaluated without cancellation for either sign of xi.  T = 0 is the exact
step-function limit: f = theta(-xi), G = -xi theta(-xi), w = 0, xi f' = 0.
"""

from __future__ import annotations

import gmpy2
import mpmath as mp

from ..errors import SymgravError

STATISTICS = ("fermi", "bose")


def check_statistics(statistics):
    """Validate a statistics name ("fermi" or "bose") and return it lower-cased."""
    name = str(statistics).lower()
    if name not in STATISTICS:
        raise SymgravError(f"statistics must be 'fermi' or 'bose'; got {statistics!r}")
    return name


def _cutoff():
    """|xi|/T beyond which e^{-|xi|/T} < 2^-(prec+64): the weights are exact steps."""
    return (mp.mp.prec + 64) * mp.ln2


def fermi_weights(xi, T):
    """(f, G, w, xi*f') for Fermi statistics at energy xi and temperature T.

    Implements the distribution-function factors of Eqs. (8a), (19a), (19b),
    (20) and (B7a) with f(xi) = 1/(e^{xi/T} + 1).

    Parameters
    ----------
    xi : mpf
        Energy measured from the chemical potential.
    T : mpf
        Temperature (>= 0); T = 0 gives the step-function limit.
    """
    if T == 0:
        if xi < 0:
            return mp.mpf(1), -xi, mp.mpf(0), mp.mpf(0)
        if xi > 0:
            return mp.mpf(0), mp.mpf(0), mp.mpf(0), mp.mpf(0)
        return mp.mpf(0.5), mp.mpf(0), mp.mpf(0), mp.mpf(0)
    return _fermi(xi, T, _cutoff(), mp.exp, mp.log1p, mp.mpf(0), mp.mpf(1))


def _fermi(xi, T, cutoff, exp, log1p, zero, one):
    """(f, G, w, xi f') for Fermi statistics in the arithmetic of exp, log1p (T > 0).

    Shared by the mpmath and gmpy2 forms: beyond |xi|/T > cutoff the weights
    are exact steps; below it they are written in e^{-|x|} so that neither
    sign of xi cancels.
    """
    x = xi / T
    if abs(x) > cutoff:
        # e^{-|x|} is below the working precision: exact step values
        if x > 0:
            return zero, zero, zero, zero
        return one, -xi, zero, zero
    e = exp(-abs(x))
    inv = 1 / (1 + e)
    lg = log1p(e)
    if x >= 0:
        f, one_minus_f = e * inv, inv
        G = T * lg
        w = T * (x * f + lg)
    else:
        f, one_minus_f = inv, e * inv
        G = T * lg - xi
        w = T * (lg - x * one_minus_f)
    return f, G, w, -x * f * one_minus_f


def bose_weights(xi, T):
    """(f, G, w, xi*f') for Bose statistics, f(xi) = 1/(e^{xi/T} - 1), xi > 0.

    The Bose forms of Eqs. (8a) and (B7a) (upper signs in the paper); the
    chemical potential must lie below every band, so xi > 0 everywhere.
    """
    if xi <= 0:
        raise SymgravError(
            "Bose statistics: the chemical potential lies at or above a band bottom "
            f"(epsilon - mu = {mp.nstr(xi, 8)} <= 0); choose mu below every band")
    if T == 0:
        return mp.mpf(0), mp.mpf(0), mp.mpf(0), mp.mpf(0)
    x = xi / T
    em = mp.expm1(x)
    f = 1 / em
    G = -T * mp.log(-mp.expm1(-x))
    w = xi * f + G
    xfp = -x * (em + 1) / em ** 2
    return f, G, w, xfp


def fermi_weights_mpfr(xi, T):
    """:func:`fermi_weights` in gmpy2 ``mpfr`` arithmetic (T > 0), at the context precision.

    The distribution factors of Eqs. (8a), (19a), (19b), (20), (B7a) for the
    fast integrand; same formulas and cutoff as :func:`fermi_weights`.
    """
    cutoff = (gmpy2.get_context().precision + 64) * 0.6931471805599453
    return _fermi(xi, T, cutoff, gmpy2.exp, gmpy2.log1p, gmpy2.mpfr(0), gmpy2.mpfr(1))


def bose_weights_mpfr(xi, T):
    """:func:`bose_weights` in gmpy2 ``mpfr`` arithmetic (T > 0, xi > 0): Eqs. (8a), (B7a)."""
    if xi <= 0:
        from .window import to_mpf
        return bose_weights(to_mpf(xi), mp.mpf(1))  # raises the documented error
    x = xi / T
    em = gmpy2.expm1(x)
    f = 1 / em
    G = -T * gmpy2.log(-gmpy2.expm1(-x))
    return f, G, xi * f + G, -x * (em + 1) / em ** 2


def weights_function(statistics):
    """The weight function of a statistics name (see :func:`fermi_weights`)."""
    return fermi_weights if check_statistics(statistics) == "fermi" else bose_weights
