"""The pydantic side of responses: the base of generated models, lenient enum fields,
tagged unions that keep a variant they do not know, and decoding JSON into a declared type.
"""

from __future__ import annotations

import base64
import binascii
import json
import types
from collections.abc import Callable, Hashable, Mapping
from importlib import import_module
from typing import Any, TypeGuard, cast

import pydantic
from pydantic import (
    ConfigDict,
    GetCoreSchemaHandler,
    ValidationError,
    ValidatorFunctionWrapHandler,
)
from pydantic_core import core_schema


class ApiModel(pydantic.BaseModel):
    """Base of every generated response model.

    Unknown fields are kept (servers add fields before specs catch up); fields can be
    set by their Python name or their wire alias. ``populate_by_name`` rather than
    ``validate_by_name`` because the latter only exists from pydantic 2.11. Schemas
    are built on first use, so importing hundreds of models stays cheap.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        protected_namespaces=(),
        defer_build=True,
        arbitrary_types_allowed=False,
    )


class LazyModels:
    """The models an API module's methods parse, each imported from its own module on first
    use: a call loads the models it reads and nothing more, not even the models package's
    index of every model (thousands of names in a large document).

    ``modules`` maps each name to its module, relative to ``package`` (the API module's).
    """

    def __init__(self, package: str | None, modules: Mapping[str, str]) -> None:
        self._package = package
        self._modules = modules

    def __getattr__(self, name: str) -> Any:
        # vars(): an instance copy.copy has made has no _modules yet while it is looked up
        module = vars(self).get("_modules", {}).get(name)
        if module is None:
            raise AttributeError(f"no model {name!r} in this API module")
        value = getattr(import_module(module, self._package), name)
        setattr(self, name, value)  # found directly from now on
        return value


def _keep_unknown(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Accept a scalar the field's type rejects, so a newer server's enum value survives."""
    try:
        return handler(value)
    except ValidationError:
        if isinstance(value, (str, int, float, bool)):
            return value
        raise


KEEP_UNKNOWN = pydantic.WrapValidator(_keep_unknown)
"""Use as ``Annotated[Literal["a", "b"], KEEP_UNKNOWN]``: mypy sees the Literal, and a
value outside it is kept as is instead of failing the whole response."""


def _decode_base64(value: Any) -> Any:
    """A base64 string as its bytes: the standard or URL-safe alphabet, padded or not."""
    if not isinstance(value, str):
        return value
    text = value.strip().replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not a base64 string") from None


def _encode_base64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


class _Base64:
    """Bytes carried in JSON as a base64 string (``contentEncoding: base64``)."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(
            _decode_base64,
            handler(source),
            serialization=core_schema.plain_serializer_function_ser_schema(
                _encode_base64, when_used="json"
            ),
        )


BASE64 = _Base64()
"""Use as ``Annotated[bytes, BASE64]``: the field holds the bytes a base64 string encodes, and
is written back as base64 in JSON."""


def is_model_class(type_: object) -> TypeGuard[type[pydantic.BaseModel]]:
    # On Python 3.10, list[X] passes isinstance(..., type): rule aliases out first.
    return (
        isinstance(type_, type)
        and not isinstance(type_, types.GenericAlias)
        and issubclass(type_, pydantic.BaseModel)
    )


def json_value(content: bytes | str) -> Any:
    """The JSON value of ``content``; JSON nested too deeply for Python's stack raises
    ``ValueError`` like any other malformed JSON, never ``RecursionError``."""
    try:
        return json.loads(content)
    except RecursionError:
        raise ValueError("JSON nested too deeply to decode") from None


class JsonDecoder:
    """Turns JSON text into a declared Python type, caching one ``TypeAdapter`` per type.

    One instance per transport, so the cache lives and dies with the client.
    """

    def __init__(self) -> None:
        self._adapters: dict[object, pydantic.TypeAdapter[Any]] = {}

    def decode(self, type_: object, content: bytes | str) -> Any:
        """Validate ``content`` into ``type_``; ``None`` means the JSON value as is.

        Raises ``pydantic.ValidationError`` (also for malformed or too deeply nested JSON
        with a type) or ``ValueError`` (malformed JSON without one).
        """
        if type_ is None:
            return json_value(content)
        if is_model_class(type_):
            return type_.model_validate_json(content)
        return self.adapter(type_).validate_json(content)

    def adapter(self, type_: object) -> pydantic.TypeAdapter[Any]:
        """The cached adapter for a class or typing expression."""
        try:
            cached = self._adapters.get(type_)
        except TypeError:  # an unhashable typing expression: build it every time
            return pydantic.TypeAdapter(cast(Any, type_))
        if cached is None:
            cached = self._adapters.setdefault(
                type_, pydantic.TypeAdapter(cast(Any, type_))
            )
        return cached


#: The choices a tagged union's discriminator may give besides a variant's class name: the one
#: that tries each variant (a tag several variants share, or none), and ``UnknownVariant``.
SEVERAL = "*"
UNKNOWN = "?"


class UnknownVariant(ApiModel):
    """A union member whose tag names no variant the document describes (a newer server's):
    every field it was sent is kept, as extra fields."""


def discriminate(tag: str, variants: Mapping[Hashable, str]) -> Callable[[Any], str]:
    """The function a tagged union reads its tag with: the wire value of ``tag`` gives the
    choice (a variant's class name, or ``SEVERAL``); a missing value tries each variant; an
    unknown one gives ``UnknownVariant`` instead of failing."""
    choices = frozenset(variants.values())

    def choose(value: Any) -> str:
        if isinstance(value, Mapping):
            wire = value.get(tag)
            if wire is None:
                return SEVERAL
            if not isinstance(wire, Hashable):
                return UNKNOWN
            return variants.get(wire, UNKNOWN)
        if isinstance(value, UnknownVariant):  # a model instance: its own class tells
            return UNKNOWN
        name = type(value).__name__
        return name if name in choices else SEVERAL

    return choose
