"""Servers of tests/e2e/roundtrip.yaml (variables, path- and operation-level servers, a
base URL of the caller's) and the ``_iter`` methods over cursor and link pagination."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from loopback import Loopback, Recorded, Reply


def test_server_variables(roundtrip: Any, echo_server: Loopback) -> None:
    port = echo_server.url.rsplit(":", 1)[1]
    assert roundtrip.server_url() == f"http://127.0.0.1:{port}/v1"
    assert roundtrip.server_url(base="v2") == f"http://127.0.0.1:{port}/v2"
    with pytest.raises(ValueError, match="not one of v1, v2"):
        roundtrip.server_url(base="v3")
    with roundtrip.Client(bearer="t", base_url=roundtrip.server_url(base="v2")) as c:
        assert c.servers.root_server().path == "/v2/servers/root"


def test_path_and_operation_servers(client: Any) -> None:
    assert client.servers.root_server().path == "/v1/servers/root"
    assert (
        client.servers.operation_server().path == "/operation-level/servers/operation"
    )
    assert client.servers.path_server().path == "/path-level/servers/path"


def test_a_chosen_base_url_serves_every_operation(
    roundtrip: Any, echo_server: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    with roundtrip.Client(bearer="t", base_url=echo_server.url + "/proxy") as c:
        assert c.servers.operation_server().path == "/proxy/servers/operation"
    monkeypatch.setenv("ROUNDTRIP_CLIENT_BASE_URL", echo_server.url + "/env")
    with roundtrip.Client(bearer="t") as c:
        assert c.servers.path_server().path == "/env/servers/path"


def cursor_pages(request: Recorded) -> Reply:
    """Five items, two per page, chosen by ``after``."""
    query = dict(p.split("=") for p in request.query.split("&") if p)
    ids = ["a", "b", "c", "d", "e"]
    start = ids.index(query["after"]) + 1 if "after" in query else 0
    page = ids[start : start + 2]
    more = start + 2 < len(ids)
    return Reply.json(
        {"data": [{"id": i} for i in page], "has_more": more, "last_id": page[-1]}
    )


def test_cursor_pagination(roundtrip: Any, loopback: Loopback) -> None:
    for _ in range(3):
        loopback.reply("GET", "/items", cursor_pages)
    with roundtrip.Client(bearer="t", base_url=loopback.url) as c:
        items = c.pages.list_items_iter(limit=2)
        assert next(items).id == "a" and len(loopback.requests) == 1
        assert [i.id for i in items] == ["b", "c", "d", "e"]
    assert [r.query for r in loopback.requests] == [
        "limit=2",
        "after=b&limit=2",
        "after=d&limit=2",
    ]


def test_link_pagination_async(roundtrip: Any, loopback: Loopback) -> None:
    loopback.reply(
        "GET",
        "/linked",
        Reply.json({"results": [{"id": "a"}], "next_url": "/linked?size=1&cursor=2"}),
        Reply.json({"results": [{"id": "b"}], "next_url": None}),
    )

    async def main() -> list[str]:
        async with roundtrip.AsyncClient(bearer="t", base_url=loopback.url) as c:
            return [item.id async for item in c.pages.list_linked_iter(size=1)]

    assert asyncio.run(main()) == ["a", "b"]
    assert [r.query for r in loopback.requests] == ["size=1", "size=1&cursor=2"]
    assert all(r.header("authorization") == "Bearer t" for r in loopback.requests)


def test_a_next_link_to_another_origin_is_not_followed(
    roundtrip: Any, loopback: Loopback
) -> None:
    elsewhere = loopback.url.replace("127.0.0.1", "localhost")
    assert elsewhere != loopback.url
    loopback.reply(
        "GET",
        "/linked",
        Reply.json({"results": [{"id": "a"}], "next_url": f"{elsewhere}/linked?p=2"}),
    )
    with roundtrip.Client(bearer="t", base_url=loopback.url) as c:
        items = c.pages.list_linked_iter(size=1)
        assert next(items).id == "a"
        with pytest.raises(roundtrip.ApiError, match="another origin"):
            next(items)
    assert len(loopback.requests) == 1  # the other origin was never asked


def test_pagination_stops_on_an_empty_page(roundtrip: Any, loopback: Loopback) -> None:
    loopback.reply(
        "GET", "/items", Reply.json({"data": [], "has_more": True, "last_id": None})
    )
    with roundtrip.Client(bearer="t", base_url=loopback.url) as c:
        assert list(c.pages.list_items_iter()) == []
    assert json.loads(b"[]") == [] and len(loopback.requests) == 1
