"""Where a Path Item keeps its operations: the one list of HTTP methods every stage walks.

A Path Item has a field per method the specification names (OpenAPI 3.2 adds ``query``) and,
from 3.2, ``additionalOperations``: any other method (``COPY``, ``PURGE``), keyed by its name
as it is sent. Both are read whatever the document's version: in an older document they are
already a validator's complaint, and an operation is worth more than its silent loss.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: The Path Item fields that hold an operation, in the specification's order.
FIXED_METHODS = (
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "query",
)
ADDITIONAL = "additionalOperations"
# RFC 9110: a method is a token, ``1*tchar``.
_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")


@dataclass(frozen=True)
class PathOperation:
    """One operation of a Path Item."""

    #: the method as sent, in upper case (``GET``, ``QUERY``, ``COPY``): httpx sends every
    #: method so, whatever the case the document writes an additional one in
    method: str
    #: where the operation is below its Path Item: ``("get",)``, ``("additionalOperations",
    #: "COPY")``
    parts: tuple[str, ...]
    node: dict[str, Any]


def path_operations(item: object) -> Iterator[PathOperation]:
    """The operations of a Path Item, fixed fields first, then ``additionalOperations`` in
    document order; entries ``refused_methods`` names are left out."""
    if not isinstance(item, dict):
        return
    for method in FIXED_METHODS:
        if isinstance(item.get(method), dict):
            yield PathOperation(method.upper(), (method,), item[method])
    extra = item.get(ADDITIONAL)
    for name, node in extra.items() if isinstance(extra, dict) else ():
        if isinstance(node, dict) and _refusal(name) is None:
            yield PathOperation(name.upper(), (ADDITIONAL, name), node)


def refused_methods(item: object) -> Iterator[tuple[tuple[str, ...], str]]:
    """``(parts, reason)`` of each ``additionalOperations`` entry that cannot be a request:
    a name that is not an HTTP method, or one of the fixed fields' methods."""
    extra = item.get(ADDITIONAL) if isinstance(item, dict) else None
    for name, node in extra.items() if isinstance(extra, dict) else ():
        reason = _refusal(name)
        if reason is not None and isinstance(node, dict):
            yield (ADDITIONAL, str(name)), reason


def _refusal(name: object) -> str | None:
    if not isinstance(name, str) or not _TOKEN.fullmatch(name):
        return f"{str(name)[:40]!r} is not an HTTP method name"
    if name.lower() in FIXED_METHODS:
        return f"{name} is written in the Path Item's `{name.lower()}` field, not here"
    return None
