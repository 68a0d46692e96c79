"""The two-band chain of the tests as a SymPy lattice Model (the numpy reference is
references.bz_grid.chain_H / chain_dH, written separately)."""

import sympy as sp

import symgrav


def chain_model():
    """H(k) = cos k / 5 + sin k sigma_y' + (2 + cos k / 2) sigma_z; bands [-2.32, -1.7], [1.3, 2.7]."""
    k = sp.Symbol("k_x", real=True)
    H = sp.cos(k) / 5 * sp.eye(2) + sp.Matrix(
        [[2 + sp.cos(k) / 2, -sp.I * sp.sin(k)], [sp.I * sp.sin(k), -2 - sp.cos(k) / 2]])
    return symgrav.Model(H, (k,), lattice=True, name="chain")
