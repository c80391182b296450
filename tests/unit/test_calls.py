"""The arguments a generated method gives the runtime's ``Call`` and ``Pages``: what each
operation writes, and that every keyword is a field of the runtime's own class."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from generator.calls import call_arguments, pages_arguments
from generator.ir import (
    Body,
    Encoding,
    Field,
    MediaChoice,
    Operation,
    Pagination,
    Parameter,
    Response,
    Stream,
    TypeRef,
)

RUNTIME = Path(__file__).resolve().parents[2] / "templates" / "runtime"
TEXT = TypeRef("primitive", "str")


def operation(**changes: object) -> Operation:
    base: dict[str, object] = {
        "name": "send",
        "operation_id": "send",
        "method": "POST",
        "path": "/things/{id}",
        "summary": "",
        "description": "",
        "tag": "things",
        "parameters": (),
        "body": None,
        "responses": (),
        "security": (),
        "return_annotation": "None",
    }
    base.update(changes)
    return Operation(**base)  # type: ignore[arg-type]


PARAMS = (
    Parameter("thing_id", "id", "path", TEXT, True, "str"),
    Parameter(
        "tags", "tags", "query", TEXT, False, "list[str]", style="form", explode=False
    ),
    Parameter("", "X-Kind", "header", TEXT, True, "Literal['a']"),
)
FORM = Body(
    "application/x-www-form-urlencoded",
    "form",
    TypeRef("model", "Thing"),
    "Thing",
    True,
    choices=(
        MediaChoice("application/x-www-form-urlencoded", "form"),
        MediaChoice("application/json", "json"),
    ),
    encoding=(Encoding("tags", style="spaceDelimited"),),
)
OK = Response(
    "200", "ok", "application/json", "json", TypeRef("model", "Thing"), "Thing"
)
EVENTS = Response("200", "", "text/event-stream", "sse", TEXT, "str")
LINES = Response("200", "", "application/jsonl", "jsonl", TEXT, "list[str]")
STREAM = Stream("stream", True, TEXT, "str")


@pytest.mark.parametrize(
    ("name", "op", "responses", "stream", "want"),
    [
        (
            "bare",
            operation(method="GET"),
            (),
            False,
            {
                "method": "'GET'",
                "path": "'/things/{id}'",
                "security": "()",
                "responses": "[]",
                "extra_headers": "extra_headers",
                "extra_query": "extra_query",
                "extra_body": "extra_body",
                "timeout": "timeout",
            },
        ),
        (
            "parameters, a media type choice, a server, settings",
            operation(
                parameters=PARAMS,
                body=FORM,
                server_url="https://eu.example",
                array_format="brackets",
                idempotency_header="Idempotency-Key",
                security=(("ApiKey",),),
            ),
            (OK,),
            False,
            {
                "method": "'POST'",
                "path": "'/things/{id}'",
                "params": (
                    "Param('path', 'id', thing_id)",
                    "Param('query', 'tags', tags, style='form', explode=False)",
                    "Param('header', 'X-Kind', Literal['a'])",
                ),
                "body": "body",
                "body_kind": "'form'",
                "content_type": "content_type",
                "media_kinds": (
                    "('application/x-www-form-urlencoded', 'form')",
                    "('application/json', 'json')",
                ),
                "encoding": "{'tags': {'style': 'spaceDelimited'}}",
                "base_url": "'https://eu.example'",
                "security": "(('ApiKey',),)",
                "array_format": "'brackets'",
                "idempotency_header": "'Idempotency-Key'",
                "responses": ("ResponseType('200', 'json', Thing)",),
                "extra_headers": "extra_headers",
                "extra_query": "extra_query",
                "extra_body": "extra_body",
                "timeout": "timeout",
            },
        ),
        (
            "an event stream with its switch",
            operation(responses=(EVENTS,), stream=STREAM),
            (),
            True,
            {
                "extra_body": "{'stream': True, **(extra_body or {})}",
            },
        ),
        (
            "a stream of JSON lines asks for its media type",
            operation(
                responses=(LINES,),
                stream=Stream("", None, TEXT, "str", "jsonl", "application/jsonl"),
            ),
            (LINES,),
            True,
            {
                "responses": (
                    (
                        "ResponseType('200', 'jsonl', list[str], "
                        "media_type='application/jsonl')"
                    ),
                ),
                "accept": "'application/jsonl'",
                "extra_body": "extra_body",
            },
        ),
    ],
)
def test_call_arguments(
    name: str,
    op: Operation,
    responses: tuple[Response, ...],
    stream: bool,
    want: dict[str, object],
) -> None:
    got = dict(call_arguments(op, responses, stream))
    assert {k: got.get(k) for k in want} == want


def test_a_flattened_body_sends_the_payload_built_from_its_arguments() -> None:
    field = Field("name", "name", TEXT, True, "str", "str")
    body = Body(
        "application/json", "json", TypeRef("model", "Thing"), "Thing", True, (field,)
    )
    got = dict(call_arguments(operation(body=body), (), False))
    assert got["body"] == "_payload"
    assert got["content_type"] == "'application/json'"


def test_pages_arguments() -> None:
    pages = Pagination(
        "page",
        TEXT,
        "str",
        items="data",
        param="page",
        total_pages="meta.pages",
        first_page=0,
    )
    assert pages_arguments(pages) == (
        ("kind", "'page'"),
        ("items", "'data'"),
        ("param", "'page'"),
        ("total_pages", "'meta.pages'"),
        ("first_page", "0"),
    )


def dataclass_fields(module: str, name: str) -> set[str]:
    """The fields of a runtime dataclass, read from its source (the runtime needs httpx)."""
    tree = ast.parse((RUNTIME / module).read_text(encoding="utf-8"))
    found = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)
    return {
        s.target.id
        for s in found.body
        if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
    }


def keywords(code: str) -> set[str]:
    call = ast.parse(code, mode="eval").body
    assert isinstance(call, ast.Call)
    return {k.arg for k in call.keywords if k.arg}


def test_every_keyword_is_a_field_of_the_runtime_class() -> None:
    """A runtime field renamed without generator/calls.py fails here, before any client."""
    busy = operation(
        parameters=(
            Parameter(
                "q",
                "q",
                "querystring",
                TEXT,
                False,
                "str",
                style="deepObject",
                explode=True,
                allow_reserved=True,
                array_format="repeat",
                content_type="application/x-www-form-urlencoded",
                encoding=(Encoding("a", style="form"),),
            ),
        ),
        body=FORM,
        server_url="https://eu.example",
        array_format="brackets",
        idempotency_header="Idempotency-Key",
        stream=Stream("stream", True, TEXT, "str", "jsonl", "application/jsonl"),
    )
    arguments = dict(call_arguments(busy, (LINES,), True))
    assert set(arguments) <= dataclass_fields("transport.py", "Call")
    params = arguments["params"]
    assert isinstance(params, tuple)
    assert keywords(params[0]) == {
        "style",
        "explode",
        "allow_reserved",
        "array_format",
        "content_type",
        "encoding",
    }
    assert keywords(params[0]) <= dataclass_fields("transport.py", "Param")
    responses = arguments["responses"]
    assert isinstance(responses, tuple)
    assert keywords(responses[0]) == {"media_type"}
    assert keywords(responses[0]) <= dataclass_fields("transport.py", "ResponseType")
    # every path the runtime's Pages takes, set: each must come through, and nothing else
    paged = dataclass_fields("pagination.py", "Pages")
    paths = {n: "x" for n in paged - {"kind", "first_page"}}
    pages = Pagination("cursor", TEXT, "str", **paths, first_page=0)  # type: ignore[arg-type]
    assert {n for n, _ in pages_arguments(pages)} == paged
