"""Forgiving parsing: a JSON value that failed validation, built into its declared type
as far as it can be read.

Servers drift from their documents. Validation stays the fast path; only a value that
failed it comes here, and is built field by field: a field that validates is kept as
validated, a nested model is built the same way, anything else is left as the server
sent it, and a required field the server left out is ``None``.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any, Union

import pydantic
from pydantic import ValidationError

from .models import is_model_class


def build_leniently(type_: object, value: Any) -> Any:
    """``value`` (a decoded JSON value) as ``type_``, keeping what does not fit as given."""
    type_ = _unwrap(type_)
    if is_model_class(type_):
        if isinstance(value, Mapping):
            return _model(type_, value)
        return value
    origin = typing.get_origin(type_)
    args = typing.get_args(type_)
    if origin in (Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        if value is None or len(present) != 1:
            return value  # several members: which one the server meant is unknown
        return build_leniently(present[0], value)
    if origin is list and args and isinstance(value, list):
        return [_item(args[0], item) for item in value]
    if origin is dict and len(args) == 2 and isinstance(value, dict):
        return {key: _item(args[1], item) for key, item in value.items()}
    return value


def _unwrap(type_: object) -> object:
    """The type inside ``Annotated[...]``."""
    while typing.get_origin(type_) is typing.Annotated:
        type_ = typing.get_args(type_)[0]
    return type_


def _item(type_: object, value: Any) -> Any:
    """One item of a list or map: validated when it is a model that fits, built otherwise."""
    inner = _unwrap(type_)
    if is_model_class(inner) and isinstance(value, Mapping):
        try:
            return inner.model_validate(value)
        except ValidationError:
            return _model(inner, value)
    return build_leniently(inner, value)


def _model(cls: type[pydantic.BaseModel], data: Mapping[str, Any]) -> Any:
    """An instance of ``cls`` built field by field from ``data`` (wire names); the data as
    given when the class cannot be built (a forward reference that does not resolve)."""
    if not cls.__pydantic_complete__:
        # deferred models resolve their forward references here
        cls.model_rebuild(raise_errors=False)
        if not cls.__pydantic_complete__:
            return data
    validator = cls.__pydantic_validator__
    probe = cls.model_construct()
    values: dict[str, Any] = {}
    seen: set[str] = set()  # wire keys read into fields
    sent: set[str] = set()  # names of the fields the server sent
    for name, info in cls.model_fields.items():
        key = info.alias or name
        if key in data:
            raw = data[key]
        elif name in data:
            key, raw = name, data[name]
        else:
            if info.is_required():
                values[name] = None  # missing: None rather than an attribute error
            continue
        seen.add(key)
        sent.add(name)
        try:
            validator.validate_assignment(probe, name, raw)
            values[name] = getattr(probe, name)
        except ValidationError:
            values[name] = build_leniently(info.annotation, raw)
    extras = {
        k: v for k, v in data.items() if k not in seen and k not in cls.model_fields
    }
    return cls.model_construct(sent, **values, **extras)
