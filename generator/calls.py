"""How a generated method hands its operation to the runtime: the keyword arguments of the
runtime's ``Call`` (with its ``Param`` and ``ResponseType`` items) and of ``Pages``.

The runtime's field names are written here and nowhere else in the generator, so that renaming
one changes the runtime and this module, not the templates (which lay the arguments out with
the ``call_arguments`` and ``pages_arguments`` filters). The golden client's ``mypy --strict``
run holds the two to each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from generator.imports import at_run_time
from generator.ir import Api, Operation, Pagination, Parameter, Response, Scalar

#: One keyword argument: its name and its value, as code, or as the items of a list that
#: the template lays out a line each.
Argument = tuple[str, str | tuple[str, ...]]

#: ``Pages`` keyword arguments taken as they are from ``Pagination``'s attributes.
_PAGES_PATHS = (
    "items",
    "param",
    "cursor",
    "item_cursor",
    "has_more",
    "is_last",
    "next_link",
    "total",
    "total_pages",
    "current_page",
)


def _code(value: Scalar) -> str:
    """A string as a Python literal (``repr`` escapes every control character)."""
    return repr(str(value))


def call_arguments(
    op: Operation, responses: Sequence[Response], stream: bool, api: Api | None = None
) -> tuple[Argument, ...]:
    """The keyword arguments of ``op``'s ``Call``, declaring ``responses``; ``stream`` for
    ``<method>_stream``, which asks for the stream's media type and sets its switch."""
    found: list[Argument] = [("method", _code(op.method)), ("path", _code(op.path))]
    if op.parameters:
        found.append(("params", tuple(_param(p) for p in op.parameters)))
    body = op.body
    if body:
        found.append(("body", "_payload" if body.fields else "body"))
        found.append(("body_kind", _code(body.kind)))
        if body.choices:
            found.append(("content_type", "content_type"))
            found.append(
                (
                    "media_kinds",
                    tuple(
                        f"({_code(c.content_type)}, {_code(c.kind)})"
                        for c in body.choices
                    ),
                )
            )
        else:
            found.append(("content_type", _code(body.content_type)))
        if body.encoding_map:
            found.append(("encoding", repr(body.encoding_map)))
    if op.server_url:
        found.append(("base_url", _code(op.server_url)))
    found.append(("security", repr(op.security)))
    if op.array_format != "indices":
        found.append(("array_format", _code(op.array_format)))
    if op.idempotency_header:
        found.append(("idempotency_header", _code(op.idempotency_header)))
    found.append(
        (
            "responses",
            tuple(_response(r, api) for r in responses) if responses else "[]",
        )
    )
    if stream and op.stream and op.stream.kind != "sse":
        found.append(("accept", _code(op.stream.media_type)))
    found.append(("extra_headers", "extra_headers"))
    found.append(("extra_query", "extra_query"))
    if stream and op.stream and op.stream.switch:
        switch = f"{_code(op.stream.switch)}: {op.stream.value!r}"
        found.append(("extra_body", "{" + switch + ", **(extra_body or {})}"))
    else:
        found.append(("extra_body", "extra_body"))
    found.append(("timeout", "timeout"))
    found.append(("max_retries", "max_retries"))
    found.append(("strict_response_validation", "strict_response_validation"))
    return tuple(found)


def _param(p: Parameter) -> str:
    """``Param(location, wire name, value, ...)``; a parameter without a name (a constant)
    sends its annotation's one value."""
    keywords = _keywords(
        [
            ("style", _code(p.style) if p.style else None),
            ("explode", repr(p.explode) if p.explode is not None else None),
            ("allow_reserved", "True" if p.allow_reserved else None),
            ("array_format", _code(p.array_format) if p.array_format else None),
            ("content_type", _code(p.content_type) if p.content_type else None),
            ("encoding", repr(p.encoding_map) if p.encoding_map else None),
        ]
    )
    value = p.name if p.name else p.annotation
    return f"Param({_code(p.location)}, {_code(p.wire_name)}, {value}{keywords})"


def _response(r: Response, api: Api | None) -> str:
    """``ResponseType(status, kind, type, media_type=...)``: the type only where the runtime
    parses into it, the media type only where it is not JSON's."""
    typed = r.type is not None and r.kind not in ("sse", "text", "binary")
    media = r.kind not in ("json", "empty") and r.content_type
    keywords = _keywords([("media_type", _code(r.content_type) if media else None)])
    # read at run time from the lazy models package (imports.at_run_time) inside an API module
    code = at_run_time(r.annotation, api) if api is not None else r.annotation
    annotation = f", {code}" if typed else ""
    return f"ResponseType({_code(r.status)}, {_code(r.kind)}{annotation}{keywords})"


def _keywords(pairs: Iterable[tuple[str, str | None]]) -> str:
    return "".join(f", {name}={value}" for name, value in pairs if value is not None)


def pages_arguments(pages: Pagination) -> tuple[Argument, ...]:
    """The keyword arguments of an operation's ``Pages``: its kind, the paths it names, and
    the first page's number when it is not 1."""
    found: list[Argument] = [("kind", _code(pages.kind))]
    for name in _PAGES_PATHS:
        path = getattr(pages, name)
        if path is not None:
            found.append((name, _code(path)))
    if pages.first_page != 1:
        found.append(("first_page", str(pages.first_page)))
    return tuple(found)
