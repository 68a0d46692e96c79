"""Generic text for generic models (issue 12 item 5).

Paper-specific remarks ("as below Eq. (22)", the Rashba ferromagnet) appear in the
derivation sheet and in ``symgrav derive`` only for the paper's model, Eq. (22); a
user's own model gets generic text that names that model.
"""

from __future__ import annotations

import sympy as sp

import symgrav
from symgrav.cli.derive import summary
from symgrav.symbolic.modelfile import is_paper_model

p_x, p_y = sp.symbols("p_x p_y", real=True)
alpha, b, m, hbar = sp.symbols("alpha b m hbar", positive=True)
S0 = sp.eye(2)
SX, SY, SZ = (sp.Matrix(s) for s in ([[0, 1], [1, 0]], [[0, -sp.I], [sp.I, 0]],
                                     [[1, 0], [0, -1]]))


def _typed_rashba():
    """Eq. (22) typed in by hand (as in the README)."""
    H = (p_x**2 + p_y**2) / (2 * m) * S0 + alpha * (p_y * SX - p_x * SY) + b * SZ
    return symgrav.Model(H, [p_x, p_y], hbar=hbar, name="typed")


def _dresselhaus():
    """A Dresselhaus ferromagnet: not the paper's model."""
    H = (p_x**2 + p_y**2) / (2 * m) * S0 + alpha * (p_x * SX - p_y * SY) + b * SZ
    return symgrav.Model(H, [p_x, p_y], hbar=hbar, name="my_dresselhaus")


def test_paper_model_recognised_by_its_hamiltonian():
    assert is_paper_model(symgrav.load_model("rashba"))
    assert is_paper_model(symgrav.load_model("rashba_strong"))
    assert is_paper_model(_typed_rashba())
    assert not is_paper_model(_dresselhaus())
    assert not is_paper_model(symgrav.load_model("lattice_insulator"))
    assert not is_paper_model("rashba")


def test_sheet_of_user_model_is_generic():
    text = symgrav.derivation_sheet(_dresselhaus())
    assert "Rashba" not in text and "(22)" not in text
    assert r"\texttt{my\_dresselhaus}" in text
    rashba = symgrav.derivation_sheet(symgrav.load_model("rashba"))
    assert "Rashba ferromagnet of Eq.~(22)" in rashba


def test_derive_summary_of_user_model_is_generic():
    text = summary(_dresselhaus())
    assert "Rashba" not in text and "(22)" not in text
    assert text.startswith("model: my_dresselhaus")
    assert "below Eq. (22)" in summary(symgrav.load_model("rashba"))
