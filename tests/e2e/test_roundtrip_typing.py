"""The round-trip client passes ``mypy --strict``, and so does code calling it the documented
ways; a wrong media type or a missing upload is caught by the type checker."""

from __future__ import annotations

from pathlib import Path

from clientgen import mypy_strict

USAGE = """
from collections.abc import Iterator
from pathlib import Path

from roundtrip_client import AsyncClient, AsyncPage, Client, SyncPage, server_url
from roundtrip_client.models import Echo, Item, Note


def pages(c: Client) -> list[Item]:
    first: SyncPage[Item] = c.pages.list_items_pages(limit=2)
    if first.has_next_page():
        return first.next_page().items
    return [item for page in first.iter_pages() for item in page.items]


async def async_pages(c: AsyncClient) -> list[Item]:
    first: AsyncPage[Item] = await c.pages.list_items_pages()
    return [item async for page in first.iter_pages() for item in page.items]


def calls(c: Client, path: Path) -> Iterator[Item]:
    c.bodies.choice_body(title="t", content_type="application/json")
    c.bodies.multipart_body(name="n", file=("a.txt", b"x", "text/plain"))
    c.bodies.multipart_body(name="n", file=path, attachments=[b"a", open(path, "rb")])
    c.bodies.json_body(body={"title": "t", "tags": ["a"]}, timeout=2.0)
    c.bodies.json_body(body=Note(title="t"), extra_body={"x": 1})
    echoed: Echo = c.params.query_styles(limit=1, filter={"range": {"min": 1}})
    data: bytes = c.responses.download()
    with c.responses.with_streaming_response.download() as response:
        chunks = list(response.iter_bytes())
    with c.streams.create_events_stream(prompt="p") as events:
        texts = [e.text for e in events]
    del echoed, data, chunks, texts
    return c.pages.list_items_iter(limit=2)


async def async_calls(c: AsyncClient) -> list[str]:
    await c.auth.bearer_auth()
    ids = [item.id async for item in c.pages.list_items_iter()]
    return ids + [e.type async for e in c.streams.transcribe_stream(file=b"x")]


Client(base_url=server_url(base="v2"), basic=("u", "p"), client_credentials=("i", "s"))
"""

WRONG = """
from roundtrip_client import Client

c = Client()
c.bodies.choice_body(title="t", content_type="text/plain")
c.bodies.multipart_body(name="n")
"""


def test_generated_client_and_its_use_pass_mypy_strict(roundtrip_dir: Path) -> None:
    (roundtrip_dir / "usage.py").write_text(USAGE)
    (roundtrip_dir / "wrong.py").write_text(WRONG)
    done = mypy_strict(roundtrip_dir, "roundtrip_client", "usage.py")
    assert done.returncode == 0, done.stdout + done.stderr
    wrong = mypy_strict(roundtrip_dir, "wrong.py")
    assert 'No overload variant of "choice_body"' in wrong.stdout, wrong.stdout
    assert "wrong.py:6: error" in wrong.stdout, wrong.stdout
