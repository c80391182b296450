"""The client of tests/e2e/tracker.yaml, a form-encoded API that pages through ``Link``
headers, against a server that reads brackets and pages: a nested form body byte for byte,
every issue of every page (sync and async) with the filter and credentials kept, and
credential keywords named by the naming rule that refuse a credential of the wrong form.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import re
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

SPEC = Path(__file__).with_name("tracker.yaml")
BASIC = "Basic " + base64.b64encode(b"ada:s3cret").decode()
ISSUES = [{"number": n, "title": f"issue {n}"} for n in range(1, 6)]
SETTINGS = Config(
    spec=SPEC, idempotency_header="X-Request-Id", pagination={"listLabels": None}
)
UUID4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


@pytest.fixture(scope="session")
def tracker(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    out = tmp_path_factory.mktemp("tracker")
    package = "tracker_client"
    return import_client(generate_client(SPEC, out, package, SETTINGS), package)


def serve(request: Recorded) -> Reply:
    """Creates an issue from its form, or lists five issues two to a page, the next page
    named by a Link header that keeps the query (as GitHub's and GitLab's do)."""
    if request.method == "POST":
        form = dict(parse_qsl(request.body.decode()))
        return Reply.json({"number": 6, "title": form["title"]}, status=201)
    query = [(k, v) for k, v in parse_qsl(request.query) if k != "page"]
    page = int(dict(parse_qsl(request.query)).get("page", "1"))
    kept = "&".join(f"{k}={v}" for k, v in query)
    headers = {}
    if page * 2 < len(ISSUES):
        headers["link"] = (
            f'</issues?{kept}&page={page + 1}>; rel="next", '
            f'</issues?{kept}&page=3>; rel="last"'
        )
    return Reply.json(ISSUES[(page - 1) * 2 : page * 2], headers=headers)


@pytest.fixture
def client(tracker: ModuleType, loopback: Loopback) -> Iterator[Any]:
    loopback.always("*", "*", serve)
    with tracker.Client(basic=("ada", "s3cret"), base_url=loopback.url) as c:
        yield c


def test_a_nested_form_body(client: Any, loopback: Loopback) -> None:
    issue = client.default.create_issue(
        title="Crash on save",
        labels=["bug", "ui"],
        assignee={"login": "ada", "notify": False, "share": 0.5},
        milestone=None,
        weight=1e20,
    )
    assert issue.number == 6 and issue.title == "Crash on save"
    assert loopback.last.body == (
        b"title=Crash%20on%20save&labels[0]=bug&labels[1]=ui"
        b"&assignee[login]=ada&assignee[notify]=false&assignee[share]=0.5"
        b"&milestone=&weight=1e%2B20"  # numbers as JSON writes them, + encoded
    )
    assert loopback.last.header("authorization") == BASIC


FIRST_QUERY = "filter[state]=open&filter[labels][0]=bug&filter[labels][1]=ui&per_page=2"


def test_every_issue_of_every_page_by_link_headers(
    client: Any, loopback: Loopback
) -> None:
    found = client.default.list_issues_iter(
        filter={"state": "open", "labels": ["bug", "ui"]}, per_page=2
    )
    assert [i.number for i in found] == [1, 2, 3, 4, 5]
    assert [r.query for r in loopback.requests] == [
        FIRST_QUERY,
        FIRST_QUERY + "&page=2",
        FIRST_QUERY + "&page=3",
    ]
    assert {r.header("authorization") for r in loopback.requests} == {BASIC}
    page = client.default.list_issues_pages(per_page=2)
    assert 'rel="next"' in page.raw.headers["link"] and page.has_next_page()
    assert [i.number for i in page.next_page().items] == [3, 4]


def test_async_pages_by_link_headers(tracker: ModuleType, loopback: Loopback) -> None:
    loopback.always("*", "*", serve)

    async def main() -> tuple[list[int], list[int]]:
        async with tracker.AsyncClient(api_key="k", base_url=loopback.url) as c:
            numbers = [i.number async for i in c.default.list_issues_iter(per_page=2)]
            first = await c.default.list_issues_pages(per_page=2)
            sizes = [len(p.items) async for p in first.iter_pages()]
            return numbers, sizes

    assert asyncio.run(main()) == ([1, 2, 3, 4, 5], [2, 2, 1])
    assert {r.header("x-api-key") for r in loopback.requests} == {"k"}


def test_the_idempotency_header_a_setting_names(
    client: Any, loopback: Loopback
) -> None:
    """``X-Request-Id`` is the idempotency header here: optional although the document
    requires it, one key per call, the same on its retry."""
    busy = Reply.json({"message": "busy"}, status=503, headers={"retry-after-ms": "1"})
    loopback.reply("POST", "/issues", busy)
    client.default.create_issue(title="a")
    client.default.create_issue(title="b", x_request_id="mine")
    keys = [r.header("x-request-id") or "" for r in loopback.requests]
    assert keys[0] == keys[1] and re.fullmatch(UUID4, keys[0])  # the retry repeats it
    assert keys[2] == "mine" and len(keys) == 3


def test_pagination_turned_off_by_a_setting(client: Any) -> None:
    assert not hasattr(client.default, "list_labels_iter")
    assert hasattr(client.default, "list_issues_iter")
    diags = Diagnostics()
    docs = load_documents(SPEC, diags)
    assert docs is not None
    spec = build_spec(docs, diags, "tracker_client", SETTINGS)
    assert [(v.pointer, v.kind, v.reason) for v in spec.pagination] == [
        ("#/paths/~1issues/get", "link_header", spec.pagination[0].reason),
        ("#/paths/~1labels/get", None, "turned off by the pagination setting"),
    ]
    assert "Link" in spec.pagination[0].reason


def test_credential_keywords_and_their_forms(tracker: ModuleType) -> None:
    """Keywords follow the naming rule (``APIKey`` -> ``api_key``, ``OAuth2`` ->
    ``oauth2``); a string for basic raises naming the pair it takes (it once sent a
    garbled header); the README shows each scheme's form."""
    keywords = set(inspect.signature(tracker.Client).parameters)
    assert {"basic", "api_key", "oauth2", "bearer"} <= keywords
    with pytest.raises(TypeError, match=r"basic takes a \(username, password\) pair"):
        tracker.Client(basic="ada:s3cret")
    with pytest.raises(TypeError, match=r"pass basic=\('username', 'password'\)"):
        tracker.AsyncClient(basic=("ada", "s3cret", "extra"))
    readme = (Path(tracker.__file__).parents[1] / "README.md").read_text()
    for form in (
        'Client(basic=("username", "password"))',
        'Client(api_key="key")',
        'Client(oauth2=("client-id", "client-secret"))',
        'Client(bearer="token")',
    ):
        assert f"`{form}`" in readme, form
