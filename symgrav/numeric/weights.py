"""The one integrand: weights of declared quantities compiled for every number type.

For a set of :class:`~symgrav.symbolic.quantities.Quantity` objects and a
backend (:mod:`symgrav.numeric.arith`), :class:`WeightSet` turns the weights
into plain arithmetic functions (only + - * / and integer powers; exact
rational constants rounded once at the backend precision) of the stable
occupation terms of :mod:`symgrav.numeric.occupations`, and evaluates the
Fermi-sea integrand

    sum_n [ Omega_n w_Omega(xi_n, T) + m_n w_m(xi_n, T) ]        (Eqs. 8a, 19a, 19b, 20, B7a)

for every quantity at once, on arrays of band data.  At T = 0 the pointwise
limits of the weights are used (T beta of Eq. 20 then vanishes because its
weight xi f + G is 0 at every xi != 0 -- computed, not assigned); the
Fermi-surface (delta) parts of df terms are added by the routes (see
:attr:`WeightSet.delta`).
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.printing.str import StrPrinter

from ..errors import SymgravError
from ..symbolic.quantities import SHIFT, SMALL, SMALL_DER, SMALL_INT, TEMP, XI
from ..symbolic.sommerfeld import window_moment_exact
from .rules import NOISE_UNITS

_CONST = "c_"


class _ArithPrinter(StrPrinter):
    """Plain arithmetic; every non-integer number has been replaced by a constant symbol."""

    def _print_Rational(self, expr):  # pragma: no cover - constants are extracted first
        raise TypeError("rational constants must be extracted before printing")

    def _print_Float(self, expr):  # pragma: no cover
        raise TypeError("floats are not allowed in weights")


def _extract_constants(expr, consts):
    """Replace every non-integer number in expr by a symbol c_k; consts collects the values."""
    if expr.is_number:
        if expr.is_Integer:
            return expr
        for k, (sym, val) in enumerate(consts):
            if val == expr:
                return sym
        sym = sp.Symbol(f"{_CONST}{len(consts)}", real=True)
        consts.append((sym, expr))
        return sym
    if not expr.args:
        return expr
    return expr.func(*[_extract_constants(a, consts) for a in expr.args])


def _constant_value(backend, value):
    if value.is_Rational:
        return backend.rational(int(value.p), int(value.q))
    with backend.context():
        return backend.num(str(sp.N(value, backend.dps + 10)))


class Compiled:
    """Plain-arithmetic callables of SymPy expressions in fixed variables, for one backend."""

    def __init__(self, backend, exprs, variables):
        consts = []

        def extract(e):
            if isinstance(e, (list, tuple)):
                return [extract(x) for x in e]
            return _extract_constants(sp.sympify(e), consts)
        bodies = [extract(e) for e in exprs]
        syms = [s for s, _ in consts]
        self.values = [_constant_value(backend, v) for _, v in consts]
        self.functions = [sp.lambdify(list(variables) + syms, body, modules=[{}],
                                      printer=_ArithPrinter) for body in bodies]
        self.zero = [not isinstance(body, list) and body == 0 for body in bodies]

    def __call__(self, k, *args):
        return self.functions[k](*args, *self.values)


class WeightSet:
    """The weights of a list of quantities, compiled for one backend.

    Parameters
    ----------
    quantities : sequence of Quantity
    backend : Backend

    Attributes
    ----------
    names : tuple of str
    delta : list of (c_Omega, c_m)
        Per quantity, the coefficients of -delta(xi) at T = 0 (nonzero for
        Fermi-surface terms such as -df of Eq. E1).
    has_delta : bool
        Some quantity has a Fermi-surface term at T = 0.
    zero_T_error : Exception or None
        Why the quantities have no T = 0 limit (raised when T = 0 is asked for).
    """

    def __init__(self, quantities, backend):
        self.quantities = tuple(quantities)
        self.names = tuple(q.name for q in self.quantities)
        self.backend = backend
        above, below, above0, below0, at_zero, delta = [], [], [], [], [], []
        self.zero_T_error = None
        for q in self.quantities:
            reg = q.regions()
            try:
                z = q.zero_temperature()
            except Exception as exc:  # noqa: BLE001 -- reported when T = 0 is asked for
                self.zero_T_error = exc
                z = {"omega": (0, 0, 0), "moment": (0, 0, 0), "omega_at_zero": 0,
                     "moment_at_zero": 0}
            for g in ("omega", "moment"):
                above.append(reg[g][0])
                below.append(reg[g][1])
                above0.append(z[g][0])
                below0.append(z[g][1])
                at_zero.append(z[g + "_at_zero"])
            delta.append(tuple(_constant_value(backend, sp.sympify(z[g][2]))
                               if z[g][2] != 0 else backend.num(0)
                               for g in ("omega", "moment")))
        #: weight slots (2 per quantity: Omega, m) that vanish identically
        self._dead = [all(sp.sympify(e) == 0 for e in group)
                      for group in zip(above, below, above0, below0, at_zero)]
        self._finite = Compiled(backend, [above, below], (XI, TEMP, SMALL, SMALL_INT, SMALL_DER))
        self._zero = Compiled(backend, [above0, below0], (XI,))
        self._at_zero = Compiled(backend, [at_zero], ())
        self.delta = delta
        self.has_delta = self.zero_T_error is None and any(
            c != 0 for pair in delta for c in pair)
        #: largest rounding amplification of the band data met by :meth:`integrand` (>= 1)
        self.amplification = 1.0

    def __len__(self):
        return len(self.quantities)

    def integrand(self, omega, moment, xi, T, occ, term_sizes=None, energies=None):
        """sum_n (Omega_n w_Omega + m_n w_m) for every quantity, and sum_n of the magnitudes.

        Parameters
        ----------
        omega, moment, xi : backend arrays of shape (N, P)
            Omega_n (8b), m_n (8c) and eps_n - mu at P momenta.
        T : backend scalar
        occ : Occupations
            Of ``xi`` at ``T``.
        term_sizes : pair or triple of float arrays (N, P), optional
            The sizes of the terms of the double-precision sums over states
            that make up Omega_n and m_n, and their amplification
            (:func:`~symgrav.numeric.states.states_float`): where a value is
            zero to rounding (returned as an exact zero) its size is that of
            its terms, so that the quadrature's rounding floor is their
            rounding, not an absolute 2^-106 (elsewhere |Omega_n|, |m_n|).
        energies : float array (N, P), optional
            The band energies eps_n of double-precision closed forms: their
            rounding, about 2^-53 E (E = max(|eps_m|, |xi_m|) at the
            momentum), is amplified by E / g_n (g_n the gap of band n to the
            other bands) in Omega_n (~1/g^2), m_n (~1/g) and the weights;
            where kappa_n = E / g_n exceeds the ``NOISE_UNITS`` of the
            rounding floor (nearly degenerate bands), the sizes of band n are
            multiplied by kappa_n / NOISE_UNITS (:func:`rounding_amplification`;
            for sums over states the third of ``term_sizes``, from the coupled
            bands only).  The largest factor met is kept in
            :attr:`amplification` (reset by the caller).

        Returns
        -------
        values, sizes : backend arrays of shape (nq, P)
            The integrands and sum_n (|Omega_n w_Omega| + |m_n w_m|) (for
            rounding floors where bands cancel, or where Omega_n, m_n are
            themselves zero to rounding).
        """
        B = self.backend
        N, P = np.shape(xi)
        om, mm, xf = (np.ravel(a) for a in (omega, moment, xi))
        om_mag, mm_mag = np.abs(om), np.abs(mm)
        if term_sizes is not None:      # a value zero to rounding: the size of its terms
            om_mag = np.where(om == 0, np.ravel(term_sizes[0]), om_mag)
            mm_mag = np.where(mm == 0, np.ravel(term_sizes[1]), mm_mag)
        amp = None
        if term_sizes is not None and len(term_sizes) > 2:      # sums over states
            amp = term_sizes[2] if np.any(term_sizes[2] > 1) else None
        elif energies is not None and B.name == "float64" and N > 1:    # closed forms
            amp = rounding_amplification(energies, xi)
        if amp is not None:             # ill-conditioned band data: their rounding is larger
            self.amplification = max(self.amplification, float(np.max(amp)))
            if term_sizes is not None:      # the terms of the sums, not only their sum
                om_mag = np.maximum(om_mag, np.ravel(term_sizes[0]))
                mm_mag = np.maximum(mm_mag, np.ravel(term_sizes[1]))
            om_mag, mm_mag = om_mag * np.ravel(amp), mm_mag * np.ravel(amp)
        above = np.ravel(occ.above)
        zero = np.ravel(occ.at_zero) if occ.at_zero is not None else None
        if zero is not None:
            above = above & ~zero
        below = ~above if zero is None else ~above & ~zero
        regions = []
        for r, mask in enumerate((above, below)):
            if not np.any(mask):
                continue
            if occ.zero_T:
                got = self._zero(r, xf[mask])
            else:
                got = self._finite(r, xf[mask], T, np.ravel(occ.s)[mask],
                                   np.ravel(occ.L)[mask], np.ravel(occ.D)[mask])
            regions.append((mask, got))
        if zero is not None and np.any(zero):
            regions.append((zero, self._at_zero(0)))
        float64 = B.name == "float64"
        vals, sizes = [], []
        for q in range(len(self.quantities)):
            total = size = None
            for j, band, mag in ((2 * q, om, om_mag), (2 * q + 1, mm, mm_mag)):
                if self._dead[j]:
                    continue
                w = np.zeros(N * P) if float64 else B.zeros(N * P)
                for mask, got in regions:
                    w[mask] = got[j]
                term = band * w
                total = term if total is None else total + term
                size = mag * np.abs(w) if size is None else size + mag * np.abs(w)
            if total is None:
                total = size = np.zeros(N * P) if float64 else B.zeros(N * P)
            vals.append(total.reshape(N, P).sum(axis=0))
            sizes.append(size.reshape(N, P).sum(axis=0))
        dtype = float if float64 else object
        return np.array(vals, dtype=dtype), np.array(sizes, dtype=dtype)


def rounding_amplification(energies, xi):
    """Per band and momentum, max(1, kappa_n / NOISE_UNITS) with kappa_n = E / g_n (floats).

    E = max_m max(|eps_m|, |xi_m|) is the energy scale of the rounding of the
    band data at a momentum, g_n the distance of eps_n to the nearest energy
    of another band (bands of equal energy -- a degenerate subspace, whose
    energies are averaged exactly -- are one).  Eigenvectors computed in
    double precision are off by about 2^-53 kappa_n, so the terms of Omega_n
    (8b) and m_n (8c) carry kappa_n units of rounding where the quadrature's
    floor assumes :data:`~symgrav.numeric.rules.NOISE_UNITS`.  Returns None
    when no factor exceeds 1 (the common case: gaps of order E).  Rounding
    bookkeeping; no equation of the paper.
    """
    e = np.asarray(energies, dtype=float)
    scale = np.maximum(np.max(np.abs(e), axis=0), np.max(np.abs(np.asarray(xi, float)), axis=0))
    gap = np.full(e.shape, np.inf)
    for n in range(e.shape[0]):
        d = np.abs(e - e[n])
        d[d == 0] = np.inf                  # itself, and its degenerate partners
        gap[n] = np.min(d, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        amp = scale / gap / NOISE_UNITS
    if not np.any(amp > 1):
        return None
    return np.maximum(amp, 1.0)


class QuantitySet:
    """A list of quantities with their weights compiled per backend (on first use).

    Attributes
    ----------
    quantities : tuple of Quantity
    names : tuple of str
    surface_only : bool
        Every quantity is a pure Fermi-surface term at T = 0 (d alpha/d mu, Eq. E1).
    """

    def __init__(self, quantities):
        self.quantities = tuple(quantities)
        self.names = tuple(q.name for q in self.quantities)
        self._weights = {}
        self.surface_only = all(_pure_surface(q) for q in self.quantities)

    def weights(self, B):
        """The :class:`WeightSet` for backend B."""
        if B not in self._weights:
            with B.context():
                self._weights[B] = WeightSet(self.quantities, B)
        return self._weights[B]


def _pure_surface(q):
    try:
        z = q.zero_temperature()
    except SymgravError:
        return False
    return all(e == 0 for g in ("omega", "moment") for e in z[g][:2])


class WindowForms:
    """The Fermi-window (App. E) form of a list of quantities, compiled for one backend.

    With the coefficients A_gk(y, T), c_g(y, T) of
    :meth:`~symgrav.symbolic.quantities.Quantity.window_form` and
    Z_gk(mu + y) = sum_l binom(k, l) (-y)^(k-l) [Z^mu_gl + I_gl(y)]
    (Z^mu_gl = sum_n int g_n xi^l theta(-xi), the T = 0 integrals at mu;
    I_gl the branch integrals of :mod:`symgrav.numeric.chebyshev`), a quantity is

        X = sum_gl C_gl(T) Z^mu_gl + < sum_gl P_gl(y, T) I_gl(y) - sum_g c_g(y, T) D_g(y) >

    with P_gl(y, T) = sum_k binom(k, l) (-y)^(k-l) A_gk(y, T) and
    C_gl(T) = <P_gl(T x, T)> from the exact moments of the window (Eq. E2),
    so that the parts at mu are averaged exactly.

    Attributes
    ----------
    applies : bool
    reason : str
        Why the route does not apply (a weight not linear in the occupation
        or not polynomial in xi).
    series : list of (g, l)
        The branch integrals I_gl needed (g = 0 for Omega, 1 for m).
    constants : list of (g, l)
        The T = 0 integrals Z^mu_gl needed.
    densities : list of int
        The densities D_g needed.
    """

    def __init__(self, quantities, backend):
        self.applies, self.reason = True, ""
        forms = []
        for q in quantities:
            form, reason = q.window_form()
            if form is None:
                self.applies, self.reason = False, reason
                return
            forms.append(form)
        L = max([len(f[g][0]) for f in forms for g in f] + [1])
        P, C, c = {}, {}, {}
        for q, form in enumerate(forms):
            for g, what in enumerate(("omega", "moment")):
                coeffs, delta = form[what]
                c[q, g] = delta
                for l in range(L):
                    poly = sp.expand(sum((sp.binomial(k, l) * (-SHIFT) ** (k - l) * a
                                          for k, a in enumerate(coeffs) if k >= l),
                                         sp.Integer(0)))
                    P[q, g, l] = poly
                    C[q, g, l] = _window_average(poly)
        n = len(forms)
        self.count = n
        self.series = sorted({(g, l) for (q, g, l), e in P.items() if e != 0})
        self.constants = sorted({(g, l) for (q, g, l), e in C.items() if e != 0})
        self.densities = sorted({g for (q, g), e in c.items() if e != 0})
        self.powers = max([l for _, l in self.series + self.constants] + [0])
        self._node = Compiled(backend, [sp.Matrix(
            [[P[q, g, l] for g, l in self.series] + [c[q, g] for g in self.densities]
             for q in range(n)]).tolist()], (SHIFT, TEMP))
        self._const = Compiled(backend, [sp.Matrix(
            [[C[q, g, l] for g, l in self.constants] for q in range(n)]).tolist()], (TEMP,))

    def node(self, y, T):
        """Per quantity: [P_gl(y, T) for (g, l) in series] + [c_g(y, T) for g in densities]."""
        return self._node(0, y, T)

    def constant(self, T):
        """Per quantity: [C_gl(T) for (g, l) in constants]."""
        return self._const(0, T)


def _window_average(P):
    """<P(T x, T)> over the Fermi window, from the exact moments (Eq. E2)."""
    poly = sp.Poly(P, SHIFT)
    total = sp.Integer(0)
    for (m,), coeff in poly.terms():
        total += coeff * TEMP ** m * window_moment_exact(m)
    return sp.expand(total)
