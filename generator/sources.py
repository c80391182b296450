"""Where documents may be read from, and reading them: the one rule for ``$ref`` targets.

A document must not make the generator read what it likes. A reference may name a file under
the folder of the root document (SPEC), or under a folder the user allowed with the setting
``allowed-ref-roots`` (``--allowed-ref-root``); anything else (an absolute path such as
``/etc/passwd``, a path that climbs out with ``..``, a symbolic link inside the folder that
leads outside) is refused before a byte of it is read. Only regular files are read (a device
or a FIFO is refused at once, never waited on), and no more than ``MAX_DOCUMENT_BYTES``.

This module imports nothing heavy: ``--check`` uses it before the pipeline is imported.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: The largest document (root or referenced) read, in bytes; the largest public descriptions
#: we know of hold about 40 MiB.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024

_WIDEN = "widen the rule with the setting allowed-ref-roots or --allowed-ref-root"


class Unreadable(Exception):
    """A document that cannot be read; the message says why, without the machine's paths."""


@dataclass(frozen=True)
class Scope:
    """Where references may lead: the root document's folder and the allowed roots.

    ``folders`` are absolute with symlinks resolved; the first is the root document's own.
    ``prefixes`` are the allowed URL prefixes.
    """

    folders: tuple[Path, ...]
    prefixes: tuple[str, ...] = ()

    @classmethod
    def of(cls, root: Path, allowed: Iterable[str] = ()) -> Scope:
        """The scope of a root document at ``root`` (resolved already) and the allowed roots
        (folders as absolute paths, or URL prefixes)."""
        folders = [root.parent]
        prefixes = []
        for entry in allowed:
            if is_url(entry):
                prefixes.append(entry)
            else:
                folders.append(Path(os.path.realpath(entry)))
        return cls(tuple(folders), tuple(prefixes))

    def admit(self, target: Path) -> Path | str:
        """The file to read for ``target`` (its symlinks resolved), or why it may not be read:
        it lies outside every folder of the scope as written, or a symbolic link leads it
        outside. Reads no byte of it."""
        if not any(_within(target, folder) for folder in self.folders):
            return f"points outside the folder of the root document; {_WIDEN}"
        real = Path(os.path.realpath(target))
        if not any(_within(real, folder) for folder in self.folders):
            return (
                "leads through a symbolic link to outside the folder of the root document; "
                + _WIDEN
            )
        return real


def is_url(text: str) -> bool:
    """Whether a setting or SPEC names an ``http`` or ``https`` URL rather than a file."""
    return text.lower().startswith(("http://", "https://"))


def read_file(path: Path, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them; raises FileNotFoundError or
    Unreadable. A FIFO or device is refused without waiting on it; a symbolic link as the last
    part of ``path`` is not followed (callers pass the resolved path)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror}") from None
    mode = os.fstat(handle).st_mode
    if not stat.S_ISREG(mode):
        os.close(handle)
        raise Unreadable(f"not a regular file ({_kind(mode)})")
    with os.fdopen(handle, "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise Unreadable(f"larger than {limit // (1024 * 1024)} MiB")
    return data


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
