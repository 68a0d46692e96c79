"""The :class:`Model` container: a Bloch Hamiltonian, its momenta and spin operators.

The spin operators s_a of Eqs. (8b), (8c) may be any Hermitian matrices
(``operator=`` is an alias of ``spin=``), functions of the momenta included,
such as the spin current {v_j, s_a}/2 (:meth:`Model.spin_current`): the
definitions use the matrix elements <u_n|s_a|u_m> at the same momentum only.

All free symbols of a Hamiltonian are parameters of a Hermitian matrix and are
treated as real.  Internally every symbol without a ``real`` assumption is
replaced by a real symbol of the same name; results are mapped back to the
user's own symbols before they are returned (see :meth:`Model.to_user`).
"""

from __future__ import annotations

from functools import cached_property

import sympy as sp

from ..errors import SymgravError
from .budget import check_matrix
from .hermiticity import nonzero_entry
from .latex_printer import SymgravLatexPrinter
from .userinput import as_expression, as_hbar, as_matrix, spin_or_operator, symbol_table

AXES = ("x", "y", "z")

#: Pauli matrices sigma_x, sigma_y, sigma_z.
PAULI = (
    sp.Matrix([[0, 1], [1, 0]]),
    sp.Matrix([[0, -sp.I], [sp.I, 0]]),
    sp.Matrix([[1, 0], [0, -1]]),
)


def axis_index(name, what="axis"):
    """Index 0, 1, 2 of an axis given as ``"x"``, ``"y"``, ``"z"`` (or 0, 1, 2).

    Plain bookkeeping of the components a, i of Eqs. (8a)-(8c), (19), (20).

    Parameters
    ----------
    name : {"x", "y", "z", 0, 1, 2}
    what : str, optional
        Name of the index in the error message.

    Returns
    -------
    int

    Raises
    ------
    SymgravError
        Anything else.
    """
    if isinstance(name, int) and not isinstance(name, bool) and 0 <= name < 3:
        return name
    if isinstance(name, str) and name in AXES:
        return AXES.index(name)
    raise SymgravError(f"{what} must be one of 'x', 'y', 'z'; got {name!r}")


class Model:
    """A Bloch Hamiltonian H(p) with its momenta, hbar and spin operators.

    Parameters
    ----------
    H : sympy.Matrix or nested list
        N x N Hermitian matrix in the momentum symbols and free parameters
        (the H(p) of Eq. 22 and of Sec. II of the paper).  String entries are
        data: read by :func:`symgrav.symbolic.parsing.parse_expression` (as in a
        model file, never ``sympify``), with names resolved to the momenta,
        hbar and the symbols of the other entries; new names are real symbols.
    momenta : sequence of sympy.Symbol
        One, two or three momentum symbols; axis x, y, z in that order.
    hbar : sympy.Symbol, number or str, optional
        Reduced Planck constant appearing in Eqs. (8b), (8c) and (24).  A
        string is a symbol name (a positive symbol) or a number such as ``"1/2"``.
    spin : sequence of three N x N Hermitian matrices, optional
        The operators s_x, s_y, s_z of Eqs. (8b), (8c).  Default (hbar/2)
        sigma for N = 2; required for any other N.  Any Hermitian matrices
        (sublattice, orbital operators, ...), momentum-dependent ones
        included (a spin current {v_j, s_a}/2, see :meth:`spin_current`;
        for ``lattice=True`` they must be 2 pi-periodic like H).  String
        entries as for ``H``.
    operator : sequence of three N x N Hermitian matrices, optional
        Alias of ``spin`` (a clearer name for a general operator); give one
        of the two.
    lattice : bool, optional
        True declares a 2 pi-periodic Bloch Hamiltonian integrated over
        [-pi, pi)^d (lattice constant 1, hbar = 1 in the measure).
    name : str, optional
        A label used in output files and derivation sheets.
    parameters : dict, optional
        Default numeric values of the free parameters (as in a model file).

    Raises
    ------
    SymgravError
        Non-square or non-Hermitian H, spin of the wrong shape or not
        Hermitian (for real parameters and momenta), momenta that are not
        symbols, N != 2 without spin, both ``spin`` and ``operator`` given.
    """

    def __init__(self, H, momenta, hbar=1, spin=None, lattice=False, name=None,
                 parameters=None, *, operator=None):
        spin = spin_or_operator(spin, operator)
        if isinstance(momenta, (sp.Symbol, str)):
            momenta = (momenta,)
        try:
            momenta = tuple(momenta)
        except TypeError:
            raise SymgravError(f"momenta must be a sequence of symbols; got "
                               f"{type(momenta).__name__}") from None
        if not 1 <= len(momenta) <= 3:
            raise SymgravError(f"give 1, 2 or 3 momentum symbols; got {len(momenta)}")
        for p in momenta:
            if not isinstance(p, sp.Symbol):
                raise SymgravError(
                    f"momenta must be sympy Symbols; got {p!r} of type {type(p).__name__}")
        # strings are data: every string (H entries, hbar, spin) is read by the
        # model-file parser with the symbols of the SymPy parts, never sympify'd
        table = symbol_table(momenta, hbar, H, spin)
        hbar = as_hbar(hbar, table)
        if isinstance(hbar, sp.Symbol):
            table.setdefault(hbar.name, hbar)
        H = as_matrix(H, table, "H")
        if H.rows != H.cols:
            raise SymgravError(f"H must be square; got a {H.rows}x{H.cols} matrix")
        if H.rows < 1:
            raise SymgravError("H is empty")
        if len(set(momenta)) != len(momenta):
            raise SymgravError(f"momentum symbols repeat: {momenta}")
        for entry in H:
            if entry.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                raise SymgravError(f"H contains a non-finite entry: {entry}")
        for entry in H:
            if entry.has(sp.core.function.AppliedUndef):
                raise SymgravError(f"H contains an undefined function: {entry}")
        if any(isinstance(e, sp.MatrixBase) for e in H):
            raise SymgravError("H entries must be scalars")
        check_matrix(H, "H")  # bounded work: expansion size, exp arguments

        self.N = H.rows
        self.H = H
        self.momenta = momenta
        self.hbar = hbar
        self.lattice = bool(lattice)
        self.name = name or "model"
        self.dim = len(momenta)

        if spin is None:
            if self.N != 2:
                raise SymgravError(
                    f"H is {self.N}x{self.N}: give the three spin matrices "
                    "(default (hbar/2) sigma exists only for 2x2 models)")
            spin = tuple(hbar / 2 * s for s in PAULI)
        else:
            if isinstance(spin, (str, bytes)) or not hasattr(spin, "__len__"):
                raise SymgravError(f"spin must be three matrices (s_x, s_y, s_z); got "
                                   f"{type(spin).__name__}")
            spin = tuple(spin)
            if len(spin) != 3:
                raise SymgravError(f"spin must be three matrices (s_x, s_y, s_z); got {len(spin)}")
            spin = tuple(as_matrix(s, table, f"spin[{k}]") for k, s in enumerate(spin))
            for k, s in enumerate(spin):
                if s.shape != H.shape:
                    raise SymgravError(
                        f"spin matrix s_{AXES[k]} has shape {s.shape}, H has shape {H.shape}")
                check_matrix(s, f"spin[{k}]")
        self.spin = spin

        # Real copies of every free symbol, for Hermiticity and the algebra.
        free = set(H.free_symbols) | {hbar} - {sp.Integer(1)}
        for s in spin:
            free |= s.free_symbols
        free |= set(momenta)
        free = {s for s in free if isinstance(s, sp.Symbol)}
        self._to_real = {}
        for s in free:
            if s.is_real:
                continue
            self._to_real[s] = sp.Symbol(s.name, real=True)
        self._to_user = {v: k for k, v in self._to_real.items()}
        names = [s.name for s in free]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise SymgravError(f"two different symbols share the name(s) {sorted(dup)}")

        self._H = H.xreplace(self._to_real)
        self._spin = tuple(s.xreplace(self._to_real) for s in spin)
        self._momenta = tuple(self._to_real.get(p, p) for p in momenta)
        self._hbar = hbar.xreplace(self._to_real)
        real_free = {self._to_real.get(s, s) for s in free}

        self.parameters = tuple(sorted((s for s in free if s not in momenta),
                                       key=lambda s: s.name))
        self.defaults = {}
        if parameters:
            by_name = {s.name: s for s in self.parameters}
            for key, value in dict(parameters).items():
                name = key.name if isinstance(key, sp.Symbol) else str(key)
                if name not in by_name:
                    raise SymgravError(
                        f"default given for unknown parameter {name!r}; "
                        f"parameters are {sorted(by_name)}")
                if isinstance(value, (bool, complex)) or type(value).__name__ == "bool_":
                    raise SymgravError(f"default of parameter {name!r} must be a real number; "
                                       f"got {value!r}")
                self.defaults[name] = value
        self._check_hermitian(real_free)

    def _check_hermitian(self, real_free):
        """H and the spin matrices Hermitian for every real value (see :mod:`.hermiticity`)."""
        by_name = {s.name: s for s in real_free}
        defaults = {}
        for name, value in self.defaults.items():
            try:
                number = as_expression(value, {}, name)
            except SymgravError:
                continue  # not a number: refused where the values are used
            if number.is_number and number.is_real:
                defaults[by_name[name]] = number
        found = nonzero_entry(self._H - self._H.H, real_free, defaults, "H")
        if found:
            r, c, point = found
            at = ", ".join(f"{k} = {v:.6g}" for k, v in point.items())
            raise SymgravError(f"H is not Hermitian for real parameters and momenta: "
                               f"H[{r}][{c}] != conjugate(H[{c}][{r}]) at {at or 'every point'}")
        for k, s in enumerate(self._spin):
            found = nonzero_entry(s - s.H, real_free, defaults, f"spin s_{AXES[k]}")
            if found:
                raise SymgravError(f"spin matrix s_{AXES[k]} is not Hermitian "
                                   f"(entry [{found[0]}][{found[1]}])")

    # -- symbol bookkeeping -------------------------------------------------
    def to_user(self, expr):
        """Map an expression in internal real symbols back to the user's symbols.

        Plain symbol bookkeeping; implements no equation of the paper.

        Parameters
        ----------
        expr : sympy.Expr, a number, or a string (read as data by the model-file parser)

        Returns
        -------
        sympy.Expr
        """
        return self._expr_arg(expr, self._all_symbols).xreplace(self._to_user)

    def to_internal(self, expr):
        """Map an expression in the user's symbols to the internal real symbols.

        Plain symbol bookkeeping; implements no equation of the paper.

        Parameters
        ----------
        expr : sympy.Expr, a number, or a string (read as data by the model-file parser)

        Returns
        -------
        sympy.Expr
        """
        user = {self._to_user.get(s, s) for s in self._all_symbols}
        return self._expr_arg(expr, user).xreplace(self._to_real)

    @staticmethod
    def _expr_arg(expr, symbols):
        if isinstance(expr, sp.Basic):
            return expr
        return as_expression(expr, symbol_table(sorted(symbols, key=lambda s: s.name)), "expr")

    def symbol(self, name_or_symbol):
        """The model's internal (real) symbol for a name or a user symbol.

        Plain symbol bookkeeping; implements no equation of the paper.

        Parameters
        ----------
        name_or_symbol : str or sympy.Symbol

        Returns
        -------
        sympy.Symbol
            An element of :attr:`symbols_real`.

        Raises
        ------
        SymgravError
            The model has no such symbol.
        """
        if isinstance(name_or_symbol, sp.Symbol):
            sym = self._to_real.get(name_or_symbol, name_or_symbol)
            if sym in self._all_symbols:
                return sym
            name = name_or_symbol.name
        else:
            name = str(name_or_symbol)
        for s in self._all_symbols:
            if s.name == name:
                return s
        raise SymgravError(
            f"unknown symbol {name!r}; the model has {sorted(x.name for x in self._all_symbols)}")

    @cached_property
    def _all_symbols(self):
        syms = set(self._H.free_symbols) | set(self._momenta)
        if isinstance(self._hbar, sp.Symbol):
            syms.add(self._hbar)
        for s in self._spin:
            syms |= s.free_symbols
        return frozenset(syms)

    # -- the internal real-symbol versions (read-only) ---------------------
    @property
    def H_real(self):
        """H in the internal real symbols (sympy.Matrix), as Eqs. (8b), (8c), (24a,b) use it."""
        return self._H

    @property
    def momenta_real(self):
        """Tuple of the internal real momentum symbols, axis x, y, z (plain bookkeeping)."""
        return self._momenta

    @property
    def spin_real(self):
        """Tuple (s_x, s_y, s_z) of the spin matrices of Eqs. (8b), (8c) in internal symbols."""
        return self._spin

    @property
    def hbar_real(self):
        """hbar of Eqs. (8b), (8c), (24a,b) in internal symbols (a number or a real symbol)."""
        return self._hbar

    @property
    def symbols_real(self):
        """Frozenset of the internal real symbols of H, momenta, hbar, spin (plain bookkeeping)."""
        return self._all_symbols

    def momentum(self, axis):
        """Internal momentum symbol of axis ``"x"``, ``"y"`` or ``"z"``.

        Plain symbol bookkeeping: the p_i of the velocity v^i = dH/dp_i in
        Eqs. (8b), (8c).

        Parameters
        ----------
        axis : {"x", "y", "z", 0, 1, 2}

        Returns
        -------
        sympy.Symbol
            An element of :attr:`momenta_real`.

        Raises
        ------
        SymgravError
            The axis does not exist in the model.
        """
        k = axis_index(axis, "momentum axis i")
        if k >= self.dim:
            raise SymgravError(
                f"momentum axis {AXES[k]!r} does not exist in a {self.dim}D model "
                f"(momenta {[p.name for p in self.momenta]})")
        return self._momenta[k]

    def spin_current(self, j):
        """The spin-current operators {v_j, s_a}/2, a = x, y, z, as SymPy matrices.

        v_j = dH/dp_j is the velocity of Eqs. (8b), (8c) (the paper's
        v^i = d_{p_i} H; for ``lattice=True`` the momenta are wave vectors
        with hbar = 1).  The conventional spin current of the paper's
        Sec. V; as operators of Eqs. (8b), (8c) (``Model(H, momenta,
        operator=model.spin_current("x"))``) they give the band geometry of
        a spin-current response, the paper's closing remark that the response
        of any quantity to a temperature gradient is corrected by its
        multipole.

        Parameters
        ----------
        j : {"x", "y", "z", 0, 1, 2}
            Direction of the velocity; must exist in the model.

        Returns
        -------
        tuple of three sympy.Matrix
            {v_j, s_x}/2, {v_j, s_y}/2, {v_j, s_z}/2 in the user's symbols
            (Hermitian when H and s_a are).

        Raises
        ------
        SymgravError
            The axis does not exist in the model.
        """
        v = self._H.diff(self.momentum(j))
        return tuple(((v * s + s * v) / 2).applyfunc(sp.expand).xreplace(self._to_user)
                     for s in self._spin)

    def _repr_latex_(self):
        return "$\\displaystyle " + SymgravLatexPrinter().doprint(self) + "$"

    def __repr__(self):
        return (f"Model(name={self.name!r}, N={self.N}, momenta={[p.name for p in self.momenta]}, "
                f"hbar={self.hbar}, lattice={self.lattice})")
