"""Tight-binding models of PythTB and TBmodels as :class:`~symgrav.TightBinding`.

Both libraries describe H(k) by hoppings between orbitals in the home cell
and cells R; symgrav takes the hoppings and sums them with phases e^{i k.R}
only (Wannier90's convention, docs/conventions.md), *without* the orbital positions
(PythTB's default "convention 1" puts e^{i k.(R + tau_j - tau_i)} into H(k)).
Band energies do not depend on this choice; the interband matrix elements of
the velocity, hence Omega (8b) and m (8c), do in general.  Declare the
Wannier centres away by building the model with all orbitals at the origin
if you want the other convention to coincide.

Neither library is imported here: the model objects are read through the
attributes they have kept for many releases (PythTB 1.7-1.8: ``_hoppings``,
``_site_energies``, ``_nspin``, ``_per``, ``_lat``, ``_dim_k``, ``_dim_r``;
TBmodels 1.x: ``hop``, ``size``, ``dim``, ``uc``).  Their numbers are binary
floats, taken exactly as the binary numbers they are.
"""

from __future__ import annotations

import numpy as np

from ..errors import SymgravError
from ..symbolic.userinput import spin_or_operator
from .model import TightBinding


def _add(full, R, N, i, j, block):
    """Add ``block`` to H(R)[i, j] in the dict ``full`` of N x N complex arrays."""
    M = full.get(R)
    if M is None:
        M = full[R] = np.zeros((N, N), dtype=complex)
    M[i, j] += block


def from_pythtb(model, spin=None, lattice=None, name="pythtb", *, operator=None):
    """The hoppings of a PythTB ``tb_model`` (below Eq. 25: H(k) = sum_R e^{i k.R} H(R)).

    Parameters
    ----------
    model : pythtb.tb_model
        With ``nspin = 1`` or ``2``; only the periodic directions count
        (``dim_k`` of them, 1-3).
    spin : "interlaced", "block" or three matrices, optional
        The operators s_a of Eqs. (8b), (8c).  Default: ``"interlaced"`` for
        ``nspin = 2`` (PythTB orders the states (orbital 1 up, orbital 1
        down, ...)); for ``nspin = 1`` it must be given unless there are two
        orbitals (then (1/2) sigma on them, a pseudospin).  Any Hermitian
        operators as for :class:`~symgrav.TightBinding` (mappings R -> matrix
        for momentum-dependent ones).
    operator : as ``spin``, optional
        Alias of ``spin``; give one of the two.
    lattice : sequence of vectors, optional
        Lattice vectors (rows); default the model's own periodic lattice
        vectors when ``dim_k = dim_r``, else required.
    name : str

    Returns
    -------
    TightBinding

    Raises
    ------
    SymgravError
        Not a PythTB model, ``dim_k = 0``, both ``spin`` and ``operator``
        given, or the cases of :class:`TightBinding`.
    """
    spin = spin_or_operator(spin, operator)
    try:
        hops, onsite = list(model._hoppings), np.asarray(model._site_energies)
        nspin, per, lat = int(model._nspin), list(model._per), np.asarray(model._lat, dtype=float)
        dim_k, dim_r = int(model._dim_k), int(model._dim_r)
    except AttributeError:
        raise SymgravError(f"from_pythtb needs a pythtb.tb_model; got "
                           f"{type(model).__name__}") from None
    if not 1 <= dim_k <= 3:
        raise SymgravError(f"the PythTB model has dim_k = {dim_k}; symgrav needs 1, 2 or 3")
    norb = len(onsite)
    N = norb * nspin
    full = {}
    zero = (0,) * dim_k

    def sl(i):
        return slice(i * nspin, (i + 1) * nspin)

    for i in range(norb):
        _add(full, zero, N, sl(i), sl(i), onsite[i])
    for hop in hops:
        amp, i, j = np.asarray(hop[0], dtype=complex), int(hop[1]), int(hop[2])
        R = tuple(int(round(float(np.asarray(hop[3])[p]))) for p in per)
        minus = tuple(-r for r in R)
        block = amp if nspin == 2 else amp.reshape(())
        _add(full, R, N, sl(i), sl(j), block)
        _add(full, minus, N, sl(j), sl(i), np.conj(block).T if nspin == 2 else np.conj(block))
    if lattice is None:
        if dim_k != dim_r:
            raise SymgravError(f"the PythTB model has dim_k = {dim_k} < dim_r = {dim_r}: give "
                               "lattice= (the periodic lattice vectors in the plane of the "
                               "periodic directions)")
        lattice = lat[per][:, per]
    if spin is None and nspin == 2:
        spin = "interlaced"
    return TightBinding(full, dim=dim_k, lattice=[[float(x) for x in row] for row in lattice],
                        spin=spin, name=name)


def from_tbmodels(model, spin=None, lattice=None, name="tbmodels", *, operator=None):
    """The hoppings of a TBmodels ``Model`` (below Eq. 25: H(k) = sum_R e^{i k.R} H(R)).

    TBmodels stores half of the hoppings: H(k) = sum_R hop[R] e^{i k.R} + h.c.,
    so H(R) = hop[R] + hop[-R]^dagger (and H(0) = hop[0] + hop[0]^dagger).

    Parameters
    ----------
    model : tbmodels.Model
    spin : "interlaced", "block" or three matrices, optional
        The operators s_a of Eqs. (8b), (8c) (TBmodels does not record the
        spin of its orbitals); default (1/2) sigma only for two orbitals.
        Any Hermitian operators as for :class:`~symgrav.TightBinding`.
    operator : as ``spin``, optional
        Alias of ``spin``; give one of the two.
    lattice : sequence of vectors, optional
        Lattice vectors (rows); default the model's unit cell ``uc``, or the
        identity if it has none.
    name : str

    Returns
    -------
    TightBinding

    Raises
    ------
    SymgravError
        Not a TBmodels model, both ``spin`` and ``operator`` given, or the
        cases of :class:`TightBinding`.
    """
    spin = spin_or_operator(spin, operator)
    try:
        hop, N, dim, uc = dict(model.hop), int(model.size), int(model.dim), model.uc
    except (AttributeError, TypeError):
        raise SymgravError(f"from_tbmodels needs a tbmodels.Model; got "
                           f"{type(model).__name__}") from None
    full = {}
    for R, h in hop.items():
        M = np.asarray(h.toarray() if hasattr(h, "toarray") else h, dtype=complex)
        R = tuple(int(r) for r in R)
        _add(full, R, N, slice(None), slice(None), M)
        _add(full, tuple(-r for r in R), N, slice(None), slice(None), M.conj().T)
    if lattice is None and uc is not None:
        lattice = [[float(x) for x in row] for row in np.asarray(uc, dtype=float)]
    return TightBinding(full, dim=dim, lattice=lattice, spin=spin, name=name)
