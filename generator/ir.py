"""The intermediate representation: what the document says, in Python's terms.

Frozen dataclasses of the standard library only. This is the template context, the contract that
custom templates rely on (see docs/templates.md): every node keeps the JSON pointer of the spec
node it came from, names are already valid identifiers, and annotations are already computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class TypeRef:
    """A type as the document describes it.

    ``kind`` is one of: ``primitive`` (``name`` is str, int, float, bool, bytes, datetime, date,
    uuid, file), ``list`` and ``map`` (``items`` holds the one element type), ``model`` (``name``
    is the class name), ``literal`` (``values``), ``union`` (``items``; ``discriminator`` when the
    variants are told apart by a property), ``any`` and ``none``.
    """

    kind: Literal[
        "primitive", "list", "map", "model", "literal", "union", "any", "none"
    ]
    name: str = ""
    items: tuple[TypeRef, ...] = ()
    values: tuple[Scalar, ...] = ()
    discriminator: str | None = None

    @property
    def nullable(self) -> bool:
        return self.kind == "none" or (
            self.kind == "union" and any(t.kind == "none" for t in self.items)
        )

    def models(self) -> tuple[str, ...]:
        """Class names this type refers to, in order, without repeats."""
        if self.kind == "model":
            return (self.name,)
        found: dict[str, None] = {}
        for item in self.items:
            found.update(dict.fromkeys(item.models()))
        return tuple(found)


@dataclass(frozen=True)
class Field:
    """One property of an object schema, or one flattened body argument."""

    name: str
    wire_name: str
    type: TypeRef
    required: bool
    annotation: str
    param_annotation: str
    description: str = ""
    default: str | None = None
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False
    pointer: str = ""


@dataclass(frozen=True)
class Model:
    """A named schema: an object becomes a pydantic class (``kind == "object"``) with a
    ``<Name>Param`` TypedDict when requests use it; anything else becomes a type alias.
    """

    name: str
    module: str
    kind: Literal["object", "alias"]
    pointer: str
    description: str = ""
    fields: tuple[Field, ...] = ()
    alias_annotation: str = ""
    alias_type: TypeRef | None = None
    has_param: bool = False
    param_name: str = ""
    param_functional: bool = False
    imports: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Parameter:
    name: str
    wire_name: str
    location: Literal["path", "query", "header", "cookie"]
    type: TypeRef
    required: bool
    annotation: str
    description: str = ""
    style: str | None = None
    explode: bool | None = None
    deprecated: bool = False
    pointer: str = ""


@dataclass(frozen=True)
class Body:
    """A request body in one media type; ``fields`` holds its flattened arguments (empty when
    the body is passed whole as ``body=``)."""

    content_type: str
    kind: Literal["json", "form", "multipart", "binary", "text"]
    type: TypeRef
    annotation: str
    required: bool
    fields: tuple[Field, ...] = ()
    model: str | None = None
    description: str = ""
    pointer: str = ""


@dataclass(frozen=True)
class Header:
    name: str
    description: str = ""


@dataclass(frozen=True)
class Response:
    status: str
    description: str
    content_type: str | None
    kind: Literal["json", "text", "binary", "empty", "sse"]
    type: TypeRef | None
    annotation: str
    headers: tuple[Header, ...] = ()
    pointer: str = ""

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")


@dataclass(frozen=True)
class Stream:
    """How to ask for the ``text/event-stream`` answer: the body property to set and its value."""

    switch: str
    value: Scalar
    item: TypeRef
    item_annotation: str


@dataclass(frozen=True)
class Operation:
    name: str
    operation_id: str
    method: str
    path: str
    summary: str
    description: str
    tag: str
    parameters: tuple[Parameter, ...]
    body: Body | None
    responses: tuple[Response, ...]
    security: tuple[tuple[str, ...], ...]
    return_annotation: str
    stream: Stream | None = None
    deprecated: bool = False
    pointer: str = ""

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def other_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location != "path")

    @property
    def success(self) -> Response | None:
        return next(
            (r for r in self.responses if r.is_success and r.kind != "sse"), None
        )


@dataclass(frozen=True)
class Api:
    """One API class per tag (the seed's ``ChatApi``)."""

    tag: str
    class_name: str
    attribute: str
    module: str
    description: str
    operations: tuple[Operation, ...]
    imports: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class SecurityScheme:
    name: str
    kind: Literal["bearer", "basic", "api_key", "oauth2", "unsupported"]
    keyword: str
    env: str
    location: str = ""
    parameter: str = ""
    description: str = ""


@dataclass(frozen=True)
class Server:
    url: str
    description: str = ""


@dataclass(frozen=True)
class Spec:
    title: str
    version: str
    description: str
    package: str
    project: str
    source_name: str
    source_digest: str
    generator_version: str
    servers: tuple[Server, ...]
    security_schemes: tuple[SecurityScheme, ...]
    models: tuple[Model, ...]
    apis: tuple[Api, ...]
    operations_total: int = 0
    schemas_total: int = 0
    schemas_generated: int = 0
    any_fields: int = 0
    skipped: tuple[tuple[str, str], ...] = field(default=())
