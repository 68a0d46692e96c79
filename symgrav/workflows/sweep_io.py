"""The result of a sweep and its files: table, CSV and JSON with metadata, read back.

:class:`SweepResult` holds the rows of :func:`symgrav.sweep` -- the
susceptibilities of Eqs. (19a), (19b), (8a), (B7a), (20), beta = T_beta / T
and the Mott value (21) at every (mu, T) -- as mpmath numbers, with their
metadata (model, exact parameter values, component, dps, statistics, symgrav
version).  Values become decimal strings with the requested digits only
when written.  CSV carries the metadata in a ``#`` comment block; both CSV
and JSON are written atomically, so an interrupted write never replaces a
good file by a truncated one.  The plot is drawn by :mod:`symgrav.workflows.sweep_plot`.

Columns, in natural units (q = 1, g mu_B / hbar = 1, k_B = 1; mu and T in the
model's energy unit): ``mu``, ``T``, the quantities of :data:`symgrav.QUANTITIES`
(``alpha`` 19a, ``T_beta_kubo`` 19b, ``mqm`` 8a, ``mqm_aux`` B7a, ``T_beta``
20), ``beta`` = T_beta / T and ``mott`` (21; NaN for Bose statistics), then
the user's own quantities (:class:`~symgrav.Quantity`, weights recorded in the
metadata).  The list and the descriptions are derived from the declarations
in :mod:`symgrav.workflows.columns`.
"""

from __future__ import annotations

import csv
import io
import json
import os

import mpmath as mp

from ..display import html_table
from ..errors import SymgravError
from .columns import (COLUMNS, DESCRIPTIONS, QUANTITIES, UNITS, columns_for,
                      quantities_from_metadata)
from .grid import GUARD
from .sweep_plot import plot_sweep, sweep_figure

__all__ = ["COLUMNS", "DESCRIPTIONS", "QUANTITIES", "UNITS", "SweepResult", "digits_of"]


def digits_of(dps):
    """Significant digits written for a precision: ``dps``, or 15 for ``"double"``."""
    return 15 if dps == "double" else int(dps)


def _fmt(value, digits):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if mp.isnan(value):
        return "nan"
    return mp.nstr(value, digits)


class SweepResult:
    """Rows of a :func:`sweep` with their metadata.

    Attributes
    ----------
    metadata : dict
        ``model``, ``parameters`` (name -> exact text of the value used, see
        :func:`symgrav.sweep_grid.exact_text`), ``component``,
        ``a``, ``i``, ``dps``, ``statistics``, ``symgrav_version``, ``units``,
        ``columns`` (name -> description) and, with user quantities,
        ``quantities`` (name -> weights, label, unit, description; see
        :func:`symgrav.workflows.columns.quantity_metadata`).  ``dps`` is an
        int or ``"double"``.
    rows : list of dict
        Column name -> mpf, one dict per (mu, T) point, ordered by T then mu.
    quantities : tuple of Quantity
        The user quantities, read back from the metadata.
    columns : tuple of str
        ``mu``, ``T``, the built-in quantities, ``beta``, ``mott``, then the
        user quantities; without the columns listed in ``metadata["omitted"]``
        (:func:`symgrav.bz_scan` omits ``mott``).
    """

    def __init__(self, metadata, rows):
        self.metadata = dict(metadata)
        self.rows = list(rows)
        self.quantities = quantities_from_metadata(self.metadata)
        self.columns = columns_for(self.quantities, self.metadata.get("omitted", ()))

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __repr__(self):
        m = self.metadata
        return (f"<SweepResult {m.get('model')} {m.get('component')} dps={m.get('dps')} "
                f"{len(self.rows)} points>")

    def _repr_html_(self):
        """The table in a notebook: metadata caption, one row per (mu, T), at most 60 rows."""
        m = self.metadata
        digits = min(self._digits(None), 10)
        params = ", ".join(f"{k} = {v}" for k, v in m.get("parameters", {}).items())
        caption = (f"sweep of {m.get('model')} ({params}), component {m.get('component')}, "
                   f"dps {m.get('dps')}, {m.get('statistics')}: {len(self.rows)} points")
        rows = [[_fmt(r[c], digits) for c in self.columns] for r in self.rows]
        return html_table(self.columns, rows, caption, notes=[str(m.get("units", UNITS))],
                          max_rows=60)

    def column(self, name):
        """All values of one column, in row order."""
        if name not in self.columns:
            raise SymgravError(f"unknown column {name!r}; columns are {list(self.columns)}")
        return [r[name] for r in self.rows]

    def temperatures(self):
        """The distinct temperatures, in order of appearance."""
        out = []
        for r in self.rows:
            if not any(r["T"] == t for t in out):
                out.append(r["T"])
        return out

    def _digits(self, digits):
        digits = digits_of(self.metadata.get("dps", 15)) if digits is None else digits
        if not isinstance(digits, int) or isinstance(digits, bool) or digits < 1:
            raise SymgravError(f"digits must be a positive integer; got {digits!r}")
        return digits

    def to_text(self, digits=None):
        """Aligned plain-text table with a ``#`` metadata header (for a terminal)."""
        digits = self._digits(digits)
        cols = self.columns
        table = [list(cols)] + [[_fmt(r[c], digits) for c in cols] for r in self.rows]
        widths = [max(len(row[k]) for row in table) for k in range(len(cols))]
        lines = self._header_lines(skip=("columns",))
        lines += ["  ".join(x.rjust(w) for x, w in zip(row, widths)) for row in table]
        return "\n".join(lines) + "\n"

    def _header_lines(self, skip=()):
        lines = ["# symgrav sweep"]
        for key, value in self.metadata.items():
            if key in skip:
                continue
            lines.append(f"# {key} = {json.dumps(value, ensure_ascii=True)}")
        return lines

    def to_csv(self, path, digits=None):
        """Write the rows as CSV, atomically, with the metadata in ``#`` comment lines.

        Values are decimal strings with ``digits`` significant digits
        (default: the sweep's dps).  The file is written to a temporary
        name and moved into place only when complete.
        """
        from ..fileio import atomic_output

        digits = self._digits(digits)
        with atomic_output(path) as tmp:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                for line in self._header_lines():
                    fh.write(line + "\n")
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(self.columns)
                for r in self.rows:
                    writer.writerow([_fmt(r[c], digits) for c in self.columns])
                fh.flush()
                os.fsync(fh.fileno())

    def to_json(self, path, digits=None):
        """Write ``{"metadata", "columns", "rows"}`` as JSON, atomically; values as strings."""
        from ..fileio import atomic_output

        digits = self._digits(digits)
        with atomic_output(path) as tmp:
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write('{\n"format": "symgrav-sweep",\n"metadata": ')
                fh.write(json.dumps(self.metadata, indent=1, ensure_ascii=True))
                fh.write(',\n"columns": ' + json.dumps(list(self.columns)) + ',\n"rows": [')
                for k, r in enumerate(self.rows):
                    fh.write(("\n " if k == 0 else ",\n ")
                             + json.dumps([_fmt(r[c], digits) for c in self.columns]))
                fh.write("\n]\n}\n")
                fh.flush()
                os.fsync(fh.fileno())

    def save(self, path, digits=None):
        """Write CSV, JSON or netCDF by the extension of ``path`` (``.csv``, ``.json``, ``.nc``)."""
        ext = os.path.splitext(os.fspath(path))[1].lower()
        if ext == ".csv":
            return self.to_csv(path, digits)
        if ext == ".json":
            return self.to_json(path, digits)
        if ext == ".nc":
            return self.to_netcdf(path)
        raise SymgravError(f"unknown output format {ext or '(none)'!r} for {os.fspath(path)!r}; "
                           "use .csv, .json or .nc")

    @staticmethod
    def _parse_rows(metadata, columns, raw):
        expected = columns_for(quantities_from_metadata(metadata), metadata.get("omitted", ()))
        if list(columns) != list(expected):
            raise SymgravError(f"unexpected columns {columns}; expected {list(expected)}")
        with mp.workdps(digits_of(metadata.get("dps", 15)) + GUARD):
            return [{c: mp.mpf(x) for c, x in zip(columns, row)} for row in raw]

    @classmethod
    def read_csv(cls, path):
        """Read a file written by :meth:`to_csv` (values as mpf at dps + 10 digits)."""
        with open(path, encoding="utf-8", newline="") as fh:
            text = fh.read()
        metadata, body = {}, []
        for line in text.splitlines(keepends=True):
            if line.startswith("# "):
                key, sep, value = line[2:].partition(" = ")
                if sep:
                    metadata[key.strip()] = json.loads(value)
            else:
                body.append(line)
        table = list(csv.reader(io.StringIO("".join(body))))
        return cls(metadata, cls._parse_rows(metadata, table[0], table[1:]))

    @classmethod
    def read_json(cls, path):
        """Read a file written by :meth:`to_json`."""
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        return cls(data["metadata"], cls._parse_rows(data["metadata"], data["columns"],
                                                      data["rows"]))

    def to_pandas(self):
        """The rows as a pandas DataFrame (float64), metadata in ``attrs``; extra ``data``.

        See :func:`symgrav.workflows.sweep_data.to_pandas` (Eqs. 19a, 19b, 8a,
        B7a, 20, 21 as columns).
        """
        from .sweep_data import to_pandas

        return to_pandas(self)

    def to_xarray(self):
        """The rows as an xarray Dataset over mu, T, component, quantity; extra ``data``.

        See :func:`symgrav.workflows.sweep_data.to_xarray` (Eqs. 19a, 19b, 8a,
        B7a, 20, 21 along ``quantity``).
        """
        from .sweep_data import to_xarray

        return to_xarray(self)

    def to_netcdf(self, path):
        """Write :meth:`to_xarray` to a netCDF file, atomically; extra ``data``.

        See :func:`symgrav.workflows.sweep_data.to_netcdf`.
        """
        from .sweep_data import to_netcdf

        to_netcdf(self, path)

    def plot(self, path=None, quantities=None):
        """Draw the quantities versus mu, one line per temperature; return the Figure.

        One panel per quantity (Eqs. 19a, 19b, 8a, B7a, 20, or a user
        quantity); the ``T_beta`` panel also shows the Mott value, Eq. (21),
        dashed.  Default: alpha, T beta~, M, T beta and the user quantities.
        With ``path`` the figure is also written, atomically, in the format of
        its extension (PNG, PDF, SVG, ...).  See
        :func:`symgrav.workflows.sweep_plot.sweep_figure`.

        Returns
        -------
        matplotlib.figure.Figure
        """
        if path is None:
            return sweep_figure(self, quantities)
        return plot_sweep(self, path, quantities)
