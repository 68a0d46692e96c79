"""How momentum space is covered by lines, and the integral over all of them.

A Fermi-sea integral over d^dp / (2 pi hbar)^d (continuum) or
d^dk / (2 pi)^d over [-pi, pi)^d (lattice; docs/conventions.md) is an integral over a
family of lines of line integrals (:mod:`symgrav.numeric.line_integral`):

* continuum, 1D: the two rays p > 0 and p < 0;
* continuum, isotropic 2D/3D (band data depend on |p| only, tested at
  random momenta): one radial ray with weight 2 pi or 4 pi and Jacobian p^(d-1);
* continuum, anisotropic 2D: rays at polar angle theta, integrated over
  theta by :func:`symgrav.numeric.families.integrate_family`;
* continuum, anisotropic 3D: rays on spheres, Gauss-Legendre in cos(theta)
  of periodic trapezoids in phi;
* lattice, 1D: one Brillouin-zone line; 2D: lines along k_x, integrated
  over k_y by ``integrate_family``; 3D: nested periodic trapezoids over
  (k_y, k_z), exponentially convergent for insulators and at T well above
  the node spacing (metals at low T are refused after 2^9 nodes per
  dimension).

No equation of the paper is implemented here; this is the measure of
Eqs. (8a), (19a), (19b), (20), (B7a), (E1).
"""

from __future__ import annotations

import random

import mpmath as mp
import numpy as np

from .families import integrate_family, stack_lines
from .line_features import Line
from .progress import advance
from .rules import integrate_pieces, periodic_grid, periodic_trapezoid

#: most nodes per transverse direction of the nested trapezoid rules of a 3D lattice model
LATTICE_3D_NODES = 2 ** 9


class Layout:
    """The lines that cover momentum space for one model (see the module docstring).

    Attributes
    ----------
    kind : str
        ``"lattice"`` or one of ``"rays"`` (1D), ``"radial"`` (isotropic),
        ``"polar"`` (anisotropic 2D), ``"spherical"`` (anisotropic 3D).
    isotropic : bool
    measure : mpf
        1/(2 pi)^d or 1/(2 pi hbar)^d.
    """

    def __init__(self, bd, backend):
        self.bd, self.dim = bd, bd.dim
        d = bd.dim
        with backend.context():
            if bd.lattice:
                # a tight-binding model's Cartesian zone: 1/|det A| of the reduced one
                self.measure = getattr(bd, "cell_factor", 1) / (2 * mp.pi) ** d
                self.kind, self.isotropic = "lattice", False
                return
            self.measure = 1 / (2 * mp.pi * bd.hbar) ** d
            self.isotropic = d > 1 and self._check_isotropic(backend)
        self.kind = "rays" if d == 1 else "radial" if self.isotropic else \
            "polar" if d == 2 else "spherical"

    def _check_isotropic(self, B):
        """Band data equal at three random directions for three radii (working precision)."""
        d = self.dim
        rng = random.Random(7)
        tol = mp.mpf(10) ** (-(B.dps - 5))
        for _ in range(3):
            r = mp.mpf(rng.uniform(0.2, 2.0))
            pts = []
            for _ in range(3):
                if d == 2:
                    th = mp.mpf(rng.uniform(0, 6.28))
                    pts.append((r * mp.cos(th), r * mp.sin(th)))
                else:
                    u, ph = mp.mpf(rng.uniform(-1, 1)), mp.mpf(rng.uniform(0, 6.28))
                    s = mp.sqrt(1 - u * u)
                    pts.append((r * s * mp.cos(ph), r * s * mp.sin(ph), r * u))
            K = [B.array([p[j] for p in pts]) for j in range(d)]
            eps, _, om, mm = self.bd.evaluate(B, K)
            vals = np.concatenate([eps, om, mm])
            for row in vals:
                ref = B.mpf(row[0])
                if any(abs(B.mpf(x) - ref) > tol * (1 + abs(ref)) for x in row[1:]):
                    return False
        return True

    def window_lines(self):
        """The rays of the Fermi-window route (1D and isotropic models), else None."""
        zero = (mp.mpf(0),) * self.dim
        if self.kind == "rays":
            return [Line(zero, (1,), self.measure), Line(zero, (-1,), self.measure)]
        if self.kind == "radial":
            solid = 2 * mp.pi if self.dim == 2 else 4 * mp.pi
            direction = (1, 0) if self.dim == 2 else (0, 0, 1)
            return [Line(zero, direction, solid * self.measure, power=self.dim - 1)]
        return None

    def gapped(self, mu, T, n=None):
        """True when no band comes within max(20 T, 2 |grad eps| h) of mu on a Brillouin-zone grid.

        The test of the product trapezoid rule (:func:`symgrav.numeric.rules.periodic_grid`)
        for lattice models in two and three dimensions: a double-precision scan
        on a grid of spacing h, where every band must stay farther from mu
        than twice its linear change across a grid cell (so that it cannot
        reach mu between the grid points) and than 20 T (so that the
        occupations are analytic on the scale of the grid).
        """
        d = self.dim
        n = n or {2: 256, 3: 64}.get(d, 1024)
        h = 2 * np.pi / n
        axes = -np.pi + h * np.arange(n)
        mesh = np.meshgrid(*([axes] * d), indexing="ij")
        eps, grads = self.bd.energies([m.ravel() for m in mesh])
        reach = 2 * h * np.sqrt(np.sum(grads ** 2, axis=1)) + 20 * float(T)
        return bool(np.all(np.abs(eps - float(mu)) > reach))

    def integrate(self, per_line, ncomp, mu, margin, eps, B, B2, fine_line=None, grid=None,
                  T=0, singular=False):
        """The integral over momentum space of ``per_line`` (Line -> (values, sizes)).

        Parameters
        ----------
        per_line : callable
            Line -> (values, sizes), lists of ``ncomp`` backend scalars
            (already multiplied by the line weight).
        mu, margin : mpf
            Chemical potential and the thermal margin (for tangency searches).
        eps : mpf
            Relative tolerance.
        B, B2 : Backend
            Working backend and the one at twice its precision.
        fine_line : callable, optional
            ``per_line`` at twice the precision, for lines within rounding
            distance of a Fermi-surface tangency (T = 0).
        grid : callable, optional
            The integrand at momenta (K -> (values, sizes)): a lattice model
            in two or three dimensions that is :meth:`gapped` at (mu, T) is
            integrated with the product trapezoid rule instead of lines.
        T : mpf
            Temperature (for :meth:`gapped`).
        singular : bool
            ``per_line`` is a Fermi-surface sum (Eq. E1), singular where lines
            touch the Fermi surface (:func:`~symgrav.numeric.families.integrate_family`).

        Returns
        -------
        values, sizes : lists of mpf
        """
        d = self.dim
        zero = (mp.mpf(0),) * d
        meas = self.measure
        as_mpf = (lambda pair: ([B.mpf(v) for v in pair[0]], [B.mpf(s) for s in pair[1]]))
        if self.kind == "lattice":
            def line_at(*transverse):
                return Line((mp.mpf(0),) + tuple(transverse), (1,) + (0,) * (d - 1), meas,
                            periodic=True)
            if d == 1:
                return as_mpf(per_line(line_at()))
            if grid is not None and self.gapped(mu, T):
                def level(K):
                    advance()
                    return grid(K)
                vals, sizes = periodic_grid(level, d, ncomp, eps, B)
                w = B.num(meas)
                return [B.mpf(v * w) for v in vals], [B.mpf(x * w) for x in sizes]
            if d == 2:
                return integrate_family(self.bd, B, B2, line_at, per_line, mu, margin, ncomp,
                                        eps, fine_line=fine_line, singular=singular)
            message = (f"periodic trapezoid rule did not converge with {LATTICE_3D_NODES} "
                       "nodes per dimension. Three-dimensional lattice models are integrated by nested "
                       "trapezoid rules, which resolve a Fermi surface only at temperatures "
                       "well above the node spacing; raise T (or use a 2D model, whose "
                       "transverse integral is split at the Fermi surface)")

            def plane(kz):
                def row(kys):
                    return stack_lines(per_line, lambda ky: line_at(B.mpf(ky), B.mpf(kz)), kys, ncomp)
                v, s = periodic_trapezoid(row, ncomp, eps, B, max_nodes=LATTICE_3D_NODES,
                                          message=message)
                return v, s
            return as_mpf(periodic_trapezoid(
                lambda kzs: stack_lines(lambda kz: plane(kz), lambda kz: kz, kzs, ncomp),
                ncomp, eps, B, max_nodes=LATTICE_3D_NODES, message=message))
        if self.kind == "rays":
            plus = per_line(Line(zero, (1,), meas))
            minus = per_line(Line(zero, (-1,), meas))
            return ([B.mpf(x + y) for x, y in zip(plus[0], minus[0])],
                    [B.mpf(x + y) for x, y in zip(plus[1], minus[1])])
        if self.kind == "radial":
            return as_mpf(per_line(self.window_lines()[0]))
        if self.kind == "polar":
            return integrate_family(
                self.bd, B, B2, lambda th: Line(zero, (mp.cos(th), mp.sin(th)), meas, power=1),
                per_line, mu, margin, ncomp, eps, fine_line=fine_line, singular=singular)

        def shell(u):
            u = B.mpf(u)
            s = mp.sqrt(1 - u * u)

            def ring(phs):
                return stack_lines(per_line, lambda ph: Line(
                    zero, (s * mp.cos(B.mpf(ph)), s * mp.sin(B.mpf(ph)), u), meas, power=2),
                    phs, ncomp)
            return periodic_trapezoid(ring, ncomp, eps, B)

        def shells(us):
            return stack_lines(shell, lambda u: u, us, ncomp)
        return as_mpf(integrate_pieces(shells, [B.num(-1), B.num(1)], ncomp, eps, B))

