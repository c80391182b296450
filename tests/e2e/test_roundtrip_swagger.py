"""A client generated from a Swagger 2.0 document (written here), sent to the echo server:
``formData`` files as multipart, form-urlencoded ``formData`` fields, every
``collectionFormat`` in the query, the headers and the path, an apiKey in the query, basic
auth and OAuth2 (``application``: the token fetched; ``accessCode``: a token given), each
compared byte for byte with what the server received."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import base64

import pytest
from clientgen import generate_client, import_client
from loopback import Loopback

SWAGGER = """\
swagger: "2.0"
info: {title: Swagger round trip, version: "1"}
host: 127.0.0.1:__PORT__
basePath: /v2
schemes: [http]
consumes: [application/json]
produces: [application/json]
securityDefinitions:
  key: {type: apiKey, in: query, name: api_key}
  login: {type: basic}
  app:
    type: oauth2
    flow: application
    tokenUrl: http://127.0.0.1:__PORT__/oauth/token
    scopes: {read: reads, write: writes}
  user:
    type: oauth2
    flow: accessCode
    authorizationUrl: https://auth.example.com/authorize
    tokenUrl: https://auth.example.com/token
    scopes: {read: reads}
security: [{key: []}]
parameters:
  note: {name: note, in: formData, type: string, description: a form field shared by reference}
paths:
  /upload/{id}:
    post:
      operationId: upload
      consumes: [multipart/form-data]
      parameters:
        - {name: id, in: path, required: true, type: integer}
        - {name: file, in: formData, type: file, required: true}
        - $ref: '#/parameters/note'
        - {name: tags, in: formData, type: array, items: {type: string}, collectionFormat: multi}
      responses:
        "200": {description: what the server received, schema: {$ref: '#/definitions/Echo'}}
  /form:
    post:
      operationId: submitForm
      consumes: [application/x-www-form-urlencoded, application/json]
      parameters:
        - {name: name, in: formData, type: string, required: true}
        - {name: csv, in: formData, type: array, items: {type: string}}
        - {name: pipes, in: formData, type: array, items: {type: integer}, collectionFormat: pipes}
        - {name: multi, in: formData, type: array, items: {type: string}, collectionFormat: multi}
      responses:
        "200": {description: what the server received, schema: {$ref: '#/definitions/Echo'}}
  /arrays/{p_csv}/{p_ssv}/{p_tsv}/{p_pipes}:
    parameters:
      - {name: p_csv, in: path, required: true, type: array, items: {type: string}}
      - {name: p_ssv, in: path, required: true, type: array, items: {type: string}, collectionFormat: ssv}
    get:
      operationId: arrays
      parameters:
        - {name: p_tsv, in: path, required: true, type: array, items: {type: string}, collectionFormat: tsv}
        - {name: p_pipes, in: path, required: true, type: array, items: {type: string}, collectionFormat: pipes}
        - {name: q_csv, in: query, type: array, items: {type: string}}
        - {name: q_ssv, in: query, type: array, items: {type: string}, collectionFormat: ssv}
        - {name: q_tsv, in: query, type: array, items: {type: string}, collectionFormat: tsv}
        - {name: q_pipes, in: query, type: array, items: {type: integer}, collectionFormat: pipes}
        - {name: q_multi, in: query, type: array, items: {type: string}, collectionFormat: multi}
        - {name: X-Csv, in: header, type: array, items: {type: string}, collectionFormat: csv}
        - {name: X-Ssv, in: header, type: array, items: {type: string}, collectionFormat: ssv}
        - {name: X-Tsv, in: header, type: array, items: {type: string}, collectionFormat: tsv}
        - {name: X-Pipes, in: header, type: array, items: {type: string}, collectionFormat: pipes}
      responses:
        "200": {description: what the server received, schema: {$ref: '#/definitions/Echo'}}
  /whoami:
    get:
      operationId: whoami
      security: [{login: []}, {app: [read, write]}, {user: [read]}]
      responses:
        "200": {description: what the server received, schema: {$ref: '#/definitions/Echo'}}
definitions:
  Echo:
    type: object
    required: [method, path, query, headers, body]
    properties:
      method: {type: string}
      path: {type: string}
      query: {type: string}
      headers: {type: object, additionalProperties: {type: string}}
      body: {type: string}
"""
PACKAGE = "swagger_roundtrip"


@pytest.fixture(scope="module")
def swagger(
    echo_server: Loopback, tmp_path_factory: pytest.TempPathFactory
) -> ModuleType:
    folder = tmp_path_factory.mktemp("swagger")
    spec = folder / "swagger.yaml"
    spec.write_text(SWAGGER.replace("__PORT__", echo_server.url.rsplit(":", 1)[1]))
    return import_client(generate_client(spec, folder / "out", PACKAGE), PACKAGE)


@pytest.fixture
def client(swagger: ModuleType) -> Any:
    with swagger.Client(key="k 1", max_retries=0) as c:
        yield c


def test_collection_formats_in_the_path_query_and_headers(client: Any) -> None:
    echoed = client.default.arrays(
        ["a", "b"],
        ["c", "d"],
        ["e", "f"],
        ["g", "h"],
        q_csv=["a", "b,c"],
        q_ssv=["a", "b"],
        q_tsv=["a", "b"],
        q_pipes=[1, 2],
        q_multi=["a", "b"],
        x_csv=["a", "b"],
        x_ssv=["a", "b"],
        x_tsv=["a", "b"],
        x_pipes=["a", "b"],
    )
    assert echoed.path == "/v2/arrays/a,b/c%20d/e%09f/g|h"
    assert echoed.query == (
        "api_key=k%201&q_csv=a,b%2Cc&q_multi=a&q_multi=b&q_pipes=1|2&q_ssv=a%20b&q_tsv=a%09b"
    )
    headers = echoed.headers
    assert (headers["x-csv"], headers["x-ssv"]) == ("a,b", "a b")
    assert (headers["x-tsv"], headers["x-pipes"]) == ("a\tb", "a|b")


def test_form_data_fields_form_urlencoded(client: Any) -> None:
    echoed = client.default.submit_form(
        name="Ada Lovelace", csv=["x", "y"], pipes=[1, 2], multi=["m", "n"]
    )
    assert echoed.method == "POST" and echoed.query == "api_key=k%201"
    assert echoed.headers["content-type"] == "application/x-www-form-urlencoded"
    assert echoed.body == "name=Ada%20Lovelace&csv=x,y&pipes=1|2&multi=m&multi=n"


def test_form_data_files_multipart(client: Any, tmp_path: Path) -> None:
    upload = tmp_path / "notes.txt"
    upload.write_bytes(b"line 1\nline 2\n")
    echoed = client.default.upload(7, file=upload, note="hi", tags=["t1", "t2"])
    assert echoed.path == "/v2/upload/7" and echoed.query == "api_key=k%201"
    content_type = echoed.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1]
    parts = [
        'Content-Disposition: form-data; name="note"\r\n\r\nhi',
        'Content-Disposition: form-data; name="tags"\r\n\r\nt1',
        'Content-Disposition: form-data; name="tags"\r\n\r\nt2',
        'Content-Disposition: form-data; name="file"; filename="notes.txt"\r\n'
        "Content-Type: text/plain\r\n\r\nline 1\nline 2\n",
    ]
    expected = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts)
    assert echoed.body == expected + f"--{boundary}--\r\n"


@pytest.mark.parametrize(
    ("credentials", "authorization", "fetched"),
    [
        (
            {"login": ("ada", "s3cret")},
            "Basic " + base64.b64encode(b"ada:s3cret").decode(),
            [],
        ),
        (
            {"app": ("client-id", "client-secret")},
            "Bearer oauth-token-1",
            [b"grant_type=client_credentials&scope=read+write"],
        ),
        ({"user": "user-token"}, "Bearer user-token", []),
    ],
    ids=["basic", "oauth2 application", "oauth2 accessCode"],
)
def test_security_definitions_on_the_wire(
    swagger: ModuleType,
    echo_server: Loopback,
    credentials: dict[str, Any],
    authorization: str,
    fetched: list[bytes],
) -> None:
    """The operation's own requirements replace the document's apiKey: each alternative
    alone sends its credential, and only it; ``application`` fetches its token first."""
    before = len(echo_server.requests)
    with swagger.Client(max_retries=0, **credentials) as c:
        echoed = c.default.whoami()
    assert echoed.headers["authorization"] == authorization
    assert echoed.query == ""
    tokens = [r for r in echo_server.requests[before:] if r.path == "/oauth/token"]
    assert [r.body for r in tokens] == fetched
