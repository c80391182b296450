"""Which list operations page, and how: a cursor query parameter fed from the response
(``after`` with ``last_id`` or the last item's ``id``; ``page`` with ``next_page``), or a
next-page link in the response. Such an operation also gets ``<method>_iter``.

Pure: it reads the operation's parameters, its success response and the fields of models.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from generator.ir import Field, Pagination, Parameter, Response, TypeRef
from generator.parse import types as T

ITEM_FIELDS = ("data", "items", "results", "entries", "records", "values", "value")
HAS_MORE_FIELDS = ("has_more", "hasMore")
ITEM_CURSOR_FIELDS = ("id",)
# Query parameters that take a cursor, each with the response fields that can feed it, in
# order of preference; "id-like" cursors fall back to the last item's id.
CURSOR_SOURCES: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("after", ("last_id", "next_cursor", "next"), True),
    ("starting_after", ("last_id", "next_cursor", "next"), True),
    ("cursor", ("next_cursor", "cursor", "next"), False),
    ("page_token", ("next_page_token", "next_page", "next_token", "next"), False),
    ("pageToken", ("nextPageToken", "next_page_token", "next"), False),
    ("next_token", ("next_token", "next"), False),
    ("continuation_token", ("continuation_token", "next"), False),
    ("page", ("next_page", "next_page_token", "next"), False),
)
LINK_FIELDS = (
    "next_url",
    "next_link",
    "nextLink",
    "@odata.nextLink",
    "next_page_url",
    "next",
)

FieldsOf = Callable[[str], Sequence[Field]]


def _plain(t: TypeRef) -> TypeRef:
    """The type without its ``None`` variant."""
    if t.kind == "union":
        rest = [i for i in t.items if i.kind != "none"]
        if len(rest) == 1:
            return rest[0]
    return t


def _is(t: TypeRef, *names: str) -> bool:
    """Whether the type is one of the primitives ``names`` (a union: all its variants)."""
    t = _plain(t)
    if t.kind == "primitive":
        return t.name in names
    variants = [i for i in t.items if i.kind != "none"]
    return (
        t.kind == "union" and bool(variants) and all(_is(i, *names) for i in variants)
    )


def _field(fields: Sequence[Field], names: Sequence[str]) -> Field | None:
    by_wire = {f.wire_name: f for f in fields}
    return next((by_wire[n] for n in names if n in by_wire), None)


def _items_field(fields: Sequence[Field]) -> Field | None:
    lists = [f for f in fields if _plain(f.type).kind == "list"]
    named = _field(lists, ITEM_FIELDS)
    return named or (lists[0] if len(lists) == 1 else None)


def detect(
    method: str,
    parameters: Sequence[Parameter],
    responses: Sequence[Response],
    fields_of: FieldsOf,
) -> Pagination | None:
    """How the operation pages, or None when it shows no pattern we can follow."""
    if method.upper() != "GET":
        return None
    success = next(
        (r for r in responses if r.is_success and r.kind == "json" and r.type), None
    )
    if success is None or success.type is None or _plain(success.type).kind != "model":
        return None
    fields = fields_of(_plain(success.type).name)
    items = _items_field(fields)
    if items is None:
        return None
    item = _plain(items.type).items[0]
    has_more = _field([f for f in fields if _is(f.type, "bool")], HAS_MORE_FIELDS)
    base = Pagination(
        items=items.name,
        item=item,
        item_annotation=T.response_annotation(item),
        has_more=has_more.name if has_more else None,
    )
    query = {p.wire_name: p for p in parameters if p.location == "query" and p.name}
    texts = [f for f in fields if _is(f.type, "str", "int")]
    for param, sources, by_item_id in CURSOR_SOURCES:
        found = query.get(param)
        if found is None or not _is(found.type, "str"):
            continue
        cursor = _field(texts, sources)
        item_cursor = _item_cursor(item, fields_of) if by_item_id else None
        if cursor is None and item_cursor is None:
            continue
        return replace(
            base,
            cursor_param=param,
            cursor=cursor.name if cursor else None,
            item_cursor=item_cursor,
        )
    link = _field([f for f in fields if _is(f.type, "str")], LINK_FIELDS)
    return replace(base, next_link=link.name) if link is not None else None


def _item_cursor(item: TypeRef, fields_of: FieldsOf) -> str | None:
    item = _plain(item)
    if item.kind != "model":
        return None
    found = _field(
        [f for f in fields_of(item.name) if _is(f.type, "str", "int")],
        ITEM_CURSOR_FIELDS,
    )
    return found.name if found else None
