"""Numpy machinery of :mod:`symgrav.numeric.double`: weights, Fermi points, pieces.

Double-precision, vectorized counterparts of :mod:`symgrav.numeric.statistics`,
:mod:`symgrav.numeric.lines` and :mod:`symgrav.numeric.quadrature` (same
integrands of Eqs. 8a, 19a, 19b, 20, B7a; same splitting at Fermi points).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial.legendre import leggauss

from ..errors import SymgravError

NAMES = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")
NCOMP = 5
_EPS = np.finfo(float).eps
#: thermal window |xi| < WINDOW * T: beyond it f, G, w, xi f' are below 1e-21 (relative)
WINDOW = math.log(10.0) * 21
#: Gauss-Legendre degrees of the rule pair on each piece (value = finer rule)
_GL_LO, _GL_HI = 10, 20
_RTOL = 1e-13          # piece tolerance, relative to the sum of |piece values| of a line
_NOISE = 64 * _EPS     # floor, relative to the sum of |individual band terms|
_MAX_ROUNDS = 60
_MAX_LINES = 2 ** 14   # transverse trapezoid: most lines (per level) before giving up
_CHUNK_POINTS = 2_000_000  # integrand points per vectorized batch


# ----------------------------------------------------------------------------
# band data in numpy
# ----------------------------------------------------------------------------
def fermi_weights_np(xi, T):
    """(f, G, w, xi f') of :func:`symgrav.numeric.statistics.fermi_weights`, vectorized.

    ``T`` is a scalar or an array broadcastable against ``xi``; T = 0 gives
    the step-function limit (f(0) = 1/2).
    """
    xi = np.asarray(xi, dtype=float)
    T = np.asarray(T, dtype=float)
    if np.all(T == 0):
        f = np.where(xi < 0, 1.0, np.where(xi > 0, 0.0, 0.5))
        G = np.where(xi < 0, -xi, 0.0)
        z = np.zeros_like(xi)
        return f, G, z, z
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x = xi / T
        e = np.exp(-np.abs(x))
        inv = 1.0 / (1.0 + e)
        lg = np.log1p(e)
        pos = x >= 0
        f = np.where(pos, e * inv, inv)
        omf = np.where(pos, inv, e * inv)
        G = T * lg + np.where(pos, 0.0, -xi)
        w = T * np.where(pos, x * f + lg, lg - x * omf)
        xfp = -x * f * omf
    if np.any(T == 0):  # mixed: fill T = 0 entries with the step function
        T0 = np.broadcast_to(T == 0, xi.shape)
        f = np.where(T0, np.where(xi < 0, 1.0, np.where(xi > 0, 0.0, 0.5)), f)
        G = np.where(T0, np.where(xi < 0, -xi, 0.0), G)
        w = np.where(T0, 0.0, w)
        xfp = np.where(T0, 0.0, xfp)
    return f, G, w, xfp


def _integrand(ev, K, mu, T, tpow, power):
    """Components (5,P) and magnitudes (5,P) of the integrands at momenta K (d,P).

    ``mu`` (P,) is the chemical potential of each point; the radial Jacobian
    t^power is applied with ``tpow`` = t (P,).
    """
    eps, _, om, mm = ev(K)
    xi = eps - mu[None, :]
    f, G, w, xfp = fermi_weights_np(xi, T)
    of = om * f
    oxf = of * xi
    mf = mm * f
    mxfp = mm * xfp
    oG = om * G
    ow = om * w
    vals = np.stack([of.sum(0), (oxf + mf).sum(0), (mf - oG).sum(0),
                     (oxf + mf + mxfp).sum(0), ow.sum(0)])
    aof, aoxf, amf, amxfp = np.abs(of).sum(0), np.abs(oxf).sum(0), np.abs(mf).sum(0), \
        np.abs(mxfp).sum(0)
    mags = np.stack([aof, aoxf + amf, np.abs(oG).sum(0) + amf, aoxf + amf + amxfp,
                     np.abs(ow).sum(0)])
    if power:
        jac = tpow ** power
        vals = vals * jac
        mags = mags * jac
    return vals, mags


# ----------------------------------------------------------------------------
# geometry of momentum space
# ----------------------------------------------------------------------------
def _radial_extent(ev, lines, mu_max, margin):
    """Common t_hi (a power of two): beyond it every band on every ray lies above mu_max + margin."""
    ks = np.arange(0, 64)
    ts = 2.0 ** ks
    L = len(lines)
    li = np.repeat(np.arange(L), len(ts))
    tt = np.tile(ts, L)
    eps, grads, _, _ = ev(lines.points(li, tt))
    slope = np.einsum("njp,jp->np", grads, lines.directions[li].T)
    eps = eps.reshape(-1, L, len(ts))
    slope = slope.reshape(-1, L, len(ts))
    cond = np.all((eps - mu_max > margin + 1e-12 * abs(mu_max)) & (slope > 0), axis=0)  # (L,K)
    inc = np.ones_like(cond)
    inc[:, :-1] = np.all(np.diff(eps, axis=2) > 0, axis=0)
    ok = cond.copy()
    for s in range(1, 4):
        ok[:, :-s] &= cond[:, s:]
        ok[:, -s:] = False
    ok[:, :-3] &= inc[:, :-3] & inc[:, 1:-2] & inc[:, 2:-1]
    if not np.all(ok.any(axis=1)):
        raise SymgravError(
            "a band does not rise above the chemical potential as |p| grows: the occupied "
            "states are unbounded, so the Fermi-sea integrals diverge")
    first = np.argmax(ok, axis=1)
    return float(ts[first.max()])


# ----------------------------------------------------------------------------
# features of lines: extrema and Fermi points
# ----------------------------------------------------------------------------
def _band_slope(ev, lines, li, t, band):
    eps, grads, _, _ = ev(lines.points(li, t))
    P = len(t)
    cols = np.arange(P)
    e = eps[band, cols]
    g = np.einsum("jp,jp->p", grads[band, :, cols].T, lines.directions[li].T)
    return e, g


def _extrema(ev, lines, ts, slope):
    """Interior band extrema: (line, band, t, energy) arrays, refined by bisection of the slope."""
    L, N, S = slope.shape
    sc = (slope[:, :, :-1] * slope[:, :, 1:]) < 0
    l1, n1, q1 = np.nonzero(sc)
    zero = slope[:, :, 1:-1] == 0
    l2, n2, q2 = np.nonzero(zero)
    a = ts[q1].copy()
    b = ts[q1 + 1].copy()
    sa = slope[l1, n1, q1]
    for _ in range(80):
        if a.size == 0:
            break
        m = 0.5 * (a + b)
        _, sm = _band_slope(ev, lines, l1, m, n1)
        left = (sm == 0) | ((sm < 0) == (sa < 0))
        a = np.where(left, m, a)
        b = np.where(left, b, m)
        sa = np.where(left, sm, sa)
        if np.all(b - a <= 2 * _EPS * np.maximum(1.0, np.abs(a))):
            break
    tref = np.concatenate([0.5 * (a + b), ts[q2 + 1]])
    lines_i = np.concatenate([l1, l2])
    bands_i = np.concatenate([n1, n2])
    if tref.size:
        e, _ = _band_slope(ev, lines, lines_i, tref, bands_i)
    else:
        e = np.zeros(0)
    return lines_i, bands_i, tref, e


def _fermi_points(ev, lines, ts, eps_scan, ext, mus):
    """Fermi points of every band on every line for every mu.

    Returns arrays (line, mu index, t, slope d eps/dt).  Between consecutive
    'ends' (scan points and band extrema) each band is monotone, so a root
    exists there for exactly the mu between the end values.
    """
    L, N, S = eps_scan.shape
    el, en, et, ee = ext
    key_scan = np.repeat(np.arange(L * N), S)
    t_scan = np.tile(ts, L * N)
    e_scan = eps_scan.reshape(-1)
    key = np.concatenate([key_scan, el * N + en])
    t = np.concatenate([t_scan, et])
    e = np.concatenate([e_scan, ee])
    order = np.lexsort((t, key))
    key, t, e = key[order], t[order], e[order]
    same = key[1:] == key[:-1]
    ka, ta, tb, ea, eb = key[:-1][same], t[:-1][same], t[1:][same], e[:-1][same], e[1:][same]
    order_mu = np.argsort(mus, kind="stable")
    smu = mus[order_mu]
    lo, hi = np.minimum(ea, eb), np.maximum(ea, eb)
    i0 = np.searchsorted(smu, lo, side="left")
    i1 = np.searchsorted(smu, hi, side="right")
    cnt = i1 - i0
    tot = int(cnt.sum())
    if tot == 0:
        z = np.zeros(0)
        return z.astype(int), z.astype(int), z, z
    rep = np.repeat(np.arange(len(cnt)), cnt)
    start = np.repeat(np.cumsum(cnt) - cnt, cnt)
    j_sorted = np.repeat(i0, cnt) + (np.arange(tot) - start)
    muj = order_mu[j_sorted]
    mu = mus[muj]
    kk = ka[rep]
    li, band = kk // N, kk % N
    a, b = ta[rep], tb[rep]
    fa, fb = ea[rep] - mu, eb[rep] - mu
    # secant start, then safeguarded Newton
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(fb != fa, (a * fb - b * fa) / (fb - fa), 0.5 * (a + b))
    x = np.where(fa == 0, a, np.where(fb == 0, b, x))
    x = np.clip(x, np.minimum(a, b), np.maximum(a, b))
    done = (fa == 0) | (fb == 0) | (a == b)
    root = x.copy()
    slope = np.zeros_like(x)
    act = np.nonzero(~done)[0]
    for _ in range(100):
        if act.size == 0:
            break
        xa = root[act]
        fx, dx = _band_slope(ev, lines, li[act], xa, band[act])
        fx = fx - mu[act]
        slope[act] = dx
        aa, bb, fa_a = a[act], b[act], fa[act]
        same_side = (fx < 0) == (fa_a < 0)
        aa = np.where(same_side, xa, aa)
        bb = np.where(same_side, bb, xa)
        fa_a = np.where(same_side, fx, fa_a)
        a[act], b[act], fa[act] = aa, bb, fa_a
        with np.errstate(divide="ignore", invalid="ignore"):
            nx = xa - fx / dx
        bad = ~((nx > np.minimum(aa, bb)) & (nx < np.maximum(aa, bb)) & np.isfinite(nx))
        nx = np.where(bad, 0.5 * (aa + bb), nx)
        conv = (fx == 0) | (np.abs(nx - xa) <= 2 * _EPS * (1 + np.abs(nx))) | \
            (np.abs(bb - aa) <= 2 * _EPS * (1 + np.abs(xa)))
        root[act] = np.where(fx == 0, xa, nx)
        act = act[~conv]
    # slopes at the final roots
    _, slope = _band_slope(ev, lines, li, root, band) if root.size else (None, slope)
    return li, muj, root, slope


# ----------------------------------------------------------------------------
# breakpoints and adaptive composite Gauss-Legendre quadrature
# ----------------------------------------------------------------------------
def _breakpoints(lines, lo, hi, mus, T, margin, fermi, ext):
    """Sorted unique (job, t) breakpoints, job = line * M + mu index."""
    L, M = len(lines), len(mus)
    jobs_all = np.arange(L * M)
    J = [jobs_all, jobs_all]
    Ts = [np.repeat(lo, M), np.repeat(hi, M)]
    fl, fj, ft, fv = fermi
    if ft.size:
        J.append(fl * M + fj)
        Ts.append(ft)
        if T > 0:
            length = (hi - lo)[fl]
            with np.errstate(divide="ignore"):
                delta = np.where(fv != 0, T / np.abs(fv), math.sqrt(T))
            nlev = np.clip(np.ceil(np.log2(np.maximum(length / delta, 1.0))), 0, 200).astype(int)
            kmax = int(nlev.max()) if nlev.size else 0
            if kmax > 0:
                steps = delta[:, None] * 2.0 ** np.arange(kmax)[None, :]
                ok = np.arange(kmax)[None, :] < nlev[:, None]
                images = [0.0] if not lines.periodic else [0.0, -2 * math.pi, 2 * math.pi]
                for sh in images:
                    for sgn in (-1.0, 1.0):
                        x = ft[:, None] + sh + sgn * steps
                        keep = ok & (x > lo[fl][:, None]) & (x < hi[fl][:, None])
                        rows = np.nonzero(keep)
                        J.append((fl * M + fj)[rows[0]])
                        Ts.append(x[rows])
    el, en, et, ee = ext
    if T > 0 and et.size:
        order_mu = np.argsort(mus, kind="stable")
        smu = mus[order_mu]
        i0 = np.searchsorted(smu, ee - margin, side="left")
        i1 = np.searchsorted(smu, ee + margin, side="right")
        cnt = i1 - i0
        tot = int(cnt.sum())
        if tot:
            rep = np.repeat(np.arange(len(cnt)), cnt)
            start = np.repeat(np.cumsum(cnt) - cnt, cnt)
            j = order_mu[np.repeat(i0, cnt) + (np.arange(tot) - start)]
            J.append(el[rep] * M + j)
            Ts.append(et[rep])
    job = np.concatenate(J)
    t = np.concatenate(Ts)
    order = np.lexsort((t, job))
    job, t = job[order], t[order]
    keep = np.ones(len(t), bool)
    keep[1:] = (job[1:] != job[:-1]) | (t[1:] != t[:-1])
    return job[keep], t[keep]


_GL_CACHE = {}


def _gl(n):
    if n not in _GL_CACHE:
        _GL_CACHE[n] = leggauss(n)
    return _GL_CACHE[n]


def _integrate_jobs(ev, lines, mus, T, job, a, b, njobs):
    """Integrate every piece (job, a, b) adaptively; returns (njobs, 5) values and magnitudes."""
    M = len(mus)
    xl, wl = _gl(_GL_LO)
    xh, wh = _gl(_GL_HI)
    xs = np.concatenate([xl, xh])
    total = np.zeros((njobs, NCOMP))
    absum = np.zeros((njobs, NCOMP))
    magsum = np.zeros((njobs, NCOMP))
    npts = len(xs)
    for rnd in range(_MAX_ROUNDS):
        if job.size == 0:
            break
        P = job.size
        Q = np.empty((P, NCOMP))
        E = np.empty((P, NCOMP))
        MG = np.empty((P, NCOMP))
        step = max(1, _CHUNK_POINTS // npts)
        for s in range(0, P, step):
            sl = slice(s, s + step)
            jb, aa, bb = job[sl], a[sl], b[sl]
            half = 0.5 * (bb - aa)
            mid = 0.5 * (bb + aa)
            t = (mid[:, None] + half[:, None] * xs[None, :]).ravel()
            li = np.repeat(jb // M, npts)
            mu = mus[np.repeat(jb % M, npts)]
            vals, mags = _integrand(ev, lines.points(li, t), mu, T, t, lines.power)
            vals = vals.reshape(NCOMP, -1, npts)
            mags = mags.reshape(NCOMP, -1, npts)
            ql = (vals[:, :, :_GL_LO] @ wl) * half
            qh = (vals[:, :, _GL_LO:] @ wh) * half
            mg = (mags[:, :, _GL_LO:] @ wh) * np.abs(half)
            Q[sl] = qh.T
            E[sl] = np.abs(qh - ql).T
            MG[sl] = mg.T
        # scales per job from everything known so far
        absj = absum.copy()
        magj = magsum.copy()
        np.add.at(absj, job, np.abs(Q))
        np.add.at(magj, job, MG)
        thr = _RTOL * absj + _NOISE * magj
        bad = np.any(E > thr[job], axis=1)
        good = ~bad
        np.add.at(total, job[good], Q[good])
        np.add.at(absum, job[good], np.abs(Q[good]))
        np.add.at(magsum, job[good], MG[good])
        if not bad.any():
            return total, absum, magsum
        jb, aa, bb = job[bad], a[bad], b[bad]
        m = 0.5 * (aa + bb)
        if np.any((m <= aa) | (m >= bb)):
            raise SymgravError("adaptive quadrature reached the resolution of double "
                               "precision; the integrand may be singular (degenerate bands?)")
        job = np.concatenate([jb, jb])
        a = np.concatenate([aa, m])
        b = np.concatenate([m, bb])
    raise SymgravError("adaptive quadrature did not converge in double precision "
                       f"({job.size} pieces still inaccurate)")


def _sweep_lines(ev, lines, mus, T, margin, t_hi):
    """Five integrals (L, M, 5) along every line for every mu, with magnitudes."""
    L, M = len(lines), len(mus)
    if lines.periodic:
        lo = np.full(L, -math.pi)
        hi = np.full(L, math.pi)
        ts = np.linspace(-math.pi, math.pi, 513)
    else:
        lo = np.zeros(L)
        hi = np.full(L, t_hi)
        ts = np.unique(np.concatenate([np.linspace(0.0, t_hi, 1025),
                                       np.geomspace(t_hi * 1e-9, t_hi, 257)]))
        ts[0], ts[-1] = 0.0, t_hi
    S = len(ts)
    li = np.repeat(np.arange(L), S)
    tt = np.tile(ts, L)
    eps, grads, _, _ = ev(lines.points(li, tt))
    slope = np.einsum("njp,jp->np", grads, lines.directions[li].T)
    N = eps.shape[0]
    eps_scan = eps.reshape(N, L, S).transpose(1, 0, 2)
    slope_scan = slope.reshape(N, L, S).transpose(1, 0, 2)
    ext = _extrema(ev, lines, ts, slope_scan)
    fermi = _fermi_points(ev, lines, ts, eps_scan, ext, mus)
    job, t = _breakpoints(lines, lo, hi, mus, T, margin, fermi, ext)
    same = job[1:] == job[:-1]
    pj, pa, pb = job[:-1][same], t[:-1][same], t[1:][same]
    pos = pb > pa
    total, absum, magsum = _integrate_jobs(ev, lines, mus, T, pj[pos], pa[pos], pb[pos], L * M)
    w = lines.weights[:, None, None]
    return (total.reshape(L, M, NCOMP) * w, absum.reshape(L, M, NCOMP) * np.abs(w),
            magsum.reshape(L, M, NCOMP) * np.abs(w))
