"""Small file helpers: atomic text output, reading regular files only.

An interrupted or failing run must never leave a half-written derivation
sheet (or any other output file) behind: :func:`write_text_atomic` writes to a
temporary file in the target's directory and moves it into place with
:func:`os.replace`, which is atomic on POSIX and Windows.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile

_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _not_regular(mode, path):
    if stat.S_ISDIR(mode):
        return IsADirectoryError(errno.EISDIR, "Is a directory", os.fspath(path))
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return OSError(errno.EINVAL, f"not a regular file ({kind})", os.fspath(path))


def read_regular_bytes(path, limit):
    """Read at most ``limit + 1`` bytes of a regular file; never block on a FIFO or device.

    The path is checked with :func:`os.stat` and opened with ``O_NONBLOCK``,
    and the open file is checked again with :func:`os.fstat` (so a FIFO or a
    device swapped in between is refused too).  Plain I/O; no equation of
    the paper.

    Parameters
    ----------
    path : str or os.PathLike
    limit : int
        The caller refuses a file longer than this; one byte more is read
        so that it can tell.

    Returns
    -------
    bytes

    Raises
    ------
    OSError
        Missing or unreadable file, or not a regular file (``strerror``
        names the kind: a FIFO, a character device, ...).
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise _not_regular(mode, path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(mode, path)
        return handle.read(limit + 1)


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
        directory or (through a link) a FIFO, device or socket, and so on.
    UnicodeEncodeError
        ``text`` cannot be encoded (the old file is kept).
    """
    with atomic_output(path) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC)
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())


def _alive(pid):
    if os.name == "nt":  # os.kill(pid, 0) would send CTRL_C_EVENT there: assume alive
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def remove_stale_temporaries(directory, prefix):
    """Remove ``<prefix><pid>.*.tmp`` files in ``directory`` left by a process that has died.

    :func:`atomic_output` names its temporary file after the target and the
    writing process's pid; a run killed with ``kill -9`` in the middle of a
    write leaves that file behind, and the next write of the same target
    removes it here (a temporary of a process still running is kept).
    Plain I/O; no equation of the paper.

    Parameters
    ----------
    directory : str
    prefix : str
        ``"." + target's base name + "."``.

    Returns
    -------
    list of str
        The names removed.
    """
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid_text = name[len(prefix):].split(".", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(directory, name))
            removed.append(name)
    return removed


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

    Temporary files of the same target left by a killed run are removed
    first (:func:`remove_stale_temporaries`).

    Yields
    ------
    str
        Name of the temporary file, in the destination's directory
        (``.<name>.<pid>.<random>.tmp``).  Pass
        the file format explicitly to writers that guess it from the name
        (the name ends in ``.tmp``).
    """
    target = os.path.realpath(os.fspath(path))
    directory = os.path.dirname(target) or "."
    if os.path.isdir(target):
        raise IsADirectoryError(21, "Is a directory", os.fspath(path))
    try:
        st_mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = _default_mode()
    else:
        if not stat.S_ISREG(st_mode):  # never replace a device node, FIFO or socket
            raise _not_regular(st_mode, path)
        mode = st_mode & 0o7777
    prefix = "." + os.path.basename(target) + "."
    remove_stale_temporaries(directory, prefix)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f"{prefix}{os.getpid()}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, mode)
        with contextlib.suppress(FileNotFoundError):
            st_mode = os.stat(target).st_mode
            if not stat.S_ISREG(st_mode):
                raise _not_regular(st_mode, path)
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
