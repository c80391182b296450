"""Request bodies across media types: which one a method sends by default, the ``encoding``
of form and multipart bodies, and one argument list for an operation that accepts several.

Pure functions over IR values; ``operations.py`` finds the schemas and calls these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from generator.ir import Body, Encoding, Field, MediaChoice, TypeRef
from generator.parse import types as T

_PREFERRED = (
    "application/json",
    "+json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
)


def media_order(types: Sequence[str], uploads: Callable[[str], bool]) -> list[str]:
    """The media types with the default first: a multipart body that uploads files (the
    caller has files in hand), else JSON, multipart, form, then the document's order."""
    ranked = list(types)
    for media in ranked:
        if _media(media) == "multipart/form-data" and uploads(media):
            return [media] + [t for t in ranked if t != media]
    for wanted in _PREFERRED:
        for media in ranked:
            if _media(media) == wanted or (
                wanted.startswith("+") and _media(media).endswith(wanted)
            ):
                return [media] + [t for t in ranked if t != media]
    return ranked


def _media(content_type: str) -> str:
    return content_type.lower().split(";")[0].strip()


def encodings(node: object) -> tuple[Encoding, ...]:
    """A media type object's ``encoding`` map, in document order."""
    if not isinstance(node, dict) or not isinstance(node.get("encoding"), dict):
        return ()
    found = []
    for name, spec in node["encoding"].items():
        if not isinstance(spec, dict):
            continue
        content_type = spec.get("contentType")
        style = spec.get("style")
        explode = spec.get("explode")
        found.append(
            Encoding(
                name=str(name),
                content_type=content_type if isinstance(content_type, str) else None,
                style=style if isinstance(style, str) else None,
                explode=explode if isinstance(explode, bool) else None,
                allow_reserved=spec.get("allowReserved") is True,
            )
        )
    return tuple(found)


def merge_bodies(
    bodies: Sequence[Body],
    annotate: Callable[[TypeRef], str],
    claim: Callable[[str], str],
) -> Body:
    """One body for the method: the first (default) media type's, widened to the others.

    Fields are merged by wire name (types joined; required only when every object body
    requires it), the whole-body annotation is the union of all, and ``choices`` lists
    each media type for ``content_type=``. ``claim`` gives each field its argument name.
    """
    first = bodies[0]
    flattened = [b for b in bodies if b.fields]
    by_wire: dict[str, Field] = {}
    for body in flattened:
        for f in body.fields:
            known = by_wire.get(f.wire_name)
            by_wire[f.wire_name] = (
                f
                if known is None
                else replace(known, type=T.union([known.type, f.type]))
            )
    fields = []
    for wire, f in by_wire.items():
        required = all(
            any(g.wire_name == wire and g.required for g in b.fields) for b in flattened
        )
        fields.append(
            replace(
                f,
                name=claim(f.name),
                required=required,
                param_annotation=annotate(f.type),
            )
        )
    if len(bodies) == 1:
        return replace(first, fields=tuple(fields))
    whole = T.union([b.type for b in bodies])
    models = {b.model for b in bodies}
    return replace(
        first,
        type=whole,
        annotation=annotate(whole),
        required=all(b.required for b in bodies),
        fields=tuple(fields),
        model=first.model if len(models) == 1 else None,
        encoding=_merged_encoding(bodies),
        choices=tuple(MediaChoice(b.content_type, b.kind) for b in bodies),
    )


def _merged_encoding(bodies: Sequence[Body]) -> tuple[Encoding, ...]:
    seen: dict[str, Encoding] = {}
    for body in bodies:
        for encoding in body.encoding:
            seen.setdefault(encoding.name, encoding)
    return tuple(seen.values())
