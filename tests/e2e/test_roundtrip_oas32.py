"""OpenAPI 3.2 end to end: the client generated from tests/e2e/oas32.yaml passes ``mypy
--strict``, and against a loopback server its streams of items (JSON Lines, NDJSON, JSON text
sequences, typed server-sent events; sync and async, chunks cut anywhere), the QUERY method
with a body, additional methods and querystring parameters are what the document says, byte
for byte on the wire."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from clientgen import generate_client, import_client, mypy_strict
from loopback import Loopback, Reply, echo

SPEC = Path(__file__).with_name("oas32.yaml")
PACKAGE = "oas32_client"
ENTRIES = [{"level": 1, "message": "starting"}, {"level": 2, "message": "grüß dich"}]


@pytest.fixture(scope="session")
def oas32_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_client(SPEC, tmp_path_factory.mktemp("oas32") / "out", PACKAGE)


@pytest.fixture(scope="session")
def oas32(oas32_dir: Path) -> ModuleType:
    return import_client(oas32_dir, PACKAGE)


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def jsonl(line_end: bytes = b"\n") -> bytes:
    return b"".join(json.dumps(e).encode() + line_end for e in ENTRIES)


def json_seq() -> bytes:
    pretty = json.dumps(ENTRIES[1], indent=2).encode()
    return b"\x1e" + json.dumps(ENTRIES[0]).encode() + b"\n\x1e" + pretty + b"\n"


def events() -> bytes:
    return (
        b": keep-alive\n\n"
        + b"event: log\nid: 1\ndata: "
        + json.dumps(ENTRIES[0]).encode()
        + b"\n\n"
        + b'data: {"level": 2,\r\ndata:  "message": "gr\xc3\xbc\xc3\x9f dich"}\r\n\r\n'
    )


# (name, content type, body, path, method, how to open the stream)
STREAMS: list[tuple[str, str, bytes, str, str, Callable[[Any], Any]]] = [
    (
        "json lines",
        "application/jsonl",
        jsonl(),
        "/logs/jsonl",
        "GET",
        lambda c: c.tail.tail_json_lines_stream(),
    ),
    (
        "ndjson, CRLF",
        "application/x-ndjson",
        jsonl(b"\r\n"),
        "/logs/ndjson",
        "GET",
        lambda c: c.tail.tail_ndjson_stream(),
    ),
    (
        "json text sequence",
        "application/json-seq",
        json_seq(),
        "/logs/seq",
        "GET",
        lambda c: c.tail.tail_sequence_stream(),
    ),
    (
        "typed server-sent events",
        "text/event-stream",
        events(),
        "/events",
        "POST",
        lambda c: c.tail.watch_events_stream(topic="app"),
    ),
]


def entries(items: list[Any]) -> list[dict[str, Any]]:
    """What a stream yielded, as the entries sent: an event's data, or the item itself."""
    return [
        (item.data if hasattr(item, "data") else item).model_dump() for item in items
    ]


@pytest.mark.parametrize(
    ("name", "content_type", "body", "path", "method", "open_stream"),
    STREAMS,
    ids=[s[0] for s in STREAMS],
)
@pytest.mark.parametrize("size", [1, 7, 4096], ids=["bytewise", "7-byte", "whole"])
def test_streams_of_items(
    oas32: ModuleType,
    loopback: Loopback,
    name: str,
    content_type: str,
    body: bytes,
    path: str,
    method: str,
    open_stream: Callable[[Any], Any],
    size: int,
) -> None:
    reply = Reply(200, {"content-type": content_type}, chunks=pieces(body, size))
    loopback.reply(method, path, reply)
    with oas32.Client(base_url=loopback.url) as c:
        with open_stream(c) as stream:
            items = list(stream)
        assert stream.response.is_closed
    assert entries(items) == ENTRIES, name
    assert loopback.last.header("accept") == content_type
    assert loopback.last.method == method


def test_async_streams_of_items(oas32: ModuleType, loopback: Loopback) -> None:
    for _, content_type, body, path, method, _ in STREAMS:
        reply = Reply(200, {"content-type": content_type}, chunks=pieces(body, 3))
        loopback.reply(method, path, reply)

    async def main() -> list[list[dict[str, Any]]]:
        async with oas32.AsyncClient(base_url=loopback.url) as c:
            return [
                entries([item async for item in open_stream(c)])
                for *_, open_stream in STREAMS
            ]

    assert asyncio.run(main()) == [ENTRIES] * len(STREAMS)


def test_an_item_longer_than_max_event_bytes_is_refused(
    oas32: ModuleType, loopback: Loopback
) -> None:
    """Every kind of stream reads its items within the client's ``max_event_bytes``, sync
    and async: a server sending one endless item is cut off there."""
    long_entry = json.dumps({"level": 1, "message": "x" * 64 * 1024}).encode()
    long_items = {
        "application/jsonl": long_entry + b"\n",
        "application/x-ndjson": long_entry + b"\n",
        "application/json-seq": b"\x1e" + long_entry + b"\n",
        "text/event-stream": b"data: " + long_entry + b"\n\n",
    }
    for _, content_type, _, path, method, _ in STREAMS:
        reply = Reply(
            200,
            {"content-type": content_type},
            chunks=pieces(long_items[content_type], 1024),
        )
        loopback.reply(method, path, reply, reply)  # sync, then async

    async def refused_async(open_stream: Callable[[Any], Any]) -> None:
        async with oas32.AsyncClient(base_url=loopback.url, max_event_bytes=4096) as c:
            with pytest.raises(oas32.ResponseTooLargeError) as raised:
                [item async for item in open_stream(c)]
            assert raised.value.limit == 4096

    for *_, open_stream in STREAMS:
        with oas32.Client(base_url=loopback.url, max_event_bytes=4096) as c:
            with pytest.raises(oas32.ResponseTooLargeError, match="max_event_bytes"):
                list(open_stream(c))
        asyncio.run(refused_async(open_stream))


def test_an_event_keeps_its_name_and_id(oas32: ModuleType, loopback: Loopback) -> None:
    loopback.reply("POST", "/events", Reply.sse(events().decode()))
    with oas32.Client(base_url=loopback.url) as c:
        first, second = list(c.tail.watch_events_stream(topic="app"))
    assert (first.event, first.id, second.event, second.id) == (
        "log",
        "1",
        "message",
        "1",
    )
    assert loopback.last.body == b'{"topic":"app"}'


def test_text_event_data_stays_text(oas32: ModuleType, loopback: Loopback) -> None:
    loopback.reply("GET", "/events/text", Reply.sse('data: {"a": 1}\n\ndata: two\n\n'))
    with oas32.Client(base_url=loopback.url) as c:
        assert [e.data for e in c.tail.watch_text_events_stream()] == [
            '{"a": 1}',
            "two",
        ]


def test_the_plain_method_of_a_stream_reads_it_whole(
    oas32: ModuleType, loopback: Loopback
) -> None:
    loopback.reply(
        "GET",
        "/logs/ndjson",
        Reply(200, {"content-type": "application/x-ndjson"}, jsonl()),
    )
    loopback.reply("GET", "/logs/all", Reply.json(ENTRIES))
    loopback.reply(
        "GET", "/logs/all", Reply(200, {"content-type": "application/jsonl"}, jsonl())
    )
    with oas32.Client(base_url=loopback.url) as c:
        assert [e.model_dump() for e in c.tail.tail_ndjson()] == ENTRIES
        assert loopback.last.header("accept") == "application/x-ndjson"
        # a JSON answer beside the stream: the plain method asks for it, _stream for lines
        assert [e.message for e in c.logs.all_logs()] == ["starting", "grüß dich"]
        assert loopback.last.header("accept") == "application/json"
        assert entries(list(c.logs.all_logs_stream())) == ENTRIES
        assert loopback.last.header("accept") == "application/jsonl"


def test_an_error_status_of_a_stream_raises(
    oas32: ModuleType, loopback: Loopback
) -> None:
    loopback.reply("POST", "/events", Reply.json({"title": "slow down"}, status=429))
    with oas32.Client(base_url=loopback.url, max_retries=0) as c:
        with pytest.raises(oas32.RateLimitError) as raised:
            c.tail.watch_events_stream(topic="app")
    assert raised.value.parsed.title == "slow down"


def test_a_cut_line_is_a_connection_error(
    oas32: ModuleType, loopback: Loopback
) -> None:
    cut = jsonl()[:-12]
    loopback.reply(
        "GET",
        "/logs/jsonl",
        Reply(200, {"content-type": "application/jsonl"}, cut, framing="close"),
    )
    with oas32.Client(base_url=loopback.url) as c:
        stream = c.tail.tail_json_lines_stream()
        assert next(stream).message == "starting"
        with pytest.raises(oas32.ApiConnectionError):
            next(stream)


@pytest.fixture
def echoing(loopback: Loopback) -> Loopback:
    loopback.always("*", "*", echo)
    return loopback


def test_query_method_sends_its_body(oas32: ModuleType, echoing: Loopback) -> None:
    with oas32.Client(base_url=echoing.url) as c:
        echoed = c.items.search_items(q="blue shoes", limit=2)
    got = echoing.last
    assert (got.method, got.path, got.query) == ("QUERY", "/search", "")
    assert got.body == b'{"q":"blue shoes","limit":2}'
    assert got.header("content-type") == "application/json"
    assert echoed.method == "QUERY"


def test_additional_methods(oas32: ModuleType, echoing: Loopback) -> None:
    with oas32.Client(base_url=echoing.url) as c:
        c.items.copy_item("a/b", destination="/items/c")
        copied = echoing.last
        c.items.purge_items_id("old")
        purged = echoing.last
    assert (copied.method, copied.path) == ("COPY", "/items/a%2Fb")
    assert copied.header("destination") == "/items/c"
    assert (purged.method, purged.path, purged.body) == ("PURGE", "/items/old", b"")


def test_querystring_is_the_whole_query(oas32: ModuleType, echoing: Loopback) -> None:
    with oas32.Client(base_url=echoing.url) as c:
        c.items.filter_items(criteria={"name": "a b&c", "tags": ["x", "y"], "min": 1})
        form = echoing.last
        c.items.filter_by_json(selector={"name": "n", "min": 2})
        as_json = echoing.last
        c.items.filter_by_json()
        without = echoing.last
    assert form.query == "name=a%20b%26c&tags=x|y&min=1"
    assert as_json.query == "%7B%22name%22%3A%22n%22%2C%22min%22%3A2%7D"
    assert without.query == ""


def test_an_undeclared_path_parameter_is_a_string_argument(
    oas32: ModuleType, echoing: Loopback
) -> None:
    with oas32.Client(base_url=echoing.url) as c:
        c.items.get_shelf_item(3, "x/y")
    assert echoing.last.path == "/shelves/3/items/x%2Fy"


def test_docs_show_tags_and_deprecations(oas32_dir: Path) -> None:
    readme = (oas32_dir / "README.md").read_text()
    assert (
        "- [LogsApi](docs/LogsApi.md): **logs**: Logs\n"
        "  - [TailApi](docs/TailApi.md): **tail**: Following logs as they are written\n"
        "- **beta** (badge): Not stable yet\n"
    ) in readme
    tail = (oas32_dir / "docs" / "TailApi.md").read_text()
    assert "Part of the **logs** group" in tail
    assert "Tags: `beta`" in tail
    assert "| **level** | int |  | query, optional, deprecated |" in tail
    assert "| **since** | str |  | query, optional, deprecated |" in tail
    assert "items (JSON text sequences, `application/json-seq`)" in tail
    items = (oas32_dir / "docs" / "ItemsApi.md").read_text()
    assert "instead of the arguments above, deprecated |" in items  # the OldItem body
    assert "* X-Old - an old header (deprecated)" in items
    assert "| **200** | the old form (deprecated) |" in items
    assert "**Deprecated.**" in (oas32_dir / "docs" / "OldItem.md").read_text()


USAGE = """
from oas32_client import AsyncClient, Client
from oas32_client.models import Echo, LogEntry


def calls(c: Client) -> list[int]:
    levels = [entry.level for entry in c.tail.tail_json_lines_stream(level=1)]
    with c.tail.watch_events_stream(topic="t") as events:
        messages: list[str] = [event.data.message for event in events]
    texts: list[str] = [event.data for event in c.tail.watch_text_events_stream()]
    whole: list[LogEntry] = c.tail.tail_sequence()
    echoed: Echo = c.items.search_items(q="q")
    c.items.copy_item("a", destination="b")
    c.items.filter_items(criteria={"name": "n", "tags": ["a"]})
    c.items.get_shelf_item(1, "x")
    del messages, texts, whole, echoed
    return levels


async def async_calls(c: AsyncClient) -> list[str]:
    await c.items.purge_items_id("x")
    return [e.message async for e in c.tail.tail_ndjson_stream()]
"""

WRONG = """
from oas32_client import Client

c = Client()
c.items.filter_items(criteria={"name": "n"}, limit=1)
c.items.get_shelf_item(1, 2)
"""


def test_the_client_and_its_use_pass_mypy_strict(oas32_dir: Path) -> None:
    """One run: the package and the documented calls are clean, the wrong calls are not."""
    (oas32_dir / "usage.py").write_text(USAGE)
    (oas32_dir / "wrong.py").write_text(WRONG)
    done = mypy_strict(oas32_dir, PACKAGE, "usage.py", "wrong.py")
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert all(line.startswith("wrong.py:") for line in errors), done.stdout
    assert any('Unexpected keyword argument "limit"' in line for line in errors), errors
    assert any('Argument 2 to "get_shelf_item"' in line for line in errors), errors
