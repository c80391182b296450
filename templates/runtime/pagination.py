"""Pagination: where a page keeps its items, what asks for the next page, and the page
objects a caller steps through.

A generated list method describes its operation's way of paging once, as ``Pages``; the
transports fetch pages and wrap each in a ``SyncPage`` or ``AsyncPage``. Everything but the
page objects' ``next_page`` is pure: the transports do the sending.

The kinds (docs/runtime.md, "Pagination"):

- ``cursor``: a cursor or token from the page (``cursor``), or the last item's
  ``item_cursor`` (``id``), goes back in the query parameter ``param``;
- ``next_link``: the page holds the next page's URL (``next_link``);
- ``link_header``: the response's ``Link`` header (RFC 8288) names the next page with
  ``rel="next"``; without any ``Link`` header, and with a ``param``, the page number counts
  up as for ``page`` (a Link header the document only implies);
- ``offset``: ``param`` advances by the number of items received;
- ``page``: ``param`` (the page number) counts up from the page's ``current_page``, else from
  the number sent, else from ``first_page``.

Every kind ends on an empty page, on ``has_more`` false or ``is_last`` true, on a ``total`` of
items (or ``total_pages``) reached, and on a cursor or link that is missing or does not move.
A next page on another origin is refused: that request would carry the client's credentials.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from collections.abc import Sequence
from typing import Any, Generic, NamedTuple, TypeVar

import httpx

from .errors import ApiError
from .response import RawResponse

T = TypeVar("T")


class Pages(NamedTuple):
    """How a list operation pages: its kind, its query parameter, and the response attributes
    that matter, as dotted paths of Python attribute names (``meta.next_cursor``); a plain
    dict response is read by the same keys. ``items`` is None when the response is the list.
    """

    kind: str = "cursor"
    items: str | None = None
    param: str | None = None
    cursor: str | None = None
    item_cursor: str | None = None
    has_more: str | None = None
    is_last: str | None = None
    next_link: str | None = None
    total: str | None = None
    total_pages: str | None = None
    current_page: str | None = None
    first_page: int = 1


class NextPage(NamedTuple):
    """How to ask for the next page: ``param`` set to ``value``, or the URL ``url``."""

    param: str | None = None
    value: object = None
    url: str | None = None


def attribute(obj: object, path: str | None) -> object:
    """A dotted path of model attributes or mapping keys; None when any step is absent."""
    if path is None:
        return None
    for name in path.split("."):
        obj = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def items_of(page: object, pages: Pages) -> Sequence[Any]:
    """The page's items; an absent or null list counts as an empty page."""
    found = page if pages.items is None else attribute(page, pages.items)
    if isinstance(found, Sequence) and not isinstance(found, (str, bytes)):
        return found
    return ()


def _text(value: object) -> str | None:
    """A cursor or link as text; None for a missing, empty or structured value."""
    if value is None or value == "":
        return None
    if isinstance(value, (Mapping, Sequence)) and not isinstance(value, str):
        return None
    return str(value)


def _number(value: object) -> int | None:
    """A count or page number from a page or a parameter; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def link_header_next(response: httpx.Response) -> str | None:
    """The target of the ``Link`` header's ``rel="next"`` (RFC 8288: relation types are
    space-separated and compared without case), resolved against the request's URL."""
    for link in response.links.values():
        if "next" in str(link.get("rel", "")).lower().split():
            target = link.get("url")
            return str(response.url.join(target)) if target else None
    return None


def next_page(
    page: object,
    pages: Pages,
    response: httpx.Response,
    sent: object = None,
    seen: int = 0,
) -> NextPage | None:
    """What asks for the page after ``page`` (read from ``response``, asked for with ``sent``
    in ``pages.param``, after ``seen`` items on the pages before it), or None at the end.
    """
    items = items_of(page, pages)
    if not items or attribute(page, pages.has_more) is False:
        return None
    if attribute(page, pages.is_last) is True:
        return None
    if pages.kind == "link_header":
        link = link_header_next(response)
        if link is not None:
            return None if link == str(response.url) else NextPage(url=link)
        if "link" in response.headers or pages.param is None:
            return None
        return _next_number(page, pages, sent, seen + len(items))
    if pages.kind == "next_link":
        link = _text(attribute(page, pages.next_link))
        if link is None:
            return None
        target = str(response.url.join(link))
        return None if target == str(response.url) else NextPage(url=target)
    if pages.kind == "offset" and pages.param is not None:
        start = _number(sent) or 0
        total = _number(attribute(page, pages.total))
        if total is not None and start + len(items) >= total:
            return None
        return NextPage(pages.param, start + len(items))
    if pages.kind == "page":
        return _next_number(page, pages, sent, seen + len(items))
    if pages.param is None:
        return None
    cursor = _text(attribute(page, pages.cursor))
    if cursor is None and pages.item_cursor:
        cursor = _text(attribute(items[-1], pages.item_cursor))
    if cursor is None or cursor == _text(sent):
        return None
    return NextPage(pages.param, cursor)


def _next_number(
    page: object, pages: Pages, sent: object, seen: int
) -> NextPage | None:
    """The next page number, unless the totals say this page was the last."""
    if pages.param is None:
        return None
    current = _number(attribute(page, pages.current_page))
    if current is None:
        current = _number(sent)
    if current is None:
        current = pages.first_page
    total_pages = _number(attribute(page, pages.total_pages))
    if total_pages is not None and current - pages.first_page + 1 >= total_pages:
        return None
    total = _number(attribute(page, pages.total))
    if total is not None and seen >= total:
        return None
    return NextPage(pages.param, current + 1)


def check_origin(url: httpx.URL, target: str) -> None:
    """Refuse a next page on another origin (scheme, host or port) than ``url``'s: the
    request would carry the client's credentials there."""
    found = httpx.URL(target)
    if (found.scheme, found.host, found.port) != (url.scheme, url.host, url.port):
        raise ApiError(
            f"the next page is on another origin ({found.scheme}://{found.host}) "
            f"than this one ({url.scheme}://{url.host}); not followed, so that the "
            "credentials go only where they were meant to"
        )


class _Page(Generic[T]):
    """What the sync and async pages share: this page's items, the parsed response
    (``parsed``) and the raw one (``raw``), and whether a next page follows."""

    def __init__(
        self, raw: RawResponse[Any], pages: Pages, sent: object, seen: int
    ) -> None:
        self.raw = raw
        self.parsed: Any = raw.parse()
        self.items: list[T] = list(items_of(self.parsed, pages))
        self._pages = pages
        self._sent = sent
        self._seen = seen
        self._next: NextPage | None = None
        self._looked = False

    def has_next_page(self) -> bool:
        """Whether another page follows, as far as this one tells: with no total in the
        response, the page after the last full one may turn out empty."""
        return self._following() is not None

    def _following(self) -> NextPage | None:
        if not self._looked:
            self._next = next_page(
                self.parsed, self._pages, self.raw.http_response, self._sent, self._seen
            )
            self._looked = True
        return self._next

    def _checked_next(self) -> NextPage:
        found = self._following()
        if found is None:
            raise ApiError("this is the last page: check has_next_page() first")
        if found.url is not None:
            check_origin(self.raw.http_response.url, found.url)
        return found

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{len(self.items)} items]>"


class SyncPage(_Page[T]):
    """One page of a list operation: ``items``, ``parsed`` (the response model), ``raw``
    (status, headers, body); ``next_page()`` fetches the next one, ``iter_pages()`` walks
    from this page to the last."""

    def __init__(
        self,
        raw: RawResponse[Any],
        pages: Pages,
        fetch: Callable[[NextPage, int], SyncPage[T]],
        sent: object = None,
        seen: int = 0,
    ) -> None:
        super().__init__(raw, pages, sent, seen)
        self._fetch = fetch

    def next_page(self) -> SyncPage[T]:
        """The next page, fetched now; ``ApiError`` when there is none."""
        return self._fetch(self._checked_next(), self._seen + len(self.items))

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        """This page and every page after it, each fetched when the one before is done."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.next_page()


class AsyncPage(_Page[T]):
    """``SyncPage`` for the async client: ``await page.next_page()``, ``async for`` over
    ``iter_pages()``."""

    def __init__(
        self,
        raw: RawResponse[Any],
        pages: Pages,
        fetch: Callable[[NextPage, int], Awaitable[AsyncPage[T]]],
        sent: object = None,
        seen: int = 0,
    ) -> None:
        super().__init__(raw, pages, sent, seen)
        self._fetch = fetch

    async def next_page(self) -> AsyncPage[T]:
        """The next page, fetched now; ``ApiError`` when there is none."""
        return await self._fetch(self._checked_next(), self._seen + len(self.items))

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """This page and every page after it, each fetched when the one before is done."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.next_page()
