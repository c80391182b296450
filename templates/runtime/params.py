"""Parameter serialization per OpenAPI 3 ``style`` and ``explode``.

Path: simple, label, matrix. Query: form, spaceDelimited, pipeDelimited, deepObject.
Header: simple. Cookie: form. Swagger 2.0's ``collectionFormat`` also puts the delimited
styles on path and header arrays, and adds ``tabDelimited`` (its ``tsv``), which OpenAPI 3
has no style for. Values are primitives, lists, or objects (mappings and
pydantic models); booleans are ``true``/``false``.

``None`` choices: a top-level ``None`` renders as an empty value (``name=`` in a query
or cookie, an empty header), the closest a string format has to null; ``None`` items
inside lists and objects are dropped; a path parameter may be neither ``None`` nor an
empty simple-style value, since that would address a different resource. Values
nested inside a list or object item are sent as compact JSON.

deepObject (and form bodies, see serialize.py) use the bracket convention of the APIs that
nest values in a query (``nested_pairs``): ``name[a][b]=v``, arrays as ``name[0]=v``
(``indices``, the default), ``name[]=v`` (``brackets``) or ``name=v`` repeated
(``repeat``); there ``None`` at any depth is an empty value, which those APIs read as
"unset", and an empty array or object sends nothing.

Query and path functions return percent-encoded text with the delimiters left
literal, so a delimiter inside a value stays distinguishable from one between values.
"""

from __future__ import annotations

import datetime
import enum
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from urllib.parse import quote

import pydantic

from ._types import NotGiven

# With allowReserved, RFC 3986 reserved characters stay literal, except those that
# would change the query's own structure (&, =, #) or read as a space (+).
_RESERVED_SAFE = ":/?[]@!$'()*,;"
# RFC 6265 cookie-octets minus "%", so encoded values can be told apart.
_COOKIE_SAFE = "!#$&'()*+-./:<=>?@[]^_`{|}~"
_TEMPLATE_VAR = re.compile(r"\{([^{}]+)\}")
#: How ``nested_pairs`` writes an array item's key: ``a[0]``, ``a[]`` or ``a``.
ARRAY_FORMATS = ("indices", "brackets", "repeat")


def default_style(location: str) -> str:
    """The OpenAPI default style of a parameter location."""
    return "form" if location in ("query", "cookie") else "simple"


def default_explode(style: str) -> bool:
    """OpenAPI: explode defaults to true for form (and deepObject), false otherwise."""
    return style in ("form", "deepObject")


def to_text(value: object) -> str:
    """A scalar as parameter text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, enum.Enum):
        return to_text(value.value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, (Mapping, list, tuple, pydantic.BaseModel)):
        return json.dumps(_jsonable(value), separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _jsonable(value: object) -> object:
    """A nested value turned into plain JSON data, for items that are not scalars."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return to_text(value)


def _shape(value: object) -> object:
    """Models to dicts, sequences to lists, with None and NOT_GIVEN items dropped."""
    if isinstance(value, pydantic.BaseModel):
        value = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {
            str(k): v
            for k, v in value.items()
            if v is not None and not isinstance(v, NotGiven)
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v for v in value if v is not None]
    return value


def _enc(value: object, safe: str = "") -> str:
    return quote(to_text(value), safe=safe)


def path_value(
    name: str, value: object, *, style: str = "simple", explode: bool = False
) -> str:
    """One path parameter, encoded so that it cannot add segments or a query."""
    if value is None:
        raise ValueError(f"path parameter {name!r} must not be None")
    shaped = _shape(value)
    if isinstance(shaped, list):
        items = [_enc(v) for v in shaped]
        joined = _join_list(items, style, explode, name)
    elif isinstance(shaped, dict):
        pairs = [(_enc(k), _enc(v)) for k, v in shaped.items()]
        joined = _join_object(pairs, style, explode, name)
    else:
        joined = _join_scalar(_enc(shaped), style, name)
    if style == "simple" and joined == "":
        raise ValueError(f"path parameter {name!r} must not be empty")
    return joined


def _join_scalar(text: str, style: str, name: str) -> str:
    if style == "label":
        return "." + text
    if style == "matrix":
        return f";{name}={text}" if text else f";{name}"
    return text


def _join_list(items: list[str], style: str, explode: bool, name: str) -> str:
    if style in _DELIMITERS:
        return _delimiter(style).join(items)
    if style == "label":
        return "." + ("." if explode else ",").join(items)
    if style == "matrix":
        if explode:
            return "".join(f";{name}={item}" for item in items)
        return f";{name}=" + ",".join(items)
    return ",".join(items)


def _join_object(
    pairs: list[tuple[str, str]], style: str, explode: bool, name: str
) -> str:
    flat = ",".join(f"{k},{v}" for k, v in pairs)
    if style == "label":
        return "." + (".".join(f"{k}={v}" for k, v in pairs) if explode else flat)
    if style == "matrix":
        if explode:
            return "".join(f";{k}={v}" for k, v in pairs)
        return f";{name}=" + flat
    return ",".join(f"{k}={v}" for k, v in pairs) if explode else flat


def expand_path(template: str, values: Mapping[str, str]) -> str:
    """Substitute encoded values into ``/a/{name}``; dot segments are encoded too."""

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise ValueError(f"missing path parameter {key!r}")
        return values[key]

    path = _TEMPLATE_VAR.sub(substitute, template)
    # "." and ".." would be resolved away by URL normalization (client or server).
    segments = path.split("/")
    return "/".join(s.replace(".", "%2E") if s in (".", "..") else s for s in segments)


def query_pairs(
    name: str,
    value: object,
    *,
    style: str = "form",
    explode: bool | None = None,
    allow_reserved: bool = False,
    array_format: str = "indices",
) -> list[tuple[str, str]]:
    """One query parameter (or form field) as encoded ``(key, value)`` pairs;
    ``array_format`` applies to deepObject's arrays (see ``nested_pairs``)."""
    if explode is None:
        explode = default_explode(style)
    safe = _RESERVED_SAFE if allow_reserved else ""
    key = quote(name, safe="")
    if style == "deepObject":
        return nested_pairs(
            name, value, array_format=array_format, allow_reserved=allow_reserved
        )
    shaped = _shape(value)
    delimiter = _delimiter(style)
    if isinstance(shaped, list):
        if explode:
            return [(key, _enc(v, safe)) for v in shaped]
        return [(key, delimiter.join(_enc(v, safe) for v in shaped))]
    if isinstance(shaped, dict):
        if explode:
            return [(quote(k, safe=""), _enc(v, safe)) for k, v in shaped.items()]
        flat = delimiter.join(
            f"{quote(k, safe='')}{delimiter}{_enc(v, safe)}" for k, v in shaped.items()
        )
        return [(key, flat)]
    return [(key, _enc(shaped, safe))]


#: The delimited styles and the character between items.
_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|", "tabDelimited": "\t"}


def _delimiter(style: str) -> str:
    """Between the items of a non-exploded array or object in a query or path, encoded."""
    return quote(_DELIMITERS.get(style, ","), safe="|,")


def nested_pairs(
    name: str,
    value: object,
    *,
    array_format: str = "indices",
    allow_reserved: bool = False,
) -> list[tuple[str, str]]:
    """A value of any depth in the bracket convention, as encoded pairs: ``name[a][b]=v`` for
    objects and, per ``array_format``, ``name[0]=v``, ``name[]=v`` or ``name=v`` for array
    items (arrays of objects: ``name[0][a]=v``). ``None`` is an empty value; an empty array or
    object, and NOT_GIVEN inside one, send nothing."""
    safe = _RESERVED_SAFE if allow_reserved else ""
    return [
        (
            quote(name, safe="") + "".join(f"[{quote(s, safe='')}]" for s in segments),
            quote(text, safe=safe),
        )
        for segments, text in nested_fields(value, array_format)
    ]


def nested_fields(
    value: object, array_format: str = "indices"
) -> list[tuple[tuple[str, ...], str]]:
    """The scalars inside ``value`` in the bracket convention, unencoded: each one's bracket
    segments under the value's name (``("items", "0", "price")`` is ``[items][0][price]``;
    ``""`` is ``[]``) and its text."""
    if array_format not in ARRAY_FORMATS:
        raise ValueError(
            f"array format {array_format!r} is not one of {', '.join(ARRAY_FORMATS)}"
        )
    found: list[tuple[tuple[str, ...], str]] = []
    _nest((), value, array_format, found)
    return found


def _nest(
    segments: tuple[str, ...],
    value: object,
    array_format: str,
    found: list[tuple[tuple[str, ...], str]],
) -> None:
    if isinstance(value, pydantic.BaseModel):
        value = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(item, NotGiven):
                _nest((*segments, str(key)), item, array_format, found)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            if array_format == "indices":
                _nest((*segments, str(index)), item, array_format, found)
            elif array_format == "brackets":
                _nest((*segments, ""), item, array_format, found)
            else:
                _nest(segments, item, array_format, found)
    else:
        found.append((segments, to_text(value)))


def join_query(pairs: Iterable[tuple[str, str]], *, sort: bool = True) -> str:
    """Encoded pairs as a query string, sorted by parameter name: the key up to its first
    bracket, so that a nested value's pairs (``items[0][id]``, ``items[0][price]``,
    ``items[1]...``) keep their order, as do repeated keys."""
    ordered = (
        sorted(pairs, key=lambda pair: pair[0].partition("[")[0])
        if sort
        else list(pairs)
    )
    return "&".join(f"{k}={v}" for k, v in ordered)


def header_value(
    name: str, value: object, *, explode: bool = False, style: str = "simple"
) -> str:
    """One header parameter in the simple style (or a delimited one, from Swagger 2.0)."""
    shaped = _shape(value)
    if isinstance(shaped, list):
        text = _DELIMITERS.get(style, ",").join(to_text(v) for v in shaped)
    elif isinstance(shaped, dict):
        if explode:
            text = ",".join(f"{k}={to_text(v)}" for k, v in shaped.items())
        else:
            text = ",".join(f"{k},{to_text(v)}" for k, v in shaped.items())
    else:
        text = to_text(shaped)
    check_header(name, text)
    return text


def _splits(text: str) -> bool:
    """Whether ``text`` holds what would split a request: a line break or NUL."""
    return "\r" in text or "\n" in text or "\0" in text


def check_header(name: str, value: str) -> None:
    """Reject a header that could split the request, or that HTTP cannot carry as text
    (httpx would send UTF-8 bytes the server reads as Latin-1); the value is not echoed.
    """
    if _splits(name) or ":" in name or _splits(value):
        raise ValueError(f"header {name!r} contains a line break or NUL character")
    if not (name.isascii() and value.isascii()):
        raise ValueError(f"header {name!r} has a character outside ASCII")


def cookie_pairs(
    name: str, value: object, *, explode: bool | None = None
) -> list[tuple[str, str]]:
    """One cookie parameter in the form style as ``(name, value)`` pairs."""
    if explode is None:
        explode = True
    shaped = _shape(value)
    if isinstance(shaped, list):
        items = [_enc(v, _COOKIE_SAFE) for v in shaped]
        return (
            [(name, item) for item in items] if explode else [(name, ",".join(items))]
        )
    if isinstance(shaped, dict):
        if explode:
            return [(k, _enc(v, _COOKIE_SAFE)) for k, v in shaped.items()]
        flat = ",".join(f"{k},{_enc(v, _COOKIE_SAFE)}" for k, v in shaped.items())
        return [(name, flat)]
    return [(name, _enc(shaped, _COOKIE_SAFE))]


def cookie_header(pairs: Sequence[tuple[str, str]]) -> str:
    """Pairs as a ``Cookie`` header value."""
    return "; ".join(f"{k}={v}" for k, v in pairs)
