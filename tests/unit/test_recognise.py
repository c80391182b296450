"""Tests of generator/recognise.py: documents that are not OpenAPI are told apart, with one
error that says what they are."""

from __future__ import annotations

from typing import Any

import pytest

from generator.diagnostics import Diagnostics
from generator.recognise import recognised

INFO = {"title": "t", "version": "1"}
READS = "oapigen reads OpenAPI 3.0 and 3.1, and Swagger 2.0"

CASES: list[tuple[str, Any, list[str]]] = [
    ("3.0 with paths", {"openapi": "3.0.3", "info": INFO, "paths": {}}, []),
    ("3.1 with webhooks only", {"openapi": "3.1.0", "info": INFO, "webhooks": {}}, []),
    (
        "3.1 with components only",
        {"openapi": "3.1.0", "info": INFO, "components": {}},
        [],
    ),
    ("swagger 2.0", {"swagger": "2.0", "info": INFO, "paths": {}}, []),
    (
        "swagger 2.0, definitions only",
        {"swagger": "2.0", "info": INFO, "definitions": {}},
        [],
    ),
    (
        "AsyncAPI",
        {"asyncapi": "3.0.0", "info": INFO, "channels": {}},
        [f"error: #/asyncapi: an AsyncAPI 3.0.0 document, not an OpenAPI one: {READS}"],
    ),
    (
        "a JSON Schema",
        {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"},
        [
            f"error: #: a JSON Schema, not an OpenAPI document: {READS} (a schema goes under "
            "`components/schemas` of one)"
        ],
    ),
    (
        "a JSON Schema without $schema",
        {"title": "Pet", "properties": {"name": {"type": "string"}}},
        [
            f"error: #: a JSON Schema, not an OpenAPI document: {READS} (a schema goes under "
            "`components/schemas` of one)"
        ],
    ),
    (
        "a fragment: paths without a version",
        {"paths": {"/a": {}}, "components": {}},
        [
            "error: #: not an OpenAPI document: no `openapi` field states its version "
            '(`swagger: "2.0"` for Swagger 2.0)'
        ],
    ),
    (
        "both versions",
        {"swagger": "2.0", "openapi": "3.1", "info": INFO, "paths": {}},
        [
            "error: #: the document states both `openapi` and `swagger`: keep the one of the "
            "version it is written in"
        ],
    ),
    (
        "no info",
        {"openapi": "3.0.3", "paths": {}},
        ["error: #: not an OpenAPI document: no `info` (the API's title and version)"],
    ),
    (
        "nothing to generate",
        {"openapi": "3.1.0", "info": INFO, "paths": None},
        [
            "error: #: nothing to generate: the document has no `paths`, `webhooks` or "
            "`components`"
        ],
    ),
    (
        "swagger, nothing to generate",
        {"swagger": "2.0", "info": INFO},
        ["error: #: nothing to generate: the document has no `paths` or `definitions`"],
    ),
    (
        "an unsupported version is said first",
        {"openapi": "4.0.0"},
        [
            "error: #/openapi: unsupported OpenAPI version '4.0.0': oapigen reads 3.0.x, "
            "3.1.x and 3.2.x"
        ],
    ),
]


@pytest.mark.parametrize(("name", "given", "want"), CASES, ids=[c[0] for c in CASES])
def test_recognised(name: str, given: Any, want: list[str]) -> None:
    diags = Diagnostics()
    assert recognised(given, diags) is (not want)
    assert [d.format() for d in diags.items] == want
