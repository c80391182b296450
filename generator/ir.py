"""The intermediate representation: what the document says, in Python's terms.

Frozen dataclasses of the standard library only. This is the template context, the contract that
custom templates rely on (see docs/templates.md): every node keeps the JSON pointer of the spec
node it came from, names are already valid identifiers, and annotations are already computed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, TypeVar

Scalar = str | int | float | bool | None
_Node = TypeVar("_Node")


@dataclass(frozen=True)
class TypeRef:
    """A type as the document describes it.

    ``kind`` is one of: ``primitive`` (``name`` is str, int, float, bool, bytes, datetime, date,
    uuid, file, base64), ``list`` and ``map`` (``items`` holds the one element type), ``tuple``
    (``items`` holds the type of each position of an array of fixed length), ``model``
    (``name`` is the class name of an object model, or of a type alias whose structure is not
    kept here: recursive ones and tagged unions), ``literal`` (``values``; ``keep_unknown``
    for an enum, which accepts a value a newer server adds, as opposed to a constant), ``union``
    (``items``; ``discriminator`` and ``tags`` when the variants are told apart by a property:
    ``tags`` maps each wire value to the class name of its variant), ``any`` and ``none``;
    ``event`` is one event of a server-sent event stream described by ``itemSchema`` (OpenAPI
    3.2), ``items`` holding the type of its ``data`` (the runtime's ``TypedEvent[...]``).
    """

    kind: Literal[
        "primitive",
        "list",
        "tuple",
        "map",
        "model",
        "literal",
        "union",
        "any",
        "none",
        "event",
    ]
    name: str = ""
    items: tuple[TypeRef, ...] = ()
    values: tuple[Scalar, ...] = ()
    discriminator: str | None = None
    keep_unknown: bool = False
    tags: tuple[tuple[Scalar, str], ...] = ()
    #: a tagged union's class for a tag value no variant declares ("" for ``UnknownVariant``):
    #: the base schema, when the variants are the subtypes extending it
    fallback: str = ""
    #: the named type alias this type is written as (a component schema that is an enum, a
    #: union or an alias of another type: ``ChatModel``), "" when it is written out; the
    #: structure stays in the other attributes, for what reads the type rather than writes it
    alias: str = ""

    @property
    def nullable(self) -> bool:
        return self.kind == "none" or (
            self.kind == "union" and any(t.kind == "none" for t in self.items)
        )

    def models(self) -> tuple[str, ...]:
        """Class and alias names this type is written with, in order, without repeats (not
        those inside a named alias: its own module refers to them)."""
        if self.alias:
            return (self.alias,)
        if self.kind == "model":
            return (self.name,)
        found: dict[str, None] = {}
        for item in self.items:
            found.update(dict.fromkeys(item.models()))
        return tuple(found)


def reachable_models(
    roots: Iterable[TypeRef], refers: Callable[[str], Iterable[TypeRef] | None]
) -> set[str]:
    """The names of the models ``roots`` lead to, through what each model refers to
    (``refers(name)``: the types its declaration uses, None for a name that is no model). The
    one walk for the models requests send (they get a ``Param`` form) and diff's sides.
    """
    seen: set[str] = set()
    stack = [n for t in roots for n in t.models()]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        referred = refers(name)
        if referred is None:
            continue
        seen.add(name)
        stack.extend(n for t in referred for n in t.models())
    return seen


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
    #: how the response model declares the field: its annotation (``| None`` added when the
    #: field may be absent and has no default of its type) and its Python default (None when
    #: required; ``"None"`` or the spec's default otherwise)
    model_annotation: str = ""
    model_default: str | None = None
    #: the document's validation keywords that apply to the field's type, as pydantic
    #: ``Field`` arguments: lower bound, upper bound, ``multiple_of`` (finite numbers);
    #: ``min_length``, ``max_length`` (of a string, or of a list's items); ``pattern`` (only
    #: one pydantic's engine reads as Python does)
    constraints: tuple[tuple[str, Scalar], ...] = ()

    @property
    def model_value(self) -> str:
        """What the model class assigns to the field: "" for nothing, its default alone, or
        a pydantic ``Field(...)`` with the default, the wire name (``alias``),
        ``deprecated`` and the constraints."""
        arguments = (
            [] if self.model_default is None else [f"default={self.model_default}"]
        )
        if self.name != self.wire_name:
            arguments.append(f"alias={self.wire_name!r}")
        if self.deprecated:
            arguments.append(f"deprecated={self.wire_name + ' is deprecated'!r}")
        arguments += [f"{keyword}={value!r}" for keyword, value in self.constraints]
        if arguments == [f"default={self.model_default}"]:
            return str(self.model_default)
        return f"Field({', '.join(arguments)})" if arguments else ""


@dataclass(frozen=True)
class Model:
    """A named schema: an object becomes a pydantic class (``kind == "object"``) with a
    ``<Name>Param`` TypedDict when requests use it; anything else becomes a type alias (with a
    ``<Name>Param`` alias, ``param_alias_annotation``, when requests refer to it by name).
    ``extra_annotation`` types the values of properties the schema does not list
    (``additionalProperties`` beside ``properties``).
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
    param_alias_annotation: str = ""
    extra_annotation: str = ""
    extra_type: TypeRef | None = None
    #: the schema says it is deprecated
    deprecated: bool = False
    #: an alias whose module is part of an import cycle (it may refer to itself): its value
    #: is a string read on first use (``TypeAliasType``), as the models it names may be
    #: half-initialised when its module runs; other aliases are ``TypeAlias`` assignments of
    #: code, their models imported before them
    lazy: bool = False
    #: its module is part of an import cycle: the module imports its models at its end, after
    #: its own classes, so that each module of the cycle can load while another is half-done;
    #: a module outside any cycle imports them at its top (``imports``)
    in_cycle: bool = False
    #: the model whose module holds this one (an inline schema only that model uses, as the
    #: official OpenAI SDK nests sub-models); "" when the model has a module of its own
    holder: str = ""
    #: of a model with a module of its own: the models its module holds beside it, each
    #: defined before the models that use it (``module`` is the same for all of them)
    nested: tuple[Model, ...] = ()


@dataclass(frozen=True)
class Parameter:
    """One parameter; ``querystring`` (OpenAPI 3.2) is the whole query string, serialized from
    its value as its ``content_type`` says (with ``encoding``, like a form body)."""

    name: str
    wire_name: str
    location: Literal["path", "query", "querystring", "header", "cookie"]
    type: TypeRef
    required: bool
    annotation: str
    description: str = ""
    style: str | None = None
    explode: bool | None = None
    deprecated: bool = False
    pointer: str = ""
    allow_reserved: bool = False
    #: how a deepObject parameter keys array items (the ``array-formats`` setting); None:
    #: the operation's ``array_format``
    array_format: str | None = None
    #: the schema's ``default``, when it is a plain value
    default: Scalar = None
    content_type: str | None = None
    encoding: tuple[Encoding, ...] = ()

    @property
    def encoding_map(self) -> dict[str, dict[str, Scalar]]:
        return _encoding_map(self.encoding)


@dataclass(frozen=True)
class Encoding:
    """The OpenAPI ``encoding`` of one property of a form or multipart body."""

    name: str
    content_type: str | None = None
    style: str | None = None
    explode: bool | None = None
    allow_reserved: bool = False
    #: the ``array-formats`` setting of this property, if any
    array_format: str | None = None

    def as_dict(self) -> dict[str, Scalar]:
        """The runtime's form: OpenAPI's own keys, only those the document sets, and
        ``arrayFormat`` when a setting gives one."""
        found: dict[str, Scalar] = {
            "contentType": self.content_type,
            "style": self.style,
            "explode": self.explode,
            "allowReserved": self.allow_reserved or None,
            "arrayFormat": self.array_format,
        }
        return {k: v for k, v in found.items() if v is not None}


def _encoding_map(encoding: tuple[Encoding, ...]) -> dict[str, dict[str, Scalar]]:
    """The runtime's ``encoding=``: each property's settings, those without any left out."""
    return {e.name: e.as_dict() for e in encoding if e.as_dict()}


@dataclass(frozen=True)
class MediaChoice:
    """One request media type the caller may pick with ``content_type=``."""

    content_type: str
    kind: Literal["json", "form", "multipart", "binary", "text"]


@dataclass(frozen=True)
class Body:
    """A request body in one media type; ``fields`` holds its flattened arguments (empty when
    the body is passed whole as ``body=``).

    When the operation accepts several media types, ``choices`` lists them (the preferred one,
    ``content_type``, first): ``fields`` and ``annotation`` then cover all of them.
    """

    content_type: str
    kind: Literal["json", "form", "multipart", "binary", "text"]
    type: TypeRef
    annotation: str
    required: bool
    fields: tuple[Field, ...] = ()
    model: str | None = None
    description: str = ""
    pointer: str = ""
    encoding: tuple[Encoding, ...] = ()
    choices: tuple[MediaChoice, ...] = ()
    #: the body's schema is deprecated
    deprecated: bool = False

    @property
    def encoding_map(self) -> dict[str, dict[str, Scalar]]:
        return _encoding_map(self.encoding)

    @property
    def kinds_by_content_type(self) -> dict[str, str]:
        return {c.content_type: c.kind for c in self.choices}

    @property
    def content_type_annotation(self) -> str:
        return f"Literal[{', '.join(repr(c.content_type) for c in self.choices)}]"


@dataclass(frozen=True)
class Header:
    name: str
    description: str = ""
    deprecated: bool = False


#: Response kinds whose body is a sequence of items, offered as ``<method>_stream``: an event
#: stream whose data are the items (``sse``, the OpenAI form), an event stream described by
#: ``itemSchema`` whose events are the items (``events``), JSON Lines or NDJSON (``jsonl``),
#: and JSON text sequences, RFC 7464 (``json-seq``).
STREAM_KINDS = ("sse", "events", "jsonl", "json-seq")


@dataclass(frozen=True)
class Response:
    """One response in one media type. For a stream kind, ``type`` is the type of each item
    and ``annotation`` what reading the whole body gives: a list of items (``str`` for ``sse``,
    whose whole body is read as text)."""

    status: str
    description: str
    content_type: str | None
    kind: Literal[
        "json", "text", "binary", "empty", "sse", "events", "jsonl", "json-seq"
    ]
    type: TypeRef | None
    annotation: str
    headers: tuple[Header, ...] = ()
    pointer: str = ""
    #: the response's schema is deprecated
    deprecated: bool = False

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")

    @property
    def is_stream(self) -> bool:
        return self.kind in STREAM_KINDS

    @property
    def value_type(self) -> TypeRef:
        """The type of what reading the body whole gives (``annotation`` as a ``TypeRef``)."""
        read_as = {"text": "str", "sse": "str", "binary": "bytes"}.get(self.kind)
        if read_as:
            return TypeRef("primitive", read_as)
        if self.kind == "empty" or self.type is None:
            return TypeRef("none")
        if self.kind in ("events", "jsonl", "json-seq"):
            return TypeRef("list", items=(self.type,))
        return self.type


@dataclass(frozen=True)
class Stream:
    """The ``<method>_stream`` of an operation: the body property that asks for the stream and
    its value (``switch`` "" when there is none), each item's type, and how the items are
    framed (``kind``, one of ``STREAM_KINDS``) in the response's ``media_type``."""

    switch: str
    value: Scalar
    item: TypeRef
    item_annotation: str
    kind: Literal["sse", "events", "jsonl", "json-seq"] = "sse"
    media_type: str = "text/event-stream"

    @property
    def format_name(self) -> str:
        """The framing's name, for docs and docstrings."""
        return {
            "jsonl": "JSON Lines",
            "json-seq": "JSON text sequences",
        }.get(self.kind, "server-sent events")


PagingKind = Literal["cursor", "next_link", "link_header", "offset", "page"]


@dataclass(frozen=True)
class Pagination:
    """How a list operation pages (see the runtime's ``Pages``): its ``kind``, the query
    parameter that asks for a page (wire name), and the response's attributes that matter as
    dotted paths of Python attribute names (``meta.next_cursor``). ``reason`` says why, for
    ``--report``.

    Kinds: ``cursor`` (``cursor``, else the last item's ``item_cursor``, goes back in
    ``param``), ``next_link`` (the URL in ``next_link``), ``link_header`` (the ``Link``
    header's ``rel="next"``; counting ``param`` up when a response has no such header),
    ``offset`` (``param`` advances by the items received), ``page`` (``param`` counts up from
    ``current_page``, else the number sent, else ``first_page``).
    """

    kind: PagingKind
    item: TypeRef
    item_annotation: str
    reason: str = ""
    #: None when the response is the list itself
    items: str | None = None
    param: str | None = None
    cursor: str | None = None
    item_cursor: str | None = None
    has_more: str | None = None
    is_last: str | None = None
    next_link: str | None = None
    total: str | None = None
    total_pages: str | None = None
    current_page: str | None = None
    first_page: int = 1


@dataclass(frozen=True)
class PagingVerdict:
    """What ``--report`` says of one list-like operation: the kind of pagination found (None
    when none was) and why."""

    pointer: str
    kind: str | None
    reason: str


@dataclass(frozen=True)
class ServerVariable:
    name: str
    default: str
    enum: tuple[str, ...] = ()
    description: str = ""


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
    #: the path- or operation-level server, its variables at their defaults; "" for the client's
    server_url: str = ""
    #: ``<name>_iter`` over every item of every page, when the operation pages
    pagination: Pagination | None = None
    #: how deepObject parameters and form properties key array items: ``indices``
    #: (``a[0]``), ``brackets`` (``a[]``) or ``repeat`` (``a``); the ``array-format`` setting
    array_format: str = "indices"
    #: the wire name of the header parameter that carries an idempotency key, which the
    #: client generates per call when the caller gives none; None when the operation has none
    idempotency_header: str | None = None
    #: every tag of the operation, as in the document (``tag`` is the one of its class)
    tags: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """Its tags other than its class's: badges, audiences, further groups (docs)."""
        return tuple(t for t in self.tags if t != self.tag)

    @property
    def deprecated_arguments(self) -> tuple[str, ...]:
        """The method's arguments the document marks deprecated (parameters, and the
        flattened body's fields): a call that passes one is warned."""
        names = [p.name for p in self.parameters if p.deprecated and p.name]
        if self.body:
            names += [f.name for f in self.body.fields if f.deprecated]
        return tuple(names)

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def other_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location != "path")

    @property
    def success(self) -> Response | None:
        """The success response the plain method returns: the first that is not a stream,
        else the first stream (read whole), else None."""
        plain = self.plain_responses
        return next((r for r in plain if r.is_success), None)

    @property
    def plain_responses(self) -> tuple[Response, ...]:
        """The responses the plain method reads (see ``plain_responses``)."""
        return plain_responses(self.responses)


def plain_responses(responses: tuple[Response, ...]) -> tuple[Response, ...]:
    """The responses an operation's plain method reads: all but the streams, which
    ``<method>_stream`` iterates; when every success response is a stream, those too, read
    whole. The one rule for "the success response, not the stream"."""
    others = tuple(r for r in responses if not r.is_stream)
    if any(r.is_success for r in others):
        return others
    return responses


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
    #: the tag's ``summary`` and ``parent`` (OpenAPI 3.2; "" when it has none)
    summary: str = ""
    parent: str = ""


@dataclass(frozen=True)
class Tag:
    """A tag of the document's ``tags`` list. OpenAPI 3.2 adds ``summary``, ``parent`` (the
    name of another tag) and ``kind`` (``nav``, ``badge``, ``audience``...): only a tag for
    navigation (no kind, or ``nav``) makes an API class."""

    name: str
    summary: str = ""
    description: str = ""
    parent: str = ""
    kind: str = ""
    #: how deep it sits under its parents (0 at the top)
    depth: int = 0
    #: the class name of its API class, "" when no operation goes to it
    api: str = ""
    pointer: str = ""

    @property
    def is_navigation(self) -> bool:
        return self.kind in ("", "nav")


@dataclass(frozen=True)
class Webhook:
    """A request the API's owner sends to the user's server (OpenAPI 3.1 ``webhooks``).

    Not a client call: the client only gets the payload's model (``type``), so that a receiving
    server can parse what it is sent.
    """

    name: str
    method: str
    type: TypeRef | None
    annotation: str
    summary: str = ""
    description: str = ""
    pointer: str = ""


@dataclass(frozen=True)
class SecurityScheme:
    name: str
    kind: Literal["bearer", "basic", "api_key", "oauth2", "unsupported"]
    keyword: str
    env: str
    location: str = ""
    parameter: str = ""
    description: str = ""
    #: OAuth2: the client credentials flow's token URL ("" without one) and the scopes
    #: the document's requirements ask of this scheme
    token_url: str = ""
    scopes: tuple[str, ...] = ()

    @property
    def keyword_annotation(self) -> str:
        """What the client's keyword takes: a pair for basic auth and OAuth2 client
        credentials, else a string (a token or key)."""
        if self.kind == "basic":
            return "tuple[str, str]"
        if self.kind == "oauth2" and self.token_url:
            return "str | tuple[str, str]"
        return "str"


@dataclass(frozen=True)
class Server:
    """A server URL; ``{name}`` placeholders are filled from ``variables``."""

    url: str
    description: str = ""
    variables: tuple[ServerVariable, ...] = ()

    @property
    def default_url(self) -> str:
        """The URL with every variable at its default."""
        url = self.url
        for variable in self.variables:
            url = url.replace("{" + variable.name + "}", variable.default)
        return url


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
    #: the generated package's version: the ``version`` setting, else ``version`` if pip takes it
    package_version: str = "0.0.0"
    webhooks: tuple[Webhook, ...] = ()
    #: every list-like operation's pagination, or why it has none (``--report``)
    pagination: tuple[PagingVerdict, ...] = ()
    #: the ``tags`` list, parents before their children (see ``Tag``)
    tags: tuple[Tag, ...] = ()
    #: a response header holding the request id (the ``request-id-header`` setting)
    request_id_header: str | None = None
    #: the client's default timeout and connect timeout, seconds (``client-timeout``,
    #: ``client-connect-timeout`` settings; None: the runtime's 600 and 5)
    timeout: float | None = None
    connect_timeout: float | None = None


def relocated(node: _Node, locate: Callable[[str], str]) -> _Node:
    """``node`` with every ``pointer`` below it (and each skipped one) named by ``locate``: the
    IR of a converted document points into the document as written."""
    names: dict[type, tuple[str, ...]] = {}  # the fields of each class met

    def walk(node: Any) -> Any:
        if isinstance(node, tuple):
            items = tuple(walk(item) for item in node)
            return node if all(a is b for a, b in zip(items, node)) else items
        if isinstance(node, TypeRef) or not hasattr(node, "__dataclass_fields__"):
            return node  # types carry no places
        kind = type(node)
        if kind not in names:
            names[kind] = tuple(f.name for f in fields(node))
        changes: dict[str, Any] = {}
        for name in names[kind]:
            value = getattr(node, name)
            new: Any
            if name == "pointer" and isinstance(value, str):
                new = locate(value)
            elif name == "skipped":
                new = tuple((locate(p), reason) for p, reason in value)
            elif isinstance(value, (str, int, float)) or value is None:
                continue
            else:
                new = walk(value)
            if new is not value and new != value:
                changes[name] = new
        return replace(node, **changes) if changes else node

    result: _Node = walk(node)
    return result
