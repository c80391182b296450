"""Tests of generator/swagger.py: Swagger 2.0 read as OpenAPI 3.0, and every converted place
traced back to the 2.0 document as written."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build import build_spec
from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.loader import Document, DocumentSet, collect_documents, load_documents
from generator.pipeline import load_and_check
from generator.swagger import Converted, convert

INFO = {"title": "t", "version": "1"}
OK = {"200": {"description": "ok"}}


def converted(data: dict[str, Any]) -> Converted:
    root = Document(Path("/nowhere/swagger.yaml"), "swagger.yaml", data)
    return convert(collect_documents(root, Diagnostics()))


def swagger(**sections: Any) -> dict[str, Any]:
    return {"swagger": "2.0", "info": INFO, "paths": {}, **sections}


def at(data: Any, pointer: str) -> Any:
    for token in pointer.strip("/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        data = data[int(token)] if isinstance(data, list) else data[token]
    return data


def operation(*parameters: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"parameters": list(parameters), "responses": OK, **more}


SERVERS = [
    (
        "host, basePath and schemes: https first",
        {"host": "api.example.com", "basePath": "/v1/", "schemes": ["http", "https"]},
        [{"url": "https://api.example.com/v1"}, {"url": "http://api.example.com/v1"}],
    ),
    (
        "no schemes: https",
        {"host": "api.example.com"},
        [{"url": "https://api.example.com"}],
    ),
    (
        "websocket schemes are not HTTP",
        {"host": "h", "schemes": ["wss", "http"]},
        [{"url": "http://h"}],
    ),
    (
        "no host: basePath, relative to the document",
        {"basePath": "/api"},
        [{"url": "/api"}],
    ),
    ("neither: no servers", {}, None),
]


@pytest.mark.parametrize(
    ("name", "given", "want"), SERVERS, ids=[c[0] for c in SERVERS]
)
def test_servers(name: str, given: dict[str, Any], want: Any) -> None:
    assert converted(swagger(**given)).docs.root.data.get("servers") == want


@pytest.mark.parametrize(
    ("given", "want"),
    [
        ({"basePath": "/v2"}, [{"url": "http://docs.example.com:8080/v2"}]),
        ({"schemes": ["https"]}, [{"url": "https://docs.example.com:8080"}]),
        ({"host": "api.example.com"}, [{"url": "http://api.example.com"}]),
    ],
)
def test_no_host_or_scheme_is_where_the_document_was_read(
    given: dict[str, Any], want: Any
) -> None:
    """2.0: without them, the host and scheme are those serving the document."""
    source = "http://docs.example.com:8080/specs/swagger.yaml"
    root = Document(source, source, swagger(**given))
    got = convert(collect_documents(root, Diagnostics())).docs.root.data["servers"]
    assert got == want


def form_field(name: str, kind: str = "string", **more: Any) -> dict[str, Any]:
    return {"name": name, "in": "formData", "type": kind, **more}


BODIES = [
    (
        "a body parameter, the document's consumes",
        swagger(consumes=["application/xml", "application/json"]),
        operation(
            {
                "name": "pet",
                "in": "body",
                "required": True,
                "description": "the pet",
                "schema": {"$ref": "#/definitions/Pet"},
            }
        ),
        {
            "description": "the pet",
            "content": {
                "application/xml": {"schema": {"$ref": "#/components/schemas/Pet"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}},
            },
            "required": True,
        },
    ),
    (
        "the operation's consumes over the document's; a wildcard is sent as JSON",
        swagger(consumes=["application/xml"]),
        operation(
            {"name": "b", "in": "body", "schema": {"type": "string"}},
            consumes=["*/*", "application/json"],
        ),
        {"content": {"application/json": {"schema": {"type": "string"}}}},
    ),
    (
        "no consumes: JSON",
        swagger(),
        operation({"name": "b", "in": "body", "schema": {"type": "object"}}),
        {"content": {"application/json": {"schema": {"type": "object"}}}},
    ),
    (
        "form fields without a file: form-urlencoded, whatever else consumes says",
        swagger(consumes=["application/json"]),
        operation(
            form_field("name", required=True, description="who"),
            form_field(
                "tags", "array", items={"type": "string"}, collectionFormat="pipes"
            ),
            form_field("ids", "array", items={"type": "integer"}),
            form_field(
                "all", "array", items={"type": "string"}, collectionFormat="multi"
            ),
            form_field("age", "integer", **{"x-nullable": True}),
        ),
        {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string", "description": "who"},
                            "tags": {"type": "array", "items": {"type": "string"}},
                            "ids": {"type": "array", "items": {"type": "integer"}},
                            "all": {"type": "array", "items": {"type": "string"}},
                            "age": {"type": "integer", "nullable": True},
                        },
                        "required": ["name"],
                    },
                    "encoding": {
                        "tags": {"style": "pipeDelimited", "explode": False},
                        "ids": {"style": "form", "explode": False},
                        "all": {"style": "form", "explode": True},
                    },
                }
            },
            "required": True,
        },
    ),
    (
        "a file: multipart, even when consumes names only form-urlencoded",
        swagger(),
        operation(
            form_field("file", "file", required=True),
            form_field("tags", "array", items={"type": "string"}),
            consumes=["application/x-www-form-urlencoded"],
        ),
        {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "tags": {"type": "array", "items": {"type": "string"}},
                        },
                        "required": ["file"],
                    }
                }
            },
            "required": True,
        },
    ),
    (
        "both form types in consumes: both media types",
        swagger(),
        operation(
            form_field("a"),
            consumes=["multipart/form-data", "application/x-www-form-urlencoded"],
        ),
        {
            "content": {
                media: {
                    "schema": {
                        "type": "object",
                        "properties": {"a": {"type": "string"}},
                    }
                }
                for media in (
                    "multipart/form-data",
                    "application/x-www-form-urlencoded",
                )
            }
        },
    ),
]


@pytest.mark.parametrize(
    ("name", "document", "op", "want"), BODIES, ids=[c[0] for c in BODIES]
)
def test_request_bodies(
    name: str, document: dict[str, Any], op: dict[str, Any], want: dict[str, Any]
) -> None:
    document["paths"] = {"/p": {"post": op}}
    result = converted(document).docs.root.data["paths"]["/p"]["post"]
    assert result["requestBody"] == want
    assert "parameters" not in result


STYLES = [
    # (in, collectionFormat, style, explode)
    ("query", None, "form", False),
    ("query", "csv", "form", False),
    ("query", "ssv", "spaceDelimited", False),
    ("query", "tsv", "tabDelimited", False),
    ("query", "pipes", "pipeDelimited", False),
    ("query", "multi", "form", True),
    ("path", "csv", "simple", False),
    ("path", "ssv", "spaceDelimited", False),
    ("header", None, "simple", False),
    ("header", "tsv", "tabDelimited", False),
    ("header", "multi", "simple", False),
]


@pytest.mark.parametrize(("where", "form", "style", "explode"), STYLES)
def test_collection_formats(
    where: str, form: str | None, style: str, explode: bool
) -> None:
    parameter = {"name": "p", "in": where, "required": True, "type": "array",
                 "items": {"type": "string", "collectionFormat": "csv"}}  # fmt: skip
    if form:
        parameter["collectionFormat"] = form
    document = swagger(paths={"/x/{p}": {"get": operation(parameter)}})
    got = converted(document).docs.root.data["paths"]["/x/{p}"]["get"]["parameters"][0]
    assert got == {
        "name": "p",
        "in": where,
        "required": True,
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": style,
        "explode": explode,
    }


def test_a_parameter_keeps_its_own_keys_and_gives_its_type_to_its_schema() -> None:
    parameter = {"name": "limit", "in": "query", "description": "at most", "type": "integer",
                 "format": "int32", "minimum": 1, "default": 20, "x-example": 5,
                 "allowEmptyValue": True}  # fmt: skip
    document = swagger(paths={"/x": {"get": operation(parameter)}})
    got = converted(document).docs.root.data["paths"]["/x"]["get"]["parameters"][0]
    assert got == {
        "name": "limit",
        "in": "query",
        "description": "at most",
        "schema": {"type": "integer", "format": "int32", "minimum": 1, "default": 20},
        "x-example": 5,
        "allowEmptyValue": True,
    }


RESPONSES = [
    (
        "produces: one media type each",
        ["application/json", "application/yaml"],
        {
            "description": "d",
            "schema": {"$ref": "#/definitions/Pet"},
            "examples": {"application/json": {"id": 1}},
        },
        {
            "description": "d",
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/Pet"},
                    "example": {"id": 1},
                },
                "application/yaml": {"schema": {"$ref": "#/components/schemas/Pet"}},
            },
        },
    ),
    (
        "no produces: JSON",
        [],
        {"description": "d", "schema": {"type": "string"}},
        {
            "description": "d",
            "content": {"application/json": {"schema": {"type": "string"}}},
        },
    ),
    (
        "no produces, a file: bytes",
        [],
        {"description": "d", "schema": {"type": "file"}},
        {
            "description": "d",
            "content": {
                "application/octet-stream": {
                    "schema": {"type": "string", "format": "binary"}
                }
            },
        },
    ),
    (
        "no schema: no content; headers get a schema",
        ["application/json"],
        {
            "description": "d",
            "headers": {"X-Rate": {"type": "integer", "description": "left"}},
        },
        {
            "description": "d",
            "headers": {
                "X-Rate": {"description": "left", "schema": {"type": "integer"}}
            },
        },
    ),
]


@pytest.mark.parametrize(
    ("name", "produces", "given", "want"), RESPONSES, ids=[c[0] for c in RESPONSES]
)
def test_responses(name: str, produces: list[str], given: Any, want: Any) -> None:
    document = swagger(
        paths={"/x": {"get": {"produces": produces, "responses": {"200": given}}}}
    )
    got = converted(document).docs.root.data["paths"]["/x"]["get"]["responses"]["200"]
    assert got == want


SCHEMAS = [
    (
        "x-nullable",
        {"type": "string", "x-nullable": True},
        {"type": "string", "nullable": True},
    ),
    ("x-nullable false", {"type": "string", "x-nullable": False}, {"type": "string"}),
    ("a file", {"type": "file"}, {"type": "string", "format": "binary"}),
    (
        "a discriminator names its property",
        {"type": "object", "discriminator": "kind"},
        {"type": "object", "discriminator": {"propertyName": "kind"}},
    ),
    (
        "references, deep down",
        {"allOf": [{"$ref": "#/definitions/A"}], "properties": {
            "b": {"items": {"$ref": "#/definitions/B"}},
            "c": {"additionalProperties": {"$ref": "#/definitions/C", "x-nullable": True}}}},
        {"allOf": [{"$ref": "#/components/schemas/A"}], "properties": {
            "b": {"items": {"$ref": "#/components/schemas/B"}},
            "c": {"additionalProperties": {"$ref": "#/components/schemas/C", "nullable": True}}}},
    ),  # fmt: skip
    (
        "data is data: a $ref in an example or an extension stays",
        {"type": "object", "example": {"$ref": "#/definitions/A"},
         "x-meta": {"$ref": "#/definitions/A"}, "default": {"$ref": "#/definitions/A"}},
        {"type": "object", "example": {"$ref": "#/definitions/A"},
         "x-meta": {"$ref": "#/definitions/A"}, "default": {"$ref": "#/definitions/A"}},
    ),  # fmt: skip
    (
        "a property named like a keyword is a property",
        {"properties": {"type": {"type": "file"}, "x-nullable": {"type": "string"}}},
        {"properties": {"type": {"type": "string", "format": "binary"},
                        "x-nullable": {"type": "string"}}},
    ),  # fmt: skip
    (
        "items as a list (invalid in 2.0): the alternatives of an item",
        {"type": "array", "items": [{"$ref": "#/definitions/A"}, {"type": "null"}]},
        {"type": "array", "items": {"anyOf": [{"$ref": "#/components/schemas/A"},
                                              {"type": "null"}]}},
    ),  # fmt: skip
    (
        "items as a list without an array type: the alternatives of the value",
        {
            "description": "d",
            "type": "object",
            "items": [{"type": "integer"}, {"type": "null"}],
        },
        {"description": "d", "anyOf": [{"type": "integer"}, {"type": "null"}]},
    ),
]


@pytest.mark.parametrize(
    ("name", "given", "want"), SCHEMAS, ids=[c[0] for c in SCHEMAS]
)
def test_schemas(name: str, given: Any, want: Any) -> None:
    got = converted(swagger(definitions={"S": given})).docs.root.data
    assert got["components"]["schemas"]["S"] == want


SECURITY = [
    ("basic", {"type": "basic", "description": "d"},
     {"type": "http", "scheme": "basic", "description": "d"}),
    ("apiKey", {"type": "apiKey", "in": "query", "name": "key"},
     {"type": "apiKey", "in": "query", "name": "key"}),
    ("implicit", {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a",
                  "scopes": {"read": "r"}},
     {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://a",
                                               "scopes": {"read": "r"}}}}),
    ("password", {"type": "oauth2", "flow": "password", "tokenUrl": "https://t"},
     {"type": "oauth2", "flows": {"password": {"tokenUrl": "https://t", "scopes": {}}}}),
    ("application", {"type": "oauth2", "flow": "application", "tokenUrl": "https://t",
                     "scopes": {}},
     {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t",
                                                        "scopes": {}}}}),
    ("accessCode", {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a",
                    "tokenUrl": "https://t", "scopes": {"w": "write"}, "x-extra": 1},
     {"type": "oauth2", "x-extra": 1, "flows": {"authorizationCode": {
         "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {"w": "write"}}}}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "given", "want"), SECURITY, ids=[c[0] for c in SECURITY]
)
def test_security_definitions(name: str, given: Any, want: Any) -> None:
    got = converted(swagger(securityDefinitions={"S": given})).docs.root.data
    assert got["components"]["securitySchemes"]["S"] == want


SHARED = swagger(
    produces=["application/json"],
    parameters={
        "limit": {"name": "limit", "in": "query", "type": "integer"},
        "pet": {"name": "pet", "in": "body", "schema": {"$ref": "#/definitions/Pet"}},
    },
    responses={"Error": {"description": "e", "schema": {"$ref": "#/definitions/Pet"}}},
    definitions={"Pet": {"type": "object"}},
    paths={
        "/pets/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "type": "string"},
                {"$ref": "#/parameters/pet"},
            ],
            "put": {
                "parameters": [{"$ref": "#/parameters/limit"}],
                "responses": {"default": {"$ref": "#/responses/Error"}},
            },
            "post": {
                "produces": ["application/xml"],
                "parameters": [
                    {"name": "other", "in": "body", "schema": {"type": "string"}}
                ],
                "responses": {"default": {"$ref": "#/responses/Error"}},
            },
        }
    },
)


def test_shared_parameters_and_responses() -> None:
    """Shared parameters and responses become components; a shared body parameter, which
    3.0 has no component for, becomes the body of each operation that uses it; a path's body
    goes to each of its operations, unless one has its own; a shared response an operation
    reaches with other ``produces`` is inlined with those."""
    data = converted(copy.deepcopy(SHARED)).docs.root.data
    components = data["components"]
    assert components["parameters"] == {
        "limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}
    }
    assert components["responses"]["Error"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
    }
    item = data["paths"]["/pets/{id}"]
    assert item["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    put, post = item["put"], item["post"]
    assert put["parameters"] == [{"$ref": "#/components/parameters/limit"}]
    assert put["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Pet"
    }
    assert put["responses"]["default"] == {"$ref": "#/components/responses/Error"}
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "type": "string"
    }
    assert post["responses"]["default"]["content"] == {
        "application/xml": {"schema": {"$ref": "#/components/schemas/Pet"}}
    }


def test_the_documents_are_left_as_read() -> None:
    """Pure: the validator reads the documents as written, maybe at the same time."""
    document = copy.deepcopy(SHARED)
    converted(document)
    assert document == SHARED


PLACES = [
    ("#/openapi", "#/swagger"),
    ("#/components/schemas/Pet/properties/a", "#/definitions/Pet/properties/a"),
    ("#/components/parameters/limit/schema/minimum", "#/parameters/limit/minimum"),
    ("#/components/responses/Error/content/application~1json/schema",
     "#/responses/Error/schema"),
    ("#/paths/~1pets~1{id}/parameters/0/schema", "#/paths/~1pets~1{id}/parameters/0"),
    ("#/paths/~1pets~1{id}/put/requestBody", "#/parameters/pet"),
    ("#/paths/~1pets~1{id}/put/requestBody/content/application~1json/schema/type",
     "#/parameters/pet/schema/type"),
    ("#/paths/~1pets~1{id}/put/parameters/0", "#/paths/~1pets~1{id}/put/parameters/0"),
    ("#/paths/~1pets~1{id}/post/requestBody", "#/paths/~1pets~1{id}/post/parameters/0"),
    ("#/paths/~1pets~1{id}/post/responses/default/content/application~1xml/schema",
     "#/responses/Error/schema"),
    ("#/paths/~1pets~1{id}/post/responses/default/description",
     "#/responses/Error/description"),
    ("#/info/title", "#/info/title"),
    ("POST /pets", "POST /pets"),
    ("other.yaml#/a", "other.yaml#/a"),
]  # fmt: skip


@pytest.mark.parametrize(("place", "was"), PLACES, ids=[p[0] for p in PLACES])
def test_places_lead_back_to_the_document_as_written(place: str, was: str) -> None:
    assert converted(copy.deepcopy(SHARED)).locate(place) == was


def test_parameter_indices_lead_back_past_a_body() -> None:
    document = swagger(
        paths={
            "/p": {
                "post": operation(
                    {"name": "b", "in": "body", "schema": {}},
                    {"name": "q", "in": "query", "type": "string", "pattern": "x"},
                    form_field("f"),
                    {"name": "h", "in": "header", "type": "array", "items": {}},
                )
            }
        }
    )
    result = converted(document)
    parameters = result.docs.root.data["paths"]["/p"]["post"]["parameters"]
    assert [p["name"] for p in parameters] == ["q", "h"]
    base = "#/paths/~1p/post/parameters"
    assert result.locate(f"{base}/0/schema/pattern") == f"{base}/1/pattern"
    assert result.locate(f"{base}/1/schema/items") == f"{base}/3/items"


FILES = {
    "spec/swagger.yaml": """
        swagger: "2.0"
        info: {title: t, version: "1"}
        paths:
          /pets:
            $ref: 'paths/pets.yaml'
        definitions:
          Tag: {type: string, x-nullable: true}
    """,
    "spec/paths/pets.yaml": """
        get:
          parameters:
            - $ref: '../parameters.yaml#/limit'
          responses:
            "200": {description: ok, schema: {type: array, items: {$ref: '../Pet.yaml'}}}
        post:
          parameters:
            - $ref: '../parameters.yaml#/body'
          responses: {"201": {description: made}}
    """,
    "spec/parameters.yaml": """
        limit: {name: limit, in: query, type: array, items: {type: integer}, collectionFormat: ssv}
        body: {name: pet, in: body, schema: {$ref: 'Pet.yaml'}}
    """,
    "spec/Pet.yaml": """
        type: object
        discriminator: kind
        properties:
          kind: {type: string}
          tag: {$ref: 'swagger.yaml#/definitions/Tag'}
          owner: {$ref: '../common/Owner.yaml'}
    """,
    "common/Owner.yaml": """
        type: object
        properties:
          photo: {type: file}
    """,
}


def test_files_a_document_reaches_are_converted_where_they_are(tmp_path: Path) -> None:
    """Other files keep their layout: the node each reference reaches is converted as what
    it is there; references into the root are rewritten; a body from another file becomes the
    operation's, its references written from the operation's file."""
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text.replace("\n        ", "\n"))
    diags = Diagnostics()
    docs = load_documents(tmp_path / "spec" / "swagger.yaml", diags, [str(tmp_path)])
    assert not diags.items
    assert docs is not None
    result = convert(docs)
    by_name = {d.name: d.data for d in result.docs.documents.values()}
    assert by_name["parameters.yaml"]["limit"] == {
        "name": "limit",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "integer"}},
        "style": "spaceDelimited",
        "explode": False,
    }
    pet = by_name["Pet.yaml"]
    assert pet["discriminator"] == {"propertyName": "kind"}
    assert pet["properties"]["tag"] == {"$ref": "swagger.yaml#/components/schemas/Tag"}
    assert by_name["../common/Owner.yaml"]["properties"]["photo"] == {
        "type": "string",
        "format": "binary",
    }
    pets = by_name["paths/pets.yaml"]
    assert pets["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "../Pet.yaml"
    }
    assert result.locate("paths/pets.yaml#/post/requestBody") == "parameters.yaml#/body"
    assert result.locate("parameters.yaml#/limit/schema/items") == (
        "parameters.yaml#/limit/items"
    )
    assert by_name["swagger.yaml"]["components"]["schemas"]["Tag"] == {
        "type": "string",
        "nullable": True,
    }


def test_the_ir_and_the_diagnostics_point_into_the_document_as_written(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "swagger.yaml"
    spec.write_text(
        yaml.safe_dump(
            swagger(
                paths={
                    "/pets": {
                        "post": {
                            "operationId": "addPet",
                            "parameters": [
                                {"name": "pet", "in": "body",
                                 "schema": {"$ref": "#/definitions/Pet"}},
                                {"name": "q", "in": "query", "type": "array",
                                 "items": {"type": "strange"}},
                            ],
                            "responses": {"200": {"description": "ok",
                                                  "schema": {"$ref": "#/definitions/Pet"}}},
                        }
                    }
                },
                definitions={"Pet": {"type": "object", "properties": {"a": {"type": "string"}}}},
            )  # fmt: skip
        )
    )
    docs, diags = load_and_check(Config(spec=spec), validator=False)
    assert docs is not None
    spec_ir = build_spec(docs, diags)
    assert [m.pointer for m in spec_ir.models if m.name == "Pet"] == [
        "#/definitions/Pet"
    ]
    op = spec_ir.apis[0].operations[0]
    assert op.pointer == "#/paths/~1pets/post"
    assert op.body is not None and op.body.pointer == "#/paths/~1pets/post/parameters/0"
    assert [p.pointer for p in op.parameters] == ["#/paths/~1pets/post/parameters/1"]
    assert [r.pointer for r in op.responses] == ["#/paths/~1pets/post/responses/200"]
    assert [d.format() for d in diags.items] == [
        "warning: #/paths/~1pets/post/parameters/1/items: unknown type 'strange': typed as Any"
    ]


def test_a_document_set_that_is_not_swagger_is_no_business_of_this_module() -> None:
    root = Document(Path("/nowhere/openapi.yaml"), "openapi.yaml", {"openapi": "3.0.3"})
    docs = DocumentSet(root, {root.uri: root})
    assert convert(docs).docs.root.data["openapi"] == "3.0.3"


def test_a_schema_kept_in_a_section_of_the_authors_own_is_converted_there() -> None:
    document = swagger(
        definitions={"Pet": {"properties": {"photo": {"$ref": "#/x-shared/Photo"}}}},
        **{"x-shared": {"Photo": {"type": "file", "x-nullable": True}}},
    )
    data = converted(document).docs.root.data
    assert data["x-shared"]["Photo"] == {
        "type": "string",
        "format": "binary",
        "nullable": True,
    }
    assert document["x-shared"]["Photo"]["type"] == "file"
