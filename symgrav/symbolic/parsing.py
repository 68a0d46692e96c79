"""Safe parsing of user-written expressions (model files, the command line).

An expression string is *data*: :func:`parse_expression` reads it with
:func:`ast.parse` and builds the SymPy expression itself by walking a
whitelist of syntax nodes.  It never calls ``eval``, ``exec``,
``sympy.sympify`` or ``sympy.parse_expr`` on the text (those evaluate Python
code; see the warnings in Kwant's ``continuum/_common.py``).

Accepted grammar::

    expr := number | name | f(expr, ...) | (expr) | +expr | -expr
          | expr + expr | expr - expr | expr * expr | expr / expr | expr ** expr

* number: an integer literal (at most 1000 digits), a decimal literal such as
  ``0.1`` or ``2.5e-3`` (converted *exactly* from its decimal text, so
  ``0.1`` is ``Rational(1, 10)``, never a binary float) or an imaginary
  literal such as ``2j`` or ``0.5j`` (converted to ``2*I``, ``I/2``).
* name: a symbol declared in ``symbols``; else ``I``, ``pi``, ``E``; else a
  new *real* :class:`sympy.Symbol` of that name.  Names starting with ``_``
  and Python keywords are refused.
* f: one of :data:`FUNCTIONS` (elementary functions, mapped to SymPy).

Every other construct (attribute access, subscripts, lambdas, strings,
comparisons, ``^``, keyword arguments, ...) raises
:class:`~symgrav.errors.SymgravError` with a one-line message that names the
offending piece.  Sizes are bounded so that parsing never hangs: at most
:data:`MAX_LENGTH` characters, nesting depth :data:`MAX_DEPTH`, and a power
of two numbers is refused *before* it is computed when the exponent exceeds
:data:`MAX_EXPONENT` in size or the result would have more than
:data:`MAX_DIGITS` digits (below Python's 4300-digit limit of int -> str
conversion, so every result can be printed); numbers inside function
arguments and under roots are limited to :data:`MAX_ROOT_DIGITS` digits.
A flat sum of more than about 2900 terms exceeds Python's own parser limit
and is refused as too large.  The parser bounds the size of numbers, not the
cost of later symbolic algebra on a legitimate but enormous polynomial such as
``(a + b + c + d)**1000``.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
import unicodedata
import warnings

import sympy as sp

from ..errors import SymgravError

#: longest accepted expression, in characters
MAX_LENGTH = 10_000
#: deepest accepted nesting of the syntax tree (chains of + - and * / count once)
MAX_DEPTH = 100
#: largest |exponent| of a power of two numbers, and of any numeric power in the result
MAX_EXPONENT = 1000
#: largest number of decimal digits of a number built by ``**`` or ``*`` (kept below
#: Python's 4300-digit limit of int -> str conversion, so every result can be printed)
MAX_DIGITS = 4000
#: largest number of digits of an integer literal
MAX_LITERAL_DIGITS = 1000
#: largest number of digits of numbers inside a function argument or the base of a
#: non-integer power (roots and absolute values of huge numbers are slow in SymPy)
MAX_ROOT_DIGITS = 300

#: whitelisted functions: name -> (SymPy function, smallest and largest number of arguments)
FUNCTIONS = {
    "sqrt": (sp.sqrt, 1, 1), "exp": (sp.exp, 1, 1), "log": (sp.log, 1, 2),
    "sin": (sp.sin, 1, 1), "cos": (sp.cos, 1, 1), "tan": (sp.tan, 1, 1),
    "sinh": (sp.sinh, 1, 1), "cosh": (sp.cosh, 1, 1), "tanh": (sp.tanh, 1, 1),
    "asin": (sp.asin, 1, 1), "acos": (sp.acos, 1, 1), "atan": (sp.atan, 1, 1),
    "Abs": (sp.Abs, 1, 1), "abs": (sp.Abs, 1, 1), "sign": (sp.sign, 1, 1),
    "re": (sp.re, 1, 1), "im": (sp.im, 1, 1), "conjugate": (sp.conjugate, 1, 1),
}

#: named constants (a symbol of the same name in ``symbols`` takes precedence)
CONSTANTS = {"I": sp.I, "pi": sp.pi, "E": sp.E}

_BAD_BINOPS = {ast.BitXor: "'^' (bitwise xor; write '**' for a power)",
               ast.FloorDiv: "'//' (floor division; write '/')", ast.Mod: "'%'",
               ast.MatMult: "'@'", ast.LShift: "'<<'", ast.RShift: "'>>'",
               ast.BitOr: "'|'", ast.BitAnd: "'&'"}
_NODE_NAMES = {
    ast.Attribute: "attribute access", ast.Subscript: "subscript", ast.Lambda: "lambda",
    ast.ListComp: "comprehension", ast.SetComp: "comprehension",
    ast.DictComp: "comprehension", ast.GeneratorExp: "generator expression",
    ast.Compare: "comparison", ast.BoolOp: "boolean operator", ast.Starred: "starred argument",
    ast.IfExp: "conditional expression", ast.Tuple: "tuple", ast.List: "list",
    ast.Dict: "dict", ast.Set: "set", ast.NamedExpr: "assignment expression",
    ast.JoinedStr: "f-string", ast.Await: "await", ast.Yield: "yield",
    ast.YieldFrom: "yield", ast.Slice: "slice",
}
_WORD = re.compile(r"[^\W\d]\w*")
_DECIMAL = re.compile(r"^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$")


#: non-ASCII letters that look like an ASCII letter (Cyrillic and Greek homoglyphs); a
#: name containing one is refused, so that no two names on screen look alike
CONFUSABLES = {
    **dict.fromkeys("аеорсухіјѕԁԛԝвкмнтһԍ", "Cyrillic"),
    **dict.fromkeys("АВЕКМНОРСТХІЈЅԚԜУ", "Cyrillic"),
    **dict.fromkeys("οϲϳΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹϺ", "Greek"),
}


def name_problem(name):
    """Why ``name`` may not be a symbol name, or None when it may.

    A valid name is a Python identifier that does not start with ``_``, is
    not a Python keyword (soft keywords such as ``match`` are ordinary names,
    as in Python itself), is in Unicode normal form NFKC (Python itself reads
    the fullwidth ``ｐ_x`` as ``p_x``, so such a name could silently become
    another symbol) and contains no letter of :data:`CONFUSABLES` (a Cyrillic
    ``р`` looks like a Latin ``p``).  Greek letters such as ``α``, ``Δ``,
    ``ρ`` or ``ν`` (common physics symbols) are fine.  Plain bookkeeping; implements no
    equation of the paper.

    Parameters
    ----------
    name : object

    Returns
    -------
    str or None
        The reason, to be shown after the name in a message.
    """
    if not isinstance(name, str) or not name.isidentifier():
        return "is not a Python identifier"
    if name.startswith("_"):
        return "starts with '_'"
    if keyword.iskeyword(name):
        return "is a Python keyword"
    normal = unicodedata.normalize("NFKC", name)
    if normal != name:
        return (f"is not in Unicode normal form NFKC (Python reads it as {normal!r}); "
                "write it with ordinary letters")
    for ch in name:
        if ch in CONFUSABLES:
            return (f"contains the {CONFUSABLES[ch]} letter {ch!r} (U+{ord(ch):04X}), which "
                    "looks like a Latin letter")
    return None


def is_valid_name(name):
    """True when ``name`` may be a symbol name in an expression (see :func:`name_problem`).

    Constants (``I``, ``pi``, ``E``) and function names are valid names
    here; callers that declare symbols decide whether to allow them to shadow
    those.  Plain bookkeeping; implements no equation of the paper.

    Parameters
    ----------
    name : object

    Returns
    -------
    bool
    """
    return name_problem(name) is None


def _show(text, node, limit=40):
    seg = ast.get_source_segment(text, node) or type(node).__name__
    seg = " ".join(seg.split())
    return repr(seg if len(seg) <= limit else seg[:limit - 3] + "...")


def _size(expr):
    """Upper bound of the digits of any number that multiplying by ``expr`` can create.

    The sum over the rational atoms of expr of the digits of their numerator
    and denominator (an over-estimate, which is the safe side).
    """
    return sum((abs(int(a.p)).bit_length() + int(a.q).bit_length()) * math.log10(2)
               for a in expr.atoms(sp.Rational))


class _Builder:
    """Walk a parsed expression and build the SymPy result (one instance per call)."""

    def __init__(self, text, symbols, allow_new):
        self.text = text
        self.symbols = symbols
        self.allow_new = allow_new

    def fail(self, node, what):
        raise SymgravError(f"{what} {_show(self.text, node)} is not allowed in an expression "
                           f"{self.summary()}")

    def summary(self):
        one = " ".join(self.text.split())
        return f"(in {one if len(one) <= 60 else one[:57] + '...'!r})"

    def build(self, node, depth=0):
        if depth > MAX_DEPTH:
            raise SymgravError(f"expression nested deeper than {MAX_DEPTH} levels "
                               f"{self.summary()}")
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd):
                return self.build(node.operand, depth + 1)
            if isinstance(node.op, ast.USub):
                return -self.build(node.operand, depth + 1)
            self.fail(node, "operator 'not' in" if isinstance(node.op, ast.Not)
                      else "operator '~' in")
        if isinstance(node, ast.BinOp):
            return self.binop(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        self.fail(node, _NODE_NAMES.get(type(node), f"Python syntax ({type(node).__name__})"))

    def constant(self, node):
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            self.fail(node, "constant")
        if isinstance(value, str):
            self.fail(node, "string")
        if isinstance(value, bytes):
            self.fail(node, "bytes literal")
        if isinstance(value, int):
            if value.bit_length() > 3400 or len(str(abs(value))) > MAX_LITERAL_DIGITS:
                self.fail(node, f"integer literal with more than {MAX_LITERAL_DIGITS} digits")
            return sp.Integer(value)
        # exact value from the literal's decimal text, never from the binary float
        seg = (ast.get_source_segment(self.text, node) or "").replace("_", "").lower()
        if isinstance(value, float):
            return self.decimal(node, seg)
        if isinstance(value, complex):
            return sp.I * self.decimal(node, seg[:-1] if seg.endswith("j") else seg)
        self.fail(node, f"constant of type {type(value).__name__}")

    def decimal(self, node, seg):
        match = _DECIMAL.match(seg)
        if not match:
            self.fail(node, "number literal")
        whole, frac, exp = match.group(1), match.group(2) or "", match.group(3)
        exp = int(exp) if exp else 0
        if len(whole) + len(frac) > MAX_LITERAL_DIGITS or abs(exp) > MAX_EXPONENT:
            self.fail(node, "number literal with more than "
                      f"{MAX_LITERAL_DIGITS} digits or exponent beyond 1e{MAX_EXPONENT}")
        mantissa = int((whole + frac) or "0")
        return sp.Rational(mantissa, 10 ** len(frac)) * sp.Rational(10) ** exp

    def name(self, node):
        name = node.id
        if name in self.symbols:
            return self.symbols[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise SymgravError(f"function {name!r} needs an argument list, e.g. {name}(x) "
                               f"{self.summary()}")
        problem = name_problem(name)
        if problem:
            raise SymgravError(f"name {name!r} is not allowed: it {problem} {self.summary()}")
        if not self.allow_new:
            allowed = ", ".join(sorted(self.symbols) + sorted(CONSTANTS))
            raise SymgravError(f"unknown name {name!r} {self.summary()}; only numbers, "
                               f"functions and the names {allowed} are allowed here")
        return sp.Symbol(name, real=True)

    def binop(self, node, depth):
        op = type(node.op)
        if op in _BAD_BINOPS:
            raise SymgravError(f"operator {_BAD_BINOPS[op]} is not allowed: "
                               f"{_show(self.text, node)} {self.summary()}")
        if op is ast.Pow:
            base = self.build(node.left, depth + 1)
            expo = self.build(node.right, depth + 1)
            return self.power(node, base, expo)
        # Left-leaning chains a + b - c + ... and a * b / c ... are walked
        # iteratively, so that a long sum is not mistaken for deep nesting.
        group = (ast.Add, ast.Sub) if op in (ast.Add, ast.Sub) else (ast.Mult, ast.Div)
        chain, top = [], node
        while isinstance(node, ast.BinOp) and isinstance(node.op, group):
            chain.append((node.op, node.right))
            node = node.left
        terms = [self.build(node, depth + 1)]
        size = _size(terms[0])
        for op_node, right in reversed(chain):
            value = self.build(right, depth + 1)
            if isinstance(op_node, ast.Sub):
                value = -value
            elif isinstance(op_node, ast.Div):
                if value == 0:
                    raise SymgravError(f"division by zero in {_show(self.text, right)} "
                                       f"{self.summary()}")
                value = 1 / value
            if group[0] is ast.Mult:
                size += _size(value)
                if size > MAX_DIGITS:
                    raise SymgravError(f"product {_show(self.text, top)} refused: "
                                       f"numbers would have more than {MAX_DIGITS} digits "
                                       f"{self.summary()}")
            terms.append(value)
        result = sp.Add(*terms) if group[0] is ast.Add else sp.Mul(*terms)
        return self.check_powers(top, result)

    def power(self, node, base, expo):
        """base**expo, refused before computing when it would be huge."""
        if expo.is_number:
            try:
                size = abs(complex(sp.N(expo, 15)))
            except (TypeError, ValueError, OverflowError):
                size = math.inf
            if not size <= MAX_EXPONENT:
                self.refuse_power(node, f"exponent larger than {MAX_EXPONENT}")
            if size * _size(base) > MAX_DIGITS:
                self.refuse_power(node, f"numbers would have more than {MAX_DIGITS} digits")
            if not expo.is_integer and _size(base) > MAX_ROOT_DIGITS:
                self.refuse_power(node, f"non-integer power of numbers with more than "
                                  f"{MAX_ROOT_DIGITS} digits")
        return self.check_powers(node, base ** expo)

    def refuse_power(self, node, why):
        raise SymgravError(f"power {_show(self.text, node)} refused: {why} {self.summary()}")

    def check_powers(self, node, expr):
        """Refuse results that SymPy folded into a power with a huge numeric exponent."""
        if isinstance(expr, sp.Pow):
            pows = [expr]
        elif isinstance(expr, (sp.Add, sp.Mul)):
            pows = [a for a in expr.args if isinstance(a, sp.Pow)]
        else:
            pows = []
        for p in pows:
            e = p.exp
            if e.is_Rational and abs(e) > MAX_EXPONENT:
                self.refuse_power(node, f"exponent larger than {MAX_EXPONENT} after "
                                  "combining powers")
        return expr

    def call(self, node, depth):
        func = node.func
        if not isinstance(func, ast.Name):
            self.fail(func, "call of")
        name = func.id
        if name not in FUNCTIONS:
            raise SymgravError(f"call of {name!r} is not allowed {self.summary()}; "
                               f"allowed functions: {', '.join(sorted(FUNCTIONS))}")
        if node.keywords:
            self.fail(node.keywords[0], "keyword argument")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                self.fail(arg, "starred argument")
        sym_func, lo, hi = FUNCTIONS[name]
        if not lo <= len(node.args) <= hi:
            want = str(lo) if lo == hi else f"{lo} or {hi}"
            raise SymgravError(f"{name}() takes {want} argument(s), got {len(node.args)} "
                               f"{self.summary()}")
        args = [self.build(a, depth + 1) for a in node.args]
        if sum(_size(a) for a in args) > MAX_ROOT_DIGITS:
            raise SymgravError(f"call {_show(self.text, node)} refused: argument has numbers "
                               f"with more than {MAX_ROOT_DIGITS} digits {self.summary()}")
        return sym_func(*args)


def parse_expression(text, symbols=None, *, allow_new=True):
    """Parse a user-written expression into SymPy without executing any code.

    Parameters
    ----------
    text : str
        The expression, e.g. ``"(p_x**2 + p_y**2)/(2*m) + 0.5*b"``.  See the
        module docstring for the accepted grammar.  Decimal literals become
        exact rationals (``"0.1"`` -> ``Rational(1, 10)``); imaginary literals
        are accepted (``"2j"`` -> ``2*I``).
    symbols : dict of str -> sympy.Symbol, optional
        Declared symbols by name.  A declared name takes precedence over the
        constants ``I``, ``pi``, ``E``.
    allow_new : bool, optional
        If True (default) any other valid identifier becomes a new real
        :class:`sympy.Symbol`; if False it is an error (use this for strings
        that must be plain numbers).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    SymgravError
        For anything outside the grammar, a syntax error (with its column),
        input longer than ``MAX_LENGTH`` characters or nested deeper than
        ``MAX_DEPTH``, integer literals with more than 1000 digits, a power
        whose numeric exponent exceeds 1000 or whose numbers would exceed
        ``MAX_DIGITS`` (4000) digits (checked before it is computed), huge
        numbers under roots or in function arguments, division by zero, and
        results that are infinite or undefined (``zoo``, ``nan``).

    See Also
    --------
    symgrav.modelfile.load_model : uses this parser for every string of a model file.
    """
    if not isinstance(text, str):
        raise SymgravError(f"expected an expression string; got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise SymgravError(f"expression is {len(text)} characters long; the limit is "
                           f"{MAX_LENGTH}")
    symbols = dict(symbols or {})
    for key, sym in symbols.items():
        if not isinstance(sym, sp.Basic):
            raise SymgravError(f"symbols[{key!r}] is not a SymPy object: {sym!r}")
    stripped = text.strip()
    if not stripped:
        raise SymgravError("empty expression")
    builder = _Builder(stripped, symbols, allow_new)
    for word in _WORD.findall(stripped):
        if unicodedata.normalize("NFKC", word) != word or any(c in CONFUSABLES for c in word):
            raise SymgravError(f"name {word!r} is not allowed: it {name_problem(word)} "
                               f"{builder.summary()}")
    try:
        with warnings.catch_warnings():  # e.g. SyntaxWarning on escapes in a string
            warnings.simplefilter("ignore")
            tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        if exc.offset:  # 1-based column; 0 or None means the input ended too early
            where = f"column {exc.offset}"
            if exc.lineno and exc.lineno > 1:
                where = f"line {exc.lineno}, {where}"
        else:
            where = "end of input"
        msg = (exc.msg or "invalid syntax").split(" - ")[0]
        raise SymgravError(f"syntax error at {where}: {msg} {builder.summary()}") from None
    except (RecursionError, MemoryError):
        raise SymgravError(f"expression too deeply nested or too large to parse "
                           f"{builder.summary()}") from None
    except ValueError as exc:  # e.g. null bytes (a SyntaxError from Python 3.12 on)
        raise SymgravError(f"cannot parse the expression: {exc} {builder.summary()}") from None
    try:
        result = builder.build(tree.body)
    except SymgravError:
        raise
    except RecursionError:
        raise SymgravError(f"expression nested too deeply {builder.summary()}") from None
    except (TypeError, ValueError, ArithmeticError) as exc:  # raised inside SymPy
        raise SymgravError(f"cannot evaluate the expression: {type(exc).__name__}: "
                           f"{' '.join(str(exc).split())} {builder.summary()}") from None
    if not isinstance(result, sp.Expr):
        raise SymgravError(f"not a scalar expression {builder.summary()}")
    if result.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise SymgravError(f"expression is infinite or undefined {builder.summary()}")
    return result
