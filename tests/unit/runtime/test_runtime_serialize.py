"""Request bodies: JSON, form-urlencoded, multipart, raw; checked as the server got them."""

from __future__ import annotations

import datetime
import io
import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pydantic
import pytest
from loopback import Loopback, Reply, Recorded
from oapigen_runtime._types import NOT_GIVEN
from oapigen_runtime.serialize import json_bytes, strip_not_given
from oapigen_runtime.transport import Call, ResponseType, SyncTransport


class Message(pydantic.BaseModel):
    role: str
    content: str | None = None
    name_: str | None = pydantic.Field(default=None, alias="name")


def test_json_bytes_plain_data_and_known_types() -> None:
    when = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)
    data = {
        "when": when,
        "day": datetime.date(2024, 5, 6),
        "id": uuid.UUID(int=2),
        "price": Decimal("1.25"),
        "count": Decimal("3"),
        "raw": b"\x00\x01",
        "tags": {"x"},
        "text": "héllo",
        "none": None,
    }
    assert json.loads(json_bytes(data)) == {
        "when": "2024-05-06T07:08:09+00:00",
        "day": "2024-05-06",
        "id": "00000000-0000-0000-0000-000000000002",
        "price": 1.25,
        "count": 3,
        "raw": "AAE=",
        "tags": ["x"],
        "text": "héllo",
        "none": None,
    }


def test_json_bytes_dumps_models_by_alias_without_unset_fields() -> None:
    message = Message(role="user", name="bob")
    assert (
        json_bytes({"messages": [message]})
        == b'{"messages":[{"role":"user","name":"bob"}]}'
    )


def test_json_bytes_never_validates() -> None:
    # model_construct skips validation; serialization must not add it back.
    wrong = Message.model_construct(role=123)  # type: ignore[arg-type]
    assert json.loads(json_bytes(wrong)) == {"role": 123}


def test_json_bytes_refuses_nan_and_nested_not_given() -> None:
    with pytest.raises(ValueError):
        json_bytes({"x": float("nan")})
    with pytest.raises(TypeError, match="NOT_GIVEN"):
        json_bytes({"x": {"y": NOT_GIVEN}})


def test_strip_not_given_is_top_level_only() -> None:
    assert strip_not_given({"a": NOT_GIVEN, "b": None, "c": 1}) == {"b": None, "c": 1}


def _send(loopback: Loopback, call: Call) -> Recorded:
    loopback.reply(call.method, "*", Reply.json({"ok": True}))
    transport = SyncTransport(
        base_url=loopback.url, credentials={}, credential_hints={}
    )
    try:
        assert transport.request(call) == {"ok": True}
    finally:
        transport.close()
    return loopback.last


def test_json_body_on_the_wire(loopback: Loopback) -> None:
    call = Call(
        "POST",
        "/chat/completions",
        body={
            "model": "m",
            "user": NOT_GIVEN,
            "temperature": None,
            "messages": [Message(role="user")],
        },
        extra_body={"foo": "bar", "dropped": NOT_GIVEN},
        extra_headers={"X-Custom": "1"},
        extra_query={"q": "v"},
        responses=(ResponseType("200", "json"),),
    )
    got = _send(loopback, call)
    assert got.json() == {
        "model": "m",
        "temperature": None,
        "messages": [{"role": "user"}],
        "foo": "bar",
    }
    assert got.header("content-type") == "application/json"
    assert got.header("accept") == "application/json"
    assert got.header("x-custom") == "1"
    assert got.query == "q=v"


def test_model_body_with_extra_body(loopback: Loopback) -> None:
    got = _send(
        loopback, Call("POST", "/m", body=Message(role="system"), extra_body={"x": 1})
    )
    assert got.json() == {"role": "system", "x": 1}


def test_no_body_without_content_type(loopback: Loopback) -> None:
    got = _send(loopback, Call("GET", "/models"))
    assert got.body == b""
    assert got.header("content-type") is None


def test_form_body(loopback: Loopback) -> None:
    call = Call(
        "POST",
        "/token",
        body={
            "grant_type": "client_credentials",
            "scope": ["a", "b"],
            "meta": {"k": "v"},
            "skip": NOT_GIVEN,
        },
        body_kind="form",
        encoding={
            "scope": {"explode": False},
            "meta": {"contentType": "application/json"},
        },
    )
    got = _send(loopback, call)
    assert got.header("content-type") == "application/x-www-form-urlencoded"
    assert (
        got.body
        == b"grant_type=client_credentials&scope=a,b&meta=%7B%22k%22%3A%22v%22%7D"
    )


def test_multipart_body(loopback: Loopback, tmp_path: Path) -> None:
    upload = tmp_path / "notes.txt"
    upload.write_bytes(b"from a path")
    handle = io.BytesIO(b"from a file object")
    handle.name = "/some/dir/report.pdf"
    call = Call(
        "POST",
        "/files",
        body={
            "file": ("data.jsonl", b'{"a": 1}\n', "application/jsonl"),
            "purpose": "fine-tune",
            "path": upload,
            "handle": handle,
            "raw": b"\x89PNG",
            "images": [("a.png", b"A"), ("b.unknownext", b"B")],
            "meta": {"k": [1, 2]},
            "granularities[]": ["word", "segment"],
            "flag": True,
            "unset": NOT_GIVEN,
            "nothing": None,
        },
        body_kind="multipart",
        content_type="multipart/form-data",
        extra_body={"extra": "yes"},
    )
    parts = _send(loopback, call).multipart()
    assert [
        (p["name"], p["filename"], p["content_type"], p["data"]) for p in parts
    ] == [
        ("purpose", None, None, b"fine-tune"),
        ("granularities[]", None, None, b"word"),
        ("granularities[]", None, None, b"segment"),
        ("flag", None, None, b"true"),
        ("extra", None, None, b"yes"),
        ("file", "data.jsonl", "application/jsonl", b'{"a": 1}\n'),
        ("path", "notes.txt", "text/plain", b"from a path"),
        ("handle", "report.pdf", "application/pdf", b"from a file object"),
        ("raw", "raw", "application/octet-stream", b"\x89PNG"),
        ("images", "a.png", "image/png", b"A"),
        ("images", "b.unknownext", "application/octet-stream", b"B"),
        ("meta", None, "application/json", b'{"k":[1,2]}'),
    ]


def test_multipart_encoding_content_type(loopback: Loopback) -> None:
    call = Call(
        "POST",
        "/upload",
        body={"image": b"xyz"},
        body_kind="multipart",
        encoding={"image": {"contentType": "image/png, image/jpeg"}},
    )
    (part,) = _send(loopback, call).multipart()
    assert (part["filename"], part["content_type"]) == ("image", "image/png")


def test_multipart_file_object_is_resent_on_retry(loopback: Loopback) -> None:
    loopback.reply("POST", "/files", Reply(500, {"retry-after-ms": "0"}))
    handle = io.BytesIO(b"payload")
    call = Call("POST", "/files", body={"file": handle}, body_kind="multipart")
    _send(loopback, call)
    first, second = loopback.requests
    assert first.body == second.body
    assert b"payload" in second.body


@pytest.mark.parametrize(
    ("kind", "body", "content_type", "want_type", "want_body"),
    [
        ("binary", b"\x00\x01", None, "application/octet-stream", b"\x00\x01"),
        ("binary", io.BytesIO(b"stream"), "audio/mpeg", "audio/mpeg", b"stream"),
        ("text", "héllo", None, "text/plain; charset=utf-8", "héllo".encode()),
    ],
)
def test_raw_bodies(
    loopback: Loopback,
    kind: Any,
    body: object,
    content_type: str | None,
    want_type: str,
    want_body: bytes,
) -> None:
    got = _send(
        loopback,
        Call("PUT", "/blob", body=body, body_kind=kind, content_type=content_type),
    )
    assert got.header("content-type") == want_type
    assert got.body == want_body


def test_binary_body_from_path(loopback: Loopback, tmp_path: Path) -> None:
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"abc" * 1000)
    got = _send(loopback, Call("PUT", "/blob", body=blob, body_kind="binary"))
    assert got.body == b"abc" * 1000
