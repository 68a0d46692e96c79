"""Notebook display (issue 12 item 2): HTML tables of result objects, and the progress bar.

The tables are parsed back with the standard library's HTML parser and compared cell by
cell with the objects' own data (the rows of a sweep, the values of a tensor, the checks
of a report, the hoppings of a tight-binding model as numpy sees them); the progress bar
is checked to be the text bar, without a warning, in a (faked) Jupyter kernel that lacks
ipywidgets.
"""

from __future__ import annotations

import sys
import types
import warnings
from html.parser import HTMLParser

import mpmath as mp
import numpy as np
import pytest

import symgrav
from symgrav.display import html_table, in_notebook, progress_class
from symgrav.workflows.parallel import parallel_map
from symgrav.workflows.verify import CheckRow, VerifyReport


class _Cells(HTMLParser):
    """Rows of cells (th and td) of every table, and the text of every <p>."""

    def __init__(self):
        super().__init__()
        self.rows, self.paragraphs, self._cell, self._p = [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "p":
            self._p = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self._cell)
            self._cell = None
        elif tag == "p":
            self.paragraphs.append(self._p)
            self._p = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._p is not None:
            self._p += data


def parse(text):
    p = _Cells()
    p.feed(text)
    return p


def test_html_table_escapes_and_elides():
    text = html_table(["a", "<b>"], [["1", "<script>"], ["2", "&"], ["3", "x"]],
                      caption="m <i>", max_rows=2)
    assert "<script>" not in text and "<i>" not in text
    p = parse(text)
    assert p.rows == [["a", "<b>"], ["1", "<script>"], ["\u2026", "\u2026"], ["3", "x"]]
    assert p.paragraphs == ["m <i>", "1 of 3 rows not shown"]


@pytest.fixture(scope="module")
def small_sweep():
    return symgrav.sweep("rashba", mu=["-0.2", "0.3"], T=["0.05"], dps="double", workers=1,
                         progress=False)


def test_sweep_html_is_its_rows(small_sweep):
    p = parse(small_sweep._repr_html_())
    assert p.rows[0] == list(small_sweep.columns)
    assert len(p.rows) == 1 + len(small_sweep)
    for cells, row in zip(p.rows[1:], small_sweep.rows):
        for cell, c in zip(cells, small_sweep.columns):
            assert mp.almosteq(mp.mpf(cell), row[c], rel_eps=1e-9, abs_eps=0)
    assert "rashba" in p.paragraphs[0] and "b = 0.5" in p.paragraphs[0]


def test_tensor_html_has_every_component():
    res = symgrav.tensor("rashba", mu="0.3", T="0.05", dps="double", workers=1)
    p = parse(res._repr_html_())
    assert p.rows[0] == ["component", *res.names, "note"]
    by_comp = {r[0]: r for r in p.rows[1:]}
    assert set(by_comp) == {a + i for (a, i) in res.values}
    for (a, i), vals in res.values.items():
        cells = by_comp[a + i]
        for cell, q in zip(cells[1:], res.names):
            assert mp.almosteq(mp.mpf(cell), vals[q], rel_eps=1e-9, abs_eps=0)
        assert cells[-1].startswith("zero") == ((a, i) in res.zero)
    assert p.paragraphs[-1] == "nonzero: " + ", ".join(res.nonzero())


def test_verify_html_rows_and_verdict():
    rows = [CheckRow("zero_T", "(13)", mp.mpf("0.1"), mp.mpf("0.01"), "1 vs 1",
                     mp.mpf("1e-20"), mp.mpf("1e-15"), True),
            CheckRow("mott", "(21)", mp.mpf("0.2"), None, "a & b", mp.mpf("1e-3"),
                     mp.mpf("1e-5"), False)]
    report = VerifyReport(["model: toy <x>"], rows, 1.25)
    p = parse(report._repr_html_())
    assert p.rows[0] == list(VerifyReport.COLUMNS)
    assert p.rows[1:] == [r.cells() for r in rows]
    assert p.paragraphs[0] == "model: toy <x>"
    assert p.paragraphs[-1] == "2 checks in 1.2 s: FAIL (1 of 2 checks)"


def test_tight_binding_html_counts_hoppings():
    tb = symgrav.TightBinding.from_wannier90("tests/data/rashba_square_hr.dat", spin="interlaced")
    p = parse(tb._repr_html_())
    R, H = tb.matrices()
    expected = {str(tuple(int(x) for x in r)): str(int(np.count_nonzero(h))) for r, h in zip(R, H)}
    assert dict((r[0], r[1]) for r in p.rows[1:]) == expected
    assert f"{tb.N} orbitals" in p.paragraphs[0]


def test_model_and_closed_forms_render_latex():
    model = symgrav.load_model("rashba")
    assert model._repr_latex_().startswith("$\\displaystyle")
    omega = symgrav.spin_berry_curvature(model, "x", "x")
    assert "\\Omega" in omega._repr_latex_()


def _fake_kernel(monkeypatch):
    """A Jupyter kernel as tqdm and symgrav detect it: get_ipython().config has IPKernelApp."""
    shell = types.SimpleNamespace(config={"IPKernelApp": {}})
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: shell
    monkeypatch.setitem(sys.modules, "IPython", fake)
    return shell


@pytest.fixture
def fake_kernel(monkeypatch):
    return _fake_kernel(monkeypatch)


def test_text_bar_outside_notebook(monkeypatch):
    from tqdm.std import tqdm as text_tqdm

    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert not in_notebook()
    assert progress_class() is text_tqdm


def test_no_iprogress_warning_without_ipywidgets(fake_kernel, monkeypatch):
    from tqdm.std import tqdm as text_tqdm

    monkeypatch.setitem(sys.modules, "ipywidgets", None)   # import ipywidgets fails
    assert in_notebook()
    assert progress_class() is text_tqdm
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert parallel_map(abs, [-1, 2, -3], workers=1, progress=True) == [1, 2, 3]


def test_widget_bar_with_ipywidgets(monkeypatch):
    pytest.importorskip("ipywidgets")
    from tqdm.notebook import tqdm as notebook_tqdm

    _fake_kernel(monkeypatch)
    assert progress_class() is notebook_tqdm


def test_figures_show_in_a_notebook_without_pyplot():
    pytest.importorskip("matplotlib")
    import symgrav.plot as splot

    fig = splot.bands("rashba", path="G-X", n=20)
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
