"""``$ref`` resolution across the loaded files, with cycle detection, and the check that every
reference in a document leads somewhere.

Only ``$ref`` is handled here, with a JSON pointer or a plain name (``#node``, a schema's
``$anchor``) as its fragment; ``$recursiveRef`` and ``$dynamicRef`` (JSON Schema 2019-09 and
2020-12, used by the OpenAI spec) are left to the schema parser.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote

from generator.diagnostics import Diagnostics
from generator.loader import (
    Document,
    DocumentSet,
    iter_refs,
    pointer,
    ref_target,
    split_pointer,
)
from generator.methods import path_operations
from generator.sources import Refusal

__all__ = [
    "Resolved",
    "resolve",
    "iter_refs",
    "check_refs",
    "without_broken_parts",
    "is_reference",
]

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


def check_refs(docs: DocumentSet, diags: Diagnostics) -> bool:
    """Warn of every reference that leads nowhere, at the place that uses it; whether there
    was one. ``without_broken_parts`` then leaves out what reaches them.

    References to files that could not be loaded were reported by the loader already.
    """
    dangling = False
    for doc in docs.documents.values():
        for site, ref in iter_refs(doc.data):
            target = ref_target(doc, ref)
            if isinstance(target, Refusal) or (
                target is not None and docs.get(target) is None
            ):
                continue
            result = resolve(docs, doc, ref)
            if isinstance(result, str):
                diags.warning(docs.location(doc, site), result)
                dangling = True
    return dangling


def without_broken_parts(docs: DocumentSet, diags: Diagnostics) -> DocumentSet:
    """The documents without the operations and components that reach a reference leading
    nowhere, each left out with a warning: one broken part does not sink the document
    (``--strict`` makes the warnings errors). Only worth calling when ``check_refs`` found one.
    """
    parts = _parts(docs)
    broken = _broken(docs, [node for _, node in parts])
    removed: list[tuple[str, str]] = []
    for (where, what), node in parts:
        reason = broken.get((node.document.uri, node.pointer))
        if reason is not None:
            removed.append(where)
            diags.warning(
                docs.location(docs.get(where[0]) or docs.root, where[1]),
                f"{what} left out: it reaches the reference at '{reason}', which leads nowhere",
            )
    return _pruned(docs, removed)


#: A part of the document that may be left out: where it is listed (document URI, pointer)
#: and what to call it, and the node it is (through references).
_Part = tuple[tuple[tuple[str, str], str], Resolved]


def _parts(docs: DocumentSet) -> list[_Part]:
    """Every operation (of ``paths`` and ``webhooks``) and every component of the root."""
    root = docs.root
    found: list[_Part] = []
    data = root.data if isinstance(root.data, dict) else {}
    for section in ("paths", "webhooks"):
        items = data.get(section)
        for key, item in items.items() if isinstance(items, dict) else ():
            at = Resolved(root, pointer(section, key), item, in_root=True)
            if is_reference(item):
                item_found = resolve(docs, root, item["$ref"])
                if isinstance(item_found, str):
                    continue  # check_refs warned; the whole path item is read as empty
                at = item_found
            for op in path_operations(at.node):
                listed = (at.document.uri, at.pointer + pointer(*op.parts)[1:])
                node = Resolved(at.document, listed[1], op.node, at.in_root)
                if is_reference(op.node):
                    op_found = resolve(docs, at.document, op.node["$ref"])
                    if isinstance(op_found, str):
                        continue
                    node = op_found
                shared = at.node.get("parameters")
                if isinstance(
                    shared, list
                ):  # the path item's parameters are the operation's too
                    node = Resolved(
                        node.document, node.pointer, {"op": node.node, "shared": shared}
                    )
                found.append(((listed, f"operation {op.method} {key}"), node))
    components = data.get("components")
    for section, entries in components.items() if isinstance(components, dict) else ():
        for name, entry in entries.items() if isinstance(entries, dict) else ():
            at = Resolved(root, pointer("components", section, name), entry, True)
            found.append((((root.uri, at.pointer), f"component {section}/{name}"), at))
    return found


def _broken(docs: DocumentSet, starts: list[Resolved]) -> dict[tuple[str, str], str]:
    """Each node (by document URI and pointer) that reaches, through references, one that
    leads nowhere, with the first such reference met."""
    reasons: dict[tuple[str, str], str] = {}
    users: dict[tuple[str, str], list[tuple[str, str]]] = {}
    seen: set[tuple[str, str]] = set()
    queue = deque(starts)
    while queue:
        at = queue.popleft()
        key = (at.document.uri, at.pointer)
        if key in seen:
            continue
        seen.add(key)
        for site, ref in iter_refs(at.node):
            found = resolve(docs, at.document, ref)
            if isinstance(
                found, str
            ):  # the reference as written is named by check_refs
                place = docs.location(at.document, at.pointer + site[1:])
                reasons.setdefault(key, place)
                continue
            target = (found.document.uri, found.pointer)
            users.setdefault(target, []).append(key)
            queue.append(found)
    spread = deque(reasons)
    while spread:
        key = spread.popleft()
        for user in users.get(key, ()):
            if user not in reasons:
                reasons[user] = reasons[key]
                spread.append(user)
    return reasons


def _pruned(docs: DocumentSet, removed: list[tuple[str, str]]) -> DocumentSet:
    """The document set with the nodes at ``removed`` (document URI, pointer) taken out of
    their documents; what is not on the way to a removed node is shared, not copied."""
    if not removed:
        return docs
    datas = {uri: doc.data for uri, doc in docs.documents.items()}
    copied: set[int] = set()
    for uri, where in removed:
        *path, last = split_pointer(where)
        if id(datas[uri]) not in copied:
            datas[uri] = dict(datas[uri])
            copied.add(id(datas[uri]))
        node = datas[uri]
        for token in path:
            child = node[token]
            if id(child) not in copied:
                child = dict(child)
                copied.add(id(child))
                node[token] = child
            node = child
        node.pop(last, None)
    documents = {
        uri: doc if datas[uri] is doc.data else replace(doc, data=datas[uri])
        for uri, doc in docs.documents.items()
    }
    return DocumentSet(documents[docs.root.uri], MappingProxyType(documents))


def _resolve(
    docs: DocumentSet, base: Document, ref: str, nested: int
) -> Resolved | str:
    """Follow a chain of references; every reference met on the way is remembered with the
    chain's outcome, so each is followed once per run."""
    memo = docs.resolutions
    start = (base.uri, ref)
    if start in memo:
        return _told(memo[start], ref)
    keys = [start]
    seen: set[str] = set()
    chain: list[str] = []
    doc, current = base, ref
    while True:
        found = _lookup(docs, doc, current, nested)
        if isinstance(found, str) or not is_reference(found.node):
            outcome: tuple[Resolved | str, int] = (found, len(keys) - 1)
            break
        if found.location in seen:
            cycle = " -> ".join([*chain, found.location])
            outcome = (f"reference cycle with no base: {cycle}", 0)
            break
        seen.add(found.location)
        chain.append(found.location)
        doc, current = found.document, found.node["$ref"]
        step = (doc.uri, current)
        if step in memo:
            result, depth = memo[step]
            outcome = (result, depth + len(keys))
            break
        keys.append(step)
    result, depth = outcome
    for index, key in enumerate(keys):
        memo[key] = (result, max(depth - index, 0))
    return _told(memo[start], ref)


def _told(outcome: tuple[Resolved | str, int], ref: str) -> Resolved | str:
    """A chain's outcome as seen from its first reference: a failure further down the chain
    says which reference led there."""
    result, depth = outcome
    if isinstance(result, str) and depth > 0:
        return f"{result} (reached through {ref!r})"
    return result


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
