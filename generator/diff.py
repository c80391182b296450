"""What changed between two versions of a document, told in terms of the generated Python API.

Two IRs are compared by the names users write: API classes by their client attribute
(``client.chat``), methods by name, arguments by keyword (path parameters by position, since
they are positional), models by class name and fields by attribute name. Each change is classed
as breaking (code written against the old client may stop working, or stop type-checking) or
not. Types are compared by direction: an argument or a request model's field may accept more
than before, a return value or a response model's field may give less; anything else breaks.
Every kind of change is listed in docs/diff.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Literal, TypeVar

from generator.ir import (
    Api,
    Field,
    Model,
    Operation,
    Parameter,
    Scalar,
    Spec,
    TypeRef,
    reachable_models,
)
from generator.parse.types import response_annotation, without_aliases

Side = Literal["request", "response", "both"]
K = TypeVar("K")


@dataclass(frozen=True)
class Change:
    """One difference: where it is (``area`` and ``subject``), what it is, and whether it breaks."""

    kind: str
    breaking: bool
    area: str  # ``client.chat``, ``client`` or ``models``
    subject: str  # a method, ``method(argument)``, a model or ``Model.field``
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "breaking": self.breaking,
            "area": self.area,
            "subject": self.subject,
            "message": self.message,
        }


@dataclass(frozen=True)
class Argument:
    """One argument of a generated method, as a caller sees it."""

    name: str
    wire_name: str
    location: (
        str  # path, query, header, cookie, body (a flattened property) or whole-body
    )
    type: TypeRef
    required: bool
    deprecated: bool


def compare(old: Spec, new: Spec) -> tuple[Change, ...]:
    """Every change from ``old`` to ``new``, in the order of the new document (removals after)."""
    return (
        *_package(old, new),
        *_credentials(old, new),
        *_apis(old, new),
        *_models(old, new),
    )


def has_breaking(changes: Iterable[Change]) -> bool:
    return any(c.breaking for c in changes)


# -- APIs and methods --------------------------------------------------------------------------


def _package(old: Spec, new: Spec) -> Iterator[Change]:
    if old.package != new.package:
        yield Change(
            "package-renamed",
            True,
            "client",
            new.package,
            f"the package is imported as `{new.package}`, was `{old.package}`",
        )


def _credentials(old: Spec, new: Spec) -> Iterator[Change]:
    before = {s.keyword: s for s in old.security_schemes}
    after = {s.keyword: s for s in new.security_schemes}
    for keyword in _ordered(after, before):
        if keyword not in before:
            yield Change(
                "credential-added",
                False,
                "client",
                keyword,
                f"new client keyword `{keyword}` (env `{after[keyword].env}`)",
            )
        elif keyword not in after:
            yield Change(
                "credential-removed", True, "client", keyword, "client keyword removed"
            )
        elif before[keyword].env != after[keyword].env:
            yield Change(
                "credential-env-changed",
                True,
                "client",
                keyword,
                f"read from `{after[keyword].env}` instead of `{before[keyword].env}`",
            )


def _apis(old: Spec, new: Spec) -> Iterator[Change]:
    old_apis = {a.attribute: a for a in old.apis}
    new_apis = {a.attribute: a for a in new.apis}
    for attribute in _ordered(new_apis, old_apis):
        if attribute not in old_apis:
            yield Change(
                "api-added",
                False,
                f"client.{attribute}",
                new_apis[attribute].class_name,
                "API class added",
            )
        elif attribute not in new_apis:
            yield Change(
                "api-removed",
                True,
                f"client.{attribute}",
                old_apis[attribute].class_name,
                "API class removed",
            )
    yield from _methods(old, new)


def _methods(old: Spec, new: Spec) -> Iterator[Change]:
    old_ops = _operations(old.apis)
    new_ops = _operations(new.apis)
    removed = {key: op for key, op in old_ops.items() if key not in new_ops}
    added = {key: op for key, op in new_ops.items() if key not in old_ops}
    # A method whose name or API changed keeps its HTTP method and path.
    by_route = {(op.method, op.path): key for key, op in removed.items()}
    moved: dict[tuple[str, str], tuple[str, str]] = {}
    for key, op in added.items():
        old_key = by_route.pop((op.method, op.path), None)
        if old_key is not None:
            moved[key] = old_key
    moved_from = set(moved.values())
    for key in _ordered(new_ops, old_ops):
        area, name = f"client.{key[0]}", key[1]
        if key in moved:
            old_key = moved[key]
            before = old_ops[old_key]
            yield Change(
                "method-renamed",
                True,
                area,
                name,
                f"was `client.{old_key[0]}.{old_key[1]}` ({before.method} {before.path})",
            )
            yield from _method(before, new_ops[key], area)
        elif key in added:
            op = new_ops[key]
            yield Change(
                "method-added",
                False,
                area,
                name,
                f"method added ({op.method} {op.path})",
            )
        elif key in removed and key not in moved_from:
            op = old_ops[key]
            yield Change(
                "method-removed",
                True,
                area,
                name,
                f"method removed ({op.method} {op.path})",
            )
        elif key in old_ops and key in new_ops:
            yield from _method(old_ops[key], new_ops[key], area)


def _operations(apis: tuple[Api, ...]) -> dict[tuple[str, str], Operation]:
    return {(api.attribute, op.name): op for api in apis for op in api.operations}


def _method(before: Operation, after: Operation, area: str) -> Iterator[Change]:
    name = after.name
    if after.deprecated and not before.deprecated:
        yield Change("method-deprecated", False, area, name, "method deprecated")
    if before.stream and not after.stream:
        yield Change(
            "stream-method-removed", True, area, f"{name}_stream", "method removed"
        )
    if after.stream and not before.stream:
        yield Change(
            "stream-method-added", False, area, f"{name}_stream", "method added"
        )
    if before.pagination and not after.pagination:
        yield Change(
            "pages-methods-removed",
            True,
            area,
            f"{name}_iter",
            f"method removed, and `{name}_pages`: the operation no longer pages",
        )
    if after.pagination and not before.pagination:
        yield Change(
            "pages-methods-added",
            False,
            area,
            f"{name}_iter",
            f"method added, and `{name}_pages` ({after.pagination.kind} pagination)",
        )
    if before.pagination and after.pagination:
        yield from _retyped(
            "page-item-retyped",
            area,
            f"{name}_iter",
            "yields",
            before.pagination.item,
            after.pagination.item,
            "response",
        )
    if before.stream and after.stream:
        yield from _retyped(
            "stream-item-retyped",
            area,
            f"{name}_stream",
            "yields",
            before.stream.item,
            after.stream.item,
            "response",
        )
    yield from _retyped(
        "return-retyped",
        area,
        name,
        "returns",
        _return_type(before),
        _return_type(after),
        "response",
    )
    yield from _positional(before, after, area)
    yield from _keywords(before, after, area)


def _return_type(op: Operation) -> TypeRef:
    """What the plain method returns: the success responses' types, text and bytes included."""
    types = []
    for r in op.plain_responses:
        if r.is_success:
            t = r.value_type
            types += [] if t in types else [t]
    if not types:
        return TypeRef("none")
    return types[0] if len(types) == 1 else TypeRef("union", items=tuple(types))


def _positional(before: Operation, after: Operation, area: str) -> Iterator[Change]:
    """Path parameters are positional: a new name at the same place is a rename that only
    callers passing it by keyword notice; a different count or order breaks every call.
    """
    old_params, new_params = before.path_parameters, after.path_parameters
    old_names = [p.name for p in old_params]
    new_names = [p.name for p in new_params]
    moved = any(n != o and n in old_names for o, n in zip(old_names, new_names))
    if len(old_names) != len(new_names) or moved:
        yield Change(
            "positional-changed",
            True,
            area,
            after.name,
            f"positional arguments ({', '.join(new_names)}) were ({', '.join(old_names)})",
        )
        return
    for old_param, new_param in zip(old_params, new_params):
        if old_param.name != new_param.name:
            yield Change(
                "positional-renamed",
                False,
                area,
                f"{after.name}({new_param.name})",
                f"positional argument `{old_param.name}` renamed to `{new_param.name}` "
                "(breaks only calls that pass it by keyword)",
            )
        yield from _argument(
            replace(_from_parameter(old_param), name=new_param.name),
            _from_parameter(new_param),
            area,
            after.name,
        )


def _keywords(before: Operation, after: Operation, area: str) -> Iterator[Change]:
    old_args = {a.name: a for a in _keyword_arguments(before)}
    new_args = {a.name: a for a in _keyword_arguments(after)}
    renamed = _renames(
        {n: (a.wire_name, a.location, a.type) for n, a in old_args.items()},
        {n: (a.wire_name, a.location, a.type) for n, a in new_args.items()},
    )
    method = after.name
    for name in _ordered(new_args, old_args):
        if name in renamed:
            old_arg, new_arg = old_args[renamed[name]], new_args[name]
            yield Change(
                "argument-renamed",
                True,
                area,
                f"{method}({name})",
                f"argument `{old_arg.name}` renamed to `{name}`"
                + _type_note("takes", old_arg.type, new_arg.type),
            )
            yield from _argument(
                replace(old_arg, name=name, type=new_arg.type),
                new_arg,
                area,
                method,
            )
        elif name not in old_args:
            arg = new_args[name]
            yield Change(
                "argument-added",
                arg.required,
                area,
                f"{method}({name})",
                ("required" if arg.required else "optional")
                + f" argument `{name}: {describe(arg.type)}` added",
            )
        elif name not in new_args:
            if name not in renamed.values():
                yield Change(
                    "argument-removed",
                    True,
                    area,
                    f"{method}({name})",
                    f"argument `{name}` removed",
                )
        else:
            yield from _argument(old_args[name], new_args[name], area, method)


def _renames(
    old: dict[str, tuple[str, str, TypeRef]], new: dict[str, tuple[str, str, TypeRef]]
) -> dict[str, str]:
    """Which new names are old ones renamed (new name -> old name), from ``(wire name,
    location, type)`` of each: the same wire name at the same location is the same thing under
    a new Python name; and when exactly one name went and one came at the same location, with
    types one of which accepts the other, the one replaced the other."""
    removed = [n for n in old if n not in new]
    added = [n for n in new if n not in old]
    renamed: dict[str, str] = {}
    for name in added:
        same = [
            r
            for r in removed
            if old[r][:2] == new[name][:2] and r not in renamed.values()
        ]
        if same:
            renamed[name] = same[0]
    left_removed = [r for r in removed if r not in renamed.values()]
    left_added = [a for a in added if a not in renamed]
    if len(left_removed) == 1 and len(left_added) == 1:
        _, old_place, old_type = old[left_removed[0]]
        _, new_place, new_type = new[left_added[0]]
        related = accepts(old_type, new_type) or accepts(new_type, old_type)
        if old_place == new_place and related:
            renamed[left_added[0]] = left_removed[0]
    return renamed


def _keyword_arguments(op: Operation) -> list[Argument]:
    arguments = [_from_parameter(p) for p in op.other_parameters if p.name]
    if op.body is not None:
        arguments += [
            Argument(
                f.name,
                f.wire_name,
                "body",
                f.type,
                f.required,
                f.deprecated,
            )
            for f in op.body.fields
        ]
        arguments.append(
            Argument(
                "body",
                "",
                "whole-body",
                op.body.type,
                op.body.required and not op.body.fields,
                False,
            )
        )
    return arguments


def _from_parameter(p: Parameter) -> Argument:
    return Argument(p.name, p.wire_name, p.location, p.type, p.required, p.deprecated)


def _argument(
    before: Argument, after: Argument, area: str, method: str
) -> Iterator[Change]:
    subject = f"{method}({after.name})"
    if after.required and not before.required:
        yield Change("argument-required", True, area, subject, "argument made required")
    if before.required and not after.required:
        yield Change(
            "argument-optional", False, area, subject, "argument made optional"
        )
    if after.deprecated and not before.deprecated:
        yield Change("argument-deprecated", False, area, subject, "argument deprecated")
    yield from _retyped(
        "argument-retyped",
        area,
        subject,
        "takes",
        before.type,
        after.type,
        "request",
    )


# -- models ------------------------------------------------------------------------------------


def _models(old: Spec, new: Spec) -> Iterator[Change]:
    old_models = {m.name: m for m in old.models}
    new_models = {m.name: m for m in new.models}
    sides = _model_sides(old, new)
    for name in _ordered(new_models, old_models):
        if name not in old_models:
            yield Change("model-added", False, "models", name, "model added")
        elif name not in new_models:
            yield Change("model-removed", True, "models", name, "model removed")
        else:
            yield from _model(
                old_models[name], new_models[name], sides.get(name, "both")
            )


def _model(before: Model, after: Model, side: Side) -> Iterator[Change]:
    name = after.name
    if before.kind != after.kind:
        what = {"object": "a class", "alias": "a type alias"}
        yield Change(
            "model-retyped",
            True,
            "models",
            name,
            f"now {what[after.kind]}, was {what[before.kind]}",
        )
        return
    if after.kind == "alias" and before.alias_type and after.alias_type:
        yield from _retyped(
            "model-retyped",
            "models",
            name,
            "is",
            before.alias_type,
            after.alias_type,
            side,
        )
        return
    old_fields = {f.name: f for f in before.fields}
    new_fields = {f.name: f for f in after.fields}
    renamed = _renames(
        {f.name: (f.wire_name, "", f.type) for f in before.fields},
        {f.name: (f.wire_name, "", f.type) for f in after.fields},
    )
    for field_name in _ordered(new_fields, old_fields):
        subject = f"{name}.{field_name}"
        if field_name in renamed:
            old_field, new_field = (
                old_fields[renamed[field_name]],
                new_fields[field_name],
            )
            yield Change(
                "field-renamed",
                True,
                "models",
                subject,
                f"field `{old_field.name}` renamed to `{field_name}`"
                + _type_note("is", old_field.type, new_field.type),
            )
            yield from _field(
                replace(old_field, type=new_field.type), new_field, subject, side
            )
        elif field_name not in old_fields:
            f = new_fields[field_name]
            breaking = f.required and side != "response"
            yield Change(
                "field-added",
                breaking,
                "models",
                subject,
                ("required" if f.required else "optional")
                + f" field `{field_name}: {describe(f.type)}` added",
            )
        elif field_name not in new_fields:
            if field_name not in renamed.values():
                yield Change("field-removed", True, "models", subject, "field removed")
        else:
            yield from _field(
                old_fields[field_name], new_fields[field_name], subject, side
            )


def _field(before: Field, after: Field, subject: str, side: Side) -> Iterator[Change]:
    if after.required and not before.required:
        yield Change(
            "field-required",
            side != "response",
            "models",
            subject,
            "field made required",
        )
    if before.required and not after.required:
        yield Change(
            "field-optional",
            side != "request",
            "models",
            subject,
            "field made optional (it may now be missing)",
        )
    if after.deprecated and not before.deprecated:
        yield Change("field-deprecated", False, "models", subject, "field deprecated")
    yield from _retyped(
        "field-retyped",
        "models",
        subject,
        "is",
        before.type,
        after.type,
        side,
    )


def _model_sides(old: Spec, new: Spec) -> dict[str, Side]:
    """Whether each model is sent, received, or both, in either version (unused ones: both)."""
    request: set[str] = set()
    response: set[str] = set()
    for spec in (old, new):
        models = {m.name: m for m in spec.models}
        request |= {m.name for m in spec.models if m.has_param}
        roots = [
            t
            for api in spec.apis
            for op in api.operations
            for t in (
                *(r.type for r in op.responses if r.type is not None),
                *((op.stream.item,) if op.stream else ()),
            )
        ]
        response |= reachable_models(roots, lambda name: _referred(models.get(name)))
    sides: dict[str, Side] = {}
    for name in request | response:
        if name in request and name in response:
            sides[name] = "both"
        else:
            sides[name] = "request" if name in request else "response"
    return sides


def _referred(model: Model | None) -> list[TypeRef] | None:
    """The types a model's declaration uses: its fields' and, for an alias, what it stands for."""
    if model is None:
        return None
    alias = [model.alias_type] if model.alias_type is not None else []
    return [*(f.type for f in model.fields), *alias]


# -- types -------------------------------------------------------------------------------------


def _retyped(
    kind: str,
    area: str,
    subject: str,
    verb: str,
    old_type: TypeRef,
    new_type: TypeRef,
    side: Side,
) -> Iterator[Change]:
    """A change of type; when only enum values differ, which values came and went. Types
    are compared written out: an alias's name is no change of what a value may be."""
    old_type, new_type = without_aliases(old_type), without_aliases(new_type)
    old_text, new_text = describe(old_type), describe(new_type)
    if old_type == new_type:
        return
    if _shape(old_type) == _shape(new_type):
        old_values, new_values = _values(old_type), _values(new_type)
        gone = [v for v in old_values if v not in new_values]
        came = [v for v in new_values if v not in old_values]
        if gone:
            yield Change(
                "enum-values-removed",
                side != "response",
                area,
                subject,
                f"no longer {_verb_noun(verb)} {_shown_values(gone)}",
            )
        if came:
            yield Change(
                "enum-values-added",
                False,
                area,
                subject,
                f"also {_verb_noun(verb)} {_shown_values(came)}",
            )
        return
    if old_text == new_text:
        return  # a difference the generated code does not show (a union's tags, say)
    old_items, new_items = _variants(old_type), _variants(new_type)
    old_core = [t for t in old_items if t.kind != "none"]
    new_core = [t for t in new_items if t.kind != "none"]
    if old_core == new_core:  # only ``None`` came or went
        if new_type.nullable:
            yield Change(
                "now-nullable",
                side != "request",
                area,
                subject,
                f"may now be `None` ({_verb_noun(verb)} `{new_text}`)",
            )
        else:
            yield Change(
                "no-longer-nullable",
                side != "response",
                area,
                subject,
                f"is never `None` now ({_verb_noun(verb)} `{new_text}`)",
            )
        return
    added = [describe(t) for t in new_items if t not in old_items]
    dropped = [describe(t) for t in old_items if t not in new_items]
    if len(added) < len(new_items) and not dropped:
        # a union that gained variants: the client keeps a variant it does not know
        yield Change(
            "union-variants-added",
            False,
            area,
            subject,
            f"also {_verb_noun(verb)} {_shown_names(added)}",
        )
        return
    if len(dropped) < len(old_items) and not added:
        yield Change(
            "union-variants-removed",
            side != "response",
            area,
            subject,
            f"no longer {_verb_noun(verb)} {_shown_names(dropped)}",
        )
        return
    breaking = {
        "request": not accepts(new_type, old_type),
        "response": not accepts(old_type, new_type),
        "both": not (accepts(new_type, old_type) and accepts(old_type, new_type)),
    }[side]
    yield Change(
        kind, breaking, area, subject, f"{verb} `{new_text}`, was `{old_text}`"
    )


def _type_note(verb: str, before: TypeRef, after: TypeRef) -> str:
    old_text, new_text = describe(before), describe(after)
    return "" if old_text == new_text else f"; {verb} `{new_text}`, was `{old_text}`"


#: Enum values and union variants shown in a type before the rest are counted instead.
SHOWN_VALUES = 4
SHOWN_VARIANTS = 6


def describe(t: TypeRef) -> str:
    """A type as the generated models would annotate it written out, without the names of
    its aliases (the generator's ``response_annotation``), shortened for a report: an enum's
    first values and a union's first variants, then how many more; a tagged union as its
    variants, an enum without the marker that keeps new values."""
    return response_annotation(_shortened(without_aliases(t)))


class _More(str):
    """What stands for the values of an enum that a report leaves out: the annotation writes
    its ``repr``, ``... 2 more``."""

    def __repr__(self) -> str:
        return f"... {self} more"


def _shortened(t: TypeRef) -> TypeRef:
    if t.kind == "literal":
        more = len(t.values) - SHOWN_VALUES
        cut = (_More(more),) if more > 0 else ()
        return TypeRef("literal", values=(*t.values[:SHOWN_VALUES], *cut))
    if t.kind == "union":
        more = len(t.items) - SHOWN_VARIANTS
        rest = (TypeRef("model", f"... {more} more"),) if more > 0 else ()
        shown = tuple(_shortened(i) for i in t.items[:SHOWN_VARIANTS])
        return TypeRef("union", items=(*shown, *rest))
    return replace(t, items=tuple(_shortened(i) for i in t.items))


def _verb_noun(verb: str) -> str:
    return {"is": "allows", "takes": "takes", "returns": "returns", "yields": "yields"}[
        verb
    ]


def _shown_values(values: list[Scalar]) -> str:
    return _shown_names([json.dumps(v) for v in values])


#: Most names or values listed in one change; the rest are counted.
SHOWN_NAMES = 8


def _shown_names(names: list[str]) -> str:
    shown = ", ".join(f"`{n}`" for n in names[:SHOWN_NAMES])
    more = len(names) - SHOWN_NAMES
    return shown + (f" and {more} more" if more > 0 else "")


def _variants(t: TypeRef) -> tuple[TypeRef, ...]:
    return t.items if t.kind == "union" else (t,)


def _shape(t: TypeRef) -> TypeRef:
    """The type with its literal values left out: two types of one shape differ in values only."""
    return replace(
        t, values=(), keep_unknown=False, items=tuple(_shape(i) for i in t.items)
    )


def _values(t: TypeRef) -> list[Scalar]:
    found: list[Scalar] = list(t.values)
    for item in t.items:
        found += [v for v in _values(item) if v not in found]
    return found


def accepts(wide: TypeRef, narrow: TypeRef) -> bool:
    """Whether every value of ``narrow`` is a value of ``wide`` (models by class name)."""
    if wide.kind == "any":
        return True
    if narrow.kind == "union":
        return all(accepts(wide, item) for item in narrow.items)
    if wide.kind == "union":
        return any(accepts(item, narrow) for item in wide.items)
    if wide.kind == "primitive" and narrow.kind == "literal":
        return all(_is_a(wide.name, v) for v in narrow.values)
    if wide.kind != narrow.kind:
        return False
    if wide.kind == "primitive":
        return wide.name == narrow.name or (wide.name, narrow.name) == ("float", "int")
    if wide.kind == "literal":
        return {_typed(v) for v in narrow.values} <= {_typed(v) for v in wide.values}
    if wide.kind in ("list", "map"):
        return accepts(wide.items[0], narrow.items[0])
    if wide.kind == "tuple":
        return len(wide.items) == len(narrow.items) and all(
            accepts(w, n) for w, n in zip(wide.items, narrow.items)
        )
    if wide.kind == "model":
        return wide.name == narrow.name
    return True  # none


def _is_a(primitive: str, value: Scalar) -> bool:
    checks: dict[str, Callable[[Scalar], bool]] = {
        "str": lambda v: isinstance(v, str),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "bool": lambda v: isinstance(v, bool),
    }
    return primitive in checks and checks[primitive](value)


def _typed(value: Scalar) -> tuple[str, Scalar]:
    """A literal value with its type, so that ``True`` and ``1`` stay apart in a set."""
    return (type(value).__name__, value)


def _ordered(first: Iterable[K], second: Iterable[K]) -> list[K]:
    """The keys of ``first`` in order, then those only in ``second``."""
    keys = list(first)
    seen = set(keys)
    return keys + [k for k in second if k not in seen]


# -- reports -----------------------------------------------------------------------------------


def markdown(changes: tuple[Change, ...], old_name: str, new_name: str) -> str:
    """The report for people: breaking changes first, each group under its API or ``models``."""
    breaking = [c for c in changes if c.breaking]
    other = [c for c in changes if not c.breaking]
    lines = [
        f"# API changes from `{old_name}` to `{new_name}`",
        "",
        f"{len(breaking)} breaking, {len(other)} not breaking.",
    ]
    for title, group in (("Breaking changes", breaking), ("Other changes", other)):
        if not group:
            continue
        lines += ["", f"## {title}"]
        for area in dict.fromkeys(c.area for c in group):
            lines += ["", f"### `{area}`", ""]
            lines += [f"- `{c.subject}`: {c.message}" for c in group if c.area == area]
    if not changes:
        lines += ["", "No changes to the generated API."]
    return "\n".join(lines) + "\n"


def as_json(changes: tuple[Change, ...], old_name: str, new_name: str) -> str:
    """The report for machines: the counts and every change, in the markdown's order."""
    ordered = [c for c in changes if c.breaking] + [
        c for c in changes if not c.breaking
    ]
    data = {
        "old": old_name,
        "new": new_name,
        "breaking": sum(c.breaking for c in changes),
        "total": len(changes),
        "changes": [c.as_dict() for c in ordered],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
