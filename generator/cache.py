"""A per-user cache of facts about inputs, as a set of sha256 digests in one file.

Only digests are stored, never anything of the document, so whatever the file holds can do no
more than make a check be skipped whose digest it lists; whoever computes a digest makes it
cover everything the fact depends on. The file is read once and replaced atomically; one that
cannot be read, or lines that are not digests, count as empty.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

#: The most digests kept: those of the latest run first, then older ones.
LIMIT = 200_000
_DIGEST = re.compile(r"[0-9a-f]{64}")


def cache_folder() -> Path | None:
    """``OAPIGEN_CACHE_DIR``, else ``oapigen`` under ``XDG_CACHE_HOME`` or ``~/.cache``;
    None when ``OAPIGEN_NO_CACHE`` is set (to anything but ``0`` or nothing)."""
    if os.environ.get("OAPIGEN_NO_CACHE", "0") not in ("", "0"):
        return None
    if os.environ.get("OAPIGEN_CACHE_DIR"):
        return Path(os.environ["OAPIGEN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "oapigen"


class DigestCache:
    """The digests in ``folder/name`` (none without a folder); ``save`` adds the new ones."""

    def __init__(self, folder: Path | None, name: str) -> None:
        self.path = folder / name if folder else None
        self._old: list[str] = []
        self._used: dict[str, None] = {}  # this run's, in order
        self._new = False
        if self.path is not None:
            try:
                text = self.path.read_text(encoding="ascii", errors="replace")
            except (OSError, ValueError):
                text = ""
            self._old = [line for line in text.splitlines() if _DIGEST.fullmatch(line)]
        self._known = set(self._old)

    def __contains__(self, digest: str) -> bool:
        if digest in self._known:
            self._used[digest] = None
            return True
        return False

    def add(self, digest: str) -> None:
        if self.path is not None and digest not in self._known:
            self._known.add(digest)
            self._used[digest] = None
            self._new = True

    def save(self) -> None:
        """Write the file again if this run found something new; failing to is no error."""
        if self.path is None or not self._new:
            return
        kept = list(self._used)
        kept += [d for d in self._old if d not in self._used][
            : max(0, LIMIT - len(kept))
        ]
        temporary = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write("".join(d + "\n" for d in kept[:LIMIT]))
            os.replace(temporary, self.path)
        except OSError:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
