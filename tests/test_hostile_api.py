"""Issue 11 item 3: strings handed to the Python API are data, never code.

Every payload would create the file ``PWNED`` in the current directory if it
were evaluated; each case asserts a one-line SymgravError and that the file
does not exist.  The accepted strings are compared with the same model built
from SymPy objects written out in the test.
"""

import time

import pytest
import sympy as sp

from symgrav import Model
from symgrav.errors import SymgravError

px, py = sp.symbols("p_x p_y", real=True)
PAYLOADS = [
    "__import__('os').system('touch PWNED')",
    "().__class__.__base__.__subclasses__()",
    "open('PWNED', 'w').write('x')",
    "exec(\"open('PWNED','w')\")",
    "lambda: open('PWNED', 'w')",
    "p_x + (open('PWNED', 'w') and 0)",
]


class _Sneaky:
    """An object that sympify(strict=False) would parse through its str()."""

    def __str__(self):
        return "__import__('os').system('touch PWNED')"


def _assert_refused(exc, tmp_path):
    msg = str(exc.value)
    assert msg and "\n" not in msg
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_H_entry(tmp_path, monkeypatch, payload):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SymgravError, match=r"H\[0\]\[1\]") as exc:
        Model([["p_x", payload], [0, "-p_x"]], [px])
    _assert_refused(exc, tmp_path)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_as_hbar(tmp_path, monkeypatch, payload):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SymgravError, match="hbar") as exc:
        Model(sp.diag(px, -px), [px], hbar=payload)
    _assert_refused(exc, tmp_path)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_spin(tmp_path, monkeypatch, payload):
    monkeypatch.chdir(tmp_path)
    H = sp.diag(px, 0, -px)
    with pytest.raises(SymgravError, match=r"spin\[1\]") as exc:
        Model(H, [px], spin=[sp.eye(3), [[payload, 0, 0], [0, 0, 0], [0, 0, 0]], sp.eye(3)])
    _assert_refused(exc, tmp_path)
    with pytest.raises(SymgravError, match=r"spin\[0\] is not a matrix") as exc:
        Model(H, [px], spin=[payload, sp.eye(3), sp.eye(3)])
    _assert_refused(exc, tmp_path)


def test_object_with_hostile_str_is_not_parsed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SymgravError, match=r"H\[0\]\[0\]") as exc:
        Model([[_Sneaky(), 0], [0, 1]], [px])
    _assert_refused(exc, tmp_path)
    with pytest.raises(SymgravError, match="hbar") as exc:
        Model(sp.diag(px, -px), [px], hbar=_Sneaky())
    _assert_refused(exc, tmp_path)


@pytest.mark.parametrize("value", [True, None, b"p_x", bytearray(b"1")])
def test_non_expressions_refused(value):
    with pytest.raises(SymgravError, match=r"H\[1\]\[1\]: expected"):
        Model([[px, 0], [0, value]], [px])


def test_strings_give_the_sympy_model():
    """The Rashba H of Eq. (22) from strings equals the one written in SymPy."""
    m, alpha, b = sp.symbols("m alpha b", real=True)
    hbar = sp.Symbol("hbar", positive=True)
    d0 = (px**2 + py**2) / (2 * m)
    expected = sp.Matrix([[d0 + b, alpha * (py + sp.I * px)],
                          [alpha * (py - sp.I * px), d0 - b]])
    text = [["(p_x**2 + p_y**2)/(2*m) + b", "alpha*(p_y + I*p_x)"],
            ["alpha*(p_y - 1j*p_x)", "(p_x**2 + p_y**2)/(2*m) - b"]]
    model = Model(text, [px, py], hbar="hbar")
    assert (model.H - expected).applyfunc(sp.expand) == sp.zeros(2, 2)
    assert model.hbar == hbar
    assert sorted(s.name for s in model.parameters) == ["alpha", "b", "hbar", "m"]
    # the default spin is (hbar/2) sigma with the same hbar symbol
    assert model.spin[2] == sp.diag(hbar / 2, -hbar / 2)
    # a name in a string is the user's own symbol of that name, even without assumptions
    q = sp.Symbol("q")
    mixed = Model([[q * px, "q"], ["q", "-p_x"]], [px])
    assert mixed.parameters == (q,)


def test_numeric_hbar_string():
    model = Model(sp.diag(px, -px), [px], hbar="1/2")
    assert model.hbar == sp.Rational(1, 2)
    with pytest.raises(SymgravError, match="hbar must be"):
        Model(sp.diag(px, -px), [px], hbar="-1")


def test_to_internal_reads_strings_as_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model = Model([["p_x", "g"], ["g", "-p_x"]], [px])
    g = model.symbol("g")
    assert model.to_internal("2*g") == 2 * g
    with pytest.raises(SymgravError) as exc:
        model.to_user(PAYLOADS[0])
    _assert_refused(exc, tmp_path)


@pytest.mark.parametrize("value", [True, 1 + 2j])
def test_boolean_or_complex_default_refused(value):
    with pytest.raises(SymgravError, match="must be a real number"):
        Model(sp.diag(px, -px) * sp.Symbol("m", real=True), [px], parameters={"m": value})


def test_boolean_parameter_value_refused_at_use():
    from symgrav import sweep

    m = sp.Symbol("m", real=True)
    model = Model(sp.diag(px**2 / (2 * m), -px**2 / (2 * m) - 1), [px], parameters={"m": 1})
    for value, needle in ((True, "boolean"), (1j, "not a real number")):
        with pytest.raises(SymgravError, match=needle):
            sweep(model, {"m": value}, mu=0, T=0, workers=1, progress=False)


# -- budgets of symbolic work (issue 11 item 1) --------------------------------
@pytest.mark.parametrize("text", ["(a + b + c)**7", "(a + b)**3*(c + d)**2 + a*b",
                                  "(a + 1)**-4 + (b + c + d)**5", "a*b*c", "((a + b)**2 + c)**3"])
def test_term_estimate_bounds_sympy_expand(text):
    """The estimate is an upper bound of the terms sympy.expand really produces, and exact
    for a power of a sum of distinct symbols (the monomials of degree n in k variables)."""
    from math import comb

    from symgrav.symbolic.budget import expanded_terms
    from symgrav.symbolic.parsing import parse_expression

    expr = parse_expression(text)
    expanded = sp.expand(expr)
    actual = len(expanded.args) if isinstance(expanded, sp.Add) else 1
    estimate = expanded_terms(expr, 10 ** 6)
    assert estimate >= actual
    if text == "(a + b + c)**7":
        assert estimate == actual == comb(7 + 2, 2)


def test_huge_expansion_refused_before_it_is_built(monkeypatch):
    monkeypatch.setenv("SYMGRAV_MAX_TERMS", "1000")
    # (p_x + 1)**999 has 1000 terms, one more power exceeds the budget
    Model([["(p_x + 1)**999", 0], [0, 1]], [px])
    with pytest.raises(SymgravError, match=r"H\[0\]\[0\].*more than 1000 terms.*"
                                           "SYMGRAV_MAX_TERMS"):
        Model([["(p_x + 1)**1000", 0], [0, 1]], [px])


def test_symbolic_time_limit(monkeypatch):
    import time

    from symgrav.symbolic.budget import time_limit

    monkeypatch.setenv("SYMGRAV_MAX_SYMBOLIC_SECONDS", "1")
    start = time.monotonic()
    with pytest.raises(SymgravError, match="an endless loop refused: needs more than 1 s"):
        with time_limit("an endless loop"):
            while True:
                sp.simplify(sp.sin(px) ** 2 + sp.cos(px) ** 2 + px ** 3)
    assert time.monotonic() - start < 30
    time.sleep(1.5)  # the timer is gone: nothing fires after the block
    with time_limit("quick work"):
        assert sp.expand((px + 1) ** 2) == px ** 2 + 2 * px + 1


@pytest.mark.parametrize("threshold", ["2e4", "3e7", "2e19"])
def test_non_hermitian_far_out_is_refused_by_the_model(threshold):
    """Non-Hermitian only for p_x beyond 2e4 ... 2e19 (before: only the engine caught 2e4):
    refused when the Model is built, with the entry and a point beyond the threshold."""
    extra = f" + I*(Abs(p_x - {threshold}) + p_x - {threshold})**2"
    start = time.monotonic()
    with pytest.raises(SymgravError, match=r"not Hermitian.*H\[0\]\[1\]") as exc:
        Model([["(p_x**2 + p_y**2)/2 + 1", "p_y + I*p_x" + extra],
               ["p_y - I*p_x" + extra, "(p_x**2 + p_y**2)/2 - 1"]], [px, py])
    assert time.monotonic() - start < 30
    msg = str(exc.value)
    assert "\n" not in msg
    assert float(msg.split("p_x = ")[1].split(",")[0]) > float(threshold)


def test_engine_rechecks_hermiticity_where_the_model_check_did_not_look():
    """Non-Hermitian only for p_x > 3e25, beyond the sampled magnitudes (1e20): Model accepts
    it, and the engine refuses it with the cause instead of comparing complex numbers."""
    from symgrav import sweep

    extra = " + I*(Abs(p_x - 3e25) + p_x - 3e25)**2"
    model = Model([["(p_x**2 + p_y**2)/2 + 1", "p_y + I*p_x" + extra],
                   ["p_y - I*p_x" + extra, "(p_x**2 + p_y**2)/2 - 1"]], [px, py])
    for dps in (20, "double"):
        with pytest.raises(SymgravError, match="H is not Hermitian for these parameter values"):
            sweep(model, mu=1, T="0.1", dps=dps, workers=1, progress=False)


@pytest.mark.parametrize("name", ["mpf", "numpy", "x0", "exp"])
def test_parameter_names_that_clash_with_generated_code(name):
    """Generated code does not depend on the user's names (issue 11 item 4): a Rashba
    ferromagnet whose exchange field is called mpf / numpy / x0 / exp equals the hand-derived
    closed form of tests/rashba_reference.py (hbar = m = alpha = 1)."""
    import sympy as sp
    import mpmath as mp
    import symgrav
    from rashba_reference import alpha0
    px, py = sp.symbols("p_x p_y", real=True)
    b = sp.Symbol(name, positive=True)
    H = sp.Matrix([[(px**2 + py**2) / 2 + b, py + sp.I * px],
                   [py - sp.I * px, (px**2 + py**2) / 2 - b]])
    try:
        model = symgrav.Model(H, [px, py], parameters={name: sp.Rational(1, 2)})
    except symgrav.SymgravError as exc:       # a name may be refused up front, with a reason
        assert name in str(exc)
        return
    S = symgrav.Susceptibilities(model, {name: "0.5"}, dps=20)
    with mp.workdps(30):
        ref = alpha0(mp.mpf("0.3"), mp.mpf("0.5"))
    assert abs(S.alpha("0.3", 0) - ref) <= mp.mpf(10) ** -18 * abs(ref)
