"""Parameter serialization: the OpenAPI style tables, encoding, and what reaches the wire."""

from __future__ import annotations

import datetime
import enum
import uuid

import pydantic
import pytest
from loopback import Loopback, Reply
from oapigen_runtime import params
from oapigen_runtime._types import NOT_GIVEN
from oapigen_runtime.transport import Call, Param, ResponseType, SyncTransport

BLUE = "blue"
COLORS = ["blue", "black", "brown"]
RGB = {"R": 100, "G": 200, "B": 150}


@pytest.mark.parametrize(
    ("style", "explode", "value", "want"),
    [
        ("simple", False, BLUE, "blue"),
        ("simple", False, COLORS, "blue,black,brown"),
        ("simple", True, COLORS, "blue,black,brown"),
        ("simple", False, RGB, "R,100,G,200,B,150"),
        ("simple", True, RGB, "R=100,G=200,B=150"),
        ("label", False, BLUE, ".blue"),
        ("label", False, COLORS, ".blue,black,brown"),
        ("label", True, COLORS, ".blue.black.brown"),
        ("label", False, RGB, ".R,100,G,200,B,150"),
        ("label", True, RGB, ".R=100.G=200.B=150"),
        ("matrix", False, BLUE, ";color=blue"),
        ("matrix", False, "", ";color"),
        ("matrix", False, COLORS, ";color=blue,black,brown"),
        ("matrix", True, COLORS, ";color=blue;color=black;color=brown"),
        ("matrix", False, RGB, ";color=R,100,G,200,B,150"),
        ("matrix", True, RGB, ";R=100;G=200;B=150"),
        # Swagger 2.0's collectionFormat on path arrays: ssv, pipes, tsv
        ("spaceDelimited", False, ["a b", "c"], "a%20b%20c"),
        ("pipeDelimited", False, ["a|b", "c"], "a%7Cb|c"),
        ("tabDelimited", False, COLORS, "blue%09black%09brown"),
    ],
)
def test_path_styles(style: str, explode: bool, value: object, want: str) -> None:
    assert params.path_value("color", value, style=style, explode=explode) == want


@pytest.mark.parametrize(
    ("style", "explode", "value", "want"),
    [
        ("form", True, BLUE, "color=blue"),
        ("form", True, COLORS, "color=blue&color=black&color=brown"),
        ("form", False, COLORS, "color=blue,black,brown"),
        ("form", True, RGB, "R=100&G=200&B=150"),
        ("form", False, RGB, "color=R,100,G,200,B,150"),
        ("spaceDelimited", False, COLORS, "color=blue%20black%20brown"),
        ("spaceDelimited", True, COLORS, "color=blue&color=black&color=brown"),
        ("pipeDelimited", False, COLORS, "color=blue|black|brown"),
        ("pipeDelimited", False, RGB, "color=R|100|G|200|B|150"),
        ("tabDelimited", False, COLORS, "color=blue%09black%09brown"),
        ("tabDelimited", False, ["a\tb", "c"], "color=a%09b%09c"),
        ("deepObject", True, RGB, "color[R]=100&color[G]=200&color[B]=150"),
        (
            "deepObject",
            True,
            {"a": {"b": 1}, "c": [1, 2]},
            "color[a][b]=1&color[c][0]=1&color[c][1]=2",
        ),
        ("form", True, None, "color="),
        ("form", True, [], ""),
        ("form", False, [], "color="),
        ("form", True, ["a", None, "b"], "color=a&color=b"),
    ],
)
def test_query_styles(style: str, explode: bool, value: object, want: str) -> None:
    pairs = params.query_pairs("color", value, style=style, explode=explode)
    assert params.join_query(pairs, sort=False) == want


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (True, "true"),
        (False, "false"),
        (None, ""),
        (1.5, "1.5"),
        (7, "7"),
        (datetime.date(2024, 1, 2), "2024-01-02"),
        (
            datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
            "2024-01-02T03:04:05+00:00",
        ),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        (enum.Enum("Color", {"RED": "red"}).RED, "red"),  # type: ignore[attr-defined]
        ({"a": [1, True]}, '{"a":[1,true]}'),
    ],
)
def test_scalar_text(value: object, want: str) -> None:
    assert params.to_text(value) == want


@pytest.mark.parametrize(
    ("style", "want"),
    [
        ("simple", "blue,black,brown"),
        ("spaceDelimited", "blue black brown"),
        ("pipeDelimited", "blue|black|brown"),
        ("tabDelimited", "blue\tblack\tbrown"),
    ],
)
def test_header_array_styles(style: str, want: str) -> None:
    """Headers are ``simple`` in OpenAPI 3; Swagger 2.0's ssv, pipes and tsv reach them too."""
    assert params.header_value("X-Colors", COLORS, style=style) == want


def test_values_are_encoded_but_delimiters_are_not() -> None:
    pairs = params.query_pairs("q", ["a,b", "c&d=e", "f g", "ü"], explode=False)
    assert params.join_query(pairs) == "q=a%2Cb,c%26d%3De,f%20g,%C3%BC"
    reserved = params.query_pairs("next", "/a/b?c=d&e", allow_reserved=True)
    assert params.join_query(reserved) == "next=/a/b?c%3Dd%26e"


def test_query_is_sorted_by_key_keeping_repeated_keys_in_order() -> None:
    pairs = [("b", "1"), ("a", "2"), ("b", "0"), ("a", "1")]
    assert params.join_query(pairs) == "a=2&a=1&b=1&b=0"


def test_pydantic_model_as_object_parameter() -> None:
    class Filter(pydantic.BaseModel):
        kind: str
        limit: int | None = None

    value = Filter(kind="x")
    assert params.path_value("f", value, explode=True) == "kind=x"
    pairs = params.query_pairs("f", value, style="deepObject")
    assert params.join_query(pairs) == "f[kind]=x"


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("../admin", "..%2Fadmin"),
        ("a/b?c", "a%2Fb%3Fc"),
        ("x#y", "x%23y"),
        ("a b", "a%20b"),
        ("é", "%C3%A9"),
    ],
)
def test_path_values_cannot_change_the_path(value: str, want: str) -> None:
    assert params.path_value("id", value) == want


def test_dot_segments_are_encoded() -> None:
    assert params.expand_path("/files/{id}", {"id": ".."}) == "/files/%2E%2E"
    assert params.expand_path("/files/{id}/x", {"id": "."}) == "/files/%2E/x"
    assert params.expand_path("/files/{id}", {"id": "..."}) == "/files/..."


@pytest.mark.parametrize("value", [None, ""])
def test_empty_path_parameters_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="id"):
        params.path_value("id", value)


def test_missing_path_parameter() -> None:
    with pytest.raises(ValueError, match="missing path parameter 'id'"):
        params.expand_path("/files/{id}", {})


@pytest.mark.parametrize("value", ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\0b"])
def test_header_line_breaks_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="line break") as info:
        params.header_value("X-Trace", value)
    assert value not in str(info.value)


def test_a_header_outside_ascii_is_refused_before_sending(
    loopback: Loopback,
) -> None:
    transport = _transport(loopback)
    for call in (
        Call("GET", "/x", params=(Param("header", "X-City", "Zürich"),)),
        Call("GET", "/x", extra_headers={"X-Note": "café"}),
    ):
        with pytest.raises(ValueError, match="outside ASCII") as info:
            transport.request(call)
        assert "Zürich" not in str(info.value) and "café" not in str(info.value)
    assert loopback.requests == []
    transport.close()


def test_header_and_cookie_styles() -> None:
    assert params.header_value("h", COLORS) == "blue,black,brown"
    assert params.header_value("h", RGB) == "R,100,G,200,B,150"
    assert params.header_value("h", RGB, explode=True) == "R=100,G=200,B=150"
    assert params.header_value("h", True) == "true"
    assert params.cookie_pairs("c", COLORS, explode=False) == [
        ("c", "blue,black,brown")
    ]
    assert params.cookie_pairs("c", COLORS) == [
        ("c", "blue"),
        ("c", "black"),
        ("c", "brown"),
    ]
    assert params.cookie_header(params.cookie_pairs("c", "a b;c=d")) == "c=a%20b%3Bc=d"


def _transport(loopback: Loopback) -> SyncTransport:
    return SyncTransport(base_url=loopback.url, credentials={}, credential_hints={})


def test_every_location_on_the_wire(loopback: Loopback) -> None:
    loopback.reply("GET", "*", Reply.json({}))
    call = Call(
        "GET",
        "/items/{id}/{coords}",
        params=(
            Param("path", "id", "../admin"),
            Param("path", "coords", [1, 2], style="matrix", explode=True),
            Param("query", "z", "last"),
            Param("query", "tags", ["a", "b"], explode=False),
            Param("query", "filter", {"color": "red"}, style="deepObject"),
            Param("query", "omitted", NOT_GIVEN),
            Param("query", "flag", False),
            Param("header", "X-Ids", [1, 2]),
            Param("header", "X-Omitted", NOT_GIVEN),
            Param("cookie", "session", "abc"),
            Param("cookie", "theme", "dark"),
        ),
        responses=(ResponseType("200", "json"),),
    )
    transport = _transport(loopback)
    try:
        transport.request(call)
    finally:
        transport.close()
    got = loopback.last
    assert got.path == "/items/..%2Fadmin/;coords=1;coords=2"
    assert got.query == "filter[color]=red&flag=false&tags=a,b&z=last"
    assert got.header("x-ids") == "1,2"
    assert got.header("x-omitted") is None
    assert got.header("cookie") == "session=abc; theme=dark"


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("../admin", "/files/..%2Fadmin"),
        ("a/b?c", "/files/a%2Fb%3Fc"),
        ("..", "/files/%2E%2E"),
    ],
)
def test_path_traversal_stays_in_its_segment(
    loopback: Loopback, value: str, path: str
) -> None:
    loopback.reply("DELETE", "*", Reply(204))
    transport = _transport(loopback)
    try:
        result = transport.request(
            Call(
                "DELETE", "/files/{file_id}", params=(Param("path", "file_id", value),)
            )
        )
    finally:
        transport.close()
    assert result is None
    assert loopback.last.path == path
    assert loopback.last.query == ""


def test_crlf_in_a_header_parameter_is_refused_before_sending(
    loopback: Loopback,
) -> None:
    transport = _transport(loopback)
    try:
        with pytest.raises(ValueError, match="line break"):
            transport.request(
                Call(
                    "GET", "/x", params=(Param("header", "X-Trace", "1\r\nEvil: yes"),)
                )
            )
        with pytest.raises(ValueError, match="line break"):
            transport.request(Call("GET", "/x", extra_headers={"X-A": "1\nEvil: yes"}))
    finally:
        transport.close()
    assert loopback.requests == []
