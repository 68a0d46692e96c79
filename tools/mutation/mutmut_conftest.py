"""pytest plugin for mutation runs: installed by run_mutation.sh as mutants/conftest.py.

mutmut 3 runs the whole stats pass, the clean run and the forced-fail run
inside its main process, then forks one child per mutant and calls
pytest.main() again in it.  Everything already imported stays imported in the
child: test modules (with module-level caches such as tests/test_bose.py's
``_S``), symgrav modules (lru_cache tables, dict caches such as
double._BANDS_CACHE, Susceptibilities objects held by tests).  A mutant whose
code sits behind such a cache is then never executed and "survives" for
nothing (seen in the trial: 54 of the first 56 mutants of statistics.py).

At the start of every pytest session this plugin drops from sys.modules every
module loaded from the mutants/ tree (symgrav, the test modules, helpers such
as tests/rashba_reference.py and examples/*.py), so each mutant's session
imports them afresh -- the mutated symgrav included -- and starts from empty
caches.  Third-party modules (sympy, mpmath, numpy, scipy) stay imported, so
the cost is only the re-import of symgrav and the test modules (fast when
bytecode caching is on: run_mutation.sh unsets PYTHONDONTWRITEBYTECODE).
"""

import os
import sys

_ROOT = os.path.dirname(os.path.abspath(__file__)) + os.sep
_KEEP = {__name__, "conftest"}


def _purge_mutants_modules():
    for name, module in list(sys.modules.items()):
        if name in _KEEP:
            continue
        paths = [getattr(module, "__file__", None) or ""]
        paths += list(getattr(module, "__path__", None) or [])  # namespace packages
        if any(p and os.path.abspath(p).startswith(_ROOT) for p in paths):
            del sys.modules[name]


def pytest_sessionstart(session):
    _purge_mutants_modules()
