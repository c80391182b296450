"""Spec problems as values: each one a level, a place in the document and a message."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning"]

# Characters that would break the one line of a diagnostic, or the terminal printing it
# (half a surrogate pair cannot be written as UTF-8).
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]")
# A place quoted in a message: ``unresolvable reference '#/components/schemas/Pet'``.
_QUOTED_PLACE = re.compile(r"'([^'\s#]*#/[^'\s]*)'")


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in a document; ``pointer`` is a JSON pointer, ``METHOD /path`` or ``FILE:LINE:COLUMN``."""

    level: Level
    pointer: str
    message: str

    def format(self) -> str:
        """One line, whatever the document's keys hold: a control character in the pointer is
        percent-encoded (as in a URI fragment), one in the message escaped."""
        pointer = _CONTROL.sub(
            lambda m: "".join(
                f"%{b:02X}" for b in m.group().encode("utf-8", "surrogatepass")
            ),
            self.pointer,
        )
        message = _CONTROL.sub(lambda m: repr(m.group())[1:-1], self.message)
        return f"{self.level}: {pointer}: {message}"


@dataclass
class Diagnostics:
    """Collects diagnostics in the order found, dropping exact duplicates."""

    items: list[Diagnostic] = field(default_factory=list)
    _seen: set[Diagnostic] = field(default_factory=set, repr=False)
    #: where a place named by a stage that reads a converted document is in the document as
    #: written (a Swagger 2.0 document is read as OpenAPI 3.0, see ``swagger.py``)
    locate: Callable[[str], str] | None = field(default=None, repr=False)

    def add(self, level: Level, pointer: str, message: str) -> None:
        if self.locate is not None:
            locate = self.locate
            pointer = locate(pointer)
            message = _QUOTED_PLACE.sub(lambda m: f"'{locate(m[1])}'", message)
        diagnostic = Diagnostic(level, pointer, message)
        if diagnostic not in self._seen:
            self._seen.add(diagnostic)
            self.items.append(diagnostic)

    def error(self, pointer: str, message: str) -> None:
        self.add("error", pointer, message)

    def warning(self, pointer: str, message: str) -> None:
        self.add("warning", pointer, message)

    def located(self, locate: Callable[[str], str]) -> Diagnostics:
        """A view of this collector that names places with ``locate``: what is added to it is
        added here, in the same order."""
        return Diagnostics(self.items, self._seen, locate)

    @property
    def has_errors(self) -> bool:
        return any(d.level == "error" for d in self.items)

    def strict(self) -> Diagnostics:
        """The same diagnostics with every warning promoted to an error (``--strict``)."""
        promoted = Diagnostics()
        for d in self.items:
            promoted.error(d.pointer, d.message)
        return promoted
