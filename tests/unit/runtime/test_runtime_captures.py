"""The runtime puts on the wire what the official OpenAI SDK does for the same calls
(../shared/captures): method, path and query, accept, content-type, authorization, body.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from loopback import Loopback, Recorded, Reply
from oapigen_runtime import auth
from oapigen_runtime._types import NOT_GIVEN
from oapigen_runtime.transport import Call, Param, ResponseType, SyncTransport

CAPTURES = Path(__file__).resolve().parents[4] / "shared" / "captures"
pytestmark = pytest.mark.skipif(
    not CAPTURES.is_dir(), reason="../shared/captures not present"
)

MakeTransport = Callable[..., SyncTransport]
JSON = (ResponseType("200", "json"),)
SECURITY = (("ApiKeyAuth",),)


def capture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CAPTURES / f"{name}.json").read_text())
    return data


def header(captured: dict[str, Any], name: str) -> str | None:
    return next((v for k, v in captured["headers"] if k.lower() == name), None)


def send(
    loopback: Loopback, make_transport: MakeTransport, call: Call, mode: Any = "parsed"
) -> Recorded:
    loopback.reply(call.method, "*", Reply.json({}))
    credentials = {"ApiKeyAuth": auth.bearer("sk-test", env="UNSET_X")}
    make_transport(credentials=credentials).request(call, mode)
    return loopback.last


def assert_same_request(got: Recorded, want: dict[str, Any]) -> None:
    target = got.path + (f"?{got.query}" if got.query else "")
    assert (got.method, target) == (want["method"], want["path"])
    assert got.header("accept") == header(want, "accept")
    assert (got.header("authorization") or "").startswith("Bearer ")
    want_type = header(want, "content-type")
    if want_type is None or not want_type.startswith("multipart/"):
        assert got.header("content-type") == want_type
    if isinstance(want["body"], dict):
        assert got.json() == want["body"]


def test_models_retrieve(loopback: Loopback, make_transport: MakeTransport) -> None:
    call = Call(
        "GET",
        "/models/{model}",
        params=(Param("path", "model", "gpt-4o-mini"),),
        security=SECURITY,
        responses=JSON,
    )
    assert_same_request(
        send(loopback, make_transport, call), capture("models_retrieve")
    )


def test_files_list_query(loopback: Loopback, make_transport: MakeTransport) -> None:
    call = Call(
        "GET",
        "/files",
        params=(
            Param("query", "purpose", "fine-tune"),
            Param("query", "limit", 2),
            Param("query", "order", "asc"),
            Param("query", "after", "file-xyz"),
        ),
        security=SECURITY,
        responses=JSON,
    )
    assert_same_request(
        send(loopback, make_transport, call), capture("files_list_query")
    )


def test_chat_create_with_raw(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    call = Call(
        "POST",
        "/chat/completions",
        body={
            "model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": "Hi"}],
            "user": NOT_GIVEN,
        },
        extra_headers={"X-Custom": "1"},
        extra_query={"q": "v"},
        extra_body={"foo": "bar"},
        timeout=12.5,
        security=SECURITY,
        responses=JSON,
    )
    got = send(loopback, make_transport, call, "raw")
    want = capture("chat_create_with_raw")
    assert_same_request(got, want)
    assert got.header("x-custom") == header(want, "x-custom")


def test_chat_create_stream_body(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    want = capture("chat_create_stream")
    call = Call(
        "POST",
        "/chat/completions",
        body=want["body"],
        security=SECURITY,
        responses=JSON,
    )
    assert_same_request(send(loopback, make_transport, call), want)


def test_files_create_multipart(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    call = Call(
        "POST",
        "/files",
        body={
            "file": ("data.jsonl", b'{"a": 1}\n{"b": 2}\n', "application/jsonl"),
            "purpose": "fine-tune",
        },
        body_kind="multipart",
        security=SECURITY,
        responses=JSON,
    )
    got = send(loopback, make_transport, call)
    want = capture("files_create")
    assert_same_request(got, want)
    boundary = header(want, "content-type").split("boundary=")[1]  # type: ignore[union-attr]
    want_recorded = Recorded(
        "POST",
        "/files",
        "",
        [("content-type", f"multipart/form-data; boundary={boundary}")],
        want["body"].encode(),
    )
    assert got.multipart() == want_recorded.multipart()
