"""Types other generators' test suites found lost, and names a document can choose that the
generated code uses itself: a client generated from a document written here imports, parses
sample payloads into the right classes, sends what it is given where it belongs (to a
loopback server of its own), and passes ``mypy --strict`` with code that uses it."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pydantic
import pytest
from clientgen import generate_client, import_client
from loopback import Loopback, Reply

PACKAGE = "types_client"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: tuple[str, ...] = (), **properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required)}


def json_response(schema: dict[str, Any]) -> dict[str, Any]:
    content = {"application/json": {"schema": schema}}
    return {"200": {"description": "OK", "content": content}}


STRING = {"type": "string"}
# names that builtins, typing and the generated code's own imports have
TAKEN = ["object", "type", "str", "list", "cast", "isinstance", "self", "body"]
TAKEN += ["Literal", "Field", "Any", "timeout", "import_module"]

SCHEMAS: dict[str, Any] = {
    "Echo": obj(
        method=STRING,
        path=STRING,
        query=STRING,
        headers={"type": "object", "additionalProperties": STRING},
        body=STRING,
        parts={"type": "array", "items": {"type": "object"}},
    ),
    "Item": obj(("id",), id=STRING),
    # named like the runtime's Pages, Stream and Call, which the API module imports
    "Pages": obj(
        ("data",),
        data={"type": "array", "items": ref("Item")},
        has_more={"type": "boolean"},
        last_id=STRING,
    ),
    "Stream": obj(id=STRING),
    "Call": obj(id=STRING),
    "Names": obj((), **{name: STRING for name in TAKEN}),
    "Simple": obj(name=STRING),
    "Blob": obj(
        data={"type": "string", "contentEncoding": "base64"},
        pair={
            "type": "array",
            "prefixItems": [{"type": "number"}, {"type": "number"}],
            "items": False,
            "minItems": 2,
        },
        mixed={"type": "array", "prefixItems": [ref("Simple")], "items": STRING},
        big={"const": 18446744073709551615},
        sizes={"type": "integer", "enum": [1, -9223372036854775808]},
    ),
    "Animal": {
        **obj(("kind",), kind=STRING, name=STRING),
        "discriminator": {"propertyName": "kind", "mapping": {"cat": "Cat"}},
    },
    "Cat": {"allOf": [ref("Animal"), obj(meow={"type": "boolean"})]},
    "Dog": {"allOf": [ref("Animal"), obj(bark={"type": "boolean"})]},
    "Auto": obj(("custom",), custom={"type": "boolean", "const": False}, a=STRING),
    "Custom": obj(("custom",), custom={"type": "boolean", "const": True}, c=STRING),
    "Config": {
        "oneOf": [ref("Auto"), ref("Custom")],
        "discriminator": {
            "propertyName": "custom",
            "mapping": {"false": "Auto", "true": "Custom"},
        },
    },
    "V1": obj(("v",), v={"type": "integer", "const": 1}),
    "V2": obj(("v",), v={"type": "number", "const": 2.5}),
    "Versioned": {
        "oneOf": [ref("V1"), ref("V2")],
        "discriminator": {"propertyName": "v"},
    },
    "Defaults": obj(
        inf={"type": "number", "default": float("inf")},
        nan={"type": "number", "default": float("nan")},
        day={"type": "string", "format": "date", "default": "2024-02-29"},
        at={"type": "string", "format": "date-time", "default": "2024-02-29T10:00:00Z"},
        uid={
            "type": "string",
            "format": "uuid",
            "default": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        },
        anything={"default": 3},
    ),
    "Labels": {
        **obj(id=STRING),
        "patternProperties": {"^x-": {"type": "integer"}},
    },
    "Tree": {
        "$dynamicAnchor": "node",
        **obj(
            children={"type": "array", "items": {"$dynamicRef": "#node"}},
            meta={"$ref": "#/components/schemas/Tree/$defs/Meta"},
            leaf={"$ref": "#leaf"},
        ),
        "$defs": {
            "Meta": obj(at=STRING),
            "Leaf": {"$anchor": "leaf", **obj(v={"type": "integer"})},
        },
    },
}
for i in range(1, 34):  # an allOf chain 33 deep
    own = obj(**{f"f{i}": {"type": "integer"}})
    SCHEMAS[f"L{i}"] = {"allOf": [ref(f"L{i - 1}"), own]}
SCHEMAS["L0"] = obj(f0=STRING)

SAME_NAME = [
    {"name": "id", "in": where, "required": where == "path", "schema": STRING}
    for where in ("path", "query", "header", "cookie")
]
# a description written on the parameter's schema, not on the parameter
SAME_NAME[1] = {**SAME_NAME[1], "schema": {**STRING, "description": "Which thing."}}
HEADERS = [
    {"name": "X-Trace", "in": "header", "schema": STRING},
    {"name": "x-trace", "in": "header", "schema": STRING},
]
DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "types", "version": "1"},
    "servers": [{"url": "__URL__"}],
    "security": [{"object": []}],
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {
            name: {"type": "apiKey", "in": "header", "name": f"X-Key-{i}"}
            for i, name in enumerate(["object", "str", "self", "auth", "cast"])
        },
    },
    "paths": {
        "/things/{id}": {
            "get": {
                "operationId": "getThing",
                "parameters": SAME_NAME + HEADERS,
                "responses": json_response(ref("Echo")),
            }
        },
        "/things": {
            "get": {
                "operationId": "listThings",
                "parameters": [
                    {"name": name, "in": "query", "schema": STRING}
                    for name in ["after", *TAKEN]
                ],
                "responses": json_response(ref("Pages")),
            }
        },
        "/names": {
            "post": {
                "operationId": "sendNames",
                "requestBody": {
                    "content": {"application/json": {"schema": ref("Names")}}
                },
                "responses": json_response(ref("Echo")),
            }
        },
        "/upload": {
            "post": {
                "operationId": "upload",
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": obj(
                                doc={
                                    "type": "string",
                                    "contentMediaType": "application/pdf",
                                },
                                note=STRING,
                            )
                        }
                    }
                },
                "responses": json_response(ref("Echo")),
            }
        },
        "/animals/{id}": {
            "get": {
                "operationId": "getAnimal",
                "parameters": [SAME_NAME[0]],
                "responses": json_response(ref("Animal")),
            }
        },
        "/labels": {
            "post": {
                "operationId": "putLabels",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"description": "Labels to put.", **ref("Labels")}
                        }
                    }
                },
                "responses": json_response(ref("Echo")),
            }
        },
    },
}

USAGE = """
from collections.abc import Iterator

from types_client import Client
from types_client.models import AnimalUnion, Blob, Cat, Item, Defaults


def calls(c: Client) -> Iterator[Item]:
    c.default.get_thing("p", id_query="q", id_header="h", id_cookie="c", x_trace="t")
    c.default.send_names(object="o", type="t", str_="s", list_="l", self_="me")
    c.default.upload(doc=b"%PDF-1.7", note="n")
    c.default.put_labels(body={"id": "1", "x-extra": 2})
    animal: AnimalUnion = c.default.get_animal("1")
    if isinstance(animal, Cat):
        meows: bool | None = animal.meow
    return c.default.list_things_iter()


def fields(blob: Blob, defaults: Defaults) -> None:
    data: bytes | None = blob.data
    pair: tuple[float, float] | None = blob.pair
    inf: float = defaults.inf


Client(object="k", str="s", self_="me", auth_="a")
"""


@pytest.fixture(scope="module")
def server(echo_server: Loopback) -> Loopback:
    """The session's echo server (tests/e2e/conftest.py); this document's paths are its own."""
    return echo_server


@pytest.fixture(scope="module")
def folder(server: Loopback, tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = tmp_path_factory.mktemp("types")
    spec = made / "types.json"
    spec.write_text(json.dumps(DOCUMENT).replace("__URL__", server.url))
    return generate_client(spec, made / "out", PACKAGE)


@pytest.fixture(scope="module")
def package(folder: Path) -> ModuleType:
    return import_client(folder, PACKAGE)


@pytest.fixture
def client(package: ModuleType) -> Iterator[Any]:
    with package.Client(object="key", max_retries=0) as c:
        yield c


def parse(package: ModuleType, name: str, payload: object) -> Any:
    models = importlib.import_module(f"{package.__name__}.models")
    return pydantic.TypeAdapter(getattr(models, name)).validate_python(payload)


# (what, the type to parse into, the payload, the class it must give, attributes to check)
PAYLOADS: list[tuple[str, str, object, str, dict[str, object]]] = [
    (
        "base64, a tuple, prefixItems with items, an integer beyond 64 bits",
        "Blob",
        {
            "data": "aGk_",
            "pair": [1, 2.5],
            "mixed": [{"name": "a"}, "b"],
            "big": 18446744073709551615,
        },
        "Blob",
        {"data": b"hi?", "pair": (1.0, 2.5), "big": 18446744073709551615},
    ),
    (
        "a subtype by the mapping",
        "AnimalUnion",
        {"kind": "cat", "meow": True},
        "Cat",
        {"meow": True},
    ),
    ("a subtype by its name", "AnimalUnion", {"kind": "Dog", "bark": True}, "Dog", {}),
    (
        "an unknown subtype is the base",
        "AnimalUnion",
        {"kind": "Emu"},
        "Animal",
        {"kind": "Emu"},
    ),
    ("a boolean tag", "Config", {"custom": True, "c": "x"}, "Custom", {"c": "x"}),
    ("the other boolean", "Config", {"custom": False}, "Auto", {}),
    ("an integer tag", "Versioned", {"v": 1}, "V1", {}),
    ("a number tag", "Versioned", {"v": 2.5}, "V2", {}),
    ("an allOf chain 33 deep", "L33", {"f0": "root", "f33": 33}, "L33", {"f0": "root"}),
    (
        "a dynamic reference, $defs and an $anchor",
        "Tree",
        {"children": [{"leaf": {"v": 1}, "meta": {"at": "now"}}]},
        "Tree",
        {},
    ),
    (
        "extra keys typed by patternProperties",
        "Labels",
        {"x-a": 1},
        "Labels",
        {"x-a": 1},
    ),
]


@pytest.mark.parametrize(
    ("what", "type_name", "payload", "want", "attributes"),
    PAYLOADS,
    ids=[p[0] for p in PAYLOADS],
)
def test_payloads_parse_into_their_classes(
    package: ModuleType,
    what: str,
    type_name: str,
    payload: object,
    want: str,
    attributes: dict[str, object],
) -> None:
    parsed = parse(package, type_name, payload)
    assert type(parsed).__name__ == want, what
    for name, value in attributes.items():
        assert getattr(parsed, name) == value, (what, name)


def test_defaults_of_every_kind_are_applied(package: ModuleType) -> None:
    defaults = parse(package, "Defaults", {})
    assert defaults.inf == float("inf") and defaults.nan != defaults.nan
    assert str(defaults.day) == "2024-02-29" and defaults.at.tzinfo is not None
    assert str(defaults.uid) == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert defaults.anything == 3


def test_the_subtype_is_returned(client: Any, server: Loopback) -> None:
    server.reply("GET", "/animals/1", Reply.json({"kind": "cat", "meow": True}))
    animal = client.default.get_animal("1")
    assert type(animal).__name__ == "Cat" and animal.meow is True


def test_one_name_in_four_places_reaches_each(client: Any, server: Loopback) -> None:
    echoed = client.default.get_thing(
        "p", id_query="q", id_header="h", id_cookie="c", x_trace="t"
    )
    assert (echoed.path, echoed.query) == ("/things/p", "id=q")
    assert echoed.headers["id"] == "h" and echoed.headers["x-trace"] == "t"
    assert echoed.headers["cookie"] == "id=c"


def test_arguments_named_like_builtins_are_sent_under_their_names(
    client: Any,
) -> None:
    echoed = client.default.send_names(
        object="o", type="t", str_="s", list_="l", cast_="c", self_="me", body_="b"
    )
    assert json.loads(echoed.body) == {
        "object": "o",
        "type": "t",
        "str": "s",
        "list": "l",
        "cast": "c",
        "self": "me",
        "body": "b",
    }
    assert echoed.headers["x-key-0"] == "key"  # the credential named `object`


def test_a_binary_media_type_is_uploaded_as_a_file(client: Any) -> None:
    echoed = client.default.upload(doc=b"%PDF-1.7", note="n")
    parts = {part["name"]: part for part in echoed.parts}
    assert parts["doc"]["filename"] and parts["doc"]["data"] == "%PDF-1.7"
    assert parts["note"]["filename"] is None


def test_a_schema_named_pages_pages(client: Any, server: Loopback) -> None:
    first = {"data": [{"id": "a"}], "has_more": True, "last_id": "a"}
    server.reply(
        "GET",
        "/things",
        Reply.json(first),
        Reply.json({"data": [{"id": "b"}], "has_more": False}),
    )
    assert [item.id for item in client.default.list_things_iter()] == ["a", "b"]
    assert server.last.query == "after=a"


def test_the_client_and_its_use_pass_mypy_strict(folder: Path) -> None:
    (folder / "usage.py").write_text(USAGE)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(folder / ".mypy")]
        + [PACKAGE, "usage.py"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_descriptions_on_schemas_reach_the_docs(folder: Path) -> None:
    page = (folder / "docs" / "DefaultApi.md").read_text()
    assert "| **id_query** | str | Which thing. |" in page
    assert "| Labels to put. |" in page
