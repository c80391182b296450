"""Request bodies: JSON, form-urlencoded, multipart, raw binary and text.

Requests are encoded as given, never validated: dicts and lists go straight to the
C JSON encoder, and pydantic models are only dumped.
"""

from __future__ import annotations

import base64
import datetime
import enum
import json
import mimetypes
import os
import uuid
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, NamedTuple, Union
from urllib.parse import quote

import pydantic

from ._types import NotGiven
from .params import join_query, nested_fields, nested_pairs, query_pairs, to_text

FilePart = tuple[Union[str, None], Union[bytes, IO[bytes]], Union[str, None]]
"""(filename, content, content type) as httpx's ``files=`` takes it; a None filename
and content type make a plain text field."""


class EncodedBody(NamedTuple):
    """A request body ready for httpx: ``content`` or multipart ``files``."""

    content: bytes | None = None
    files: list[tuple[str, FilePart]] | None = None
    content_type: str | None = None  # None for multipart: httpx adds the boundary


def strip_not_given(mapping: Mapping[str, object]) -> dict[str, object]:
    """The mapping without its NOT_GIVEN values (top level only)."""
    return {k: v for k, v in mapping.items() if not isinstance(v, NotGiven)}


def _json_default(obj: object) -> object:
    """What the JSON encoder calls for anything that is not plain JSON data."""
    if isinstance(obj, pydantic.BaseModel):
        return obj.model_dump(
            mode="json", by_alias=True, exclude_unset=True, warnings=False
        )
    if isinstance(obj, (datetime.date, datetime.time)):
        return obj.isoformat()
    if isinstance(obj, uuid.UUID):
        return str(obj)
    if isinstance(obj, Decimal):
        # A JSON number, as the schema says; exact when integral.
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    if isinstance(obj, (bytes, bytearray)):
        # OpenAPI `format: byte` is base64.
        return base64.b64encode(obj).decode("ascii")
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (set, frozenset)):
        return list(obj)
    if isinstance(obj, Mapping):
        return dict(obj)
    if isinstance(obj, NotGiven):
        raise TypeError("NOT_GIVEN can only leave out a top-level argument")
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


_JSON = json.JSONEncoder(
    default=_json_default, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
"""Compact JSON, NaN and infinity refused as they are not JSON. One encoder for every call:
it keeps no state between calls, and ``json.dumps`` with options would build one per call."""


def json_bytes(obj: object) -> bytes:
    """Compact UTF-8 JSON (see ``_JSON``)."""
    return _JSON.encode(obj).encode("utf-8")


def _fields(body: object) -> dict[str, object]:
    """The top-level properties of an object body."""
    if isinstance(body, pydantic.BaseModel):
        return body.model_dump(by_alias=True, exclude_unset=True, warnings=False)
    if isinstance(body, Mapping):
        return strip_not_given(body)
    raise TypeError(f"expected an object body, got {type(body).__name__}")


def encode_body(
    body: object,
    kind: str,
    *,
    content_type: str | None = None,
    encoding: Mapping[str, Mapping[str, object]] | None = None,
    extra_body: Mapping[str, object] | None = None,
    array_format: str = "indices",
) -> EncodedBody | None:
    """The request body for a call, or None when there is none; ``array_format`` is how form
    fields in the bracket convention write array items (see ``form_bytes``)."""
    if isinstance(body, NotGiven):
        if not extra_body:
            return None
        body = {}
    if extra_body and kind in ("json", "form", "multipart"):
        body = {**_fields(body), **strip_not_given(extra_body)}
    elif isinstance(body, Mapping) and kind in ("json", "form", "multipart"):
        body = strip_not_given(body)
    if kind == "json":
        return EncodedBody(json_bytes(body), None, content_type or "application/json")
    if kind == "form":
        form_type = content_type or "application/x-www-form-urlencoded"
        form = form_bytes(_fields(body), encoding, array_format)
        return EncodedBody(form, None, form_type)
    if kind == "multipart":
        parts = multipart_files(_fields(body), encoding, array_format)
        return EncodedBody(None, parts, None)
    if kind == "text":
        text_type = content_type or "text/plain; charset=utf-8"
        return EncodedBody(_raw_bytes(body), None, text_type)
    return EncodedBody(
        _raw_bytes(body), None, content_type or "application/octet-stream"
    )


def _raw_bytes(body: object) -> bytes:
    """A binary or text body in memory, so that a retry can send it again."""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, os.PathLike):
        return Path(body).read_bytes()
    read = getattr(body, "read", None)
    if callable(read):
        data = read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raise TypeError(f"cannot send a {type(body).__name__} as a raw body")


def _encoding_of(
    encoding: Mapping[str, Mapping[str, object]] | None, name: str
) -> Mapping[str, object]:
    return (encoding or {}).get(name) or {}


def _array_format(enc: Mapping[str, object], default: str) -> str:
    """A property's own array format (``arrayFormat`` beside its OpenAPI encoding), else the
    call's."""
    found = enc.get("arrayFormat")
    return found if isinstance(found, str) else default


def form_bytes(
    fields: Mapping[str, object],
    encoding: Mapping[str, Mapping[str, object]] | None = None,
    array_format: str = "indices",
) -> bytes:
    """An application/x-www-form-urlencoded body, in the fields' order.

    A property whose encoding names no ``style`` nor ``explode``, or says ``deepObject``, is
    written in the bracket convention (``metadata[a]=1``, ``items[0][price]=p``): OpenAPI
    leaves nested form values undefined, and the APIs that take them read brackets. An
    explicit ``form``, ``spaceDelimited`` or ``pipeDelimited`` style keeps OpenAPI's meaning.
    """
    pairs: list[tuple[str, str]] = []
    for name, value in fields.items():
        enc = _encoding_of(encoding, name)
        part_type = enc.get("contentType")
        if isinstance(part_type, str) and "json" in part_type:
            text = json_bytes(value).decode("utf-8")
            pairs.extend(query_pairs(name, text))
            continue
        style = enc.get("style")
        explode = enc.get("explode")
        if style == "deepObject" or (style is None and explode is None):
            pairs.extend(
                nested_pairs(
                    name,
                    value,
                    array_format=_array_format(enc, array_format),
                    allow_reserved=enc.get("allowReserved") is True,
                )
            )
            continue
        pairs.extend(
            query_pairs(
                name,
                value,
                style=style if isinstance(style, str) else "form",
                explode=explode if isinstance(explode, bool) else None,
                allow_reserved=enc.get("allowReserved") is True,
            )
        )
    return join_query(pairs, sort=False).encode("ascii")


def encode_querystring(
    value: object,
    content_type: str | None,
    encoding: Mapping[str, Mapping[str, object]] | None = None,
) -> str:
    """A ``querystring`` parameter (OpenAPI 3.2) as the whole query string: a form-urlencoded
    one as a form body would be, any other media type (JSON, text) percent-encoded whole.
    """
    media = (content_type or "").split(";")[0].strip().lower()
    if media in ("", "application/x-www-form-urlencoded"):
        return form_bytes(_fields(value), encoding).decode("ascii")
    if media == "application/json" or media.endswith("+json"):
        return quote(json_bytes(value), safe="")
    return quote(to_text(value), safe="")


def _is_file_content(value: object) -> bool:
    return isinstance(value, (bytes, bytearray, os.PathLike)) or callable(
        getattr(value, "read", None)
    )


def is_file(value: object) -> bool:
    """Whether a multipart value is an upload rather than a field."""
    if isinstance(value, tuple) and len(value) in (2, 3):
        return isinstance(value[0], (str, type(None))) and _is_file_content(value[1])
    return _is_file_content(value)


def _is_scalar(value: object) -> bool:
    return not isinstance(value, (Mapping, list, tuple, set, pydantic.BaseModel))


def _file_part(name: str, value: object, part_type: str | None) -> FilePart:
    """An upload as a file part that always has a filename and a Content-Type."""
    filename: str | None = None
    content_type: str | None = None
    content = value
    if isinstance(value, tuple):
        filename, content = value[0], value[1]
        if len(value) == 3:
            content_type = value[2]
    data: bytes | IO[bytes]
    if isinstance(content, os.PathLike):
        path = Path(content)
        filename = filename or path.name
        data = path.read_bytes()
    elif isinstance(content, (bytes, bytearray)):
        data = bytes(content)
    else:
        file_name = getattr(content, "name", None)
        if not filename and isinstance(file_name, str):
            filename = os.path.basename(file_name)
        data = content  # type: ignore[assignment]  # a binary file object
    # Servers tell uploads from fields by the filename; fall back to the field name.
    filename = filename or name
    content_type = (
        content_type
        or part_type
        or mimetypes.guess_type(filename)[0]
        or "application/octet-stream"
    )
    return (filename, data, content_type)


def multipart_files(
    fields: Mapping[str, object],
    encoding: Mapping[str, Mapping[str, object]] | None = None,
    array_format: str = "indices",
) -> list[tuple[str, FilePart]]:
    """multipart/form-data parts for httpx's ``files=``.

    Text fields come first, then files and JSON parts, each group in the fields'
    order (the official OpenAI SDK orders them so). ``None`` fields are left out.
    Lists of uploads and lists of scalars repeat the part; other lists, objects and
    models become one ``application/json`` part, OpenAPI's default for multipart,
    unless the property's encoding says ``style: deepObject`` (which OpenAPI 3.2 allows
    here): then each scalar inside is a text part named in the bracket convention
    (``metadata[a]``, ``items[0][price]``, per ``array_format``).
    """
    texts: list[tuple[str, FilePart]] = []
    others: list[tuple[str, FilePart]] = []
    for name, value in fields.items():
        if value is None or isinstance(value, NotGiven):
            continue
        enc = _encoding_of(encoding, name)
        declared = enc.get("contentType")
        part_type = (
            declared.split(",")[0].strip() if isinstance(declared, str) else None
        )
        if enc.get("style") == "deepObject" and not is_file(value):
            texts.extend(
                (
                    name + "".join(f"[{segment}]" for segment in segments),
                    (None, text.encode(), part_type),
                )
                for segments, text in nested_fields(
                    value, _array_format(enc, array_format)
                )
            )
        elif is_file(value):
            others.append((name, _file_part(name, value, part_type)))
        elif isinstance(value, (list, tuple)) and value and all(map(is_file, value)):
            others.extend((name, _file_part(name, v, part_type)) for v in value)
        elif isinstance(value, (list, tuple)) and all(map(_is_scalar, value)):
            texts.extend((name, (None, to_text(v).encode(), part_type)) for v in value)
        elif not _is_scalar(value):
            json_type = part_type or "application/json"
            others.append((name, (None, json_bytes(value), json_type)))
        else:
            texts.append((name, (None, to_text(value).encode(), part_type)))
    return texts + others
