"""Closed-form band geometry: Eqs. (8b), (8c) and (24a,b) of the paper.

Two-band models H = d0 + d.sigma are handled for any spin operators by the
gauge-invariant identity (P_n the band projector, s_n = -1, +1 for the lower
and upper band, A = a0 + a.sigma, B = b0 + b.sigma)

    Im tr(P_n A P_m B) = s_n  d.(a x b) / |d|,

which gives

    Omega_{an}^i = -s_n hbar   d.(d_i d x c_a) / (2 Delta^3)      (8b)
    m_{an}^i     =      hbar   d.(d_i d x c_a) / (2 Delta^2)      (8c)
    Omega_{n;l1 l2} = -s_n hbar^2 d.(d_1 d x d_2 d) / (2 Delta^3) (24a)
    m_{n;l1 l2}     =      hbar^2 d.(d_1 d x d_2 d) / (2 Delta^2) (24b)

with Delta = |d| and c_a the Pauli vector of s_a.  Larger models are
decomposed into decoupled blocks of size one or two: a band pairs only with the
other band of its own 2x2 block, because the momentum and parameter
derivatives of a block-diagonal H are block diagonal, so tr(P_n A P_m B)
vanishes for bands of different blocks whatever the spin operator couples (no
eigenvector phase enters anywhere).  A coupled 4x4 H = eps + d.Gamma with
anticommuting Gamma matrices (two Kramers pairs) is handled through its
projectors, each band carrying half its pair's sum (:mod:`symgrav.symbolic.dirac`).
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import sympy as sp

from ..errors import SymgravError, SymgravWarning
from .budget import time_limited
from .dirac import dirac_form
from .model import AXES, PAULI, Model, axis_index
from .results import BandResult


def pauli_vector(mat):
    """Coefficients (c0, (cx, cy, cz)) of a 2x2 matrix in 1 and sigma.

    The decomposition H = d0 + d.sigma behind the closed forms of
    Eqs. (8b), (8c), (24a), (24b) (module docstring).

    Parameters
    ----------
    mat : sympy.Matrix
        A 2x2 matrix.

    Returns
    -------
    c0 : sympy.Expr
    c : tuple of sympy.Expr
        ``(cx, cy, cz)``, expanded.
    """
    c0 = sp.expand((mat[0, 0] + mat[1, 1]) / 2)
    cs = tuple(sp.expand((mat * s).trace() / 2) for s in PAULI)
    return c0, cs


def _tidy(expr):
    """Compact form: factor rational expressions, light clean-up otherwise."""
    expr = sp.expand(expr)
    if expr == 0:
        return sp.Integer(0)
    if expr.is_rational_function():
        return sp.factor(expr)
    return sp.trigsimp(sp.factor_terms(expr))


def _triple(d, a, b):
    """d . (a x b) for 3-vectors."""
    return (d[0] * (a[1] * b[2] - a[2] * b[1])
            + d[1] * (a[2] * b[0] - a[0] * b[2])
            + d[2] * (a[0] * b[1] - a[1] * b[0]))


class _Block:
    """One decoupled block of H (size 1 or 2): its band energies and Pauli vector."""

    def __init__(self, indices, H):
        self.indices = tuple(indices)
        sub = H.extract(list(indices), list(indices))
        if len(indices) == 1:
            self.energies = (sp.simplify(sub[0, 0]),)
            self.d0, self.d, self.delta2 = sub[0, 0], None, None
        else:
            d0, d = pauli_vector(sub)
            self.d0, self.d = d0, tuple(_tidy(c) for c in d)
            self.delta2 = _tidy(sum(c ** 2 for c in self.d))
            delta = sp.sqrt(self.delta2)
            self.energies = (sp.expand(d0) - delta, sp.expand(d0) + delta)


def _blocks(H):
    """Connected components of the non-zero pattern of H (union-find)."""
    n = H.rows
    parent = list(range(n))

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for r in range(n):
        for c in range(r + 1, n):
            if sp.simplify(H[r, c]) != 0:
                parent[find(r)] = find(c)
    groups = {}
    for k in range(n):
        groups.setdefault(find(k), []).append(k)
    return [sorted(g) for g in sorted(groups.values(), key=min)]


class _Structure:
    """Band energies and block membership of a model (cached per model)."""

    def __init__(self, model: Model):
        H = model.H_real
        self.model = model
        self.dirac = None
        if model.N == 2:
            self.blocks = [_Block((0, 1), H)]
        else:
            groups = _blocks(H)
            big = [g for g in groups if len(g) > 2]
            self.dirac = dirac_form(H) if big and model.N == 4 else None
            if self.dirac is not None:
                self.blocks, self.bands = [], list(range(4))
                return
            if big:
                raise SymgravError(
                    f"no closed form: H has a coupled block of size {len(big[0])} "
                    f"(rows {big[0]}); closed forms exist for two-band models, for "
                    "models that split into decoupled 1x1 and 2x2 blocks and for Dirac-type "
                    "4x4 models (H - tr H/4 squaring to a multiple of 1). Evaluate the "
                    "sums over states numerically instead (symgrav.numeric_geometry, "
                    "symgrav.Susceptibilities)")
            self.blocks = [_Block(g, H) for g in groups]
        bands = []  # (block, local index)
        for blk in self.blocks:
            for k in range(len(blk.indices)):
                bands.append((blk, k))
        self.bands = self._sort(bands)

    def _sort(self, bands):
        if len(self.blocks) == 1:
            return bands
        energies = [blk.energies[k] for blk, k in bands]
        order = list(range(len(bands)))
        ok = True
        # insertion sort with provable comparisons only
        for x in range(1, len(order)):
            y = x
            while y > 0:
                diff = sp.simplify(energies[order[y - 1]] - energies[order[y]])
                if diff.is_positive:
                    order[y - 1], order[y] = order[y], order[y - 1]
                    y -= 1
                elif diff.is_nonpositive:
                    break
                else:
                    ok = False
                    break
        if not ok:
            warnings.warn(
                "band energies of different blocks cannot be ordered symbolically "
                "(they may cross); bands are listed block by block, each block in "
                "ascending energy. symgrav.bands(model) lists them in the same order.",
                SymgravWarning, stacklevel=4)
            return bands
        return [bands[k] for k in order]

    def energy(self, n):
        if self.dirac is not None:
            return self.dirac.energies[n]
        blk, k = self.bands[n]
        return blk.energies[k]


@lru_cache(maxsize=64)
@time_limited("the closed-form bands of H (SymPy simplification)")
def _structure(model):
    return _Structure(model)


def _delta_symbol(model):
    names = {s.name for s in model.symbols_real}
    name = "Delta"
    while name in names:
        name += "_0"
    return sp.Symbol(name, positive=True)


def _pair_terms(model, A, B, power_omega, power_m, prefactor_omega, prefactor_m):
    """Sum over states for general operators A, B (Eqs. 8b-c and 24a-b).

    Returns per band (Omega-like, m-like, compact Omega, compact m, defs).
    """
    st = _structure(model)
    nb = len(st.bands)
    delta_sym = _delta_symbol(model)
    if st.dirac is not None:
        # Kramers pairs: half the pair sums through the projectors (symgrav.symbolic.dirac)
        om_c, m_c = st.dirac.pair_terms(A, B, power_omega, power_m, prefactor_omega,
                                        prefactor_m, delta_sym)
        defs = {delta_sym: sp.sqrt(st.dirac.delta2)}
        return ([e.xreplace(defs) for e in om_c], [e.xreplace(defs) for e in m_c], om_c, m_c,
                defs)
    if len(st.blocks) == 1 and model.N == 2:
        blk = st.blocks[0]
        _, a = pauli_vector(A)
        _, b = pauli_vector(B)
        t = _tidy(_triple(blk.d, a, b))
        om_c, m_c, om, mm = [], [], [], []
        for n, sign in enumerate((-1, 1)):
            om_c.append(-sign * prefactor_omega * t / (2 * delta_sym ** 3))
            m_c.append(prefactor_m * t / (2 * delta_sym ** 2))
        defs = {delta_sym: sp.sqrt(blk.delta2)}
        om = [e.xreplace(defs) for e in om_c]
        mm = [e.xreplace(defs) for e in m_c]
        return om, mm, om_c, m_c, defs

    # Bands of different blocks do not contribute: A (a momentum or parameter derivative
    # of the block-diagonal H) is block diagonal, so tr(P_n A P_m B) = 0 for n, m in
    # different blocks, whatever B couples.
    om, mm = [], []
    for n in range(nb):
        tot_o, tot_m = sp.Integer(0), sp.Integer(0)
        blk_n, local = st.bands[n]
        if len(blk_n.indices) == 2:
            # the partner in the 2x2 block: closed form through the Pauli vectors
            idx = list(blk_n.indices)
            _, a = pauli_vector(A.extract(idx, idx))
            _, b = pauli_vector(B.extract(idx, idx))
            sign = -1 if local == 0 else 1
            t = _triple(blk_n.d, a, b)
            im = sign * t / sp.sqrt(blk_n.delta2)
            gap = 2 * sign * sp.sqrt(blk_n.delta2)
            tot_o += -2 * prefactor_omega * im / gap ** power_omega
            tot_m += prefactor_m * im / gap ** power_m
        om.append(_tidy_sum(tot_o))
        mm.append(_tidy_sum(tot_m))
    return om, mm, om, mm, {}


def _tidy_sum(expr):
    if expr == 0:
        return sp.Integer(0)
    out = sp.simplify(expr)
    return out


def _check_model(model):
    if not isinstance(model, Model):
        raise SymgravError(f"expected a symgrav.Model; got {type(model).__name__}")


@lru_cache(maxsize=512)
@time_limited("the closed-form spin geometry of H (SymPy simplification)")
def _spin_geometry(model, a, i):
    _check_model(model)
    ka = axis_index(a, "spin component a")
    p = model.momentum(i)
    v = model.H_real.diff(p)
    s = model.spin_real[ka]
    hb = model.hbar_real
    # Eq. (8b): Omega = i hbar sum <n|v|m><m|s|n>/(e_n-e_m)^2 + c.c. = -2 hbar sum Im(..)/gap^2
    # Eq. (8c): m = -(i hbar/2) sum <n|v|m><m|s|n>/(e_n-e_m) + c.c. = hbar sum Im(..)/gap
    return _pair_terms(model, v, s, 2, 1, hb, hb)


def closed_form_band_data(model, a, i):
    """Closed-form band energies, Eq. (8b) and Eq. (8c) of every band, in internal symbols.

    The symbolic input of the numeric layer: the same expressions as
    :func:`bands`, :func:`spin_berry_curvature` and
    :func:`spin_magnetic_moment`, but in the model's internal real symbols
    (:attr:`Model.momenta_real`, :attr:`Model.H_real`, ...) and without the
    compact forms.

    Parameters
    ----------
    model : Model
    a : {"x", "y", "z"} or {0, 1, 2}
        Spin component.
    i : {"x", "y", "z"} or {0, 1, 2}
        Momentum (velocity) component; must exist in the model.

    Returns
    -------
    energies, omega, moment : tuple of sympy.Expr
        One entry per band in ascending energy (block by block, with a
        :class:`~symgrav.errors.SymgravWarning`, when the order of bands of
        different blocks cannot be established): the band energies
        epsilon_n, the spin-velocity Berry curvature Omega_{an}^i of
        Eq. (8b) and the spin magnetic moment m_{an}^i of Eq. (8c).

    Raises
    ------
    SymgravError
        No closed form (a coupled block of H larger than 2x2, or degenerate
        bands coupled by the operators), a Dirac-type 4x4 model (closed
        forms only as Kramers-pair sums, see :mod:`symgrav.symbolic.dirac`;
        the numeric layer evaluates the sums over states), or a bad component.
    """
    _check_model(model)
    ka, ki = AXES[axis_index(a, "spin component a")], AXES[axis_index(i, "momentum axis i")]
    st = _structure(model)
    if st.dirac is not None:
        raise SymgravError("a Dirac-type 4x4 model has its closed forms summed over Kramers "
                           "pairs (symgrav.spin_berry_curvature); the numeric layer uses the "
                           "sums over states")
    omega, moment, _, _, _ = _spin_geometry(model, ka, ki)
    energies = tuple(st.energy(n) for n in range(len(st.bands)))
    return energies, tuple(omega), tuple(moment)


def _labels(model):
    return ("-", "+") if model.N == 2 else None


def spin_berry_curvature(model, a, i):
    """Spin-velocity Berry curvature Omega_{an}^i of every band, Eq. (8b).

    Parameters
    ----------
    model : Model
    a : {"x", "y", "z"}
        Spin component.
    i : {"x", "y", "z"}
        Momentum (velocity) component; must exist in the model.

    Returns
    -------
    BandResult
        Tuple of SymPy expressions, one per band in ascending energy (for two
        bands: lower ``epsilon_-``, upper ``epsilon_+``).  Gauge invariant, in the
        user's symbols.

    See Also
    --------
    spin_magnetic_moment : Eq. (8c).
    berry_curvature : Eq. (24a) in any parameter space.
    """
    _check_model(model)
    ka, ki = AXES[axis_index(a, "spin component a")], AXES[axis_index(i, "momentum axis i")]
    om, _, om_c, _, defs = _spin_geometry(model, ka, ki)
    return BandResult([model.to_user(e) for e in om], quantity="Omega", a=ka, i=ki,
                      compact=[model.to_user(e) for e in om_c],
                      definitions={k: model.to_user(v) for k, v in defs.items()},
                      labels=_labels(model), equation="8b")


def spin_magnetic_moment(model, a, i):
    """Spin magnetic moment m_{an}^i of every band, Eq. (8c).

    Parameters
    ----------
    model : Model
    a : {"x", "y", "z"}
        Spin component.
    i : {"x", "y", "z"}
        Momentum (velocity) component.

    Returns
    -------
    BandResult
        Tuple of SymPy expressions, one per band in ascending energy.

    See Also
    --------
    spin_berry_curvature : Eq. (8b).
    """
    _check_model(model)
    ka, ki = AXES[axis_index(a, "spin component a")], AXES[axis_index(i, "momentum axis i")]
    _, mm, _, m_c, defs = _spin_geometry(model, ka, ki)
    return BandResult([model.to_user(e) for e in mm], quantity="m", a=ka, i=ki,
                      compact=[model.to_user(e) for e in m_c],
                      definitions={k: model.to_user(v) for k, v in defs.items()},
                      labels=_labels(model), equation="8c")


def bands(model):
    """Band energies epsilon_n(p) in ascending order (for two bands ``d0 -+ |d|``).

    Parameters
    ----------
    model : Model

    Returns
    -------
    BandResult
        Tuple of SymPy expressions, one per band; for two bands the compact
        form uses ``Delta = |d|`` as below Eq. (22) of the paper.
    """
    _check_model(model)
    st = _structure(model)
    values = [model.to_user(st.energy(n)) for n in range(len(st.bands))]
    compact, defs = values, {}
    if model.N == 2:
        blk = st.blocks[0]
        dsym = _delta_symbol(model)
        defs = {dsym: model.to_user(sp.sqrt(blk.delta2))}
        d0 = model.to_user(blk.d0)
        compact = [d0 - dsym, d0 + dsym]
    return BandResult(values, quantity="energy", compact=compact, definitions=defs,
                      labels=_labels(model), equation="22")


def _param_symbol(model, lam):
    if isinstance(lam, str) and lam in AXES:
        return model.momentum(lam)
    return model.symbol(lam)


@lru_cache(maxsize=512)
@time_limited("the closed-form parameter geometry of H (SymPy simplification)")
def _param_geometry(model, l1, l2):
    _check_model(model)
    s1, s2 = _param_symbol(model, l1), _param_symbol(model, l2)
    A, B = model.H_real.diff(s1), model.H_real.diff(s2)
    hb2 = model.hbar_real ** 2
    # Eq. (24a): Omega = i hbar^2 <d1 u|d2 u> + c.c. = -2 hbar^2 sum Im(<n|A|m><m|B|n>)/gap^2
    # Eq. (24b): m = hbar^2 sum Im(<n|A|m><m|B|n>)/gap
    return _pair_terms(model, A, B, 2, 1, hb2, hb2), (s1, s2)


def berry_curvature(model, lambda1, lambda2):
    """Berry curvature Omega_{n;l1 l2} in any parameter space, Eq. (24a).

    Parameters
    ----------
    model : Model
    lambda1, lambda2 : str or sympy.Symbol
        Momentum axes ("x", "y", "z"), momentum symbols or any parameter
        symbol of the model (for example a Zeeman field added to H).

    Returns
    -------
    BandResult
        One SymPy expression per band.  (p_x, p_y) gives the Berry curvature
        of the Hall conductivity, Eq. (25).
    """
    _check_model(model)
    (om, _, om_c, _, defs), syms = _param_geometry(model, lambda1, lambda2)
    return BandResult([model.to_user(e) for e in om], quantity="Omega_param",
                      lambdas=tuple(model.to_user(s) for s in syms),
                      compact=[model.to_user(e) for e in om_c],
                      definitions={k: model.to_user(v) for k, v in defs.items()},
                      labels=_labels(model), equation="24a")


def magnetic_moment(model, lambda1, lambda2):
    """Magnetic moment m_{n;l1 l2} in any parameter space, Eq. (24b).

    Parameters
    ----------
    model : Model
    lambda1, lambda2 : str or sympy.Symbol
        As in :func:`berry_curvature`.

    Returns
    -------
    BandResult
        One SymPy expression per band.
    """
    _check_model(model)
    (_, mm, _, m_c, defs), syms = _param_geometry(model, lambda1, lambda2)
    return BandResult([model.to_user(e) for e in mm], quantity="m_param",
                      lambdas=tuple(model.to_user(s) for s in syms),
                      compact=[model.to_user(e) for e in m_c],
                      definitions={k: model.to_user(v) for k, v in defs.items()},
                      labels=_labels(model), equation="24b")
