"""Fermi-sea quantities declared once: the weights of Eqs. (19a), (19b), (8a), (B7a), (20).

Every susceptibility of the paper is a Fermi-sea integral of the band data
Omega_n (Eq. 8b) and m_n (Eq. 8c),

    X = sum_n int [ Omega_n w_Omega(xi_n, T) + m_n w_m(xi_n, T) ],   xi_n = eps_n - mu,

with weights that are expressions in ``xi``, ``T``, ``f`` (the occupation
f(xi)), ``G`` (= int_xi^inf f(z) dz) and ``df`` (= f'(xi)).  A
:class:`Quantity` holds the two weights as SymPy expressions and everything
derived from them: the weights in the variables of the stable numeric forms,
their T = 0 limits, the Fermi-window (App. E) coefficients, the energy
dimension that fixes the SI unit.  The built-in quantities are declared at the
bottom of this module (:data:`QUANTITIES`); the rest of the package (the
integrand in each number type, CSV columns, plot labels, tensor output, SI
units, command-line choices) reads them from here.

Stable forms.  With x = xi/T and e = exp(-|x|), the numeric engine evaluates

    s = e/(1 + e),   L = T log(1 + e),   D = -s (1 - s)/T

(all small away from the Fermi surface, never a difference of large numbers).
For xi >= 0 (Fermi) or any xi (Bose, where s = f, L = G, D = f'):
f = s, G = L, df = D.  For xi < 0 (Fermi): f = 1 - s, G = L - xi, df = D.
:meth:`Quantity.regions` substitutes these and expands, so that cancellations
such as xi f + G = L - xi s (the weight of Eq. 20 below the Fermi level)
happen exactly in the algebra, not in floating point.

T = 0.  The weights take their pointwise limits (s = L = D = 0, f(0) = 1/2),
and a ``df`` term whose coefficient c(xi) does not vanish at xi = 0 gives the
Fermi-surface term -c(0) sum_n int g_n delta(eps_n - mu) (df -> -delta).
"""

from __future__ import annotations

import functools
import keyword

import sympy as sp

from ..errors import SymgravError
from .budget import check_expression, time_limit
from .parsing import parse_expression

#: the variables of a weight: energy from mu, temperature, occupation, its integral, derivative
XI, TEMP, OCC, OCC_INT, OCC_DER = sp.symbols("xi T f G df", real=True)
#: the variables of the stable numeric forms (module docstring)
SMALL, SMALL_INT, SMALL_DER = sp.symbols("s L D", real=True)
#: the shifted Fermi energy y = E_F - mu and the momentum-space power u = eps - E_F (App. E)
SHIFT, POWER_VAR = sp.symbols("y u", real=True)
#: names that are columns of every table and so cannot name a quantity
RESERVED = ("mu", "T", "beta", "mott")

_NAMES = {"xi": XI, "T": TEMP, "f": OCC, "G": OCC_INT, "df": OCC_DER}
#: names reserved for the quantities declared at the bottom of this module (filled there)
_BUILTIN_NAMES = ()
_SCALE = sp.Symbol("lambda_", positive=True)


def _exact(expr):
    """Replace binary floats by the exact rationals they are (never rounded)."""
    return expr.xreplace({x: sp.Rational(x) for x in expr.atoms(sp.Float)})


def _weight(value, what, name):
    if isinstance(value, str):
        expr = parse_expression(value, _NAMES, allow_new=False)
    elif isinstance(value, (int, sp.Basic)) and not isinstance(value, bool):
        expr = sp.sympify(value) if isinstance(value, int) else value
    else:
        raise SymgravError(f"quantity {name!r}: the {what} weight must be a SymPy expression "
                           f"or a string; got {type(value).__name__}")
    if not isinstance(expr, sp.Expr):
        raise SymgravError(f"quantity {name!r}: the {what} weight is not a scalar expression")
    check_expression(expr, f"quantity {name!r}: the {what} weight")  # bounded work
    expr = _exact(expr)
    unknown = sorted(s.name for s in expr.free_symbols - set(_NAMES.values()))
    if unknown:
        raise SymgravError(f"quantity {name!r}: the {what} weight uses {unknown}; a weight may "
                           "use only xi, T, f, G, df")
    if expr.has(sp.I) or expr.has(sp.zoo, sp.nan, sp.oo):
        raise SymgravError(f"quantity {name!r}: the {what} weight must be real and finite")
    bad = [a for a in expr.atoms(sp.Function)]
    if bad:
        raise SymgravError(f"quantity {name!r}: the {what} weight must be a rational function "
                           f"of xi, T, f, G, df; it contains {bad[0]}")
    return expr


def _degree(expr):
    """Energy dimension k of a weight: w(l xi, l T, f, l G, df/l) = l^k w, or None."""
    if expr == 0:
        return None
    scaled = expr.xreplace({XI: _SCALE * XI, TEMP: _SCALE * TEMP, OCC_INT: _SCALE * OCC_INT,
                            OCC_DER: OCC_DER / _SCALE})
    ratio = sp.simplify(scaled / expr)
    if ratio.free_symbols - {_SCALE}:
        return None
    power = sp.simplify(sp.log(ratio) / sp.log(_SCALE)) if ratio != 1 else sp.Integer(0)
    return int(power) if power.is_integer else None


def _memoized(method):
    """Cache a method without arguments per instance (a Quantity does not change)."""
    name = "_memo_" + method.__name__

    @functools.wraps(method)
    def wrapper(self):
        if name not in self.__dict__:
            self.__dict__[name] = method(self)
        return self.__dict__[name]
    return wrapper


class Quantity:
    """A Fermi-sea quantity X = sum_n int [Omega_n w_Omega + m_n w_m] (Eqs. 8a-c, 19, 20, B7a).

    Parameters
    ----------
    name : str
        Identifier used as the key of results and as the table column.
    omega, moment : sympy.Expr, str or 0
        The weights of Omega_n (Eq. 8b) and m_n (Eq. 8c): rational functions
        of ``xi``, ``T``, ``f``, ``G``, ``df`` (see :meth:`symbols`).  Strings
        are read by the safe parser of :mod:`symgrav.symbolic.parsing` (data,
        never code).  They must vanish for empty states (f = G = df = 0).
    equation : str, optional
        The paper's equation number (e.g. ``"19a"``), for labels and files.
    label : str, optional
        LaTeX label for plots (default ``\\mathrm{name}``).
    unit : str, optional
        Natural unit as text; default derived from the energy dimension.
    charge : bool, optional
        True when the SI value carries the charge q (Eq. 19a: alpha).
    description : str, optional
        One line for file headers and ``--help``.

    Raises
    ------
    SymgravError
        A bad name, a weight with other symbols or functions, Python code in
        a string, or weights that do not vanish for empty states.
    """

    def __init__(self, name, omega, moment, *, equation="", label=None, unit=None,
                 charge=False, description=""):
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name) \
                or name.startswith("_"):
            raise SymgravError(f"a quantity name must be an identifier not starting with '_'; "
                               f"got {name!r}")
        if name in RESERVED:
            raise SymgravError(f"{name!r} is a column of every table; choose another name")
        if name in _BUILTIN_NAMES:
            raise SymgravError(f"{name!r} is a built-in quantity (symgrav.QUANTITIES); choose "
                               "another name")
        self.name = name
        self.omega = _weight(omega, "omega", name)
        self.moment = _weight(moment, "moment", name)
        if self.omega == 0 and self.moment == 0:
            raise SymgravError(f"quantity {name!r}: both weights are zero")
        empty = {OCC: sp.S.Zero, OCC_INT: sp.S.Zero, OCC_DER: sp.S.Zero}
        with time_limit(f"simplifying the weights of quantity {name!r}"):
            for what, w in (("omega", self.omega), ("moment", self.moment)):
                if sp.simplify(w.xreplace(empty)) != 0:
                    raise SymgravError(f"quantity {name!r}: the {what} weight {w} does not "
                                       "vanish for empty states (f = G = df = 0); a Fermi-sea "
                                       "weight must")
            self.energy_power = self._energy_power()
        self.equation = str(equation)
        self.label = label or r"\mathrm{%s}" % name.replace("_", r"\_")
        self.charge = bool(charge)
        self.description = description or f"{name}: weights ({self.omega}, {self.moment})"
        self.unit = unit or self._natural_unit()

    @staticmethod
    def symbols():
        """The weight variables (xi, T, f, G, df) as real SymPy symbols."""
        return XI, TEMP, OCC, OCC_INT, OCC_DER

    def weights(self):
        """(w_Omega, w_m) as SymPy expressions."""
        return self.omega, self.moment

    def __repr__(self):
        return f"Quantity({self.name!r}, {self.omega}, {self.moment})"

    def __eq__(self, other):
        return isinstance(other, Quantity) and (self.name, self.omega, self.moment) == \
            (other.name, other.omega, other.moment)

    def __hash__(self):
        return hash((self.name, self.omega, self.moment))

    # -- dimensions ---------------------------------------------------------
    def _energy_power(self):
        """n in the natural unit hbar L^(1-d) E^n of the result (None if not homogeneous).

        Omega_n has the dimension hbar L / E and m_n hbar L (spin carries one
        hbar), the measure L^-d; so a weight of energy dimension k on Omega
        gives E^(k-1), on m E^k.
        """
        ko, km = _degree(self.omega), _degree(self.moment)
        if self.omega != 0 and ko is None or self.moment != 0 and km is None:
            return None
        powers = {k - 1 for k in [ko] if k is not None} | {k for k in [km] if k is not None}
        return powers.pop() if len(powers) == 1 else None

    def _natural_unit(self):
        n = self.energy_power
        if n is None:
            return "natural units (weights of mixed energy dimension)"
        return "hbar L^(1-d)" + ("" if n == 0 else f" E^{n}") + (" q" if self.charge else "")

    # -- forms used by the numeric engine ------------------------------------
    @_memoized
    def regions(self):
        """The weights in the stable variables, per region of xi (module docstring).

        Returns
        -------
        dict
            ``{"omega": (above, below), "moment": (above, below)}``: SymPy
            expressions in xi, T, s, L, D for xi >= 0 (and Bose) and for
            xi < 0 (Fermi), expanded so that cancellations are exact.
        """
        above = {OCC: SMALL, OCC_INT: SMALL_INT, OCC_DER: SMALL_DER}
        below = {OCC: 1 - SMALL, OCC_INT: SMALL_INT - XI, OCC_DER: SMALL_DER}
        return {what: (sp.expand(w.xreplace(above)), sp.expand(w.xreplace(below)))
                for what, w in (("omega", self.omega), ("moment", self.moment))}

    @_memoized
    def zero_temperature(self):
        """The T = 0 limit: pointwise weights and the Fermi-surface coefficients.

        Returns
        -------
        dict
            ``{"omega": (above, below, delta), "moment": ...}``: the weights
            for xi > 0 and xi < 0 as expressions in xi, the value at xi = 0
            (f = 1/2) and the coefficient c(0) of df, which enters as
            -c(0) delta(xi).

        Raises
        ------
        SymgravError
            When a weight has no T = 0 limit (e.g. 1/T, or nonlinear in df).
        """
        out = {}
        for what, w in (("omega", self.omega), ("moment", self.moment)):
            if sp.degree(sp.expand(w), OCC_DER) > 1 if w.has(OCC_DER) else False:
                raise SymgravError(f"quantity {self.name!r}: the {what} weight is nonlinear in "
                                   "df, which has no T = 0 limit (a product of delta functions)")
            regular = w.xreplace({OCC_DER: sp.S.Zero})
            coeff = sp.diff(w, OCC_DER)
            above = regular.xreplace({OCC: sp.S.Zero, OCC_INT: sp.S.Zero})
            below = regular.xreplace({OCC: sp.S.One, OCC_INT: -XI})
            at_zero = regular.xreplace({OCC: sp.S.Half, OCC_INT: sp.S.Zero, XI: sp.S.Zero})
            delta = coeff.xreplace({OCC: sp.S.Half, OCC_INT: sp.S.Zero, XI: sp.S.Zero})
            forms = [sp.expand(sp.limit(e, TEMP, 0, "+")) if e.has(TEMP) else sp.expand(e)
                     for e in (above, below, at_zero, delta)]
            if any(e.has(sp.zoo, sp.oo, -sp.oo, sp.nan, TEMP, sp.AccumBounds) for e in forms):
                raise SymgravError(f"quantity {self.name!r}: the {what} weight has no T = 0 "
                                   "limit")
            out[what] = (forms[0], forms[1], forms[3])
            out[what + "_at_zero"] = forms[2]
        return out

    @_memoized
    def window_form(self):
        """Coefficients of the Fermi-window route (App. E), or None when it does not apply.

        A weight a(xi, T) f + b(xi, T) G + c(xi, T) df with a, b, c
        polynomial in xi (any function of T) is a Fermi-window average: with the shifted Fermi energy
        E_F = mu + y, f = <theta(y - xi)>, G = <(y - xi) theta(y - xi)>,
        df = <-delta(y - xi)>, so

            X = < sum_g [ sum_k A_gk(y, T) Z_gk(mu + y) - c_g(y, T) D_g(mu + y) ] >,

        Z_gk(E) = sum_n int g_n (eps_n - E)^k theta(E - eps_n) and
        D_g(E) = sum_n int g_n delta(E - eps_n), g = Omega, m;
        A_gk(y, T) is the coefficient of u^k in a(y + u, T) - b(y + u, T) u.

        Returns
        -------
        form : dict or None
            ``{"omega": ([A_0, A_1, ...], c), "moment": (...)}`` as
            polynomials in y (:data:`SHIFT`) with coefficients in T; None when
            the route does not apply.
        reason : str
            Why not ("" when it applies).
        """
        out = {}
        for what, w in (("omega", self.omega), ("moment", self.moment)):
            expanded = sp.expand(w)
            try:
                poly = sp.Poly(expanded, OCC, OCC_INT, OCC_DER)
            except sp.PolynomialError:
                return None, f"the {what} weight of {self.name!r} is not polynomial in f, G, df"
            if poly.total_degree() > 1:
                return None, (f"the {what} weight of {self.name!r} is not linear in the "
                              "occupation (f, G, df)")
            a = poly.coeff_monomial(OCC)
            b = poly.coeff_monomial(OCC_INT)
            c = poly.coeff_monomial(OCC_DER)
            for coef in (a, b, c):
                if not coef.is_polynomial(XI):
                    return None, f"the {what} weight of {self.name!r} is not polynomial in xi"
            shifted = sp.expand(a.xreplace({XI: SHIFT + POWER_VAR})
                                - b.xreplace({XI: SHIFT + POWER_VAR}) * POWER_VAR)
            coeffs = sp.Poly(shifted, POWER_VAR).all_coeffs()[::-1] if shifted != 0 else []
            out[what] = ([sp.expand(x) for x in coeffs], sp.expand(c.xreplace({XI: SHIFT})))
        return out, ""


#: Eq. (19a): the magnetoelectric susceptibility alpha_a^i
ALPHA = Quantity("alpha", "f", 0, equation="19a", label=r"\alpha_{a}^{i}", charge=True,
                 description="magnetoelectric susceptibility alpha_a^i, Eq. (19a)")
#: Eq. (19b): the Kubo gravito-ME susceptibility T beta~_a^i
T_BETA_KUBO = Quantity("T_beta_kubo", "xi*f", "f", equation="19b",
                       label=r"T\tilde\beta_{a}^{i}",
                       description="Kubo gravito-ME susceptibility T beta~_a^i, Eq. (19b)")
#: Eq. (8a): the spin magnetic quadrupole moment M_a^i
MQM = Quantity("mqm", "-G", "f", equation="8a", label=r"M_{a}^{i}",
               description="spin magnetic quadrupole moment M_a^i, Eq. (8a)")
#: Eq. (B7a): the auxiliary spin MQM M~_a^i
MQM_AUX = Quantity("mqm_aux", "xi*f", "f + xi*df", equation="B7a", label=r"\tilde M_{a}^{i}",
                   description="auxiliary spin MQM M~_a^i, Eq. (B7a)")
#: Eq. (20): the gravito-ME susceptibility T beta_a^i (= Eq. 19b - Eq. 8a, Eq. 18)
T_BETA = Quantity("T_beta", "xi*f + G", 0, equation="20", label=r"T\beta_{a}^{i}",
                  description="gravito-ME susceptibility T beta_a^i, Eq. (20)")

#: the built-in quantities, in the order of every table
QUANTITIES = (ALPHA, T_BETA_KUBO, MQM, MQM_AUX, T_BETA)

#: Eq. (E1) at T = 0 (and -f' averages at T > 0): the Fermi-surface density of Omega,
#: d alpha / d mu; used for the Mott value (21), not a column of the tables
DALPHA_DMU = Quantity("dalpha_dmu", "-df", 0, equation="E1", label=r"\partial_\mu\alpha_{a}^{i}",
                      charge=True, description="d alpha_a^i / d mu (Fermi-surface integral, "
                                               "Eq. E1 at T = 0)")

_BUILTIN_NAMES = tuple(q.name for q in QUANTITIES + (DALPHA_DMU,))


def zero_temperature_quantities(pairs):
    """The auxiliary quantities xi^l f on Omega (g = 0) or m (g = 1): Z_gl of App. E.

    Z_gl(E) = sum_n int g_n (eps_n - E)^l theta(E - eps_n) is their T = 0
    value at mu = E; every quantity of :meth:`Quantity.window_form` is a
    Fermi-window average of these (Eq. E2).

    Parameters
    ----------
    pairs : sequence of (int, int)
        (g, l) with g = 0 (Omega, Eq. 8b) or 1 (m, Eq. 8c).

    Returns
    -------
    list of Quantity
    """
    return [Quantity(f"z{g}{l}", f"xi**{l}*f" if g == 0 else 0, f"xi**{l}*f" if g == 1 else 0)
            for g, l in pairs]
