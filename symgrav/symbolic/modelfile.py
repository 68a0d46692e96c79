"""Model files: a Bloch Hamiltonian written in TOML, read without executing code.

A model file looks like this (the built-in ``rashba`` model, Eq. 22)::

    name = "rashba"
    description = "Rashba ferromagnet, Eq. (22)"
    momenta = ["p_x", "p_y"]
    hbar = "hbar"           # a symbol name, or a positive number such as 1
    lattice = false         # true: 2 pi-periodic in the momenta, BZ [-pi, pi)^d

    [parameters]            # optional numeric defaults
    hbar = 1
    m = 1
    alpha = 1
    b = 0.5

    [hamiltonian]
    pauli = {0 = "(p_x**2 + p_y**2)/(2*m)", x = "alpha*p_y", y = "-alpha*p_x", z = "b"}
    # or: matrix = [["...", "..."], ["...", "..."]]
    # optional, required unless H is 2x2 (default (hbar/2) sigma):
    # spin = {x = [[...]], y = [[...]], z = [[...]]}

Keys
----
``momenta`` (list of 1-3 names) and ``[hamiltonian]`` are required.  The
Hamiltonian is either ``pauli`` (a table with keys among ``0``, ``x``, ``y``,
``z``: H = c0 1 + cx sigma_x + cy sigma_y + cz sigma_z) or ``matrix`` (a
square list of rows); exactly one of the two.  ``spin`` belongs in
``[hamiltonian]`` (a top-level ``spin`` table is accepted too, not both): a
table with keys ``x``, ``y``, ``z``, each an N x N matrix.  ``operator`` is an
alias of ``spin`` (one of the two): the operators s_a of Eqs. (8b), (8c) may be
any Hermitian matrices, functions of the momenta included (a spin current).

Every expression is a string read by :func:`symgrav.parsing.parse_expression`
(data, never code); a matrix entry or a parameter may also be a TOML number.
TOML floats are converted exactly from their shortest decimal form, so ``0.1``
is ``Rational(1, 10)``.  Newlines inside a (multi-line) string are read as
spaces.  Momenta and every other name are real symbols; a symbolic ``hbar``
is a positive symbol.  Parameter defaults (numbers, or strings such as
``"0.5"``, ``"1/3"``, ``"pi/2"``) are stored as exact SymPy numbers in
``Model.defaults``.  The names ``I``, ``pi``, ``E`` and function names
(``sin``, ...) cannot be declared as momenta or parameters.

Every problem raises :class:`~symgrav.errors.SymgravError` with a one-line
message ``"<file>: key '<key>': <what is wrong>"``.
"""

from __future__ import annotations

import math
import os
from importlib import resources
from pathlib import Path

import sympy as sp

from ..errors import SymgravError
from ..fileio import read_regular_bytes
from .model import PAULI, Model
from .parsing import CONSTANTS, FUNCTIONS, is_valid_name, name_problem, parse_expression

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

TOP_KEYS = ("name", "description", "momenta", "hbar", "lattice", "parameters",
            "hamiltonian", "spin", "operator")
HAMILTONIAN_KEYS = ("pauli", "matrix", "spin", "operator")
PAULI_KEYS = ("0", "x", "y", "z")
#: largest model file, in characters
MAX_FILE_CHARS = 1_000_000


def builtin_models():
    """Names of the model files shipped with symgrav (``symgrav/models/*.toml``).

    Plain bookkeeping; implements no equation of the paper (the Rashba
    models are Eq. 22).

    Returns
    -------
    list of str
        Sorted names, each accepted by :func:`load_model`.
    """
    folder = resources.files("symgrav").joinpath("models")
    if not folder.is_dir():
        return []
    return sorted(entry.name[:-5] for entry in folder.iterdir()
                  if entry.name.endswith(".toml") and entry.is_file())


def _locate(spec):
    """(readable resource, label used in messages, default model name) of a spec."""
    if isinstance(spec, os.PathLike):
        path = Path(spec)
        return path, str(path), path.stem
    if not isinstance(spec, str) or not spec:
        raise SymgravError(f"a model is a .toml path or a built-in name; got {spec!r}")
    looks_like_name = not (spec.endswith(".toml") or "/" in spec or os.sep in spec)
    if looks_like_name and spec in builtin_models():
        res = resources.files("symgrav").joinpath("models").joinpath(f"{spec}.toml")
        return res, f"built-in model {spec!r} (symgrav/models/{spec}.toml)", spec
    path = Path(spec)
    if looks_like_name and not path.is_file():
        raise SymgravError(
            f"{spec!r}: no such built-in model and no such file; built-in models: "
            f"{', '.join(builtin_models()) or 'none'} (write a file as a path, e.g. ./{spec}.toml)")
    return path, spec, path.stem


def load_model(spec):
    """Load a :class:`~symgrav.model.Model` from a TOML model file or a built-in name.

    Parameters
    ----------
    spec : str or os.PathLike
        A path to a ``.toml`` file, or the name of a built-in model (see
        :func:`builtin_models`, e.g. ``"rashba"`` for Eq. 22 of the paper).
        A string without ``/`` and without the ``.toml`` suffix is looked up
        among the built-in models first, then as a file.

    Returns
    -------
    Model
        With ``name`` from the file (default: the file stem), numeric
        defaults in ``model.defaults`` (exact SymPy numbers), and two extra
        attributes: ``model.description`` (str, possibly empty) and
        ``model.source`` (the file label used in error messages).

    Raises
    ------
    SymgravError
        A missing or unreadable file, a TOML syntax error, or any problem
        with the content (see the module docstring); the one-line message
        names the file and the key.

    See Also
    --------
    loads_model : the same for TOML text.
    symgrav.parsing.parse_expression : how each expression string is read.
    """
    res, label, stem = _locate(spec)
    try:
        if isinstance(res, Path):  # a user's file: never block on a FIFO or device
            raw = read_regular_bytes(res, 4 * MAX_FILE_CHARS)
        else:
            with res.open("rb") as handle:
                raw = handle.read(4 * MAX_FILE_CHARS + 1)
    except FileNotFoundError:
        raise SymgravError(f"{label}: no such model file") from None
    except IsADirectoryError:
        raise SymgravError(f"{label}: is a directory, not a model file") from None
    except OSError as exc:
        raise SymgravError(f"{label}: cannot read the model file: "
                           f"{exc.strerror or exc}") from None
    if len(raw) > 4 * MAX_FILE_CHARS:
        raise SymgravError(f"{label}: model file larger than {4 * MAX_FILE_CHARS} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SymgravError(f"{label}: not UTF-8 text (byte {exc.start})") from None
    return loads_model(text, name=stem, source=label)


def loads_model(text, *, name=None, source="<string>"):
    """Build a :class:`~symgrav.model.Model` from the text of a TOML model file.

    Plain parsing; implements no equation of the paper (the built-in Rashba
    models are Eq. 22).

    Parameters
    ----------
    text : str
        TOML text in the format of the module docstring.
    name : str, optional
        Model name when the text has no ``name`` key (default ``"model"``).
    source : str, optional
        Label of the text in error messages.

    Returns
    -------
    Model
        As for :func:`load_model`.

    Raises
    ------
    SymgravError
        As for :func:`load_model`.
    """
    if not isinstance(text, str):
        raise SymgravError(f"{source}: model text must be a str, got {type(text).__name__}")
    if len(text) > MAX_FILE_CHARS:
        raise SymgravError(f"{source}: model file longer than {MAX_FILE_CHARS} characters")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = " ".join(str(exc).split())
        raise SymgravError(f"{source}: TOML syntax error: {msg}") from None
    except RecursionError:
        raise SymgravError(f"{source}: TOML arrays or tables nested too deeply") from None
    return _Reader(source).model(data, name or "model")


def _type_name(value):
    return {str: "a string", bool: "a boolean", int: "an integer", float: "a float",
            list: "an array", dict: "a table"}.get(type(value), type(value).__name__)


class _Reader:
    """Turn the decoded TOML tables into a Model, naming the key of every problem."""

    def __init__(self, source):
        self.source = source
        self.symbols = {}

    def error(self, key, msg):
        msg = " ".join(str(msg).split())
        return SymgravError(f"{self.source}: key '{key}': {msg}")

    def expect(self, value, types, key, what):
        types = types if isinstance(types, tuple) else (types,)
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise self.error(key, f"expected {what}, got {_type_name(value)}")
        return value

    # -- scalars ------------------------------------------------------------
    def expr(self, value, key, allow_new=True, symbols=None):
        """A SymPy expression from a TOML string or number."""
        symbols = self.symbols if symbols is None else symbols
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(key, f"expected an expression string or a number, "
                                  f"got {_type_name(value)}")
        if isinstance(value, int):
            if value.bit_length() > 3400:
                raise self.error(key, "integer with more than 1000 digits")
            return sp.Integer(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.error(key, f"number must be finite, got {value}")
            value = repr(value)
        try:
            return parse_expression(" ".join(value.splitlines()), symbols,
                                    allow_new=allow_new)
        except SymgravError as exc:
            raise self.error(key, exc) from None

    def number(self, value, key):
        """A finite real number (exact SymPy) from a TOML number or numeric string."""
        val = self.expr(value, key, allow_new=False, symbols={})
        if not (val.is_number and val.is_extended_real and val.is_finite):
            raise self.error(key, f"expected a real number, got {value!r}")
        return val

    def declare(self, name, key, **assumptions):
        if not isinstance(name, str) or not is_valid_name(name):
            raise self.error(key, f"{name!r} is not a valid symbol name: it {name_problem(name)} "
                                  "(a name is a Python identifier not starting with '_' and "
                                  "not a keyword)")
        if name in CONSTANTS or name in FUNCTIONS:
            raise self.error(key, f"{name!r} is reserved (a constant or function name)")
        if name in self.symbols:
            raise self.error(key, f"symbol {name!r} is declared twice")
        self.symbols[name] = sp.Symbol(name, **assumptions)
        return self.symbols[name]

    # -- matrices -----------------------------------------------------------
    def matrix(self, value, key, size=None):
        rows = self.expect(value, list, key, "an array of rows")
        if not rows:
            raise self.error(key, "the matrix is empty")
        n = len(rows)
        for r, row in enumerate(rows):
            self.expect(row, list, f"{key}[{r}]", "an array (a matrix row)")
            if len(row) != n:
                raise self.error(key, f"the matrix must be square: {n} rows but row {r} "
                                      f"has {len(row)} entries")
        if size is not None and n != size:
            raise self.error(key, f"expected a {size}x{size} matrix like the Hamiltonian, "
                                  f"got {n}x{n}")
        return sp.Matrix([[self.expr(x, f"{key}[{r}][{c}]") for c, x in enumerate(row)]
                          for r, row in enumerate(rows)])

    def pauli(self, value, key):
        table = self.expect(value, dict, key, "a table with keys 0, x, y, z")
        bad = sorted(set(table) - set(PAULI_KEYS))
        if bad:
            raise self.error(key, f"unknown Pauli component(s) {bad}; use 0, x, y, z")
        if not table:
            raise self.error(key, "no component given; use keys 0, x, y, z")
        H = sp.zeros(2, 2)
        for k, mat in zip(PAULI_KEYS, (sp.eye(2),) + PAULI):
            if k in table:
                H += self.expr(table[k], f"{key}.{k}") * mat
        return H

    def spin(self, value, key, size):
        table = self.expect(value, dict, key, "a table with keys x, y, z")
        keys = set(table)
        if keys != {"x", "y", "z"}:
            missing, extra = sorted({"x", "y", "z"} - keys), sorted(keys - {"x", "y", "z"})
            raise self.error(key, f"needs exactly the keys x, y, z (missing {missing}, "
                                  f"unknown {extra})")
        return tuple(self.matrix(table[a], f"{key}.{a}", size) for a in "xyz")

    # -- the whole file -----------------------------------------------------
    def model(self, data, default_name):
        unknown = sorted(set(data) - set(TOP_KEYS))
        if unknown:
            raise self.error(unknown[0], f"unknown top-level key; allowed keys are "
                                         f"{', '.join(TOP_KEYS)}")
        name = self.expect(data.get("name", default_name), str, "name", "a string")
        if not name.strip():
            raise self.error("name", "must not be empty")
        description = self.expect(data.get("description", ""), str, "description", "a string")
        lattice = self.expect(data.get("lattice", False), bool, "lattice", "true or false")

        if "momenta" not in data:
            raise self.error("momenta", "missing (a list of 1 to 3 momentum names)")
        names = self.expect(data["momenta"], list, "momenta", "a list of names")
        if not 1 <= len(names) <= 3:
            raise self.error("momenta", f"give 1, 2 or 3 momentum names, got {len(names)}")
        momenta = tuple(self.declare(p, "momenta", real=True) for p in names)

        hbar = data.get("hbar", 1)
        if isinstance(hbar, str) and is_valid_name(hbar.strip()):
            hbar = self.declare(hbar.strip(), "hbar", positive=True)
        else:
            hbar = self.number(hbar, "hbar")
            if not hbar.is_positive:
                raise self.error("hbar", f"must be positive, got {hbar}")

        params = self.expect(data.get("parameters", {}), dict, "parameters", "a table")
        defaults = {}
        for pname, value in params.items():
            key = f"parameters.{pname}"
            if pname in (p.name for p in momenta):
                raise self.error(key, f"{pname!r} is a momentum, not a parameter")
            if not (isinstance(hbar, sp.Symbol) and pname == hbar.name):
                self.declare(pname, key, real=True)
            defaults[pname] = self.number(value, key)
            if isinstance(hbar, sp.Symbol) and pname == hbar.name and not defaults[pname] > 0:
                raise self.error(key, f"hbar must be positive, got {defaults[pname]}")

        if "hamiltonian" not in data:
            raise self.error("hamiltonian", "missing (a table with 'pauli' or 'matrix')")
        ham = self.expect(data["hamiltonian"], dict, "hamiltonian", "a table")
        unknown = sorted(set(ham) - set(HAMILTONIAN_KEYS))
        if unknown:
            raise self.error(f"hamiltonian.{unknown[0]}", "unknown key; allowed keys are "
                                                          f"{', '.join(HAMILTONIAN_KEYS)}")
        if ("pauli" in ham) == ("matrix" in ham):
            raise self.error("hamiltonian", "give exactly one of 'pauli' and 'matrix'")
        if "pauli" in ham:
            H = self.pauli(ham["pauli"], "hamiltonian.pauli")
        else:
            H = self.matrix(ham["matrix"], "hamiltonian.matrix")

        given = [(f"{where}{key}", table[key]) for where, table in
                 (("hamiltonian.", ham), ("", data)) for key in ("spin", "operator")
                 if key in table]
        if len(given) > 1:
            raise self.error(given[1][0], f"given together with '{given[0][0]}' ('operator' "
                                          "is an alias of 'spin'); keep one")
        spin_key = given[0][0] if given else "hamiltonian.spin"
        spin = None
        if given:
            spin = self.spin(given[0][1], spin_key, H.rows)
        elif H.rows != 2:
            raise self.error("hamiltonian.spin", f"H is {H.rows}x{H.rows}: give the three "
                                                 "spin matrices x, y, z")

        used = set(H.free_symbols)
        for s in spin or ():
            used |= s.free_symbols
        used_names = {s.name for s in used}
        if not isinstance(hbar, sp.Symbol) and "hbar" in used_names:
            raise self.error("hbar", f"hbar is the number {hbar}, but the expressions use a "
                                     "symbol 'hbar'; write hbar = \"hbar\" to make it symbolic")
        if isinstance(hbar, sp.Symbol):
            used_names.add(hbar.name)
        for pname in defaults:
            if pname not in used_names:
                raise self.error(f"parameters.{pname}", "not a symbol of the Hamiltonian or "
                                                        "the spin matrices")
        try:
            model = Model(H, momenta, hbar=hbar, spin=spin, lattice=lattice, name=name,
                          parameters=defaults)
        except SymgravError as exc:
            key = "hamiltonian"
            if str(exc).startswith("spin"):
                key = spin_key
            raise self.error(key, exc) from None
        except (TypeError, ValueError, ArithmeticError, RecursionError) as exc:
            raise self.error("hamiltonian", f"cannot build the model: "
                                            f"{type(exc).__name__}: {exc}") from None
        model.description = description
        model.source = self.source
        return model


def is_paper_model(model):
    """True when ``model`` is the paper's Rashba ferromagnet, Eq. (22), as the built-in file.

    The Hamiltonian, momenta and spin operators are compared with those of the
    built-in ``rashba`` model, symbols matched by name (parameter values do
    not matter: ``rashba_strong`` is the same model).  Paper-specific remarks
    ("as below Eq. (22)") are printed only for this model; any other model
    gets generic text.

    Parameters
    ----------
    model : Model or object
        Anything else (e.g. a :class:`~symgrav.TightBinding`) is not the paper's model.

    Returns
    -------
    bool
    """
    if not isinstance(model, Model):
        return False
    paper = load_model("rashba")
    if (model.N, model.dim, model.lattice) != (paper.N, paper.dim, paper.lattice):
        return False
    if [p.name for p in model.momenta] != [p.name for p in paper.momenta]:
        return False
    by_name = {s.name: s for s in model.symbols_real}
    mine = {s.name: s for s in paper.symbols_real}
    if set(by_name) != set(mine):
        return False
    rename = {mine[n]: by_name[n] for n in mine}
    if sp.simplify(paper.hbar_real.xreplace(rename) - model.hbar_real) != 0:
        return False
    pairs = [(paper.H_real, model.H_real)] + list(zip(paper.spin_real, model.spin_real))
    return all(sp.simplify(a.xreplace(rename) - b) == sp.zeros(*b.shape) for a, b in pairs)
