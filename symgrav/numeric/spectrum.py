"""Where the band structure of a model changes character: band edges, extrema, band ranges.

Used to choose chemical potentials that visit every regime of a model
(``symgrav verify``) and to place grids.  Continuum models: the band energies
at p = 0 and the band extrema along radial lines
(:class:`~symgrav.numeric.line_features.LineFeatures`; one line for an
isotropic model).  Lattice models: the band minima and maxima over a
Brillouin-zone grid (double precision).  No equation of the paper.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np

from .line_features import Line, LineFeatures


def _directions(dim, isotropic):
    if dim == 1:
        return [(1,), (-1,)]
    if isotropic:
        return [(1, 0)] if dim == 2 else [(0, 0, 1)]
    if dim == 2:
        return [(mp.cos(mp.pi * j / 4), mp.sin(mp.pi * j / 4)) for j in range(8)]
    s = 1 / mp.sqrt(3)  # the six axis directions and four body diagonals
    return [tuple(sg * (k == j) for k in range(3)) for j in range(3) for sg in (1, -1)] + \
        [(s, s, s), (s, -s, s), (-s, s, -s), (-s, -s, -s)]


def band_features(S):
    """Energies where the band structure of ``S.model`` changes character, and the band ranges.

    Parameters
    ----------
    S : Susceptibilities

    Returns
    -------
    features : list of mpf
        Sorted, distinct (to 1e-9 relative).
    ranges : list of (min, max) or None
        Per band, lattice models only.
    """
    bd, d, B = S.bands, S.model.dim, S.backend
    if S.model.lattice:
        n = {1: 1024, 2: 96, 3: 32}[d]
        grid = np.linspace(-np.pi, np.pi, n, endpoint=False)
        mesh = np.meshgrid(*([grid] * d), indexing="ij")
        eps, _ = bd.energies([m.ravel() for m in mesh])
        ranges = [(mp.mpf(float(e.min())), mp.mpf(float(e.max()))) for e in eps]
        feats = [x for r in ranges for x in r]
    else:
        ranges = None
        with B.context():
            zero = (mp.mpf(0),) * d
            eps, _, _, _ = bd.evaluate(B, [B.pack([B.num(0)])] * d)
            feats = [B.mpf(e[0]) for e in eps]  # band energies at p = 0
            probe = max(feats) + 2 * ((max(feats) - min(feats)) or 1)
            for direction in _directions(d, S.isotropic):
                lf = LineFeatures(bd, Line(zero, direction, 1), B.num(probe),
                                  B.num(mp.mpf(10) ** (-S.wdps)), B)
                feats += [B.mpf(e) for _, _, e in lf.extrema] + [B.mpf(lf.emin)]
    out = []
    for x in sorted(feats):
        if not out or x - out[-1] > mp.mpf("1e-9") * (1 + abs(x)):
            out.append(x)
    return out, ranges
