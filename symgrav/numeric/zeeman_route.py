"""Zero-temperature spin MQM of an insulator from Zeeman-field derivatives, Eqs. (11c), (13).

An independent route to the spin magnetic quadrupole moment: instead of the
spin-velocity Berry curvature and spin magnetic moment of Eqs. (8b), (8c)
(sums over states, :mod:`symgrav.numeric.banddata`), the Bloch states are
differentiated numerically.  With the Zeeman-perturbed Hamiltonian

    H(p, B) = H(p) - B s_a                (natural units, g mu_B / hbar = 1)

Eq. (11c) of the paper reads, for an insulator at zero temperature,

    M_a^i = -(i hbar / 2) sum_occ int <d_{p_i} u_n | (eps_n + H - 2 mu) | d_{B^a} u_n> + c.c.
          =  hbar sum_occ int Im <d_{p_i} u_n | (eps_n + H - 2 mu) | d_{B^a} u_n>,

which by Eq. (C5c) equals Eq. (13) and hence the thermodynamic formula
(8a) at T = 0.  Nothing here uses :mod:`symgrav.geometry` or the Omega / m
of :func:`symgrav.numeric.banddata.numeric_geometry`: it is a check of
Eq. (13) = Eq. (8a).

The derivatives are central differences of eigenvectors computed at a raised
working precision w (closed form for 2x2 Hamiltonians, ``mp.eigh``
otherwise) with the step h = 10^(-w/3), so that the truncation error h^2
and the rounding error 10^-w / h are both 10^(-2w/3); each perturbed
eigenvector is brought to the gauge whose overlap with the unperturbed one is
real and positive (parallel transport), which makes it a smooth function of
the perturbation.  The imaginary part above is gauge invariant, so no other
gauge fixing is needed.  The Brillouin zone [-pi, pi)^d is integrated with
the (exponentially convergent) periodic trapezoid rule.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import sympy as sp

from ..errors import SymgravError
from ..symbolic.model import Model, axis_index
from .arith import Mpf
from .banddata import parameter_values
from .rules import periodic_trapezoid

#: central stencil for f'(0): (offset in units of h, weight times 2 h)
STENCIL = ((-1, -1), (1, 1))
#: occupied bands closer than this many finite-difference steps count as degenerate
_DEGENERATE = 1000


def _working_dps(dps):
    # central differences: error h^2 + 10^-w / h; h = 10^(-w/3) gives 10^(-2w/3) <= 10^-(dps+5)
    return (3 * (dps + 5)) // 2 + 3


class _ZeemanBands:
    """Eigenvectors of H(k) - B s_a at working precision, with band-count checks.

    Matrices are flat row-major lists of N*N mpc, vectors lists of N mpc.
    """

    def __init__(self, model, params, a, i, mu, dps):
        self.model = model
        self.dim = model.dim
        self.N = model.N
        self.ia = axis_index(a, "spin component a")
        self.ii = axis_index(i, "momentum axis i")
        model.momentum(i)  # raises for an axis the model does not have
        self.wdps = _working_dps(dps)
        self.values = parameter_values(model, params, self.wdps)
        names = sorted(self.values)
        args = list(model.momenta_real) + [model.symbol(n) for n in names]
        self.pvals = [self.values[n] for n in names]
        self._H = sp.lambdify(args, list(model.H_real), modules="mpmath", cse=True, dummify=True)
        self._S = sp.lambdify(args, list(model.spin_real[self.ia]), modules="mpmath", cse=True, dummify=True)
        self._np = sp.lambdify(args, model.H_real, modules="numpy", dummify=True)
        hb = model.hbar_real
        with mp.workdps(self.wdps):
            self.hbar = self.values[hb.name] if isinstance(hb, sp.Symbol) else \
                mp.mpf(str(sp.N(hb, self.wdps + 5)))
            self.mu = mp.mpf(mu)
            self.h = mp.mpf(10) ** (-(self.wdps // 3))
            zero = [mp.mpf(0)] * self.dim
            self.spin = [mp.mpc(x) for x in self._S(*zero, *self.pvals)]
        # a momentum-dependent operator (a spin current) couples as -B s_a(k) at each k
        self.spin_varies = any(p in model.spin_real[self.ia].free_symbols
                               for p in model.momenta_real)
        self.nocc = None

    def spin_at(self, k):
        """The operator s_a at momentum k (flat list of N*N mpc)."""
        if not self.spin_varies:
            return self.spin
        return [mp.mpc(x) for x in self._S(*k, *self.pvals)]

    def prescan(self):
        """Double-precision scan of the Brillouin zone: is mu inside a gap?"""
        npts = {1: 512, 2: 48, 3: 16}[self.dim]
        grid = np.linspace(-np.pi, np.pi, npts, endpoint=False) + np.pi / (3 * npts)
        mesh = np.meshgrid(*([grid] * self.dim), indexing="ij")
        pv = [float(v) for v in self.pvals]
        mu = float(self.mu)
        counts = set()
        for idx in np.ndindex(*mesh[0].shape):
            H = np.array(np.asarray(self._np(*[m[idx] for m in mesh], *pv), dtype=complex))
            counts.add(int(np.sum(np.linalg.eigvalsh(H) < mu)))
        if len(counts) != 1 or 0 in counts:
            raise SymgravError(
                f"mu = {mp.nstr(self.mu, 10)} is not inside a band gap (bands cross it, or "
                "no band lies below it): Eqs. (11c), (13) hold only for insulators at T = 0")
        self.nocc = counts.pop()

    def hamiltonian(self, k):
        return [mp.mpc(x) for x in self._H(*k, *self.pvals)]

    def states(self, H, B, k):
        """Occupied (energies, eigenvectors) of H - B s_a, checking the gap."""
        if B:
            H = [x - B * y for x, y in zip(H, self.spin_at(k))]
        nocc = self.nocc
        E, U = _eigh2(H, nocc) if self.N == 2 else _eigh(H, self.N, nocc)
        in_gap = E[nocc - 1] < self.mu and (nocc == len(E) or self.mu < E[nocc])
        if not in_gap:
            raise SymgravError(
                f"mu = {mp.nstr(self.mu, 10)} is not in the gap at k = "
                f"{[mp.nstr(c, 6) for c in k]}: Eq. (13) needs an insulator")
        # the step B = 2h must be a small perturbation of every occupied band
        scale = (1 + max(abs(e) for e in E)) * _DEGENERATE * self.h
        for n in range(nocc - 1):
            if E[n + 1] - E[n] < scale:
                raise SymgravError(
                    f"occupied bands {n} and {n + 1} are degenerate at k = "
                    f"{[mp.nstr(c, 6) for c in k]}: the band-by-band parallel transport "
                    "of the Zeeman route is not defined there")
        return E[:nocc], U


def _eigh2(H, nocc):
    """Closed-form eigenpairs of a 2x2 Hermitian matrix [[a, b], [b*, d]], ascending.

    Only the first ``nocc`` eigenvectors are returned.
    """
    a, d = mp.re(H[0]), mp.re(H[3])
    br, bi = mp.re(H[1]), mp.im(H[1])
    b2 = br * br + bi * bi
    half = (a - d) / 2
    r = mp.sqrt(half * half + b2)
    E = [(a + d) / 2 - r, (a + d) / 2 + r]
    U = []
    for lam in E[:nocc]:
        x, y = lam - a, lam - d
        if x * x >= y * y:  # v = (b, lam - a)
            nv = mp.sqrt(b2 + x * x)
            U.append([mp.mpc(br / nv, bi / nv), mp.mpc(x / nv)])
        else:  # v = (lam - d, b*)
            nv = mp.sqrt(b2 + y * y)
            U.append([mp.mpc(y / nv), mp.mpc(br / nv, -bi / nv)])
    return E, U


def _eigh(H, N, nocc):
    """Eigenpairs of an N x N Hermitian matrix (flat list) with mp.eigh, ascending.

    Only the first ``nocc`` eigenvectors are returned.
    """
    E, Q = mp.eigh(mp.matrix([H[r * N:(r + 1) * N] for r in range(N)]))
    order = sorted(range(N), key=lambda n: E[n])
    return [E[n] for n in order], [[mp.mpc(Q[r, n]) for r in range(N)] for n in order[:nocc]]


def _dot(x, y):
    """<x|y>."""
    return sum((mp.conj(p) * q for p, q in zip(x, y)), mp.mpc(0))


def _aligned(ref, vec):
    """``vec`` times the phase that makes <ref|vec> real and positive (parallel transport)."""
    ov = _dot(ref, vec)
    size = abs(ov)
    if size < mp.mpf(1) / 2:
        raise SymgravError("eigenvector changed too much under the finite-difference step "
                           "(band crossing or degeneracy)")
    ph = mp.conj(ov) / size
    return [x * ph for x in vec]


def _integrand(zb, k, h):
    """hbar sum_occ Im <d_{p_i} u_n|(eps_n + H - 2 mu)|d_{B^a} u_n> at momentum k."""
    H0 = zb.hamiltonian(k)
    E0, U0 = zb.states(H0, 0, k)
    N, nocc = zb.N, len(E0)
    dk = [[mp.mpc(0)] * N for _ in range(nocc)]
    dB = [[mp.mpc(0)] * N for _ in range(nocc)]
    for off, w in STENCIL:
        kk = list(k)
        kk[zb.ii] += off * h
        _, Uk = zb.states(zb.hamiltonian(kk), 0, kk)
        _, UB = zb.states(H0, off * h, k)
        for n in range(nocc):
            vk, vB = _aligned(U0[n], Uk[n]), _aligned(U0[n], UB[n])
            dk[n] = [x + w * y for x, y in zip(dk[n], vk)]
            dB[n] = [x + w * y for x, y in zip(dB[n], vB)]
    total = mp.mpf(0)
    for n in range(nocc):
        shift = E0[n] - 2 * zb.mu
        op_dB = [sum((H0[r * N + c] * dB[n][c] for c in range(N)), shift * dB[n][r])
                 for r in range(N)]
        total += mp.im(_dot(dk[n], op_dB))
    return [zb.hbar * total / (2 * h) ** 2]


def mqm_zero_T_insulator(model, params, mu, a="x", i="x", dps=30):
    """Spin MQM M_a^i of a lattice insulator at T = 0 from Eq. (11c) = Eq. (13).

    The Bloch states of H(k) - B s_a are differentiated numerically in the
    momentum k_i and the Zeeman field B^a (central differences,
    parallel-transport gauge), and

        M_a^i = hbar sum_occ int_BZ d^d k/(2 pi)^d Im <d_{k_i} u_n|(eps_n + H - 2 mu)|d_{B^a} u_n>

    is integrated over [-pi, pi)^d with the periodic trapezoid rule.  No Berry
    curvature or spin magnetic moment (Eqs. 8b, 8c) is used: comparing with
    ``Susceptibilities.mqm(mu, 0)`` (Eq. 8a) tests Eq. (13) = Eq. (8a).

    Parameters
    ----------
    model : Model
        A lattice model (``model.lattice`` true).
    params : dict or None
        A value for every free parameter; None means ``model.defaults``.
    mu : number or str
        Chemical potential, inside a band gap everywhere in the Brillouin zone.
    a, i : {"x", "y", "z"}
        Spin component and momentum axis.
    dps : int
        Decimal digits wanted (>= 15).  The eigenvectors are computed with
        w = 1.5 (dps + 5) + 3 digits and the finite-difference step is
        h = 10^(-w/3), so the finite-difference error 10^(-2w/3) lies below
        10^-(dps+5); the trapezoid rule is converged to 10^-(dps+3).

    Returns
    -------
    mpf
        M_a^i in the natural units of docs/conventions.md, rounded to ``dps`` digits.

    Raises
    ------
    SymgravError
        Continuum model, mu not in a gap (metal, or no occupied band),
        degenerate occupied bands (the band-by-band parallel transport needs
        nondegenerate occupied bands), bad parameters or axes.

    Notes
    -----
    Sign convention: -(i hbar/2)(X - X*) = hbar Im X for X = <d_p u|...|d_B u>,
    with H(B) = H - B s_a; this reproduces Eq. (8a) numerically, including
    its sign, for the built-in ``lattice_insulator`` model.  A
    momentum-dependent operator s_a(k) enters as H(k) - B s_a(k): the B
    derivative is taken at fixed k, so Eq. (11c) is again a sum over states
    of the matrix elements of v and s_a at k, equal to Eq. (13).
    """
    if not isinstance(model, Model):
        raise SymgravError(f"expected a symgrav.Model; got {type(model).__name__}")
    if not model.lattice:
        raise SymgravError(
            f"model {model.name!r} is not a lattice model: the Zeeman route integrates "
            "over the Brillouin zone and is only implemented for lattice insulators")
    if not isinstance(dps, int) or dps < 15:
        raise SymgravError(f"dps must be an integer >= 15; got {dps!r}")
    if params is None:
        params = model.defaults
    try:
        with mp.workdps(_working_dps(dps)):  # never round a precise mu to 15 digits
            mu_val = mp.mpf(mu)
    except (TypeError, ValueError):
        raise SymgravError(f"mu = {mu!r} is not a real number") from None
    if not mp.isfinite(mu_val):
        raise SymgravError(f"mu = {mu!r} is not finite")
    zb = _ZeemanBands(model, params, a, i, mu_val, dps)
    zb.prescan()
    with mp.workdps(zb.wdps):
        h = zb.h
        eps = mp.mpf(10) ** (-(dps + 3))
        d = model.dim

        B = Mpf(mp.mp.prec)

        def trapezoid(fun):
            """The periodic trapezoid rule of a scalar function of one momentum."""
            def values(ks):
                vals = np.array([[fun(k) for k in ks]], dtype=object)
                return vals, np.abs(vals)
            return periodic_trapezoid(values, 1, eps, B)[0][0]

        if d == 1:
            val = trapezoid(lambda kx: _integrand(zb, (kx,), h)[0])
        elif d == 2:
            val = trapezoid(lambda ky: trapezoid(lambda kx: _integrand(zb, (kx, ky), h)[0]))
        else:
            val = trapezoid(lambda kz: trapezoid(lambda ky: trapezoid(
                lambda kx: _integrand(zb, (kx, ky, kz), h)[0])))
        val = val / (2 * mp.pi) ** d
    with mp.workdps(dps):
        return +val
