"""A property's validation keywords as pydantic ``Field`` arguments, so that a model the caller
builds is checked as the document says (``minimum``, lengths, item counts, ``pattern``).

Only what pydantic can apply to the field's type is kept: bounds on numbers, lengths and a
pattern on strings, item counts on lists, each a finite number or a count. A ``pattern`` is
kept only when pydantic's regular expression engine (Rust's ``regex``) reads it as Python's
``re`` does: that engine has no look-around, back-references, atomic groups or possessive
quantifiers, bounds the size of a compiled expression, and reads nested classes that ``re``
takes literally; a pattern it cannot build would fail the model when it is first used.
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any

from generator.ir import Scalar, TypeRef

#: The schema keywords read here (also inherited through a ``$ref``, see ``SchemaBuilder``).
CONSTRAINT_KEYWORDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "pattern",
)
# Constructs Rust's regex does not have, or reads differently inside a class.
_NOT_PORTABLE = re.compile(
    r"\(\?(?:[=!>(#]|<[=!]|P=)"  # look-around, atomic, conditional, comment, named back-reference
    r"|\\[0-9kZN]"  # back-references, \Z, \N{...}
    r"|\[:[a-z]+:\]"  # a POSIX class, literal to Python
    r"|(?:[*+?}])\+"  # possessive quantifiers
)
_COUNT = re.compile(r"\{(\d+)(?:,(\d*))?\}")
# Classes whose every copy is large in Rust's compiled program (Unicode word characters).
_LARGE_CLASSES = re.compile(r"\\[wWpP]")
_MAX_COPIES = 1000
_MAX_LARGE_COPIES = 100


def field_constraints(
    schema: dict[str, Any], t: TypeRef
) -> tuple[tuple[str, Scalar], ...]:
    """``(pydantic keyword, value)`` for each validation keyword of ``schema`` that applies to
    a field of type ``t`` (its ``None`` variant aside), in a fixed order."""
    base = _non_null(t)
    if base.kind == "primitive" and base.name in ("int", "float"):
        return _numeric(schema)
    if base.kind == "primitive" and base.name == "str":
        found = _counts(schema, "minLength", "maxLength")
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and portable_pattern(pattern):
            found += (("pattern", pattern),)
        return found
    if base.kind == "list":
        return _counts(schema, "minItems", "maxItems")
    return ()


def portable_pattern(regex: str) -> bool:
    """Whether ``regex`` compiles in Python's ``re`` and in pydantic's Rust engine alike, with
    the same meaning (conservatively: a pattern this cannot tell about is left out)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "possible nested set" and the like
            re.compile(regex)
    except (re.error, FutureWarning, OverflowError, RecursionError, ValueError):
        return False
    if _NOT_PORTABLE.search(regex) or _nested_class(regex):
        return False
    budget = _MAX_LARGE_COPIES if _LARGE_CLASSES.search(regex) else _MAX_COPIES
    return _copies(regex) <= budget


def _non_null(t: TypeRef) -> TypeRef:
    if t.kind == "union":
        others = [i for i in t.items if i.kind != "none"]
        return others[0] if len(others) == 1 else t
    return t


def _number(value: object) -> int | float | None:
    """A finite JSON number (not a boolean), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return value if math.isfinite(float(value)) else None
    except OverflowError:
        return None


def _numeric(schema: dict[str, Any]) -> tuple[tuple[str, Scalar], ...]:
    """Bounds and ``multipleOf``; ``exclusiveMinimum: true`` (OpenAPI 3.0) makes ``minimum``
    exclusive, a number (3.1) is a bound of its own."""
    found: list[tuple[str, Scalar]] = []
    for bound, exclusive, inclusive_key, exclusive_key in (
        ("minimum", "exclusiveMinimum", "ge", "gt"),
        ("maximum", "exclusiveMaximum", "le", "lt"),
    ):
        value, flag = _number(schema.get(bound)), schema.get(exclusive)
        if value is not None:
            found.append((exclusive_key if flag is True else inclusive_key, value))
        own = _number(flag)
        if own is not None:
            found.append((exclusive_key, own))
    step = _number(schema.get("multipleOf"))
    if step is not None and step > 0:
        found.append(("multiple_of", step))
    return tuple(found)


def _counts(
    schema: dict[str, Any], least: str, most: str
) -> tuple[tuple[str, Scalar], ...]:
    found: list[tuple[str, Scalar]] = []
    for key, keyword in ((least, "min_length"), (most, "max_length")):
        value = schema.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            found.append((keyword, value))
    return tuple(found)


def _nested_class(regex: str) -> bool:
    """A ``[`` or a set operator (``&&``, ``--``, ``~~``) inside a class: Rust nests or
    combines classes there, Python reads characters; ``\\b`` is a backspace there to Python
    and an error to Rust."""
    inside, i = False, 0
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            if inside and regex[i + 1 : i + 2] in ("b", "B"):
                return True
            i += 2
            continue
        if inside:
            if c == "[" or regex[i : i + 2] in ("&&", "--", "~~"):
                return True
            if c == "]":
                inside = False
        elif c == "[":
            inside = True
            i += 2 if regex[i + 1 : i + 2] == "^" else 1
            i += 1 if regex[i : i + 1] == "]" else 0  # a leading ] is literal
            continue
        i += 1
    return False


def _copies(regex: str) -> int:
    """The largest product of counted repetitions (``{m,n}``) nested in one another: how many
    copies of one piece the compiled program holds, at most."""
    stack = [1]  # the largest count inside each open group
    best, i = 1, 0
    while i < len(regex):
        c = regex[i]
        repeated = 1
        if c == "\\":
            i += 2
        elif c == "[":
            i = _class_end(regex, i)
        elif c == "(":
            stack.append(1)
            i += 1
            continue
        elif c == ")" and len(stack) > 1:
            inner = stack.pop()
            i += 1
            count = _COUNT.match(regex, i)
            repeated = inner * _upper(count) if count else inner
            stack[-1] = max(stack[-1], repeated)
            best = max(best, repeated)
            continue
        else:
            i += 1
        count = _COUNT.match(regex, i)
        if count:
            repeated = _upper(count)
            stack[-1] = max(stack[-1], repeated)
            best = max(best, repeated)
            i = count.end()
    return max(best, *stack)


def _upper(count: re.Match[str]) -> int:
    low, high = count.group(1), count.group(2)
    return max(int(low), int(high) if high else 0)


def _class_end(regex: str, start: int) -> int:
    """The index just after the class opened at ``start``."""
    i = start + 1
    if regex[i : i + 1] == "^":
        i += 1
    if regex[i : i + 1] == "]":
        i += 1
    while i < len(regex) and regex[i] != "]":
        i += 2 if regex[i] == "\\" else 1
    return i + 1
