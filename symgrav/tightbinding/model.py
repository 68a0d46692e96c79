"""Tight-binding models from numeric hoppings: H(k) = sum_R e^{i k.R} H(R) (docs/conventions.md).

A :class:`TightBinding` holds the hopping matrices H(R), H_mn(R) = <m,0|H|n,R>
(Wannier90's convention), on integer lattice vectors R, the lattice vectors
(rows; default the identity, lattice constant 1, so that results equal those
of the same SymPy ``lattice=True`` model), the dimension and the three
operator matrices s_a of Eqs. (8b), (8c) (spin by default).  Numbers are kept
exactly as given: decimal strings and ints become exact fractions, a float is
the binary number it is; the engine rounds them once at its working precision.
H(-R) must equal H(R)^dagger (Hermiticity of H(k)).

The engine (:mod:`symgrav.numeric.tb_bands`) evaluates H(k), its momentum
derivatives sum_R i R e^{i k.R} H(R) and the sums over states of Eqs. (8b),
(8c) in any number type.  Readers: :func:`symgrav.tightbinding.wannier90.read`
(``seedname_hr.dat``, ``seedname_tb.dat``), :meth:`TightBinding.from_arrays`,
:meth:`TightBinding.from_model` (a SymPy lattice model).
"""

from __future__ import annotations

import numbers
from fractions import Fraction

import numpy as np
import sympy as sp

from ..display import html_table
from ..errors import SymgravError
from ..symbolic.model import Model
from ..symbolic.userinput import spin_or_operator

#: relative tolerance of the Hermiticity check H(-R) = H(R)^dagger
HERMITICITY_TOLERANCE = 1e-9


def exact(value, what="number"):
    """A real number as an exact Fraction (decimal strings and ints exactly, floats as binary).

    Plain bookkeeping; no equation.
    """
    if isinstance(value, bool):
        raise SymgravError(f"{what}: {value!r} is not a number")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise SymgravError(f"{what}: {value!r} is not a decimal number") from None
    if isinstance(value, sp.Basic) and value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, (float, np.floating)) and np.isfinite(value):
        return Fraction(float(value))
    if isinstance(value, numbers.Real) and not isinstance(value, (sp.Basic, float, np.floating)):
        return exact(float(value), what)      # e.g. an mpmath mpf (an infinite float ends below)
    raise SymgravError(f"{what}: {value!r} is not a finite real number")


def exact_complex(value, what="hopping"):
    """(real, imag) Fractions of a number (complex, real, a (re, im) pair or a SymPy number)."""
    if isinstance(value, tuple) and len(value) == 2:
        return exact(value[0], what), exact(value[1], what)
    if isinstance(value, (complex, np.complexfloating)):
        return exact(value.real, what), exact(value.imag, what)
    if isinstance(value, sp.Basic):
        re, im = value.as_real_imag()
        if not (re.is_Rational and im.is_Rational):
            raise SymgravError(f"{what}: {value} is not an exact number (use rationals)")
        return exact(re, what), exact(im, what)
    return exact(value, what), Fraction(0)


def _mul(x, y):
    """Product of two exact complex numbers given as (re, im) Fractions."""
    return (x[0] * y[0] - x[1] * y[1], x[0] * y[1] + x[1] * y[0])


def _matmul(A, B):
    """Product of two matrices of (re, im) Fractions."""
    n = len(A)
    out = []
    for i in range(n):
        row = []
        for k in range(n):
            re = im = Fraction(0)
            for m in range(n):
                a, b = _mul(A[i][m], B[m][k])
                re, im = re + a, im + b
            row.append((re, im))
        out.append(row)
    return out


def _fourier_series(model, M, what, user):
    """R -> matrix of exact coefficients c_R of M(k) = sum_R c_R e^{i k.R} (M a SymPy matrix).

    ``user`` is the matrix in the user's symbols, for the error message.
    """
    ks = list(model.momenta_real)
    zs = sp.symbols(f"z0:{len(ks)}", positive=True)
    to_z = {k: -sp.I * sp.log(z) for k, z in zip(ks, zs)}  # e^{i k_j} = z_j
    terms = {}
    for m in range(model.N):
        for n in range(model.N):
            e = sp.expand(M[m, n].rewrite(sp.exp).xreplace(to_z), power_exp=True)
            e = sp.expand(sp.powsimp(sp.expand_log(e, force=True)))
            for term in sp.Add.make_args(e):
                powers = term.as_powers_dict()
                R = tuple(powers.get(z, 0) for z in zs)
                coeff = sp.simplify(term / sp.Mul(*[z ** r for z, r in zip(zs, R)]))
                if coeff.free_symbols or not all(sp.Integer(r) == r for r in R) or \
                        not coeff.is_number:
                    raise SymgravError(f"{what}[{m},{n}] = {user[m, n]} is not a finite Fourier "
                                       "sum over integer lattice vectors with numeric "
                                       "coefficients")
                R = tuple(int(r) for r in R)
                terms.setdefault(R, [[0] * model.N for _ in range(model.N)])
                terms[R][m][n] += coeff
    return terms


def spin_operators(n_orbitals_times_2, layout):
    """The three spin matrices s_a = (1/2) sigma_a of spinful Wannier functions (hbar = 1).

    Parameters
    ----------
    n_orbitals_times_2 : int
        The number of Wannier functions (even).
    layout : {"interlaced", "block"}
        ``"interlaced"``: (orb1 up, orb1 down, orb2 up, ...); ``"block"``: all up, then all down.

    Returns
    -------
    list of three complex numpy arrays (exact halves)
    """
    N = int(n_orbitals_times_2)
    if N % 2:
        raise SymgravError(f"a spin layout needs an even number of Wannier functions; got {N}")
    sig = [np.array([[0, 1], [1, 0]], dtype=complex), np.array([[0, -1j], [1j, 0]]),
           np.array([[1, 0], [0, -1]], dtype=complex)]
    eye = np.eye(N // 2)
    if layout == "interlaced":
        return [np.kron(eye, s) / 2 for s in sig]
    if layout == "block":
        return [np.kron(s, eye) / 2 for s in sig]
    raise SymgravError(f"spin must be 'interlaced', 'block' or three matrices; got {layout!r}")


class TightBinding:
    """A tight-binding Bloch Hamiltonian H(k) = sum_R e^{i k.R} H(R) with its operators.

    Parameters
    ----------
    hoppings : mapping
        Integer lattice vector R (tuple of ``dim`` ints; longer tuples must be
        zero beyond ``dim``) -> N x N matrix of numbers (see :func:`exact_complex`).
    dim : int, optional
        1, 2 or 3 (default: the length of the R tuples, reduced to the highest
        axis on which some R is nonzero).
    lattice : sequence of ``dim`` vectors, optional
        Lattice vectors as rows (Cartesian, the model's length unit); default
        the identity (lattice constant 1).
    spin : "interlaced", "block" or three entries, optional
        The operators s_a of Eqs. (8b), (8c); default (1/2) sigma for N = 2.
        Each entry is an N x N matrix (a constant operator) or a mapping
        R -> N x N matrix, the Fourier series s_a(k) = sum_R e^{i k.R} s_a(R)
        of a momentum-dependent one (a spin current, :meth:`spin_current`);
        any Hermitian operator, not only spin.
    operator : as ``spin``, optional
        Alias of ``spin`` (a clearer name for a general operator); give one
        of the two.
    name : str, optional

    Raises
    ------
    SymgravError
        Bad shapes, non-integer R, non-Hermitian H(k) (H(-R) != H(R)^dagger),
        operators not Hermitian, nonzero R components beyond ``dim``, both
        ``spin`` and ``operator`` given.
    """

    #: a lattice model (like a SymPy Model with lattice=True)
    lattice = True
    #: no free parameters (the hoppings are numbers): the workflows' parameter handling
    #: (defaults merged with overrides) sees an empty set
    parameters = ()

    @property
    def defaults(self):
        """Default parameter values: none (a fresh empty dict)."""
        return {}

    @property
    def momentum_names(self):
        """Names of the reduced momenta kappa_j = k . a_j (``k1``, ``k2``, ``k3``)."""
        return [f"k{j + 1}" for j in range(self.dim)]

    def __init__(self, hoppings, *, dim=None, lattice=None, spin=None, name="tight-binding",
                 operator=None):
        spin = spin_or_operator(spin, operator)
        if not hasattr(hoppings, "items") or not len(hoppings):
            raise SymgravError("hoppings must be a non-empty mapping R -> matrix")
        rows = {}
        N = None
        width = None
        for R, H in hoppings.items():
            try:
                Rt = tuple(int(r) for r in R)
            except (TypeError, ValueError):
                raise SymgravError(f"lattice vector {R!r} is not a tuple of integers") from None
            if any(int(r) != r for r in R):
                raise SymgravError(f"lattice vector {R!r} is not a tuple of integers")
            width = len(Rt) if width is None else width
            if len(Rt) != width or not 1 <= width <= 3:
                raise SymgravError(f"lattice vectors must all have 1, 2 or 3 components; got {R!r}")
            M = [list(row) for row in np.asarray(H, dtype=object).tolist()] \
                if not isinstance(H, (list, tuple)) else [list(row) for row in H]
            if N is None:
                N = len(M)
            if len(M) != N or any(len(row) != N for row in M) or N < 1:
                raise SymgravError(f"hopping matrix at R = {Rt} is not {N}x{N}")
            rows[Rt] = [[exact_complex(x, f"hopping at R = {Rt}") for x in row] for row in M]
        used = max([k + 1 for R in rows for k, r in enumerate(R) if r] + [1])
        self.dim = int(dim) if dim is not None else used
        if not 1 <= self.dim <= 3:
            raise SymgravError(f"dim must be 1, 2 or 3; got {dim!r}")
        if used > self.dim:
            raise SymgravError(f"lattice vectors have nonzero components beyond dim = {self.dim}")
        self.hoppings = {}
        for R, M in rows.items():
            key = R[:self.dim] + (0,) * max(0, self.dim - len(R))
            if key in self.hoppings:
                raise SymgravError(f"lattice vector {key} appears twice")
            self.hoppings[key] = M
        self.N = N
        self._check_hermitian()
        self.lattice_vectors = self._lattice(lattice)
        self.spin = self._spin(spin)
        self.name = name
        self.hbar = 1

    # -- construction helpers -------------------------------------------------
    def _check_hermitian(self, mats=None, what="H"):
        """M(-R) = M(R)^dagger for the hoppings (or an operator's) within the tolerance."""
        mats = self.hoppings if mats is None else mats
        scale = max(abs(complex(float(a), float(b))) for M in mats.values()
                    for row in M for a, b in row) or 1.0
        for R, M in mats.items():
            partner = mats.get(tuple(-r for r in R))
            if partner is None:
                raise SymgravError(f"{what}({tuple(-r for r in R)}) is missing: {what}(-R) = "
                                   f"{what}(R)^dagger is needed for a Hermitian {what}(k) "
                                   f"(R = {R})")
            for m in range(self.N):
                for n in range(self.N):
                    a, b = M[m][n]
                    c, d = partner[n][m]
                    if abs(complex(float(a - c), float(b + d))) > HERMITICITY_TOLERANCE * scale:
                        raise SymgravError(
                            f"{what}(k) is not Hermitian: {what}({tuple(-r for r in R)})[{n},{m}] "
                            f"is not the conjugate of {what}({R})[{m},{n}]")

    def _lattice(self, lattice):
        d = self.dim
        if lattice is None:
            return [[Fraction(int(i == j)) for j in range(d)] for i in range(d)]
        rows = [list(r) for r in lattice]
        if len(rows) < d or any(len(r) < d for r in rows[:d]):
            raise SymgravError(f"lattice must give {d} vectors of {d} components")
        out = [[exact(x, "lattice vector component") for x in r[:d]] for r in rows[:d]]
        if abs(np.linalg.det(np.array([[float(x) for x in r] for r in out]))) < 1e-12:
            raise SymgravError("the lattice vectors are linearly dependent")
        return out

    def _spin(self, spin):
        """Operators s_a: a layout name or three entries, each a matrix or a mapping R -> matrix.

        Sets ``self.operators`` (three dicts R -> exact matrix; a constant
        matrix sits on R = 0) and returns the constant matrices (None for a
        momentum-dependent component).
        """
        N = self.N
        if spin is None:
            if N != 2:
                raise SymgravError(f"H(R) is {N}x{N}: give spin ('interlaced', 'block' or three "
                                   "matrices); the default (1/2) sigma exists only for 2x2")
            spin = "interlaced"
        if isinstance(spin, str):
            mats = spin_operators(N, spin)
        else:
            mats = list(spin)
            if len(mats) != 3:
                raise SymgravError(f"spin must be three matrices (s_x, s_y, s_z); got {len(mats)}")
        zero = (0,) * self.dim
        self.operators, out = [], []
        for k, S in enumerate(mats):
            what = f"s_{'xyz'[k]}"
            terms = dict(S.items()) if hasattr(S, "items") else {zero: S}
            ops = {}
            for R, M in terms.items():
                try:
                    Rt = tuple(int(r) for r in R)
                except (TypeError, ValueError):
                    raise SymgravError(f"{what}: lattice vector {R!r} is not a tuple of "
                                       "integers") from None
                if len(Rt) != self.dim:
                    raise SymgravError(f"{what}: lattice vector {R!r} must have {self.dim} "
                                       "components")
                rows = [list(r) for r in M] if isinstance(M, (list, tuple)) else \
                    np.asarray(M, dtype=object).tolist()
                if len(rows) != N or any(len(r) != N for r in rows):
                    raise SymgravError(f"spin matrix {k} is not {N}x{N} like H(R)")
                ops[Rt] = [[exact_complex(x, f"spin matrix {k}") for x in row] for row in rows]
            self._check_hermitian(ops, what)
            self.operators.append(ops)
            out.append(ops[zero] if set(ops) == {zero} else None)
        return out

    def spin_current(self, j):
        """The spin-current operators {v_j, s_a}/2 (a = x, y, z) as hoppings, exactly.

        v_j = dH/dk_j = sum_R i R_j e^{i k.R} H(R) (Cartesian R_j = sum_l n_l A_lj);
        the result is a new :class:`TightBinding` with the same hoppings whose
        operators of Eqs. (8b), (8c) are the spin currents (the paper's closing
        remark: any operator, here a momentum-dependent one).

        Parameters
        ----------
        j : {"x", "y", "z"}
            Direction of the velocity (within the model's dimension).
        """
        axis = "xyz".index(j) if j in ("x", "y", "z") else -1
        if not 0 <= axis < self.dim:
            raise SymgravError(f"spin_current: axis {j!r} does not exist in a {self.dim}D model")
        if any(s is None for s in self.spin):
            raise SymgravError("spin_current needs momentum-independent spin matrices")
        ops = []
        for S in self.spin:
            terms = {}
            for R, H in self.hoppings.items():
                Rj = sum(R[l] * self.lattice_vectors[l][axis] for l in range(self.dim))
                if Rj == 0:
                    continue
                V = [[_mul((Fraction(0), Rj), h) for h in row] for row in H]     # i R_j H(R)
                VS, SV = _matmul(V, S), _matmul(S, V)
                terms[R] = [[((a + c) / 2, (b + d) / 2) for (a, b), (c, d) in zip(r1, r2)]
                            for r1, r2 in zip(VS, SV)]
            ops.append(terms or {(0,) * self.dim: [[(Fraction(0), Fraction(0))] * self.N
                                                   for _ in range(self.N)]})
        return TightBinding(self.hoppings, dim=self.dim, lattice=self.lattice_vectors,
                            spin=ops, name=f"{self.name} spin current {j}")

    # -- views ----------------------------------------------------------------------
    @property
    def vectors(self):
        """The lattice vectors R (list of int tuples, sorted)."""
        return sorted(self.hoppings)

    def matrices(self):
        """(R array (nR, dim) of ints, H array (nR, N, N) complex128) in double precision."""
        Rs = self.vectors
        H = np.array([[[complex(float(a), float(b)) for a, b in row] for row in self.hoppings[R]]
                      for R in Rs])
        return np.array(Rs, dtype=int).reshape(len(Rs), self.dim), H

    def cell_volume(self):
        """|det A| of the lattice vectors (the Cartesian zone's measure is 1/|det A| of [-pi, pi)^d)."""
        return abs(sp.Matrix([[sp.Rational(x.numerator, x.denominator) for x in r]
                              for r in self.lattice_vectors]).det())

    def _repr_html_(self):
        """The model in a notebook: size, dimension, lattice vectors and hoppings per R."""
        rows = [[str(R), str(sum(1 for row in self.hoppings[R] for a, b in row if a or b))]
                for R in self.vectors]
        lattice = "; ".join("(" + ", ".join(str(x) for x in r) + ")"
                            for r in self.lattice_vectors)
        caption = (f"TightBinding {self.name}: {self.N} orbitals, {self.dim}D, "
                   f"{len(self.hoppings)} lattice vectors R")
        return html_table(("R", "nonzero entries of H(R)"), rows, caption,
                          notes=[f"lattice vectors (rows): {lattice}",
                                 "H(k) = sum_R exp(i k.R) H(R) (Wannier90's convention)"],
                          max_rows=40)

    def __repr__(self):
        return (f"TightBinding(name={self.name!r}, N={self.N}, dim={self.dim}, "
                f"{len(self.hoppings)} lattice vectors)")

    # -- constructors -----------------------------------------------------------------
    @classmethod
    def from_arrays(cls, R, H, *, dim=None, lattice=None, spin=None, name="tight-binding",
                    operator=None):
        """From arrays: R (nR x d integers) and H (nR x N x N numbers), H_mn(R) = <m,0|H|n,R>.

        Plain bookkeeping (the Fourier series of H(k) below Eq. 25 of docs/conventions.md).
        ``spin`` (or its alias ``operator``) as for :class:`TightBinding`: the
        operators s_a of Eqs. (8b), (8c).
        """
        R = np.asarray(R)
        if R.ndim != 2 or len(R) != len(H):
            raise SymgravError("R must be an (nR, d) array with one row per hopping matrix")
        return cls({tuple(int(x) for x in r): h for r, h in zip(R, H)}, dim=dim,
                   lattice=lattice, spin=spin_or_operator(spin, operator), name=name)

    @classmethod
    def from_model(cls, model, params=None, name=None):
        """The hoppings of a SymPy ``lattice=True`` :class:`~symgrav.Model` (exact Fourier terms).

        Every entry of H(k) and of the operators s_a(k) must be a finite sum of
        c_R e^{i k.R} with integer R (sines and cosines of integer combinations
        of the momenta), with rational coefficients once the parameters are
        substituted.  A momentum-dependent operator (a spin current, say)
        becomes the Fourier series of :class:`TightBinding`'s operators.

        Parameters
        ----------
        model : Model
        params : dict, optional
            Values (exact: ints, decimal strings, SymPy rationals) for the
            model's parameters; default its defaults.
        """
        if not isinstance(model, Model) or not model.lattice:
            raise SymgravError("from_model needs a SymPy Model with lattice=True")
        values = dict(model.defaults)
        values.update({getattr(k, "name", str(k)): v for k, v in (params or {}).items()})
        subs = {}
        for s in model.parameters:
            if s.name not in values:
                raise SymgravError(f"no value given for parameter {s.name!r}")
            subs[model.symbol(s.name)] = sp.Rational(str(exact(values[s.name], s.name)))
        H = _fourier_series(model, model.H_real.xreplace(subs), "H", model.H)
        spin = [_fourier_series(model, S.xreplace(subs), f"s_{'xyz'[k]}", S_user)
                for k, (S, S_user) in enumerate(zip(model.spin_real, model.spin))]
        return cls(H, dim=model.dim, spin=spin, name=name or model.name)
