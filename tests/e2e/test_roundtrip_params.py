"""Every parameter location, style and explode of tests/e2e/roundtrip.yaml, sent by the
generated client to the echo server and compared with what it received."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

RGB = {"R": 100, "G": 200, "B": 150}
COLORS = ["blue", "black", "brown"]

# (name, the call, the raw path the server must receive)
PATHS: list[tuple[str, Callable[[Any], Any], str]] = [
    (
        "simple array, label exploded array, matrix object",
        lambda c: c.params.path_styles(COLORS, COLORS, RGB),
        "/v1/params/path/blue,black,brown/.blue.black.brown/;matrix=R,100,G,200,B,150",
    ),
    (
        "simple exploded object, label object, matrix exploded array",
        lambda c: c.params.exploded_path_styles(RGB, RGB, COLORS),
        "/v1/params/exploded/R=100,G=200,B=150/.R,100,G,200,B,150"
        "/;matrix=blue;matrix=black;matrix=brown",
    ),
    (
        "a traversal stays one segment",
        lambda c: c.params.by_id("../admin"),
        "/v1/params/id/..%2Fadmin",
    ),
    (
        "slash, query and fragment are encoded",
        lambda c: c.params.by_id("a/b?c#d"),
        "/v1/params/id/a%2Fb%3Fc%23d",
    ),
    (
        "a dot segment is encoded",
        lambda c: c.params.by_id(".."),
        "/v1/params/id/%2E%2E",
    ),
    ("unicode", lambda c: c.params.by_id("café"), "/v1/params/id/caf%C3%A9"),
]


@pytest.mark.parametrize(("name", "call", "path"), PATHS, ids=[p[0] for p in PATHS])
def test_path_parameters(
    client: Any, name: str, call: Callable[[Any], Any], path: str
) -> None:
    echoed = call(client)
    assert echoed.path == path, name
    assert echoed.query == ""


# (name, keyword arguments of query_styles besides limit=1, the query the server receives)
QUERIES: list[tuple[str, dict[str, Any], str]] = [
    ("form exploded array", {"tags": ["a", "b"]}, "limit=1&tags=a&tags=b"),
    ("form array", {"ids": [1, 2, 3]}, "ids=1,2,3&limit=1"),
    ("form exploded object", {"point": {"x": 1, "y": 2}}, "limit=1&x=1&y=2"),
    ("form object", {"color": RGB}, "color=R,100,G,200,B,150&limit=1"),
    ("spaceDelimited", {"words": ["a b", "c"]}, "limit=1&words=a%20b%20c"),
    ("pipeDelimited", {"pipes": ["a|b", "c"]}, "limit=1&pipes=a%7Cb|c"),
    (
        "deepObject, nested",
        {"filter": {"status": "open", "range": {"min": 1, "max": 9}}},
        # sorted by parameter name; a nested value keeps its own order
        "filter[status]=open&filter[range][min]=1&filter[range][max]=9&limit=1",
    ),
    (
        "allowReserved keeps reserved characters but not & = # +",
        {"redirect": "/a/b?c=d&e+f#g"},
        "limit=1&redirect=/a/b?c%3Dd%26e%2Bf%23g",
    ),
    (
        "boolean and date",
        {"flag": False, "from_": datetime.date(2024, 5, 1)},
        "flag=false&from=2024-05-01&limit=1",
    ),
    ("escaping", {"tags": ["a&b=c", "ü"]}, "limit=1&tags=a%26b%3Dc&tags=%C3%BC"),
    ("None sends an empty value", {"tags": None}, "limit=1&tags="),
]


@pytest.mark.parametrize(
    ("name", "arguments", "query"), QUERIES, ids=[q[0] for q in QUERIES]
)
def test_query_parameters(
    client: Any, name: str, arguments: dict[str, Any], query: str
) -> None:
    assert client.params.query_styles(limit=1, **arguments).query == query, name


def test_extra_query_adds_and_replaces(client: Any) -> None:
    echoed = client.params.query_styles(
        limit=1, tags=["a"], extra_query={"limit": 5, "extra": "x y"}
    )
    assert echoed.query == "extra=x%20y&limit=5&tags=a"


def test_header_parameters(client: Any) -> None:
    echoed = client.params.header_params(
        x_request_id="req-1",
        x_tags=["a", "b"],
        x_point={"x": 1, "y": 2},
        x_color=RGB,
        extra_headers={"X-Extra": "1"},
    )
    headers = echoed.headers
    assert headers["x-request-id"] == "req-1"
    assert headers["x-tags"] == "a,b"
    assert headers["x-point"] == "x=1,y=2"
    assert headers["x-color"] == "R,100,G,200,B,150"
    assert headers["x-extra"] == "1"


@pytest.mark.parametrize("bad", ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\0b"])
def test_header_values_with_line_breaks_are_refused(client: Any, bad: str) -> None:
    with pytest.raises(ValueError, match="line break"):
        client.params.header_params(x_request_id=bad)
    with pytest.raises(ValueError, match="line break"):
        client.params.header_params(extra_headers={"X-Extra": bad})


def test_cookie_parameters(client: Any) -> None:
    echoed = client.params.cookie_params(
        session="s 1;x", prefs=["dark", "compact"], point={"x": 1, "y": 2}
    )
    assert echoed.headers["cookie"] == "session=s%201%3Bx; prefs=dark,compact; x=1; y=2"


def test_left_out_parameters_are_not_sent(client: Any) -> None:
    echoed = client.params.query_styles(limit=1)
    assert echoed.query == "limit=1"
    assert "cookie" not in client.params.cookie_params().headers
