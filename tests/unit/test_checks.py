"""Tests of generator/checks.py: duplicate operationIds and regular expressions that do not compile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.build import build_spec
from generator.checks import check_document, regex_problem
from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.loader import Document, collect_documents, load_documents
from generator.pipeline import load_and_check

INFO = {"title": "t", "version": "1"}


def check(data: dict[str, Any]) -> list[str]:
    diags = Diagnostics()
    root = Document(Path("/nowhere/openapi.yaml"), "openapi.yaml", data)
    check_document(collect_documents(root, Diagnostics()), diags)
    return [d.format() for d in diags.items]


def operation(operation_id: str) -> dict[str, Any]:
    return {"operationId": operation_id, "responses": {"200": {"description": "ok"}}}


OPERATION_IDS = [
    (
        "unique ids",
        {"/a": {"get": operation("a"), "post": operation("b")}},
        [],
    ),
    (
        "same id on two paths",
        {"/a": {"get": operation("list")}, "/b": {"get": operation("list")}},
        [
            "warning: #/paths/~1b/get/operationId: duplicate operationId 'list': also at "
            "#/paths/~1a/get/operationId; where the two methods meet, this one gets a "
            "numeric suffix"
        ],
    ),
    (
        "ids differing only by case are different ids",
        {"/a": {"get": operation("listPets")}, "/b": {"get": operation("ListPets")}},
        [],
    ),
    (
        "a key that is not a method is no operation",
        {"/a": {"get": operation("x"), "x-copy": operation("x")}},
        [],
    ),
]


@pytest.mark.parametrize(
    ("name", "given", "want"), OPERATION_IDS, ids=[c[0] for c in OPERATION_IDS]
)
def test_operation_ids(name: str, given: dict[str, Any], want: list[str]) -> None:
    assert check({"openapi": "3.1.0", "info": INFO, "paths": given}) == want


def test_operation_ids_of_webhooks_and_referenced_path_items(tmp_path: Path) -> None:
    (tmp_path / "openapi.yaml").write_text(
        "openapi: 3.1.0\n"
        "paths:\n"
        "  /a: {$ref: 'items.yaml#/A'}\n"
        "  /b: {get: {operationId: same, responses: {}}}\n"
        "  /gone: {$ref: 'items.yaml#/Gone'}\n"
        "webhooks:\n"
        "  hook: {post: {operationId: same, responses: {}}}\n"
    )
    (tmp_path / "items.yaml").write_text(
        "A: {get: {operationId: same, responses: {}}}\n"
    )
    diags = Diagnostics()
    docs = load_documents(tmp_path / "openapi.yaml", diags)
    assert docs is not None
    found = Diagnostics()
    check_document(docs, found)
    assert [d.format() for d in found.items] == [
        "warning: #/paths/~1b/get/operationId: duplicate operationId 'same': also at "
        "items.yaml#/A/get/operationId; where the two methods meet, this one gets a numeric "
        "suffix",
        "warning: #/webhooks/hook/post/operationId: duplicate operationId 'same': also at "
        "items.yaml#/A/get/operationId; where the two methods meet, this one gets a numeric "
        "suffix",
    ]


REGEXES = [
    ("plain", r"^[a-z]+$", None),
    ("unicode property escape", r"^\p{L}+$", None),
    ("negated property escape", r"\P{Lu}", None),
    ("named group", r"(?<year>\d{4})", None),
    ("named back reference", r"(?<q>['\"]).*\k<q>", None),
    ("lookbehind stays one", r"(?<=a)b(?<!c)", None),
    ("control escape", r"\cJ", None),
    ("code point escape", r"\u{1F600}", None),
    ("any character", r"[^]", None),
    ("unclosed class", r"[a-z", "unterminated character set at position 0"),
    ("unclosed group", r"(a", "missing ), unterminated subpattern at position 0"),
    ("nothing to repeat", r"*a", "nothing to repeat at position 0"),
    ("bad range", r"[z-a]", "bad character range z-a at position 1"),
]


@pytest.mark.parametrize(
    ("name", "given", "want"), REGEXES, ids=[c[0] for c in REGEXES]
)
def test_regex_problem(name: str, given: str, want: str | None) -> None:
    assert regex_problem(given) == want


def test_patterns_are_checked_where_they_are_keywords() -> None:
    data = {
        "openapi": "3.1.0",
        "info": INFO,
        "paths": {},
        "components": {
            "schemas": {
                # a schema named "pattern" is a name, not a keyword
                "pattern": {"type": "string", "pattern": "("},
                "Pet": {
                    "type": "object",
                    "properties": {
                        "pattern": {"type": "string", "example": {"pattern": "["}},
                        "code": {"type": "string", "pattern": "[", "enum": ["("]},
                    },
                    "patternProperties": {"^ok$": {}, "?": {}},
                    "x-notes": {"pattern": "["},
                    "default": {"pattern": "["},
                },
                "Items": {"type": "array", "items": [{"pattern": "a{2,1}"}]},
            }
        },
    }
    assert check(data) == [
        "error: #/components/schemas/pattern/pattern: invalid regular expression '(': "
        "missing ), unterminated subpattern at position 0",
        "error: #/components/schemas/Pet/properties/code/pattern: invalid regular expression '[': "
        "unterminated character set at position 0",
        "error: #/components/schemas/Pet/patternProperties/?: invalid regular expression '?': "
        "nothing to repeat at position 0",
        "error: #/components/schemas/Items/items/0/pattern: invalid regular expression 'a{2,1}': "
        "min repeat greater than max repeat at position 2",
    ]


def test_patterns_in_other_files_are_named_by_file(tmp_path: Path) -> None:
    (tmp_path / "openapi.yaml").write_text(
        "openapi: 3.1.0\ncomponents:\n  schemas:\n    Pet: {$ref: 'pet.yaml'}\n"
    )
    (tmp_path / "pet.yaml").write_text("type: string\npattern: '['\n")
    docs = load_documents(tmp_path / "openapi.yaml", Diagnostics())
    assert docs is not None
    found = Diagnostics()
    check_document(docs, found)
    assert [d.format() for d in found.items] == [
        "error: pet.yaml#/pattern: invalid regular expression '[': unterminated character set at position 0"
    ]


def test_a_path_no_url_can_carry() -> None:
    paths = {"/ok/{id}": {}, "/a\tb": {}, "/c\x7f": {}}
    assert check({"openapi": "3.1.0", "info": INFO, "paths": paths}) == [
        "error: #/paths/~1a%09b: the path holds the control character '\\t', which no URL can carry",
        "error: #/paths/~1c%7F: the path holds the control character '\\x7f', which no URL can carry",
    ]


SECTIONS = [
    ("all well", {"paths": {}, "tags": [], "components": {"schemas": {}}}, []),
    ("null is empty", {"paths": None, "components": {"schemas": None}}, []),
    (
        "components true",
        {"components": True},
        ["error: #/components: `components` must be a mapping, not true"],
    ),
    (
        "a part of components",
        {"components": {"schemas": [], "x-data": 1}},
        ["error: #/components/schemas: `schemas` must be a mapping, not []"],
    ),
    (
        "servers as a mapping",
        {"servers": {"url": "/"}},
        ['error: #/servers: `servers` must be a list, not {"url": "/"}'],
    ),
]


@pytest.mark.parametrize(
    ("name", "given", "want"), SECTIONS, ids=[c[0] for c in SECTIONS]
)
def test_sections(name: str, given: dict[str, Any], want: list[str]) -> None:
    assert check({"openapi": "3.1.0", "info": INFO, **given}) == want


def test_repeated_operation_ids_generate_with_a_suffix_in_document_order(
    tmp_path: Path,
) -> None:
    """DESIGN: "clashes get a deterministic suffix"; a repeated operationId is a warning."""
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        (
            Path(__file__).parents[1] / "bad_specs" / "duplicate-operation-id.yaml"
        ).read_text()
    )
    docs, diags = load_and_check(Config(spec=spec), validator=False)
    assert docs is not None and not diags.has_errors
    built = build_spec(docs, diags)
    assert [
        (op.operation_id, op.name) for api in built.apis for op in api.operations
    ] == [
        ("listPets", "list_pets"),
        ("listPets", "list_pets_2"),
        ("list-pets", "list_pets_3"),
    ]
