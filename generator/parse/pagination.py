"""Which list operations page, and how; such an operation also gets ``<method>_iter`` and
``<method>_pages``.

A GET whose success response is an array, or an object with a list of items (one named like
``data`` or ``items``, or its only list when the operation shows signs of paging), is
list-like; so is one whose response's only field is such an object (``{"artists": {"items":
[...], "next": ...}}``).
Its kind of pagination is inferred from its query parameters, its response's fields and
declared headers, in this order of precedence (docs/runtime.md, "Pagination"):

1. ``link_header``: the response declares a ``Link`` header (RFC 8288);
2. ``cursor``: a cursor or token in the body goes back in a query parameter (``after`` with
   ``last_id`` or the last item's ``id``, ``cursor`` with ``next_cursor``, ``page_token`` with
   ``next_page_token``, ``marker`` with ``next_marker``...);
3. ``next_link``: the body holds the next page's URL (``next``, ``links.next``...);
4. ``offset`` with an end in the body (a total, ``isLast``, ``has_more``);
5. ``page`` numbers with an end in the body (a total of items or of pages...);
6. ``link_header`` implied: an array response with a page-number parameter (the GitHub way);
7. ``offset``, then ``page``, ending at an empty page.

Inference never guesses silently: every list-like operation gets a ``PagingVerdict`` for
``--report``, with the kind (or None) and the reason. A ``pagination`` setting names the kind
and the fields where inference cannot (``from_setting``).

Pure: it reads the operation's parameters, its success response and the fields of models.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from generator.ir import Field, Pagination, PagingKind, Parameter, Response, TypeRef
from generator.parse import types as T

FieldsOf = Callable[[str], Sequence[Field]]

ITEM_FIELDS = (
    "data",
    "items",
    "results",
    "entries",
    "records",
    "values",
    "value",
    "elements",
    "content",
)
HAS_MORE_FIELDS = (
    "has_more",
    "hasMore",
    "more",
    "has_next",
    "hasNext",
    "has_next_page",
    "hasNextPage",
    "meta.has_more",
    "pagination.has_more",
    "page_info.has_next_page",
    "pageInfo.hasNextPage",
)
IS_LAST_FIELDS = ("isLast", "is_last", "last", "last_page_reached")
# Query parameters that take a cursor (string-typed), each with the response fields that can
# feed it, in order of preference; "by item" cursors fall back to the last item's id.
CURSOR_SOURCES: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    (
        "after",
        ("last_id", "next_cursor", "cursors.after", "paging.cursors.after", "next"),
        True,
    ),
    ("starting_after", ("last_id", "next_cursor", "next"), True),
    (
        "cursor",
        (
            "next_cursor",
            "cursor",
            "next",
            "response_metadata.next_cursor",
            "meta.next_cursor",
            "pagination.next_cursor",
        ),
        False,
    ),
    ("start_cursor", ("next_cursor",), False),
    ("page_token", ("next_page_token", "next_page", "next_token", "next"), False),
    ("pageToken", ("nextPageToken", "next_page_token", "next"), False),
    ("next_token", ("next_token", "next"), False),
    ("nextToken", ("nextToken",), False),
    ("continuation_token", ("continuation_token", "next"), False),
    ("continuationToken", ("continuationToken",), False),
    ("marker", ("next_marker", "nextMarker"), False),
    # an ``offset`` of type string is an opaque token (Asana's next_page.offset)
    ("offset", ("next_page.offset", "next_offset"), False),
    ("page", ("next_page", "next_page_token"), False),
)
# Beyond that table, a string parameter named like a token takes the response field of its
# own name (Mistral's next_page_token, Asana's sync), and any string parameter ``x`` takes a
# response field ``next_x`` or ``nextX`` (Box's stream_position and next_stream_position).
TOKEN_WORDS = ("token", "cursor", "marker", "position", "sync", "continuation")
ITEM_CURSOR_FIELDS = ("id",)
LINK_FIELDS = (
    "next_url",
    "next_link",
    "nextLink",
    "@odata.nextLink",
    "odata.nextLink",
    "next_page_url",
    "nextPageUrl",
    "next_page_uri",
    "next",
    "links.next",
    "links.next.href",
    "_links.next.href",
    "_links.next",
    "links.pages.next",
    "meta.next_page_url",
    "meta.next",
    "paging.next",
    "pagination.next",
    "pagination.next_url",
    "next_page.uri",
)
OFFSET_PARAMS = ("offset", "startAt", "start_at", "startIndex", "start_index", "skip")
PAGE_PARAMS = ("page", "page_number", "pageNumber")
SIZE_PARAMS = (
    "limit",
    "maxResults",
    "max_results",
    "per_page",
    "perPage",
    "page_size",
    "pageSize",
    "size",
    "count",
    "take",
    "top",
)
TOTAL_FIELDS = (
    "total",
    "total_count",
    "totalCount",
    "total_results",
    "totalResults",
    "total_entries",
    "totalElements",
    "total_size",
    "totalSize",
    "meta.total",
    "meta.total_count",
    "pagination.total",
    "paging.total",
)
TOTAL_PAGES_FIELDS = (
    "pages",
    "total_pages",
    "totalPages",
    "page_count",
    "pageCount",
    "last_page",
    "meta.pages",
    "meta.total_pages",
    "meta.last_page",
    "pagination.pages",
    "pagination.total_pages",
)
CURRENT_PAGE_FIELDS = (
    "page",
    "current_page",
    "currentPage",
    "page_number",
    "pageNumber",
    "number",
    "meta.page",
    "meta.current_page",
    "pagination.page",
    "pagination.current_page",
)


@dataclass(frozen=True)
class _Found:
    """A response field found by its wire path: the Python attribute path and its type."""

    path: str
    wire: str
    type: TypeRef


@dataclass(frozen=True)
class _ListResponse:
    """A list-like response: its fields (none for an array), the items (None for an array),
    their type, the headers it declares (lower case), and ``within``, the wire name of the
    response's only field when the list is in there (paging fields are looked for beside
    the items)."""

    fields: Sequence[Field]
    items: _Found | None
    item: TypeRef
    headers: frozenset[str]
    within: str = ""


def plain(t: TypeRef) -> TypeRef:
    """The type without its ``None`` variant."""
    if t.kind == "union":
        rest = [i for i in t.items if i.kind != "none"]
        if len(rest) == 1:
            return rest[0]
    return t


def _is(t: TypeRef, *names: str) -> bool:
    """Whether the type is one of the primitives ``names`` (a union: all its variants)."""
    t = plain(t)
    if t.kind == "primitive":
        return t.name in names
    variants = [i for i in t.items if i.kind != "none"]
    return (
        t.kind == "union" and bool(variants) and all(_is(i, *names) for i in variants)
    )


def _fields_in(t: TypeRef, fields_of: FieldsOf) -> list[Field]:
    """The fields of a model type, or of every model variant of a union."""
    t = plain(t)
    if t.kind == "model":
        return list(fields_of(t.name))
    return [f for i in t.items if t.kind == "union" for f in _fields_in(i, fields_of)]


def find(fields: Sequence[Field], wire_path: str, fields_of: FieldsOf) -> _Found | None:
    """The field at a dotted wire path (``meta.next``), into nested objects; a wire name
    that holds a dot itself (``@odata.nextLink``) matches whole."""
    parts = wire_path.split(".")
    names: list[str] = []
    found: Field | None = None
    current = list(fields)
    while parts:
        for take in range(len(parts), 0, -1):
            found = next(
                (f for f in current if f.wire_name == ".".join(parts[:take])), None
            )
            if found is not None:
                break
        if found is None:
            return None
        names.append(found.name)
        parts = parts[take:]
        current = _fields_in(found.type, fields_of)
    assert found is not None
    return _Found(".".join(names), wire_path, found.type)


def _look(
    response: _ListResponse,
    candidates: Sequence[str],
    fields_of: FieldsOf,
    *types: str,
) -> _Found | None:
    """The first candidate field beside the items, of one of the primitive ``types``."""
    for candidate in candidates:
        wire = f"{response.within}.{candidate}" if response.within else candidate
        found = find(response.fields, wire, fields_of)
        if found is not None and _is(found.type, *types):
            return found
    return None


def _success(responses: Sequence[Response]) -> Response | None:
    return next(
        (r for r in responses if r.is_success and r.kind == "json" and r.type), None
    )


def _list_response(
    method: str, responses: Sequence[Response], fields_of: FieldsOf
) -> _ListResponse | None:
    """The success response of a list-like operation, or None."""
    success = _success(responses)
    if method.upper() != "GET" or success is None or success.type is None:
        return None
    headers = frozenset(h.name.lower() for h in success.headers)
    body = plain(success.type)
    if body.kind == "list":
        return _ListResponse((), None, body.items[0], headers)
    fields = _fields_in(body, fields_of) if body.kind == "model" else []
    within = ""
    items = _items_in(fields, fields, within, fields_of)
    if items is None and len(fields) == 1 and plain(fields[0].type).kind == "model":
        within = fields[0].wire_name
        inner = _fields_in(fields[0].type, fields_of)
        items = _items_in(fields, inner, within, fields_of)
    if items is None:
        return None
    return _ListResponse(fields, items, plain(items.type).items[0], headers, within)


def _items_in(
    top: Sequence[Field], fields: Sequence[Field], within: str, fields_of: FieldsOf
) -> _Found | None:
    """The list of items among ``fields`` (the one named like items, else the only list),
    found from the response's ``top`` fields."""
    lists = [f for f in fields if plain(f.type).kind == "list"]
    named = next((f for n in ITEM_FIELDS for f in lists if f.wire_name == n), None)
    items = named or (lists[0] if len(lists) == 1 else None)
    if items is None:
        return None
    return find(
        top, f"{within}.{items.wire_name}" if within else items.wire_name, fields_of
    )


def infer(
    method: str,
    parameters: Sequence[Parameter],
    responses: Sequence[Response],
    fields_of: FieldsOf,
) -> tuple[Pagination | None, str] | None:
    """How a list-like operation pages and why, or why it does not (``None`` and the
    reason); None when the operation is not list-like."""
    found = _list_response(method, responses, fields_of)
    if found is None:
        return None
    query = {p.wire_name: p for p in parameters if p.location == "query" and p.name}
    paging, reason = _infer(found, query, fields_of)
    named = found.items is None or found.items.wire.split(".")[-1] in ITEM_FIELDS
    if paging is None and not named and reason == NOTHING_TO_PAGE_BY:
        return None  # a lone list whose name says nothing, and no sign of paging
    return paging, reason


def _infer(
    response: _ListResponse, query: Mapping[str, Parameter], fields_of: FieldsOf
) -> tuple[Pagination | None, str]:
    ends = _ends(response, fields_of)
    page_param = _param(query, PAGE_PARAMS, "int")
    total = _look(response, TOTAL_FIELDS, fields_of, "int")
    pages = _look(response, TOTAL_PAGES_FIELDS, fields_of, "int")
    current = _look(response, CURRENT_PAGE_FIELDS, fields_of, "int")

    def numbered(kind: PagingKind) -> Pagination:
        default = query[page_param].default if page_param else None
        return _make(
            response,
            kind,
            ends,
            param=page_param,
            total=total,
            total_pages=pages,
            current_page=current,
            first_page=default if type(default) is int and default in (0, 1) else 1,
        )

    if "link" in response.headers:
        return numbered("link_header"), "the response declares a Link header (RFC 8288)"
    cursor = _cursor(response, query, fields_of, ends)
    if cursor is not None:
        return cursor
    link = _look(response, LINK_FIELDS, fields_of, "str")
    if link is not None:
        paging = _make(response, "next_link", ends, next_link=link)
        return paging, f"the response's `{link.wire}` holds the next page's URL"
    offset = _param(query, OFFSET_PARAMS, "int")
    size = _param(query, SIZE_PARAMS, "int")
    if offset is not None and size is not None and (total or ends):
        paging = _make(response, "offset", ends, param=offset, total=total)
        return paging, f"`{offset}` advances by the items received; {_end(total, ends)}"
    if page_param is not None and (total or pages or ends):
        return (
            numbered("page"),
            f"`{page_param}` counts up; {_end(total or pages, ends)}",
        )
    if page_param is not None and response.items is None:
        return numbered("link_header"), (
            f"an array response with a `{page_param}` parameter: the next page is the "
            f"Link header's rel=next (RFC 8288), else `{page_param}` counts up until an "
            "empty page"
        )
    if offset is not None and size is not None:
        paging = _make(response, "offset", ends, param=offset)
        return paging, f"`{offset}` advances by the items received until an empty page"
    if page_param is not None:
        return numbered("page"), f"`{page_param}` counts up until an empty page"
    return None, _why_not(response, query, fields_of)


def _ends(response: _ListResponse, fields_of: FieldsOf) -> dict[str, str]:
    """The boolean fields that say whether more pages follow: ``has_more``, ``is_last``."""
    ends = {}
    has_more = _look(response, HAS_MORE_FIELDS, fields_of, "bool")
    if has_more is not None:
        ends["has_more"] = has_more.path
    is_last = _look(response, IS_LAST_FIELDS, fields_of, "bool")
    if is_last is not None:
        ends["is_last"] = is_last.path
    return ends


def _end(total: _Found | None, ends: Mapping[str, str]) -> str:
    if total is not None:
        return f"`{total.wire}` ends it"
    return " or ".join(f"`{path}`" for path in ends.values()) + " ends it"


def _param(
    query: Mapping[str, Parameter], names: Sequence[str], kind: str
) -> str | None:
    return next((n for n in names if n in query and _is(query[n].type, kind)), None)


def _cursor(
    response: _ListResponse,
    query: Mapping[str, Parameter],
    fields_of: FieldsOf,
    ends: Mapping[str, str],
) -> tuple[Pagination, str] | None:
    for param, sources, by_item in CURSOR_SOURCES:
        if param not in query or not _is(query[param].type, "str"):
            continue
        cursor = _look(response, sources, fields_of, "str", "int")
        item_cursor = _item_cursor(response.item, fields_of) if by_item else None
        if cursor is None and item_cursor is None:
            continue
        paging = _make(
            response,
            "cursor",
            ends,
            param=param,
            cursor=cursor,
            item_cursor=item_cursor,
        )
        source = f"`{cursor.wire}`" if cursor else f"the last item's `{item_cursor}`"
        return paging, _takes(param, source, ends)
    for param, found in query.items():
        if not _is(found.type, "str"):
            continue
        camel = "next" + param[:1].upper() + param[1:]
        own = (param,) if any(w in param.lower() for w in TOKEN_WORDS) else ()
        cursor = _look(
            response, (f"next_{param}", camel, *own), fields_of, "str", "int"
        )
        if cursor is not None:
            paging = _make(response, "cursor", ends, param=param, cursor=cursor)
            return paging, _takes(param, f"`{cursor.wire}`", ends)
    return None


def _takes(param: str, source: str, ends: Mapping[str, str]) -> str:
    return f"`{param}` takes {source}" + (f"; {_end(None, ends)}" if ends else "")


def _item_cursor(item: TypeRef, fields_of: FieldsOf) -> str | None:
    for name in ITEM_CURSOR_FIELDS:
        found = find(_fields_in(item, fields_of), name, fields_of)
        if found is not None and _is(found.type, "str", "int"):
            return found.path
    return None


def _make(
    response: _ListResponse,
    kind: PagingKind,
    ends: Mapping[str, str],
    *,
    param: str | None = None,
    cursor: _Found | None = None,
    item_cursor: str | None = None,
    next_link: _Found | None = None,
    total: _Found | None = None,
    total_pages: _Found | None = None,
    current_page: _Found | None = None,
    first_page: int = 1,
) -> Pagination:
    return Pagination(
        kind=kind,
        item=response.item,
        item_annotation=T.response_annotation(response.item),
        items=response.items.path if response.items else None,
        param=param,
        cursor=cursor.path if cursor else None,
        item_cursor=item_cursor,
        has_more=ends.get("has_more"),
        is_last=ends.get("is_last"),
        next_link=next_link.path if next_link else None,
        total=total.path if total else None,
        total_pages=total_pages.path if total_pages else None,
        current_page=current_page.path if current_page else None,
        first_page=first_page,
    )


NOTHING_TO_PAGE_BY = (
    "no query parameter asks for a page and the response holds no cursor, next link or "
    "Link header: one request returns the whole list"
)


def _why_not(
    response: _ListResponse, query: Mapping[str, Parameter], fields_of: FieldsOf
) -> str:
    """Why a list-like operation gets no ``_iter``: what it has, and what it lacks."""
    cursors = tuple(source for _, sources, _ in CURSOR_SOURCES for source in sources)
    for candidates in (cursors, HAS_MORE_FIELDS, TOTAL_FIELDS, TOTAL_PAGES_FIELDS):
        found = _look(response, candidates, fields_of, "str", "int", "float", "bool")
        if found is not None:
            return (
                f"the response has `{found.wire}` but no query parameter asks for a "
                "page with it (a cursor, an offset or a page number)"
            )
    named = [n for n in (*OFFSET_PARAMS, *PAGE_PARAMS) if n in query]
    if named:
        return f"`{named[0]}` is no number, and the response holds no cursor"
    return NOTHING_TO_PAGE_BY


def from_setting(
    setting: Mapping[str, str],
    responses: Sequence[Response],
    fields_of: FieldsOf,
) -> tuple[Pagination | None, str]:
    """A ``pagination`` setting made into the operation's pagination, and the reason; or
    None and what in the setting does not fit the operation. Field names are the
    response's, dotted into nested objects; a parameter the document does not declare is
    sent all the same."""
    kind = setting["kind"]
    needs = {"cursor": "param", "offset": "param", "page": "param", "next_link": "next"}
    if kind in needs and needs[kind] not in setting:
        return None, f"pagination setting: kind {kind!r} needs {needs[kind]!r}"
    if kind == "cursor" and not {"cursor", "item-cursor"} & set(setting):
        return None, "pagination setting: kind 'cursor' needs 'cursor' or 'item-cursor'"
    response = _setting_response(setting.get("items"), responses, fields_of)
    if isinstance(response, str):
        return None, response
    resolved: dict[str, _Found | None] = {}
    for key in ("cursor", "has-more", "is-last", "next", "total", "total-pages"):
        wire = setting.get(key)
        resolved[key] = find(response.fields, wire, fields_of) if wire else None
        if wire and resolved[key] is None:
            return None, f"pagination setting: the response has no field {wire!r}"
    item_wire = setting.get("item-cursor")
    item_cursor = (
        find(_fields_in(response.item, fields_of), item_wire, fields_of)
        if item_wire
        else None
    )
    if item_wire and item_cursor is None:
        return None, f"pagination setting: the items have no field {item_wire!r}"
    paging = _make(
        response,
        kind,  # type: ignore[arg-type]  # one of the kinds: checked when read
        {
            end: found.path
            for end, found in (
                ("has_more", resolved["has-more"]),
                ("is_last", resolved["is-last"]),
            )
            if found is not None
        },
        param=setting.get("param"),
        cursor=resolved["cursor"],
        item_cursor=item_cursor.path if item_cursor else None,
        next_link=resolved["next"],
        total=resolved["total"],
        total_pages=resolved["total-pages"],
    )
    return paging, "named by the pagination setting"


def _setting_response(
    items: str | None, responses: Sequence[Response], fields_of: FieldsOf
) -> _ListResponse | str:
    """The success response, with the items the setting names (dotted from the response's
    top) or else those inference finds; a message when there are none."""
    if items is None:
        found = _list_response("GET", responses, fields_of)
        return (
            found or "pagination setting: the response holds no list of items; name it"
        )
    success = _success(responses)
    fields = _fields_in(success.type, fields_of) if success and success.type else []
    listed = find(fields, items, fields_of)
    if success is None or listed is None or plain(listed.type).kind != "list":
        return f"pagination setting: the response has no list {items!r}"
    headers = frozenset(h.name.lower() for h in success.headers)
    return _ListResponse(fields, listed, plain(listed.type).items[0], headers)
