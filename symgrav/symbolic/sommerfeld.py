"""The low-temperature (Sommerfeld, Mott) series of the susceptibilities: App. E, Eqs. (E2), (21).

Every quantity whose weights are linear in f, G, f' with coefficients
polynomial in xi is a Fermi-window average (:meth:`Quantity.window_form`):
with y = T x and <.> = int dx (-f'(x)) (.),

    X(mu, T) = < sum_g [ sum_k A_gk(y, T) Z_gk(mu + y) - c_g(y, T) Z_g0'(mu + y) ] >,

Z_gk(E) the T = 0 integrals of g_n (eps_n - E)^k theta(E - eps_n), g = Omega
(Eq. 8b), m (Eq. 8c) (:func:`symgrav.zero_temperature` of the quantities
:func:`~symgrav.symbolic.quantities.zero_temperature_quantities`).  Taylor
expanding Z about mu and averaging with the window moments
<x^j> = 2 (1 - 2^(1-j)) j! zeta(j) (j even, :func:`window_moment_exact`)
gives X = sum_k c_k(mu) T^(2k).  For T beta (Eq. 20) A = y, so
c_1 = (pi^2/3) d alpha0/d mu: the Mott relation (21); c_2 = (7 pi^4/90) alpha0'''.
"""

from __future__ import annotations

import sympy as sp

from ..errors import SymgravError
from .model import AXES, axis_index
from .quantities import SHIFT, TEMP, zero_temperature_quantities
from .radial import MU
from .zero_temperature import params_key, quantity_record, zero_temperature_pieces

#: the Fermi energy E and the chemical potential mu of the window integrand G(E; mu, T)
FERMI_ENERGY, CHEMICAL_POTENTIAL = sp.symbols("E_F mu_0", real=True)


def window_moment_exact(j):
    """<x^j> over the Fermi window -f'(x), exact: 2 (1 - 2^(1-j)) j! zeta(j), 0 for odd j (Eq. E2).

    Parameters
    ----------
    j : int

    Returns
    -------
    sympy.Expr
        A rational multiple of pi^j (1 for j = 0).
    """
    if j == 0:
        return sp.Integer(1)
    if j % 2:
        return sp.Integer(0)
    return 2 * (1 - sp.Rational(2) ** (1 - j)) * sp.factorial(j) * sp.zeta(j)


def window_terms(q):
    """The Fermi-window integrand of a quantity as terms (g, k, j, A(y, T)) (App. E).

    X(mu, T) = < sum A(y, T) Z_gk^(j)(mu + y) >, y = T x, with j = 0 (the A_gk of
    :meth:`Quantity.window_form`) or j = 1 (the Fermi-surface terms, A = -c_g).

    Raises
    ------
    SymgravError
        The quantity is not a Fermi-window average.
    """
    form, reason = q.window_form()
    if form is None:
        raise SymgravError(f"{q.name!r} is not a Fermi-window average: {reason}")
    out = []
    for g, what in enumerate(("omega", "moment")):
        coeffs, c = form[what]
        for k, j, A in [(k, 0, A) for k, A in enumerate(coeffs)] + [(0, 1, -c)]:
            A = sp.expand(A)
            if A != 0:
                out.append((g, k, j, A))
    return out


def window_integrand(model, q, a, i, key):
    """G(E; mu, T) of X(mu, T) = int dx (-f'(x)) G(mu + T x), branch by branch (App. E, Eq. E2).

    G(E) = sum A_gk(E - mu, T) Z_gk^(j)(E) over the :func:`window_terms` of the
    quantity, with Z_gk the closed-form T = 0 functions of
    :func:`~symgrav.symbolic.zero_temperature.zero_temperature_pieces`; G is
    0 below the lowest band edge.

    Parameters
    ----------
    model : Model
    q : Quantity
    a, i : str
        Spin component and momentum axis (internal names).
    key : tuple
        :func:`~symgrav.symbolic.zero_temperature.params_key` of the parameters.

    Returns
    -------
    list of sympy.Expr
        One expression per branch (the intervals between the band edges, as
        in :func:`symgrav.zero_temperature`) in :data:`FERMI_ENERGY`,
        :data:`CHEMICAL_POTENTIAL` and ``T``.

    Raises
    ------
    SymgravError
        Not a Fermi-window average, or no closed form.
    """
    basis, coefs, rows = window_basis(model, [q], a, i, key)
    return [sum((c * b for c, b in zip(coefs[0], row)), sp.Integer(0)) for row in rows]


def window_basis(model, quantities, a, i, key):
    """G_q(E) of several quantities as coefficients times shared T = 0 functions (Eq. E2).

    G_q(E; mu, T) = sum_m C_qm(E - mu, T) B_m(E) on every branch, with the basis
    B_m = d^j Z_gk / dE^j the distinct derivatives of the closed-form T = 0
    functions that the quantities' :func:`window_terms` need: evaluating the
    few B_m once per energy serves every quantity (the numeric closed-form route).

    Parameters
    ----------
    model : Model
    quantities : sequence of Quantity
    a, i : str
    key : tuple
        :func:`~symgrav.symbolic.zero_temperature.params_key` of the parameters.

    Returns
    -------
    basis : list of (g, k, j)
    coefficients : list (per quantity) of lists (per basis element) of sympy.Expr
        Polynomials in :data:`FERMI_ENERGY` - :data:`CHEMICAL_POTENTIAL` and T.
    rows : list (per branch) of lists (per basis element) of sympy.Expr
        B_m on each branch, in :data:`FERMI_ENERGY`.
    """
    terms = [window_terms(q) for q in quantities]
    basis = sorted({(g, k, j) for ts in terms for g, k, j, _ in ts})
    pairs = sorted({(g, k) for g, k, _ in basis})
    zs = dict(zip(pairs, zero_temperature_quantities(pairs)))
    pieces = {p: zero_temperature_pieces(model, zs[p], a, i, key)[0] for p in pairs}
    rows = []
    for n in range(len(pieces[pairs[0]])):
        row = []
        for g, k, j in basis:
            br = pieces[g, k][n].xreplace({MU: FERMI_ENERGY})
            row.append(sp.diff(br, FERMI_ENERGY, j) if j else br)
        rows.append(row)
    shift = {SHIFT: FERMI_ENERGY - CHEMICAL_POTENTIAL}
    coefs = [[sum((A.xreplace(shift) for g, k, j, A in ts if (g, k, j) == b), sp.Integer(0))
              for b in basis] for ts in terms]
    return basis, coefs, rows


def _terms(q, order):
    """(g, k, derivative j, coefficient of Z_gk^(j)(mu)) with the T power folded in."""
    out = []
    top = 2 * order
    for g, k, shift, A in window_terms(q):
        try:
            poly = sp.Poly(A, SHIFT, TEMP)
        except sp.PolynomialError:
            raise SymgravError(f"no Sommerfeld series for {q.name!r}: a weight coefficient "
                               f"is not polynomial in T ({A})") from None
        for (ey, et), coef in poly.terms():
            for j in range(0, top + 1):
                power = ey + j + et
                if power > top:
                    break
                moment = window_moment_exact(ey + j)
                if moment == 0:
                    continue
                out.append((g, k, j + shift, coef * moment / sp.factorial(j), power))
    return out


def low_temperature_series(model, quantity, order, a="x", i="x", params=None):
    r"""The Sommerfeld series sum_{k <= order} c_k(mu) T^(2k) of a quantity (App. E, Eq. E2).

    For T beta (Eq. 20) c_0 = 0 and c_1 = (pi^2/3) d alpha0/d mu, the Mott
    relation (21); c_2 = (7 pi^4/90) d^3 alpha0/d mu^3 is its first
    correction.  For alpha (19a) and M (8a) c_0 is the T = 0 value of
    :func:`symgrav.zero_temperature`.  Built from the closed-form T = 0
    functions Z_gk (module docstring); the coefficients are ``Piecewise`` in
    ``mu`` over the band-edge intervals.  The series is asymptotic: it holds
    for T small against the distance of mu from every band edge.

    Parameters
    ----------
    model : Model
        As for :func:`symgrav.zero_temperature` (1D or isotropic continuum).
    quantity : str or Quantity
        ``"alpha"``, ``"mqm"``, ``"T_beta"``, ``"T_beta_kubo"``,
        ``"mqm_aux"`` or a user quantity with weights linear in f, G, f' and
        polynomial in xi and T.
    order : int
        Highest k kept (T^(2 order)); the remainder is O(T^(2 order + 2)).
    a, i : {"x", "y", "z"}
    params : dict, optional
        As for :func:`symgrav.zero_temperature`.

    Returns
    -------
    sympy.Expr
        sum_k c_k(mu) T^(2k) in the real Symbols ``mu`` and ``T`` (and the
        parameters left symbolic); c_k = ``expr.coeff(T, 2*k)``.

    Raises
    ------
    SymgravError
        A bad order, a quantity that is not a Fermi-window average, or no
        closed form (see :func:`symgrav.zero_temperature`).
    """
    if not isinstance(order, int) or isinstance(order, bool) or order < 0:
        raise SymgravError(f"order must be an integer >= 0; got {order!r}")
    q = quantity_record(quantity)
    a, i = AXES[axis_index(a, "spin component a")], AXES[axis_index(i, "momentum axis i")]
    key = params_key(params)
    terms = _terms(q, order)
    pairs = sorted({(g, k) for g, k, _, _, _ in terms})
    zs = dict(zip(pairs, zero_temperature_quantities(pairs)))
    coeffs = {}
    conds = None
    for g, k, j, coef, power in terms:
        branches, conds = zero_temperature_pieces(model, zs[g, k], a, i, key)
        row = coeffs.setdefault(power, [sp.Integer(0)] * len(branches))
        for n, br in enumerate(branches):
            row[n] += coef * (sp.diff(br, MU, j) if j else br)
    total = sp.Integer(0)
    for power in sorted(coeffs):
        row = [sp.factor_terms(sp.expand(x)) if x.is_rational_function(MU) else x
               for x in coeffs[power]]
        if all(x == 0 for x in row):
            continue
        total += sp.Piecewise(*zip(row, conds)) * TEMP ** power
    return model.to_user(total)
