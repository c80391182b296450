"""Tests of generator/validate.py: versions, validator complaints as located warnings, no crashes.

The shape tests run twice, once as a user's run goes (the Rust port where it can answer) and
once with openapi-spec-validator itself (``OAPIGEN_VALIDATOR=reference``): both must say the same.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import OpenAPIV31SpecValidator

from generator.diagnostics import Diagnostics
from generator.loader import Document, DocumentSet, load_documents
from generator.validate import check_version, validate_document
from generator.validate_reference import _located_validator

INFO = {"title": "t", "version": "1"}


@pytest.fixture(params=["auto", "reference"])
def implementation(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("OAPIGEN_VALIDATOR", request.param)
    return str(request.param)


@pytest.fixture
def reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests of openapi-spec-validator's own failures, which only the reference has."""
    monkeypatch.setenv("OAPIGEN_VALIDATOR", "reference")


def validate(data: Any) -> list[str]:
    diags = Diagnostics()
    validate_document(
        Document(Path("/nowhere/openapi.yaml"), "openapi.yaml", data), diags
    )
    return [d.format() for d in diags.items]


def validate_files(tmp_path: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    diags = Diagnostics()
    docs = load_documents(tmp_path / "openapi.yaml", diags)
    assert docs is not None
    validate_document(docs.root, diags, docs=docs)
    return [d.format() for d in diags.items]


VERSIONS = [
    ("3.0.3", {"openapi": "3.0.3", "info": INFO, "paths": {}}, []),
    ("3.1.0", {"openapi": "3.1.0", "info": INFO, "paths": {}}, []),
    ("3.1 with webhooks only", {"openapi": "3.1.0", "info": INFO, "webhooks": {}}, []),
    ("swagger 2.0", {"swagger": "2.0", "info": INFO, "paths": {}}, []),
    (
        "swagger 2.0, checked by the 2.0 validator",
        {"swagger": "2.0", "info": INFO, "paths": {}, "schemes": ["gopher"]},
        ["warning: #/schemes/0: 'gopher' is not one of ['http', 'https', 'ws', 'wss']"],
    ),
    (
        "swagger 1.2",
        {"swagger": "1.2", "info": INFO, "paths": {}},
        [
            "error: #/swagger: unsupported Swagger version '1.2': oapigen reads Swagger 2.0, "
            "and OpenAPI 3.0.x and 3.1.x"
        ],
    ),
    (
        "no version",
        {"info": INFO, "paths": {}},
        ["error: #: not an OpenAPI document: no `openapi` field"],
    ),
    ("3.2.0", {"openapi": "3.2.0", "info": INFO, "paths": {}}, []),
    (
        "3.3.0",
        {"openapi": "3.3.0", "info": INFO},
        [
            "error: #/openapi: unsupported OpenAPI version '3.3.0': oapigen reads 3.0.x, 3.1.x and 3.2.x"
        ],
    ),
    (
        "2.0 as openapi",
        {"openapi": "2.0"},
        [
            "error: #/openapi: unsupported OpenAPI version '2.0': oapigen reads 3.0.x, 3.1.x and 3.2.x"
        ],
    ),
    (
        "a number",
        {"openapi": 3.1, "info": INFO, "paths": {}},
        ["warning: #/openapi: 3.1 is not of type 'string'"],
    ),
    (
        "not a mapping",
        ["openapi"],
        ["error: #: not an OpenAPI document: the top level is not a mapping"],
    ),
]


@pytest.mark.parametrize(
    ("name", "given", "want"), VERSIONS, ids=[c[0] for c in VERSIONS]
)
def test_versions(name: str, given: Any, want: list[str], implementation: str) -> None:
    assert validate(given) == want


def doc30(**components: Any) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": INFO, "paths": {}, "components": components}


def doc31(**components: Any) -> dict[str, Any]:
    return {**doc30(**components), "openapi": "3.1.0"}


def pets(responses: Any, version: str = "3.0.3", **extra: Any) -> dict[str, Any]:
    return {
        "openapi": version,
        "info": INFO,
        "paths": {"/pets": {"get": {"responses": responses, **extra}}},
    }


WARNINGS = [
    (
        "a response without a description",
        pets(
            {"200": {"content": {"application/json": {"schema": {"type": "string"}}}}}
        ),
        [
            "warning: #/paths/~1pets/get/responses/200: 'description' is a required property"
        ],
    ),
    (
        "duplicate required entries",
        doc31(
            schemas={
                "Pet": {
                    "type": "object",
                    "required": ["id", "id"],
                    "properties": {"id": {}},
                }
            }
        ),
        [
            "warning: #/components/schemas/Pet/required: ['id', 'id'] has non-unique elements"
        ],
    ),
    (
        "a 3.0 exclusiveMinimum in 3.1",
        doc31(
            schemas={
                "N": {
                    "type": "object",
                    "properties": {
                        "n": {"type": "number", "minimum": 0, "exclusiveMinimum": True}
                    },
                }
            }
        ),
        [
            "warning: #/components/schemas/N/properties/n/exclusiveMinimum: True is not of type 'number'"
        ],
    ),
    (
        "a default of the wrong type",
        doc31(
            schemas={
                "S": {
                    "type": "object",
                    "properties": {
                        "mode": {"type": "string", "enum": ["a"], "default": ["a"]}
                    },
                }
            }
        ),
        [
            "warning: #/components/schemas/S/properties/mode/default: ['a'] is not of type 'string'",
            "warning: #/components/schemas/S/properties/mode/default: ['a'] is not one of ['a']",
        ],
    ),
    (
        "a null default on an object",
        doc31(schemas={"O": {"type": "object", "default": None}}),
        ["warning: #/components/schemas/O/default: None is not of type 'object'"],
    ),
    (
        "a path parameter that is not declared",
        {
            "openapi": "3.0.3",
            "info": INFO,
            "paths": {
                "/pets/{id}": {"get": {"responses": {"200": {"description": "ok"}}}}
            },
        },
        [
            "warning: #/paths/~1pets~1{id}/get: Path parameter 'id' for 'get' operation in '/pets/{id}' was not resolved"
        ],
    ),
    (
        "a duplicate operationId",
        {
            "openapi": "3.0.3",
            "info": INFO,
            "paths": {
                "/a": {
                    "get": {
                        "operationId": "x",
                        "responses": {"200": {"description": "ok"}},
                    }
                },
                "/b": {
                    "get": {
                        "operationId": "x",
                        "responses": {"200": {"description": "ok"}},
                    }
                },
            },
        },
        ["warning: #/paths/~1b/get: Operation ID 'x' for 'get' in '/b' is not unique"],
    ),
    (
        "a huge instance is cut down",
        pets(
            {
                "200": {
                    "content": {
                        f"type/{i}": {"schema": {"type": "string"}} for i in range(50)
                    }
                }
            }
        ),
        [
            "warning: #/paths/~1pets/get/responses/200: 'description' is a required property"
        ],
    ),
    (
        "an error in a referenced schema is reported where it is",
        doc31(
            schemas={
                "Pet": {"$ref": "#/components/schemas/Real"},
                "Real": {"type": "object", "required": ["a", "a"]},
            }
        ),
        [
            "warning: #/components/schemas/Real/required: ['a', 'a'] has non-unique elements"
        ],
    ),
    (
        "a schema that is not one",
        doc31(schemas={"N": {"type": "number", "minimum": "1", "default": 5}}),
        ["warning: #/components/schemas/N/minimum: '1' is not of type 'number'"],
    ),
]


@pytest.mark.parametrize(
    ("name", "given", "want"), WARNINGS, ids=[c[0] for c in WARNINGS]
)
def test_complaints_are_warnings_where_they_are(
    name: str, given: Any, want: list[str], implementation: str
) -> None:
    assert validate(given) == want


def test_long_messages_are_one_short_line(implementation: str) -> None:
    lines = validate(
        pets(
            {
                "200": {
                    "description": "ok",
                    "content": {
                        f"type/{i}": {"schema": {"type": "string"}} for i in range(200)
                    },
                }
            },
            x=1,
        )
    )
    assert lines
    assert all("\n" not in line and len(line) < 400 for line in lines)


def test_errors_in_other_files_name_the_file(tmp_path: Path, implementation: str) -> None:
    lines = validate_files(
        tmp_path,
        {
            "openapi.yaml": "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    Pet: {$ref: 'pet.yaml'}\n",
            "pet.yaml": "type: object\nrequired: [a, a]\n",
        },
    )
    assert lines == ["warning: pet.yaml#/required: ['a', 'a'] has non-unique elements"]


def test_other_files_are_read_without_the_document_set(tmp_path: Path, implementation: str) -> None:
    (tmp_path / "pet.yaml").write_text("type: object\nrequired: [a, a]\n")
    data = {
        "openapi": "3.1.0",
        "info": INFO,
        "components": {"schemas": {"Pet": {"$ref": "pet.yaml"}}},
    }
    diags = Diagnostics()
    validate_document(Document(tmp_path / "openapi.yaml", "openapi.yaml", data), diags)
    assert [d.format() for d in diags.items] == [
        "warning: pet.yaml#/required: ['a', 'a'] has non-unique elements"
    ]


def test_remote_references_are_not_fetched(implementation: str) -> None:
    started = time.monotonic()
    lines = validate(
        doc31(
            schemas={
                "Pet": {
                    "type": "object",
                    "properties": {"o": {"$ref": "http://10.255.255.1/pet.yaml"}},
                }
            }
        )
    )
    assert time.monotonic() - started < 5
    assert lines == [
        "warning: #/components/schemas/Pet/properties/o: not checked: unresolvable reference "
        "'http://10.255.255.1/pet.yaml'"
    ]


def test_a_dangling_reference_costs_its_node(implementation: str) -> None:
    lines = validate(
        doc30(
            schemas={
                "S": {
                    "type": "object",
                    "properties": {"p": {"$ref": "#/components/schemas/Gone"}},
                },
                "T": {
                    "type": "object",
                    "required": ["a"],
                    "allOf": [{"type": "object"}],
                },
            }
        )
    )
    assert lines == [
        "warning: #/components/schemas/S/properties/p: not checked: unresolvable reference '/components/schemas/Gone'",
        "warning: #/components/schemas/T: Required list has not defined properties: ['a']",
    ]


def test_a_validator_failure_costs_one_node(
    monkeypatch: pytest.MonkeyPatch, reference: None
) -> None:
    def boom(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(
        "openapi_spec_validator.validation.keywords.OperationValidator._get_path_params_from_url",
        boom,
    )
    data = pets({"200": {"description": "ok"}})
    data["components"] = {
        "schemas": {"Pet": {"type": "object", "required": ["a", "a"]}}
    }
    assert validate(data) == [
        "warning: #/components/schemas/Pet/required: ['a', 'a'] has non-unique elements",
        "warning: #/paths/~1pets/get: not checked: the validator failed: RuntimeError: boom",
    ]


def test_a_validator_failure_outside_a_node_cuts_validation_short(
    monkeypatch: pytest.MonkeyPatch, reference: None
) -> None:
    def boom(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(
        "openapi_spec_validator.validation.keywords.RootValidator.__call__", boom
    )
    assert validate(pets({"200": {"description": "ok"}})) == [
        "warning: #: validation cut short: the validator failed: RuntimeError: boom"
    ]


def test_recursion_error_is_a_warning(shared_dir: Path, implementation: str) -> None:
    lines = validate(
        yaml.safe_load(
            (shared_dir / "specs" / "oapi-recursive" / "spec.yaml").read_text()
        )
    )
    assert lines == [
        "warning: #: validation cut short: the document nests too deeply for openapi-spec-validator"
    ]


@pytest.mark.slow
def test_openai_spec(shared_dir: Path) -> None:
    diags = Diagnostics()
    docs = load_documents(shared_dir / "specs" / "openai" / "openai.yaml", diags)
    assert docs is not None
    validate_document(docs.root, diags, docs=docs)
    lines = [d.format() for d in diags.items]
    assert len(lines) == 25
    assert all(line.startswith("warning: #/components/schemas/") for line in lines)
    assert (
        "warning: #/components/schemas/CompoundFilter/$recursiveAnchor: True is not of type 'string'"
        in lines
    )
    assert (
        "warning: #/components/schemas/ContainerResource/required: ['id', 'object', 'name', ...] has non-unique elements"
        in lines
    )


@pytest.mark.parametrize(
    ("name", "given", "want"),
    [
        ("3.0", {"openapi": "3.0.3"}, True),
        ("3.1", {"openapi": "3.1.1"}, True),
        ("swagger", {"swagger": "2.0"}, True),
        ("swagger 1.2", {"swagger": "1.2"}, False),
        ("none", {}, False),
        ("a list", [], False),
    ],
)
def test_check_version(name: str, given: Any, want: bool) -> None:
    diags = Diagnostics()
    assert check_version(given, diags) is want
    assert diags.has_errors is not want


def test_schema_bookkeeping_is_kept_in_sets() -> None:
    """The library tests membership once per schema; in its lists that is quadratic in the
    number of schemas (a 16 x OpenAI document took over 47 times as long)."""
    schemas = {f"S{i}": {"type": "object", "properties": {"a": {}}} for i in range(50)}
    data = doc31(schemas=schemas)
    root = Document(Path("/nowhere/openapi.yaml"), "openapi.yaml", data)
    docs = DocumentSet(root, {root.uri: root})
    validator = _located_validator(OpenAPIV31SpecValidator, docs)(
        data, base_uri="file:///nowhere/openapi.yaml"
    )
    assert list(validator.iter_errors()) == []
    keyword = validator.keyword_validators_registry["schema"]
    for ids in (keyword.visited_schema_ids, keyword.meta_checked_schema_ids):
        assert isinstance(ids, set)
    assert {id(s) for s in schemas.values()} <= keyword.meta_checked_schema_ids
    assert len(keyword.visited_schema_ids) == 100  # each schema and its property, once
