"""Every input error of Model and of the geometry functions is a SymgravError naming the problem."""

from __future__ import annotations

import pytest
import sympy as sp

from symgrav import (Model, SymgravError, bands, berry_curvature, magnetic_moment,
                     spin_berry_curvature, spin_magnetic_moment)

px, py, pz = sp.symbols("p_x p_y p_z", real=True)
SIGMA = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
         sp.Matrix([[1, 0], [0, -1]]))
H2 = px * SIGMA[0] + py * SIGMA[1] + SIGMA[2]


def good_model():
    return Model(H2, [px, py])


def test_good_model_is_accepted():
    """The error tests below start from this valid model (so they test the one defect)."""
    m = good_model()
    assert m.N == 2 and m.dim == 2
    assert Model(H2, [px, py], hbar=sp.Rational(3, 2)).hbar == sp.Rational(3, 2)
    assert Model(H2, [px, py], spin=[s / 2 for s in SIGMA]).N == 2


# ---------------------------------------------------------------------------
# the Hamiltonian
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("H", [sp.Matrix([[1, 2, 3], [4, 5, 6]]), sp.Matrix([[px], [py]])],
                         ids=["2x3", "2x1"])
def test_non_square(H):
    with pytest.raises(SymgravError, match="square"):
        Model(H, [px])


def test_ragged_nested_list():
    with pytest.raises(SymgravError, match="not a matrix"):
        Model([[px, 1], [1]], [px])


def test_not_a_matrix():
    with pytest.raises(SymgravError, match="H is not a matrix"):
        Model(object(), [px])


def test_empty():
    with pytest.raises(SymgravError, match="empty"):
        Model(sp.Matrix([]), [px])


@pytest.mark.parametrize("H", [
    sp.Matrix([[px * sp.I, 1], [1, 0]]),                      # imaginary diagonal
    sp.Matrix([[0, px], [2 * px, 0]]),                        # asymmetric off-diagonal
    sp.Matrix([[0, px + sp.I], [px + sp.I, 0]]),              # symmetric but complex
    sp.Matrix([[0, px - sp.I * py], [px - sp.I * py, 0]]),    # transpose instead of dagger
    sp.Matrix([[sp.Symbol("g") * sp.I, 0], [0, 1]]),          # i * real parameter
], ids=["I*p_x-diagonal", "asymmetric", "complex-symmetric", "not-conjugated", "I*param"])
def test_non_hermitian(H):
    with pytest.raises(SymgravError, match="not Hermitian"):
        Model(H, [px, py])


def test_non_hermitian_three_band():
    H = sp.Matrix([[px, 1, 0], [0, py, 1], [0, 1, 0]])
    with pytest.raises(SymgravError, match="not Hermitian"):
        Model(H, [px, py], spin=[sp.eye(3)] * 3)


def test_matrix_valued_entries():
    with pytest.raises(SymgravError, match="scalars"):
        Model([[sp.eye(2), 0], [0, 1]], [px])


def test_undefined_function():
    f = sp.Function("f")
    with pytest.raises(SymgravError, match="undefined function"):
        Model(sp.Matrix([[f(px), 1], [1, 0]]), [px])


def test_non_hermitian_for_negative_momentum():
    H = sp.Matrix([[0, sp.sqrt(px)], [sp.sqrt(px), 0]])
    with pytest.raises(SymgravError, match="not Hermitian"):
        Model(H, [px])


_g, _t = sp.Symbol("g"), sp.Symbol("t")


@pytest.mark.parametrize("H,momenta", [
    (sp.Matrix([[px, sp.sqrt(_g)], [sp.sqrt(_g), -px]]), [px]),   # g = -1: not Hermitian
    (sp.Matrix([[_t, sp.sqrt(px)], [sp.sqrt(px), 0]]), [px]),      # p_x = -1: not Hermitian
    (sp.Matrix([[px, sp.log(_g)], [sp.log(_g), -px]]), [px]),      # g = -1: log(-1) = i pi
], ids=["sqrt(g)-offdiag", "sqrt(p_x)-with-parameter-t", "log(g)-offdiag"])
def test_non_hermitian_for_negative_symbol_two_symbols(H, momenta):
    with pytest.raises(SymgravError, match="not Hermitian"):
        Model(H, momenta)


def test_nan_entry():
    with pytest.raises(SymgravError):
        Model(sp.Matrix([[sp.nan, px], [px, 1]]), [px])


# ---------------------------------------------------------------------------
# spin operators
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("spin", [[SIGMA[0], SIGMA[1]], list(SIGMA) + [sp.eye(2)], []],
                         ids=["two", "four", "none-given-as-empty"])
def test_spin_wrong_count(spin):
    with pytest.raises(SymgravError, match="three matrices"):
        Model(H2, [px, py], spin=spin)


def test_spin_wrong_shape():
    with pytest.raises(SymgravError, match=r"s_y has shape \(3, 3\)"):
        Model(H2, [px, py], spin=[SIGMA[0], sp.eye(3), SIGMA[2]])


def test_spin_not_a_matrix():
    with pytest.raises(SymgravError, match=r"spin\[0\] is not a matrix"):
        Model(H2, [px, py], spin=[1, 2, 3])


@pytest.mark.parametrize("k,axis", [(0, "x"), (1, "y"), (2, "z")])
def test_spin_not_hermitian(k, axis):
    spin = list(SIGMA)
    spin[k] = sp.Matrix([[0, 1], [0, 0]])
    with pytest.raises(SymgravError, match=f"s_{axis} is not Hermitian"):
        Model(H2, [px, py], spin=spin)


def test_spin_not_hermitian_with_parameter():
    t = sp.Symbol("t")
    spin = [SIGMA[0], sp.Matrix([[0, t], [-t, 0]]), SIGMA[2]]
    with pytest.raises(SymgravError, match="s_y is not Hermitian"):
        Model(H2, [px, py], spin=spin)


def test_momentum_dependent_spin_is_checked_for_hermiticity():
    """A momentum-dependent operator is allowed (issue 9 item 6) and checked like H."""
    Model(H2, [px, py], spin=[px * SIGMA[0], SIGMA[1], SIGMA[2]])
    with pytest.raises(SymgravError, match="s_x is not Hermitian"):
        Model(H2, [px, py], spin=[sp.I * px * SIGMA[0], SIGMA[1], SIGMA[2]])
    with pytest.raises(SymgravError, match="s_z is not Hermitian"):
        Model(H2, [px, py], operator=[SIGMA[0], SIGMA[1], sp.Matrix([[0, py], [0, 0]])])


@pytest.mark.parametrize("N", [1, 3, 4])
def test_no_default_spin_beyond_two_bands(N):
    H = sp.diag(*[px * (k + 1) for k in range(N)])
    with pytest.raises(SymgravError, match=f"{N}x{N}.*spin"):
        Model(H, [px])


# ---------------------------------------------------------------------------
# momenta and hbar
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("momenta", ["p_x", ["p_x", "p_y"], [px + py], [1], [px, "p_y"]],
                         ids=["str", "list-of-str", "expression", "number", "mixed"])
def test_momenta_not_symbols(momenta):
    with pytest.raises(SymgravError, match="momenta must be sympy Symbols"):
        Model(H2, momenta)


@pytest.mark.parametrize("momenta", [[], [px, py, pz, sp.Symbol("p_w", real=True)]],
                         ids=["none", "four"])
def test_momenta_count(momenta):
    with pytest.raises(SymgravError, match="1, 2 or 3 momentum symbols"):
        Model(H2, momenta)


def test_momenta_repeat():
    with pytest.raises(SymgravError, match="repeat"):
        Model(H2, [px, px])


def test_momenta_same_name_different_assumptions():
    with pytest.raises(SymgravError, match="share the name"):
        Model(H2, [px, sp.Symbol("p_x")])


@pytest.mark.parametrize("hbar", [-1, 0, sp.Rational(-1, 2), -1.5, sp.I,
                                  -sp.Symbol("h", positive=True)],
                         ids=["-1", "0", "-1/2", "-1.5", "I", "-h"])
def test_hbar_not_positive(hbar):
    with pytest.raises(SymgravError, match="hbar must be"):
        Model(H2, [px, py], hbar=hbar)


def test_hbar_symbol_declared_negative():
    with pytest.raises(SymgravError, match="hbar"):
        Model(H2, [px, py], hbar=sp.Symbol("hbar", negative=True))


def test_unknown_parameter_default():
    with pytest.raises(SymgravError, match="unknown parameter 'q'"):
        Model(H2, [px, py], parameters={"q": 1})


# ---------------------------------------------------------------------------
# the geometry functions
# ---------------------------------------------------------------------------

FUNCS = [spin_berry_curvature, spin_magnetic_moment]


@pytest.mark.parametrize("f", FUNCS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("a", ["w", "X", 3, -1, True, None], ids=repr)
def test_unknown_spin_axis(f, a):
    with pytest.raises(SymgravError, match="spin component a"):
        f(good_model(), a, "x")


@pytest.mark.parametrize("f", FUNCS, ids=lambda f: f.__name__)
def test_momentum_axis_absent_in_2d(f):
    with pytest.raises(SymgravError, match=r"'z' does not exist in a 2D model"):
        f(good_model(), "x", "z")


@pytest.mark.parametrize("f", FUNCS, ids=lambda f: f.__name__)
def test_momentum_axis_absent_in_1d(f):
    model = Model(px * SIGMA[0] + SIGMA[2], [px])
    with pytest.raises(SymgravError, match=r"'y' does not exist in a 1D model"):
        f(model, "z", "y")


@pytest.mark.parametrize("f", FUNCS, ids=lambda f: f.__name__)
def test_unknown_momentum_axis(f):
    with pytest.raises(SymgravError, match="momentum axis i"):
        f(good_model(), "x", "w")


@pytest.mark.parametrize("f", FUNCS + [bands], ids=lambda f: f.__name__)
@pytest.mark.parametrize("obj", ["model", None, 3], ids=["str", "None", "int"])
def test_not_a_model(f, obj):
    args = (obj,) if f is bands else (obj, "x", "x")
    with pytest.raises(SymgravError, match="expected a symgrav.Model"):
        f(*args)


def test_bands_of_a_matrix():
    with pytest.raises(SymgravError, match="expected a symgrav.Model"):
        bands(H2)


@pytest.mark.parametrize("f,args", [(spin_berry_curvature, ("x", "x")),
                                    (spin_magnetic_moment, ("x", "x")),
                                    (berry_curvature, ("x", "y")),
                                    (magnetic_moment, ("x", "y"))],
                         ids=lambda v: getattr(v, "__name__", None))
def test_matrix_instead_of_model(f, args):
    with pytest.raises(SymgravError, match="expected a symgrav.Model"):
        f(H2, *args)


@pytest.mark.parametrize("f", [berry_curvature, magnetic_moment], ids=lambda f: f.__name__)
def test_parameter_space_unknown_lambda(f):
    with pytest.raises(SymgravError, match="unknown symbol 'q'"):
        f(good_model(), "x", sp.Symbol("q"))
    with pytest.raises(SymgravError, match="'z' does not exist"):
        f(good_model(), "x", "z")


def test_coupled_three_band_block_names_numeric_route():
    H = sp.Matrix([[px, 1, 0], [1, 0, 1], [0, 1, -px]])
    model = Model(H, [px], spin=[sp.eye(3)] * 3)
    with pytest.raises(SymgravError, match=r"(?s)coupled block of size 3.*numerically"):
        spin_berry_curvature(model, "x", "x")


def test_errors_are_value_errors():
    """SymgravError is a ValueError, so generic callers can catch it too."""
    with pytest.raises(ValueError):
        Model(H2, [px, px])
