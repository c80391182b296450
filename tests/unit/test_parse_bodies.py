"""generator.parse.bodies and security: media type order, encoding, merged bodies, OAuth2."""

from __future__ import annotations

from typing import Any

import pytest

from generator.ir import Body, Encoding, Field, MediaChoice
from generator.parse import types as T
from generator.parse.bodies import encodings, media_order, merge_bodies
from generator.parse.security import requested_scopes, token_url

JSON, MULTIPART, FORM = (
    "application/json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
)


@pytest.mark.parametrize(
    ("name", "types", "uploads", "want"),
    [
        ("JSON first", [MULTIPART, JSON], set(), JSON),
        ("multipart with files first", [JSON, MULTIPART], {MULTIPART}, MULTIPART),
        (
            "+json",
            ["text/plain", "application/merge-patch+json"],
            set(),
            "application/merge-patch+json",
        ),
        ("form before others", ["application/xml", FORM], set(), FORM),
        (
            "else the document's first",
            ["application/xml", "text/plain"],
            set(),
            "application/xml",
        ),
    ],
)
def test_media_order(name: str, types: list[str], uploads: set[str], want: str) -> None:
    order = media_order(types, uploads.__contains__)
    assert order[0] == want and sorted(order) == sorted(types), name


def test_encodings() -> None:
    node: dict[str, Any] = {
        "encoding": {
            "meta": {"contentType": "application/json"},
            "tags": {"style": "form", "explode": False, "allowReserved": True},
            "bad": "not an object",
        }
    }
    assert encodings(node) == (
        Encoding("meta", content_type="application/json"),
        Encoding("tags", style="form", explode=False, allow_reserved=True),
    )
    assert encodings({}) == ()
    assert Encoding("tags", style="form", explode=False).as_dict() == {
        "style": "form",
        "explode": False,
    }


def field(wire: str, type_: Any, required: bool) -> Field:
    return Field(wire, wire, type_, required, "", "")


STR, FILE = T.primitive("str"), T.primitive("file")


def body(content_type: str, kind: Any, fields: tuple[Field, ...], model: str) -> Body:
    return Body(content_type, kind, T.model(model), model, True, fields, model)


def test_merge_bodies() -> None:
    multipart = body(
        MULTIPART,
        "multipart",
        (field("file", FILE, True), field("title", STR, True)),
        "Upload",
    )
    as_json = body(
        JSON,
        "json",
        (field("file", STR, True), field("title", STR, True), field("url", STR, False)),
        "Link",
    )
    merged = merge_bodies(
        [multipart, as_json], lambda t: repr(t.kind), lambda n: n + "_a"
    )
    assert merged.content_type == MULTIPART and merged.kind == "multipart"
    assert merged.choices == (
        MediaChoice(MULTIPART, "multipart"),
        MediaChoice(JSON, "json"),
    )
    assert [(f.name, f.required) for f in merged.fields] == [
        ("file_a", True),
        ("title_a", True),
        ("url_a", False),
    ]
    assert merged.fields[0].type == T.union([FILE, STR])
    assert merged.type == T.union([T.model("Upload"), T.model("Link")])
    assert merged.model is None and merged.content_type_annotation == (
        "Literal['multipart/form-data', 'application/json']"
    )


def test_a_single_body_keeps_its_media_type() -> None:
    only = body(JSON, "json", (field("a", STR, True),), "A")
    merged = merge_bodies([only], lambda t: "str", lambda n: n)
    assert (
        merged.choices == ()
        and merged.model == "A"
        and merged.fields[0].param_annotation == "str"
    )


def test_oauth2_details() -> None:
    scheme = {
        "type": "oauth2",
        "flows": {
            "authorizationCode": {"authorizationUrl": "/a", "tokenUrl": "/code-token"},
            "clientCredentials": {"tokenUrl": "/token", "scopes": {"a": "", "b": ""}},
        },
    }
    assert token_url(scheme) == "/token"
    assert token_url({"type": "oauth2", "flows": {"implicit": {}}}) == ""
    document = {
        "security": [{"O": ["read"]}],
        "paths": {
            "/x": {
                "get": {"security": [{"O": ["write", "read"]}, {"Other": ["x"]}]},
                "parameters": [],
            }
        },
    }
    assert requested_scopes(document, "O") == ("read", "write")
