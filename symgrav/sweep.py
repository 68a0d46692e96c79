"""Sweeps of the susceptibilities over chemical potential and temperature, any model.

:func:`sweep` evaluates the Fermi-sea integrals of :class:`~symgrav.Susceptibilities`
(Eqs. 19a, 19b, 8a, B7a, 20 and the Mott value 21 of the paper) on a grid of
(mu, T) points, in parallel through :func:`symgrav.parallel.parallel_map` and
any :class:`concurrent.futures.Executor`.  Each worker process builds one
``Susceptibilities`` per sweep and reuses it for every chunk of points it
receives.  Values stay mpmath numbers end to end (mpf pickles exactly); they
are turned into decimal strings with the requested digits only when written.

The result (:class:`SweepResult`) carries its metadata (model, parameters,
component, dps, statistics, symgrav version) and writes CSV (with a ``#``
comment block holding the metadata) or JSON atomically: an interrupted write
never replaces a good file by a truncated one.

Columns, in natural units (q = 1, g mu_B / hbar = 1, k_B = 1; mu and T in the
model's energy unit):

=============  ==========================================================
``mu``         chemical potential
``T``          temperature (an energy)
``alpha``      magnetoelectric susceptibility alpha_a^i, Eq. (19a)
``T_beta_kubo`` Kubo gravito-ME susceptibility T beta~_a^i, Eq. (19b)
``mqm``        spin magnetic quadrupole moment M_a^i, Eq. (8a)
``mqm_aux``    auxiliary spin MQM M~_a^i, Eq. (B7a)
``T_beta``     gravito-ME susceptibility T beta_a^i, Eq. (20) (= 19b - 8a, Eq. 18)
``beta``       beta_a^i = T_beta / T (0 at T = 0)
``mott``       Mott value of T_beta, (pi^2 T^2 / 3) d alpha/d mu at T = 0, Eq. (21);
               NaN for Bose statistics (the Mott relation is for fermions)
=============  ==========================================================
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import uuid
from collections import OrderedDict, namedtuple
from fractions import Fraction

import mpmath as mp

from .errors import SymgravError
from .model import Model

#: computed quantities, in column order (after ``mu`` and ``T``)
QUANTITIES = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta", "beta", "mott")
COLUMNS = ("mu", "T") + QUANTITIES

#: one-line description of every column (also stored in the files' metadata)
DESCRIPTIONS = {
    "mu": "chemical potential",
    "T": "temperature (k_B = 1)",
    "alpha": "magnetoelectric susceptibility alpha_a^i, Eq. (19a)",
    "T_beta_kubo": "Kubo gravito-ME susceptibility T beta~_a^i, Eq. (19b)",
    "mqm": "spin magnetic quadrupole moment M_a^i, Eq. (8a)",
    "mqm_aux": "auxiliary spin MQM M~_a^i, Eq. (B7a)",
    "T_beta": "gravito-ME susceptibility T beta_a^i, Eq. (20)",
    "beta": "beta_a^i = T_beta / T (0 at T = 0), Eq. (20)",
    "mott": "Mott value of T_beta, (pi^2 T^2/3) d alpha/d mu at T = 0, Eq. (21); "
            "nan for Bose statistics",
}
UNITS = ("natural units of PHYSICS.md: q = 1, g mu_B / hbar = 1, k_B = 1; mu and T in "
         "the model's energy unit")
GUARD = 10

# -- exact grids ---------------------------------------------------------------


def exact_number(value, what="value"):
    """A real number given as a decimal string, int, Fraction or mpf, kept exact.

    Strings and ints become :class:`fractions.Fraction` (so ``"-0.2"`` is
    exactly -1/5); an mpf or float is kept as the binary number it is.
    """
    if isinstance(value, (Fraction, int)) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise SymgravError(f"{what}: {value!r} is not a decimal number") from None
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SymgravError(f"{what}: {value!r} is not finite")
        return Fraction(value)
    if isinstance(value, mp.mpf):
        if not mp.isfinite(value):
            raise SymgravError(f"{what}: {value!r} is not finite")
        return value
    raise SymgravError(f"{what}: {value!r} is not a real number")


def _to_mpf(value, dps):
    """Fraction or mpf -> mpf correctly rounded at ``dps`` digits."""
    with mp.workdps(dps):
        if isinstance(value, Fraction):
            return mp.mpf(value.numerator) / value.denominator
        return +mp.mpf(value)


def linspace(start, stop, n):
    """``n`` equally spaced values from ``start`` to ``stop`` inclusive, exactly.

    Like :func:`numpy.linspace`, but in exact rational arithmetic from the
    decimal strings, so that round values such as -0.2 stay exact.  Plain
    bookkeeping; no equation of the paper.

    Parameters
    ----------
    start, stop : str, int or Fraction
    n : int
        Number of points, >= 1 (``n = 1`` gives ``[start]``).

    Returns
    -------
    list of Fraction
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise SymgravError(f"the number of points must be an integer >= 1; got {n!r}")
    a, b = exact_number(start, "start"), exact_number(stop, "stop")
    if n == 1:
        return [a]
    a, b = Fraction(a), Fraction(b)
    return [a + (b - a) * k / (n - 1) for k in range(n)]


def parse_grid(text, what="--mu"):
    """``"START:STOP:N"`` (N points inclusive), ``"V1,V2,..."`` or ``"V"`` -> Fractions.

    Used for the ``--mu`` and ``--T`` options of ``symgrav compute``.
    """
    text = str(text).strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3 or not all(p.strip() for p in parts):
            raise SymgravError(f"{what} must look like START:STOP:N (e.g. -1:1:41); got {text!r}")
        try:
            n = int(parts[2])
        except ValueError:
            raise SymgravError(f"{what}: N = {parts[2]!r} is not an integer") from None
        if n < 1:
            raise SymgravError(f"{what}: N must be >= 1; got {n}")
        return linspace(exact_number(parts[0], what), exact_number(parts[1], what), n)
    items = [t for t in text.split(",")]
    if not text or not all(t.strip() for t in items):
        raise SymgravError(f"{what}: give a number, a comma-separated list or START:STOP:N; "
                           f"got {text!r}")
    return [exact_number(t, what) for t in items]


# -- the worker side -------------------------------------------------------------

_Spec = namedtuple("_Spec", "token model params a i dps statistics")
_CACHE = OrderedDict()  # token -> Susceptibilities, in every process
_CACHE_SIZE = 4


def _susceptibilities(spec):
    """The Susceptibilities of a sweep, built once per process and reused."""
    s = _CACHE.get(spec.token)
    if s is None:
        from .susceptibilities import Susceptibilities

        s = Susceptibilities(spec.model, spec.params, spec.a, spec.i, spec.dps, spec.statistics)
        _CACHE[spec.token] = s
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(spec.token)
    return s


def _point(s, mu, T):
    """Every column at one (mu, T) as mpf (Eqs. 19a, 19b, 8a, B7a, 20, 21)."""
    vals = s.evaluate(mu, T)
    with mp.workdps(s.dps + GUARD):
        beta = mp.mpf(0) if T == 0 else vals["T_beta"] / T
        mott = s.mott(mu, T) if s.statistics == "fermi" else mp.nan
    with mp.workdps(s.dps):
        row = {"mu": mu, "T": T}
        row.update((k, +v) for k, v in vals.items())
        row["beta"] = +beta
        row["mott"] = mott if mott is mp.nan else +mott
    return row


def _run_chunk(task):
    """Worker task: one chunk of (mu, T) points of one sweep -> list of rows."""
    spec, points = task
    s = _susceptibilities(spec)
    return [_point(s, mu, T) for mu, T in points]


# -- the sweep -----------------------------------------------------------------


def _model_of(model):
    if isinstance(model, Model):
        return model
    if isinstance(model, (str, os.PathLike)):
        from .modelfile import load_model
        return load_model(model)
    raise SymgravError(f"model must be a symgrav.Model, a built-in name or a model file; "
                       f"got {type(model).__name__}")


def _values(values, what):
    if isinstance(values, (str, int, float, Fraction, mp.mpf)) and not isinstance(values, bool):
        values = [values]
    out = []
    for v in values:
        out.append(parse_grid(v, what) if isinstance(v, str) and (":" in v or "," in v)
                   else [exact_number(v, what)])
    flat = [x for group in out for x in group]
    if not flat:
        raise SymgravError(f"{what}: no values given")
    return flat


def sweep(model, params=None, mu=(0,), T=(0,), a="x", i="x", dps=20, statistics="fermi",
          executor=None, workers=None, progress=True, chunksize=None):
    """Susceptibilities of a model on a (mu, T) grid, Eqs. (19a), (19b), (8a), (B7a), (20), (21).

    Parameters
    ----------
    model : Model or str
        A :class:`~symgrav.Model`, a built-in model name or a model file.
    params : dict, optional
        Parameter values overriding the model's defaults (name -> number or
        string); unknown names are an error of :class:`~symgrav.Susceptibilities`.
    mu, T : number, str or sequence
        Chemical potentials and temperatures (T >= 0).  Strings are exact
        decimals; a string ``"START:STOP:N"`` is an inclusive grid of N points
        (see :func:`linspace`) and ``"V1,V2"`` a list.  The grid is every mu for
        every T, ordered by T then mu.
    a, i : {"x", "y", "z"}
        Spin component and momentum direction.
    dps : int
        Decimal digits of the results (>= 15).
    statistics : {"fermi", "bose"}
    executor : concurrent.futures.Executor, optional
        Where to run the chunks (default: a process pool of ``workers``
        processes); ``dask.distributed.Client.get_executor()`` works unchanged.
        mpmath's precision is global to a process, so an executor must not
        run two tasks in the same process at once (use processes, or one
        thread per worker).
    workers : int, optional
        Processes of the default pool; ``workers=1`` runs in this process.
    progress : bool
        Show a progress bar (tqdm, on standard error).
    chunksize : int, optional
        Points per task (default: about four tasks per worker).

    Returns
    -------
    SweepResult
        Rows of mpf values for the columns :data:`COLUMNS` plus metadata.

    Raises
    ------
    SymgravError
        Bad model, parameter, component, dps, statistics or grid value
        (including a negative temperature).
    """
    from . import __version__
    from .parallel import default_workers, parallel_map

    model = _model_of(model)
    merged = dict(model.defaults)
    for key, value in dict(params or {}).items():
        merged[getattr(key, "name", str(key))] = value
    wdps = (dps if isinstance(dps, int) else 15) + GUARD
    mus = [_to_mpf(v, wdps) for v in _values(mu, "mu")]
    Ts = [_to_mpf(v, wdps) for v in _values(T, "T")]
    for t in Ts:
        if t < 0:
            raise SymgravError(f"temperature must be >= 0; got T = {mp.nstr(t, 15)}")
    # Build here first: input errors surface before any worker starts, and a
    # serial run (workers=1) reuses this object through the cache.
    spec = _Spec(uuid.uuid4().hex, model, merged, a, i, dps, statistics)
    s = _susceptibilities(spec)
    points = [(m, t) for t in Ts for m in mus]
    if chunksize is None:
        nw = workers or default_workers()
        chunksize = max(1, math.ceil(len(points) / (4 * nw)))
    if not isinstance(chunksize, int) or chunksize < 1:
        raise SymgravError(f"chunksize must be a positive integer; got {chunksize!r}")
    tasks = [(spec, points[k:k + chunksize]) for k in range(0, len(points), chunksize)]
    desc = f"{model.name} {s.a}{s.i}"
    try:
        chunks = parallel_map(_run_chunk, tasks, executor=executor, workers=workers,
                              progress=progress, desc=desc)
    finally:
        _CACHE.pop(spec.token, None)
    rows = [row for chunk in chunks for row in chunk]
    with mp.workdps(dps):
        parameters = {k: mp.nstr(+v, dps) for k, v in sorted(s.params.items())}
    metadata = {
        "model": model.name, "parameters": parameters, "component": s.a + s.i,
        "a": s.a, "i": s.i, "dps": dps, "statistics": s.statistics,
        "symgrav_version": __version__, "units": UNITS,
        "columns": {c: DESCRIPTIONS[c] for c in COLUMNS},
    }
    return SweepResult(metadata, rows)


# -- the result ------------------------------------------------------------------


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
        ``model``, ``parameters`` (name -> decimal string), ``component``,
        ``a``, ``i``, ``dps``, ``statistics``, ``symgrav_version``, ``units``,
        ``columns`` (name -> description).
    rows : list of dict
        Column name -> mpf, one dict per (mu, T) point, ordered by T then mu.
    """

    def __init__(self, metadata, rows):
        self.metadata = dict(metadata)
        self.rows = list(rows)

    columns = COLUMNS

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __repr__(self):
        m = self.metadata
        return (f"<SweepResult {m.get('model')} {m.get('component')} dps={m.get('dps')} "
                f"{len(self.rows)} points>")

    def column(self, name):
        """All values of one column, in row order."""
        if name not in COLUMNS:
            raise SymgravError(f"unknown column {name!r}; columns are {list(COLUMNS)}")
        return [r[name] for r in self.rows]

    def temperatures(self):
        """The distinct temperatures, in order of appearance."""
        out = []
        for r in self.rows:
            if not any(r["T"] == t for t in out):
                out.append(r["T"])
        return out

    def _digits(self, digits):
        digits = self.metadata.get("dps", 15) if digits is None else digits
        if not isinstance(digits, int) or isinstance(digits, bool) or digits < 1:
            raise SymgravError(f"digits must be a positive integer; got {digits!r}")
        return digits

    def to_text(self, digits=None):
        """Aligned plain-text table with a ``#`` metadata header (for a terminal)."""
        digits = self._digits(digits)
        table = [list(COLUMNS)] + [[_fmt(r[c], digits) for c in COLUMNS] for r in self.rows]
        widths = [max(len(row[k]) for row in table) for k in range(len(COLUMNS))]
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
        from .fileio import atomic_output

        digits = self._digits(digits)
        with atomic_output(path) as tmp:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                for line in self._header_lines():
                    fh.write(line + "\n")
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(COLUMNS)
                for r in self.rows:
                    writer.writerow([_fmt(r[c], digits) for c in COLUMNS])
                fh.flush()
                os.fsync(fh.fileno())

    def to_json(self, path, digits=None):
        """Write ``{"metadata", "columns", "rows"}`` as JSON, atomically; values as strings."""
        from .fileio import atomic_output

        digits = self._digits(digits)
        with atomic_output(path) as tmp:
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write('{\n"format": "symgrav-sweep",\n"metadata": ')
                fh.write(json.dumps(self.metadata, indent=1, ensure_ascii=True))
                fh.write(',\n"columns": ' + json.dumps(list(COLUMNS)) + ',\n"rows": [')
                for k, r in enumerate(self.rows):
                    fh.write(("\n " if k == 0 else ",\n ")
                             + json.dumps([_fmt(r[c], digits) for c in COLUMNS]))
                fh.write("\n]\n}\n")
                fh.flush()
                os.fsync(fh.fileno())

    def save(self, path, digits=None):
        """Write CSV or JSON by the extension of ``path`` (``.csv`` or ``.json``)."""
        ext = os.path.splitext(os.fspath(path))[1].lower()
        if ext == ".csv":
            return self.to_csv(path, digits)
        if ext == ".json":
            return self.to_json(path, digits)
        raise SymgravError(f"unknown output format {ext or '(none)'!r} for {os.fspath(path)!r}; "
                           "use .csv or .json")

    @staticmethod
    def _parse_rows(metadata, columns, raw):
        if list(columns) != list(COLUMNS):
            raise SymgravError(f"unexpected columns {columns}; expected {list(COLUMNS)}")
        with mp.workdps(int(metadata.get("dps", 15)) + GUARD):
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

    def plot(self, path, quantities=("alpha", "T_beta_kubo", "mqm", "T_beta")):
        """Draw the quantities versus mu, one line per temperature, and save a PNG atomically.

        One panel per quantity (Eqs. 19a, 19b, 8a, B7a, 20); the ``T_beta``
        panel also shows the Mott value, Eq. (21), dashed.  Natural units as
        in :data:`UNITS`.  Values are converted to float only for drawing.
        """
        from matplotlib.figure import Figure

        from .fileio import atomic_output

        labels = {"alpha": r"$\alpha_{a}^{i}$  (19a)",
                  "T_beta_kubo": r"$T\tilde\beta_{a}^{i}$  (19b)",
                  "mqm": r"$M_{a}^{i}$  (8a)", "mqm_aux": r"$\tilde M_{a}^{i}$  (B7a)",
                  "T_beta": r"$T\beta_{a}^{i}$  (20)", "beta": r"$\beta_{a}^{i}$  (20)",
                  "mott": r"Mott $T\beta$  (21)"}
        for q in quantities:
            if q not in QUANTITIES:
                raise SymgravError(f"cannot plot {q!r}; choose from {list(QUANTITIES)}")
        m = self.metadata
        comp = m.get("component", "ai")
        n = len(quantities)
        ncols = 2 if n > 1 else 1
        nrows = math.ceil(n / ncols)
        fig = Figure(figsize=(5.2 * ncols, 3.6 * nrows + 0.6), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        single_mu = len({mp.nstr(r["mu"], 30) for r in self.rows}) == 1
        for ax, q in zip(axes, quantities):
            for t in self.temperatures():
                rows = [r for r in self.rows if r["T"] == t]
                xs = [float(r["mu"]) for r in rows]
                line, = ax.plot(xs, [float(r[q]) for r in rows], marker="o" if single_mu else None,
                                label=f"T = {mp.nstr(t, 6)}")
                if q == "T_beta" and m.get("statistics") == "fermi":
                    ax.plot(xs, [float(r["mott"]) for r in rows], ls="--",
                            color=line.get_color(), lw=1)
            label = labels[q].replace("_{a}^{i}", "_{%s}^{%s}" % (comp[0], comp[1]))
            ax.set_ylabel(label + "  [natural units]")
            ax.set_xlabel(r"$\mu$  [model energy unit]")
            ax.grid(alpha=0.3)
            ax.legend(fontsize="small")
        for ax in axes[n:]:
            ax.set_visible(False)
        params = ", ".join(f"{k}={v}" for k, v in m.get("parameters", {}).items())
        dashed = "; dashed: Mott value (21)" if "T_beta" in quantities else ""
        fig.suptitle(f"{m.get('model')} ({params}), component {comp}\n"
                     f"natural units: q = 1, g$\\mu_B/\\hbar$ = 1, $k_B$ = 1{dashed}",
                     fontsize="medium")
        with atomic_output(path) as tmp:
            fig.savefig(tmp, format="png", dpi=110)
