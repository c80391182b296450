"""``$ref`` resolution across the loaded files, with cycle detection, and the check that every
reference in a document leads somewhere.

Only ``$ref`` is handled here, with a JSON pointer or a plain name (``#node``, a schema's
``$anchor``) as its fragment; ``$recursiveRef`` and ``$dynamicRef`` (JSON Schema 2019-09 and
2020-12, used by the OpenAI spec) are left to the schema parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from generator.diagnostics import Diagnostics
from generator.loader import (
    Document,
    DocumentSet,
    iter_refs,
    pointer,
    ref_target,
    report_ref,
    split_pointer,
)
from generator.sources import Refusal

__all__ = ["Resolved", "resolve", "iter_refs", "check_refs", "is_reference"]

#: Keys a Reference Object may carry besides ``$ref`` (OpenAPI 3.1); a ``$ref`` with any other
#: sibling is a schema in its own right and is returned as it is, for the parser to combine.
_REFERENCE_KEYS = frozenset({"$ref", "summary", "description"})
#: How many references met in the middle of a pointer (``a.yaml#/A/properties/b`` where ``A``
#: is itself a ``$ref``) are followed before giving up.
_MAX_NESTED = 16
_INDEX = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class Resolved:
    """The node a reference leads to, and where it lives."""

    document: Document
    pointer: str
    node: Any
    in_root: bool = False

    @property
    def location(self) -> str:
        """``#/components/schemas/Foo`` in the root document, ``other.yaml#/...`` elsewhere."""
        return self.pointer if self.in_root else f"{self.document.name}{self.pointer}"


def is_reference(node: Any) -> bool:
    """Whether a node is only a reference (a Reference Object), which resolution follows through."""
    return (
        isinstance(node, dict)
        and isinstance(node.get("$ref"), str)
        and node.keys() <= _REFERENCE_KEYS
    )


def resolve(docs: DocumentSet, base: Document, ref: str) -> Resolved | str:
    """The node ``ref`` (written in ``base``) leads to, following chains of references.

    Returns a message instead when the reference cannot be followed, or when a chain of
    references loops without ever reaching a node of its own.
    """
    if not isinstance(ref, str):  # a hostile document: {"$ref": {...}}
        return f"`$ref` must be a string, not {type(ref).__name__}"
    return _resolve(docs, base, ref, 0)


def check_refs(docs: DocumentSet, diags: Diagnostics) -> None:
    """Report every reference that leads nowhere, at the place that uses it.

    References to files that could not be loaded were reported by the loader already.
    """
    for doc in docs.documents.values():
        for site, ref in iter_refs(doc.data):
            target = ref_target(doc, ref)
            if isinstance(target, Refusal) or (
                target is not None and docs.get(target) is None
            ):
                continue
            result = resolve(docs, doc, ref)
            if isinstance(result, str):
                report_ref(diags, docs.location(doc, site), site, result)


def _resolve(
    docs: DocumentSet, base: Document, ref: str, nested: int
) -> Resolved | str:
    chain: list[str] = []
    doc, current = base, ref
    while True:
        found = _lookup(docs, doc, current, nested)
        if isinstance(found, str):
            return found if not chain else f"{found} (reached through {ref!r})"
        if not is_reference(found.node):
            return found
        if found.location in chain:
            return "reference cycle with no base: " + " -> ".join(
                [*chain, found.location]
            )
        chain.append(found.location)
        doc, current = found.document, found.node["$ref"]


def _lookup(docs: DocumentSet, base: Document, ref: str, nested: int) -> Resolved | str:
    """One step: the node a single reference names, without following the reference found there."""
    unresolvable = f"unresolvable reference {ref!r}"
    target = ref_target(base, ref)
    if isinstance(target, Refusal):
        return f"{unresolvable}: {target.reason}"
    doc = base if target is None else docs.get(target)
    if doc is None:
        return f"{unresolvable}: the document was not loaded"
    fragment = unquote(ref.partition("#")[2])
    if fragment and not fragment.startswith("/"):
        return _anchored(docs, doc, fragment) or (
            f"{unresolvable}: {fragment!r} is not a JSON pointer, nor any schema's `$anchor`"
        )
    try:
        tokens = split_pointer(fragment)
    except ValueError:
        return f"{unresolvable}: {fragment!r} is not a JSON pointer"
    node = doc.data
    walked: list[str] = []
    for token in tokens:
        child = _child(node, token)
        if child is _MISSING and _has_ref(node) and nested < _MAX_NESTED:
            # A pointer that runs through a reference carries on at the reference's target.
            through = _resolve(docs, doc, node["$ref"], nested + 1)
            if isinstance(through, str):
                return f"{unresolvable}: {through}"
            doc, node, walked = (
                through.document,
                through.node,
                split_pointer(through.pointer),
            )
            child = _child(node, token)
        if child is _MISSING:
            return unresolvable
        node = child
        walked.append(token)
    return Resolved(doc, pointer(*walked), node, in_root=doc.uri == docs.root.uri)


_MISSING = object()


def _anchored(docs: DocumentSet, doc: Document, name: str) -> Resolved | None:
    """The schema of ``doc`` whose ``$anchor`` (or ``$dynamicAnchor``) is ``name``: what a
    plain-name fragment (``#node``) refers to in JSON Schema 2020-12."""
    stack: list[tuple[list[str], Any]] = [([], doc.data)]
    while stack:
        keys, node = stack.pop()
        if isinstance(node, dict):
            if name in (node.get("$anchor"), node.get("$dynamicAnchor")):
                where = pointer(*keys)
                return Resolved(doc, where, node, in_root=doc.uri == docs.root.uri)
            stack.extend(([*keys, k], v) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(
                ([*keys, str(i)], v) for i, v in reversed(list(enumerate(node)))
            )
    return None


def _child(node: Any, token: str) -> Any:
    if isinstance(node, dict):
        return node.get(token, _MISSING)
    if isinstance(node, list) and _INDEX.fullmatch(token) and int(token) < len(node):
        return node[int(token)]
    return _MISSING


def _has_ref(node: Any) -> bool:
    return isinstance(node, dict) and isinstance(node.get("$ref"), str)
