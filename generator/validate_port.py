"""openapi-spec-validator-rs, the Rust port of openapi-spec-validator: its answer, each error
placed where the reference places it, or None where that cannot be vouched for.

The port reports the reference's errors in the reference's order, but the errors of its second
pass (schemas, parameters, operations, tags) carry paths relative to the node being checked,
and nothing says which node. Without its checks, the reference's walk over a document is cheap,
so ``_Replay`` walks it again, step by step as ``openapi_spec_validator.validation.keywords``
does. The cheap checks (duplicate tags, parameters and operationIds, undeclared path
parameters, required names that no schema defines, schemas that are no schema) are made again,
and the port must report the same error next. At the two costly ones (a Schema Object against
its dialect's meta-schema, a ``default`` against its schema) the port's next errors are taken
when their instance is the node's own content, and for a default their schema the node's too;
that places them at the node.

The reference answers instead (``findings`` returns None) when:

- the port is missing, or either library is not of the version pair known to agree
  (openapi-spec-validator 0.9, its port 0.2);
- a ``$ref`` names a scheme (``file:``, ``http:``...): the port would read such a file itself,
  past the loader's rules, where other files are served to it from the loaded documents only;
- the port stops: an unresolvable reference, recursion, a malformed path template, which the
  reference reports as a node it could not check;
- the replay cannot place every error, or meets a shape the reference's walk might trip over
  (a node of the wrong type, a ``$ref`` that is not a string or leads nowhere, a schema's
  ``$id``). A document that fails the OpenAPI schema itself is one: those errors come first and
  belong to no node, and the reference's second pass may fail part way on such a document,
  where the port stops without a word (DigitalOcean's document).
"""

from __future__ import annotations

import ast
import heapq
import json
import re
import string
import sys
from collections.abc import Callable, Iterable
from importlib import metadata
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.loader import Document, DocumentSet
from generator.methods import ADDITIONAL, FIXED_METHODS
from generator.refs import resolve
from generator.validate import WHERE, describe

#: The versions that give the same answers (the port names the reference version it follows).
KNOWN_PORT = "0.2."
KNOWN_REFERENCE = "0.9."
#: A host that no request can reach: other files are served to the port under it.
_BASE = "https://oapigen.invalid"
#: A URI scheme (two letters at least: ``C:`` is a Windows drive).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")
_EXTRA = "Required list has not defined properties: "
_MISSING = object()


class _Unsure(Exception):
    """The port's answer cannot be placed with certainty: the reference decides."""


def findings(name: str, docs: DocumentSet) -> list[tuple[str, str]] | None:
    """(where, message) of each complaint of the validator class ``name`` about ``docs.root``,
    in the reference's order, or None when the reference must answer (see the module).
    """
    try:
        import openapi_spec_validator_rs as port
        from openapi_spec_validator_rs.exceptions import _from_core
    except ImportError:
        return None
    if not _known_versions(port.__version__) or _foreign_refs(docs):
        return None
    cls = getattr(port, name, None)
    if cls is None:
        return None
    version = cls.spec_version
    base = _BASE + urlsplit(docs.root.uri).path
    try:
        found = port._core.validate(
            docs.root.data,
            f"{version.major}.{version.minor}",
            base,
            True,
            _server(docs),
            # Half the stack the reference has: where it might run out, the port stops first.
            _depth(),
            sys.getrecursionlimit() // 2,
        )
        errors = [_from_core(error) for error in found]
    except Exception:  # stopped, or refused the document: the reference says why
        return None
    try:
        _Replay(docs, name, errors).run()
        best = _best_match(modern_integers=name not in _DRAFT4)
        return [describe(error, docs, best) for error in errors]
    except Exception:  # _Unsure, or a shape this code did not foresee
        return None


def _known_versions(port_version: str) -> bool:
    try:
        reference = metadata.version("openapi-spec-validator")
    except metadata.PackageNotFoundError:
        return False
    return port_version.startswith(KNOWN_PORT) and reference.startswith(KNOWN_REFERENCE)


def _foreign_refs(docs: DocumentSet) -> bool:
    """Whether a ``$ref`` anywhere names a URI scheme (one that is no string is no reference)."""
    for doc in docs.documents.values():
        stack = [doc.data]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and _SCHEME.match(ref):
                    return True
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
            else:
                stack.extend(v for v in node if isinstance(v, (dict, list)))
    return False


def _server(docs: DocumentSet) -> Callable[[str], bytes]:
    """What serves the port the loaded documents, as JSON, by the path of their URI (the
    loader keeps them all under one origin); anything else is unresolvable."""
    by_path = {unquote(urlsplit(d.uri).path): d for d in docs.documents.values()}

    def serve(url: str) -> bytes:
        doc = (
            by_path.get(unquote(urlsplit(url).path))
            if url.startswith(_BASE + "/")
            else None
        )
        if doc is None:
            raise LookupError(f"{url} is not loaded")
        return json.dumps(doc.data).encode("utf-8")

    return serve


def _depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    return depth


# --- the reference's walk, replayed -----------------------------------------------------

Parts = tuple[str | int, ...]

#: Classes whose documents use JSON Schema draft 4 types: an integral float is no integer.
_DRAFT4 = ("OpenAPIV2SpecValidator", "OpenAPIV30SpecValidator")


class _Replay:
    """The reference's second pass over ``docs``, placing each of ``errors`` at its node."""

    def __init__(self, docs: DocumentSet, name: str, errors: list[Any]) -> None:
        self.docs = docs
        self.errors = errors
        self.at = 0
        self.v2 = name == "OpenAPIV2SpecValidator"
        self.v32 = name == "OpenAPIV32SpecValidator"
        self.visited: set[int] = set()
        self.meta_checked: set[int] = set()
        self.operation_ids: set[str | None] = set()
        # where each reference leads, by the file it is written in and its text
        self.targets: dict[tuple[str, str], tuple[Document, Any]] = {}

    def run(self) -> None:
        first = self.peek()
        if first is not None and _same(
            _at(self.docs.root.data, first.path), first.instance
        ):
            raise _Unsure("the document fails the OpenAPI schema")
        doc, spec = self.deref(self.docs.root, self.docs.root.data)
        self.mapping(spec)
        if "tags" in spec:
            self.tags(("tags",), doc, spec["tags"])
        if "paths" in spec:
            doc_, paths = self.deref(doc, spec["paths"])
            for url, item in self.mapping(paths).items():
                self.path_item(("paths", url), url, doc_, item)
        if "components" in spec:
            doc_, components = self.deref(doc, spec["components"])
            if "schemas" in self.mapping(components):
                doc_, schemas = self.deref(doc_, components["schemas"])
                for key, schema in self.mapping(schemas).items():
                    self.schema(("components", "schemas", key), doc_, schema)
        if self.at != len(self.errors):
            raise _Unsure("errors left that belong to no node")

    # The errors: made again and expected next, or taken where they fit.

    def peek(self) -> Any:
        return self.errors[self.at] if self.at < len(self.errors) else None

    def place(self, error: Any, parts: Parts, suffix: tuple[str, ...] = ()) -> None:
        setattr(error, WHERE, (parts, suffix))
        self.at += 1

    def expect(self, parts: Parts, kind: str, message: str) -> None:
        error = self.peek()
        if error is None or type(error).__name__ != kind or error.message != message:
            raise _Unsure(f"expected {message!r}")
        self.place(error, parts)

    def meta_error(self, parts: Parts, schema: Any) -> bool:
        """Whether the next error is the meta-schema check's, of ``schema``."""
        error = self.peek()
        if error is None or type(error).__name__ != "OpenAPIValidationError":
            return False
        if not _has_details(error):
            if error.message.startswith("Unknown JSON Schema dialect"):
                raise _Unsure("a dialect the port names")
            return False
        if not _same(_at(schema, error.path), error.instance):
            return False
        self.place(error, parts)
        return True

    def default_errors(
        self, parts: Parts, doc: Document, schema: Any, value: Any
    ) -> None:
        """Takes the next errors that are about ``value``, the default of ``schema``: one
        check reports a keyword's failure at one place in the value once."""
        taken: set[tuple[Any, ...]] = set()
        while (error := self.peek()) is not None:
            if type(error).__name__ != "OpenAPIValidationError" or not _has_details(
                error
            ):
                return
            if not _same(_at(value, error.path), error.instance):
                return
            if not _same(
                self.schema_at(doc, schema, list(error.schema_path)), error.schema
            ):
                return
            key = (tuple(error.path), tuple(error.schema_path), error.message)
            if key in taken:
                return
            taken.add(key)
            self.place(error, parts, ("default",))

    # The walk: RootValidator and the keyword validators it calls, in their order.

    def tags(self, parts: Parts, doc: Document, value: Any) -> None:
        doc, tags = self.deref(doc, value)
        parents: dict[str, str | None] = {}
        seen: set[str] = set()
        for tag in self.sequence(tags):
            doc_, tag = self.deref(doc, tag)
            name = self.text(doc_, tag, "name")
            if name in seen:
                self.expect(
                    parts, "OpenAPIValidationError", f"Duplicate tag name '{name}'"
                )
            seen.add(name)
            if self.v32:
                parents[name] = (
                    self.text(doc_, tag, "parent") if "parent" in tag else None
                )
        if self.v32:
            self.tag_parents(parts, parents)

    def tag_parents(self, parts: Parts, parents: dict[str, str | None]) -> None:
        for name, parent in parents.items():
            if parent is not None and parent not in parents:
                self.expect(
                    parts,
                    "OpenAPIValidationError",
                    f"Tag '{name}' references unknown parent tag '{parent}'",
                )
        reported: set[str] = set()
        for start in parents:
            current: str | None = start
            trail: list[str] = []
            while current is not None and current in parents:
                if current in trail:
                    cycle = " -> ".join(trail[trail.index(current) :] + [current])
                    if cycle not in reported:
                        reported.add(cycle)
                        self.expect(
                            parts,
                            "OpenAPIValidationError",
                            f"Circular tag hierarchy detected: {cycle}",
                        )
                    break
                trail.append(current)
                current = parents[current]

    def path_item(self, parts: Parts, url: str, doc: Document, value: Any) -> None:
        doc, item = self.deref(doc, value)
        shared = None
        if "parameters" in self.mapping(item):
            shared = (doc, item["parameters"])
            self.parameters((*parts, "parameters"), doc, item["parameters"])
        for field, operation in item.items():
            # the library walks ``query`` and ``additionalOperations`` in 3.2 only
            if field in FIXED_METHODS and (self.v32 or field != "query"):
                self.operation(url, field, (*parts, field), doc, operation, shared)
            elif self.v32 and field == ADDITIONAL:
                doc_, more = self.deref(doc, operation)
                for method, extra in self.mapping(more).items():
                    self.operation(
                        url, method, (*parts, field, method), doc_, extra, shared
                    )

    def operation(
        self,
        url: str,
        method: str,
        parts: Parts,
        doc: Document,
        value: Any,
        shared: tuple[Document, Any] | None,
    ) -> None:
        doc, operation = self.deref(doc, value)
        if "operationId" in self.mapping(operation):
            operation_id = self.read(operation["operationId"])
            if not isinstance(operation_id, (str, type(None))):
                raise _Unsure("an operationId that is not text")
            if operation_id is not None and operation_id in self.operation_ids:
                self.expect(
                    parts,
                    "DuplicateOperationIDError",
                    f"Operation ID '{operation_id}' for '{method}' in '{url}' is not unique",
                )
            self.operation_ids.add(operation_id)
        if "responses" in operation:
            doc_, responses = self.deref(doc, operation["responses"])
            for code, response in self.mapping(responses).items():
                self.response((*parts, "responses", code), doc_, response)
        names: list[str] = []
        if "parameters" in operation:
            self.parameters((*parts, "parameters"), doc, operation["parameters"])
            names += self.path_names(doc, operation["parameters"])
        if shared is not None:
            names += self.path_names(*shared)
        try:
            in_url = {
                field for _, field, _, _ in string.Formatter().parse(url) if field
            }
        except ValueError:
            raise _Unsure("a path template the reference cannot read") from None
        declared = set(names)
        for name in [*sorted(in_url - declared), *sorted(declared - in_url)]:
            self.expect(
                parts,
                "UnresolvableParameterError",
                f"Path parameter '{name}' for '{method}' operation in '{url}' was not resolved",
            )

    def parameters(self, parts: Parts, doc: Document, value: Any) -> None:
        doc, parameters = self.deref(doc, value)
        seen: set[tuple[str, str]] = set()
        for index, parameter in enumerate(self.sequence(parameters)):
            self.parameter((*parts, index), doc, parameter)
            doc_, parameter = self.deref(doc, parameter)
            key = (self.text(doc_, parameter, "name"), self.text(doc_, parameter, "in"))
            if key in seen:
                self.expect(
                    parts, "ParameterDuplicateError", f"Duplicate parameter '{key[0]}'"
                )
            seen.add(key)

    def parameter(self, parts: Parts, doc: Document, value: Any) -> None:
        doc, parameter = self.deref(doc, value)
        if "schema" in self.mapping(parameter):
            self.schema((*parts, "schema"), doc, parameter["schema"])
        if self.v2 and "default" in parameter:  # a 2.0 parameter is its own schema
            self.default_errors(parts, doc, parameter, self.read(parameter["default"]))

    def path_names(self, doc: Document, value: Any) -> list[str]:
        doc, parameters = self.deref(doc, value)
        names = []
        for parameter in self.sequence(parameters):
            doc_, parameter = self.deref(doc, parameter)
            if self.text(doc_, parameter, "in") == "path":
                names.append(self.text(doc_, parameter, "name"))
        return names

    def response(self, parts: Parts, doc: Document, value: Any) -> None:
        doc, response = self.deref(doc, value)
        if self.v2:
            if "schema" in self.mapping(response):
                self.schema((*parts, "schema"), doc, response["schema"])
            return
        if "content" in self.mapping(response):
            doc_, content = self.deref(doc, response["content"])
            for media, entry in self.mapping(content).items():
                doc__, entry = self.deref(doc_, entry)
                if "schema" in self.mapping(entry):
                    self.schema(
                        (*parts, "content", media, "schema"), doc__, entry["schema"]
                    )

    def schema(
        self,
        parts: Parts,
        doc: Document,
        value: Any,
        require_properties: bool = True,
        meta_checked: bool = False,
    ) -> None:
        doc, schema = self.deref(doc, value)
        if not isinstance(schema, (dict, bool)):
            self.expect(
                parts,
                "OpenAPIValidationError",
                f"{schema!r} is not of type 'object', 'boolean'",
            )
            return
        key = id(schema)
        if not meta_checked and key not in self.meta_checked:
            self.meta_checked.add(key)
            if self.meta_error(parts, schema):
                return
        if key in self.visited:
            return
        self.visited.add(key)
        if isinstance(schema, bool):
            return
        if "$id" in schema:
            raise _Unsure("an $id, which moves the base of references")
        nested: set[str] = set()
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in schema:
                doc_, inner = self.deref(doc, schema[keyword])
                for index, item in enumerate(self.sequence(inner)):
                    self.schema((*parts, keyword, index), doc_, item, False, True)
                    if keyword == "allOf":
                        nested |= self.defined(doc_, item, ())
        for keyword in ("not", "items"):
            if keyword in schema:
                self.schema((*parts, keyword), doc, schema[keyword], False, True)
        names: list[str] = []
        if "properties" in schema:
            doc_, properties = self.deref(doc, schema["properties"])
            for name, item in self.mapping(properties).items():
                self.schema((*parts, "properties", name), doc_, item, False, True)
            names = list(properties)
        if "allOf" in schema and require_properties:
            required = self.read(schema["required"]) if "required" in schema else []
            if not isinstance(required, list) or not all(
                isinstance(n, str) for n in required
            ):
                raise _Unsure("a required list that is not one of names")
            extra = set(required) - set(names) - nested
            if extra:
                self.extra_names(parts, extra)
        if "default" in schema:
            default = self.read(schema["default"])
            nullable = self.read(schema["nullable"]) if "nullable" in schema else False
            if default is not None or nullable is not True:
                self.default_errors(parts, doc, schema, default)

    def extra_names(self, parts: Parts, names: set[str]) -> None:
        """The reference lists them in a set's order: any order of the same names will do."""
        error = self.peek()
        message = error.message if error is not None else ""
        if type(error).__name__ != "ExtraParametersError" or not message.startswith(
            _EXTRA
        ):
            raise _Unsure("expected the required names no schema defines")
        try:
            listed = ast.literal_eval(message[len(_EXTRA) :])
        except (ValueError, SyntaxError):
            raise _Unsure("an unreadable list of names") from None
        if (
            not isinstance(listed, list)
            or set(listed) != names
            or len(listed) != len(names)
        ):
            raise _Unsure("other required names")
        self.place(error, parts)

    def defined(self, doc: Document, value: Any, active: tuple[int, ...]) -> set[str]:
        """The property names a schema defines, through its combinations (the library's
        ``_collect_properties``)."""
        doc, schema = self.deref(doc, value)
        self.mapping(schema)
        if id(schema) in active:
            raise _Unsure("a schema that combines itself")
        active = (*active, id(schema))
        names: set[str] = set()
        if "properties" in schema:
            names.update(self.mapping(self.deref(doc, schema["properties"])[1]))
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in schema:
                doc_, inner = self.deref(doc, schema[keyword])
                for item in self.sequence(inner):
                    names |= self.defined(doc_, item, active)
        for keyword in ("items", "not"):
            if keyword in schema:
                names |= self.defined(doc, schema[keyword], active)
        return names

    # Reading as the library's paths read: through references, with the types it assumes.

    def deref(self, doc: Document, value: Any) -> tuple[Document, Any]:
        for _ in range(32):
            if not _is_ref(value):
                return doc, value
            key = (doc.uri, value["$ref"])
            if key not in self.targets:
                found = resolve(self.docs, doc, value["$ref"])
                if isinstance(found, str):
                    raise _Unsure(found)
                self.targets[key] = (found.document, found.node)
            doc, value = self.targets[key]
        raise _Unsure("a chain of references too long")

    def read(self, value: Any) -> Any:
        if _is_ref(value):
            raise _Unsure("a reference where a value is read")
        return value

    def text(self, doc: Document, node: Any, key: str) -> str:
        value = self.deref(doc, self.mapping(node).get(key))[1]
        if not isinstance(value, str):
            raise _Unsure(f"{key} is not text")
        return value

    def mapping(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _Unsure("not a mapping")
        return value

    def sequence(self, value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise _Unsure("not a list")
        return value

    def schema_at(self, doc: Document, schema: Any, path: list[Any]) -> Any:
        """The schema that holds the keyword at the end of a schema path, which jsonschema
        writes without the ``$ref``s it went through; _MISSING where the path leads nowhere.
        """
        node = schema
        for index, step in enumerate(path):
            for _ in range(32):
                if not (_is_ref(node) and step not in node):
                    break
                found = resolve(self.docs, doc, node["$ref"])
                if isinstance(found, str):
                    return _MISSING
                doc, node = found.document, found.node
            if index == len(path) - 1:
                return node
            child = _at(node, [step])
            if child is _MISSING:
                return _MISSING
            node = child
        return node


def _is_ref(value: Any) -> bool:
    """A reference, as jsonschema-path tells one: a mapping whose ``$ref`` is text."""
    return isinstance(value, dict) and isinstance(value.get("$ref"), str)


def _has_details(error: Any) -> bool:
    return repr(error.validator) != "<unset>"


def _at(value: Any, path: Iterable[Any]) -> Any:
    """The value at a path of keys and indexes; _MISSING where there is none."""
    for step in path:
        if isinstance(value, dict) and isinstance(step, str) and step in value:
            value = value[step]
        elif isinstance(value, list) and type(step) is int and 0 <= step < len(value):
            value = value[step]
        else:
            return _MISSING
    return value


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON values: ``True`` is not ``1``, nor ``1`` the same as ``1.0``."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b)


# --- jsonschema's best_match, for the port's errors -------------------------------------

_WEAK = frozenset({"anyOf", "oneOf"})


def _best_match(modern_integers: bool) -> Callable[[Iterable[Any]], Any]:
    """jsonschema's ``best_match`` with its default relevance, for errors that carry no type
    checker: types are told as draft 4 (``modern_integers`` False) or 2020-12 tells them.
    """

    def matches_type(error: Any) -> bool:
        try:
            expected = error.schema["type"]
        except (KeyError, TypeError):
            return False
        names = [expected] if isinstance(expected, str) else expected
        return any(_is_type(error.instance, name, modern_integers) for name in names)

    def relevance(error: Any) -> tuple[Any, ...]:
        validator = error.validator
        return (
            -len(error.path),
            error.path,
            validator not in _WEAK,
            False,
            not matches_type(error),
        )

    def best_match(errors: Iterable[Any]) -> Any:
        best = max(errors, key=relevance, default=None)
        if best is None:
            return None
        while best.context:
            smallest = heapq.nsmallest(2, best.context, key=relevance)
            if len(smallest) == 2 and relevance(smallest[0]) == relevance(smallest[1]):
                return best
            best = smallest[0]
        return best

    return best_match


def _is_type(value: Any, name: str, modern_integers: bool) -> bool:
    if name == "integer":
        if isinstance(value, float) and value.is_integer():
            if modern_integers:
                return True
            raise _Unsure(
                "an integral float, which the reference's checkers tell apart"
            )
        return isinstance(value, int) and not isinstance(value, bool)
    kinds: dict[str, Callable[[Any], bool]] = {
        "string": lambda v: isinstance(v, str),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
    }
    if name in kinds:
        return kinds[name](value)
    # "null" is a type to draft 4's checker and not to the OpenAPI 3.0 one; others are unknown
    raise _Unsure(f"the type {name!r}, which the reference's checkers tell apart")
