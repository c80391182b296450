"""generator.parse.pagination: which list operations page, how, and why (the report's words)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from generator.ir import Field, Header, Pagination, Parameter, Response, TypeRef
from generator.parse import types as T
from generator.parse.pagination import from_setting, infer

STR, BOOL, INT = T.primitive("str"), T.primitive("bool"), T.primitive("int")
ITEM = T.model("Item")


def field(wire: str, type_: TypeRef, name: str | None = None) -> Field:
    return Field(name or wire, wire, type_, True, "", "")


def query(wire: str, type_: TypeRef = STR, default: Any = None) -> Parameter:
    return Parameter(wire, wire, "query", type_, False, "str", default=default)


def page(name: str = "Page", *headers: str) -> tuple[Response, ...]:
    declared = tuple(Header(h) for h in headers)
    return (
        Response("200", "", "application/json", "json", T.model(name), name, declared),
    )


def array(*headers: str) -> tuple[Response, ...]:
    declared = tuple(Header(h) for h in headers)
    listed = T.list_of(ITEM)
    return (Response("200", "", "application/json", "json", listed, "", declared),)


DATA = field("data", T.list_of(ITEM))
MODELS: dict[str, list[Field]] = {
    "Page": [DATA, field("has_more", BOOL), field("last_id", T.nullable(STR))],
    "NoLastId": [DATA, field("has_more", BOOL)],
    "Tokens": [DATA, field("has_more", BOOL), field("next_page", T.nullable(STR))],
    "Linked": [field("results", T.list_of(ITEM)), field("next_url", T.nullable(STR))],
    "Slack": [
        field("members", T.list_of(ITEM)),
        field("response_metadata", T.model("Metadata")),
    ],
    "Metadata": [field("next_cursor", STR)],
    "Google": [field("items", T.list_of(ITEM)), field("nextPageToken", STR, "next")],
    "Box": [
        field("entries", T.list_of(ITEM)),
        field("next_marker", T.nullable(STR)),
        field("total_count", INT),
    ],
    "Asana": [DATA, field("next_page", T.nullable(T.model("NextPage")))],
    "NextPage": [field("offset", STR), field("uri", STR)],
    "OData": [
        field("value", T.list_of(ITEM)),
        field("@odata.nextLink", STR, "odata_next_link"),
    ],
    "Ocean": [
        field("droplets", T.list_of(ITEM)),
        field("links", T.model("Links")),
        field("meta", T.model("Meta")),
    ],
    "Links": [field("pages", T.union([T.model("Forward"), T.model("Backward")]))],
    "Forward": [field("last", STR), field("next", STR)],
    "Backward": [field("first", STR), field("prev", STR)],
    "Meta": [field("total", INT)],
    "Offsets": [
        field("items", T.list_of(ITEM)),
        field("total", INT),
        field("offset", INT),
        field("next", T.nullable(STR)),
    ],
    "Jira": [
        field("values", T.list_of(ITEM)),
        field("isLast", BOOL, "is_last"),
        field("startAt", INT, "start_at"),
    ],
    "Duty": [field("incidents", T.list_of(ITEM)), field("more", BOOL)],
    "Bare": [field("data", T.list_of(ITEM))],
    "Linode": [
        field("data", T.list_of(ITEM)),
        field("page", INT),
        field("pages", INT),
        field("results", INT),
    ],
    "Lone": [field("albums", T.list_of(ITEM))],
    "Duty2": [field("subscribers", T.list_of(ITEM)), field("more", BOOL)],
    "Following": [field("artists", T.model("Cursored"))],
    "Cursored": [
        field("items", T.list_of(ITEM)),
        field("next", T.nullable(STR)),
        field("cursors", T.model("Cursors")),
    ],
    "Cursors": [field("after", STR)],
    "Runs": [field("executions", T.list_of(ITEM)), field("next_page_token", STR)],
    "Events": [
        field("entries", T.list_of(ITEM)),
        field("next_stream_position", STR),
        field("status", STR),
    ],
    "Totalled": [field("droplets", T.list_of(ITEM)), field("meta", T.model("Meta"))],
    "NotAPage": [field("id", STR)],
    "Item": [field("id", STR)],
}


def fields_of(name: str) -> Sequence[Field]:
    return MODELS.get(name, [])


def summary(paging: Pagination | None) -> dict[str, Any] | None:
    """The pagination's kind and the fields it sets (its item type aside)."""
    if paging is None:
        return None
    skip = {"item", "item_annotation", "reason"}
    return {
        k: v
        for k, v in vars(paging).items()
        if k not in skip and v is not None and not (k == "first_page" and v == 1)
    }


CASES: list[tuple[str, list[Parameter], tuple[Response, ...], Any, str]] = [
    (
        "after with last_id",
        [query("limit", INT), query("after")],
        page(),
        {"kind": "cursor", "items": "data", "param": "after", "cursor": "last_id"}
        | {"item_cursor": "id", "has_more": "has_more"},
        "`after` takes `last_id`; `has_more` ends it",
    ),
    (
        "after with the last item's id",
        [query("after")],
        page("NoLastId"),
        {"kind": "cursor", "items": "data", "param": "after", "item_cursor": "id"}
        | {"has_more": "has_more"},
        "`after` takes the last item's `id`",
    ),
    (
        "a string page takes a token",
        [query("page")],
        page("Tokens"),
        {"kind": "cursor", "items": "data", "param": "page", "cursor": "next_page"}
        | {"has_more": "has_more"},
        "`page` takes `next_page`",
    ),
    (
        "a nested cursor",
        [query("cursor"), query("limit", INT)],
        page("Slack"),
        {"kind": "cursor", "items": "members", "param": "cursor"}
        | {"cursor": "response_metadata.next_cursor"},
        "`cursor` takes `response_metadata.next_cursor`",
    ),
    (
        "a page token of Python name other than its wire name",
        [query("pageToken")],
        page("Google"),
        {"kind": "cursor", "items": "items", "param": "pageToken", "cursor": "next"},
        "`pageToken` takes `nextPageToken`",
    ),
    (
        "a marker, before the offsets of the same response",
        [query("marker"), query("offset", INT), query("limit", INT)],
        page("Box"),
        {"kind": "cursor", "items": "entries", "param": "marker"}
        | {"cursor": "next_marker"},
        "`marker` takes `next_marker`",
    ),
    (
        "a string offset is a token",
        [query("offset"), query("limit", INT)],
        page("Asana"),
        {"kind": "cursor", "items": "data", "param": "offset"}
        | {"cursor": "next_page.offset"},
        "`offset` takes `next_page.offset`",
    ),
    (
        "next link",
        [query("size", INT)],
        page("Linked"),
        {"kind": "next_link", "items": "results", "next_link": "next_url"},
        "the response's `next_url` holds the next page's URL",
    ),
    (
        "a wire name with a dot",
        [],
        page("OData"),
        {"kind": "next_link", "items": "value", "next_link": "odata_next_link"},
        "`@odata.nextLink`",
    ),
    (
        "a link inside a union of nested objects, with page numbers beside it",
        [query("page", INT), query("per_page", INT)],
        page("Ocean"),
        {"kind": "next_link", "items": "droplets", "next_link": "links.pages.next"},
        "`links.pages.next` holds",
    ),
    (
        "a declared Link header first",
        [query("after"), query("page", INT)],
        page("Page", "Link"),
        {"kind": "link_header", "items": "data", "param": "page"}
        | {"has_more": "has_more"},
        "declares a Link header",
    ),
    (
        "an array with page numbers implies a Link header",
        [query("page", INT), query("per_page", INT)],
        array(),
        {"kind": "link_header", "param": "page"},
        "an array response with a `page` parameter",
    ),
    (
        "a body next link before offsets with a total",
        [query("offset", INT), query("limit", INT)],
        page("Offsets"),
        {"kind": "next_link", "items": "items", "next_link": "next"},
        "`next` holds",
    ),
    (
        "startAt and maxResults with isLast",
        [query("startAt", INT), query("maxResults", INT)],
        page("Jira"),
        {"kind": "offset", "items": "values", "param": "startAt", "is_last": "is_last"},
        "`startAt` advances by the items received; `is_last` ends it",
    ),
    (
        "offset and limit with more",
        [query("offset", INT), query("limit", INT), query("total", BOOL)],
        page("Duty"),
        {"kind": "offset", "items": "incidents", "param": "offset", "has_more": "more"},
        "`more` ends it",
    ),
    (
        "offsets until an empty page",
        [query("offset", INT), query("limit", INT)],
        page("Bare"),
        {"kind": "offset", "items": "data", "param": "offset"},
        "until an empty page",
    ),
    (
        "page numbers with a total of pages and the current page",
        [query("page", INT, default=1), query("page_size", INT)],
        page("Linode"),
        {"kind": "page", "items": "data", "param": "page", "total_pages": "pages"}
        | {"current_page": "page"},
        "`page` counts up; `pages` ends it",
    ),
    (
        "page numbers from zero",
        [query("page", INT, default=0)],
        page("Bare"),
        {"kind": "page", "items": "data", "param": "page", "first_page": 0},
        "`page` counts up until an empty page",
    ),
    (
        "a numeric page with a token is counted",
        [query("page", INT)],
        page("Tokens"),
        {"kind": "page", "items": "data", "param": "page", "has_more": "has_more"},
        "`page` counts up; `has_more` ends it",
    ),
    (
        "a list with nothing to page by",
        [query("limit", INT)],
        page(),
        "none",
        "the response has `last_id` but no query parameter asks for a page",
    ),
    (
        "an array with nothing to page by",
        [query("ids")],
        array(),
        "none",
        "one request returns the whole list",
    ),
    (
        "a lone list that does not page is no list",
        [query("ids")],
        page("Lone"),
        "-",
        "",
    ),
    (
        "a token parameter named like its field",
        [query("next_page_token"), query("status")],
        page("Runs"),
        {"kind": "cursor", "items": "executions", "param": "next_page_token"}
        | {"cursor": "next_page_token"},
        "`next_page_token` takes `next_page_token`",
    ),
    (
        "a field next_x feeds the parameter x, and no other of the same name",
        [query("status"), query("stream_position")],
        page("Events"),
        {"kind": "cursor", "items": "entries", "param": "stream_position"}
        | {"cursor": "next_stream_position"},
        "`stream_position` takes `next_stream_position`",
    ),
    (
        "a lone list with signs of paging is reported",
        [],
        page("Duty2"),
        "none",
        "the response has `more` but no query parameter asks for a page",
    ),
    (
        "a list in the response's only field",
        [query("after"), query("limit", INT)],
        page("Following"),
        {"kind": "cursor", "items": "artists.items", "param": "after"}
        | {"cursor": "artists.cursors.after", "item_cursor": "id"},
        "`after` takes `artists.cursors.after`",
    ),
    ("no list in the response", [query("after")], page("NotAPage"), "-", ""),
    ("no JSON success", [query("after")], (), "-", ""),
]


@pytest.mark.parametrize(
    ("name", "params", "responses", "want", "reason"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_infer(
    name: str,
    params: list[Parameter],
    responses: tuple[Response, ...],
    want: Any,
    reason: str,
) -> None:
    found = infer("GET", params, responses, fields_of)
    if want == "-":  # not list-like: not in the report
        assert found is None
        return
    assert found is not None
    paging, why = found
    assert summary(paging) == (None if want == "none" else want)
    assert reason in why


def test_only_gets_are_list_like() -> None:
    assert infer("POST", [query("after")], page(), fields_of) is None


def test_the_total_alone_ends_offsets() -> None:
    params = [query("offset", INT), query("limit", INT)]
    found = infer("GET", params, page("Totalled"), fields_of)
    assert found is not None and summary(found[0]) == {
        "kind": "offset",
        "items": "droplets",
        "param": "offset",
        "total": "meta.total",
    }
    assert "`meta.total` ends it" in found[1]


@pytest.mark.parametrize(
    ("setting", "want", "reason"),
    [
        (
            {"kind": "offset", "param": "start", "total": "meta.total"},
            {"kind": "offset", "items": "droplets", "param": "start"}
            | {"total": "meta.total"},
            "named by the pagination setting",
        ),
        (
            {
                "kind": "cursor",
                "param": "start",
                "item-cursor": "id",
                "items": "droplets",
            },
            {
                "kind": "cursor",
                "items": "droplets",
                "param": "start",
                "item_cursor": "id",
            },
            "named by the pagination setting",
        ),
        (  # a parameter the document does not declare is sent all the same
            {"kind": "offset", "param": "begin"},
            {"kind": "offset", "items": "droplets", "param": "begin"},
            "named by the pagination setting",
        ),
        (
            {"kind": "page", "param": "start", "total": "meta.count"},
            None,
            "the response has no field 'meta.count'",
        ),
        ({"kind": "next_link"}, None, "kind 'next_link' needs 'next'"),
        ({"kind": "cursor", "param": "start"}, None, "needs 'cursor' or 'item-cursor'"),
        ({"kind": "page", "param": "start", "items": "links"}, None, "no list 'links'"),
    ],
)
def test_from_setting(setting: dict[str, str], want: Any, reason: str) -> None:
    paging, why = from_setting(setting, page("Ocean"), fields_of)
    assert summary(paging) == want and reason in why
