"""Writing a file atomically: a reader sees the old file or the new one, never half of one.

The one writer of every file the project leaves for others to read — feedback pages,
exports, the Gradescope ``results.json``, the CIFAR-10 cache. The bytes go to a new
temporary file in the same folder, are flushed to disk, and the file then replaces the
target in one `os.replace`; a failed write leaves the target as it was and no temporary
file behind.
"""

import contextlib
import os
import secrets
from pathlib import Path
from typing import BinaryIO, Iterator, Optional, Union

__all__ = ["atomic_write", "atomic_open"]

PathLike = Union[str, "os.PathLike[str]"]


@contextlib.contextmanager
def atomic_open(path: PathLike, mode: Optional[int] = None) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new content into; it replaces ``path`` when the
    ``with`` block ends without an exception.

    The folder of ``path`` is created when missing. The file gets the usual permissions
    (``0o666`` less the umask) unless ``mode`` says otherwise.

    Examples
    --------
    >>> with atomic_open(folder / "cache.npz") as f:  # doctest: +SKIP
    ...     np.savez(f, x=x)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write(path: PathLike, data: Union[str, bytes], mode: Optional[int] = None) -> Path:
    """Write ``data`` (``str`` as UTF-8, newlines as they are, or ``bytes``) to ``path``
    atomically (`atomic_open`); returns ``path`` as a `pathlib.Path`."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_open(path, mode) as f:
        f.write(data)
    return Path(path)
