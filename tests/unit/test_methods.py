"""The operations of a Path Item: every fixed method field, query included, then
additionalOperations, whose entries that cannot be a request are named with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from generator.methods import FIXED_METHODS, path_operations, refused_methods

OP: dict[str, Any] = {"responses": {}}


def test_fixed_fields_then_additional_operations_in_document_order() -> None:
    item = {
        "additionalOperations": {"purge": OP, "COPY": OP},
        "query": OP,
        "summary": "not an operation",
        "parameters": [],
        "get": OP,
        "x-get": OP,
    }
    found = [(o.method, o.parts) for o in path_operations(item)]
    assert found == [
        ("GET", ("get",)),
        ("QUERY", ("query",)),
        ("PURGE", ("additionalOperations", "purge")),
        ("COPY", ("additionalOperations", "COPY")),
    ]
    assert list(refused_methods(item)) == []


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("POST", "POST is written in the Path Item's `post` field, not here"),
        ("query", "query is written in the Path Item's `query` field, not here"),
        ("BAD METHOD", "'BAD METHOD' is not an HTTP method name"),
        ("GET\r\nX-Injected: 1", "'GET\\r\\nX-Injected: 1' is not an HTTP method name"),
    ],
)
def test_entries_that_cannot_be_a_request_are_refused(name: str, reason: str) -> None:
    item = {"additionalOperations": {name: OP, "LINK": OP}}
    assert [o.method for o in path_operations(item)] == ["LINK"]
    assert list(refused_methods(item)) == [(("additionalOperations", name), reason)]


def test_query_is_one_of_the_fixed_methods() -> None:
    assert FIXED_METHODS[-1] == "query" and len(FIXED_METHODS) == 9


@pytest.mark.parametrize("item", [None, [], "x", {"get": "not an operation"}])
def test_what_is_no_path_item_has_no_operations(item: object) -> None:
    assert list(path_operations(item)) == [] and list(refused_methods(item)) == []


def test_the_method_list_is_written_once() -> None:
    """Issue 14: every stage walks ``path_operations``; a list of its own would miss
    ``query`` and ``additionalOperations``, as three copies once did."""
    root = Path(__file__).parents[2]
    sources = [p for d in ("generator", "benchmarks") for p in (root / d).rglob("*.py")]
    listing = re.compile(r"[\"']patch[\"'],\s*[\"']trace[\"']")
    written = [p for p in sources if listing.search(p.read_text(encoding="utf-8"))]
    assert written == [root / "generator" / "methods.py"]
