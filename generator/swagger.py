"""Swagger 2.0 read as what it describes: the document set converted to OpenAPI 3.0 shapes right
after loading, so that every later stage sees one kind of document. docs/swagger.md says what
maps to what, and what is lost.

Files other than the root keep their layout: the node each converted place refers to is
converted where it is, as what it is there (a schema, a parameter, a response, a path item),
and references into the root's sections are rewritten (``#/definitions/Pet`` ->
``#/components/schemas/Pet``).

Nothing here reports a problem: the 2.0 validator has seen the documents as written, and a node
of the wrong shape is carried over for later stages to report. Those report at converted
places; ``Converted.locate`` turns each back into the place in the 2.0 document, from a map
kept while converting (``#/components/schemas/Pet`` -> ``#/definitions/Pet``,
``#/paths/~1pets/post/requestBody`` -> ``#/paths/~1pets/post/parameters/0``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from generator.loader import Document, DocumentSet, pointer, ref_target, split_pointer
from generator.refs import is_reference, resolve

__all__ = ["Converted", "convert", "is_swagger"]

OPENAPI_VERSION = "3.0.3"
#: Swagger 2.0's operations (it has no ``trace``).
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
#: 2.0 sections of the root and the part of ``components`` that holds them in OpenAPI 3.
_SECTIONS = {
    "definitions": "schemas",
    "parameters": "parameters",
    "responses": "responses",
    "securityDefinitions": "securitySchemes",
}
#: Root keys read into others (``servers``, and the media types of each operation).
_ROOT_READ = frozenset(
    {"swagger", "info", "host", "basePath", "schemes", "consumes", "produces"}
)
#: What a reference into the root begins with, before and after conversion.
_REF_SECTIONS = tuple(
    (f"/{old}/", f"/components/{new}/")
    for old, new in _SECTIONS.items()
    if old != "securityDefinitions"
)
#: Keys of a 2.0 parameter that stay on the parameter; the others describe its value.
_PARAMETER_KEYS = frozenset(
    {"name", "in", "description", "required", "allowEmptyValue"}
)
_HEADER_KEYS = frozenset({"description"})
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_JSON = "application/json"
_WILDCARDS = frozenset({"*/*", "application/*"})
#: collectionFormat -> (style, explode); csv is the location's own style.
_COLLECTION_STYLES = {
    "ssv": ("spaceDelimited", False),
    "tsv": ("tabDelimited", False),
    "pipes": ("pipeDelimited", False),
}
_OAUTH2_FLOWS = {
    "implicit": ("implicit", ("authorizationUrl",)),
    "password": ("password", ("tokenUrl",)),
    "application": ("clientCredentials", ("tokenUrl",)),
    "accessCode": ("authorizationCode", ("authorizationUrl", "tokenUrl")),
}
_SCHEMA_MAPS = ("properties", "patternProperties")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_ONE = ("additionalProperties", "items", "not")


def is_swagger(data: object) -> bool:
    """Whether a loaded root document is Swagger 2.0."""
    return isinstance(data, dict) and str(data.get("swagger")) == "2.0"


@dataclass(frozen=True)
class Converted:
    """The document set in OpenAPI 3.0 shapes, and where each converted place came from."""

    docs: DocumentSet
    #: converted location -> location in the 2.0 documents; a place below a key maps below
    #: its value, and a place no key covers is where it was
    origin: Mapping[str, str]

    def locate(self, location: str) -> str:
        """The place in the 2.0 documents of a place in the converted ones."""
        key = location
        while "#" in key:
            found = self.origin.get(key)
            if found is not None:
                return found + location[len(key) :]
            key = key[: key.rfind("/")] if "/" in key else ""
        return location


def convert(docs: DocumentSet) -> Converted:
    """The 2.0 document set ``docs`` as OpenAPI 3.0; the documents themselves are left as read."""
    return _Converter(docs).run()


@dataclass
class _Converter:
    docs: DocumentSet
    origin: dict[str, str] = field(default_factory=dict)
    #: converted nodes of the other files, by document (URI) and pointer, placed there at
    #: the end
    replaced: dict[str, dict[tuple[str, ...], Any]] = field(default_factory=dict)
    queued: list[tuple[Document, tuple[str, ...], str]] = field(default_factory=list)
    seen: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)

    def __post_init__(self) -> None:
        data = self.docs.root.data
        self.consumes = _media_list(data.get("consumes"))
        self.produces = _media_list(data.get("produces"))
        self.host = data.get("host") if isinstance(data.get("host"), str) else ""
        base = data.get("basePath")
        self.base_path = base.rstrip("/") if isinstance(base, str) else ""

    def run(self) -> Converted:
        root = self._root()
        while self.queued:
            doc, tokens, kind = self.queued.pop(0)
            self._convert_in_place(doc, tokens, kind)
        documents = {}
        for uri, doc in self.docs.documents.items():
            data = root if doc is self.docs.root else doc.data
            for tokens, node in sorted(self.replaced.get(doc.uri, {}).items()):
                data = _with(data, tokens, node)
            documents[uri] = doc if data is doc.data else replace(doc, data=data)
        converted = DocumentSet(
            documents[self.docs.root.uri], MappingProxyType(documents)
        )
        return Converted(converted, MappingProxyType(dict(self.origin)))

    # -- places --------------------------------------------------------------------------------

    def _at(self, doc: Document, *tokens: str | int) -> str:
        return self.docs.location(doc, pointer(*tokens))

    def _maps(self, converted: str, original: str) -> None:
        if converted != original:
            self.origin[converted] = original

    # -- the root ------------------------------------------------------------------------------

    def _root(self) -> dict[str, Any]:
        root = self.docs.root
        data: dict[str, Any] = root.data
        out: dict[str, Any] = {"openapi": OPENAPI_VERSION}
        self._maps("#/openapi", "#/swagger")
        if "info" in data:
            out["info"] = data["info"]
        servers = self._servers(data.get("schemes"))
        if servers:
            out["servers"] = servers
            written = "host" if self.host else "basePath" if self.base_path else ""
            self._maps("#/servers", pointer(written) if written else "#")
        components: dict[str, Any] = {}
        for key, value in data.items():
            if key in _ROOT_READ:
                continue
            if key == "paths" and isinstance(value, dict):
                out["paths"] = {
                    path: self._path_item(root, f"#/paths/{_escape(path)}", item)
                    for path, item in value.items()
                }
            elif key in _SECTIONS:
                section = _SECTIONS[key]
                components[section] = self._section(key, value)
                self._maps(f"#/components/{section}", f"#/{key}")
            else:
                out[key] = value
        if components:
            out["components"] = components
        return out

    def _servers(self, schemes: object) -> list[dict[str, str]]:
        """2.0's one server, per scheme (https first). Without ``host`` or ``schemes``, 2.0
        takes those that served the document: a document read from a URL has them, a file
        has not, and its server is ``basePath`` alone, relative (see docs/swagger.md).
        """
        source = self.docs.root.source
        served = urlsplit(source) if isinstance(source, str) else None
        host = self.host or (served.netloc if served else "")
        if not host:
            return [{"url": self.base_path}] if self.base_path else []
        listed = (
            [s for s in schemes if s in ("https", "http")]
            if isinstance(schemes, list)
            else []
        )
        default = served.scheme if served else "https"
        ordered = sorted(dict.fromkeys(listed or [default]), key=lambda s: s != "https")
        return [{"url": f"{s}://{host}{self.base_path}"} for s in ordered]

    def _section(self, key: str, value: object) -> object:
        if not isinstance(value, dict):
            return value
        root = self.docs.root
        section = _SECTIONS[key]
        out = {}
        for name, node in value.items():
            here, there = (
                f"#/components/{section}/{_escape(name)}",
                f"#/{key}/{_escape(name)}",
            )
            if key == "definitions":
                out[name] = self._schema(node, root, root, here, there)
            elif key == "parameters":
                if _located_in(node) in ("body", "formData"):
                    continue  # a body in 2.0: each operation that uses it makes it its body
                out[name] = self._parameter(node, root, root, here, there)
            elif key == "responses":
                out[name] = self._response(node, root, root, here, there, self.produces)
            else:
                scheme = out[name] = _security_scheme(node)
                self._maps(here, there)
                for flow in scheme.get("flows", ()) if isinstance(scheme, dict) else ():
                    self._maps(f"{here}/flows/{flow}", there)
        return out

    # -- paths and operations ------------------------------------------------------------------

    def _path_item(self, doc: Document, here: str, item: object) -> object:
        """A path item of ``doc`` at ``here``, converted where it is."""
        if not isinstance(item, dict):
            return item
        if isinstance(item.get("$ref"), str):
            return {**item, "$ref": self._ref(item["$ref"], doc, doc, "path item")}
        kept, bodies = self._split_parameters(doc, here, item.get("parameters"))
        out: dict[str, Any] = {}
        for key, value in item.items():
            if key == "parameters" and isinstance(value, list):
                if kept:
                    out[key] = kept
            elif key in _METHODS and isinstance(value, dict):
                out[key] = self._operation(doc, f"{here}/{key}", value, bodies)
            else:
                out[key] = value
        return out

    def _split_parameters(
        self, doc: Document, owner: str, entries: object
    ) -> tuple[list[Any], list[_Found]]:
        """The parameters (of ``owner`` in ``doc``) that stay parameters, converted, and those
        that make the body."""
        kept: list[Any] = []
        bodies: list[_Found] = []
        for index, entry in enumerate(entries) if isinstance(entries, list) else ():
            there = f"{owner}/parameters/{index}"
            found = self._found(doc, entry, there)
            if found is not None and _located_in(found.node) in ("body", "formData"):
                bodies.append(found)
                continue
            here = f"{owner}/parameters/{len(kept)}"
            kept.append(self._parameter(entry, doc, doc, here, there))
        return kept, bodies

    def _operation(
        self, doc: Document, here: str, op: dict[str, Any], shared: list[_Found]
    ) -> dict[str, Any]:
        kept, bodies = self._split_parameters(doc, here, op.get("parameters"))
        # an operation's own body replaces the path item's, and its form fields those of the
        # same name
        own = {(_located_in(f.node), _name(f.node)) for f in bodies}
        own_body = any(where == "body" for where, _ in own)
        bodies = [
            f
            for f in shared
            if (_located_in(f.node), _name(f.node)) not in own
            and not (own_body and _located_in(f.node) == "body")
        ] + bodies
        consumes = _media_list(op["consumes"]) if "consumes" in op else self.consumes
        produces = _media_list(op["produces"]) if "produces" in op else self.produces
        out: dict[str, Any] = {}
        for key, value in op.items():
            if key in ("consumes", "produces", "schemes"):
                continue
            if key == "parameters":
                if kept:
                    out[key] = kept
            elif key == "responses" and isinstance(value, dict):
                if bodies:
                    out["requestBody"] = self._request_body(bodies, consumes, doc, here)
                out[key] = self._responses(value, doc, f"{here}/responses", produces)
            else:
                out[key] = value
        if bodies and "requestBody" not in out:
            out["requestBody"] = self._request_body(bodies, consumes, doc, here)
        servers = self._servers(op["schemes"]) if "schemes" in op else []
        if servers:
            out["servers"] = servers
            self._maps(f"{here}/servers", f"{here}/schemes")
        return out

    def _request_body(
        self, found: list[_Found], consumes: list[str], place: Document, op_at: str
    ) -> dict[str, Any]:
        body = next((f for f in found if _located_in(f.node) == "body"), None)
        if body is not None:
            return self._body(body, consumes, place, f"{op_at}/requestBody")
        return self._form(found, consumes, place, f"{op_at}/requestBody")

    def _body(
        self, found: _Found, consumes: list[str], place: Document, here: str
    ) -> dict[str, Any]:
        """A ``body`` parameter as the request body, one media type per ``consumes`` entry."""
        node = found.node
        self._maps(here, found.location)
        out: dict[str, Any] = {}
        if isinstance(node.get("description"), str):
            out["description"] = node["description"]
        content = {}
        # a wildcard says the API takes anything: what the client sends is JSON
        media_types = [_JSON if m in _WILDCARDS else m for m in consumes] or [_JSON]
        for media in dict.fromkeys(media_types):
            at = f"{here}/content/{_escape(media)}"
            self._maps(at, found.location)
            entry = {}
            if "schema" in node:
                entry["schema"] = self._schema(
                    node["schema"],
                    found.document,
                    place,
                    f"{at}/schema",
                    f"{found.location}/schema",
                )
            content[media] = entry
        out["content"] = content
        if node.get("required") is True:
            out["required"] = True
        return out

    def _form(
        self, found: list[_Found], consumes: list[str], place: Document, here: str
    ) -> dict[str, Any]:
        """``formData`` parameters as an object body, with each array's ``collectionFormat``
        as its encoding's style (form-urlencoded bodies only: multipart has no styles).
        """
        fields = [f for f in found if _located_in(f.node) == "formData"]
        files = any(f.node.get("type") == "file" for f in fields)
        forms = [m for m in consumes if _media(m) in _FORM_TYPES]
        if files:
            forms = [m for m in forms if _media(m) == _FORM_TYPES[0]]
        if not forms:
            forms = [_FORM_TYPES[0] if files else _FORM_TYPES[1]]
        self._maps(here, fields[0].location)
        content = {}
        for media in forms:
            at = f"{here}/content/{_escape(media)}"
            self._maps(at, fields[0].location)
            self._maps(f"{at}/schema", fields[0].location)
            properties: dict[str, Any] = {}
            encoding: dict[str, Any] = {}
            required: list[str] = []
            for f in fields:
                name = _name(f.node)
                value = {
                    k: v
                    for k, v in f.node.items()
                    if k not in _PARAMETER_KEYS - {"description"}
                    and k != "collectionFormat"
                }
                prop_at = f"{at}/schema/properties/{_escape(name)}"
                properties[name] = self._schema(
                    value, f.document, place, prop_at, f.location
                )
                self._maps(prop_at, f.location)
                if f.node.get("required") is True:
                    required.append(name)
                style = _style(f.node, "query")
                if style and _media(media) == _FORM_TYPES[1]:
                    encoding[name] = style
            schema: dict[str, Any] = {"type": "object", "properties": properties}
            if required:
                schema["required"] = required
            content[media] = {"schema": schema}
            if encoding:
                content[media]["encoding"] = encoding
        out: dict[str, Any] = {"content": content}
        if any(f.node.get("required") is True for f in fields):
            out["required"] = True
        return out

    # -- parameters, responses, schemas --------------------------------------------------------

    def _parameter(
        self, node: object, base: Document, place: Document, here: str, there: str
    ) -> object:
        """A 2.0 parameter that is not a body: its type keywords become its ``schema``."""
        self._maps(here, there)
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str):
            return {**node, "$ref": self._ref(node["$ref"], base, place, "parameter")}
        out = self._typed(node, _PARAMETER_KEYS, base, place, here, there)
        style = _style(node, str(node.get("in")))
        if style:
            out.update(style)
        return out

    def _responses(
        self, responses: dict[str, Any], doc: Document, here: str, produces: list[str]
    ) -> dict[str, Any]:
        out = {}
        for status, response in responses.items():
            at = f"{here}/{_escape(status)}"
            found = self._found(doc, response, at) if is_reference(response) else None
            if found is not None and produces != self.produces:
                # a shared response converted for the document's produces would not fit
                out[status] = self._response(
                    found.node, found.document, doc, at, found.location, produces
                )
            else:
                out[status] = self._response(response, doc, doc, at, at, produces)
        return out

    def _response(
        self,
        node: object,
        base: Document,
        place: Document,
        here: str,
        there: str,
        produces: list[str],
    ) -> object:
        self._maps(here, there)
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str):
            return {**node, "$ref": self._ref(node["$ref"], base, place, "response")}
        out: dict[str, Any] = {}
        examples = node.get("examples")
        examples = examples if isinstance(examples, dict) else {}
        for key, value in node.items():
            if key == "schema":
                schema = value
                binary = isinstance(schema, dict) and schema.get("type") == "file"
                content = {}
                for media in produces or [
                    "application/octet-stream" if binary else _JSON
                ]:
                    at = f"{here}/content/{_escape(media)}"
                    self._maps(at, there)
                    content[media] = {
                        "schema": self._schema(
                            schema, base, place, f"{at}/schema", f"{there}/schema"
                        )
                    }
                    if media in examples:
                        content[media]["example"] = examples[media]
                out["content"] = content
            elif key == "headers" and isinstance(value, dict):
                out[key] = {
                    name: self._header(
                        header,
                        base,
                        place,
                        f"{here}/headers/{_escape(name)}",
                        f"{there}/headers/{_escape(name)}",
                    )
                    for name, header in value.items()
                }
            elif key != "examples":
                out[key] = value
        return out

    def _header(
        self, node: object, base: Document, place: Document, here: str, there: str
    ) -> object:
        if not isinstance(node, dict):
            return node
        return self._typed(node, _HEADER_KEYS, base, place, here, there)

    def _typed(
        self,
        node: dict[str, Any],
        kept: frozenset[str],
        base: Document,
        place: Document,
        here: str,
        there: str,
    ) -> dict[str, Any]:
        """A 2.0 parameter or header with its ``kept`` keys and extensions; its other keys
        (``type``, ``format``, ``items``, limits...) describe its value and become a
        ``schema``."""
        out: dict[str, Any] = {}
        schema: dict[str, Any] = {}
        for key, value in node.items():
            if key in kept or (key.startswith("x-") and key != "x-nullable"):
                out[key] = value
            elif key != "collectionFormat":
                schema[key] = value
        out["schema"] = self._schema(schema, base, place, f"{here}/schema", there)
        self._maps(f"{here}/schema", there)
        return out

    def _schema(
        self, node: object, base: Document, place: Document, here: str, there: str
    ) -> object:
        """A 2.0 schema (of ``base``, placed in ``place``) in 3.0 terms; the keywords 3.0 shares
        with 2.0 are kept, and data (examples, defaults, enums, extensions) is left as it is.
        """
        if not isinstance(node, dict):
            return node
        alternatives = isinstance(node.get("items"), list)
        array = node.get("type") == "array"
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = self._ref(value, base, place, "schema")
            elif key == "x-nullable":
                if value is True:
                    out["nullable"] = True
                    self._maps(f"{here}/nullable", f"{there}/x-nullable")
            elif key == "collectionFormat":
                continue  # of nested items: 2.0 serializes only the outer array
            elif key == "type" and alternatives and not array:
                continue  # the alternatives say what it is
            elif key == "type" and value == "file":
                out["type"], out["format"] = "string", "binary"
            elif key == "discriminator" and isinstance(value, str):
                out[key] = {"propertyName": value}
                self._maps(
                    f"{here}/discriminator/propertyName", f"{there}/discriminator"
                )
            elif key == "items" and alternatives:
                at = f"{here}/items/anyOf" if array else f"{here}/anyOf"
                self._maps(at, f"{there}/items")
                either = [
                    self._schema(v, base, place, f"{at}/{i}", f"{there}/items/{i}")
                    for i, v in enumerate(value)
                ]
                if array:
                    out[key] = {"anyOf": either}
                else:
                    out["anyOf"] = either
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {
                    name: self._schema(
                        v,
                        base,
                        place,
                        f"{here}/{key}/{_escape(name)}",
                        f"{there}/{key}/{_escape(name)}",
                    )
                    for name, v in value.items()
                }
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = [
                    self._schema(
                        v, base, place, f"{here}/{key}/{i}", f"{there}/{key}/{i}"
                    )
                    for i, v in enumerate(value)
                ]
            elif key in _SCHEMA_ONE and isinstance(value, dict):
                out[key] = self._schema(
                    value, base, place, f"{here}/{key}", f"{there}/{key}"
                )
            else:
                out[key] = value
        return out

    # -- references ----------------------------------------------------------------------------

    def _ref(self, ref: str, base: Document, place: Document, kind: str) -> str:
        """``ref`` (written in ``base``) as written in ``place``, pointing into the converted
        documents; the node it names in another file is queued for conversion as ``kind``.
        """
        file_part, has_fragment, fragment = ref.partition("#")
        target = ref_target(base, ref)
        if target is not None and not isinstance(target, str):
            return ref  # a scheme oapigen never reads: later stages report it
        target_uri = base.uri if target is None else target
        if target_uri == self.docs.root.uri:
            if fragment.startswith(
                "/x-"
            ):  # a section of the author's own, kept as it is
                self._enqueue(self.docs.root, fragment, kind)
            fragment = _section_fragment(fragment)
        else:
            doc = self.docs.get(target_uri)
            if doc is not None:
                self._enqueue(doc, fragment, kind)
        suffix = f"#{fragment}" if has_fragment or fragment else ""
        if target_uri == place.uri:
            return f"#{fragment}"
        if base.uri == place.uri:
            return file_part + suffix
        return _relative(target_uri, place.uri) + suffix

    def _enqueue(self, doc: Document, fragment: str, kind: str) -> None:
        try:
            tokens = tuple(split_pointer(unquote(fragment)))
        except ValueError:
            return  # not a pointer: reported where references are checked
        if (doc.uri, tokens) not in self.seen:
            self.seen.add((doc.uri, tokens))
            self.queued.append((doc, tokens, kind))

    def _convert_in_place(
        self, doc: Document, tokens: tuple[str, ...], kind: str
    ) -> None:
        node: Any = doc.data
        for token in tokens:
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return  # dangling: reported where references are checked
        here = self._at(doc, *tokens)
        if kind == "schema":
            converted = self._schema(node, doc, doc, here, here)
        elif kind == "parameter":
            converted = self._parameter(node, doc, doc, here, here)
        elif kind == "response":
            converted = self._response(node, doc, doc, here, here, self.produces)
        else:
            converted = self._path_item(doc, here, node)
        self.replaced.setdefault(doc.uri, {})[tokens] = converted

    def _found(self, base: Document, entry: object, location: str) -> _Found | None:
        """The node an entry is, following its references; None when they lead nowhere."""
        if not is_reference(entry):
            return _Found(base, location, entry) if isinstance(entry, dict) else None
        assert isinstance(entry, dict)
        target = resolve(self.docs, base, entry["$ref"])
        if isinstance(target, str) or not isinstance(target.node, dict):
            return None
        return _Found(target.document, target.location, target.node)


@dataclass(frozen=True)
class _Found:
    """A 2.0 node, its document and its location there."""

    document: Document
    location: str
    node: dict[str, Any]


def _relative(target: str, place: str) -> str:
    """A reference to the document at URI ``target`` as written in the one at ``place``."""
    to, at = urlsplit(target), urlsplit(place)
    if (to.scheme, to.netloc) != (at.scheme, at.netloc):
        return target
    relative = posixpath.relpath(unquote(to.path), posixpath.dirname(unquote(at.path)))
    return quote(relative, safe="/")


def _section_fragment(fragment: str) -> str:
    for old, new in _REF_SECTIONS:
        if fragment.startswith(old):
            return new + fragment[len(old) :]
    return fragment


def _style(node: dict[str, Any], location: str) -> dict[str, Any] | None:
    """The ``style`` and ``explode`` of an array parameter's ``collectionFormat``."""
    if node.get("type") != "array":
        return None
    form = node.get("collectionFormat", "csv")
    if form in _COLLECTION_STYLES:
        style, explode = _COLLECTION_STYLES[form]
    elif form == "multi" and location in ("query", "formData"):
        style, explode = "form", True
    else:  # csv, and multi where 2.0 does not allow it
        style, explode = (
            "form" if location in ("query", "formData") else "simple"
        ), False
    return {"style": style, "explode": explode}


def _security_scheme(node: object) -> object:
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    extra = {k: v for k, v in node.items() if k == "description" or k.startswith("x-")}
    if kind == "basic":
        return {"type": "http", "scheme": "basic", **extra}
    if kind == "oauth2" and node.get("flow") in _OAUTH2_FLOWS:
        name, urls = _OAUTH2_FLOWS[node["flow"]]
        flow = {url: node[url] for url in urls if url in node}
        flow["scopes"] = (
            node.get("scopes") if isinstance(node.get("scopes"), dict) else {}
        )
        return {"type": "oauth2", "flows": {name: flow}, **extra}
    return node  # apiKey reads the same in 3.0; anything else is left for later stages


def _with(data: Any, tokens: tuple[str, ...], value: Any) -> Any:
    """``data`` with the node at ``tokens`` replaced, copying only the nodes on the way; as it
    is when a node converted before has no such place any more."""
    if not tokens:
        return value
    head, rest = tokens[0], tokens[1:]
    if isinstance(data, dict) and head in data:
        return {**data, head: _with(data[head], rest, value)}
    if isinstance(data, list) and head.isdigit() and int(head) < len(data):
        copy = list(data)
        copy[int(head)] = _with(copy[int(head)], rest, value)
        return copy
    return data


def _located_in(node: object) -> object:
    return node.get("in") if isinstance(node, dict) else None


def _name(node: dict[str, Any]) -> str:
    return str(node.get("name", ""))


def _media_list(value: object) -> list[str]:
    return [m for m in value if isinstance(m, str)] if isinstance(value, list) else []


def _media(content_type: str) -> str:
    return content_type.lower().split(";")[0].strip()


def _escape(key: object) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")
