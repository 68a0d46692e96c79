"""Independent references for the symgrav tests (issue 8: one engine, quantities declared once).

Nothing in this package imports symgrav: every formula here is typed by hand
from the paper (Eqs. 8b, 8c, 19a, 19b, 8a, B7a, 20, E1) and PHYSICS.md, so a
test that compares the engine with these functions compares it with
something independent of the code under test.

* :mod:`references.rashba_radial` - the Rashba ferromagnet (Eq. 22) as a
  radial mpmath integral of any weight pair, at any precision, Fermi or Bose.
* :mod:`references.bz_grid` - 2D lattice models on a periodic numpy grid over
  the Brillouin zone (and 1D lattice models on a line), with a convergence
  check at n and 2n points.
"""
