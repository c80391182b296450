"""Pagination: the next page of cursor and link patterns (pure), and paginate() over a server."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from loopback import Loopback, Recorded, Reply
from oapigen_runtime.errors import ApiError
from oapigen_runtime.models import ApiModel
from oapigen_runtime.pagination import NextPage, Pages, items_of, next_page
from oapigen_runtime.transport import AsyncTransport, Call, Param, ResponseType

URL = httpx.URL("https://api.example.com/v1/items?limit=2")
AFTER = Pages(
    items="data",
    cursor_param="after",
    cursor="last_id",
    item_cursor="id",
    has_more="has_more",
)
AFTER_BY_ITEM = Pages(
    items="data", cursor_param="after", item_cursor="id", has_more="has_more"
)
PAGE_TOKEN = Pages(
    items="data", cursor_param="page", cursor="next_page", has_more="has_more"
)
LINK = Pages(items="results", next_link="next")


@pytest.mark.parametrize(
    ("name", "page", "pages", "sent", "want"),
    [
        (
            "cursor from last_id",
            {"data": [{"id": "a"}, {"id": "b"}], "last_id": "b", "has_more": True},
            AFTER,
            None,
            NextPage(cursor="b"),
        ),
        (
            "cursor from the last item's id",
            {"data": [{"id": "a"}, {"id": "b"}], "has_more": True},
            AFTER_BY_ITEM,
            None,
            NextPage(cursor="b"),
        ),
        (
            "has_more false ends",
            {"data": [{"id": "a"}], "last_id": "a", "has_more": False},
            AFTER,
            None,
            None,
        ),
        ("an empty page ends", {"data": [], "has_more": True}, AFTER, None, None),
        ("a null list ends", {"data": None, "has_more": True}, AFTER, None, None),
        (
            "a cursor that does not move ends",
            {"data": [{"id": "a"}], "last_id": "a", "has_more": True},
            AFTER,
            "a",
            None,
        ),
        (
            "next_page token",
            {"data": [1], "has_more": True, "next_page": "p2"},
            PAGE_TOKEN,
            None,
            NextPage(cursor="p2"),
        ),
        (
            "no token ends",
            {"data": [1], "has_more": True, "next_page": None},
            PAGE_TOKEN,
            None,
            None,
        ),
        (
            "relative link",
            {"results": [1], "next": "/v1/items?page=2"},
            LINK,
            None,
            NextPage(url="https://api.example.com/v1/items?page=2"),
        ),
        (
            "absolute link",
            {"results": [1], "next": "https://api.example.com/p/3"},
            LINK,
            None,
            NextPage(url="https://api.example.com/p/3"),
        ),
        ("null link ends", {"results": [1], "next": None}, LINK, None, None),
        (
            "a link to the same page ends",
            {"results": [1], "next": str(URL)},
            LINK,
            None,
            None,
        ),
    ],
)
def test_next_page(
    name: str, page: dict[str, Any], pages: Pages, sent: object, want: NextPage | None
) -> None:
    assert next_page(page, pages, URL, sent) == want, name


@pytest.mark.parametrize(
    "link",
    [
        "https://other.example.com/p/3",
        "http://api.example.com/v1/items?page=2",
        "https://api.example.com:8443/v1/items?page=2",
        "//other.example.com/p/3",
    ],
)
def test_a_link_to_another_origin_raises(link: str) -> None:
    with pytest.raises(ApiError, match="another origin"):
        next_page({"results": [1], "next": link}, LINK, URL, None)


class Item(ApiModel):
    id: str


class ItemPage(ApiModel):
    data: list[Item]
    last_id: str | None = None
    has_more: bool


def test_items_of_models_and_dicts() -> None:
    page = ItemPage(data=[Item(id="a")], has_more=False)
    assert [i.id for i in items_of(page, AFTER)] == ["a"]  # type: ignore[attr-defined]
    assert items_of({"data": "not a list"}, AFTER) == ()


def pages_by_cursor(request: Recorded) -> Reply:
    """Three pages of two items, chosen by the `after` query parameter."""
    after = dict(p.split("=") for p in request.query.split("&") if p).get("after")
    start = {None: 0, "i2": 2, "i4": 4}[after]
    ids = [f"i{n}" for n in range(start + 1, start + 3)]
    return Reply.json(
        {"data": [{"id": i} for i in ids], "last_id": ids[-1], "has_more": start < 4}
    )


LIST_CALL = Call(
    "GET",
    "/items",
    params=(Param("query", "limit", 2), Param("query", "after", None)),
    responses=(ResponseType("200", "json", ItemPage),),
)


def test_paginate_follows_the_cursor(loopback: Loopback, make_transport: Any) -> None:
    loopback.reply("GET", "/items", pages_by_cursor, pages_by_cursor, pages_by_cursor)
    from dataclasses import replace

    from oapigen_runtime._types import NOT_GIVEN

    call = replace(
        LIST_CALL,
        params=(Param("query", "limit", 2), Param("query", "after", NOT_GIVEN)),
    )
    items = list(make_transport().paginate(call, AFTER))
    assert [i.id for i in items] == ["i1", "i2", "i3", "i4", "i5", "i6"]
    assert [r.query for r in loopback.requests] == [
        "limit=2",
        "after=i2&limit=2",
        "after=i4&limit=2",
    ]


def test_paginate_follows_links_lazily(loopback: Loopback, make_transport: Any) -> None:
    loopback.reply(
        "GET",
        "/list",
        Reply.json({"results": [1, 2], "next": "/list?page=2&x=%2F"}),
        Reply.json({"results": [3], "next": None}),
    )
    iterator = make_transport().paginate(Call("GET", "/list"), LINK)
    assert next(iterator) == 1 and len(loopback.requests) == 1
    assert list(iterator) == [2, 3]
    assert loopback.requests[1].query == "page=2&x=%2F"


def test_async_paginate(loopback: Loopback) -> None:
    loopback.reply("GET", "/items", pages_by_cursor, pages_by_cursor, pages_by_cursor)

    async def main() -> list[str]:
        transport = AsyncTransport(
            base_url=loopback.url, credentials={}, credential_hints={}
        )
        from oapigen_runtime._types import NOT_GIVEN

        call = Call(
            "GET",
            "/items",
            params=(Param("query", "after", NOT_GIVEN),),
            responses=(ResponseType("200", "json", ItemPage),),
        )
        try:
            return [item.id async for item in transport.paginate(call, AFTER)]
        finally:
            await transport.close()

    assert asyncio.run(main()) == ["i1", "i2", "i3", "i4", "i5", "i6"]
