"""Validation keywords as pydantic Field arguments: only those that apply to the field's type,
finite numbers and counts, and a pattern only when pydantic's Rust engine builds it as Python
reads it (checked here against pydantic itself)."""

from __future__ import annotations

from typing import Annotated, Any

import pydantic
import pytest
from pydantic_core import SchemaError

from generator.ir import TypeRef
from generator.parse.constraints import field_constraints, portable_pattern

INT = TypeRef("primitive", "int")
FLOAT = TypeRef("primitive", "float")
STR = TypeRef("primitive", "str")
NONE = TypeRef("none")


@pytest.mark.parametrize(
    ("name", "schema", "t", "want"),
    [
        ("bounds", {"minimum": 0, "maximum": 10}, INT, (("ge", 0), ("le", 10))),
        (
            "3.0 exclusive flags",
            {
                "minimum": 0,
                "exclusiveMinimum": True,
                "maximum": 1.5,
                "exclusiveMaximum": True,
            },
            FLOAT,
            (("gt", 0), ("lt", 1.5)),
        ),
        ("3.1 exclusive bounds", {"exclusiveMinimum": 0}, FLOAT, (("gt", 0),)),
        ("multipleOf", {"multipleOf": 0.5}, FLOAT, (("multiple_of", 0.5),)),
        ("multipleOf 0 is no step", {"multipleOf": 0}, INT, ()),
        ("an infinite bound", {"maximum": float("inf"), "minimum": 1e400}, FLOAT, ()),
        ("a huge integer bound", {"maximum": 10**400}, INT, ()),
        ("a boolean is no bound", {"minimum": True}, INT, ()),
        ("nullable", {"minimum": 1}, TypeRef("union", items=(INT, NONE)), (("ge", 1),)),
        (
            "lengths and pattern",
            {"minLength": 1, "maxLength": 8, "pattern": "^[a-z]+$"},
            STR,
            (("min_length", 1), ("max_length", 8), ("pattern", "^[a-z]+$")),
        ),
        ("no pattern rust cannot read", {"pattern": "^(?!x)"}, STR, ()),
        ("a negative length", {"minLength": -1}, STR, ()),
        (
            "item counts",
            {"minItems": 1, "maxItems": 3},
            TypeRef("list", items=(STR,)),
            (("min_length", 1), ("max_length", 3)),
        ),
        ("nothing on a date", {"minLength": 1}, TypeRef("primitive", "datetime"), ()),
        ("nothing on an enum", {"maxLength": 2}, TypeRef("literal", values=("a",)), ()),
        ("string keywords on a number", {"maxLength": 2}, INT, ()),
        ("number keywords on a string", {"minimum": 2}, STR, ()),
        ("nothing on a union", {"minimum": 2}, TypeRef("union", items=(INT, STR)), ()),
    ],
)
def test_field_constraints(
    name: str, schema: dict[str, Any], t: TypeRef, want: object
) -> None:
    assert field_constraints(schema, t) == want, name


def builds_in_pydantic(pattern: str) -> bool:
    try:
        pydantic.TypeAdapter(Annotated[str, pydantic.Field(pattern=pattern)])
    except SchemaError:  # a regex pydantic's engine refuses
        return False
    return True


PORTABLE = [
    "^[a-zA-Z0-9_-]+$",
    "^tunnel_[a-z0-9]{32}$",
    r"^\d{4}-\d{2}-\d{2}$",
    r"\bword\b",
    r"(?i)^abc$",
    r"^(?P<year>\d{4})$",
    r"[^]a]",
    r"[a^]",
    r"\u00e9\x41",
    r"^\S+@\S+$",
    r"a{2,5}?",
    r"\w{1,100}",
    r"[a-z]{1,1000}",
]
NOT_PORTABLE = [
    r"^(?!x)\w+$",  # look-ahead
    r"(?<=a)b",  # look-behind
    r"(a)\1",  # back-reference
    r"(?P<n>a)(?P=n)",
    r"(?>a)",  # atomic group
    r"a++",  # possessive
    r"a{2}+",
    r"abc\Z",
    r"[\b]",
    r"[[:alpha:]]",
    r"[a[b]]",
    r"[a&&b]",
    r"\w{1,300}",  # too large a program for Rust's regex
    r"(\w{1,20}){1,20}",
    r"\p{L}+",  # ECMA, not Python
    r"(unclosed",
]


@pytest.mark.parametrize("pattern", PORTABLE)
def test_a_portable_pattern_builds_in_pydantic(pattern: str) -> None:
    assert portable_pattern(pattern)
    assert builds_in_pydantic(pattern)


@pytest.mark.parametrize("pattern", NOT_PORTABLE)
def test_a_pattern_is_left_out_when_either_engine_would_differ(pattern: str) -> None:
    assert not portable_pattern(pattern)
