"""The document's ``tags`` list: which tags make API classes, and their hierarchy for the docs.

OpenAPI 3.2 gives a tag a ``summary``, a ``parent`` (another tag's name) and a ``kind``
(``nav`` for navigation; ``badge`` and ``audience`` are the registry's others). An operation
goes to the API class of its first tag that is for navigation (no ``kind``, or ``nav``); a
tag of another kind makes no class and is shown beside the operation in the docs. ``parent``
does not nest the client's attributes (every API class stays ``client.<tag>``): it orders the
docs' hierarchy. A ``parent`` that names no tag, or that closes a loop, is a warning and is
left out.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from generator.diagnostics import Diagnostics
from generator.ir import Tag
from generator.loader import pointer

NAVIGATION_KINDS = ("", "nav")


def parse_tags(data: dict[str, Any], diags: Diagnostics) -> tuple[Tag, ...]:
    """The tags of the document, parents before their children (depth first, document order
    among siblings), each with its ``depth`` in that hierarchy."""
    found: dict[str, Tag] = {}
    listed = data.get("tags")
    for i, node in enumerate(listed if isinstance(listed, list) else ()):
        if not isinstance(node, dict) or not isinstance(node.get("name"), str):
            continue
        if node["name"] in found:
            continue
        found[node["name"]] = Tag(
            name=node["name"],
            summary=_text(node.get("summary")),
            description=_text(node.get("description")),
            parent=node["parent"] if isinstance(node.get("parent"), str) else "",
            kind=node["kind"] if isinstance(node.get("kind"), str) else "",
            pointer=pointer("tags", str(i)),
        )
    for tag in list(found.values()):
        problem = _parent_problem(tag, found)
        if problem:
            diags.warning(f"{tag.pointer}/parent", f"{problem}: the parent is left out")
            found[tag.name] = replace(tag, parent="")
    return tuple(_depth_first(found))


def api_tag(operation_tags: object, tags: tuple[Tag, ...]) -> str:
    """The tag whose API class an operation goes to: its first tag for navigation."""
    kinds = {t.name: t.kind for t in tags}
    for tag in operation_tags if isinstance(operation_tags, list) else ():
        if kinds.get(str(tag), "") in NAVIGATION_KINDS:
            return str(tag)
    return "default"


def _parent_problem(tag: Tag, found: dict[str, Tag]) -> str:
    if not tag.parent:
        return ""
    if tag.parent not in found:
        return f"no tag is named {tag.parent!r}"
    seen = {tag.name}
    parent = tag.parent
    while parent:
        if parent in seen:
            return f"the parents of {tag.name!r} loop back to it"
        seen.add(parent)
        parent = found[parent].parent if parent in found else ""
    return ""


def _depth_first(found: dict[str, Tag]) -> list[Tag]:
    children: dict[str, list[Tag]] = {}
    for tag in found.values():
        children.setdefault(tag.parent, []).append(tag)
    ordered: list[Tag] = []
    stack = [(t, 0) for t in reversed(children.get("", []))]
    while stack:
        tag, depth = stack.pop()
        ordered.append(replace(tag, depth=depth))
        stack += [(t, depth + 1) for t in reversed(children.get(tag.name, []))]
    return ordered


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
