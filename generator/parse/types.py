"""TypeRef construction and the Python annotations computed from it, for responses and requests."""

from __future__ import annotations

from collections.abc import Iterable

from generator.ir import Scalar, TypeRef

ANY = TypeRef("any")
UNKNOWN = TypeRef(
    "any", name="unknown"
)  # Any where the document gave a type we could not build
NONE = TypeRef("none")

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
}


def primitive(name: str) -> TypeRef:
    return TypeRef("primitive", name=name)


def model(name: str) -> TypeRef:
    return TypeRef("model", name=name)


def literal(values: Iterable[Scalar]) -> TypeRef:
    return TypeRef("literal", values=tuple(dict.fromkeys(values)))


def list_of(item: TypeRef) -> TypeRef:
    return TypeRef("list", items=(item,))


def map_of(value: TypeRef) -> TypeRef:
    return TypeRef("map", items=(value,))


def union(variants: Iterable[TypeRef], discriminator: str | None = None) -> TypeRef:
    """A flattened union: nested unions spliced in, repeats dropped, literals merged, and
    ``Any`` absorbing everything."""
    flat: list[TypeRef] = []
    for variant in variants:
        parts = (
            variant.items
            if variant.kind == "union" and not variant.discriminator
            else (variant,)
        )
        for part in parts:
            if part.kind == "any":
                return part
            if part not in flat:
                flat.append(part)
    literals = [t for t in flat if t.kind == "literal"]
    if len(literals) > 1:
        merged = literal(v for t in literals for v in t.values)
        flat = [
            merged if t is literals[0] else t
            for t in flat
            if t.kind != "literal" or t is literals[0]
        ]
    if len(flat) == 1:
        return flat[0]
    non_null = [t for t in flat if t.kind != "none"]
    if discriminator and len(non_null) > 1 and all(t.kind == "model" for t in non_null):
        tagged = TypeRef("union", items=tuple(non_null), discriminator=discriminator)
        return union([tagged, NONE]) if len(non_null) < len(flat) else tagged
    return TypeRef("union", items=tuple(flat))


def nullable(t: TypeRef) -> TypeRef:
    return t if t.nullable or t.kind == "any" else union([t, NONE])


def is_unknown(t: TypeRef) -> bool:
    return t == UNKNOWN or any(is_unknown(i) for i in t.items)


def _literal_annotation(t: TypeRef) -> str:
    return f"Literal[{', '.join(repr(v) for v in t.values)}]"


def response_annotation(t: TypeRef) -> str:
    """The annotation of a pydantic field: multi-valued enums keep values a newer server adds."""
    if t.kind == "primitive":
        return _PRIMITIVE_ANNOTATIONS[t.name]
    if t.kind == "model":
        return t.name
    if t.kind == "list":
        return f"list[{response_annotation(t.items[0])}]"
    if t.kind == "map":
        return f"dict[str, {response_annotation(t.items[0])}]"
    if t.kind == "literal":
        text = _literal_annotation(t)
        return f"Annotated[{text}, KEEP_UNKNOWN]" if len(t.values) > 1 else text
    if t.kind == "union":
        joined = " | ".join(response_annotation(i) for i in t.items)
        if t.discriminator:
            return f"Annotated[{joined}, Field(discriminator={t.discriminator!r})]"
        return joined
    if t.kind == "none":
        return "None"
    return "Any"


def request_annotation(t: TypeRef, *, top_level: bool = False) -> str:
    """The annotation of a request argument (``top_level``: a model or its ``Param`` dict) or of
    a ``Param`` TypedDict value (nested: the dict form)."""
    if t.kind == "primitive":
        return "FileTypes" if t.name == "file" else _PRIMITIVE_ANNOTATIONS[t.name]
    if t.kind == "model":
        return f"{t.name} | {t.name}Param" if top_level else f"{t.name}Param"
    if t.kind == "list":
        return f"Sequence[{request_annotation(t.items[0], top_level=top_level)}]"
    if t.kind == "map":
        return f"Mapping[str, {request_annotation(t.items[0], top_level=top_level)}]"
    if t.kind == "literal":
        return _literal_annotation(t)
    if t.kind == "union":
        return " | ".join(request_annotation(i, top_level=top_level) for i in t.items)
    if t.kind == "none":
        return "None"
    return "Any"


def uses_files(t: TypeRef) -> bool:
    return (t.kind == "primitive" and t.name == "file") or any(
        uses_files(i) for i in t.items
    )
