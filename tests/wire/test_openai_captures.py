"""The client generated from the OpenAI document puts on the wire what the official OpenAI SDK
does for the same calls (../shared/captures): method, path and query, bearer credential,
accept, content type and body (JSON as data, multipart part by part), and the retry sequence.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from loopback import Loopback, Recorded, Reply

API_KEY = "sk-capture-test"

MODEL = {"id": "gpt-4o-mini", "object": "model", "created": 1, "owned_by": "openai"}
COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o-mini",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hi", "refusal": None},
            "finish_reason": "stop",
            "logprobs": None,
        }
    ],
}
FILE = {
    "id": "file-1",
    "object": "file",
    "bytes": 18,
    "created_at": 1,
    "filename": "data.jsonl",
    "purpose": "fine-tune",
    "status": "processed",
}
FILES_PAGE = {
    "object": "list",
    "data": [FILE],
    "first_id": "file-1",
    "last_id": "file-1",
    "has_more": False,
}
MODELS_PAGE = {"object": "list", "data": [MODEL]}


def chunk(content: str) -> str:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }
    return f"data: {json.dumps(body)}\n\n"


def capture(shared_dir: Path, name: str) -> Any:
    return json.loads((shared_dir / "captures" / f"{name}.json").read_text())


def header(captured: dict[str, Any], name: str) -> str | None:
    return next((v for k, v in captured["headers"] if k.lower() == name), None)


def multipart_of(captured: dict[str, Any]) -> list[dict[str, Any]]:
    """The captured multipart body as parts, read by the same parser as ours."""
    content_type = header(captured, "content-type") or ""
    return Recorded(
        "POST", "", "", [("content-type", content_type)], captured["body"].encode()
    ).multipart()


def assert_same_request(got: Recorded, want: dict[str, Any]) -> None:
    target = got.path + (f"?{got.query}" if got.query else "")
    assert (got.method, target) == (want["method"], want["path"])
    assert got.header("authorization") == f"Bearer {API_KEY}"
    assert got.header("accept") == header(want, "accept")
    want_type = header(want, "content-type")
    if want_type is not None and want_type.startswith("multipart/form-data"):
        assert (got.header("content-type") or "").startswith("multipart/form-data")
        assert got.multipart() == multipart_of(want)
    else:
        assert got.header("content-type") == want_type
        if want["body"] is None:
            assert got.body == b""
        else:
            assert got.json() == want["body"]


Call = Callable[[Any], Any]

CHAT_FULL: Call = lambda c: c.chat.create_chat_completion(  # noqa: E731
    model="gpt-4o-mini",
    messages=[
        {"role": "system", "content": "You are terse."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in this image?"},
                {
                    "type": "image_url",
                    "image_url": {
                        "url": "https://example.com/cat.png",
                        "detail": "low",
                    },
                },
            ],
        },
    ],
    tools=[
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Get weather for a city",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}},
                    "required": ["city"],
                    "additionalProperties": False,
                },
                "strict": True,
            },
        }
    ],
    tool_choice="auto",
    response_format={
        "type": "json_schema",
        "json_schema": {
            "name": "answer",
            "strict": True,
            "schema": {
                "type": "object",
                "properties": {"ok": {"type": "boolean"}},
                "required": ["ok"],
                "additionalProperties": False,
            },
        },
    },
    temperature=0.2,
    max_completion_tokens=64,
    user="u-1",
)

# (capture, the same call made with the generated client, the reply the server gives)
CASES: list[tuple[str, Call, Reply]] = [
    ("models_list", lambda c: c.models.list_models(), Reply.json(MODELS_PAGE)),
    (
        "models_retrieve",
        lambda c: c.models.retrieve_model("gpt-4o-mini"),
        Reply.json(MODEL),
    ),
    (
        "files_list_query",
        lambda c: c.files.list_files(
            limit=2, after="file-xyz", purpose="fine-tune", order="asc"
        ),
        Reply.json(FILES_PAGE),
    ),
    (
        "files_create",
        lambda c: c.files.create_file(
            file=("data.jsonl", b'{"a": 1}\n{"b": 2}\n', "application/jsonl"),
            purpose="fine-tune",
        ),
        Reply.json(FILE),
    ),
    ("chat_create_full", CHAT_FULL, Reply.json(COMPLETION)),
    (
        "chat_create_with_raw",
        lambda c: c.chat.with_raw_response.create_chat_completion(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "Hi"}],
            extra_headers={"X-Custom": "1"},
            extra_query={"q": "v"},
            extra_body={"foo": "bar"},
            timeout=12.5,
        ).parse(),
        Reply.json(COMPLETION),
    ),
]


@pytest.mark.parametrize(
    ("name", "call", "reply"), CASES, ids=[case[0] for case in CASES]
)
def test_request_matches_the_official_sdk(
    openai: ModuleType,
    shared_dir: Path,
    loopback: Loopback,
    name: str,
    call: Call,
    reply: Reply,
) -> None:
    loopback.reply("*", "*", reply)
    with openai.Client(api_key=API_KEY, base_url=loopback.url, max_retries=0) as c:
        call(c)
    want = capture(shared_dir, name)
    assert_same_request(loopback.last, want)
    if name == "chat_create_with_raw":
        assert loopback.last.header("x-custom") == header(want, "x-custom")


def test_stream_matches_the_official_sdk(
    openai: ModuleType, shared_dir: Path, loopback: Loopback
) -> None:
    """Two chunks then [DONE], as the recording server answered: the deltas Hel, lo."""
    loopback.reply(
        "POST",
        "/chat/completions",
        Reply.sse(chunk("Hel"), chunk("lo"), "data: [DONE]\n\n"),
    )
    with openai.Client(api_key=API_KEY, base_url=loopback.url, max_retries=0) as c:
        with c.chat.create_chat_completion_stream(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "Hi"}],
            stream_options={"include_usage": True},
        ) as stream:
            deltas = [part.choices[0].delta.content for part in stream]
    assert deltas == ["Hel", "lo"]
    assert_same_request(loopback.last, capture(shared_dir, "chat_create_stream"))


def test_retry_sequence_matches_the_official_sdk(
    openai: ModuleType,
    shared_dir: Path,
    loopback: Loopback,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """429 with retry-after-ms: 20 is retried after 20 ms, the 500 after the backoff (1 s
    less up to 25% jitter, as the SDK waited 1.04 s), and the 200 ends it; a later 400 is
    not retried. The planned waits come from the package's log; the measured gaps
    only bound them, as a loaded machine can add to them."""
    caplog.set_level(logging.INFO, logger="openai_client")  # the package's logger
    attempts = capture(shared_dir, "retries_429_500_200")
    error = {"error": {"message": "x", "type": "t", "param": None, "code": None}}
    loopback.reply(
        "POST",
        "/chat/completions",
        Reply.json(error, status=429, headers={"retry-after-ms": "20"}),
        Reply.json(error, status=500),
        Reply.json(COMPLETION),
        Reply.json(error, status=400),
    )
    arrived: list[float] = []
    original_take = loopback.take

    def timed(request: Recorded) -> Reply:
        arrived.append(time.monotonic())
        return original_take(request)

    loopback.take = timed  # type: ignore[method-assign]
    with openai.Client(
        api_key=API_KEY,
        base_url=loopback.url,
        default_headers={
            "OpenAI-Organization": "org-123",
            "OpenAI-Project": "proj-456",
        },
    ) as c:
        messages = [{"role": "user", "content": "hi"}]
        assert c.chat.create_chat_completion(model="m", messages=messages).id
        with pytest.raises(openai.BadRequestError):
            c.chat.create_chat_completion(model="m", messages=messages)
    assert [a["answered"] for a in attempts] == [429, 500, 200, 400]
    assert len(loopback.requests) == len(attempts)
    for got, want in zip(loopback.requests, attempts):
        assert (got.method, got.path) == (want["method"], want["path"])
        assert got.json() == want["body"]
        for name in ("openai-organization", "openai-project", "content-type"):
            assert got.header(name) == header(want, name)
    planned = [
        float(m.group(1))
        for m in (
            re.search(r"retry \d+ of \d+ in ([0-9.]+) s", r.getMessage()) for r in caplog.records
        )
        if m
    ]
    sdk_waits = [
        later["t"] - earlier["t"] for earlier, later in zip(attempts, attempts[1:3])
    ]
    assert planned[0] == 0.02 and sdk_waits[0] < 0.1
    assert 0.75 <= planned[1] <= 1.0 and 0.75 <= sdk_waits[1] <= 1.1
    gaps = [later - earlier for earlier, later in zip(arrived, arrived[1:3])]
    assert all(plan <= gap < plan + 1.0 for plan, gap in zip(planned, gaps)), gaps


def test_list_iter_pages_like_the_official_sdk(
    openai: ModuleType, loopback: Loopback
) -> None:
    """``list_files_iter`` asks for the next page with ``after`` set to the page's
    ``last_id``, as the SDK's auto-pagination does, until ``has_more`` is false."""
    first = {**FILE, "id": "file-1"}
    second = {**FILE, "id": "file-2"}
    loopback.reply(
        "GET",
        "/files",
        Reply.json(
            {**FILES_PAGE, "data": [first], "last_id": "file-1", "has_more": True}
        ),
        Reply.json(
            {**FILES_PAGE, "data": [second], "last_id": "file-2", "has_more": False}
        ),
    )
    with openai.Client(api_key=API_KEY, base_url=loopback.url) as c:
        ids = [f.id for f in c.files.list_files_iter(limit=1, purpose="fine-tune")]
    assert ids == ["file-1", "file-2"]
    assert [r.query for r in loopback.requests] == [
        "limit=1&purpose=fine-tune",
        "after=file-1&limit=1&purpose=fine-tune",
    ]
