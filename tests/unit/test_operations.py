"""Paths and operations to API classes: every operation appears, named from what the document
gives; webhooks become models, not methods."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.build import build_spec
from generator.diagnostics import Diagnostics
from generator.ir import Spec
from generator.loader import load_documents

OK = {"200": {"description": "OK"}}


def build(
    tmp_path: Path,
    paths: dict[str, Any],
    diags: Diagnostics | None = None,
    **extra: Any,
) -> Spec:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        **extra,
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document))
    diags = Diagnostics() if diags is None else diags
    docs = load_documents(path, diags)
    assert docs is not None
    return build_spec(docs, diags, "pkg")


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
