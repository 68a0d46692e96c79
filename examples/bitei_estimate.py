"""The paper's BiTeI estimate of the gravito-ME magnetization, recomputed.

The paper (end of Sec. IV) models BiTeI in a field by the Rashba ferromagnet,
Eq. (22), with hbar alpha = 3.85 eV Angstrom, m = 0.1 m_e, g = 63 and B = 10 T,
and estimates the magnetization induced by a temperature difference at
mu / m alpha^2 = -0.2: M_x / mu_B = 2e3 T Delta T L_y = 8e-2 for T = 20 K,
Delta T = 2 K, L_y = 1 um.  This script computes every number of that
paragraph from the material constants (CODATA constants from
scipy.constants, band integrals from symgrav.Susceptibilities, units from
symgrav.units) and prints them next to the paper's values, together with the
full finite-temperature result of Eq. (20) at 20 K and the temperature at
which beta departs from the Mott relation (21) by 1 %.

Equivalent to ``symgrav bitei``.  Usage: ``python examples/bitei_estimate.py``
(a few seconds).
"""

from __future__ import annotations

from symgrav.paper.bitei import bitei_estimate, format_table
from symgrav.units import MaterialUnits


def main():
    units = MaterialUnits.from_mass_velocity("0.1 m_e", hbar_velocity="3.85 eV angstrom",
                                             dim=2, g=63)
    print(f"natural units hbar = m = alpha = 1 of BiTeI: {units!r}\n")
    est = bitei_estimate()
    print(format_table(est))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
