"""Conversion of the toolkit's natural-unit results to SI for a given material.

:class:`~symgrav.Susceptibilities` returns the bare band
integrals of the paper in natural units (docs/conventions.md): the prefactor
``g mu_B / hbar`` of Eqs. (8a), (19a), (19b), (20) is set to 1, ``q = 1``
in Eq. (19a), the temperature is an energy (``k_B = 1``) and the numbers of
the model parameters are read in some system of units.  This module turns
such numbers into SI numbers.

A system of units for a model is fixed by three numbers (:class:`MaterialUnits`):

* the energy unit ``E_u`` (J): a model energy 1 (a band energy, ``mu``,
  ``T``, a Zeeman energy ``b``) is ``E_u`` joules, a temperature 1 is
  ``E_u / k_B`` kelvin;
* the length unit ``L_u`` (m): the continuum measure
  ``d^d p / (2 pi hbar)^d`` is ``L_u^-d`` per unit of the model, the
  lattice measure ``d^d k / (2 pi)^d`` is per lattice cell of side ``L_u``
  (the lattice constant);
* the number ``hbar_value`` that the model uses for hbar (1 unless the
  model's ``hbar`` parameter is set to something else; 1 for lattice
  models).  The action unit is then ``hbar_SI / hbar_value``.

Dimensions.  Spin ``s = (hbar/2) sigma`` carries one hbar, so the
spin-velocity Berry curvature (8b) has the dimension ``hbar L / E`` and the
spin magnetic moment (8c) ``hbar L``; with the measure ``L^-d`` a quantity
of :mod:`symgrav.symbolic.quantities` whose weights have the energy
dimension n + 1 on Omega and n on m has the natural unit ``hbar L^(1-d) E^n``
(its ``energy_power``).  Its SI value is

    g mu_B L_u^(1-d) E_u^n X / hbar_value   (x q with the charge, x k_B per kelvin):

alpha (19a) n = -1 with q, in J T^-1 m^(1-d) V^-1 (moment per ``m^d`` per
electric field); T beta~ (19b), M (8a), M~ (B7a), T beta (20) and the Mott
value (21) n = 0, in J T^-1 m^(1-d) (a spin MQM is a moment per
``m^(d-1)``; so is T beta, whose product with ``-d_i T / T`` is a
magnetization); beta = T beta / T n = -1 per kelvin, in J T^-1 m^(1-d) K^-1;
d alpha / d mu (E1) n = -2 with q.  ``moment="muB"`` expresses the moment in
Bohr magnetons instead of J/T.

Sign convention: the toolkit's coupling is ``q = g mu_B / hbar`` with the
sign of ``g`` as given, i.e. the magnetization is ``+(g mu_B / hbar) s``
(the paper's convention).  For electrons, whose moment is antiparallel to
the spin, pass a negative ``g`` or flip the sign of the result.  The charge
``q`` of Eq. (19a) defaults to the electron charge ``-e``.

Constants are CODATA values from :mod:`scipy.constants`.
"""

from __future__ import annotations

import math
import re

from scipy import constants as _sc

from .errors import SymgravError
from .symbolic.derived import lookup

#: CODATA constants (SI) used by this module, from scipy.constants.
HBAR = _sc.hbar
K_B = _sc.k
E_CHARGE = _sc.e
M_E = _sc.m_e
MU_B = _sc.physical_constants["Bohr magneton"][0]
EV = _sc.electron_volt

# dimension vectors over (kg, m, s, A)
_ENERGY = (1, 2, -2, 0)
_LENGTH = (0, 1, 0, 0)
_MASS = (1, 0, 0, 0)
_FIELD = (1, 0, -2, -1)
_VELOCITY = (0, 1, -1, 0)
_ENERGY_LENGTH = (1, 3, -2, 0)
_TIME = (0, 0, 1, 0)

#: kinds of physical input accepted by :func:`parse_quantity`
KINDS = {
    "energy": _ENERGY,          # K is read as k_B * K
    "temperature": _ENERGY,     # same thing: an energy k_B T
    "length": _LENGTH,
    "mass": _MASS,
    "field": _FIELD,
    "velocity": _VELOCITY,
    "energy*length": _ENERGY_LENGTH,   # e.g. hbar alpha of a Rashba model, in eV Angstrom
}

_MICRO = ("u", "\u00b5", "\u03bc")
_UNITS = {
    "J": (1.0, _ENERGY), "eV": (EV, _ENERGY), "meV": (1e-3 * EV, _ENERGY),
    "keV": (1e3 * EV, _ENERGY), "Ry": (_sc.physical_constants["Rydberg constant times hc in J"][0],
                                       _ENERGY),
    "Ha": (_sc.physical_constants["Hartree energy"][0], _ENERGY),
    "K": (K_B, _ENERGY), "mK": (1e-3 * K_B, _ENERGY),
    "m": (1.0, _LENGTH), "cm": (1e-2, _LENGTH), "mm": (1e-3, _LENGTH), "nm": (1e-9, _LENGTH),
    "pm": (1e-12, _LENGTH), "angstrom": (_sc.angstrom, _LENGTH),
    "Angstrom": (_sc.angstrom, _LENGTH), "AA": (_sc.angstrom, _LENGTH),
    "\u00c5": (_sc.angstrom, _LENGTH), "\u212b": (_sc.angstrom, _LENGTH),
    "bohr": (_sc.physical_constants["Bohr radius"][0], _LENGTH),
    "kg": (1.0, _MASS), "m_e": (M_E, _MASS), "me": (M_E, _MASS),
    "T": (1.0, _FIELD), "mT": (1e-3, _FIELD),
    "s": (1.0, _TIME), "ps": (1e-12, _TIME), "fs": (1e-15, _TIME),
}
for _p in _MICRO:
    _UNITS[_p + "m"] = (1e-6, _LENGTH)
    _UNITS[_p + "eV"] = (1e-6 * EV, _ENERGY)
    _UNITS[_p + "K"] = (1e-6 * K_B, _ENERGY)

_TOKEN = re.compile(r"^(?P<name>[^\^*]+?)(?:(?:\^|\*\*)(?P<exp>[+-]?\d+))?$")


def _unit(text):
    """``"eV Angstrom"``, ``"eV*nm"``, ``"m^-1"``... -> (SI factor, dimension vector)."""
    factor, dim = 1.0, (0, 0, 0, 0)
    tokens = [t for t in re.split(r"[\s*\u00b7]+", text.replace("**", "^")) if t]
    if not tokens:
        raise SymgravError("missing unit")
    for tok in tokens:
        m = _TOKEN.match(tok)
        name = m.group("name") if m else tok
        if not m or name not in _UNITS:
            raise SymgravError(
                f"unknown unit {tok!r} in {text!r}; known units: {', '.join(sorted(_UNITS))}")
        exp = int(m.group("exp") or 1)
        f, d = _UNITS[name]
        factor *= f ** exp
        dim = tuple(x + exp * y for x, y in zip(dim, d))
    return factor, dim


def parse_quantity(value, kind, what=None):
    """A physical input -> its SI value (float).

    Plain unit bookkeeping; implements no equation of the paper.

    Parameters
    ----------
    value : float, int, str or (number, str)
        A bare number is taken to be in SI already (J, m, kg, T, m/s, J m).
        A string ``"3.85 eV Angstrom"`` or a pair ``(3.85, "eV Angstrom")``
        carries its unit.  Units: J, eV, meV, ueV, keV, Ry, Ha, K, mK, uK
        (energies; K means k_B K), m, cm, mm, um, nm, pm, angstrom (also
        Å, AA), bohr, kg, m_e, T, mT, s, ps, fs; products separated by
        spaces or ``*``, powers as ``m^-1``.
    kind : str
        One of :data:`KINDS`: ``"energy"``, ``"temperature"``,
        ``"length"``, ``"mass"``, ``"field"``, ``"velocity"``,
        ``"energy*length"``.
    what : str, optional
        Name used in error messages.

    Returns
    -------
    float
        The SI value (an energy in J also for ``"temperature"``).

    Raises
    ------
    SymgravError
        Unknown unit or kind, a unit of the wrong dimension, a value that is
        not a finite real number.
    """
    what = what or kind
    if kind not in KINDS:
        raise SymgravError(f"unknown kind of quantity {kind!r}; known: {', '.join(KINDS)}")
    if isinstance(value, bool):
        raise SymgravError(f"{what}: {value!r} is not a number")
    if isinstance(value, tuple):
        if len(value) != 2 or not isinstance(value[1], str):
            raise SymgravError(f"{what}: expected (number, unit); got {value!r}")
        number, unit = value
    elif isinstance(value, str):
        parts = value.strip().split(None, 1)
        if not parts:
            raise SymgravError(f"{what}: empty value")
        number, unit = parts[0], (parts[1] if len(parts) > 1 else None)
    else:
        number, unit = value, None
    try:
        x = float(number)
    except (TypeError, ValueError):
        raise SymgravError(f"{what}: {number!r} is not a number") from None
    if not math.isfinite(x):
        raise SymgravError(f"{what}: {number!r} is not finite")
    if unit is None:
        return x
    try:
        factor, dim = _unit(unit)
    except SymgravError as exc:
        raise SymgravError(f"{what}: {exc}") from None
    if dim != KINDS[kind]:
        raise SymgravError(f"{what}: unit {unit!r} is not a unit of {kind}")
    return x * factor


def zeeman_energy(g, field):
    """Zeeman energy ``b = g mu_B B / 2`` (J) of a spin 1/2 (``s = hbar sigma / 2``).

    The Rashba Hamiltonian (22) of the paper has ``b sigma_z``; a field ``B``
    along z coupled through ``(g mu_B / hbar) s . B`` gives this ``b``.

    Parameters
    ----------
    g : float
    field : float (tesla), str or (number, unit), see :func:`parse_quantity`

    Returns
    -------
    float
        ``b`` in joules.
    """
    g = finite_number(g, "g")
    return g * MU_B * parse_quantity(field, "field", "field") / 2


def finite_number(x, what):
    """A finite real number as float, else a SymgravError naming ``what``.

    Plain input checking; implements no equation of the paper.

    Parameters
    ----------
    x : int, float, str or anything ``float()`` accepts (not bool)
    what : str
        Name of the quantity in the error message.

    Returns
    -------
    float

    Raises
    ------
    SymgravError
        ``x`` is not a number, or it is infinite or nan.
    """
    if isinstance(x, bool):
        raise SymgravError(f"{what} = {x!r} is not a number")
    try:
        x = float(x)
    except (TypeError, ValueError):
        raise SymgravError(f"{what} = {x!r} is not a number") from None
    if not math.isfinite(x):
        raise SymgravError(f"{what} = {x!r} is not finite")
    return x


def _positive(value, kind, what):
    x = parse_quantity(value, kind, what)
    if not x > 0:
        raise SymgravError(f"{what} must be positive; got {value!r}")
    return x


def _dimension(quantity, quantities=()):
    """(n, charge, per kelvin) of a quantity (see :func:`symgrav.symbolic.derived.lookup`)."""
    quantity = lookup(quantity, quantities)
    if quantity.energy_power is None:
        raise SymgravError(f"quantity {quantity.name!r} has no SI unit: its weights have mixed "
                           "energy dimensions")
    return (int(quantity.energy_power), bool(quantity.charge),
            bool(getattr(quantity, "per_kelvin", False)))


def _si_unit(power, charge, per_kelvin):
    """The SI unit of hbar L^(1-d) E^n, moment in J T^-1 (``{e}`` stands for 1 - d).

    One 1/E of a temperature becomes K^-1 (k_B), one 1/E of the charge q
    becomes V^-1 (q / E = C / J); the rest of E^n is J^k.
    """
    parts = ["J T^-1 m^{e}"]
    if per_kelvin:
        parts.append("K^-1")
        power += 1
    if charge:
        parts.append("V^-1" if power < 0 else "C")
        power += 1 if power < 0 else 0
    if power:
        parts.append("J" if power == 1 else f"J^{power}")
    return " ".join(parts)


class MaterialUnits:
    """The SI meaning of a model's natural units, for one material.

    Parameters
    ----------
    energy : float (J), str or (number, unit)
        Energy unit ``E_u`` of the model's numbers (``"2.3e3 K"`` means
        ``k_B * 2300 K``).
    length : float (m), str or (number, unit)
        Length unit ``L_u``: for a continuum model ``hbar_SI / (hbar_value
        * momentum unit)``, for a lattice model the lattice constant.
    dim : {1, 2, 3}
        Space dimension ``d`` of the model.
    g : float
        g factor in the coupling ``q = g mu_B / hbar`` of Eqs. (8a), (19), (20).
    hbar_value : float
        The number the model uses for hbar (1 for the built-in models and
        for every lattice model).
    charge : float
        Charge ``q`` (C) in Eq. (19a); default the electron charge ``-e``.

    Notes
    -----
    See the module docstring for the dimensions; the factors are those of
    Eqs. (8a), (19a), (19b), (20), (21) and (E1) of the paper once
    ``g mu_B / hbar`` and ``q`` are restored.  The conversion is pure
    dimensional analysis, so it applies to any model in any units
    (the Rashba model with ``hbar = m = alpha = 1``:
    :meth:`from_mass_velocity`; a lattice model: :meth:`lattice`).
    """

    def __init__(self, energy, length, dim, g=2.0, hbar_value=1.0, charge=-E_CHARGE):
        self.energy = _positive(energy, "energy", "energy unit")
        self.length = _positive(length, "length", "length unit")
        if isinstance(dim, bool) or dim not in (1, 2, 3):
            raise SymgravError(f"dim must be 1, 2 or 3; got {dim!r}")
        self.dim = int(dim)
        self.g = finite_number(g, "g")
        self.hbar_value = finite_number(hbar_value, "hbar_value")
        if not self.hbar_value > 0:
            raise SymgravError(f"hbar_value must be positive; got {hbar_value!r}")
        self.charge = finite_number(charge, "charge")

    # -- constructors -------------------------------------------------------
    @classmethod
    def from_mass_velocity(cls, mass, velocity=None, *, hbar_velocity=None, dim=2, g=2.0,
                           charge=-E_CHARGE):
        """Units in which ``hbar = m = v = 1`` (for Rashba: ``v = alpha``).

        Energy unit ``m v^2``, momentum unit ``m v``, length unit
        ``hbar / (m v)``: the units of Figs. 1, 2 of the paper, where the
        energy unit is ``m alpha^2``.  Plain unit bookkeeping; implements no
        equation of the paper.

        Parameters
        ----------
        mass : float (kg), str (``"0.1 m_e"``) or (number, unit)
            Effective mass; must be positive.
        velocity : float (m/s), str or (number, unit), optional
        hbar_velocity : float (J m), str (``"3.85 eV Angstrom"``) or (number, unit), optional
            ``hbar v`` instead of ``v`` (exactly one of the two).
        dim, g, charge
            As for :class:`MaterialUnits`.

        Returns
        -------
        MaterialUnits
        """
        m = _positive(mass, "mass", "mass")
        if (velocity is None) == (hbar_velocity is None):
            raise SymgravError("give exactly one of velocity and hbar_velocity")
        if velocity is not None:
            v = abs(parse_quantity(velocity, "velocity", "velocity"))
        else:
            v = abs(parse_quantity(hbar_velocity, "energy*length", "hbar_velocity")) / HBAR
        if not v > 0:
            raise SymgravError("the velocity must be nonzero")
        return cls(m * v * v, HBAR / (m * v), dim, g=g, charge=charge)

    @classmethod
    def lattice(cls, lattice_constant, energy, dim, g=2.0, charge=-E_CHARGE):
        """Units of a lattice model: ``d^d k / (2 pi)^d`` per cell of side ``lattice_constant``.

        The model's energies are in units of ``energy`` (e.g. a hopping
        ``"1 eV"``); hbar = 1 as in every lattice model of the toolkit.
        Plain unit bookkeeping; implements no equation of the paper.

        Parameters
        ----------
        lattice_constant : float (m), str or (number, unit)
        energy : float (J), str or (number, unit)
        dim, g, charge
            As for :class:`MaterialUnits`.

        Returns
        -------
        MaterialUnits
        """
        return cls(energy, lattice_constant, dim, g=g, hbar_value=1.0, charge=charge)

    # -- conversions -------------------------------------------------------
    @property
    def temperature(self):
        """The temperature unit ``E_u / k_B`` (K); plain unit bookkeeping."""
        return self.energy / K_B

    @property
    def momentum(self):
        """The momentum unit ``hbar_SI / (hbar_value L_u)`` (kg m/s); plain unit bookkeeping."""
        return HBAR / (self.hbar_value * self.length)

    def to_natural(self, value, kind="energy"):
        """A physical energy/temperature (``"20 K"``, ``"1 meV"``, J) or length -> model number.

        Plain unit bookkeeping; implements no equation of the paper.

        Parameters
        ----------
        value : float (SI), str or (number, unit), see :func:`parse_quantity`
        kind : {"energy", "temperature", "length"}

        Returns
        -------
        float
        """
        if kind in ("energy", "temperature"):
            return parse_quantity(value, kind) / self.energy
        if kind == "length":
            return parse_quantity(value, kind) / self.length
        raise SymgravError(f"to_natural: kind must be 'energy', 'temperature' or 'length'; "
                           f"got {kind!r}")

    def to_kelvin(self, x):
        """A model energy (e.g. ``T``) -> kelvin (float); plain unit bookkeeping."""
        return float(x) * self.temperature

    def to_joule(self, x):
        """A model energy -> joule (float); plain unit bookkeeping."""
        return float(x) * self.energy

    def factor(self, quantity, moment="J/T", quantities=()):
        """SI value of a natural-unit result 1 of ``quantity`` (see :meth:`to_si`).

        The prefactors ``g mu_B / hbar`` and ``q`` of Eqs. (8a), (19a), (19b),
        (20), (21), (B7a), (E1) restored: ``g mu_B L_u^(1-d) E_u^n /
        hbar_value`` for the natural unit ``hbar L^(1-d) E^n`` (n the
        ``energy_power``), times ``q`` with the charge, ``k_B`` per kelvin.

        Parameters
        ----------
        quantity, quantities
            As for :meth:`to_si`.
        moment : {"J/T", "muB"}

        Returns
        -------
        float

        Raises
        ------
        SymgravError
            Unknown quantity or moment unit, weights of mixed energy dimension.
        """
        power, charged, per_kelvin = _dimension(quantity, quantities)
        if moment not in ("J/T", "muB"):
            raise SymgravError(f"moment must be 'J/T' or 'muB'; got {moment!r}")
        f = self.g * (MU_B if moment == "J/T" else 1.0)
        f *= self.length ** (1 - self.dim) / self.hbar_value / self.energy ** (-power)
        if charged:
            f *= self.charge
        if per_kelvin:
            f *= K_B
        return f

    def unit(self, quantity, moment="J/T", quantities=()):
        """The SI unit (string) of :meth:`to_si`, e.g. ``"J T^-1 m^-1"`` or ``"mu_B m^-1"``.

        Plain unit bookkeeping for Eqs. (8a), (19a), (19b), (20), (21), (B7a),
        (E1) and user quantities: ``J T^-1 m^(1-d)`` times ``V^-1`` with the
        charge, ``K^-1`` per kelvin, ``J^k`` for the rest of ``E^n``.
        Parameters as for :meth:`to_si`; returns a str.
        """
        self.factor(quantity, moment, quantities)
        text = _si_unit(*_dimension(quantity, quantities)).replace("{e}", str(1 - self.dim))
        text = text.replace(" m^0", "")
        return text.replace("J T^-1", "mu_B") if moment == "muB" else text

    def to_si(self, quantity, value, moment="J/T", quantities=()):
        """A natural-unit result of :class:`~symgrav.Susceptibilities` -> SI.

        Parameters
        ----------
        quantity : str, Quantity or DerivedColumn
            A :class:`~symgrav.Quantity` (built-in or the user's), or a name:
            ``"alpha"`` (19a), ``"T_beta_kubo"`` (19b), ``"mqm"`` (8a),
            ``"mqm_aux"`` (B7a), ``"T_beta"`` (20), ``"mott"`` (21),
            ``"beta"`` (T_beta / T), ``"dalpha_dmu"`` (E1), or the name of one
            of ``quantities``.
        value : number (float, mpf, str)
        moment : {"J/T", "muB"}
            Unit of magnetic moment in the result.
        quantities : sequence of Quantity, optional
            User quantities that ``quantity`` may name (e.g. those of a
            sweep, ``SweepResult.quantities``).

        Returns
        -------
        float
            In the unit :meth:`unit` names.
        """
        return float(value) * self.factor(quantity, moment, quantities)

    def __repr__(self):
        return (f"MaterialUnits(energy={self.energy:.6g} J = {self.temperature:.6g} K, "
                f"length={self.length:.6g} m, dim={self.dim}, g={self.g:g}, "
                f"hbar_value={self.hbar_value:g})")
