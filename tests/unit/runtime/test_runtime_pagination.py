"""Pagination: the next page of every kind (pure), the page objects and paginate() over a
server, and the idempotency key of a call."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from loopback import Loopback, Recorded, Reply
from oapigen_runtime._types import NOT_GIVEN
from oapigen_runtime.errors import ApiError
from oapigen_runtime.models import ApiModel
from oapigen_runtime.pagination import (
    NextPage,
    Pages,
    check_origin,
    items_of,
    link_header_next,
    next_page,
)
from oapigen_runtime.transport import (
    AsyncTransport,
    Call,
    Param,
    ResponseType,
    following,
    with_idempotency_key,
)

URL = httpx.URL("https://api.example.com/v1/items?limit=2")
AFTER = Pages(
    "cursor",
    items="data",
    param="after",
    cursor="last_id",
    item_cursor="id",
    has_more="has_more",
)
AFTER_BY_ITEM = Pages(
    "cursor", items="data", param="after", item_cursor="id", has_more="has_more"
)
NESTED = Pages("cursor", items="data", param="cursor", cursor="meta.next")
LINK = Pages("next_link", items="results", next_link="next")
HEADER = Pages("link_header", param="page")
DECLARED = Pages("link_header", items="data")
OFFSET = Pages("offset", items="items", param="offset", total="total")
JIRA = Pages("offset", items="values", param="startAt", is_last="isLast")
NUMBERS = Pages("page", items="data", param="page", total_pages="pages")
COUNTED = Pages("page", items="data", param="page", total="total", first_page=0)


def response(headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(200, headers=headers, request=httpx.Request("GET", URL))


ONE = [{"id": "a"}]


@pytest.mark.parametrize(
    ("name", "page", "pages", "sent", "seen", "want"),
    [
        (
            "cursor from last_id",
            {"data": [{"id": "a"}, {"id": "b"}], "last_id": "b", "has_more": True},
            AFTER,
            None,
            0,
            NextPage("after", "b"),
        ),
        (
            "cursor from the last item's id",
            {"data": [{"id": "a"}, {"id": "b"}], "has_more": True},
            AFTER_BY_ITEM,
            None,
            0,
            NextPage("after", "b"),
        ),
        ("has_more false ends", {"data": ONE, "has_more": False}, AFTER, None, 0, None),
        ("an empty page ends", {"data": [], "has_more": True}, AFTER, None, 0, None),
        ("a null list ends", {"data": None, "has_more": True}, AFTER, None, 0, None),
        (
            "a cursor that does not move ends",
            {"data": ONE, "last_id": "a", "has_more": True},
            AFTER,
            "a",
            0,
            None,
        ),
        (
            "a nested cursor",
            {"data": ONE, "meta": {"next": "c2"}},
            NESTED,
            None,
            0,
            NextPage("cursor", "c2"),
        ),
        ("no nested cursor ends", {"data": ONE, "meta": None}, NESTED, None, 0, None),
        (
            "relative link",
            {"results": [1], "next": "/v1/items?page=2"},
            LINK,
            None,
            0,
            NextPage(url="https://api.example.com/v1/items?page=2"),
        ),
        ("null link ends", {"results": [1], "next": None}, LINK, None, 0, None),
        (
            "a link to the same page ends",
            {"results": [1], "next": str(URL)},
            LINK,
            None,
            0,
            None,
        ),
        (
            "offsets advance by the items received",
            {"items": ONE * 3, "total": 10},
            OFFSET,
            "4",
            0,
            NextPage("offset", 7),
        ),
        (
            "offsets from zero",
            {"items": ONE * 2, "total": 10},
            OFFSET,
            None,
            0,
            NextPage("offset", 2),
        ),
        ("the total ends offsets", {"items": ONE * 3, "total": 7}, OFFSET, 4, 0, None),
        (
            "isLast ends offsets",
            {"values": ONE, "isLast": True},
            JIRA,
            None,
            0,
            None,
        ),
        (
            "page numbers from the one sent",
            {"data": ONE, "pages": 3},
            NUMBERS,
            2,
            0,
            NextPage("page", 3),
        ),
        ("the last page number ends", {"data": ONE, "pages": 3}, NUMBERS, 3, 0, None),
        (
            "page numbers from zero",
            {"data": ONE, "total": 3},
            COUNTED,
            None,
            1,
            NextPage("page", 1),
        ),
        (
            "the total of items ends page numbers",
            {"data": ONE, "total": 3},
            COUNTED,
            1,
            2,
            None,
        ),
    ],
)
def test_next_page(
    name: str,
    page: dict[str, Any],
    pages: Pages,
    sent: object,
    seen: int,
    want: NextPage | None,
) -> None:
    assert next_page(page, pages, response(), sent, seen) == want, name


@pytest.mark.parametrize(
    ("name", "headers", "pages", "sent", "want"),
    [
        (
            "rel=next, relative, among others",
            {"link": '</v1/items?page=1>; rel="prev", </v1/items?page=3>; rel="next"'},
            HEADER,
            2,
            NextPage(url="https://api.example.com/v1/items?page=3"),
        ),
        (
            "a relation among several, in any case",
            {"link": '<https://api.example.com/p/3>; rel="Last NEXT"'},
            HEADER,
            2,
            NextPage(url="https://api.example.com/p/3"),
        ),
        (
            "a Link header without next ends",
            {"link": '</v1/items?page=1>; rel="prev"'},
            HEADER,
            2,
            None,
        ),
        (
            "no Link header: the page number counts up",
            {},
            HEADER,
            2,
            NextPage("page", 3),
        ),
        ("no Link header and no page parameter ends", {}, DECLARED, None, None),
    ],
)
def test_link_header(
    name: str, headers: dict[str, str], pages: Pages, sent: object, want: Any
) -> None:
    page: Any = [1, 2] if pages.items is None else {"data": [1, 2]}
    assert next_page(page, pages, response(headers), sent) == want, name


def test_link_header_next_is_resolved_against_the_request() -> None:
    assert link_header_next(response({"link": "<?page=2>; rel=next"})) == (
        "https://api.example.com/v1/items?page=2"
    )
    assert link_header_next(response()) is None


@pytest.mark.parametrize(
    "link",
    [
        "https://other.example.com/p/3",
        "http://api.example.com/v1/items?page=2",
        "https://api.example.com:8443/v1/items?page=2",
    ],
)
def test_a_next_page_on_another_origin_raises(link: str) -> None:
    with pytest.raises(ApiError, match="another origin"):
        check_origin(URL, link)
    check_origin(URL, "https://api.example.com/elsewhere?x=1")


class Item(ApiModel):
    id: str


class ItemPage(ApiModel):
    data: list[Item]
    last_id: str | None = None
    has_more: bool


def test_items_of_models_dicts_and_arrays() -> None:
    page = ItemPage(data=[Item(id="a")], has_more=False)
    assert [i.id for i in items_of(page, AFTER)] == ["a"]
    assert items_of({"data": "not a list"}, AFTER) == ()
    assert items_of([1, 2], HEADER) == [1, 2]


def test_the_next_call_keeps_headers_and_replaces_the_parameter() -> None:
    call = Call(
        "GET",
        "/items/{kind}",
        params=(
            Param("path", "kind", "x"),
            Param("query", "after", "a"),
            Param("header", "X-Version", "2"),
        ),
    )
    by_cursor = following(call, NextPage("after", "b"))
    assert [(p.name, p.value) for p in by_cursor.params] == [
        ("kind", "x"),
        ("X-Version", "2"),
        ("after", "b"),
    ]
    by_link = following(call, NextPage(url="https://h/items/x?after=b"))
    assert by_link.path == "https://h/items/x?after=b"
    assert [p.name for p in by_link.params] == ["X-Version"]


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
    params=(Param("query", "limit", 2), Param("query", "after", NOT_GIVEN)),
    responses=(ResponseType("200", "json", ItemPage),),
)


def test_paginate_follows_the_cursor(loopback: Loopback, make_transport: Any) -> None:
    loopback.reply("GET", "/items", pages_by_cursor, pages_by_cursor, pages_by_cursor)
    items = list(make_transport().paginate(LIST_CALL, AFTER))
    assert [i.id for i in items] == ["i1", "i2", "i3", "i4", "i5", "i6"]
    assert [r.query for r in loopback.requests] == [
        "limit=2",
        "after=i2&limit=2",
        "after=i4&limit=2",
    ]


def test_pages_step_one_by_one(loopback: Loopback, make_transport: Any) -> None:
    loopback.reply("GET", "/items", *[pages_by_cursor] * 4)
    first = make_transport().first_page(LIST_CALL, AFTER)
    assert [i.id for i in first.items] == ["i1", "i2"] and first.has_next_page()
    assert first.parsed.last_id == "i2" and first.raw.status_code == 200
    second = first.next_page()
    assert [i.id for i in second.items] == ["i3", "i4"]
    assert [[i.id for i in p.items] for p in second.iter_pages()] == [
        ["i3", "i4"],
        ["i5", "i6"],
    ]
    last = second.next_page()
    assert not last.has_next_page() and len(loopback.requests) == 4
    with pytest.raises(ApiError, match="last page"):
        last.next_page()


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


def test_async_pages(loopback: Loopback) -> None:
    loopback.reply("GET", "/items", *[pages_by_cursor] * 6)

    async def main() -> tuple[list[str], list[int]]:
        transport = AsyncTransport(
            base_url=loopback.url, credentials={}, credential_hints={}
        )
        try:
            items = [item.id async for item in transport.paginate(LIST_CALL, AFTER)]
            first = await transport.first_page(LIST_CALL, AFTER)
            sizes = [len(p.items) async for p in first.iter_pages()]
            return items, sizes
        finally:
            await transport.close()

    assert asyncio.run(main()) == (["i1", "i2", "i3", "i4", "i5", "i6"], [2, 2, 2])


def test_one_idempotency_key_per_call_unless_given() -> None:
    call = Call(
        "POST",
        "/charges",
        params=(Param("header", "Idempotency-Key", NOT_GIVEN),),
        idempotency_header="Idempotency-Key",
    )
    first, second = with_idempotency_key(call), with_idempotency_key(call)
    keys = [p.value for c in (first, second) for p in c.params]
    assert (
        len(keys) == 2 and keys[0] != keys[1] and all(len(str(k)) == 36 for k in keys)
    )
    given = Call("POST", "/c", (Param("header", "Idempotency-Key", "k1"),))
    given = given._replace(idempotency_header="Idempotency-Key")
    assert with_idempotency_key(given) == given
    extra = call._replace(extra_headers={"idempotency-key": "k2"})
    assert with_idempotency_key(extra) == extra
    assert with_idempotency_key(Call("POST", "/c")) == Call("POST", "/c")
