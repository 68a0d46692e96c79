"""Vectorized bracketed root finding in any backend (Fermi points, band extrema).

Both solvers refine many independent roots at once: every iteration makes one
call of the function on the array of current iterates (one band-data
evaluation for all Fermi points of a line, say).  The brackets [a, b] have
f(a), f(b) of opposite sign; every root stays inside its bracket.

* :func:`newton` -- safeguarded Newton (the function returns value and
  slope), bisecting whenever a step leaves the bracket;
* :func:`illinois` -- Illinois false position (value only).

No equation of the paper is implemented here; the roots are the Fermi points
eps_n = mu and the extrema d eps_n / dt = 0 that split the integrals of
Eqs. (8a), (19a), (19b), (20), (B7a), (E1).
"""

from __future__ import annotations

import numpy as np


def _where(cond, x, y):
    """Elementwise cond ? x : y for backend arrays (x, y arrays or scalars)."""
    out = np.array(y, copy=True)
    if out.ndim == 0:
        out = np.broadcast_to(out, np.shape(cond)).copy()
    out[cond] = np.broadcast_to(np.asarray(x, dtype=out.dtype), out.shape)[cond]
    return out


def newton(fun, a, b, fa, x0, tol, iterations=200):
    """Roots of fun in the brackets [a, b] (arrays), from the starting points x0.

    Parameters
    ----------
    fun : callable
        ``fun(x, idx) -> (value, slope)`` for the roots ``idx`` (an integer
        array) at the points ``x`` (backend array of the same length).
    a, b, fa : backend arrays
        Brackets and the function values at ``a`` (the values at ``b`` have
        the opposite sign).
    x0 : backend array
        Starting points (outside the bracket: the midpoint is used).
    tol : backend scalar
        Relative step size at which an iterate counts as converged.

    Returns
    -------
    backend array
        The roots.
    """
    a, b, fa = np.array(a, copy=True), np.array(b, copy=True), np.array(fa, copy=True)
    inside = np.asarray((a < x0) & (x0 < b), dtype=bool)
    x = _where(inside, x0, (a + b) / 2)
    done = np.zeros(len(x), dtype=bool)
    for _ in range(iterations):
        idx = np.nonzero(~done)[0]
        if not len(idx):
            break
        fx, dx = fun(x[idx], idx)
        hit = np.asarray(fx == 0, dtype=bool)
        left = np.asarray((fx < 0) == (fa[idx] < 0), dtype=bool)
        ai, bi, xi = a[idx], b[idx], x[idx]
        ai = _where(left, xi, ai)
        bi = _where(~left, xi, bi)
        fa[idx] = _where(left, fx, fa[idx])
        a[idx], b[idx] = ai, bi
        ok = np.asarray(dx != 0, dtype=bool)
        safe_dx = _where(ok, dx, np.ones_like(dx))
        nx = xi - fx / safe_dx
        scale = 1 + np.abs(nx)
        small = np.asarray(ok & (np.abs(nx - xi) <= tol * scale), dtype=bool)
        inb = np.asarray(ok & (ai < nx) & (nx < bi), dtype=bool)
        nx = _where(inb | small, nx, (ai + bi) / 2)
        tight = np.asarray((np.abs(nx - xi) <= tol * (1 + np.abs(nx)))
                           | (bi - ai <= tol * (1 + np.abs(xi))), dtype=bool)
        x[idx] = _where(hit, xi, nx)
        done[idx] = hit | small | tight
    return x


def illinois(fun, a, b, fa, fb, tol, iterations=400):
    """Roots of fun (value only) in the brackets [a, b] by Illinois false position.

    Parameters
    ----------
    fun : callable
        ``fun(x, idx) -> value`` for the roots ``idx`` at the points ``x``.
    a, b, fa, fb : backend arrays
        Brackets with f(a) f(b) < 0.
    tol : backend scalar
        Relative bracket width at which a root counts as found.

    Returns
    -------
    backend array
    """
    a, b = np.array(a, copy=True), np.array(b, copy=True)
    fa, fb = np.array(fa, copy=True), np.array(fb, copy=True)
    side = np.zeros(len(a), dtype=int)
    c = (a + b) / 2
    done = np.zeros(len(a), dtype=bool)
    for _ in range(iterations):
        idx = np.nonzero(~done)[0]
        if not len(idx):
            break
        ai, bi, fai, fbi = a[idx], b[idx], fa[idx], fb[idx]
        denom = fbi - fai
        ok = np.asarray(denom != 0, dtype=bool)
        ci = _where(ok, (ai * fbi - bi * fai) / _where(ok, denom, np.ones_like(denom)),
                    (ai + bi) / 2)
        fc = fun(ci, idx)
        c[idx] = ci
        stop = np.asarray((fc == 0) | (np.abs(bi - ai) <= tol * (1 + np.abs(ci))), dtype=bool)
        same_b = np.asarray((fc < 0) == (fbi < 0), dtype=bool)
        # replace b (and halve fa when b was replaced last time too), or replace a
        sd = side[idx]
        new_b, new_fb = _where(same_b, ci, bi), _where(same_b, fc, fbi)
        new_a, new_fa = _where(~same_b, ci, ai), _where(~same_b, fc, fai)
        new_fa = _where(same_b & (sd == -1), new_fa / 2, new_fa)
        new_fb = _where(~same_b & (sd == 1), new_fb / 2, new_fb)
        a[idx], b[idx], fa[idx], fb[idx] = new_a, new_b, new_fa, new_fb
        side[idx] = np.where(same_b, -1, 1)
        done[idx] = stop
    return _where(done, c, (a + b) / 2)
