"""Paths through momentum space: named high-symmetry points and the samples between them.

The engine's momentum coordinates are those of the model: the Cartesian
momenta of a continuum :class:`~symgrav.Model`, the Cartesian k in
[-pi, pi)^d of a lattice ``Model`` (lattice constant 1: a square or cubic
lattice), and the reduced momenta kappa_j = k . a_j in [-pi, pi)^d of a
:class:`~symgrav.TightBinding` with lattice vectors a_j.  Points are named as
usual (``G`` or ``Γ`` for the zone centre):

* square (d = 2, equal orthogonal vectors): X = b1/2, Y = b2/2, M = (b1 + b2)/2;
* cubic (d = 3): X = b1/2, Y = b2/2, Z = b3/2, M = (b1 + b2)/2, R = (b1 + b2 + b3)/2;
* hexagonal (d = 2, equal vectors at 60 or 120 degrees): M = b1/2 and K the
  zone corner next to it;
* any other lattice: the half reciprocal vectors X, Y, Z and their sums M, R;
* a continuum model: X = (k, 0, ...), Y = (0, k, ...), M = (k, k, ...),
  R = (k, k, k) with k = ``extent``.

User points (``points={"A": (...)}``) are given in the coordinates of the
model's own momenta for a continuum or lattice ``Model``, and as fractions of
the reciprocal vectors b_j for a ``TightBinding``.  No equation of the paper
(geometry of the Brillouin zone).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..errors import SymgravError

__all__ = ["KPath", "high_symmetry_points", "kpath", "reciprocal_vectors"]

#: a sampled path: K (dim, P) in the engine's coordinates, x (P,) the Cartesian arc
#: length, ticks (positions along x) and their labels
KPath = namedtuple("KPath", "K x ticks labels")

GAMMA_NAMES = ("G", "Γ", "Gamma", "GAMMA")


def _lattice(model):
    """Lattice vectors as rows (float), identity for a lattice Model."""
    vectors = getattr(model, "lattice_vectors", None)
    if vectors is None:
        return np.eye(model.dim)
    return np.array([[float(x) for x in row] for row in vectors])


def reciprocal_vectors(model):
    """Reciprocal vectors b_j as rows, a_i . b_j = 2 pi delta_ij (lattice models only).

    Parameters
    ----------
    model : Model or TightBinding

    Returns
    -------
    numpy.ndarray
        (dim, dim).
    """
    return 2 * np.pi * np.linalg.inv(_lattice(model)).T


def _kind(A):
    d = len(A)
    lengths = np.linalg.norm(A, axis=1)
    equal = np.allclose(lengths, lengths[0], rtol=1e-9)
    cos = (A @ A.T) / np.outer(lengths, lengths)
    if d == 2 and equal and abs(abs(cos[0, 1]) - 0.5) < 1e-9:
        return "hexagonal"
    if np.allclose(cos, np.eye(d), atol=1e-9):
        return {1: "chain", 2: "square", 3: "cubic"}[d] if equal else "orthorhombic"
    return "oblique"


def high_symmetry_points(model, extent=1.0):
    """Named points in the model's momentum coordinates (see the module docstring).

    Parameters
    ----------
    model : Model or TightBinding
    extent : float
        k of the points of a continuum model (ignored for lattices).

    Returns
    -------
    dict
        name -> tuple of ``dim`` floats (engine coordinates).
    """
    d = model.dim
    if not model.lattice:
        e = float(extent)
        pts = {"G": (0.0,) * d, "X": (e,) + (0.0,) * (d - 1)}
        if d >= 2:
            pts.update(Y=(0.0, e) + (0.0,) * (d - 2), M=(e, e) + (0.0,) * (d - 2))
        if d == 3:
            pts.update(Z=(0.0, 0.0, e), R=(e, e, e))
        return pts
    A = _lattice(model)
    B = reciprocal_vectors(model)
    frac = {"G": np.zeros(d)}
    for j, name in enumerate("XYZ"[:d]):
        frac[name] = np.eye(d)[j] / 2
    if d >= 2:
        frac["M"] = (np.eye(d)[0] + np.eye(d)[1]) / 2
    if d == 3:
        frac["R"] = np.full(3, 0.5)
    if _kind(A) == "hexagonal":
        frac = {"G": frac["G"], "M": frac["X"]}
        b1 = B[0]
        for c in ((0, 1), (1, 1), (1, -1), (0, -1)):
            vec = c[0] * B[0] + c[1] * B[1]
            if np.isclose(np.linalg.norm(vec), np.linalg.norm(b1)) and \
                    np.isclose(vec @ b1, 0.5 * (b1 @ b1)):
                frac["K"] = (np.array([1.0, 0.0]) + np.array(c, dtype=float)) / 3
                break
    return {name: _engine(model, f) for name, f in frac.items()}


def _engine(model, fraction):
    """Engine coordinates of a point given as fractions of the reciprocal vectors."""
    f = np.asarray(fraction, dtype=float)
    if hasattr(model, "lattice_vectors"):      # TightBinding: kappa_j = 2 pi f_j
        return tuple(float(x) for x in 2 * np.pi * f)
    return tuple(float(x) for x in f @ reciprocal_vectors(model))


def _cartesian(model, K):
    """Cartesian momenta (dim, P) of engine coordinates K (dim, P)."""
    if hasattr(model, "lattice_vectors"):
        return reciprocal_vectors(model).T @ (np.asarray(K) / (2 * np.pi))
    return np.asarray(K)


def kpath(model, path="G-X-M-G", points=None, n=200, extent=1.0):
    """Sample a path of named points, ``n`` points in all, spaced by Cartesian arc length.

    Parameters
    ----------
    model : Model or TightBinding
    path : str or sequence of str
        Point names joined by ``-`` (``"G-X-M-G"``), or a list of names.
    points : dict, optional
        Extra or overriding points: name -> coordinates (see the module docstring).
    n : int
        Samples along the whole path (at least one per segment end).
    extent : float
        k of the standard points of a continuum model.

    Returns
    -------
    KPath

    Raises
    ------
    SymgravError
        An unknown point name, a point with the wrong number of coordinates,
        fewer than two points, ``n`` too small.
    """
    names = [s.strip() for s in (path.split("-") if isinstance(path, str) else path)]
    if len(names) < 2 or any(not s for s in names):
        raise SymgravError(f"a path needs at least two point names joined by '-'; got {path!r}")
    known = high_symmetry_points(model, extent)
    for name, coords in dict(points or {}).items():
        coords = tuple(float(x) for x in np.atleast_1d(coords))
        if len(coords) != model.dim:
            raise SymgravError(f"point {name!r} needs {model.dim} coordinates; got {len(coords)}")
        known[name] = _engine(model, coords) if hasattr(model, "lattice_vectors") else coords
    resolved = []
    for name in names:
        key = "G" if name in GAMMA_NAMES and name not in known else name
        if key not in known:
            raise SymgravError(f"unknown point {name!r}; known: {', '.join(sorted(known))} "
                               "(give others with points={...})")
        resolved.append(np.array(known[key], dtype=float))
    if not isinstance(n, int) or n < 2 * (len(names) - 1):
        raise SymgravError(f"n must be an integer >= {2 * (len(names) - 1)}; got {n!r}")
    cart = [_cartesian(model, p.reshape(-1, 1))[:, 0] for p in resolved]
    lengths = np.array([np.linalg.norm(b - a) for a, b in zip(cart, cart[1:])])
    total = lengths.sum() or 1.0
    counts = np.maximum(2, np.round(n * lengths / total).astype(int))
    Ks, xs, ticks, start = [], [], [0.0], 0.0
    for k, (a, b) in enumerate(zip(resolved, resolved[1:])):
        t = np.linspace(0.0, 1.0, counts[k], endpoint=(k == len(lengths) - 1))
        Ks.append(a[:, None] + (b - a)[:, None] * t[None, :])
        xs.append(start + lengths[k] * t)
        start += lengths[k]
        ticks.append(start)
    labels = ["Γ" if s in GAMMA_NAMES else s for s in names]
    return KPath(np.concatenate(Ks, axis=1), np.concatenate(xs), ticks, labels)
