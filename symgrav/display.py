"""Notebook display: HTML tables for result objects, and the right progress bar.

Jupyter shows an object through its ``_repr_html_`` / ``_repr_latex_``
methods.  The result classes of symgrav (:class:`~symgrav.TightBinding`,
:class:`~symgrav.workflows.sweep_io.SweepResult`,
:class:`~symgrav.workflows.tensor.TensorResult`,
:class:`~symgrav.workflows.verify.VerifyReport`) build their tables with
:func:`html_table`; every cell is escaped, so a model name can never inject
markup.  :func:`progress_class` picks tqdm's notebook widget only where it
works (inside a Jupyter kernel with ipywidgets installed) and plain text
tqdm otherwise, so no "IProgress not found" warning is ever raised.
:func:`figure` makes the matplotlib Figures of symgrav show themselves in a
notebook (as PNG) without pyplot and without ``%matplotlib inline``.
Plain presentation; no equation of the paper is evaluated here.
"""

from __future__ import annotations

import functools
import html
import importlib.util
import io
import sys

__all__ = ["figure", "html_table", "in_notebook", "progress_class"]


def html_table(header, rows, caption=None, notes=(), max_rows=None):
    """An escaped HTML ``<table>`` of strings, with an optional caption and notes.

    Plain presentation for the ``_repr_html_`` of result objects; it
    implements no equation of the paper.

    Parameters
    ----------
    header : sequence of str
        Column titles.
    rows : sequence of sequence of str
        The cells, one sequence per row (converted with ``str``).
    caption : str, optional
        Shown above the table.
    notes : sequence of str, optional
        Lines shown below the table.
    max_rows : int, optional
        Show at most this many rows: the first and last halves, with a row of
        ellipses between them and a note of how many were left out.

    Returns
    -------
    str
        The HTML fragment.
    """
    rows = [[str(c) for c in row] for row in rows]
    shown, left_out = rows, 0
    if max_rows is not None and len(rows) > max_rows:
        head = max_rows - max_rows // 2
        left_out = len(rows) - max_rows
        shown = rows[:head] + [["\u2026"] * len(header)] + rows[len(rows) - max_rows // 2:]
    esc = html.escape
    out = ['<div class="symgrav">']
    if caption:
        out.append(f"<p><b>{esc(caption)}</b></p>")
    out.append("<table>")
    out.append("<thead><tr>" + "".join(f"<th>{esc(str(h))}</th>" for h in header)
               + "</tr></thead>")
    out.append("<tbody>")
    for row in shown:
        out.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    notes = list(notes)
    if left_out:
        notes.append(f"{left_out} of {len(rows)} rows not shown")
    for line in notes:
        out.append(f"<p>{esc(line)}</p>")
    out.append("</div>")
    return "\n".join(out)


def in_notebook():
    """True inside a Jupyter kernel (an IPython shell with an ``IPKernelApp``)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except AttributeError:
        return False
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def progress_class():
    """The tqdm class for a progress bar here: the notebook widget or plain text.

    ``tqdm.auto`` warns "IProgress not found" in a notebook without
    ipywidgets; this returns ``tqdm.notebook.tqdm`` only inside a Jupyter
    kernel where ipywidgets can be imported, and ``tqdm.std.tqdm`` (text on
    standard error) everywhere else.  Plain presentation; no equation.

    Returns
    -------
    type
        A tqdm class.
    """
    if in_notebook():
        try:
            found = importlib.util.find_spec("ipywidgets") is not None
        except (ImportError, ValueError):
            found = False
        if found:
            from tqdm.notebook import tqdm as notebook_tqdm

            return notebook_tqdm
    from tqdm.std import tqdm as text_tqdm

    return text_tqdm


@functools.lru_cache(maxsize=None)
def _figure_class():
    from matplotlib.figure import Figure

    class NotebookFigure(Figure):
        """A matplotlib Figure with ``_repr_png_``: Jupyter shows it as an image."""

        def _repr_png_(self):
            buf = io.BytesIO()
            self.savefig(buf, format="png", dpi=100)
            return buf.getvalue()

    return NotebookFigure


def figure(**kwargs):
    """A new matplotlib Figure (no pyplot state) that a notebook displays as a PNG.

    Plain presentation; no equation.  Keyword arguments go to
    :class:`matplotlib.figure.Figure` (``figsize``, ``layout``, ...).

    Returns
    -------
    matplotlib.figure.Figure
        An instance of a subclass whose only addition is ``_repr_png_``.
    """
    return _figure_class()(**kwargs)
