"""Paths and operations to API classes: parameters, bodies, responses, security and streams."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from generator.diagnostics import Diagnostics
from generator.ir import (
    Api,
    Body,
    Encoding,
    Field,
    Header,
    Operation,
    Pagination,
    PagingVerdict,
    Parameter,
    Response,
    Scalar,
    SecurityScheme,
    Stream,
    Tag,
    TypeRef,
    Webhook,
    plain_responses,
)
from generator.methods import path_operations, refused_methods
from generator.naming import (
    TEMPLATE_NAMES,
    WINDOWS_DEVICE_NAMES,
    UniqueNames,
    class_name,
    identifier,
    pascal_case,
    snake_case,
)
from generator.parse import bodies as B
from generator.parse import pagination, security
from generator.parse import types as T
from generator.parse.schemas import Located, SchemaBuilder
from generator.parse.servers import operation_server_url, parse_servers
from generator.parse.tags import api_tag
from generator.refs import resolve

# Names the generated method's signature takes itself, and those its body uses.
ARGUMENT_RESERVED = (
    frozenset(
        {
            "extra_headers",
            "extra_query",
            "extra_body",
            "timeout",
            "max_retries",
            "strict_response_validation",
            "content_type",
        }
    )
    | TEMPLATE_NAMES["api"].locals
)
# A method named like a decorator of the class body would hide it from the methods below.
METHOD_RESERVED = frozenset(
    {"with_raw_response", "with_streaming_response", "deprecated", "overload"}
)
CLIENT_RESERVED = frozenset(
    {
        "base_url",
        "timeout",
        "max_retries",
        "default_headers",
        "http_client",
        "max_response_bytes",
        "max_event_bytes",
        "strict_response_validation",
        "default_query",
        "with_options",
        "close",
    }
)
# Client keywords are parameters of ``Client.__init__`` and ``_credentials``: a keyword named
# like one of theirs, or like a name their bodies use, would clash.
CREDENTIAL_RESERVED = CLIENT_RESERVED | TEMPLATE_NAMES["client"].locals
_LOCATIONS = ("path", "query", "querystring", "header", "cookie")
# A path template's variables, as the runtime's ``expand_path`` fills them.
_TEMPLATE_VARIABLE = re.compile(r"\{([^{}]+)\}")
_JSON_TYPES = ("application/json",)


@dataclass(frozen=True)
class OperationsResult:
    apis: tuple[Api, ...]
    total: int
    request_types: tuple[TypeRef, ...]
    skipped: tuple[tuple[str, str], ...]
    pagination: tuple[PagingVerdict, ...] = ()


def security_schemes(
    data: dict[str, Any], package: str, env_names: Mapping[str, str] | None = None
) -> tuple[SecurityScheme, ...]:
    """One client keyword per scheme: snake_case of its name without a trailing ``_auth``."""
    schemes = (data.get("components") or {}).get("securitySchemes") or {}
    names = UniqueNames(set(CLIENT_RESERVED))
    result = []
    for name, scheme in schemes.items() if isinstance(schemes, dict) else ():
        if not isinstance(scheme, dict):
            continue
        base = snake_case(name)
        if base.endswith("_auth") and base != "_auth":
            base = base[: -len("_auth")]
        keyword = names.claim(
            identifier(base, reserved=CREDENTIAL_RESERVED, fallback="credential"),
            separator="_",
        )
        kind = _scheme_kind(scheme)
        result.append(
            SecurityScheme(
                name=name,
                kind=kind,
                keyword=keyword,
                env=(env_names or {}).get(name)
                or f"{package}_{keyword}".upper().rstrip("_"),
                location=str(scheme.get("in", "")),
                parameter=str(scheme.get("name", "")),
                description=_text(scheme.get("description")),
                token_url=security.token_url(scheme) if kind == "oauth2" else "",
                scopes=(
                    security.requested_scopes(data, name) if kind == "oauth2" else ()
                ),
            )
        )
    return tuple(result)


def _scheme_kind(scheme: dict[str, Any]) -> Any:
    kind = scheme.get("type")
    if kind == "http":
        http = str(scheme.get("scheme", "")).lower()
        return {"bearer": "bearer", "basic": "basic"}.get(http, "unsupported")
    if kind == "apiKey":
        return "api_key"
    if kind == "oauth2":
        return "oauth2"
    return "unsupported"


@dataclass
class OperationsBuilder:
    schemas: SchemaBuilder
    diags: Diagnostics
    #: settings: which tags to generate, and each operation's stream switch (by operationId
    #: or ``METHOD /path``; None: no ``_stream`` method)
    include_tags: frozenset[str] = frozenset()
    exclude_tags: frozenset[str] = frozenset()
    streaming: Mapping[str, tuple[str, Scalar] | None] = field(default_factory=dict)
    #: settings: how nested arrays are keyed (document-wide, then per operation and
    #: parameter or body property), and the header that carries an idempotency key
    array_format: str = "indices"
    array_formats: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    idempotency_header: str | None = "Idempotency-Key"
    #: settings: each operation's pagination (None: no ``_iter``), over what is inferred
    pagination: Mapping[str, Mapping[str, str] | None] = field(default_factory=dict)
    #: settings: each operation's method name and the tag of its API class (None: as
    #: the document gives), by operationId or ``METHOD /path``
    operations: Mapping[str, tuple[str | None, str | None]] = field(
        default_factory=dict
    )
    #: the document's tags (``parse_tags``): which make API classes
    tags: tuple[Tag, ...] = ()

    def build(self) -> OperationsResult:
        root = self.schemas.docs.root
        data = root.data
        paths = data.get("paths") or {}
        default_security = _security(data.get("security"))
        by_tag: dict[str, list[Operation]] = {}
        request_types: list[TypeRef] = []
        skipped: list[tuple[str, str]] = []
        verdicts: list[PagingVerdict] = []
        total = 0
        operation_ids = UniqueNames()
        for path_key, item in paths.items() if isinstance(paths, dict) else ():
            if not isinstance(item, dict):
                continue
            path_at = self._deref(Located(paths, root, "#/paths").child(path_key))
            if path_at is None or not isinstance(path_at.node, dict):
                skipped.append(
                    (f"#/paths/{path_key}", "path item could not be resolved")
                )
                continue
            for parts, reason in refused_methods(path_at.node):
                total += 1
                where = path_at.child(*parts).location
                skipped.append((where, reason))
                self.diags.warning(where, f"operation skipped: {reason}")
            for found in path_operations(path_at.node):
                # an operation given as a $ref to another file (DigitalOcean's all are)
                op_at = self._deref(path_at.child(*found.parts))
                if op_at is None or not isinstance(op_at.node, dict):
                    total += 1
                    where = path_at.child(*found.parts).location
                    skipped.append((where, "operation could not be resolved"))
                    continue
                if not self._tag_wanted(op_at.node):
                    continue
                total += 1
                try:
                    operation, types, verdict = self._operation(
                        str(path_key),
                        found.method,
                        path_at,
                        op_at,
                        default_security,
                        operation_ids,
                    )
                except _Skip as skip:
                    skipped.append((op_at.location, str(skip)))
                    self.diags.warning(op_at.location, f"operation skipped: {skip}")
                    continue
                by_tag.setdefault(operation.tag, []).append(operation)
                request_types.extend(types)
                verdicts += [verdict] if verdict else []
        return OperationsResult(
            self._apis(by_tag),
            total,
            tuple(request_types),
            tuple(skipped),
            tuple(verdicts),
        )

    def webhooks(self) -> tuple[Webhook, ...]:
        """The payload type of each webhook (3.1): models for the user's receiving server.

        Webhooks are requests the API sends, not calls the client makes, so they get no method.
        """
        root = self.schemas.docs.root
        hooks = root.data.get("webhooks")
        result = []
        for key, item in hooks.items() if isinstance(hooks, dict) else ():
            item_at = self._deref(Located(hooks, root, "#/webhooks").child(key))
            if item_at is None or not isinstance(item_at.node, dict):
                continue
            for found in path_operations(item_at.node):
                op_at = item_at.child(*found.parts)
                method = found.method
                suffix = "" if method == "POST" else pascal_case(method.lower())
                hint = f"{pascal_case(str(key)) or 'Event'}{suffix}Webhook"
                payload = self._payload_type(op_at, hint)
                result.append(
                    Webhook(
                        name=str(key),
                        method=method,
                        type=payload,
                        annotation=T.response_annotation(payload or T.ANY),
                        summary=_text(op_at.node.get("summary")),
                        description=_text(op_at.node.get("description")),
                        pointer=op_at.location,
                    )
                )
        return tuple(result)

    def _payload_type(self, op_at: Located, hint: str) -> TypeRef | None:
        if "requestBody" not in op_at.node:
            return None
        at = self._deref(op_at.child("requestBody"))
        content = at.node.get("content") if at and isinstance(at.node, dict) else None
        if at is None or not isinstance(content, dict) or not content:
            return None
        media = self._media(at, _preferred_request_type(list(content)))
        if not isinstance(media.node, dict) or "schema" not in media.node:
            return None
        return self.schemas.type_of(media.child("schema"), hint)

    def _apis(self, by_tag: dict[str, list[Operation]]) -> tuple[Api, ...]:
        described = {t.name: t for t in self.tags}
        attributes = UniqueNames(set(CLIENT_RESERVED))
        # API modules import models by name: an API class must not take one of theirs.
        classes = UniqueNames({n.lower() for n in self.schemas.class_names.taken})
        apis = []
        for tag, operations in by_tag.items():
            # the attribute names the API's module too: no Windows device name (``con.py``)
            attribute = attributes.claim(
                identifier(tag, reserved=WINDOWS_DEVICE_NAMES, fallback="api"),
                separator="_",
            )
            names = UniqueNames(set(METHOD_RESERVED))
            natural = {op.name.lower() for op in operations}
            renamed = []
            for op in operations:
                name = names.claim(self._method_name(op, names, natural), separator="_")
                if op.stream:
                    names.claim(f"{name}_stream")
                if op.pagination:
                    names.claim(f"{name}_iter")
                    names.claim(f"{name}_pages")
                renamed.append(_replace(op, name=name))
            apis.append(
                Api(
                    tag=tag,
                    class_name=_api_class_name(classes, tag),
                    attribute=attribute,
                    module=attribute,
                    description=described[tag].description if tag in described else "",
                    operations=tuple(renamed),
                    summary=described[tag].summary if tag in described else "",
                    parent=described[tag].parent if tag in described else "",
                )
            )
        return tuple(apis)

    def _operation_setting(
        self, keys: tuple[str, ...]
    ) -> tuple[str | None, str | None]:
        """The ``operations`` setting of the operation known by ``keys``, or (None, None)."""
        return next(
            (self.operations[k] for k in keys if k in self.operations), (None, None)
        )

    def _method_name(self, op: Operation, names: UniqueNames, natural: set[str]) -> str:
        """The name the ``operations`` setting gives, unless another method of the API class
        has it or would by its own name, or the generated code needs it: then, with a
        warning, the name oapigen gives."""
        keys = (op.operation_id, f"{op.method} {op.path}")
        wanted = self._operation_setting(keys)[0]
        if wanted is None or wanted == op.name:
            return op.name
        taken = names.taken | natural
        if wanted.lower() in taken or wanted != identifier(
            wanted, reserved=METHOD_RESERVED
        ):
            self.diags.warning(
                op.pointer,
                f"operations: {op.operation_id} keeps its name {op.name}: "
                f"{wanted} is taken",
            )
            return op.name
        return wanted

    def _tag_wanted(self, operation: dict[str, Any]) -> bool:
        tags = operation.get("tags")
        names = (
            {str(t) for t in tags} if isinstance(tags, list) and tags else {"default"}
        )
        if self.include_tags and not names & self.include_tags:
            return False
        return not names & self.exclude_tags

    def _configured_stream(
        self, detected: Stream | None, keys: tuple[str, ...]
    ) -> Stream | None:
        """The ``streaming`` setting of the operation, when it has one, over what was detected."""
        for key in keys:
            if key in self.streaming:
                setting = self.streaming[key]
                if setting is None or detected is None:
                    return None
                configured: Stream = _replace(
                    detected, switch=setting[0], value=setting[1]
                )
                return configured
        return detected

    def _media(self, owner: Located, media: str) -> Located:
        """A Media Type Object of ``owner``'s ``content``, through its ``$ref`` (OpenAPI 3.2
        ``components/mediaTypes``); where it is written when that does not resolve."""
        at = owner.child("content", media)
        found = self._deref(at)
        return found if found is not None and isinstance(found.node, dict) else at

    def _deref(self, at: Located) -> Located | None:
        node = at.node
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 32:
            target = resolve(self.schemas.docs, at.document, node["$ref"])
            if isinstance(target, str):
                self.diags.error(at.location, target)
                return None
            at = Located.of(target)
            node = at.node
            seen += 1
        return at

    def _operation(
        self,
        path_key: str,
        method: str,
        path_at: Located,
        op_at: Located,
        default_security: tuple[tuple[str, ...], ...],
        operation_ids: UniqueNames,
    ) -> tuple[Operation, list[TypeRef], PagingVerdict | None]:
        op = op_at.node
        path, _, fixed_query = path_key.partition("?")
        raw_id = op.get("operationId")
        operation_id = str(raw_id) if raw_id else f"{method.lower()} {path_key}"
        base_name = identifier(operation_id, reserved=METHOD_RESERVED, fallback="call")
        hint = pascal_case(operation_id) or "Call"
        tags = op.get("tags")
        moved_to = self._operation_setting((operation_id, f"{method} {path}"))[1]
        tag = moved_to or api_tag(tags, self.tags)
        arguments = UniqueNames(set(ARGUMENT_RESERVED))
        parameters = self._parameters(path, path_at, op_at, hint, arguments)
        parameters += tuple(_fixed_query(fixed_query))
        request_types: list[TypeRef] = [p.type for p in parameters]
        body = self._body(op_at, hint, arguments)
        if body is not None:
            request_types.append(body.type)
        responses = self._responses(op_at, hint)
        stream = self._configured_stream(
            self._stream(responses, body), (operation_id, f"{method} {path}")
        )
        if stream is not None and body is not None:
            body = _replace(
                body,
                fields=tuple(f for f in body.fields if f.wire_name != stream.switch),
            )
        keys = (operation_id, f"{method.upper()} {path}")
        parameters, body = _with_array_formats(
            parameters, body, _setting(self.array_formats, keys) or {}
        )
        idempotency = _idempotency_parameter(parameters, self.idempotency_header)
        if idempotency is not None:
            # the client sends a key of its own when the caller gives none
            parameters = tuple(
                _replace(p, required=False) if p is idempotency else p
                for p in parameters
            )
        security = _security(op["security"]) if "security" in op else default_security
        operation_ids.claim(operation_id)
        root_servers = parse_servers(self.schemas.docs.root.data.get("servers"))
        paging, verdict = self._pagination(
            op_at.location, method, keys, parameters, responses
        )
        operation = Operation(
            name=base_name,
            operation_id=operation_id,
            method=method,
            path=path,
            summary=_text(op.get("summary")),
            description=_text(op.get("description")),
            tag=tag,
            parameters=parameters,
            body=body,
            responses=responses,
            security=security,
            return_annotation=_return_annotation(responses),
            stream=stream,
            deprecated=op.get("deprecated") is True,
            pointer=op_at.location,
            server_url=operation_server_url(op, path_at.node, root_servers),
            pagination=paging,
            array_format=self.array_format,
            idempotency_header=idempotency.wire_name if idempotency else None,
            tags=tuple(str(t) for t in tags) if isinstance(tags, list) else (),
        )
        return operation, request_types, verdict

    def _pagination(
        self,
        pointer: str,
        method: str,
        keys: tuple[str, ...],
        parameters: tuple[Parameter, ...],
        responses: tuple[Response, ...],
    ) -> tuple[Pagination | None, PagingVerdict | None]:
        """The operation's pagination, from its setting or inferred, and what ``--report``
        says of it (None for an operation that is not list-like and has no setting)."""
        configured = next((k for k in keys if k in self.pagination), None)
        if configured is not None and self.pagination[configured] is None:
            return None, PagingVerdict(
                pointer, None, "turned off by the pagination setting"
            )
        if configured is not None:
            setting = self.pagination[configured]
            assert setting is not None
            paging, reason = pagination.from_setting(
                setting, responses, self._model_fields
            )
            if paging is None:
                self.diags.warning(pointer, f"{reason} ({configured!r}); no _iter")
        else:
            inferred = pagination.infer(
                method, parameters, responses, self._model_fields
            )
            if inferred is None:
                return None, None
            paging, reason = inferred
        if paging is not None:
            paging = _replace(paging, reason=reason)
        return paging, PagingVerdict(pointer, paging.kind if paging else None, reason)

    def _uploads(self, t: TypeRef) -> bool:
        """Whether a body type carries files, itself or in a property."""
        return T.uses_files(t) or any(
            T.uses_files(f.type) for f in self._model_fields(t.name)
        )

    def _model_fields(self, name: str) -> tuple[Field, ...]:
        draft = self.schemas.drafts.get(name)
        return tuple(draft.fields) if draft else ()

    def _parameters(
        self,
        path: str,
        path_at: Located,
        op_at: Located,
        hint: str,
        arguments: UniqueNames,
    ) -> tuple[Parameter, ...]:
        collected: dict[tuple[str, str], Located] = {}
        for owner in (path_at, op_at):
            own: dict[tuple[str, str], str] = {}  # this level's parameters, by key
            params = owner.node.get("parameters")
            for i in range(len(params) if isinstance(params, list) else 0):
                at = self._deref(owner.child("parameters", i))
                if at is None or not isinstance(at.node, dict):
                    continue
                name, location = at.node.get("name"), at.node.get("in")
                if not isinstance(name, str) or location not in _LOCATIONS:
                    self.diags.warning(
                        at.location, "parameter without a name or a valid `in`: ignored"
                    )
                    continue
                # HTTP header names ignore case: X-Trace and x-trace are one header
                key = (location, name.lower() if location == "header" else name)
                if key in own and own[key] != name:
                    self.diags.warning(
                        at.location,
                        f"header parameters {own[key]!r} and {name!r} differ only in "
                        f"case, and header names ignore it: {name!r} is left out",
                    )
                    continue
                own[key] = name
                collected[key] = at  # an operation's parameter replaces its path's
        self._one_query_string(collected)
        ordered = sorted(collected.values(), key=lambda at: at.node["in"] != "path")
        result = [self._parameter(at, hint, arguments) for at in ordered]
        declared = {wire for location, wire in collected if location == "path"}
        for wire in dict.fromkeys(_TEMPLATE_VARIABLE.findall(path)):
            if wire not in declared:
                self.diags.warning(
                    op_at.location,
                    f"path parameter {wire!r} of {path} is not declared: "
                    "taken as a required string",
                )
                result.append(self._undeclared_path_parameter(wire, op_at, arguments))
        return tuple(sorted(result, key=lambda p: p.location != "path"))

    def _one_query_string(self, collected: dict[tuple[str, str], Located]) -> None:
        """An ``in: querystring`` parameter is the whole query string (OpenAPI 3.2): beside
        it, ``query`` parameters and a second ``querystring`` are left out, with a warning.
        """
        found = [key for key in collected if key[0] == "querystring"]
        if not found:
            return
        kept = collected[found[0]].location
        for key in [*found[1:], *(k for k in collected if k[0] == "query")]:
            self.diags.warning(
                collected.pop(key).location,
                f"ignored: the `querystring` parameter at {kept} is the whole query string",
            )

    def _parameter(self, at: Located, hint: str, arguments: UniqueNames) -> Parameter:
        node = at.node
        location, wire = node["in"], node["name"]
        schema_at = self._parameter_schema(at)
        kind = (
            self.schemas.type_of(schema_at, hint + pascal_case(wire))
            if schema_at
            else T.primitive("str")
        )
        content_type = _parameter_media(node) if location == "querystring" else None
        media_at = (
            self._media(at, content_type)
            if content_type and content_type in (node.get("content") or {})
            else None
        )
        natural = identifier(wire, reserved=ARGUMENT_RESERVED)
        if natural.lower() in arguments.taken and location != "path":
            natural += f"_{location}"  # the same name in another place: say which
        return Parameter(
            name=arguments.claim(natural, separator="_"),
            wire_name=wire,
            location=cast(Any, location),  # one of _LOCATIONS
            type=kind,
            required=location == "path" or node.get("required") is True,
            annotation=self.schemas.request_annotation(kind, top_level=True),
            description=_text(node.get("description"))
            or self.schemas.description(schema_at),
            style=(node.get("style") if isinstance(node.get("style"), str) else None),
            explode=(
                node.get("explode") if isinstance(node.get("explode"), bool) else None
            ),
            deprecated=_is_deprecated(node) or self._deprecated(at, "schema"),
            pointer=at.location,
            allow_reserved=node.get("allowReserved") is True,
            default=_scalar_default(schema_at.node if schema_at else None),
            content_type=content_type,
            encoding=(
                B.encodings(media_at.node)
                if media_at is not None and isinstance(media_at.node, dict)
                else ()
            ),
        )

    def _parameter_schema(self, at: Located) -> Located | None:
        """A parameter's schema, or that of the media type of its ``content``."""
        node = at.node
        if "schema" in node:
            return at.child("schema")
        content = node.get("content")
        if isinstance(content, dict) and content:
            media = self._media(at, next(iter(content)))
            if isinstance(media.node, dict) and "schema" in media.node:
                return media.child("schema")
        return None

    def _undeclared_path_parameter(
        self, wire: str, op_at: Located, arguments: UniqueNames
    ) -> Parameter:
        return Parameter(
            name=arguments.claim(
                identifier(wire, reserved=ARGUMENT_RESERVED), separator="_"
            ),
            wire_name=wire,
            location="path",
            type=T.primitive("str"),
            required=True,
            annotation="str",
            pointer=op_at.location,
        )

    def _body(self, op_at: Located, hint: str, arguments: UniqueNames) -> Body | None:
        """The request body; with several media types, one argument list for all of them
        and a ``content_type=`` choice (see ``bodies.merge_bodies``)."""
        if "requestBody" not in op_at.node:
            return None
        at = self._deref(op_at.child("requestBody"))
        if at is None or not isinstance(at.node, dict):
            raise _Skip("request body could not be resolved")
        content = at.node.get("content")
        if not isinstance(content, dict) or not content:
            return None
        named = _preferred_request_type(list(content))
        types = {
            media: self._media_type(at, media, hint, media == named)
            for media in content
        }
        order = B.media_order(list(content), lambda m: self._uploads(types[m]))
        bodies = [
            self._media_body(at, media, types[media], index == 0)
            for index, media in enumerate(order)
        ]
        return B.merge_bodies(
            bodies,
            lambda t: self.schemas.request_annotation(t, top_level=True),
            # A property named like an argument of our own (body, timeout) gets a "_".
            lambda name: arguments.claim(
                name + "_" if name in ARGUMENT_RESERVED else name, separator="_"
            ),
        )

    def _media_type(
        self, body_at: Located, media: str, hint: str, preferred: bool
    ) -> TypeRef:
        """The type of one media type's schema; a binary body without one is a file."""
        at = self._media(body_at, media)
        kind = _body_kind(media)
        if not isinstance(at.node, dict) or "schema" not in at.node:
            return T.primitive("file") if kind == "binary" else T.ANY
        # An inline schema is <Op>Request; those of other media types add their kind.
        name = hint + ("" if preferred else pascal_case(kind)) + "Request"
        return self.schemas.type_of(at.child("schema"), name)

    def _media_body(
        self, body_at: Located, media: str, body_type: TypeRef, first: bool
    ) -> Body:
        """One media type's body, its fields not yet named (``merge_bodies`` names them)."""
        kind = _body_kind(media)
        fields: tuple[Field, ...] = ()
        if body_type.kind == "model" and kind in ("json", "form", "multipart"):
            draft = self.schemas.drafts.get(body_type.name)
            fields = tuple(
                f for f in (draft.fields if draft else []) if not f.read_only
            )
        media_at = self._media(body_at, media)
        return Body(
            content_type=media,
            kind=kind,
            type=body_type,
            annotation=self.schemas.request_annotation(body_type, top_level=True),
            required=body_at.node.get("required") is True,
            fields=fields,
            model=body_type.name if body_type.kind == "model" else None,
            description=_text(body_at.node.get("description"))
            or (
                self.schemas.description(media_at.child("schema"))
                if isinstance(media_at.node, dict) and "schema" in media_at.node
                else ""
            ),
            pointer=body_at.location if first else media_at.location,
            deprecated=self._deprecated(media_at, "schema"),
            encoding=(
                B.encodings(media_at.node) if kind in ("form", "multipart") else ()
            ),
        )

    def _responses(self, op_at: Located, hint: str) -> tuple[Response, ...]:
        responses = op_at.node.get("responses")
        result = []
        for status in responses if isinstance(responses, dict) else ():
            at = self._deref(op_at.child("responses", status))
            if at is None or not isinstance(at.node, dict):
                continue
            status_text = (
                str(status).upper() if str(status).lower() != "default" else "default"
            )
            description = _text(at.node.get("description"))
            headers = tuple(
                Header(
                    str(h),
                    _text(v.get("description")) if isinstance(v, dict) else "",
                    deprecated=_is_deprecated(v),
                )
                for h, v in (at.node.get("headers") or {}).items()
            )
            content = at.node.get("content")
            if not isinstance(content, dict) or not content:
                result.append(
                    Response(
                        status_text,
                        description,
                        None,
                        "empty",
                        None,
                        "None",
                        headers,
                        at.location,
                    )
                )
                continue
            suffix = "" if status_text in ("200", "201") else status_text.title()
            for content_type in _ordered_response_types(list(content)):
                media = self._media(at, content_type)
                kind, rtype = self._response_type(content_type, media, hint, suffix)
                result.append(
                    Response(
                        status_text,
                        description,
                        content_type,
                        kind,
                        rtype,
                        _whole_annotation(kind, rtype),
                        headers,
                        media.location,
                        deprecated=self._deprecated(media, "schema", "itemSchema"),
                    )
                )
        return tuple(result)

    def _response_type(
        self, content_type: str, media: Located, hint: str, suffix: str
    ) -> tuple[Any, TypeRef | None]:
        """The response's kind and type: for a stream, each item's type (``itemSchema``, or the
        ``items`` of a sequence's ``schema``, which describes the whole as an array)."""
        kind = _response_kind(content_type)
        node = media.node if isinstance(media.node, dict) else {}
        schema = media.child("schema") if "schema" in node else None
        item_schema = media.child("itemSchema") if "itemSchema" in node else None
        if kind == "sse" and item_schema is not None:
            data = self._event_data_type(item_schema, hint + "StreamEvent" + suffix)
            return "events", TypeRef("event", items=(data,))
        if kind in ("jsonl", "json-seq"):
            if item_schema is not None:
                return kind, self.schemas.type_of(item_schema, hint + "Item" + suffix)
            if schema is None:
                return kind, T.ANY
            whole = self.schemas.type_of(schema, hint + "Response" + suffix)
            return kind, whole.items[0] if whole.kind == "list" else T.ANY
        if kind in ("json", "sse"):
            name = hint + ("StreamEvent" if kind == "sse" else "Response") + suffix
            return kind, self.schemas.type_of(schema, name) if schema else T.ANY
        return kind, None

    def _deprecated(self, at: Located, *keys: str) -> bool:
        """Whether the schema under ``at`` (the first of ``keys`` it has) is deprecated."""
        node = at.node if isinstance(at.node, dict) else {}
        key = next((k for k in keys if isinstance(node.get(k), dict)), None)
        schema = self._deref(at.child(key)) if key else None
        return schema is not None and _is_deprecated(schema.node)

    def _event_data_type(self, item_at: Located, hint: str) -> TypeRef:
        """The type of an event's ``data`` in a server-sent event ``itemSchema``: its
        ``contentSchema`` when its ``contentMediaType`` is JSON, else ``str``; an item schema
        whose ``oneOf``/``anyOf`` variants type ``data`` differently gives their union.
        """
        found: list[TypeRef] = []
        for data_at in self._event_data_schemas(item_at):
            node = data_at.node if isinstance(data_at.node, dict) else {}
            media = str(node.get("contentMediaType", "application/json")).lower()
            json_media = media == "application/json" or media.endswith("+json")
            if "contentSchema" in node and json_media:
                found.append(self.schemas.type_of(data_at.child("contentSchema"), hint))
            else:
                found.append(T.primitive("str"))
        return T.union(found) if found else T.primitive("str")

    def _event_data_schemas(self, item_at: Located, depth: int = 0) -> list[Located]:
        """The schemas of ``data`` an event item schema declares, itself, behind its ``$ref``
        and in its ``allOf``/``oneOf``/``anyOf`` branches."""
        node = item_at.node
        if not isinstance(node, dict) or depth > 8:
            return []
        found: list[Located] = []
        properties = node.get("properties")
        if isinstance(properties, dict) and "data" in properties:
            data = self._deref(item_at.child("properties", "data"))
            found += [data] if data is not None else []
        if isinstance(node.get("$ref"), str):
            target = self._deref(item_at)
            found += self._event_data_schemas(target, depth + 1) if target else []
        for key in ("allOf", "oneOf", "anyOf"):
            for i in range(len(node[key]) if isinstance(node.get(key), list) else 0):
                found += self._event_data_schemas(item_at.child(key, i), depth + 1)
        return found

    def _stream(
        self, responses: tuple[Response, ...], body: Body | None
    ) -> Stream | None:
        streamed = next((r for r in responses if r.is_success and r.is_stream), None)
        if streamed is None:
            return None
        switch = ""
        value: Scalar = None
        for f in body.fields if body else ():
            if f.wire_name == "stream" and _offers(f.type, True):
                switch, value = f.wire_name, True
                break
            if _offers(f.type, "sse"):
                switch, value = f.wire_name, "sse"
        item = streamed.type or T.ANY
        return Stream(
            switch=switch,
            value=value,
            item=item,
            item_annotation=T.response_annotation(item),
            kind=cast(Any, streamed.kind),
            media_type=streamed.content_type or "text/event-stream",
        )


def _api_class_name(classes: UniqueNames, tag: str) -> str:
    """``<Tag>Api``, with a suffix when it, or one of the classes its module defines beside it
    (``Async<Tag>Api``, ``<Tag>ApiWithRawResponse``, ...), is a name taken already."""
    base = class_name(tag, fallback="Tag") + "Api"
    for n in itertools.count(1):
        name = base if n == 1 else f"{base}{n}"
        family = [
            f"{prefix}{name}{suffix}"
            for prefix in ("", "Async")
            for suffix in ("", "WithRawResponse", "WithStreamingResponse")
        ]
        if not any(member.lower() in classes.taken for member in family):
            for member in family:
                classes.claim(member)
            return name
    raise AssertionError("unreachable")


class _Skip(Exception):
    """An operation that cannot be generated; reported as a warning, the run goes on."""


def _setting(table: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    """An operation's entry in a per-operation setting, by operationId or ``METHOD /path``."""
    return next((table[key] for key in keys if key in table), None)


def _with_array_formats(
    parameters: tuple[Parameter, ...], body: Body | None, formats: Mapping[str, str]
) -> tuple[tuple[Parameter, ...], Body | None]:
    """The ``array-formats`` setting of one operation applied to its query parameters and
    its form or multipart body's properties (by wire name)."""
    if not formats:
        return parameters, body
    parameters = tuple(
        (
            _replace(p, array_format=formats[p.wire_name])
            if p.location == "query" and p.wire_name in formats
            else p
        )
        for p in parameters
    )
    if body is None or body.kind not in ("form", "multipart"):
        return parameters, body
    encoding = {e.name: e for e in body.encoding}
    for f in body.fields:
        if f.wire_name in formats:
            found = encoding.get(f.wire_name) or Encoding(f.wire_name)
            encoding[f.wire_name] = _replace(found, array_format=formats[f.wire_name])
    return parameters, _replace(body, encoding=tuple(encoding.values()))


def _idempotency_parameter(
    parameters: tuple[Parameter, ...], header: str | None
) -> Parameter | None:
    """The header parameter named like the idempotency header (any case), if declared."""
    if header is None:
        return None
    return next(
        (
            p
            for p in parameters
            if p.location == "header" and p.wire_name.lower() == header.lower()
        ),
        None,
    )


def _replace(obj: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(obj, **changes)


def _is_deprecated(node: object) -> bool:
    return isinstance(node, dict) and node.get("deprecated") is True


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _security(value: object) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list):
        return ()
    return tuple(tuple(str(k) for k in req) for req in value if isinstance(req, dict))


def _scalar_default(schema: object) -> Scalar:
    """A parameter schema's ``default`` when it is a plain value (not behind a ``$ref``)."""
    default = schema.get("default") if isinstance(schema, dict) else None
    return default if isinstance(default, (str, int, float, bool)) else None


def _parameter_media(node: dict[str, Any]) -> str:
    """The media type of a ``querystring`` parameter: its ``content``'s (form-urlencoded when
    the document gives a ``schema`` instead)."""
    content = node.get("content")
    if isinstance(content, dict) and content:
        return str(next(iter(content)))
    return "application/x-www-form-urlencoded"


def _fixed_query(query: str) -> list[Parameter]:
    """Path keys such as ``/responses?beta=true`` carry constant query parameters."""
    from urllib.parse import parse_qsl

    return [
        Parameter(
            name="",
            wire_name=k,
            location="query",
            type=T.literal([v]),
            required=True,
            annotation=repr(v),
        )
        for k, v in parse_qsl(query, keep_blank_values=True)
    ]


def _preferred_request_type(types: list[str]) -> str:
    for wanted in (
        "application/json",
        "+json",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    ):
        for t in types:
            if t.lower().split(";")[0].strip() == wanted or (
                wanted.startswith("+") and t.lower().endswith(wanted)
            ):
                return t
    return types[0]


def _body_kind(content_type: str) -> Any:
    media = content_type.lower().split(";")[0].strip()
    if media in _JSON_TYPES or media.endswith("+json") or media == "*/*":
        return "json"
    if media == "multipart/form-data" or media.startswith("multipart/"):
        return "multipart"
    if media == "application/x-www-form-urlencoded":
        return "form"
    if media.startswith("text/"):
        return "text"
    return "binary"


def _response_kind(content_type: str) -> Any:
    media = content_type.lower().split(";")[0].strip()
    if media == "text/event-stream":
        return "sse"
    if media in ("application/jsonl", "application/x-ndjson"):
        return "jsonl"
    if media == "application/json-seq" or media.endswith("+json-seq"):
        return "json-seq"
    if (
        media in _JSON_TYPES
        or media.endswith("+json")
        or media in ("*/*", "application/*")
    ):
        return "json"
    if media.startswith("text/"):
        return "text"
    return "binary"


def _ordered_response_types(types: list[str]) -> list[str]:
    """JSON first, so the plain method parses JSON when a response offers several media types."""
    return sorted(types, key=lambda t: _response_kind(t) != "json")


def _offers(t: TypeRef, value: object) -> bool:
    if t.kind == "primitive" and t.name == "bool":
        return value is True
    if t.kind == "literal":
        return value in t.values
    return any(_offers(i, value) for i in t.items if t.kind == "union")


def _return_annotation(responses: tuple[Response, ...]) -> str:
    """What the plain method returns: its success responses' annotations, joined."""
    success = [r for r in plain_responses(responses) if r.is_success]
    annotations = list(dict.fromkeys(r.annotation for r in success))
    return " | ".join(annotations) or "None"


def _whole_annotation(kind: str, t: TypeRef | None) -> str:
    """What reading a response whole gives: a list of the items of a sequence, the text of
    an event stream whose items are its data, bytes, str, None or the parsed JSON."""
    if kind in ("events", "jsonl", "json-seq"):
        return f"list[{T.response_annotation(t or T.ANY)}]"
    fixed = {"text": "str", "sse": "str", "binary": "bytes", "empty": "None"}
    return fixed.get(kind) or T.response_annotation(t or T.ANY)


def operation_models(op: Operation) -> set[str]:
    names: set[str] = set()
    for p in op.parameters:
        names.update(p.type.models())
    if op.body:
        names.update(op.body.type.models())
        for f in op.body.fields:
            names.update(f.type.models())
    if op.pagination:
        names.update(op.pagination.item.models())
    for r in op.responses:
        if r.type:
            names.update(r.type.models())
    return names
