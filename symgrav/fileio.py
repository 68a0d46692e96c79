"""Small file helpers: atomic text output.

An interrupted or failing run must never leave a half-written derivation
sheet (or any other output file) behind: :func:`write_text_atomic` writes to a
temporary file in the target's directory and moves it into place with
:func:`os.replace`, which is atomic on POSIX and Windows.
"""

from __future__ import annotations

import contextlib
import os
import tempfile


def _default_mode():
    """Permission bits a plain ``open(path, "w")`` would give a new file."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_text_atomic(path, text, encoding="utf-8"):
    """Write ``text`` to ``path`` so that readers see the old or the new file, never a mix.

    The text goes to a temporary file in the same directory (so the final
    :func:`os.replace` never crosses a file system), is flushed and synced,
    and then replaces ``path``.  On any failure, including
    :class:`KeyboardInterrupt`, the temporary file is removed and ``path`` is
    left untouched.  An existing file keeps its permission bits; a new file
    gets the ones ``open`` would give it.  A symbolic link is followed, so
    the file it points to is replaced and the link survives.

    This is plain I/O: it implements no equation of the paper and is used to
    write the derivation sheets of :func:`symgrav.printing.derivation_sheet`.

    Parameters
    ----------
    path : str or os.PathLike
        Destination file.
    text : str
        Full new content.
    encoding : str, optional
        Text encoding, UTF-8 by default.

    Raises
    ------
    OSError
        The directory does not exist or is not writable, ``path`` is a
        directory, and so on.
    UnicodeEncodeError
        ``text`` cannot be encoded (the old file is kept).
    """
    with atomic_output(path) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC)
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_output(path):
    """Context manager yielding a temporary file name that replaces ``path`` on success.

    Write the whole output to the yielded name (for example with
    ``matplotlib.figure.Figure.savefig(tmp, format="png")``, or any writer
    that takes a file name).  When the block ends normally the file is given
    the permission bits ``path`` had (or those ``open`` would give a new
    file) and moved onto ``path`` with :func:`os.replace`.  When the block
    raises, including :class:`KeyboardInterrupt`, the temporary file is
    removed and ``path`` is untouched.  Plain I/O; no equation of the paper.

    Parameters
    ----------
    path : str or os.PathLike
        Destination file; a symbolic link is followed.

    Yields
    ------
    str
        Name of the temporary file, in the destination's directory.  Pass
        the file format explicitly to writers that guess it from the name
        (the name ends in ``.tmp``).
    """
    target = os.path.realpath(os.fspath(path))
    directory = os.path.dirname(target) or "."
    if os.path.isdir(target):
        raise IsADirectoryError(21, "Is a directory", os.fspath(path))
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = _default_mode()
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(target) + ".",
                               suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable; best effort (not possible on Windows)
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
