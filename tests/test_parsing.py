"""Tests of symgrav.symbolic.parsing: the whitelist expression parser (data, never code)."""

import os
import random
import time

import pytest
import sympy as sp

from symgrav.errors import SymgravError
from symgrav.symbolic.parsing import FUNCTIONS, MAX_LENGTH, parse_expression

PX = sp.Symbol("p_x", real=True)
SYMS = {"p_x": PX}


def _real(name):
    return sp.Symbol(name, real=True)


# -- what is accepted ---------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("(p_x**2 + p_y**2)/(2*m)", (PX**2 + _real("p_y")**2) / (2 * _real("m"))),
    ("-alpha*p_x", -_real("alpha") * PX),
    ("+p_x - -p_x", 2 * PX),
    ("2**-3", sp.Rational(1, 8)),
    ("2**0.5", sp.sqrt(2)),
    ("2**1000", sp.Integer(2)**1000),
    ("(7/3)**-1000", sp.Rational(3, 7)**1000),
    ("a**b**c", _real("a")**(_real("b")**_real("c"))),
    ("1/3 + 1/6", sp.Rational(1, 2)),
    ("0x1F", sp.Integer(31)),
    ("I*pi + E", sp.I * sp.pi + sp.E),
    ("2j", 2 * sp.I),
    ("0.5j*p_x", sp.I * PX / 2),
    ("log(8, 2)", sp.Integer(3)),
    ("abs(p_x) - Abs(p_x)", sp.Integer(0)),
    ("  p_x  ", PX),
])
def test_accepted_expressions(text, expected):
    got = parse_expression(text, SYMS)
    assert sp.simplify(got - expected) == 0


@pytest.mark.parametrize("text, expected", [
    ("0.1", sp.Rational(1, 10)),
    ("2.5e-3", sp.Rational(1, 400)),
    ("1e3", sp.Integer(1000)),
    (".5", sp.Rational(1, 2)),
    ("5.", sp.Integer(5)),
    ("1_000.25", sp.Rational(4001, 4)),
    ("0.30000000000000004", sp.Rational(30000000000000004, 10**17)),
    ("1.5E+2", sp.Integer(150)),
])
def test_decimal_literals_are_exact_rationals(text, expected):
    got = parse_expression(text)
    assert got == expected
    assert got.is_Rational and not got.has(sp.Float)


def test_declared_symbols_are_used_and_new_names_are_real():
    q = sp.Symbol("q", positive=True)
    expr = parse_expression("q*r + E", {"q": q})
    assert q in expr.free_symbols
    r = next(s for s in expr.free_symbols if s.name == "r")
    assert r.is_real and r == _real("r")
    # a declared name shadows the constant of the same name
    e_sym = sp.Symbol("E", real=True)
    assert parse_expression("E", {"E": e_sym}) is e_sym


def test_unicode_identifier_becomes_a_symbol():
    assert parse_expression("2*α") == 2 * _real("α")


def test_allow_new_false_refuses_unknown_names():
    assert parse_expression("pi/2 + p_x", SYMS, allow_new=False) == sp.pi / 2 + PX
    with pytest.raises(SymgravError, match="unknown name 'b'"):
        parse_expression("b", SYMS, allow_new=False)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_whitelisted_function_maps_to_sympy(name):
    func = FUNCTIONS[name][0]
    x = sp.Rational(3, 7)  # a value where no function simplifies to a plain number
    got = parse_expression(f"{name}(3/7)")
    assert sp.simplify(got - func(x)) == 0
    assert sp.N(got - func(x), 30) == 0


def test_long_left_chains_are_not_deep_nesting():
    # 1000 terms is far beyond MAX_DEPTH but is a flat sum, not nesting
    assert parse_expression(" + ".join(["a"] * 1000)) == 1000 * _real("a")
    assert parse_expression("*".join(["2"] * 1000) + "/2**999") == 2


def test_random_expressions_match_direct_construction():
    """Seeded random expression trees: parsing their text rebuilds the same SymPy value."""
    rng = random.Random(1234)
    a, b = _real("a"), _real("b")
    leaves = [("a", a), ("b", b), ("p_x", PX), ("3", sp.Integer(3)), ("0.25", sp.Rational(1, 4)),
              ("pi", sp.pi)]

    def gen(depth):
        if depth == 0 or rng.random() < 0.3:
            return rng.choice(leaves)
        kind = rng.choice(["+", "-", "*", "/", "**", "neg", "sin", "exp"])
        (ls, lv), (rs, rv) = gen(depth - 1), gen(depth - 1)
        if kind == "+":
            return f"({ls} + {rs})", lv + rv
        if kind == "-":
            return f"({ls} - {rs})", lv - rv
        if kind == "*":
            return f"({ls} * {rs})", lv * rv
        if kind == "/":
            return f"({ls} / ({rs} + 5))", lv / (rv + 5)
        if kind == "**":
            return f"({ls})**2", lv**2
        if kind == "neg":
            return f"-({ls})", -lv
        if kind == "sin":
            return f"sin({ls})", sp.sin(lv)
        return f"exp({ls})", sp.exp(lv)

    point = {a: sp.Rational(3, 10), b: sp.Rational(-7, 10), PX: sp.Rational(11, 10)}
    for _ in range(60):
        text, value = gen(4)
        got = parse_expression(text, SYMS)
        diff = (got - value).xreplace(point)
        assert abs(complex(sp.N(diff, 30))) < 1e-20, text


# -- what is refused ----------------------------------------------------------

HOSTILE = [
    "__import__('os').system('echo hi')",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "(lambda: 1)()",
    "10**10**10**10",
    "9**9**9",
    "2**100000",
    "(10**10)**(10**10)",
    "(10**999)**999",
    "p_x**2000",
    "(p_x**1000)**2",
    "(p_x + 1)**1000 * (p_x + 1)**1000",
    "*".join(["10**1000"] * 10),
    "(10**1000 + 7)**(1/3)",
    "Abs(10**1000 + I)",
    "'a'*10",
    "b'a'",
    "f'{p_x}'",
    "p_x[0]",
    "p_x.conjugate()",
    "p_x ^ 2",
    "1 +",
    "sin(p_x, key=1)",
    "sin(*p_x)",
    "sqrt(1, 2)",
    "open('f')",
    "p_x(2)",
    "sin",
    "x" * 20000,
    "(" * 1000 + "1" + ")" * 1000,
    "sin(" * 150 + "1" + ")" * 150,
    "-" * 9999 + "1",
    "1" * 1001,
    "0x" + "f" * 5000,
    "1e100000",
    "[x for x in ()]",
    "{1: 2}",
    "p_x < 1",
    "p_x and 1",
    "not p_x",
    "~p_x",
    "p_x if 1 else 2",
    "(y := 1)",
    "p_x // 2",
    "p_x % 2",
    "p_x @ p_x",
    "_secret",
    "__builtins__",
    "True",
    "None",
    "...",
    "1/0",
    "log(0)",
    "0**-1",
    "",
    "   ",
    "import os",
    "a; b",
    "a = 1",
    "a\x00b",
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:30]))
def test_hostile_strings_are_refused_quickly(text):
    start = time.perf_counter()
    with pytest.raises(SymgravError) as info:
        parse_expression(text, SYMS)
    assert time.perf_counter() - start < 1.0
    message = str(info.value)
    assert "\n" not in message and len(message) < 400


@pytest.mark.parametrize("text, fragment", [
    ("p_x ^ 2", "'**'"),
    ("1 +", "syntax error at end of input"),
    ("(1 + 2) )", "column 9"),
    ("__import__('os')", "'__import__'"),
    ("p_x.conjugate()", "p_x.conjugate"),
    ("sin(p_x, key=1)", "keyword argument 'key=1'"),
    ("p_x[0]", "subscript 'p_x[0]'"),
    ("'a'*10", "string"),
    ("9**9**9", "exponent larger than 1000"),
    ("x" * (MAX_LENGTH + 1), "limit is 10000"),
    ("sin(" * 150 + "1" + ")" * 150, "nested deeper than 100"),
    ("1/0", "division by zero"),
])
def test_error_messages_name_the_offending_piece(text, fragment):
    with pytest.raises(SymgravError) as info:
        parse_expression(text, SYMS)
    assert fragment in str(info.value)


def test_non_string_input_is_refused():
    with pytest.raises(SymgravError, match="expected an expression string"):
        parse_expression(3)


def test_nothing_is_executed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "created"
    attempts = [
        f"open({str(target)!r}, 'w')",
        f"__import__('os').system('touch {target}')",
        f"__import__('pathlib').Path({str(target)!r}).touch()",
        "open('created', 'w').write('x')",
        "exec(\"open('created', 'w')\")",
        "eval(\"open('created', 'w')\")",
        "[c for c in ().__class__.__base__.__subclasses__()]",
    ]
    for text in attempts:
        with pytest.raises(SymgravError):
            parse_expression(text)
    assert os.listdir(tmp_path) == []


def test_random_garbage_only_ever_raises_symgrav_error():
    """Seeded fuzz: arbitrary strings either parse or raise SymgravError, quickly."""
    rng = random.Random(20240310)
    alphabet = "p_xab019.+-*/()^ ,'[]{}=<>!&|~%@:;ejI\n\\\"#"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        start = time.perf_counter()
        try:
            out = parse_expression(text, SYMS)
        except SymgravError:
            pass
        else:
            assert isinstance(out, sp.Expr)
        assert time.perf_counter() - start < 1.0, text
