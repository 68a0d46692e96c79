"""Closed forms of Eqs. (8b), (8c), (24a,b) for Dirac-type 4x4 models, summed over each pair.

A Hermitian 4x4 H = eps(k) 1 + sum_a d_a(k) Gamma_a with mutually
anticommuting Gamma matrices (Gamma_a Gamma_b + Gamma_b Gamma_a = 2 delta_ab)
has D = H - eps 1 with D^2 = |d|^2 1: two doubly degenerate bands
eps -+ Delta, Delta = |d| = sqrt(tr(D^2)/4), and the projectors

    P_-+ = (1 -+ D/Delta) / 2

(the PT-symmetric antiferromagnets, every band a Kramers pair).  The test
needs no Gamma basis: H is Dirac-type exactly when D^2 is a multiple of the
identity.  Within a pair the per-band values depend on the gauge, the pair
sums do not (PHYSICS.md, "Degenerate bands"): for pair A with partner B,

    sum_{n in A} Omega_n = -2 hbar Im tr(P_A v P_B s) / (E_A - E_B)^2     (8b)
    sum_{n in A} m_n     =    hbar Im tr(P_A v P_B s) / (E_A - E_B)       (8c)

with tr(P_-+ A P_+- B) = [tr(AB) -+ tr(D A B)/Delta +- tr(A D B)/Delta
- tr(D A D B)/Delta^2] / 4.  Each band of a pair is given half the pair sum
(as the numeric sums over states of :mod:`symgrav.numeric.states` do), so
every Fermi-sea integral is unchanged.
"""

from __future__ import annotations

import sympy as sp


class DiracForm:
    """H = eps 1 + D with D^2 = Delta^2 1 (4x4): energies and the pair-summed geometry."""

    def __init__(self, eps, D, delta2):
        self.eps, self.D, self.delta2 = eps, D, delta2
        delta = sp.sqrt(delta2)
        self.energies = (eps - delta, eps - delta, eps + delta, eps + delta)

    def pair_terms(self, A, B, power_omega, power_m, prefactor_omega, prefactor_m, delta_sym):
        """Per-band (Omega-like, m-like) values (half the pair sums), in ``delta_sym``.

        Eqs. (8b), (8c) with (A, B) = (v^i, s_a), or (24a), (24b) with
        (A, B) = the derivatives of H by the two parameters; ``power_*`` and
        ``prefactor_*`` as in :func:`symgrav.symbolic.geometry.closed_form_band_data`.
        """
        D = self.D
        ab = (A * B).trace()
        dab = (D * A * B).trace()
        adb = (A * D * B).trace()
        dadb = (D * A * D * B).trace()
        omega, moment = [], []
        for sign in (-1, 1):     # pair eps - Delta (partner +), pair eps + Delta (partner -)
            tr = (ab + sign * (dab - adb) / delta_sym - dadb / delta_sym ** 2) / 4
            im = sp.im(sp.expand(tr))
            gap = 2 * sign * delta_sym
            om = _tidy(-2 * prefactor_omega * im / gap ** power_omega / 2)
            mm = _tidy(prefactor_m * im / gap ** power_m / 2)
            omega += [om, om]
            moment += [mm, mm]
        return omega, moment


def _tidy(expr):
    expr = sp.expand(expr)
    if expr == 0:
        return sp.Integer(0)
    return sp.factor_terms(sp.simplify(expr))


def dirac_form(H):
    """The :class:`DiracForm` of a 4x4 H, or None when (H - tr H/4)^2 is not a multiple of 1.

    Recognizes the Dirac-type models of the module docstring (bands of Eqs. 8b,
    8c in Kramers pairs).  H must be in real symbols (``Model.H_real``).

    Parameters
    ----------
    H : sympy.Matrix
        4x4 Hermitian.

    Returns
    -------
    DiracForm or None
    """
    if H.shape != (4, 4):
        return None
    eps = sp.expand(H.trace() / 4)
    D = (H - eps * sp.eye(4)).applyfunc(sp.expand)
    if all(x == 0 for x in D):
        return None
    D2 = (D * D).applyfunc(sp.expand)
    delta2 = sp.expand(D2.trace() / 4)
    rest = (D2 - delta2 * sp.eye(4)).applyfunc(sp.expand)
    if any(x != 0 and sp.simplify(x) != 0 for x in rest):
        return None
    delta2 = sp.factor(delta2) if delta2.is_rational_function() else sp.simplify(delta2)
    return DiracForm(eps, D, delta2)
