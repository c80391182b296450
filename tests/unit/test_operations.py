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


def build(tmp_path: Path, paths: dict[str, Any], **extra: Any) -> Spec:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        **extra,
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document))
    diags = Diagnostics()
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
