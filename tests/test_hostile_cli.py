"""Issue 11: hostile and careless input on the command line, round two.

Every case runs ``python -m symgrav`` in a subprocess with a wall-clock
timeout and an address-space limit (the time and memory bound), from an
empty directory, and asserts the exit status, a single ``symgrav: error:``
line naming the cause, and that nothing was executed (no ``PWNED`` file).
The budgets are those of :mod:`symgrav.limits`.
"""

import os
import resource
import signal
import stat
import subprocess
import sys
import time

import pytest

from symgrav.cli.main import main
from symgrav.fileio import write_text_atomic

TIMEOUT = 60                      # seconds per case (each finishes in a few)
MEMORY = 4 * 1024 ** 3            # bytes of address space per case

RASHBA_LIKE = """momenta = ["p_x", "p_y"]
[parameters]
{params}
[hamiltonian]
matrix = [["(p_x**2 + p_y**2)/2 + {z}", "p_y + I*p_x{extra}"],
          ["p_y - I*p_x{extra}", "(p_x**2 + p_y**2)/2 - ({z})"]]
"""


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _run(argv, cwd, env=None):
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "symgrav", *argv], capture_output=True,
                          text=True, timeout=TIMEOUT, cwd=cwd, preexec_fn=_limit_memory,
                          env={**os.environ, **(env or {})})
    return proc, time.monotonic() - start


def _refused(argv, tmp_path, *needles, status=2, env=None):
    proc, _ = _run(argv, tmp_path, env)
    assert proc.returncode == status, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("symgrav: error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert not (tmp_path / "PWNED").exists()
    return lines[0]


def _model(tmp_path, name, z="b", params="b = 1", extra=""):
    path = tmp_path / name
    path.write_text(RASHBA_LIKE.format(z=z, params=params, extra=extra), encoding="utf-8")
    return str(path)


COMPUTE = ["compute", "rashba", "--T", "0", "--workers", "1", "--no-progress"]


# -- item 1: budgets ---------------------------------------------------------
@pytest.mark.parametrize("argv,needle", [
    (["--mu", "0", "--dps", "1000000"], "SYMGRAV_MAX_DPS"),
    (["--mu", "0:1:99999999999999999999"], "SYMGRAV_MAX_GRID_POINTS"),
    (["--mu", "1e99999999"], "SYMGRAV_MAX_DECIMAL_EXPONENT"),
    (["--mu", "1e400"], "SYMGRAV_MAX_NUMBER_EXPONENT"),
    (["--mu", "0", "--param", "b=1e999"], "SYMGRAV_MAX_NUMBER_EXPONENT"),
], ids=["dps", "grid-points", "decimal-exponent", "huge-mu", "huge-parameter"])
def test_cli_budgets(tmp_path, argv, needle):
    _refused(COMPUTE + argv, tmp_path, needle)


def test_grid_of_two_axes_counts_all_points(tmp_path):
    _refused(["compute", "rashba", "--mu", "0:1:1001", "--T", "0:1:1000", "--workers", "1"],
             tmp_path, "1001000 points", "SYMGRAV_MAX_GRID_POINTS")


def test_budget_overridden_from_the_environment(tmp_path):
    _refused(COMPUTE + ["--mu", "0", "--dps", "30"], tmp_path, "--dps 30", "limit is 20",
             env={"SYMGRAV_MAX_DPS": "20"})
    _refused(COMPUTE + ["--mu", "0"], tmp_path, "SYMGRAV_MAX_DPS must be a positive integer",
             env={"SYMGRAV_MAX_DPS": "lots"})


@pytest.mark.parametrize("z,needle", [
    ("(p_x + p_y + m + b)**1000", "SYMGRAV_MAX_TERMS"),
    ("((p_x + 1)**1000 + m)**1000", "SYMGRAV_MAX_TERMS"),
    ("b + exp(10**299)", "SYMGRAV_MAX_NUMBER_EXPONENT"),
    ("b*exp(1000)**1000", "exp(1000000)"),
    ("exp(exp(exp(100)))", "exp(exp(100))"),
    ("b*(-2)**999*(-2)**-999*(-2)**999*(-2)**-999*(-2)**999*(-2)**-999*(-2)**999",
     "SYMGRAV_MAX_NUMBER_EXPONENT"),
    ("b*sqrt(10**299 + 1)", "SYMGRAV_MAX_NUMBER_EXPONENT"),
], ids=["pow1000", "nested-pow", "exp-huge", "exp-pow", "exp-exp-exp", "pow-chain", "sqrt-huge"])
def test_runaway_expressions_refused_quickly(tmp_path, z, needle):
    params = "\n".join(f"{n} = 1" for n in ("b", "m") if n in z)
    path = _model(tmp_path, "runaway.toml", z=z, params=params)
    # derive and compute build the model the same way; compute is run for the first case
    argv = ["compute", path, "--mu", "0.5", "--T", "0", "--workers", "1"] \
        if "m + b" in z else ["derive", path]
    _refused(argv, tmp_path, needle, "H[0][0]")


# -- item 2: Hermiticity for every value -------------------------------------
@pytest.mark.parametrize("extra,params", [
    (" + I*(Abs(p_x - 2) + p_x - 2)", "b = 1"),            # non-Hermitian for p_x > 2 only
    (" + I*(Abs(c - 2) + c - 2)*p_x", "b = 1\nc = 5"),     # only for c > 2 (default 5)
], ids=["momentum-beyond-2", "parameter-beyond-2"])
def test_non_hermitian_beyond_the_old_sampling_box(tmp_path, extra, params):
    path = _model(tmp_path, "nh.toml", params=params, extra=extra)
    line = _refused(["derive", path], tmp_path, "not Hermitian", "H[0][1]")
    # the point named in the message is one where the extra term is non-zero
    point = dict(part.split(" = ") for part in line.split(" at ")[-1].split(", "))
    var = "p_x" if "Abs(p_x" in extra else "c"
    assert float(point[var]) > 2
    _refused(["compute", path, "--mu", "0.5", "--T", "0", "--workers", "1"], tmp_path,
             "not Hermitian")


# -- item 4: every failure is one line ----------------------------------------
@pytest.mark.parametrize("value,needle", [
    ("0", "must be positive"), ("-1", "must be positive"),
    ("True", "not allowed"), ("1+2j", "not a real number"),
    ("__import__('os').system('touch PWNED')", "not allowed"),
])
def test_bad_parameter_values(tmp_path, value, needle):
    name = "b" if "PWNED" in value or "j" in value or value == "True" else "hbar"
    _refused(COMPUTE + ["--mu", "0.5", "--param", f"{name}={value}"], tmp_path, needle)
    if name == "hbar":
        _refused(["verify", "rashba", "--param", f"hbar={value}"], tmp_path, needle)


def test_fifo_as_model_file_does_not_block(tmp_path):
    fifo = tmp_path / "model.toml"
    os.mkfifo(fifo)
    proc, seconds = _run(["derive", str(fifo)], tmp_path)
    assert proc.returncode == 2 and "not a regular file (a FIFO)" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and seconds < TIMEOUT


def test_device_as_model_file(tmp_path):
    _refused(["derive", "/dev/zero"], tmp_path, "not a regular file (a character device)")


def test_output_through_a_link_to_a_device_is_refused(tmp_path):
    link = tmp_path / "out.csv"
    link.symlink_to("/dev/null")
    _refused(COMPUTE + ["--mu", "0", "--out", str(link)], tmp_path, "not a regular file")
    tex = tmp_path / "out.tex"
    tex.symlink_to("/dev/null")
    _refused(["derive", "rashba", "--latex", str(tex)], tmp_path, "not a regular file")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    _refused(COMPUTE + ["--mu", "0", "--out", str(fifo)], tmp_path, "not a regular file")


@pytest.mark.parametrize("momenta,needle", [
    ('["ｐ_x", "p_y"]', "NFKC"),              # fullwidth p: Python reads it as p_x
    ('["р_x", "p_y"]', "Cyrillic"),           # Cyrillic er
])
def test_confusable_names_refused(tmp_path, momenta, needle):
    path = tmp_path / "confusable.toml"
    path.write_text(RASHBA_LIKE.format(z="b", params="b = 1", extra="")
                    .replace('["p_x", "p_y"]', momenta), encoding="utf-8")
    _refused(["derive", str(path)], tmp_path, needle)


def test_greek_names_still_accepted(tmp_path):
    path = tmp_path / "greek.toml"
    path.write_text(RASHBA_LIKE.format(z="β", params='"β" = 1\n"α" = 1', extra="*α"),
                    encoding="utf-8")
    proc, _ = _run(["derive", str(path)], tmp_path)
    assert proc.returncode == 0, proc.stderr


def test_unexpected_exception_is_one_line(monkeypatch, capsys):
    import symgrav.cli.derive as derive

    def boom(args):
        raise ZeroDivisionError("division by zero\nsecond line")
    monkeypatch.setattr(derive, "add_parser", _patched_add_parser(derive.add_parser, boom))
    assert main(["derive", "rashba"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: ZeroDivisionError" in err
    assert "Traceback" not in err
    assert main(["derive", "rashba", "--debug"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and err.splitlines()[-1].startswith("symgrav: error: internal")
    assert main(["--debug", "derive", "rashba"]) == 3
    assert "Traceback" in capsys.readouterr().err


def _patched_add_parser(add_parser, func):
    def add(subparsers):
        parser = add_parser(subparsers)
        parser.set_defaults(func=func)
        return parser
    return add


def test_memory_error_is_one_line(monkeypatch, capsys):
    import symgrav.cli.derive as derive

    def oom(args):
        raise MemoryError
    monkeypatch.setattr(derive, "add_parser", _patched_add_parser(derive.add_parser, oom))
    assert main(["derive", "rashba"]) == 3
    err = capsys.readouterr().err
    assert err == "symgrav: error: out of memory (the model or the requested grid is too " \
                  "large)\n"


# -- item 5: processes and temporary files cleaned up -------------------------
def _children(pid):
    out = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out |= {int(x) for x in fh.read().split()}
        except OSError:
            pass
    return out


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "term"])
def test_workers_end_with_their_parent(tmp_path, sig):
    proc = subprocess.Popen([sys.executable, "-m", "symgrav", "compute", "rashba", "--mu",
                             "-1:1:400", "--T", "0,0.1", "--workers", "2", "--no-progress"],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + TIMEOUT
        workers = set()
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            workers = {c for c in _children(proc.pid) if _alive(c)}
        assert len(workers) == 2, "the pool did not start"
        os.kill(proc.pid, sig)
        proc.wait(timeout=TIMEOUT)
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(w) for w in workers)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_stale_temporary_of_a_killed_writer_is_removed(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # a pid that is surely dead now
    stale = tmp_path / f".out.csv.{child.pid}.abc123.tmp"
    live = tmp_path / f".out.csv.{os.getpid()}.def456.tmp"
    other = tmp_path / f".other.csv.{child.pid}.abc123.tmp"
    for p in (stale, live, other):
        p.write_text("half")
    write_text_atomic(tmp_path / "out.csv", "whole\n")
    assert (tmp_path / "out.csv").read_text() == "whole\n"
    assert not stale.exists()
    assert live.exists() and other.exists()  # a live writer's file, another target's file
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [other.name, live.name, "out.csv"])


# -- item 6: true causes, no NaN ------------------------------------------------
def test_parameter_making_H_undefined_names_the_cause(tmp_path):
    _refused(COMPUTE + ["--mu", "0.5", "--param", "m=0"], tmp_path,
             "H[0][0] = b + (p_x**2 + p_y**2)/(2*m) is undefined at", "m = 0")


def test_mott_at_zero_temperature_at_a_band_edge_is_zero():
    """Eq. (21) at T = 0 is (pi^2 0^2 / 3) d alpha/d mu = 0 for every mu, also at the band
    edge mu = -2.6 of the lattice insulator, where d alpha/d mu is undefined."""
    from symgrav import sweep

    for dps in (20, "double"):
        res = sweep("lattice_insulator", mu="-2.6", T=0, dps=dps, workers=1, progress=False)
        assert res.rows[0]["mott"] == 0


WATCHDOG_SCRIPT = """
import os, sys, time
import symgrav.workflows.parallel as par
par._set_parent_death_signal = lambda: False   # only the getppid watchdog is left
par.WATCHDOG_PERIOD = 0.1
parent = os.getpid()
child = os.fork()
if child == 0:
    par.worker_init(parent)
    time.sleep(60)
    os.kill(os.getpid(), 9)
print(child, flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_watchdog_ends_a_worker_without_the_kernel_signal(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", WATCHDOG_SCRIPT], stdout=subprocess.PIPE,
                            text=True, cwd=tmp_path)
    try:
        worker = int(proc.stdout.readline())
        assert _alive(worker)
        proc.kill()
        proc.wait(timeout=TIMEOUT)
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(worker)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_runaway_user_quantity_refused_quickly(tmp_path):
    _refused(COMPUTE + ["--mu", "0.5", "--quantity", "q=(xi+T+f+G+df)**1000;0"], tmp_path,
             "the omega weight", "SYMGRAV_MAX_TERMS")


@pytest.mark.parametrize("T", ["0", "0.01"])
def test_mu_at_a_van_hove_energy_works(tmp_path, T):
    """mu exactly at the critical energy -2 of lattice_insulator (two local maxima of the
    lower band) at T = 0 (before: 'periodic trapezoid rule did not converge' after ~95 s) and
    at T = 0.01, where the mott column is d alpha/d mu (E1) at -2 (before: refused): exit 0,
    finite values, bounded time.  The values are checked against references in
    tests/test_hostile_numerics.py and tests/test_van_hove_mott.py."""
    out = tmp_path / "vh.csv"
    proc, seconds = _run(["compute", "lattice_insulator", "--mu=-2", "--T", T, "--dps",
                          "double", "--workers", "1", "--no-progress", "--out", str(out)],
                         tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert seconds < TIMEOUT
    import math

    header, row = [ln for ln in out.read_text().splitlines() if not ln.startswith("#")]
    values = dict(zip(header.split(","), map(float, row.split(","))))
    assert values["mu"] == -2 and all(math.isfinite(v) for v in values.values())
    assert values["alpha"] != 0
