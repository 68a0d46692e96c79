"""The engine's routes through the public API only (route=, .route, explain; nothing private).

* Rashba (b = 0.5, mu = 0, T = 1e-3): "auto" takes the Fermi-window route (App. E); the forced
  graded route agrees with it to 1e-30 at dps = 40, and both agree with the independent
  radial reference (tests/references/rashba_radial.py at mp.dps 55) to 1e-35.
* A forced route that does not apply is refused with the reason; explain() lists the four
  routes, and the first one that applies is the one evaluate() reports.
* T = 0 is the exact step limit - T beta = 0 and T beta~ = M exactly - and the limit is
  the right one: T beta / T^2 at T = 1e-4, 1e-5 tends to (pi^2/3) d alpha/d mu (Mott, Eq. 21)
  with the O(T^2) rate of the Sommerfeld series, and d alpha/d mu (Eq. E1) equals the
  derivative of the hand-derived closed form alpha0 of tests/rashba_reference.py.
"""

import mpmath as mp
import pytest

import symgrav
from symgrav import SymgravError
from rashba_reference import alpha0, reference
from references import rashba_radial as R

ROUTES = {"window", "graded", "bz_lines", "bz_grid", "bz_planes", "fermi_surface", "closed_form"}
NAMES = ("alpha", "T_beta_kubo", "mqm", "mqm_aux", "T_beta")


def rashba(**kw):
    model = symgrav.load_model("rashba")
    return symgrav.Susceptibilities(model, model.defaults, **kw)


def lattice(**kw):
    model = symgrav.load_model("lattice_insulator")
    return symgrav.Susceptibilities(model, model.defaults, **kw)


def test_window_route_agrees_with_graded_and_reference():
    auto = rashba(dps=40).evaluate("0.0", "0.001")
    graded = rashba(dps=40, route="graded").evaluate("0.0", "0.001")
    assert auto.route == "window" and graded.route == "graded"
    with mp.workdps(55):
        ref = R.builtins("0.0", "0.001", "0.5")
    with mp.workdps(60):
        for name in NAMES:
            assert abs(auto[name] - graded[name]) <= mp.mpf("1e-30") * abs(ref[name]), name
            for got in (auto, graded):
                assert abs(got[name] - ref[name]) <= mp.mpf("1e-35") * abs(ref[name]), (
                    name, got.route)


def _refused(make, mu, T, pattern):
    with pytest.raises(SymgravError, match=pattern) as exc:
        make().evaluate(mu, T)              # refused at construction or at evaluation
    assert "\n" not in str(exc.value)


def test_forced_window_route_that_does_not_apply():
    # the Fermi-window average needs T > 0 ...
    _refused(lambda: rashba(dps=30, route="window"), "0.0", 0,
             r"(?i)(\bT\b|temperature|zero)")
    # ... and a radial line: lattice models are integrated over Brillouin-zone lines
    _refused(lambda: lattice(dps=15, route="window"), "0.0", "0.1", r"(?i)lattice")


def test_unknown_route():
    with pytest.raises(SymgravError, match=r"(?i)route|nonsense") as exc:
        rashba(dps=30, route="nonsense")
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("which, mu, T", [("rashba", "0.0", "0.001"), ("rashba", "0.0", 0),
                                          ("rashba", "-0.624", "0.001"),   # 1e-3 from the ring
                                          ("lattice", "0.0", 0), ("lattice", "-1.5", "0.1")])
def test_explain_lists_every_route_and_auto_takes_the_first_that_applies(which, mu, T):
    S = rashba(dps=30) if which == "rashba" else lattice(dps=15)
    steps = S.explain(mu, T)
    assert sorted(s.name for s in steps) == sorted(ROUTES)
    for s in steps:
        assert isinstance(s.applies, bool) and isinstance(s.reason, str) and s.reason.strip()
    first = next(s.name for s in steps if s.applies)
    assert S.evaluate(mu, T).route == first
    window = next(s for s in steps if s.name == "window")
    if T == 0:
        assert not window.applies


@pytest.mark.parametrize("mu, T", [("0.0", 0), ("0.0", "0.1"), ("-1.5", "0.1")])
def test_lattice_models_use_bz_lines(mu, T):
    assert lattice(dps=15).evaluate(mu, T).route == "bz_lines"


@pytest.mark.parametrize("mu", ["-0.62", "-0.55", "0.0", "0.7"])
def test_zero_temperature_identities(mu):
    got = rashba(dps=30).evaluate(mu, 0)
    assert got["T_beta"] == 0
    assert got["T_beta_kubo"] == got["mqm"]
    with mp.workdps(40):
        want = reference(mu, 0, mp.mpf("0.5"))["mqm"]
        assert abs(got["mqm"] - want) <= mp.mpf("1e-28") * abs(want) + mp.mpf("1e-32")


@pytest.mark.parametrize("mu", ["0.0", "0.7"])
def test_low_temperature_limit_is_mott(mu):
    """T beta / T^2 -> (pi^2/3) d alpha/d mu: a wrong T = 0 weight or limit would not.

    Measured with the closed forms: T beta / (Mott) - 1 = 1.2e-7 (mu = 0) and 2.0e-7
    (mu = 0.7) at T = 1e-4, 100 times less at T = 1e-5 (the O(T^2) Sommerfeld term).
    """
    S = rashba(dps=30)
    d = S.dalpha_dmu(mu)
    with mp.workdps(40):
        want_d = mp.diff(lambda m: alpha0(m, mp.mpf("0.5")), mp.mpf(mu))
        assert abs(d - want_d) <= mp.mpf("1e-25") * abs(want_d)
        dev = []
        for T in ("0.0001", "0.00001"):
            tb = S.evaluate(mu, T)["T_beta"]
            ratio = tb / mp.mpf(T) ** 2 / (mp.pi ** 2 / 3 * d)
            assert abs(ratio - 1) < mp.mpf("1e-6"), (mu, T, ratio)
            assert abs(tb / S.mott(mu, T) - ratio) < mp.mpf("1e-20")
            want = reference(mu, T, mp.mpf("0.5"))["T_beta"]
            assert abs(tb - want) <= mp.mpf("1e-20") * abs(want), (mu, T)
            dev.append(abs(ratio - 1))
        assert dev[1] < dev[0] / 50      # O(T^2): a factor 100 for T / 10
