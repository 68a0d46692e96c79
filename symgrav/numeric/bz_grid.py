"""The product trapezoid rule over the Brillouin zone, for many chemical potentials at once.

For a lattice model at T > 0 every integrand of Eqs. (8a), (19a), (19b),
(20), (B7a) is analytic and periodic in each reduced momentum, so the
product trapezoid rule on an n^d grid converges exponentially, like
exp(-n a) with a the distance of the nearest complex singularity.  The
occupations put it at a ~ pi T / |d eps / d kappa| (the Matsubara poles), so a
metal needs n of order |v| / T nodes per direction before the error falls,
and no grid converges at T = 0 unless no band comes near mu.

:class:`GridScan` doubles n (the old nodes are reused: every level computes
only the new points) and accepts a level by the stopping rule
:func:`grid_converged` (three levels, geometric rate), never before n reaches
``thermal_nodes`` (below it the differences between levels mean nothing).
The band data of a point (the expensive part: one diagonalization) serve
every mu of the scan, and the points go in chunks through a ``mapper`` so
that any ``concurrent.futures`` executor can compute them
(:func:`symgrav.workflows.bz_scan.bz_scan`); memory stays at one batch of
chunks, whatever n.

With declared symmetries (integer matrices M acting on the reduced momenta,
checked by :func:`symgrav.numeric.symmetry.check_symmetries`) every level
computes one point per orbit of its new points, weighted by the orbit size
(:func:`symgrav.numeric.symmetry.orbit_representatives`): the same sums with
about 1/|G| of the diagonalizations.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np

from ..errors import PrecisionError, SymgravError
from .occupations import Occupations
from .rules import DOUBLE_DIGITS, NOISE_UNITS, cancellation_bits
from .symmetry import check_symmetries, orbit_representatives, symmetry_group

__all__ = ["GridScan", "chunk_sums", "grid_converged", "point_integrands", "thermal_nodes"]

#: points per chunk times the squared number of bands (a chunk's matrices stay ~100 MB)
CHUNK_BUDGET = 2 ** 21
#: grid indices whose orbits are found at once (the group's images: 8 |G| bytes each)
ORBIT_BLOCK = 2 ** 15
#: points of the coarse scan that estimates the band velocities (per dimension)
SCAN_NODES = {1: 256, 2: 64, 3: 16}


def thermal_nodes(bands, mus, T, n_scan=None):
    """Nodes per direction below which the trapezoid rule cannot resolve the occupations.

    2 v / T rounded up to a power of two, with v the largest
    |d eps_n / d kappa_j| of the bands that come within 40 T of the
    chemical potentials on a coarse grid (0 when none does: an insulator).

    Parameters
    ----------
    bands : BandData or TightBindingBands
    mus : sequence of float
    T : float
        Temperature (> 0).

    Returns
    -------
    int
    """
    d = bands.dim
    n = n_scan or SCAN_NODES.get(d, 16)
    axes = -np.pi + 2 * np.pi * np.arange(n) / n
    mesh = np.meshgrid(*([axes] * d), indexing="ij")
    eps, grads = bands.energies([m.ravel() for m in mesh])
    eps = np.reshape(eps, (eps.shape[0], -1))
    grads = np.reshape(grads, (grads.shape[0], d, -1))
    lo, hi = min(mus) - 40 * T, max(mus) + 40 * T
    near = (eps >= lo) & (eps <= hi)
    if not np.any(near):
        return 16
    v = float(np.max(np.abs(grads), axis=1)[near].max())
    return 2 ** max(4, math.ceil(math.log2(max(1.0, 2 * v / T))))


def point_integrands(bands, weights, statistics, backend, K, mus, T):
    """Every quantity's integrand at each of the points K, for every mu.

    The band data (Omega_n of Eq. 8b, m_n of Eq. 8c, eps_n) are computed once
    and weighted for each mu with the weights of the quantities (Eqs. 8a,
    19a, 19b, 20, B7a and user ones): sum_n (Omega_n w_Omega + m_n w_m).

    Parameters
    ----------
    bands : BandData or TightBindingBands
    weights : WeightSet
    statistics : {"fermi", "bose"}
    backend : Backend
    K : sequence of ``dim`` arrays
        Reduced momenta, one array per dimension.
    mus : sequence of backend scalars
    T : backend scalar

    Returns
    -------
    values, sizes : backend arrays of shape (len(mus) * nq, P)
        Ordered mu-major (all quantities of the first mu first); sizes are
        sum_n of the magnitudes (:meth:`WeightSet.integrand`).
    """
    B = backend
    eps, _, om, mm, *term_sizes = bands.evaluate(B, K, sizes=True)
    term_sizes = None if term_sizes[0] is None else term_sizes
    vals, sizes = [], []
    for mu in mus:
        xi = eps - mu
        v, s = weights.integrand(om, mm, xi, T, Occupations(B, statistics, xi, T), term_sizes,
                                 energies=eps)
        vals.append(v)
        sizes.append(s)
    return np.concatenate(vals), np.concatenate(sizes)


def chunk_sums(bands, weights, statistics, backend, K, mus, T):
    """Sums over the points K of every quantity's integrand, for every mu.

    :func:`point_integrands` (Eqs. 8a, 19a, 19b, 20, B7a) summed over the
    points, each weighted by its orbit size when K carries weights.

    Parameters
    ----------
    bands, weights, statistics, backend, mus, T
        As in :func:`point_integrands`.
    K : sequence of arrays
        Reduced momenta, one array per dimension, optionally followed by
        integer weights (orbit sizes, :meth:`GridScan.level_chunks`).

    Returns
    -------
    values, sizes : numpy arrays of shape (len(mus) * nq,)
        Ordered mu-major (all quantities of the first mu first).
    """
    w = None
    if len(K) == bands.dim + 1:
        K, w = K[:-1], K[-1]
    v, s = point_integrands(bands, weights, statistics, backend, K, mus, T)
    if w is not None:
        v, s = v * w, s * w
    return np.sum(v, axis=1), np.sum(s, axis=1)


def grid_converged(d, d0, size, eps, floor):
    """Stopping rule of the zone grid for one component (three levels n/4, n/2, n).

    d = |I_n - I_n/2| and d0 = |I_n/2 - I_n/4|.  Like the rule of
    :func:`symgrav.numeric.rules.periodic_trapezoid` (error of the next level
    ~ d (d/d0)^2 at the measured geometric rate), but never from one
    difference alone: in several dimensions a coarse grid can change little
    between two levels long before the rate is geometric.
    """
    if d <= floor:
        return True
    return d0 > 0 and d <= d0 / 8 and 100 * d * (d / d0) ** 2 <= eps * size


class GridScan:
    """Product trapezoid rule with node doubling, every mu of a scan at once.

    Parameters
    ----------
    bands : BandData or TightBindingBands
        A lattice model in 2 or 3 dimensions.
    nq : int
        Number of quantities (the length of each chunk's sums per mu).
    backend : Backend
    eps : float
        Relative tolerance of every component.
    max_points : int
        Most grid points in all (n^d); the scan refuses beyond it.
    group : list of int arrays, optional
        Checked symmetries (:func:`symgrav.numeric.symmetry.symmetry_group`):
        one point per orbit, weighted by the orbit size.

    Attributes
    ----------
    computed : int
        Points whose band data were computed (representatives only).
    """

    def __init__(self, bands, nq, backend, eps, max_points=2 ** 24, group=None):
        if not isinstance(max_points, int) or isinstance(max_points, bool) or max_points < 1:
            raise SymgravError(f"max_points must be a positive integer; got {max_points!r}")
        self.bands, self.nq, self.backend, self.eps = bands, nq, backend, float(eps)
        self.dim = bands.dim
        self.max_nodes = 2 ** int(math.floor(math.log2(max_points) / self.dim + 1e-12))
        self.chunk = max(256, CHUNK_BUDGET // bands.nbands ** 2)
        self.group = group if group is not None and len(group) > 1 else None
        self.computed = 0

    def level_chunks(self, n, first):
        """The reduced momenta of the new points of level n, in chunks (a generator).

        Every point of the first level; afterwards the points with an odd
        index in some direction (the others belong to level n/2).  With a
        group, one point per orbit of those, and the orbit sizes as a last
        array of the chunk (:func:`chunk_sums` weights the points by it).
        """
        d = self.dim
        total = n ** d
        if self.group is None:
            step = self.chunk if first else self.chunk * 2 ** d // (2 ** d - 1)
            for start in range(0, total, step):
                idx = np.array(np.unravel_index(np.arange(start, min(total, start + step)),
                                                (n,) * d))
                if not first:
                    idx = idx[:, np.any(idx % 2 == 1, axis=0)]
                yield self._momenta(idx, n)
            return
        reps, sizes, held = [], [], 0
        for start in range(0, total, ORBIT_BLOCK):
            idx = np.array(np.unravel_index(np.arange(start, min(total, start + ORBIT_BLOCK)),
                                            (n,) * d))
            if not first:
                idx = idx[:, np.any(idx % 2 == 1, axis=0)]
            r, w = orbit_representatives(idx, n, self.group)
            reps.append(r)
            sizes.append(w)
            held += len(w)
            if held >= self.chunk or start + ORBIT_BLOCK >= total:
                if held:
                    yield self._momenta(np.concatenate(reps, axis=1), n) + (
                        np.concatenate(sizes),)
                reps, sizes, held = [], [], 0

    def _momenta(self, idx, n):
        """kappa_j = -pi + 2 pi idx_j / n as backend arrays (a tuple, one per direction)."""
        B = self.backend
        if B.name == "float64":
            return tuple(-np.pi + 2 * np.pi * row / n for row in idx)
        with B.context():
            two_pi = 2 * mp.pi
            return tuple(B.array([-two_pi / 2 + two_pi * int(x) / n for x in row])
                         for row in idx)

    def run(self, compute, ncomp, min_nodes, batch=8, progress=None):
        """Integrate over the zone: the averages times (2 pi)^d, for every component.

        Parameters
        ----------
        compute : callable
            ``compute(list of K chunks) -> list of (values, sizes)`` arrays of
            length ``ncomp`` (:func:`chunk_sums` for every chunk, possibly
            in parallel).
        ncomp : int
        min_nodes : int
            :func:`thermal_nodes`: no level below it is accepted.
        batch : int
            Chunks handed to ``compute`` at once.
        progress : callable, optional
            ``progress(points_done, points_of_level, n)`` after every batch
            (with a group, a point done stands for its orbit; ``computed``
            counts the points computed).

        Returns
        -------
        values, sizes : lists of float / backend scalars

        Raises
        ------
        SymgravError
            ``min_nodes`` exceeds the budget, or no level up to it converged.
        """
        d = self.dim
        if min_nodes > self.max_nodes:
            raise SymgravError(
                f"the Brillouin-zone grid needs at least {min_nodes} nodes per direction at "
                f"this temperature (2 |v| / T) but the budget allows {self.max_nodes} "
                f"({self.max_nodes ** d} points); raise T or max_points")
        n = max(16, min(min_nodes // 4, self.max_nodes))
        sums, mags = np.zeros(ncomp, dtype=object), np.zeros(ncomp, dtype=object)
        noise = NOISE_UNITS * 2.0 ** -self.backend.prec
        tiny = 2.0 ** (-2 * self.backend.prec)
        volume = (2 * math.pi) ** d
        prev = last = None
        first = True
        while True:
            todo = n ** d if first else n ** d - (n // 2) ** d
            done, pending = 0, []
            for K in self.level_chunks(n, first):
                pending.append(K)
                if len(pending) == batch:
                    done = self._add(compute, pending, sums, mags, done, todo, n, progress)
                    pending = []
            if pending:
                self._add(compute, pending, sums, mags, done, todo, n, progress)
            first = False
            cur = [float(x) / n ** d for x in sums]
            size = [abs(float(x)) / n ** d for x in mags]
            if prev is not None:
                diff = [abs(c - p) for c, p in zip(cur, prev)]
                floor = max(tiny, max(size) * noise)
                if n >= min_nodes and last is not None and all(
                        grid_converged(x, x0, sz, self.eps, floor)
                        for x, x0, sz in zip(diff, last, size)):
                    scale = volume / n ** d
                    return [s * scale for s in sums], [m * scale for m in mags]
                last = diff
            prev = cur
            if 2 * n > self.max_nodes:
                raise SymgravError(
                    f"the Brillouin-zone grid did not converge with {n} nodes per direction "
                    f"({n ** d} points, the budget); raise T or max_points")
            n *= 2

    def _add(self, compute, chunks, sums, mags, done, todo, n, progress):
        for v, s in compute(chunks):
            sums += v
            mags += s
        self.computed += sum(len(K[0]) for K in chunks)
        done += sum(len(K[0]) if len(K) == self.dim else int(np.sum(K[-1])) for K in chunks)
        if progress is not None:
            progress(done, todo, n)
        return done


def grid_integrals(engine, qset, mus, T, backend, mapper=None, progress=None, max_points=2 ** 24,
                   rtol=None, symmetries=None):
    """Every quantity of ``qset`` at every mu of ``mus`` and one T on the zone grid (mpf lists).

    The route ``bz_grid`` (:class:`symgrav.numeric.routes.BrillouinZoneGrid`)
    and :meth:`symgrav.Susceptibilities.scan` call this.

    Parameters
    ----------
    engine : Susceptibilities
    qset : QuantitySet
    mus : list of mpf
    T : mpf
    backend : Backend
    mapper : callable, optional
        ``mapper(chunks) -> [chunk_sums(...) for each chunk]`` computed anywhere
        (default: here, one after the other).
    progress : callable, optional
        See :meth:`GridScan.run`.
    max_points : int
    rtol : float, optional
        Relative tolerance (default: the engine's).
    symmetries : sequence of integer d x d matrices, optional
        Declared symmetries kappa -> M kappa (det +-1): the group they
        generate is checked against the integrand at the scan's T and its
        lowest, middle and highest mu
        (:func:`symgrav.numeric.symmetry.check_symmetries`), then every level
        computes one point per orbit, weighted by the orbit size.

    Returns
    -------
    list of lists of mpf
        ``out[k][q]``: quantity q at mus[k].

    Raises
    ------
    SymgravError
        Not a lattice model in 2 or 3 dimensions; a Fermi surface at T = 0; the
        grid needs more points than ``max_points``; a declared symmetry that is
        not an integer matrix of det +-1 or does not leave the integrand unchanged.
    """
    bd, B = engine.bands, backend
    if not bd.lattice or bd.dim < 2:
        raise SymgravError("the Brillouin-zone grid needs a lattice model in 2 or 3 dimensions")
    ws = qset.weights(B)
    if T == 0:
        if ws.zero_T_error is not None:
            raise SymgravError(str(ws.zero_T_error))
        metal = [mu for mu in mus if not engine.layout.gapped(mu, T)]
        if metal:
            raise SymgravError(
                f"a Fermi surface at mu = {mp.nstr(metal[0], 10)} and T = 0: the grid converges "
                "only algebraically there (use the Brillouin-zone lines, route bz_lines)")
        min_nodes = 32
    else:
        min_nodes = thermal_nodes(bd, [float(mu) for mu in mus], float(T))
    nq = len(qset.quantities)
    with B.context():
        mus_b, T_b = [B.num(mu) for mu in mus], B.num(T)
    stat = engine.statistics

    def local(chunks):
        with B.context():
            return [chunk_sums(bd, ws, stat, B, K, mus_b, T_b) for K in chunks]

    # the check: the lowest, middle and highest mu of the scan (cheap for a long scan)
    probe_mus = [mus_b[j] for j in sorted({0, len(mus_b) // 2, len(mus_b) - 1})]

    def probe(K):
        with B.context():
            return point_integrands(bd, ws, stat, B, tuple(B.array(k) for k in K), probe_mus,
                                    T_b)
    group = None
    if symmetries is not None:
        group = symmetry_group(symmetries, bd.dim)
        check_symmetries(group, probe, bd.dim, (engine.a, engine.i))
    eps = float(rtol) if rtol is not None else float(engine.tolerance())
    scan = GridScan(bd, nq, B, eps, max_points, group=group)
    vals, sizes = scan.run(mapper or local, len(mus) * nq, min_nodes, progress=progress)
    if B.name == "float64":
        _check_rounding(bd, ws, probe, mus, vals, sizes, nq)
    with B.context():
        meas = B.num(engine.layout.measure)
        return [[B.mpf(v * meas) for v in vals[k * nq:(k + 1) * nq]] for k in range(len(mus))]


def _check_rounding(bd, ws, probe, mus, vals, sizes, nq):
    """Double precision: refuse grid values that nearly degenerate bands make rounding noise.

    The amplification of the band data's rounding (energy / gap of coupled
    bands, :meth:`~symgrav.numeric.weights.WeightSet.integrand`) is measured
    on a 16^d grid here (the scan may have run in other processes); when it
    is present and the rounding it implies, carried by the sizes, exceeds
    1e-13 of the values at some mu, or the values are all within it
    (:func:`~symgrav.numeric.rules.cancellation_bits`), a one-line
    SymgravError (the lines of route bz_lines redo such integrals at higher
    precision; a grid at higher precision is the user's choice).
    """
    k = -np.pi + 2 * np.pi * np.arange(16) / 16
    K = [m.ravel() for m in np.meshgrid(*([k] * bd.dim), indexing="ij")]
    ws.amplification = 1.0
    probe(K)
    amp = ws.amplification
    for j, mu in enumerate(mus):
        sl = slice(j * nq, (j + 1) * nq)
        if cancellation_bits(vals[sl], sizes[sl], 53, DOUBLE_DIGITS, amplified=amp):
            raise PrecisionError(
                f"nearly degenerate bands: double-precision band data are rounded {amp:.3g} "
                f"times beyond the floor, more than the grid values at mu = {mp.nstr(mu, 10)} "
                "can bear; use dps=20 (or more)")
