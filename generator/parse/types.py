"""TypeRef construction and the Python annotations computed from it, for responses and requests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from generator.ir import Scalar, TypeRef
from generator.naming import param_form_name

ANY = TypeRef("any")
UNKNOWN = TypeRef(
    "any", name="unknown"
)  # Any where the document gave a type we could not build
NONE = TypeRef("none")
# The choices a tagged union has beside its variants, named so that no class can take the name:
# a tag value several variants declare, or none (a variant whose tag is optional), goes to
# SEVERAL_TAG, which tries each variant; a value no variant declares goes to UNKNOWN_TAG.
SEVERAL_TAG = "*"
UNKNOWN_TAG = "?"

_PRIMITIVE_ANNOTATIONS = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "bytes": "bytes",
    "datetime": "_dt.datetime",
    "date": "_dt.date",
    "uuid": "_uuid.UUID",
    "file": "bytes",
    # a base64 string (``contentEncoding: base64``): its bytes, decoded on the way in
    "base64": "Annotated[bytes, BASE64]",
}
# what a request takes where a response gives the annotation above
_REQUEST_PRIMITIVES = {**_PRIMITIVE_ANNOTATIONS, "file": "FileTypes", "base64": "bytes"}


def primitive(name: str) -> TypeRef:
    return TypeRef("primitive", name=name)


def model(name: str) -> TypeRef:
    return TypeRef("model", name=name)


def literal(values: Iterable[Scalar], *, keep_unknown: bool = False) -> TypeRef:
    """A constant (``keep_unknown`` false) or an enum, which keeps a value it does not list."""
    return TypeRef(
        "literal", values=tuple(dict.fromkeys(values)), keep_unknown=keep_unknown
    )


def list_of(item: TypeRef) -> TypeRef:
    return TypeRef("list", items=(item,))


def tuple_of(items: Iterable[TypeRef]) -> TypeRef:
    """An array of a fixed length whose items each have a type of their own."""
    return TypeRef("tuple", items=tuple(items))


def map_of(value: TypeRef) -> TypeRef:
    return TypeRef("map", items=(value,))


def union(
    variants: Iterable[TypeRef],
    discriminator: str | None = None,
    tags: Iterable[tuple[Scalar, str]] = (),
    fallback: str = "",
) -> TypeRef:
    """A flattened union: nested unions spliced in, repeats dropped, literals merged, and
    ``Any`` absorbing everything. With a ``discriminator`` and at least one tag value, a union
    of models is tagged: ``tags`` maps wire values to the class names of their variants.
    """
    flat: list[TypeRef] = []
    for variant in variants:
        parts = (
            variant.items
            if variant.kind == "union"
            and not variant.discriminator
            and not variant.alias  # a named union keeps its name
            else (variant,)
        )
        for part in parts:
            if part.kind == "any":
                return part
            if part not in flat:
                flat.append(part)
    literals = [t for t in flat if t.kind == "literal" and not t.alias]
    if len(literals) > 1:
        merged = literal(
            (v for t in literals for v in t.values),
            keep_unknown=any(t.keep_unknown for t in literals),
        )
        flat = [
            merged if t is literals[0] else t
            for t in flat
            if t.kind != "literal" or t is literals[0]
        ]
    if len(flat) == 1:
        return flat[0]
    non_null = [t for t in flat if t.kind != "none"]
    tag_pairs = tuple(tags)
    if (
        discriminator
        and tag_pairs
        and len(non_null) > 1
        and all(t.kind == "model" for t in non_null)
    ):
        tagged = TypeRef(
            "union",
            items=tuple(non_null),
            discriminator=discriminator,
            tags=tag_pairs,
            fallback=fallback,
        )
        return union([tagged, NONE]) if len(non_null) < len(flat) else tagged
    return TypeRef("union", items=tuple(flat))


def nullable(t: TypeRef) -> TypeRef:
    return t if t.nullable or t.kind == "any" else union([t, NONE])


def is_unknown(t: TypeRef) -> bool:
    return t == UNKNOWN or any(is_unknown(i) for i in t.items)


def _literal_annotation(t: TypeRef) -> str:
    return f"Literal[{', '.join(repr(v) for v in t.values)}]"


def named(t: TypeRef, name: str) -> TypeRef:
    """``t`` written as the type alias ``name`` (a component schema that is no object), where
    a name says more than its structure: not a model (already a name), nor Any or None.
    """
    return t if t.kind in ("model", "any", "none") else replace(t, alias=name)


def written_out(t: TypeRef) -> TypeRef:
    """``t``'s structure, without the alias name it is written as."""
    return replace(t, alias="") if t.alias else t


def without_aliases(t: TypeRef) -> TypeRef:
    """``t`` written out whole, no part of it named as an alias: what it means, for
    comparing two versions of a document whatever their schemas are called."""
    items = tuple(without_aliases(i) for i in t.items)
    if t.kind == "union" and not t.discriminator:
        return union(items)  # spliced and merged as if it had been written out
    return replace(t, alias="", items=items) if t.alias or items != t.items else t


def needs_param_alias(t: TypeRef) -> bool:
    """Whether a request writes the type otherwise than a response does, so that its alias
    needs a ``Param`` form: it holds models (sent as their ``Param`` dicts) or files."""
    if t.kind == "model":
        return True
    if t.kind == "primitive":
        return t.name in ("file", "base64")
    return any(needs_param_alias(written_out(i)) for i in t.items)


def _same_for_requests(t: TypeRef) -> bool:
    """Whether a request writes the type as a response does (mypy reads an enum's
    ``Annotated[Literal[...], KEEP_UNKNOWN]`` as its ``Literal``), so that both may use its
    alias: no collection (a request takes a ``Sequence`` or a ``Mapping``), model or file.
    """
    if t.kind in ("list", "map", "model"):
        return False
    if t.kind == "primitive":
        return t.name not in ("file", "base64")
    return all(_same_for_requests(written_out(i)) for i in t.items)


def response_annotation(t: TypeRef) -> str:
    """The annotation of a pydantic field: multi-valued enums keep values a newer server adds."""
    if t.alias:
        return t.alias
    if t.kind == "primitive":
        return _PRIMITIVE_ANNOTATIONS[t.name]
    if t.kind == "model":
        return t.name
    if t.kind == "list":
        return f"list[{response_annotation(t.items[0])}]"
    if t.kind == "tuple":
        return f"tuple[{', '.join(response_annotation(i) for i in t.items)}]"
    if t.kind == "map":
        return f"dict[str, {response_annotation(t.items[0])}]"
    if t.kind == "literal":
        text = _literal_annotation(t)
        return f"Annotated[{text}, KEEP_UNKNOWN]" if t.keep_unknown else text
    if t.kind == "union":
        if t.discriminator and t.tags:
            return _tagged_annotation(t)
        return " | ".join(response_annotation(i) for i in t.items)
    if t.kind == "none":
        return "None"
    if t.kind == "event":
        return f"TypedEvent[{response_annotation(t.items[0])}]"
    return "Any"


def _tagged_annotation(t: TypeRef) -> str:
    """A pydantic tagged union whose tag is read by a function (``discriminate``), so that a
    tag value no variant declares (a newer server's) is kept as an ``UnknownVariant`` (or as
    the ``fallback`` class, the base of subtypes) instead of failing, and a value several
    variants share, or a missing one, tries each of them.
    """
    unknown = t.fallback or "UnknownVariant"
    choices = [f"Annotated[{i.name}, Tag({i.name!r})]" for i in t.items]
    tried = [*(i.name for i in t.items), unknown, "UnknownVariant"]
    everything = " | ".join(dict.fromkeys(tried))
    choices.append(f"Annotated[{everything}, Tag({SEVERAL_TAG!r})]")
    choices.append(f"Annotated[{unknown}, Tag({UNKNOWN_TAG!r})]")
    table = ", ".join(f"{value!r}: {name!r}" for value, name in t.tags)
    return (
        f"Annotated[{' | '.join(choices)}, "
        f"Discriminator(discriminate({t.discriminator!r}, {{{table}}}))]"
    )


def request_annotation(
    t: TypeRef,
    *,
    top_level: bool = False,
    params: Mapping[str, str] | None = None,
) -> str:
    """The annotation of a request argument (``top_level``: a model or its ``Param`` dict) or of
    a ``Param`` TypedDict value (nested: the dict form). ``params`` names the ``Param`` form of
    each model whose name is not simply ``<Model>Param``."""

    def recurse(item: TypeRef) -> str:
        return request_annotation(item, top_level=top_level, params=params)

    if t.alias:
        structure = written_out(t)
        if needs_param_alias(structure):
            param = (params or {}).get(t.alias, f"{t.alias}Param")
            return f"{t.alias} | {param}" if top_level else param
        if _same_for_requests(structure):
            return t.alias
        t = structure  # written out: a request takes wider collections (Sequence, Mapping)
    if t.kind == "model":
        param = (params or {}).get(t.name, param_form_name(t.name))
        return f"{t.name} | {param}" if top_level else param
    if t.kind == "primitive":
        return _REQUEST_PRIMITIVES[t.name]
    if t.kind == "list":
        return f"Sequence[{recurse(t.items[0])}]"
    if t.kind == "tuple":
        return f"tuple[{', '.join(recurse(i) for i in t.items)}]"
    if t.kind == "map":
        return f"Mapping[str, {recurse(t.items[0])}]"
    if t.kind == "literal":
        return _literal_annotation(t)
    if t.kind == "union":
        return " | ".join(dict.fromkeys(recurse(i) for i in t.items))
    if t.kind == "none":
        return "None"
    return "Any"


def uses_files(t: TypeRef) -> bool:
    return (t.kind == "primitive" and t.name == "file") or any(
        uses_files(i) for i in t.items
    )
