"""Readers of Wannier90's tight-binding files: ``seedname_hr.dat`` and ``seedname_tb.dat``.

``seedname_hr.dat``::

    header line
    num_wann
    nrpts
    ndegen(1) ... ndegen(nrpts)          (15 per line)
    R1 R2 R3 m n Re(H) Im(H)             (nrpts * num_wann^2 lines)

with H_mn(R) = <m,0|H|n,R> (m the row) repeated ndegen(R) times by the
Wigner-Seitz construction: the hoppings are divided by ndegen(R).
``seedname_tb.dat`` has the lattice vectors (rows, Angstrom) after the header,
then num_wann, nrpts, the ndegen list and, for every R, a blank line, the line
``R1 R2 R3`` and num_wann^2 lines ``m n Re Im``; the position matrix elements
that follow are not needed.  Every number is read exactly as the decimal
written (never through a binary float), so that a 30-digit run computes the
model that is in the file.  A malformed file gives one line naming the file,
the line and the problem.  Nothing in a file is executed.
"""

from __future__ import annotations

import os
import stat
from fractions import Fraction

from ..errors import SymgravError
from ..symbolic.userinput import spin_or_operator
from .model import TightBinding

#: largest file read (bytes): a 100-band model with 2000 R vectors is ~400 MB
MAX_BYTES = 2_000_000_000


class _Lines:
    """Numbered, non-empty-aware access to the lines of a file, with located errors."""

    def __init__(self, path):
        self.path = os.fspath(path)
        try:
            st = os.stat(self.path)
        except OSError as exc:
            raise SymgravError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        if not stat.S_ISREG(st.st_mode):
            raise SymgravError(f"{self.path}: not a regular file")
        if st.st_size > MAX_BYTES:
            raise SymgravError(f"{self.path}: {st.st_size} bytes is more than the "
                               f"{MAX_BYTES}-byte limit")
        try:
            with open(self.path, encoding="ascii", errors="strict") as fh:
                self.lines = fh.read().split("\n")
        except UnicodeDecodeError:
            raise SymgravError(f"{self.path}: not a text file (non-ASCII bytes)") from None
        self.k = 0

    def error(self, message, line=None):
        return SymgravError(f"{self.path}:{self.k if line is None else line}: {message}")

    def next(self, allow_blank=False):
        """The next line's tokens (skipping blank lines unless allow_blank)."""
        while True:
            if self.k >= len(self.lines):
                raise self.error("unexpected end of file", self.k)
            text = self.lines[self.k]
            self.k += 1
            toks = text.split()
            if toks or allow_blank:
                return toks

    def ints(self, count, what):
        toks = self.next()
        if len(toks) < count:
            raise self.error(f"expected {count} integer(s) ({what}); got {len(toks)}")
        try:
            return [int(t) for t in toks[:count]]
        except ValueError:
            raise self.error(f"{what}: not an integer: {' '.join(toks[:count])!r}") from None

    def number(self, token, what):
        text = token.replace("D", "E").replace("d", "e")
        try:
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise self.error(f"{what}: {token!r} is not a decimal number") from None


def _header_counts(f):
    num_wann = f.ints(1, "num_wann")[0]
    nrpts = f.ints(1, "nrpts")[0]
    if num_wann < 1 or nrpts < 1:
        raise f.error("num_wann and nrpts must be positive")
    ndegen = []
    while len(ndegen) < nrpts:
        toks = f.next()
        try:
            ndegen += [int(t) for t in toks]
        except ValueError:
            raise f.error(f"degeneracies must be integers; got {' '.join(toks)!r}") from None
    if len(ndegen) != nrpts or any(n < 1 for n in ndegen):
        raise f.error(f"expected {nrpts} positive degeneracies; got {len(ndegen)}")
    return num_wann, nrpts, ndegen


def _store(f, hop, R, m, n, re, im, num_wann):
    if not (1 <= m <= num_wann and 1 <= n <= num_wann):
        raise f.error(f"orbital index out of range 1..{num_wann}: m = {m}, n = {n}")
    block = hop.setdefault(R, {})
    if (m, n) in block:
        raise f.error(f"H_{m},{n}(R = {R}) given twice")
    block[(m, n)] = (re, im)


def _matrices(f, hop, num_wann, degen):
    out = {}
    for R, block in hop.items():
        if len(block) != num_wann ** 2:
            raise f.error(f"R = {R} has {len(block)} of the {num_wann ** 2} matrix elements")
        g = degen[R]
        out[R] = [[(block[(m, n)][0] / g, block[(m, n)][1] / g) for n in range(1, num_wann + 1)]
                  for m in range(1, num_wann + 1)]
    return out


def read_hr(path):
    """Hoppings of ``seedname_hr.dat``: ({R: N x N (re, im) Fractions}, None) (divided by ndegen)."""
    f = _Lines(path)
    f.next(allow_blank=True)  # header
    num_wann, nrpts, ndegen = _header_counts(f)
    hop, degen, order = {}, {}, []
    for _ in range(nrpts * num_wann ** 2):
        toks = f.next()
        if len(toks) < 7:
            raise f.error(f"expected 'R1 R2 R3 m n Re Im'; got {' '.join(toks)!r}")
        try:
            R = tuple(int(t) for t in toks[:3])
            m, n = int(toks[3]), int(toks[4])
        except ValueError:
            raise f.error(f"R and orbital indices must be integers: {' '.join(toks[:5])!r}") \
                from None
        if R not in degen:
            if len(order) == nrpts:
                raise f.error(f"more than nrpts = {nrpts} lattice vectors")
            degen[R] = ndegen[len(order)]
            order.append(R)
        _store(f, hop, R, m, n, f.number(toks[5], "Re H"), f.number(toks[6], "Im H"), num_wann)
    return _matrices(f, hop, num_wann, degen), None


def read_tb(path):
    """Hoppings and lattice vectors of ``seedname_tb.dat`` (hoppings divided by ndegen)."""
    f = _Lines(path)
    f.next(allow_blank=True)  # header
    lattice = []
    for k in range(3):
        toks = f.next()
        if len(toks) < 3:
            raise f.error(f"lattice vector {k + 1}: expected 3 numbers")
        lattice.append([f.number(t, f"lattice vector {k + 1}") for t in toks[:3]])
    num_wann, nrpts, ndegen = _header_counts(f)
    hop, degen = {}, {}
    for r in range(nrpts):
        R = tuple(f.ints(3, "lattice vector R"))
        if R in degen:
            raise f.error(f"lattice vector {R} given twice")
        degen[R] = ndegen[r]
        for _ in range(num_wann ** 2):
            toks = f.next()
            if len(toks) < 4:
                raise f.error(f"expected 'm n Re Im'; got {' '.join(toks)!r}")
            try:
                m, n = int(toks[0]), int(toks[1])
            except ValueError:
                raise f.error(f"orbital indices must be integers: {' '.join(toks[:2])!r}") \
                    from None
            _store(f, hop, R, m, n, f.number(toks[2], "Re H"), f.number(toks[3], "Im H"),
                   num_wann)
    return _matrices(f, hop, num_wann, degen), lattice


class _Default(str):
    """A default string told apart from the same string given by the caller (``is``)."""


#: the default of :func:`read`'s ``spin`` ("interlaced" unless ``operator`` is given)
_INTERLACED = _Default("interlaced")


def read(path, spin=_INTERLACED, lattice=None, dim=None, name=None, *, operator=None):
    """A :class:`TightBinding` from ``seedname_hr.dat`` or ``seedname_tb.dat``.

    The Fourier series H(k) = sum_R e^{i k.R} H(R) of docs/conventions.md (Wannier90's
    convention) with the operators of Eqs. (8b), (8c).

    Parameters
    ----------
    path : str or path-like
        A file whose name ends in ``_hr.dat`` or ``_tb.dat``.
    spin : "interlaced", "block" or three matrices, optional
        The operators s_a of Eqs. (8b), (8c).  Spin of spinful Wannier
        functions: (orb1 up, orb1 down, ...) or (all up, all down), s = (1/2)
        sigma on each pair (default ``"interlaced"``; None: as
        :class:`TightBinding`, (1/2) sigma for a two-band file only); or the
        user's matrices, any Hermitian operators, as for :class:`TightBinding`
        (mappings R -> matrix for momentum-dependent ones).
    operator : as ``spin``, optional
        Alias of ``spin``; give one of the two.
    lattice : sequence of vectors, optional
        Lattice vectors (rows); default the file's (``_tb.dat``) or the
        identity (``_hr.dat``; lattice constant 1).
    dim : int, optional
        Default: the highest axis on which some R is nonzero (a 2D model
        stored with all R3 = 0 is 2D).
    name : str, optional
        Default: the file name without ``_hr.dat`` / ``_tb.dat``.

    Raises
    ------
    SymgravError
        One line: the file, the line and the problem; both ``spin`` and
        ``operator`` given.
    """
    if spin is _INTERLACED and operator is not None:
        spin = None                                  # the default yields to the alias
    spin = spin_or_operator(spin, operator)
    text = os.fspath(path)
    base = os.path.basename(text)
    if base.endswith("_hr.dat"):
        hop, file_lattice = read_hr(text)
    elif base.endswith("_tb.dat"):
        hop, file_lattice = read_tb(text)
    else:
        raise SymgravError(f"{text}: not a Wannier90 file (the name must end in _hr.dat or "
                           "_tb.dat)")
    used = max([k + 1 for R in hop for k, r in enumerate(R) if r] + [1])
    d = int(dim) if dim is not None else used
    if lattice is None and file_lattice is not None:
        lattice = [row[:d] for row in file_lattice[:d]]
    try:
        return TightBinding(hop, dim=d, lattice=lattice, spin=spin,
                            name=name or base[:-len("_hr.dat")])
    except SymgravError as exc:
        raise SymgravError(f"{text}: {exc}") from None
