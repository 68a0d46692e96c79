"""The documentation sources (issue 12 item 1): what a reader of the site relies on.

The build itself (Sphinx -W, executing every notebook) is a CI step of ``.ci/run``, not a
unit test: it takes about a minute.  Here, quickly: every tutorial is a valid notebook with
no stored outputs (they are executed at build time) and is in the entry page's table of
contents, and every function named by the equation map exists.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_tutorials_are_clean_notebooks_in_the_toctree():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    notebooks = sorted((DOCS / "tutorials").glob("*.ipynb"))
    assert len(notebooks) >= 5
    for nb in notebooks:
        data = json.loads(nb.read_text(encoding="utf-8"))
        assert data["nbformat"] == 4
        code = [c for c in data["cells"] if c["cell_type"] == "code"]
        assert code, nb.name
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), nb.name
        assert f"tutorials/{nb.stem}" in index, nb.name


def test_equation_map_names_real_objects():
    text = (DOCS / "equations.md").read_text(encoding="utf-8")
    names = re.findall(r"\{(?:func|meth|class|mod|data)\}`([\w.]+)`", text)
    assert len(names) > 15
    for name in names:
        parts = name.split(".")
        for k in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:k]))
            except ImportError:
                continue
            for attr in parts[k:]:
                obj = getattr(obj, attr)
            break
        else:
            raise AssertionError(f"cannot import {name}")


def test_conventions_page_is_what_files_refer_to():
    from symgrav.workflows.columns import UNITS

    assert "docs/conventions.md" in UNITS
    assert (DOCS / "conventions.md").is_file()
