"""Checks over the whole document that neither openapi-spec-validator nor reference resolution make.

- the sections every later stage walks (``info``, ``paths``, ``components`` and its parts...)
  have the shape the specification gives them: nothing can be built from ``components: true``;
- every ``operationId`` is unique among the operations of ``paths`` and ``webhooks``, as the
  specification requires; a repeated one is a warning (real documents have them: Kubernetes
  repeats ``getAPIResources`` 33 times), and its method, where it clashes in its API class,
  gets the first free numeric suffix in document order (``get_api_resources_2``);
- no path holds a control character (a line break), which no URL can carry;
- every regular expression (a schema's ``pattern``, a ``patternProperties`` key) compiles.
  Schemas use ECMA-262 regular expressions; the constructs Python's ``re`` spells differently
  (``\\p{L}``, ``(?<name>...)``, ``\\k<name>``, ``\\cX``, ``\\u{...}``, ``[^]``) are accepted as
  written, so only a pattern that no engine could read is an error.

Each problem (a repeated operationId aside) is an error at the JSON pointer of the offending
value; nothing is raised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from generator.diagnostics import Diagnostics
from generator.loader import Document, DocumentSet, pointer, split_pointer
from generator.methods import path_operations
from generator.refs import is_reference, resolve

#: Keys whose values are free-form data, not schemas: a ``pattern`` there is just a word.
_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})
#: Keys whose values map names (chosen by the author) to schemas.
_NAMED_SCHEMAS = frozenset(
    {"properties", "$defs", "definitions", "dependentSchemas", "schemas"}
)

#: Top-level sections and the JSON type the specification gives each.
_SECTIONS = (
    ("info", dict),
    ("servers", list),
    ("paths", dict),
    ("webhooks", dict),
    ("components", dict),
    ("security", list),
    ("tags", list),
)
_COMPONENTS = (
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
    "mediaTypes",
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: ECMA-262 constructs and what Python's ``re`` reads the same way (or near enough to check).
_ECMA_TO_PYTHON = (
    (re.compile(r"\\[pP]\{[^}]*\}"), "."),  # Unicode property escapes
    (re.compile(r"\(\?<(?=[A-Za-z_$])"), "(?P<"),  # named groups
    (re.compile(r"\\k<([^>]*)>"), r"(?P=\1)"),  # named back references
    (re.compile(r"\\c[A-Za-z]"), "."),  # control characters
    (re.compile(r"\\u\{[0-9A-Fa-f]+\}"), "."),  # code points
    (re.compile(r"\[\^\]"), r"[\\s\\S]"),  # any character
    (re.compile(r"(?<!\\)\[\]"), "(?!)"),  # no character
)


def check_document(docs: DocumentSet, diags: Diagnostics) -> None:
    """Report duplicate operationIds, paths no URL can carry and regular expressions that do
    not compile."""
    check_sections(docs, diags)
    check_operation_ids(docs, diags)
    check_paths(docs, diags)
    for doc in docs.documents.values():
        check_patterns(doc, docs, diags)


def check_sections(docs: DocumentSet, diags: Diagnostics) -> None:
    """An error at every top-level section, or part of ``components``, of the wrong JSON type."""
    data = docs.root.data
    for key, kind in _SECTIONS:
        _check_kind(data, (key,), kind, diags)
    components = data.get("components")
    if isinstance(components, dict):
        for key in _COMPONENTS:
            _check_kind(components, ("components", key), dict, diags)


def _check_kind(
    parent: dict[str, Any], where: tuple[str, ...], kind: type, diags: Diagnostics
) -> None:
    value = parent.get(where[-1])
    # null is read as empty: ``paths:`` with nothing under it is common in real documents
    if value is not None and not isinstance(value, kind):
        wanted = "a mapping" if kind is dict else "a list"
        diags.error(
            pointer(*where),
            f"`{where[-1]}` must be {wanted}, not {json.dumps(value)[:40]}",
        )


def check_operation_ids(docs: DocumentSet, diags: Diagnostics) -> None:
    """A warning at every operationId already used by an earlier operation."""
    first_seen: dict[str, str] = {}
    for where, operation_id in _operation_ids(docs):
        earlier = first_seen.setdefault(operation_id, where)
        if earlier != where:
            diags.warning(
                where,
                f"duplicate operationId {operation_id!r}: also at {earlier}; where the "
                "two methods meet, this one gets a numeric suffix",
            )


def check_paths(docs: DocumentSet, diags: Diagnostics) -> None:
    """An error at every path that holds a control character."""
    paths = docs.root.data.get("paths")
    for key in paths if isinstance(paths, dict) else ():
        control = _CONTROL.search(key)
        if control is not None:
            diags.error(
                pointer("paths", key),
                f"the path holds the control character {control.group()!r}, which no URL can carry",
            )


def check_patterns(doc: Document, docs: DocumentSet, diags: Diagnostics) -> None:
    """An error at every ``pattern`` and ``patternProperties`` key that is not a regular expression."""
    for where, regex in _patterns(doc.data):
        problem = regex_problem(regex)
        if problem is not None:
            diags.error(
                docs.location(doc, where),
                f"invalid regular expression {regex!r}: {problem}",
            )


def regex_problem(regex: str) -> str | None:
    """Why ``regex`` cannot be compiled, or None when it can (read as ECMA-262, or as Python)."""
    try:
        re.compile(regex)
        return None
    except re.error as exc:
        problem = str(exc)
    except (OverflowError, RecursionError, ValueError) as exc:
        return str(exc) or type(exc).__name__
    translated = regex
    for construct, replacement in _ECMA_TO_PYTHON:
        translated = construct.sub(replacement, translated)
    try:
        re.compile(translated)
        return None
    except (re.error, OverflowError, RecursionError, ValueError):
        return problem


def _operation_ids(docs: DocumentSet) -> Iterator[tuple[str, str]]:
    """(location of the operationId, its text) for each operation, in document order."""
    root = docs.root
    for section in ("paths", "webhooks"):
        items = root.data.get(section)
        if not isinstance(items, dict):
            continue
        for key, item in items.items():
            doc, where = root, pointer(section, key)
            if is_reference(item):
                found = resolve(docs, root, item["$ref"])
                if isinstance(found, str):
                    continue  # reported where references are checked
                doc, where, item = found.document, found.pointer, found.node
            if not isinstance(item, dict):
                continue
            for operation in path_operations(item):
                if isinstance(operation.node.get("operationId"), str):
                    at = pointer(*split_pointer(where), *operation.parts, "operationId")
                    yield docs.location(doc, at), operation.node["operationId"]


def _patterns(data: Any) -> Iterator[tuple[str, str]]:
    """(pointer, regex) of every ``pattern`` keyword and ``patternProperties`` key, in document order."""
    # An explicit stack: documents can be deep. An entry is a node to visit, with whether its
    # keys are names chosen by the author (a property called "pattern" is no keyword), or a
    # regular expression found, waiting for its turn.
    stack: list[tuple[tuple[str, ...], Any, bool | None]] = [((), data, False)]
    while stack:
        path, node, named = stack.pop()
        if named is None:
            yield pointer(*path), node
            continue
        children: list[tuple[tuple[str, ...], Any, bool | None]] = []
        if isinstance(node, list):
            children = [((*path, str(i)), item, False) for i, item in enumerate(node)]
        elif isinstance(node, dict):
            for key, value in node.items():
                at = (*path, key)
                if named:
                    children.append((at, value, False))
                elif key == "pattern" and isinstance(value, str):
                    children.append((at, value, None))
                elif key == "patternProperties" and isinstance(value, dict):
                    children += [((*at, regex), regex, None) for regex in value]
                    children.append((at, value, True))
                elif key not in _DATA_KEYS and not key.startswith("x-"):
                    children.append((at, value, key in _NAMED_SCHEMAS))
        stack.extend(reversed(children))
