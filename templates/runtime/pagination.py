"""Cursor and next-link pagination: where a page keeps its items, and what the next page is.

A generated ``<method>_iter`` describes its list operation's pattern once, as ``Pages``; the
transports loop over ``items_of`` and ``next_page`` until ``next_page`` says there is no more.
Everything here is pure: the transports do the sending.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import httpx

from .errors import ApiError


@dataclass(frozen=True)
class Pages:
    """Where a list response keeps its items and its way to the next page.

    Attribute names are those of the response model (the Python names); a plain dict
    response is read by the same keys.

    - Cursor pagination: ``cursor_param`` is the query parameter that takes the cursor;
      the cursor is the page's ``cursor`` attribute (``last_id``, ``next_page``) or, when
      the page has none, the last item's ``item_cursor`` attribute (``id``).
    - Link pagination: ``next_link`` is the attribute holding the next page's URL,
      absolute or relative to the URL that returned the page.

    ``has_more``, when the page has it, ends the iteration when false; so does an empty
    page, a missing cursor or link, and a cursor or link that does not move.
    """

    items: str
    cursor_param: str | None = None
    cursor: str | None = None
    item_cursor: str | None = None
    has_more: str | None = None
    next_link: str | None = None


@dataclass(frozen=True)
class NextPage:
    """How to ask for the next page: a cursor value for ``Pages.cursor_param``, or a URL."""

    cursor: str | None = None
    url: str | None = None


def attribute(obj: object, name: str) -> object:
    """A model attribute or a mapping key; None when absent."""
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def items_of(page: object, pages: Pages) -> Sequence[object]:
    """The page's items; an absent or null list counts as an empty page."""
    found = attribute(page, pages.items)
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


def next_page(
    page: object, pages: Pages, url: httpx.URL, cursor_sent: object
) -> NextPage | None:
    """What fetches the page after ``page`` (returned for ``url``, asked for with
    ``cursor_sent``), or None at the end. A next-page link to another origin raises
    ``ApiError`` rather than send the credentials there."""
    items = items_of(page, pages)
    if not items:
        return None
    if pages.has_more is not None and attribute(page, pages.has_more) is False:
        return None
    if pages.next_link is not None:
        link = _text(attribute(page, pages.next_link))
        if link is None:
            return None
        target = url.join(link)
        if (target.scheme, target.host, target.port) != (
            url.scheme,
            url.host,
            url.port,
        ):
            # The next request would carry the client's credentials to that host.
            raise ApiError(
                f"the next page is on another origin ({target.scheme}://{target.host}) "
                f"than this one ({url.scheme}://{url.host}); not followed, so that the "
                "credentials go only where they were meant to"
            )
        return None if target == url else NextPage(url=str(target))
    if pages.cursor_param is None:
        return None
    cursor = _text(attribute(page, pages.cursor)) if pages.cursor else None
    if cursor is None and pages.item_cursor:
        cursor = _text(attribute(items[-1], pages.item_cursor))
    if cursor is None or cursor == cursor_sent:
        return None
    return NextPage(cursor=cursor)
