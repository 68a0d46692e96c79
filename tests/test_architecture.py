"""Architecture rules of the symgrav package (issue 8 item 5, "a house by layers").

Every module under ``symgrav/`` is parsed with :mod:`ast` (nothing is
imported) and checked against four rules:

``no_cycles``
    The import graph between symgrav modules has no cycle.  Imports at module
    level and inside functions count; relative imports are resolved;
    ``from . import x`` with ``x`` a submodule imports that submodule;
    importing a package imports its ``__init__``;
    ``importlib.import_module("symgrav...")`` counts too (an f-string name
    counts as importing every module under its constant prefix).
``layers``
    A module imports only modules of its own or a lower layer of
    :data:`LAYERS`; no module imports the package ``symgrav`` itself (its
    ``__init__``, the facade).
``max_lines``
    No module has more than :data:`MAX_LINES` lines.
``no_private_names``
    No ``from m import _name`` and no attribute access ``obj._name`` (single
    leading underscore, not a dunder), nor ``getattr(obj, "_name")``, unless
    ``obj`` is ``self``, ``cls`` or ``super()``; the exceptions are
    :data:`ALLOWED_PRIVATE`.

Each rule is one strict test over every module of the package.  Every test
lists all its violations in one message.  The self-tests at the end plant violations in
synthetic sources and check that each rule catches them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "symgrav"
PACKAGE_DIR = Path(__file__).resolve().parent.parent / PACKAGE
MAX_LINES = 500

#: layers from the bottom up; a module may import its own layer or a lower one.
#: Entries are packages or modules (a package entry covers everything below
#: it); the facade entries match exactly.
LAYERS = (
    ("base", ("symgrav.errors", "symgrav.fileio", "symgrav.limits", "symgrav.version",
              "symgrav.display")),
    ("symbolic", ("symgrav.symbolic",)),
    ("tightbinding", ("symgrav.tightbinding",)),
    ("numeric", ("symgrav.numeric",)),
    ("units", ("symgrav.units",)),
    ("workflows", ("symgrav.workflows",)),
    ("plot", ("symgrav.plot",)),
    ("paper", ("symgrav.paper",)),
    ("cli", ("symgrav.cli",)),
    ("facade", ("symgrav", "symgrav.__main__")),
)
FACADE = "facade"

#: the only private names another module may touch: de-facto public internals
#: of third-party libraries.  name -> receivers allowed ("any" or only
#: self/super()); a trailing "*" is a prefix.
ALLOWED_PRIVATE = {
    # mpmath: the raw (sign, mantissa, exponent, bitcount) tuple of an mpf,
    # the exact way to hand an mpf to gmpy2 (numeric/)
    "_mpf_": "any",
    # argparse: the parser's pattern for negative numbers; widened so that
    # "--mu -0.2:0.2:5" is a value, not an option (cli/compute.py)
    "_negative_number_matcher": "any",
    # SymPy printers dispatch to _print and _print_<Class> methods; a custom
    # printer overrides and calls them on self or super() only (printer._print
    # on another object is refused; use printer.doprint)
    "_print*": "self",
    # PythTB (1.7, 1.8) keeps its hoppings, on-site terms, spin flag, periodic directions and
    # lattice only in these attributes, read by tightbinding/adapters.py as WannierBerri does
    "_hoppings": "any", "_site_energies": "any", "_nspin": "any", "_per": "any",
    "_lat": "any", "_dim_k": "any", "_dim_r": "any",
}


# -- reading the package -----------------------------------------------------
class Module:
    """One parsed module: dotted name, path shown in messages, AST, line count."""

    def __init__(self, name, path, source, is_package):
        self.name = name
        self.path = path
        self.tree = ast.parse(source, filename=path)
        self.lines = len(source.splitlines())
        self.is_package = is_package


def module_name(relpath):
    """``symgrav/symbolic/model.py`` -> ``("symgrav.symbolic.model", False)``."""
    parts = list(Path(relpath).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def modules_from_sources(sources):
    """``{relative path: source}`` -> ``{dotted name: Module}``."""
    out = {}
    for relpath, source in sources.items():
        name, is_package = module_name(relpath)
        out[name] = Module(name, str(relpath), source, is_package)
    return out


def package_modules():
    """Every module under ``symgrav/``, parsed."""
    root = PACKAGE_DIR.parent
    return modules_from_sources({
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE_DIR.rglob("*.py"))})


# -- the import graph --------------------------------------------------------
def _resolve_from(module, node):
    """Absolute name of the module part of ``from <...> import``."""
    if not node.level:
        return node.module or ""
    base = module.name.split(".")
    if not module.is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _known(name, modules):
    """The longest prefix of ``name`` that is a module of ``modules``, else None."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _dynamic_targets(node, modules):
    """Targets of ``importlib.import_module(<constant or f-string>)``."""
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if called != "import_module" or not node.args:
        return []
    arg = node.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        found = _known(arg.value, modules)
        return [found] if found else []
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        prefix = str(arg.values[0].value)
        return [m for m in modules if m.startswith(prefix)] if prefix.startswith(PACKAGE) else []
    return []


def import_edges(modules):
    """Sorted ``(importer, imported, line)`` for every import between ``modules``."""
    edges = set()
    for mod in modules.values():
        for node in ast.walk(mod.tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [_known(alias.name, modules) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve_from(mod, node)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in modules else _known(base, modules))
            elif isinstance(node, ast.Call):
                targets = _dynamic_targets(node, modules)
            for target in targets:
                if target is not None and target != mod.name:
                    edges.add((mod.name, target, node.lineno))
    return sorted(edges)


def _cycle_through(start, graph, members):
    """A shortest cycle ``[start, ..., start]`` inside ``members`` (breadth first)."""
    parent, queue = {start: None}, [start]
    for node in queue:
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                path = [node]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])
                return [start] + path[::-1][1:] + [start] if len(path) > 1 else [start, start]
            if nxt in members and nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return [start]


def strongly_connected(graph):
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    nodes = sorted(set(graph) | {t for ts in graph.values() for t in ts})
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = set()
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        comp.add(top)
                        if top == node:
                            break
                    if len(comp) > 1:
                        out.append(comp)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return out


# -- the four rules: each returns [(module name, message)] --------------------
def cycle_violations(modules):
    """One entry per import cycle, attributed to its first module (sorted)."""
    graph, where = {}, {}
    for src, dst, line in import_edges(modules):
        graph.setdefault(src, set()).add(dst)
        where.setdefault((src, dst), line)
    out = []
    for comp in strongly_connected(graph):
        start = min(comp)
        cycle = _cycle_through(start, graph, comp)
        steps = ", ".join(f"{modules[a].path}:{where[a, b]} imports {b}"
                          for a, b in zip(cycle, cycle[1:]))
        out.append((start, f"import cycle {' -> '.join(cycle)} ({steps}); "
                           f"modules in the cycle: {', '.join(sorted(comp))}"))
    return out


def layer_of(name):
    """Index and name of the layer of a module, or (None, None)."""
    for k, (layer, entries) in enumerate(LAYERS):
        for entry in entries:
            if name == entry or (layer != FACADE and name.startswith(entry + ".")):
                return k, layer
    return None, None


def layer_violations(modules):
    out = []
    for name in sorted(modules):
        if layer_of(name)[0] is None:
            out.append((name, f"{modules[name].path}: belongs to no layer of LAYERS"))
    for src, dst, line in import_edges(modules):
        (k_src, l_src), (k_dst, l_dst) = layer_of(src), layer_of(dst)
        where = f"{modules[src].path}:{line}"
        if dst == PACKAGE:
            out.append((src, f"{where}: imports the package {PACKAGE} itself (the facade)"))
        elif None not in (k_src, k_dst) and k_dst > k_src:
            out.append((src, f"{where}: {l_src} module {src} imports {dst} of the higher "
                             f"layer {l_dst}"))
    return out


def length_violations(modules, max_lines=MAX_LINES):
    return [(m.name, f"{m.path}: {m.lines} lines (at most {max_lines})")
            for m in sorted(modules.values(), key=lambda m: m.name) if m.lines > max_lines]


def is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _receiver(node):
    """``"self"`` for self/cls/super() receivers, else ``"other"``."""
    if isinstance(node, ast.Name) and node.id in ("self", "cls"):
        return "self"
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "super"):
        return "self"
    return "other"


def _allowed(attr, receiver):
    for pattern, receivers in ALLOWED_PRIVATE.items():
        hit = attr.startswith(pattern[:-1]) if pattern.endswith("*") else attr == pattern
        if hit and (receivers == "any" or receiver == "self"):
            return True
    return receiver == "self"


def _private_use(node):
    """Text of a private-name use in ``node`` (an AST node), else None."""
    if isinstance(node, ast.ImportFrom):
        names = [a.name for a in node.names if is_private(a.name)]
        if names:
            return f"from {'.' * node.level}{node.module or ''} import {', '.join(names)}"
    elif isinstance(node, ast.Attribute) and is_private(node.attr):
        if not _allowed(node.attr, _receiver(node.value)):
            return ast.unparse(node)
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
          and node.func.id in ("getattr", "setattr", "hasattr", "delattr")
          and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
          and isinstance(node.args[1].value, str) and is_private(node.args[1].value)
          and not _allowed(node.args[1].value, _receiver(node.args[0]))):
        return ast.unparse(node)
    return None


def private_violations(modules):
    out = []
    for mod in sorted(modules.values(), key=lambda m: m.name):
        found = []
        for node in ast.walk(mod.tree):
            text = _private_use(node)
            if text is not None:
                found.append((node.lineno, node.col_offset, text))
        out += [(mod.name, f"{mod.path}:{line}: {text}") for line, _, text in sorted(found)]
    return out


RULES = {
    "no_cycles": cycle_violations,
    "layers": layer_violations,
    "max_lines": length_violations,
    "no_private_names": private_violations,
}


@pytest.fixture(scope="module")
def modules():
    return package_modules()


def _report(rule, violations):
    lines = "\n".join(f"  - {msg}" for _, msg in violations)
    return f"{len(violations)} violation(s) of rule {rule!r}:\n{lines}"


@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule(rule, modules):
    found = RULES[rule](modules)
    assert not found, _report(rule, found)


def test_every_module_is_seen(modules):
    assert {"symgrav", "symgrav.__main__", "symgrav.symbolic.model",
            "symgrav.cli.main"} <= set(modules)
    assert all(layer_of(name)[0] is not None for name in modules)


# -- self-tests: the checkers catch planted violations -----------------------
def _synthetic(**files):
    """Modules from ``{"symbolic/a": source}`` (paths under symgrav/, no .py)."""
    sources = {"symgrav/__init__.py": "", "symgrav/symbolic/__init__.py": "",
               "symgrav/cli/__init__.py": ""}
    sources.update({f"symgrav/{key.replace('__', '/')}.py": src
                    for key, src in files.items()})
    return modules_from_sources(sources)


def test_cycle_through_function_level_import_is_found():
    mods = _synthetic(symbolic__a="from . import b\n",
                      symbolic__b="def f():\n    from .a import g\n    return g\n",
                      symbolic__c="from .b import f\n")
    found = cycle_violations(mods)
    assert len(found) == 1
    assert "symgrav.symbolic.a -> symgrav.symbolic.b -> symgrav.symbolic.a" in found[0][1]
    assert "symgrav/symbolic/b.py:2" in found[0][1]


def test_cycle_through_package_init_is_found():
    mods = _synthetic(symbolic__a="from . import helper\n")
    mods.update(modules_from_sources({"symgrav/symbolic/__init__.py": "from .a import x\n"}))
    found = cycle_violations(mods)
    assert [v[0] for v in found] == ["symgrav.symbolic"]


def test_acyclic_graph_passes():
    mods = _synthetic(symbolic__a="import sympy\n", symbolic__b="from .a import x\n",
                      cli__c="from ..symbolic import a, b\n")
    assert cycle_violations(mods) == []
    assert ("symgrav.cli.c", "symgrav.symbolic.a", 1) in import_edges(mods)


def test_layer_violation_is_found():
    mods = _synthetic(symbolic__a="def f():\n    from ..cli.c import run\n",
                      cli__c="from ..symbolic.a import f\n",
                      symbolic__d="from .. import anything\n")
    found = [msg for _, msg in layer_violations(mods)]
    assert any("symgrav/symbolic/a.py:2" in m and "higher layer cli" in m for m in found)
    assert any("symgrav/symbolic/d.py:1" in m and "package symgrav itself" in m for m in found)
    assert len(found) == 2


def test_dynamic_import_counts():
    mods = _synthetic(cli__main="import importlib\n"
                                "def f(n):\n    return importlib.import_module(f'symgrav.cli.{n}')\n",
                      cli__sub="from .main import f\n")
    assert cycle_violations(mods)


def test_private_name_use_is_found():
    source = ("from .b import _helper, public\n"
              "class P(Base):\n"
              "    def f(self, model, x):\n"
              "        self._ok = super()._print_Symbol(x)\n"
              "        y = x._mpf_\n"
              "        getattr(model, '_hidden')\n"
              "        return model._H, self.model._spin, cls._fine\n")
    found = [msg for _, msg in private_violations(_synthetic(symbolic__a=source))]
    assert found == ["symgrav/symbolic/a.py:1: from .b import _helper",
                     "symgrav/symbolic/a.py:6: getattr(model, '_hidden')",
                     "symgrav/symbolic/a.py:7: model._H",
                     "symgrav/symbolic/a.py:7: self.model._spin"]


def test_print_methods_only_on_self():
    found = private_violations(_synthetic(symbolic__a="def f(printer, x):\n"
                                                      "    return printer._print(x)\n"))
    assert len(found) == 1


def test_overlong_file_is_found():
    mods = _synthetic(symbolic__long="x = 1\n" * (MAX_LINES + 1),
                      symbolic__short="x = 1\n" * MAX_LINES)
    assert [name for name, _ in length_violations(mods)] == ["symgrav.symbolic.long"]

