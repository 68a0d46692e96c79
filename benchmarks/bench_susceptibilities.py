"""Benchmark: Susceptibilities.evaluate at 30 digits and in double precision vs plain baselines.

(a) 20-point mu sweep, Rashba b = 0.5 (hbar = m = alpha = 1), T = 1e-3, 30 digits:
    symgrav.Susceptibilities(...).evaluate (the route it took per mu is shown:
    Fermi-window average or graded integration) against a PLAIN mpmath implementation
    (per mu: Fermi points of eps_+- = p^2/2 +- sqrt(p^2 + b^2) by a scan + mp.findroot,
    then four separate mp.quad calls -- tanh-sinh, mpmath defaults -- over
    [0, p_F..., p_max] of p * sum_n (integrand) with the closed forms
    Omega_+- = -+b/4Delta^3, m = b/4Delta^2).  Quantities: alpha (19a),
    M (8a), T beta~ (19b), T beta (20).
(b) the same sweep in double precision: the same engine with dps="double" (numpy float64).
(d) the sweep of (a) with route="closed_form": the Fermi-window average of the
    closed-form T = 0 functions of symgrav.zero_temperature (issue 10 item 4).
(c) alpha of the built-in lattice_insulator at mu = 0 (in the gap), T = 0, 30
    digits, against (c1) plain mpmath 2D mp.quad of the closed-form Omega
    (lambdified into mpmath) over [-pi, pi]^2 at 30 digits -- tanh-sinh (the
    default) and method="gauss-legendre" -- and (c2) a numpy double-precision
    trapezoid rule; the engine in double precision is shown alongside.

Usage:  python benchmarks/bench_susceptibilities.py [--quick] [--skip-2d-quad]

--quick uses 4 chemical potentials and skips the (slow) 2D mp.quad baseline;
the default is the full benchmark.  Timings are CPU seconds of this single
process (time.process_time), with wall-clock seconds alongside: on a shared
machine the CPU time is the robust figure, and both codes run in the same
process so their ratio is measured under the same conditions.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import subprocess
import sys
import time

import mpmath as mp
import numpy as np
import sympy as sp

import symgrav

QUANTS = ("alpha", "mqm", "T_beta_kubo", "T_beta")
DPS = 30
T_SWEEP = "1e-3"


# ---------------------------------------------------------------------------
# plain mpmath baseline for the Rashba ferromagnet (hbar = m = alpha = 1)
# ---------------------------------------------------------------------------
class PlainRashba:
    """Textbook mpmath: Fermi points by scan + findroot, then four mp.quad calls."""

    def __init__(self, b, T, p_max=8):
        self.b = mp.mpf(b)
        self.T = mp.mpf(T)
        self.p_max = mp.mpf(p_max)

    def D(self, p):
        return mp.sqrt(p * p + self.b * self.b)

    def eps(self, p, s):
        return p * p / 2 + s * self.D(p)

    def f(self, x):
        return 1 / (mp.exp(x / self.T) + 1)

    def G(self, x):  # int_x^inf f(z) dz
        T = self.T
        return T * mp.log1p(mp.exp(-x / T)) if x > 0 else -x + T * mp.log1p(mp.exp(x / T))

    def fermi_points(self, mu):
        pts = []
        xs = [mp.mpf(k) / 50 for k in range(0, 400)]
        for s in (-1, 1):
            g = lambda p, s=s: self.eps(p, s) - mu  # noqa: E731
            for a, c in zip(xs, xs[1:]):
                if g(a) * g(c) < 0:
                    pts.append(mp.findroot(g, (a, c), solver="anderson"))
        return sorted(pts)

    def quantities(self, mu):
        b = self.b
        pts = [mp.mpf(0)] + self.fermi_points(mu) + [self.p_max]
        Om = lambda p, s: -s * b / (4 * self.D(p) ** 3)  # noqa: E731
        m = lambda p: b / (4 * self.D(p) ** 2)  # noqa: E731
        e = self.eps
        f, G = self.f, self.G
        c = 1 / (2 * mp.pi)  # 2 pi / (2 pi hbar)^2
        A = c * mp.quad(lambda p: p * sum(Om(p, s) * f(e(p, s) - mu) for s in (-1, 1)), pts)
        K = c * mp.quad(lambda p: p * sum((Om(p, s) * (e(p, s) - mu) + m(p)) * f(e(p, s) - mu)
                                          for s in (-1, 1)), pts)
        Mq = c * mp.quad(lambda p: p * sum(-Om(p, s) * G(e(p, s) - mu) + m(p) * f(e(p, s) - mu)
                                           for s in (-1, 1)), pts)
        TB = c * mp.quad(lambda p: p * sum(Om(p, s) * ((e(p, s) - mu) * f(e(p, s) - mu)
                                                       + G(e(p, s) - mu)) for s in (-1, 1)), pts)
        return {"alpha": A, "T_beta_kubo": K, "mqm": Mq, "T_beta": TB}


# ---------------------------------------------------------------------------
class Clock:
    """Laps of (wall, CPU) seconds; CPU time is the robust figure on a shared machine."""

    def __init__(self):
        self.w, self.c = time.perf_counter(), time.process_time()

    def lap(self):
        w, c = time.perf_counter(), time.process_time()
        out = (w - self.w, c - self.c)
        self.w, self.c = w, c
        return out


def machine():
    try:
        import gmpy2
        gv = gmpy2.version()
    except ImportError:  # pragma: no cover
        gv = "absent"
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        load = "n/a"
    try:
        here = os.path.dirname(os.path.abspath(__file__))
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here,
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "../symgrav"], cwd=here,
                               capture_output=True, text=True, timeout=10).stdout.split("\n")
        dirty = [ln[3:] for ln in dirty if ln.strip()]
        git = f"{head or '?'}" + (f" + uncommitted changes in {', '.join(dirty)}" if dirty else "")
    except (OSError, subprocess.SubprocessError):  # pragma: no cover
        git = "n/a"
    return [
        f"symgrav   : git {git}",
        f"machine   : {platform.machine()} {platform.system()} {platform.release()}, "
        f"nproc = {os.cpu_count()}, load average (1/5/15 min) = {load}",
        f"python    : {sys.version.split()[0]} ({platform.python_implementation()})",
        f"versions  : symgrav {symgrav.__version__}, mpmath {mp.__version__} "
        f"(backend {mp.libmp.BACKEND}), gmpy2 {gv}, numpy {np.__version__}, "
        f"sympy {sp.__version__}",
    ]


def rel_dev(x, y):
    """|x - y| / |y| as mpf (absolute if y == 0)."""
    d = abs(x - y)
    return d / abs(y) if y != 0 else d


def mu_grid(n):
    # exact decimal grid from -0.6 to 1.3 (step 0.1 for n = 20)
    return [mp.mpf(str(round(-0.6 + 1.9 * k / (n - 1), 10))) for k in range(n)]


def part_a_b(n_mu):
    model = symgrav.load_model("rashba")
    b = model.defaults["b"]
    with mp.workdps(DPS):
        mus = mu_grid(n_mu)
    print(f"\n(a) Rashba b = {b}, T = {T_SWEEP}, {n_mu} chemical potentials "
          f"{mp.nstr(mus[0], 3)} .. {mp.nstr(mus[-1], 3)}, {DPS} digits")

    # symgrav
    clk = Clock()
    S = symgrav.Susceptibilities(model, model.defaults, dps=DPS)
    w_setup, t_setup = clk.lap()
    ours, t_ours_mu, w_ours, routes = [], [], 0.0, []
    for mu in mus:
        ours.append(S.evaluate(mu, T_SWEEP))
        w, c = clk.lap()
        t_ours_mu.append(c)
        w_ours += w
        routes.append(ours[-1].route)  # Fermi-window average or graded integration
    t_ours = t_setup + sum(t_ours_mu)
    w_ours += w_setup

    # plain mpmath baseline
    plain, t_plain_mu, w_plain = [], [], 0.0
    with mp.workdps(DPS):
        base = PlainRashba(b, T_SWEEP)
        clk.lap()
        for mu in mus:
            plain.append(base.quantities(mu))
            w, c = clk.lap()
            t_plain_mu.append(c)
            w_plain += w
    t_plain = sum(t_plain_mu)

    print("CPU seconds per chemical potential; deviation d = |plain - symgrav| / |symgrav|, or\n"
          "d = |plain - symgrav| / max_mu |symgrav| (marked *) where "
          "|symgrav| < 1e-20 max_mu |symgrav|")
    print(f"{'mu':>6} | {'symgrav':>8} {'route':>6} {'plain':>7} {'ratio':>6} | " +
          " ".join(f"{q:>11}" for q in QUANTS))
    worst = {q: mp.mpf(0) for q in QUANTS}
    with mp.workdps(DPS + 10):
        scale = {q: max(abs(o[q]) for o in ours) for q in QUANTS}
        for mu, o, p, to, tp, rt in zip(mus, ours, plain, t_ours_mu, t_plain_mu, routes):
            devs = []
            for q in QUANTS:
                if abs(o[q]) < mp.mpf("1e-20") * scale[q]:
                    dv, mark = abs(p[q] - o[q]) / scale[q], "*"
                else:
                    dv, mark = rel_dev(p[q], o[q]), " "
                worst[q] = max(worst[q], dv)
                devs.append(f"{mp.nstr(dv, 2):>10}{mark}")
            print(f"{mp.nstr(mu, 3):>6} | {to:8.3f} {rt:>6} {tp:7.3f} {tp / to:6.1f} | "
                  + " ".join(devs))
    print(f"routes: {routes.count('window')} Fermi-window, {routes.count('graded')} graded "
          "(graded within ~87 T of a band extremum or band edge)")
    print(f"total CPU: symgrav {t_ours:.2f} s (incl. {t_setup:.2f} s setup: derivation + "
          f"lambdify), plain mpmath {t_plain:.2f} s")
    print(f"speed-up plain/symgrav = {t_plain / t_ours:.2f}x (evaluate only: "
          f"{t_plain / sum(t_ours_mu):.2f}x); wall clock: symgrav {w_ours:.2f} s, "
          f"plain {w_plain:.2f} s")
    print("max disagreement symgrav vs plain (d above): " +
          ", ".join(f"{q} {mp.nstr(worst[q], 2)}" for q in QUANTS))

    # (b) double precision: the same engine, dps="double"
    Sd = symgrav.Susceptibilities(model, model.defaults, dps="double")
    for warm in ("-0.61", "0.05"):  # build the callables and Gauss rules once (graded, window)
        Sd.evaluate(warm, T_SWEEP)
    clk.lap()
    dbl_rows = [Sd.evaluate(mu, T_SWEEP) for mu in mus]
    w_dbl, t_dbl = clk.lap()
    dbl = {q: np.array([r[q] for r in dbl_rows]) for q in QUANTS}
    worst_d, worst_abs = {}, {}
    for q in QUANTS:
        ref = np.array([float(o[q]) for o in ours])
        scale = max(np.max(np.abs(ref)), 1e-300)
        err = np.abs(dbl[q] - ref)
        big = np.abs(ref) > 1e-20 * scale
        rel = err[big] / np.abs(ref[big])
        worst_d[q] = float(np.max(rel)) if rel.size else 0.0
        worst_abs[q] = float(np.max(err) / scale)
    print(f"\n(b) Susceptibilities(dps='double'), same {n_mu} chemical potentials: "
          f"{t_dbl * 1e3:.1f} ms CPU, {w_dbl * 1e3:.1f} ms wall "
          f"({t_ours / t_dbl:.0f}x less CPU than symgrav at {DPS} digits; callables prebuilt; "
          f"routes: {', '.join(sorted(set(r.route for r in dbl_rows)))})")
    print("    max |double - 30 digits| / max_mu |30 digits|: " +
          ", ".join(f"{q} {worst_abs[q]:.1e}" for q in QUANTS))
    print("    max relative deviation (mu where |value| > 1e-20 max): " +
          ", ".join(f"{q} {worst_d[q]:.1e}" for q in QUANTS))
    return {"t_ours": t_ours, "t_plain": t_plain, "t_dbl": t_dbl, "mus": mus, "ours": ours,
            "t_plain_mu": t_plain_mu}


def part_d(res):
    """(d) the same sweep through route="closed_form": window averages of SymPy's T = 0 forms."""
    model = symgrav.load_model("rashba")
    mus, ours, t_plain_mu = res["mus"], res["ours"], res["t_plain_mu"]
    print(f"\n(d) route='closed_form' (issue 10 item 4), the same {len(mus)} chemical potentials, "
          f"T = {T_SWEEP}, {DPS} digits")
    clk = Clock()
    S = symgrav.Susceptibilities(model, model.defaults, dps=DPS, route="closed_form")
    S.evaluate(mus[0], T_SWEEP)      # first call: SymPy derives the closed forms
    w_setup, t_setup = clk.lap()
    # a fresh engine for the timed sweep (the derived closed forms and the generated
    # code stay cached); the garbage of the parts before is collected first
    S = symgrav.Susceptibilities(model, model.defaults, dps=DPS, route="closed_form")
    gc.collect()
    clk.lap()
    t_mu, worst = [], {q: mp.mpf(0) for q in QUANTS}
    for mu, o in zip(mus, ours):
        r = S.evaluate(mu, T_SWEEP)
        t_mu.append(clk.lap()[1])
        with mp.workdps(DPS + 10):
            for q in QUANTS:
                scale = max(abs(x[q]) for x in ours)
                ref = abs(o[q]) if abs(o[q]) > mp.mpf("1e-20") * scale else scale
                worst[q] = max(worst[q], abs(r[q] - o[q]) / ref)
    t_plain = sum(t_plain_mu)
    print("    CPU s per mu: " + " ".join(f"{t:.3f}" for t in t_mu))
    print(f"    evaluate: {sum(t_mu):.2f} s CPU; setup (SymPy closed forms, once per model and "
          f"parameters): {t_setup:.2f} s CPU")
    print(f"    speed-up plain/closed_form = {t_plain / sum(t_mu):.1f}x evaluate only, "
          f"{t_plain / (sum(t_mu) + t_setup):.1f}x with the setup")
    print("    max deviation from the default engine (relative; * scale): " +
          ", ".join(f"{q} {mp.nstr(worst[q], 2)}" for q in QUANTS))


def part_c(do_quad):
    model = symgrav.load_model("lattice_insulator")
    print(f"\n(c) lattice_insulator alpha_x^x at mu = 0 (gap), T = 0, {DPS} digits")
    clk = Clock()
    S = symgrav.Susceptibilities(model, model.defaults, dps=DPS)
    ours = S.alpha(0, 0)
    w_ours, t_ours = clk.lap()
    print(f"    symgrav Susceptibilities.alpha           {t_ours:9.2f} s CPU ({w_ours:.2f} s wall)"
          f"   {mp.nstr(ours, DPS)}")

    # closed-form Omega of the occupied (lower) band, lambdified into mpmath / numpy
    om = symgrav.spin_berry_curvature(model, "x", "x")[0]
    kx, ky = [s for s in sorted(om.free_symbols, key=lambda s: s.name) if s.name.startswith("k")]
    om = om.subs({s: sp.Rational(str(model.defaults[s.name])) for s in om.free_symbols
                  if s.name in model.defaults})
    f_mp = sp.lambdify([kx, ky], om, "mpmath")
    f_np = sp.lambdify([kx, ky], om, "numpy")

    if do_quad:
        for method, label in (("tanh-sinh", "tanh-sinh, default"),
                              ("gauss-legendre", "gauss-legendre")):
            calls = [0]

            def counted(x, y):
                calls[0] += 1
                return f_mp(x, y)

            with mp.workdps(DPS):
                clk.lap()
                q = mp.quad(counted, [-mp.pi, mp.pi], [-mp.pi, mp.pi], method=method)
                q /= (2 * mp.pi) ** 2
                w_q, t_q = clk.lap()
            with mp.workdps(DPS + 10):
                dev = rel_dev(q, ours)
            print(f"    plain mpmath 2D mp.quad ({label:18s}) {t_q:9.2f} s CPU ({w_q:.2f} s wall), "
                  f"{calls[0]} evaluations   {mp.nstr(q, DPS)}   rel. dev. {mp.nstr(dev, 2)}   "
                  f"(time / symgrav's: {t_q / t_ours:.2f})")
    else:
        print("    plain mpmath 2D mp.quad: skipped (--quick / --skip-2d-quad)")

    ref = float(ours)
    for n in (32, 64, 128):
        clk.lap()
        k = -np.pi + 2 * np.pi * np.arange(n) / n
        X, Y = np.meshgrid(k, k, indexing="ij")
        val = float(np.mean(f_np(X, Y)))  # (1/(2pi)^2) * (2pi/n)^2 * sum
        w_n, t_n = clk.lap()
        print(f"    numpy double trapezoid {n:4d}^2 points    {t_n * 1e3:9.2f} ms CPU"
              f"   {val:.17g}   rel. dev. {abs(val - ref) / abs(ref):.1e}")
    Sd = symgrav.Susceptibilities(model, model.defaults, dps="double")
    Sd.alpha("0.01", 0)  # build the callables once
    clk.lap()
    d = Sd.alpha(0, 0)
    w_d, t_d = clk.lap()
    print(f"    symgrav dps='double' (BZ lines)         {t_d * 1e3:9.2f} ms CPU"
          f"   {d:.17g}   rel. dev. {abs(d - ref) / abs(ref):.1e}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="4 chemical potentials, no 2D mp.quad")
    ap.add_argument("--skip-2d-quad", action="store_true", help="skip the slow 2D mp.quad baseline")
    args = ap.parse_args(argv)
    print("symgrav benchmark: susceptibilities")
    for line in machine():
        print(line)
    n_mu = 4 if args.quick else 20
    t0 = time.perf_counter()
    res = part_a_b(n_mu)
    part_d(res)
    part_c(not (args.quick or args.skip_2d_quad))
    print(f"\nwall time of this run: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
