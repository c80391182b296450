"""Paths and operations to API classes: every operation appears, named from what the document
gives; webhooks become models, not methods; what OpenAPI 3.2 adds to operations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.build import build_spec
from generator.checks import check_operation_ids
from generator.diagnostics import Diagnostics
from generator.ir import Operation, Spec
from generator.loader import load_documents

OK = {"200": {"description": "OK"}}


def build(
    tmp_path: Path,
    paths: dict[str, Any],
    diags: Diagnostics | None = None,
    **extra: Any,
) -> Spec:
    return diagnosed(tmp_path, paths, diags=diags, **extra)[0]


def diagnosed(
    tmp_path: Path,
    paths: dict[str, Any],
    version: str = "3.1.0",
    diags: Diagnostics | None = None,
    **extra: Any,
) -> tuple[Spec, list[str]]:
    """The IR of a document of ``paths``, and the diagnostics building it gave."""
    document = {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        **extra,
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document))
    diags = Diagnostics() if diags is None else diags
    docs = load_documents(path, diags)
    assert docs is not None
    spec = build_spec(docs, diags, "pkg")
    return spec, [d.format() for d in diags.items]


def methods(spec: Spec) -> dict[str, list[str]]:
    return {api.class_name: [op.name for op in api.operations] for api in spec.apis}


@pytest.mark.parametrize(
    ("name", "paths", "want"),
    [
        (
            "untagged operations live in DefaultApi",
            {"/keys": {"get": {"operationId": "admin-api-keys-list", "responses": OK}}},
            {"DefaultApi": ["admin_api_keys_list"]},
        ),
        (
            "tagged operations live in <Tag>Api",
            {
                "/chat": {
                    "post": {
                        "operationId": "createChatCompletion",
                        "tags": ["Chat"],
                        "responses": OK,
                    }
                }
            },
            {"ChatApi": ["create_chat_completion"]},
        ),
        (
            "no operationId: named from method and path",
            {"/pets/{pet_id}": {"get": {"responses": OK}}},
            {"DefaultApi": ["get_pets_pet_id"]},
        ),
        (
            "path keys carrying a query string are operations of their own",
            {
                "/responses": {"post": {"operationId": "create", "responses": OK}},
                "/responses?beta=true": {
                    "post": {"operationId": "create", "responses": OK}
                },
            },
            {"DefaultApi": ["create", "create_2"]},
        ),
        (
            "a tag starting with a digit",
            {"/x": {"get": {"operationId": "x", "tags": ["2fa"], "responses": OK}}},
            {"Tag2faApi": ["x"]},
        ),
    ],
)
def test_operation_names(
    tmp_path: Path, name: str, paths: dict[str, Any], want: dict[str, list[str]]
) -> None:
    assert methods(build(tmp_path, paths)) == want, name


def test_fixed_query_of_a_path_key_is_sent(tmp_path: Path) -> None:
    spec = build(
        tmp_path,
        {"/responses?beta=true": {"post": {"operationId": "create", "responses": OK}}},
    )
    op = spec.apis[0].operations[0]
    assert op.path == "/responses"
    assert [(p.wire_name, p.annotation) for p in op.parameters] == [("beta", "'true'")]


def test_webhooks_become_models_not_methods(tmp_path: Path) -> None:
    payload = {
        "type": "object",
        "properties": {"id": {"type": "string"}},
        "required": ["id"],
    }
    webhook = {
        "post": {
            "requestBody": {"content": {"application/json": {"schema": payload}}},
            "responses": OK,
        }
    }
    spec = build(tmp_path, {}, webhooks={"batch.completed": webhook})
    assert spec.apis == ()
    assert [(w.name, w.method, w.annotation) for w in spec.webhooks] == [
        ("batch.completed", "POST", "BatchCompletedWebhook")
    ]
    assert [m.name for m in spec.models] == ["BatchCompletedWebhook"]


def test_api_class_does_not_take_a_model_name(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"id": {"type": "string"}}}
    spec = build(
        tmp_path,
        {"/x": {"get": {"operationId": "x", "tags": ["Chat"], "responses": OK}}},
        components={"schemas": {"ChatApi": schema}},
    )
    assert [api.class_name for api in spec.apis] == ["ChatApi2"]


def parameter(name: str, where: str, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "schema": {"type": "string", **schema}}


def test_one_name_in_every_location_gets_one_argument_each(tmp_path: Path) -> None:
    params = [parameter("id", w) for w in ("query", "header", "cookie", "path")]
    spec = build(
        tmp_path,
        {
            "/x/{id}": {
                "get": {"operationId": "x", "parameters": params, "responses": OK}
            }
        },
    )
    found = [
        (p.name, p.location, p.wire_name) for p in spec.apis[0].operations[0].parameters
    ]
    assert found == [
        ("id", "path", "id"),
        ("id_query", "query", "id"),
        ("id_header", "header", "id"),
        ("id_cookie", "cookie", "id"),
    ]


def test_header_names_differing_only_in_case_keep_the_first(tmp_path: Path) -> None:
    operation = {
        "operationId": "x",
        "parameters": [
            parameter("x-request-id", "header"),
            parameter("X-Request-ID", "header"),
            parameter("x-trace", "header", description="replaces"),
        ],
        "responses": OK,
    }
    diags = Diagnostics()
    paths = {"/x": {"parameters": [parameter("X-Trace", "header")], "get": operation}}
    op = build(tmp_path, paths, diags).apis[0].operations[0]
    assert [p.wire_name for p in op.parameters] == ["x-trace", "x-request-id"]
    assert [(d.pointer, d.message) for d in diags.items] == [
        (
            "#/paths/~1x/get/parameters/1",
            "header parameters 'x-request-id' and 'X-Request-ID' differ only in case, "
            "and header names ignore it: 'X-Request-ID' is left out",
        )
    ]


def test_descriptions_on_the_schema_of_a_parameter_or_body_are_kept(
    tmp_path: Path,
) -> None:
    body = {
        "description": "What to create.",
        "type": "object",
        "properties": {"name": {"type": "string"}},
    }
    operation = {
        "operationId": "x",
        "parameters": [parameter("q", "query", description="What to look for.")],
        "requestBody": {"content": {"application/json": {"schema": body}}},
        "responses": OK,
    }
    op = build(tmp_path, {"/x": {"post": operation}}).apis[0].operations[0]
    assert op.parameters[0].description == "What to look for."
    assert op.body is not None and op.body.description == "What to create."


def test_an_operation_given_as_a_reference_is_read(tmp_path: Path) -> None:
    shared = {
        "operationId": "listKeys",
        "parameters": [parameter("page", "query")],
        "responses": OK,
    }
    spec = build(
        tmp_path,
        {"/keys": {"get": {"$ref": "#/x-operations/list"}}},
        **{"x-operations": {"list": shared}},
    )
    op = spec.apis[0].operations[0]
    assert (op.name, [p.name for p in op.parameters]) == ("list_keys", ["page"])


# -- OpenAPI 3.2: the query method and additionalOperations, querystring parameters, streams
# of items (itemSchema), deprecated wherever 3.2 allows it; and path template parameters an
# operation does not declare (any version).


def diagnosed_32(
    tmp_path: Path, paths: dict[str, Any], version: str = "3.2.0", **extra: Any
) -> tuple[Spec, list[str]]:
    return diagnosed(tmp_path, paths, version, **extra)


def operations(spec: Spec) -> dict[str, Operation]:
    return {op.name: op for api in spec.apis for op in api.operations}


def test_query_and_additional_methods_are_operations(tmp_path: Path) -> None:
    spec, problems = diagnosed_32(
        tmp_path,
        {
            "/things": {
                "query": {"operationId": "findThings", "responses": OK},
                "additionalOperations": {
                    "COPY": {"responses": OK},
                    "purge": {"operationId": "purgeThings", "responses": OK},
                    "get": {"responses": OK},
                },
            }
        },
    )
    found = {name: op.method for name, op in operations(spec).items()}
    assert found == {
        "find_things": "QUERY",
        "copy_things": "COPY",
        "purge_things": "PURGE",
    }
    assert spec.operations_total == 4
    assert spec.skipped == (
        (
            "#/paths/~1things/additionalOperations/get",
            "get is written in the Path Item's `get` field, not here",
        ),
    )
    assert problems == [
        "warning: #/paths/~1things/additionalOperations/get: operation skipped: "
        "get is written in the Path Item's `get` field, not here"
    ]


def test_duplicate_operation_ids_are_found_among_additional_operations(
    tmp_path: Path,
) -> None:
    document = {
        "openapi": "3.2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {"get": {"operationId": "same", "responses": OK}},
            "/b": {
                "additionalOperations": {
                    "LINK": {"operationId": "same", "responses": OK}
                }
            },
        },
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document))
    diags = Diagnostics()
    docs = load_documents(path, diags)
    assert docs is not None
    check_operation_ids(docs, diags)
    assert [d.format() for d in diags.items] == [
        "warning: #/paths/~1b/additionalOperations/LINK/operationId: "
        "duplicate operationId 'same': also at #/paths/~1a/get/operationId; where the two "
        "methods meet, this one gets a numeric suffix"
    ]


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0", "3.2.0"])
def test_an_undeclared_path_parameter_is_a_required_string(
    tmp_path: Path, version: str
) -> None:
    spec, problems = diagnosed_32(
        tmp_path,
        {
            "/shelves/{shelf}/items/{item-id}": {
                "get": {
                    "operationId": "getItem",
                    "parameters": [
                        {
                            "name": "shelf",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        },
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": OK,
                }
            }
        },
        version,
    )
    op = operations(spec)["get_item"]
    assert [
        (p.name, p.wire_name, p.location, p.annotation, p.required)
        for p in op.parameters
    ] == [
        ("shelf", "shelf", "path", "int", True),
        ("item_id", "item-id", "path", "str", True),
        ("q", "q", "query", "str", False),
    ]
    assert (
        "warning: #/paths/~1shelves~1{shelf}~1items~1{item-id}/get: path parameter 'item-id' "
        "of /shelves/{shelf}/items/{item-id} is not declared: taken as a required string"
    ) in problems


def test_a_querystring_parameter_is_the_whole_query(tmp_path: Path) -> None:
    form = {
        "schema": {
            "type": "object",
            "properties": {"a": {"type": "array", "items": {"type": "string"}}},
        },
        "encoding": {"a": {"style": "pipeDelimited", "explode": False}},
    }
    spec, problems = diagnosed_32(
        tmp_path,
        {
            "/search": {
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer"}}
                ],
                "get": {
                    "operationId": "search",
                    "parameters": [
                        {
                            "name": "filter",
                            "in": "querystring",
                            "content": {"application/x-www-form-urlencoded": form},
                        },
                        {
                            "name": "again",
                            "in": "querystring",
                            "content": {
                                "application/json": {"schema": {"type": "object"}}
                            },
                        },
                    ],
                    "responses": OK,
                },
            }
        },
    )
    (filter_,) = operations(spec)["search"].parameters
    assert (filter_.name, filter_.location, filter_.content_type) == (
        "filter",
        "querystring",
        "application/x-www-form-urlencoded",
    )
    assert filter_.annotation == "SearchFilter | SearchFilterParam"
    assert filter_.encoding_map == {"a": {"style": "pipeDelimited", "explode": False}}
    kept = "the `querystring` parameter at #/paths/~1search/get/parameters/0 is the whole query string"
    assert f"warning: #/paths/~1search/get/parameters/1: ignored: {kept}" in problems
    assert f"warning: #/paths/~1search/parameters/0: ignored: {kept}" in problems


def media(content_type: str, **node: Any) -> dict[str, Any]:
    return {"200": {"description": "OK", "content": {content_type: node}}}


ENTRY = {"type": "object", "properties": {"n": {"type": "integer"}}}
JSON_DATA = {
    "type": "object",
    "properties": {
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": ENTRY,
        }
    },
}


@pytest.mark.parametrize(
    ("responses", "kind", "item", "plain"),
    [
        (
            media("application/jsonl", itemSchema=ENTRY),
            "jsonl",
            "LogsItem",
            "list[LogsItem]",
        ),
        (
            media("application/x-ndjson", itemSchema=ENTRY),
            "jsonl",
            "LogsItem",
            "list[LogsItem]",
        ),
        (
            media("application/json-seq", itemSchema={"type": "integer"}),
            "json-seq",
            "int",
            "list[int]",
        ),
        (
            media("application/geo+json-seq", schema={"type": "array", "items": ENTRY}),
            "json-seq",
            "LogsResponseItem",
            "list[LogsResponseItem]",
        ),
        (
            media("text/event-stream", itemSchema=JSON_DATA),
            "events",
            "TypedEvent[LogsStreamEvent]",
            "list[TypedEvent[LogsStreamEvent]]",
        ),
        (
            media(
                "text/event-stream",
                itemSchema={"properties": {"data": {"type": "string"}}},
            ),
            "events",
            "TypedEvent[str]",
            "list[TypedEvent[str]]",
        ),
        (
            media(
                "text/event-stream",
                itemSchema={
                    "oneOf": [
                        {
                            "properties": {
                                "event": {"const": "a"},
                                "data": JSON_DATA["properties"]["data"],
                            }
                        },
                        {
                            "properties": {
                                "event": {"const": "b"},
                                "data": {"type": "string"},
                            }
                        },
                    ]
                },
            ),
            "events",
            "TypedEvent[LogsStreamEvent | str]",
            "list[TypedEvent[LogsStreamEvent | str]]",
        ),
        (media("text/event-stream", schema=ENTRY), "sse", "LogsStreamEvent", "str"),
        (media("application/x-ndjson"), "jsonl", "Any", "list[Any]"),
    ],
    ids=[
        "jsonl",
        "ndjson",
        "json-seq",
        "json-seq schema",
        "events",
        "text events",
        "variants",
        "sse",
        "no schema",
    ],
)
def test_sequential_media_types_are_streams_of_items(
    tmp_path: Path, responses: dict[str, Any], kind: str, item: str, plain: str
) -> None:
    spec, _ = diagnosed_32(
        tmp_path, {"/logs": {"get": {"operationId": "logs", "responses": responses}}}
    )
    op = operations(spec)["logs"]
    assert op.stream is not None
    content_type = next(iter(responses["200"]["content"]))
    assert (op.stream.kind, op.stream.item_annotation, op.stream.media_type) == (
        kind,
        item,
        content_type,
    )
    assert op.return_annotation == plain  # the plain method reads the stream whole
    assert op.success is op.responses[0] and op.plain_responses == op.responses


def test_a_stream_beside_json_leaves_the_plain_method_to_json(tmp_path: Path) -> None:
    responses = {
        "200": {
            "description": "OK",
            "content": {
                "application/jsonl": {"itemSchema": ENTRY},
                "application/json": {"schema": {"type": "array", "items": ENTRY}},
            },
        }
    }
    spec, _ = diagnosed_32(
        tmp_path, {"/logs": {"get": {"operationId": "logs", "responses": responses}}}
    )
    op = operations(spec)["logs"]
    assert op.return_annotation == "list[LogsResponseItem]"
    assert [r.kind for r in op.plain_responses] == ["json"]
    assert op.stream is not None and op.stream.item_annotation == "LogsItem"


def test_deprecated_reaches_the_ir_wherever_3_2_allows_it(tmp_path: Path) -> None:
    old = {
        "type": "object",
        "deprecated": True,
        "properties": {"x": {"type": "string"}},
    }
    spec, _ = diagnosed_32(
        tmp_path,
        {
            "/old": {
                "post": {
                    "operationId": "old",
                    "deprecated": True,
                    "parameters": [
                        {
                            "name": "a",
                            "in": "query",
                            "deprecated": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "b",
                            "in": "query",
                            "schema": {"type": "string", "deprecated": True},
                        },
                        {"name": "c", "in": "query", "schema": {"type": "string"}},
                    ],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Old"}
                            }
                        }
                    },
                    "responses": {
                        "200": {
                            "description": "OK",
                            "headers": {
                                "X-Old": {
                                    "deprecated": True,
                                    "schema": {"type": "string"},
                                }
                            },
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Old"}
                                }
                            },
                        }
                    },
                }
            }
        },
        components={
            "schemas": {
                "Old": old,
                "New": {"type": "object", "properties": {"y": {"type": "string"}}},
            }
        },
    )
    op = operations(spec)["old"]
    assert op.deprecated
    assert [p.deprecated for p in op.parameters] == [True, True, False]
    assert op.body is not None and op.body.deprecated
    (response,) = op.responses
    assert response.deprecated and response.headers[0].deprecated
    assert {m.name: m.deprecated for m in spec.models} == {"Old": True, "New": False}


def test_media_types_may_be_references(tmp_path: Path) -> None:
    """OpenAPI 3.2's components/mediaTypes: a parameter's, a body's and a response's."""
    form = {
        "schema": {"type": "object", "properties": {"a": {"type": "string"}}},
        "encoding": {"a": {"explode": False}},
    }
    media_types = {
        "Form": form,
        "Json": {
            "schema": {"type": "object", "properties": {"b": {"type": "integer"}}}
        },
        "Lines": {
            "itemSchema": {"type": "object", "properties": {"c": {"type": "string"}}}
        },
    }

    def ref(name: str) -> dict[str, str]:
        return {"$ref": f"#/components/mediaTypes/{name}"}

    spec, problems = diagnosed_32(
        tmp_path,
        {
            "/x": {
                "post": {
                    "operationId": "x",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "querystring",
                            "content": {
                                "application/x-www-form-urlencoded": ref("Form")
                            },
                        }
                    ],
                    "requestBody": {"content": {"application/json": ref("Json")}},
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/jsonl": ref("Lines")},
                        }
                    },
                }
            }
        },
        components={"mediaTypes": media_types},
    )
    op = operations(spec)["x"]
    assert [(p.annotation, p.encoding_map) for p in op.parameters] == [
        ("XQ | XQParam", {"a": {"explode": False}})
    ]
    assert op.body is not None and [f.name for f in op.body.fields] == ["b"]
    assert op.stream is not None and op.stream.item_annotation == "XItem"
    assert problems == []
