"""Every kind of pagination of tests/e2e/paging.yaml against a server that pages: the
``_iter`` and ``_pages`` methods, sync and async, what each asks the server, the ``--report``
verdicts, and a ``Link`` header or a next URL to another origin refused."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import pytest
from clientgen import generate_client, import_client
from loopback import Loopback, Recorded, Reply

from generator.build import build_spec
from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.loader import load_documents

SPEC = Path(__file__).with_name("paging.yaml")
SETTINGS = {
    "searchDocuments": {
        "kind": "offset",
        "param": "start",
        "items": "docs",
        "total": "response.numFound",
    }
}
THINGS = ["a", "b", "c", "d", "e"]
SIZE = 2


def config(spec: Path) -> Config:
    return Config(spec=spec, pagination=SETTINGS)


@pytest.fixture(scope="session")
def paging(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    out = tmp_path_factory.mktemp("paging")
    return import_client(
        generate_client(SPEC, out, "paging_client", config(SPEC)), "paging_client"
    )


def things(start: int) -> list[dict[str, str]]:
    return [{"id": i} for i in THINGS[start : start + SIZE]]


def serve(request: Recorded) -> Reply:
    """Five things, two to a page, in each operation's own way."""
    query = dict(parse_qsl(request.query))
    number = int(query.get("page", "1"))
    if request.path == "/tokens":
        start = int(query.get("page_token", "t0")[1:])
        more = start + SIZE < len(THINGS)
        token = f"t{start + SIZE}" if more else None
        return Reply.json({"items": things(start), "next_page_token": token})
    if request.path == "/cursors":
        start = int(query.get("cursor", "c0")[1:])
        more = start + SIZE < len(THINGS)
        return Reply.json(
            {"data": things(start), "next_cursor": f"c{start + SIZE}" * more}
        )
    if request.path == "/feed":
        start = int(query.get("offset", "0"))
        link = f"http://{request.header('host')}/feed?limit=2&offset={start + SIZE}"
        more = start + SIZE < len(THINGS)
        return Reply.json(
            {"count": 5, "next": link if more else None, "results": things(start)}
        )
    if request.path == "/linked":
        links = [f"</linked?page={number - 1}&per_page=2>; rel=prev"] * (number > 1)
        if number * SIZE < len(THINGS):
            links.append(f'</linked?page={number + 1}&per_page=2>; rel="next"')
        headers = {"link": ", ".join(links)} if links else {}
        return Reply.json(things((number - 1) * SIZE), headers=headers)
    if request.path == "/repos":
        return Reply.json(things((number - 1) * SIZE))
    if request.path == "/offsets":
        start = int(query.get("offset", "0"))
        return Reply.json({"items": things(start), "total": len(THINGS)})
    if request.path == "/issues":
        start = int(query.get("startAt", "0"))
        last = start + SIZE >= len(THINGS)
        return Reply.json({"values": things(start), "isLast": last})
    if request.path == "/numbers":
        return Reply.json(
            {"data": things((number - 1) * SIZE), "page": number, "pages": 3}
        )
    if request.path == "/till-empty":
        return Reply.json({"results": things(int(query.get("page", "0")) * SIZE)})
    if request.path == "/search":
        start = int(query.get("start", "0"))
        return Reply.json({"docs": things(start), "response": {"numFound": 5}})
    return Reply.json(things(0))


@pytest.fixture
def client(paging: ModuleType, loopback: Loopback) -> Iterator[Any]:
    loopback.always("GET", "*", serve)
    with paging.Client(base_url=loopback.url, max_retries=0) as c:
        yield c


# (method, its keyword arguments, the queries it sends in turn)
KINDS: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        "list_by_token",
        {"page_size": 2},
        ["page_size=2", "page_size=2&page_token=t2", "page_size=2&page_token=t4"],
    ),
    (
        "list_by_cursor",
        {"limit": 2},
        ["limit=2", "cursor=c2&limit=2", "cursor=c4&limit=2"],
    ),
    (
        "list_by_next_url",
        {"limit": 2},
        ["limit=2", "limit=2&offset=2", "limit=2&offset=4"],
    ),
    (
        "list_by_link_header",
        {"per_page": 2},
        ["per_page=2", "page=2&per_page=2", "page=3&per_page=2"],
    ),
    ("list_by_page_number_or_link", {}, ["", "page=2", "page=3", "page=4"]),
    (
        "list_by_offset",
        {"limit": 2},
        ["limit=2", "limit=2&offset=2", "limit=2&offset=4"],
    ),
    ("list_by_start_at", {}, ["", "startAt=2", "startAt=4"]),
    ("list_by_page_number", {}, ["", "page=2", "page=3"]),
    ("list_until_empty", {}, ["", "page=1", "page=2", "page=3"]),
    ("search_documents", {"rows": 2}, ["rows=2", "rows=2&start=2", "rows=2&start=4"]),
]


@pytest.mark.parametrize(
    ("method", "arguments", "queries"), KINDS, ids=[k[0] for k in KINDS]
)
def test_every_item_of_every_page(
    client: Any,
    loopback: Loopback,
    method: str,
    arguments: dict[str, Any],
    queries: list[str],
) -> None:
    items = getattr(client.default, method + "_iter")(**arguments)
    assert next(items).id == "a" and len(loopback.requests) == 1  # fetched lazily
    assert [t.id for t in items] == THINGS[1:]
    assert [r.query for r in loopback.requests] == queries


def test_pages_one_by_one(client: Any, loopback: Loopback) -> None:
    first = client.default.list_by_page_number_pages(page_size=2)
    assert [t.id for t in first.items] == ["a", "b"]
    assert first.parsed.pages == 3 and first.raw.status_code == 200
    assert first.has_next_page()
    second = first.next_page()
    assert [t.id for t in second.items] == ["c", "d"] and second.parsed.page == 2
    third = second.next_page()
    assert not third.has_next_page()
    assert [len(p.items) for p in first.iter_pages()] == [2, 2, 1]


def test_link_header_pages_keep_header_parameters(
    client: Any, loopback: Loopback
) -> None:
    pages = client.default.list_by_link_header_pages(per_page=2, x_api_version="7")
    assert 'rel="next"' in pages.raw.headers["link"]
    assert sum(len(p.items) for p in pages.iter_pages()) == 5
    assert [r.header("x-api-version") for r in loopback.requests] == ["7", "7", "7"]


@pytest.mark.parametrize(
    ("method", "arguments", "queries"), KINDS, ids=[k[0] for k in KINDS]
)
def test_async_every_item_of_every_page(
    paging: ModuleType,
    loopback: Loopback,
    method: str,
    arguments: dict[str, Any],
    queries: list[str],
) -> None:
    loopback.always("GET", "*", serve)

    async def main() -> tuple[list[str], list[int]]:
        async with paging.AsyncClient(base_url=loopback.url, max_retries=0) as c:
            ids = [
                t.id async for t in getattr(c.default, method + "_iter")(**arguments)
            ]
            first = await getattr(c.default, method + "_pages")(**arguments)
            sizes = [len(p.items) async for p in first.iter_pages()]
            return ids, sizes

    ids, sizes = asyncio.run(main())
    assert ids == THINGS and sum(sizes) == len(THINGS) and sizes[:2] == [2, 2]
    assert [r.query for r in loopback.requests] == queries * 2


def test_a_link_header_to_another_origin_is_refused(
    paging: ModuleType, loopback: Loopback
) -> None:
    elsewhere = loopback.url.replace("127.0.0.1", "localhost")
    foreign = {"link": f'<{elsewhere}/linked?page=2>; rel="next"'}
    loopback.always("GET", "/linked", Reply.json(things(0), headers=foreign))
    with paging.Client(base_url=loopback.url, max_retries=0) as c:
        items = c.default.list_by_link_header_iter()
        assert [next(items).id, next(items).id] == ["a", "b"]
        with pytest.raises(paging.ApiError, match="another origin"):
            next(items)
        page = c.default.list_by_link_header_pages()
        assert page.has_next_page()
        with pytest.raises(paging.ApiError, match="another origin"):
            page.next_page()
    assert len(loopback.requests) == 2  # the other origin was never asked
    loopback.always(
        "GET",
        "/feed",
        Reply.json({"results": things(0), "next": f"{elsewhere}/feed?offset=2"}),
    )
    with paging.Client(base_url=loopback.url, max_retries=0) as c:
        with pytest.raises(paging.ApiError, match="another origin"):
            list(c.default.list_by_next_url_iter())
    assert len(loopback.requests) == 3  # nor for a next URL in the body


def test_the_report_says_how_each_list_pages() -> None:
    diags = Diagnostics()
    docs = load_documents(SPEC, diags)
    assert docs is not None
    spec = build_spec(docs, diags, "paging_client", config(SPEC))
    verdicts = {v.pointer.split("/")[2]: (v.kind, v.reason) for v in spec.pagination}
    assert {name: kind for name, (kind, _) in verdicts.items()} == {
        "~1tokens": "cursor",
        "~1cursors": "cursor",
        "~1feed": "next_link",
        "~1linked": "link_header",
        "~1repos": "link_header",
        "~1offsets": "offset",
        "~1issues": "offset",
        "~1numbers": "page",
        "~1till-empty": "page",
        "~1search": "offset",
        "~1whole": None,
    }
    assert verdicts["~1search"][1] == "named by the pagination setting"
    assert "one request returns the whole list" in verdicts["~1whole"][1]
    assert not [d for d in diags.items if d.level == "error"]
