"""Tests of symgrav.symbolic.modelfile: built-in models, the TOML format and its error paths."""

import textwrap
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import symgrav
from symgrav.errors import SymgravError
from symgrav.symbolic.modelfile import builtin_models, load_model, loads_model

RASHBA_PAULI = """
name = "r"
momenta = ["p_x", "p_y"]
hbar = "hbar"
[parameters]
hbar = 1
m = 1
alpha = 1
b = 0.5
[hamiltonian]
pauli = {0 = "(p_x**2 + p_y**2)/(2*m)", x = "alpha*p_y", y = "-alpha*p_x", z = "b"}
"""

RASHBA_MATRIX = """
name = "r"
momenta = ["p_x", "p_y"]
hbar = "hbar"
[parameters]
hbar = "1"
m = 1.0
alpha = 1
b = "1/2"
[hamiltonian]
matrix = [["(p_x**2 + p_y**2)/(2*m) + b", "alpha*(p_y + I*p_x)"],
          ["alpha*(p_y - I*p_x)", "(p_x**2 + p_y**2)/(2*m) - b"]]
"""


def _write(tmp_path, text, name="model.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _syms(model):
    return {s.name: s for s in model.H.free_symbols | set(model.momenta)
            | ({model.hbar} if isinstance(model.hbar, sp.Symbol) else set())}


def _zero(expr):
    return sp.simplify(expr) == 0


# -- built-in models ----------------------------------------------------------

def test_builtin_models_are_listed():
    assert {"rashba", "rashba_strong", "lattice_insulator"} <= set(builtin_models())


@pytest.mark.parametrize("name, b", [("rashba", sp.Rational(1, 2)),
                                     ("rashba_strong", sp.Rational(3, 2))])
def test_rashba_geometry_matches_the_paper(name, b):
    """Below Eq. (22): Omega_{x+-}^x = Omega_{y+-}^y = -+ hbar^2 alpha b/4 Delta^3,
    m_{x+-}^x = m_{y+-}^y = hbar^2 alpha b / 4 Delta^2."""
    model = load_model(name)
    assert model.name == name and not model.lattice
    assert "Eq. (22)" in model.description
    assert model.defaults == {"hbar": 1, "m": 1, "alpha": 1, "b": b}
    assert model.defaults["b"].is_Rational
    s = _syms(model)
    px, py, hbar, alpha, bb, m = (s[k] for k in ("p_x", "p_y", "hbar", "alpha", "b", "m"))
    assert hbar.is_positive and px.is_real and m.is_real
    delta = sp.sqrt(alpha**2 * (px**2 + py**2) + bb**2)
    sigma_x, sigma_y = sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]])
    sigma_z = sp.Matrix([[1, 0], [0, -1]])
    H = ((px**2 + py**2) / (2 * m) * sp.eye(2) + alpha * (py * sigma_x - px * sigma_y)
         + bb * sigma_z)
    assert (model.H - H).applyfunc(sp.expand) == sp.zeros(2, 2)
    for a in ("x", "y"):
        omega = symgrav.spin_berry_curvature(model, a, a)
        moment = symgrav.spin_magnetic_moment(model, a, a)
        for band, sign in ((0, -1), (1, +1)):  # band 0 = epsilon_-, band 1 = epsilon_+
            assert _zero(omega[band] - (-sign) * hbar**2 * alpha * bb / (4 * delta**3))
            assert _zero(moment[band] - hbar**2 * alpha * bb / (4 * delta**2))


def _numeric_omega_xx(k_x, k_y, p):
    """Eq. (8b) by brute force on arrays of k: numpy eigenvectors of H(k), v = dH/dk_x,
    s_x = sigma_x / 2 (hbar = 1).  Returns Omega (..., band) and energies (..., band)."""
    sx = np.array([[0, 1], [1, 0]], dtype=complex)
    sy = np.array([[0, -1j], [1j, 0]])
    sz = np.diag([1.0 + 0j, -1.0])
    k_x, k_y = np.broadcast_arrays(np.asarray(k_x, float), np.asarray(k_y, float))
    cx = (np.cos(k_x) + np.cos(k_y))[..., None, None]
    sin_x = np.sin(k_x)[..., None, None]
    H = (p["t0"] * cx * np.eye(2) + p["lam"] * (np.sin(k_y)[..., None, None] * sx - sin_x * sy)
         + (p["M0"] + p["t"] * cx) * sz)
    v = -p["lam"] * np.cos(k_x)[..., None, None] * sy - (p["t"] * sz + p["t0"] * np.eye(2)) * sin_x
    e, u = np.linalg.eigh(H)
    uh = np.conj(np.swapaxes(u, -1, -2))
    vm, sm = uh @ v @ u, uh @ (sx / 2) @ u
    # Omega_n = i hbar sum_m v_nm s_mn / (e_n - e_m)^2 + c.c., here m = 1 - n
    gap2 = (e[..., 1] - e[..., 0])**2
    omega = [(2j * vm[..., n, 1 - n] * sm[..., 1 - n, n]).real / gap2 for n in (0, 1)]
    return np.stack(omega, axis=-1), e


def test_lattice_insulator_geometry_gap_and_alpha():
    model = load_model("lattice_insulator")
    assert model.lattice and model.hbar == 1 and model.description
    p = {k: float(v) for k, v in model.defaults.items()}
    assert set(p) == {"t0", "lam", "M0", "t"}
    omega = symgrav.spin_berry_curvature(model, "x", "x")
    s = _syms(model)
    names = sorted(p)
    args = [s["k_x"], s["k_y"]] + [s[k] for k in names]
    rng = np.random.default_rng(7)
    k_x, k_y = rng.uniform(-np.pi, np.pi, size=(2, 20))
    expected, _ = _numeric_omega_xx(k_x, k_y, p)
    for band, w in enumerate(omega):
        got = sp.lambdify(args, w, "numpy")(k_x, k_y, *(p[k] for k in names))
        assert np.allclose(got, expected[:, band], rtol=1e-10, atol=1e-12)
    # gap open everywhere in the BZ, and alpha_x^x = int_BZ d^2k/(2 pi)^2 Omega_lower != 0
    ks = np.linspace(-np.pi, np.pi, 128, endpoint=False)
    om, e = _numeric_omega_xx(ks[:, None], ks[None, :], p)
    assert e[..., 1].min() - e[..., 0].max() > 1.0
    alpha_xx = om[..., 0].mean()  # periodic trapezoid rule, exponentially accurate
    assert abs(alpha_xx) > 1e-3
    assert alpha_xx == pytest.approx(-5.404e-3, rel=1e-3)


# -- the format ---------------------------------------------------------------

def test_pauli_and_matrix_forms_give_the_same_model(tmp_path):
    a = load_model(_write(tmp_path, RASHBA_PAULI, "a.toml"))
    b = load_model(str(_write(tmp_path, RASHBA_MATRIX, "b.toml")))
    assert (a.H - b.H).applyfunc(sp.simplify) == sp.zeros(2, 2)
    assert a.defaults == b.defaults
    assert all(v.is_Rational for v in b.defaults.values())
    for x, y in zip(symgrav.spin_berry_curvature(a, "x", "x"),
                    symgrav.spin_berry_curvature(b, "x", "x")):
        assert _zero(x - y)


def test_builtin_rashba_equals_its_matrix_form(tmp_path):
    b = load_model(_write(tmp_path, RASHBA_MATRIX))
    builtin = load_model("rashba")
    assert (builtin.H - b.H).applyfunc(sp.simplify) == sp.zeros(2, 2)


def test_name_defaults_to_the_file_stem_and_source_is_recorded(tmp_path):
    path = _write(tmp_path, RASHBA_PAULI.replace('name = "r"', ""), "my_model.toml")
    model = load_model(Path(path))
    assert model.name == "my_model" and model.description == ""
    assert model.source == str(path)


def test_explicit_spin_under_hamiltonian_or_top_level(tmp_path):
    spin = ('{x = [["hbar/2*0", "hbar/2"], ["hbar/2", 0]], y = [[0, "-I*hbar/2"], '
            '["I*hbar/2", 0]], z = [["hbar/2", 0], [0, "-hbar/2"]]}')
    under = load_model(_write(tmp_path, RASHBA_PAULI + f"spin = {spin}\n", "u.toml"))
    top = load_model(_write(tmp_path, RASHBA_PAULI.replace("[parameters]", f"spin = {spin}\n"
                                                           "[parameters]"), "t.toml"))
    default = load_model(_write(tmp_path, RASHBA_PAULI, "d.toml"))
    for model in (under, top):
        for x, y in zip(symgrav.spin_berry_curvature(model, "y", "y"),
                        symgrav.spin_berry_curvature(default, "y", "y")):
            assert _zero(x - y)


def test_four_band_model_needs_and_accepts_spin(tmp_path):
    body = """
    momenta = ["k"]
    [hamiltonian]
    matrix = [["k", "g", 0, 0], ["g", "-k", 0, 0], [0, 0, "k", "g"], [0, 0, "g", "-k"]]
    """
    with pytest.raises(SymgravError, match=r"key 'hamiltonian.spin'"):
        load_model(_write(tmp_path, body, "no_spin.toml"))
    spin = """
    [hamiltonian.spin]
    x = [[0, 0, 0.5, 0], [0, 0, 0, 0.5], [0.5, 0, 0, 0], [0, 0.5, 0, 0]]
    y = [[0, 0, "-I/2", 0], [0, 0, 0, "-I/2"], ["I/2", 0, 0, 0], [0, "I/2", 0, 0]]
    z = [[0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, -0.5, 0], [0, 0, 0, -0.5]]
    """
    model = load_model(_write(tmp_path, body + spin, "spin.toml"))
    assert model.N == 4 and model.spin[2][0, 0] == sp.Rational(1, 2)


def test_multiline_strings_are_read_as_one_line(tmp_path):
    text = RASHBA_PAULI.replace('z = "b"', 'z = """b\n  + 0"""')
    assert load_model(_write(tmp_path, text)).H[0, 0].has(sp.Symbol("b", real=True))


# -- errors -------------------------------------------------------------------

BAD_FILES = [
    # (modification of RASHBA_PAULI as (old, new), key named in the message)
    (('name = "r"', 'name = "r"\nhamiltonain = 1'), "hamiltonain"),
    (('name = "r"', "name = 3"), "name"),
    (('name = "r"', 'name = "r"\ndescription = ["x"]'), "description"),
    (('name = "r"', 'name = "r"\nlattice = "yes"'), "lattice"),
    (('momenta = ["p_x", "p_y"]', ""), "momenta"),
    (('momenta = ["p_x", "p_y"]', 'momenta = "p_x"'), "momenta"),
    (('momenta = ["p_x", "p_y"]', 'momenta = []'), "momenta"),
    (('momenta = ["p_x", "p_y"]', 'momenta = ["p_x", "p_x"]'), "momenta"),
    (('momenta = ["p_x", "p_y"]', 'momenta = ["p_x", "__y"]'), "momenta"),
    (('momenta = ["p_x", "p_y"]', 'momenta = ["p_x", "pi"]'), "momenta"),
    (('momenta = ["p_x", "p_y"]', 'momenta = ["p_x", 2]'), "momenta"),
    (('hbar = "hbar"', 'hbar = -1'), "hbar"),
    (('hbar = "hbar"', 'hbar = "0"'), "hbar"),
    (('hbar = "hbar"', 'hbar = true'), "hbar"),
    (('hbar = "hbar"', 'hbar = 1'), "hbar"),  # numeric hbar, but H uses... see below
    (("hbar = 1\n", "hbar = -2\n"), "parameters.hbar"),
    (("b = 0.5", 'b = "abc"'), "parameters.b"),
    (("b = 0.5", "b = true"), "parameters.b"),
    (("b = 0.5", "b = [1]"), "parameters.b"),
    (("b = 0.5", 'b = "1/0"'), "parameters.b"),
    (("b = 0.5", 'b = "I"'), "parameters.b"),
    (("b = 0.5", "b = inf"), "parameters.b"),
    (("b = 0.5", "b = 0.5\nunused = 2"), "parameters.unused"),
    (("b = 0.5", "b = 0.5\npi = 2"), "parameters.pi"),
    (("b = 0.5", "b = 0.5\np_x = 2"), "parameters.p_x"),
    (("[parameters]\nhbar = 1\nm = 1\nalpha = 1\nb = 0.5\n", "parameters = 3\n"),
     "parameters"),
    (("[hamiltonian]\n", "[hamiltonia]\n"), "hamiltonia"),
    (('x = "alpha*p_y"', 'x = "__import__(\'os\').system(\'echo hi\')"'),
     "hamiltonian.pauli.x"),
    (('x = "alpha*p_y"', 'x = "alpha*p_y ^ 2"'), "hamiltonian.pauli.x"),
    (('x = "alpha*p_y"', 'x = "alpha*p_y +"'), "hamiltonian.pauli.x"),
    (('x = "alpha*p_y"', 'x = true'), "hamiltonian.pauli.x"),
    (('x = "alpha*p_y"', 'w = "alpha*p_y"'), "hamiltonian.pauli"),
    (('z = "b"', 'z = "I*b"'), "hamiltonian"),  # not Hermitian
    (('z = "b"}', 'z = "b"}\nmatrix = [["1"]]'), "hamiltonian"),
    (('z = "b"}', 'z = "b"}\ncolour = 1'), "hamiltonian.colour"),
    (('z = "b"}', 'z = "b"}\nspin = {x = [[1, 0], [0, 1]], y = [[1, 0], [0, 1]]}'),
     "hamiltonian.spin"),
    (('z = "b"}', 'z = "b"}\nspin = {x = [[1]], y = [[1]], z = [[1]]}'),
     "hamiltonian.spin.x"),
    (('z = "b"}', 'z = "b"}\nspin = {x = [[0, "I"], [0, 0]], y = [[1, 0], [0, 1]], '
                  'z = [[1, 0], [0, 1]]}'), "hamiltonian.spin"),
]


@pytest.mark.parametrize("change, key", BAD_FILES, ids=[k + str(i) for i, (_, k)
                                                        in enumerate(BAD_FILES)])
def test_malformed_files_name_the_file_and_the_key(tmp_path, change, key):
    old, new = change
    assert old in RASHBA_PAULI
    text = RASHBA_PAULI.replace(old, new, 1)
    if change == ('hbar = "hbar"', 'hbar = 1'):
        text = text.replace('z = "b"', 'z = "b*hbar"').replace("hbar = 1\nm", "m")
    path = _write(tmp_path, text)
    with pytest.raises(SymgravError) as info:
        load_model(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: key '{key}'"), message


@pytest.mark.parametrize("body, key", [
    ('momenta = ["k"]\n', "hamiltonian"),
    ('momenta = ["k"]\nhamiltonian = 1\n', "hamiltonian"),
    ('momenta = ["k"]\n[hamiltonian]\n', "hamiltonian"),
    ('momenta = ["k"]\n[hamiltonian]\npauli = {}\n', "hamiltonian.pauli"),
    ('momenta = ["k"]\n[hamiltonian]\nmatrix = []\n', "hamiltonian.matrix"),
    ('momenta = ["k"]\n[hamiltonian]\nmatrix = [["k", 0]]\n', "hamiltonian.matrix"),
    ('momenta = ["k"]\n[hamiltonian]\nmatrix = [["k", 0], [0]]\n', "hamiltonian.matrix"),
    ('momenta = ["k"]\n[hamiltonian]\nmatrix = [["k", 0], 0]\n', "hamiltonian.matrix[1]"),
    ('momenta = ["k"]\n[hamiltonian]\nmatrix = [["k", [0]], [0, 1]]\n',
     "hamiltonian.matrix[0][1]"),
    ('momenta = ["k"]\n[hamiltonian]\nmatrix = [["k", 1], [2, "-k"]]\n', "hamiltonian"),
    ('momenta = ["k"]\nspin = {x = [[1, 0], [0, 1]], y = [[1, 0], [0, 1]], z = [[1, 0], '
     '[0, 1]]}\n[hamiltonian]\nmatrix = [["k", 1], [1, "-k"]]\nspin = {x = [[1, 0], '
     '[0, 1]], y = [[1, 0], [0, 1]], z = [[1, 0], [0, 1]]}\n', "spin"),
])
def test_malformed_hamiltonian_tables(tmp_path, body, key):
    path = _write(tmp_path, body)
    with pytest.raises(SymgravError) as info:
        load_model(path)
    assert str(info.value).startswith(f"{path}: key '{key}'"), str(info.value)


def test_toml_syntax_error_names_the_file(tmp_path):
    path = _write(tmp_path, 'name = "r"\nmomenta = [p_x]\n')
    with pytest.raises(SymgravError) as info:
        load_model(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "TOML syntax error" in message
    assert "line 2" in message and "\n" not in message


def test_deeply_nested_toml_is_refused():
    with pytest.raises(SymgravError, match="^deep: "):
        loads_model("x = " + "[" * 100000 + "]" * 100000, source="deep")


def test_missing_file_directory_and_bad_encoding(tmp_path):
    with pytest.raises(SymgravError, match="no such model file"):
        load_model(tmp_path / "nope.toml")
    with pytest.raises(SymgravError, match="is a directory"):
        load_model(tmp_path)
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(SymgravError, match=r"latin1\.toml: not UTF-8"):
        load_model(bad)


def test_unknown_builtin_lists_the_builtins():
    with pytest.raises(SymgravError) as info:
        load_model("no_such_model")
    assert "rashba" in str(info.value) and "no_such_model" in str(info.value)
    with pytest.raises(SymgravError):
        load_model(3)


def test_hostile_expressions_in_a_file_execute_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "pwned"
    text = RASHBA_PAULI.replace(
        'x = "alpha*p_y"', f'x = "__import__(\'os\').system(\'touch {target}\')"')
    path = _write(tmp_path, text)
    with pytest.raises(SymgravError, match="hamiltonian.pauli.x"):
        load_model(path)
    text = RASHBA_PAULI.replace("b = 0.5", "b = \"open('pwned', 'w')\"")
    with pytest.raises(SymgravError, match="parameters.b"):
        loads_model(text, source="inline")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.toml"]


def test_loads_model_uses_the_given_source_label():
    with pytest.raises(SymgravError, match=r"^inline: key 'momenta'"):
        loads_model("[hamiltonian]\nmatrix = [[1]]\n", source="inline")
