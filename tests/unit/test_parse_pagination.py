"""generator.parse.pagination: which list operations page, and how."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from generator.ir import Field, Pagination, Parameter, Response, TypeRef
from generator.parse import types as T
from generator.parse.pagination import detect

STR, BOOL, INT = T.primitive("str"), T.primitive("bool"), T.primitive("int")
ITEM = T.model("Item")


def field(wire: str, type_: TypeRef) -> Field:
    return Field(wire, wire, type_, True, "", "")


def query(wire: str, type_: TypeRef = STR) -> Parameter:
    return Parameter(wire, wire, "query", type_, False, "str")


def page(name: str = "Page") -> tuple[Response, ...]:
    return (Response("200", "", "application/json", "json", T.model(name), name),)


MODELS = {
    "Page": [
        field("data", T.list_of(ITEM)),
        field("has_more", BOOL),
        field("last_id", T.nullable(STR)),
    ],
    "NoLastId": [field("data", T.list_of(ITEM)), field("has_more", BOOL)],
    "Tokens": [
        field("data", T.list_of(ITEM)),
        field("has_more", BOOL),
        field("next_page", T.nullable(STR)),
    ],
    "Linked": [field("results", T.list_of(ITEM)), field("next_url", T.nullable(STR))],
    "NotAPage": [field("id", STR)],
    "Item": [field("id", STR)],
}


def fields_of(name: str) -> Sequence[Field]:
    return MODELS.get(name, [])


BASE = {"item": ITEM, "item_annotation": "Item"}


@pytest.mark.parametrize(
    ("name", "method", "params", "responses", "want"),
    [
        (
            "after with last_id",
            "GET",
            [query("limit", INT), query("after")],
            page(),
            Pagination(
                items="data",
                cursor_param="after",
                cursor="last_id",
                item_cursor="id",
                has_more="has_more",
                **BASE,
            ),
        ),
        (
            "after with the last item's id",
            "GET",
            [query("after")],
            page("NoLastId"),
            Pagination(
                items="data",
                cursor_param="after",
                item_cursor="id",
                has_more="has_more",
                **BASE,
            ),
        ),
        (
            "page token",
            "get",
            [query("page")],
            page("Tokens"),
            Pagination(
                items="data",
                cursor_param="page",
                cursor="next_page",
                has_more="has_more",
                **BASE,
            ),
        ),
        (
            "next link",
            "GET",
            [query("size", INT)],
            page("Linked"),
            Pagination(items="results", next_link="next_url", **BASE),
        ),
        (
            "a numeric page is not a cursor",
            "GET",
            [query("page", INT)],
            page("Tokens"),
            None,
        ),
        ("no cursor parameter", "GET", [query("limit", INT)], page(), None),
        ("not a GET", "POST", [query("after")], page(), None),
        ("no list in the response", "GET", [query("after")], page("NotAPage"), None),
        ("no JSON success", "GET", [query("after")], (), None),
    ],
)
def test_detect(
    name: str,
    method: str,
    params: list[Parameter],
    responses: tuple[Response, ...],
    want: Pagination | None,
) -> None:
    assert detect(method, params, responses, fields_of) == want, name
