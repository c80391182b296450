"""Validation against the OpenAPI specification with openapi-spec-validator.

The OpenAPI version decides the validator (3.0.x or 3.1.x); a document of another version, or
none, is an error. Every complaint of the validator becomes a warning at the JSON pointer of the
node it is about: the generator reports an error itself where it cannot build (DESIGN.md,
"Diagnostics"). Nothing the validator raises escapes: a failure while it checks one node
(an unresolvable reference, a bug) costs that node's checks and is a warning there; one outside
any node, or a RecursionError, cuts validation short with a warning.

What is added around openapi-spec-validator 0.9:

- locations: its second pass (schemas, parameters, operations) yields errors whose path is
  relative to the node being checked, or empty, so each keyword validator is wrapped to tag the
  errors it yields with the node it was given;
- references: other files are served from the loaded documents and nothing is fetched from
  the network;
- speed: the OpenAPI schema's references are indexed once (see ``_crawled``), and the
  library's per-schema bookkeeping is a set rather than a list (see ``_IdSet``);
- a cache: a Schema Object whose content passed the meta-schema check before, with the same
  libraries and dialect, is not checked again (see ``_meta_digest``);
- memory: ``iter_errors`` without the library's class-wide ``lru_cache``, which keeps every
  validator, and the document it holds, alive for the life of the process.
"""

from __future__ import annotations

import hashlib
import json
import re
import reprlib
from collections.abc import Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from jsonschema.exceptions import ValidationError, best_match
from jsonschema_path import SchemaPath
from jsonschema_specifications import REGISTRY as SPECIFICATIONS
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from openapi_spec_validator.validation.keywords import (
    KeywordValidator,
    SchemaValidator,
    ValueValidator,
)
from referencing.exceptions import Unresolvable
from referencing.jsonschema import specification_with

from generator import __version__
from generator.cache import DigestCache
from generator.diagnostics import Diagnostics
from generator.loader import (
    Document,
    DocumentSet,
    collect_documents,
    pointer,
    split_pointer,
)
from generator.refs import resolve

_OAS30 = re.compile(r"3\.0(\.\d+)?(-.+)?")
_OAS31 = re.compile(r"3\.1(\.\d+)?(-.+)?")
_MAX_MESSAGE = 300
_WHERE = "_oapigen_where"
_CACHE_FILE = "schema-meta-checks-v1.txt"


def validate_document(
    doc: Document,
    diags: Diagnostics,
    *,
    docs: DocumentSet | None = None,
    cache: Path | None = None,
) -> None:
    """Check ``doc`` against its OpenAPI version's rules.

    ``docs`` (from ``load_documents``) serves the files ``doc`` refers to; without it they are
    read again from disk (their problems are the loader's to report). ``cache``, a folder,
    remembers which Schema Objects passed the meta-schema check (see ``_meta_digest``).
    """
    base = _validator_class(doc.data, diags)
    if base is None:
        return
    docs = docs or collect_documents(doc, Diagnostics())
    passed = DigestCache(cache, _CACHE_FILE)
    try:
        validator = _located_validator(base, docs, passed)(
            doc.data, base_uri=doc.path.absolute().as_uri()
        )
        for error in validator.iter_errors():
            where, message = _describe(error, docs)
            diags.warning(where, message)
    except RecursionError:
        diags.warning(
            "#",
            "validation cut short: the document nests too deeply for openapi-spec-validator",
        )
    except Exception as exc:  # the validator's own failures must not end the run
        diags.warning("#", f"validation cut short: {_failure(exc)}")
    passed.save()


def check_version(data: Any, diags: Diagnostics) -> bool:
    """Whether the document is OpenAPI 3.0 or 3.1; an error says what it is otherwise.

    Run before anything else looks at a document: a Swagger 2.0 file's references (to
    ``#/definitions``) would only add noise to the one thing worth saying about it.
    """
    return _validator_class(data, diags) is not None


def _validator_class(data: Any, diags: Diagnostics) -> type[Any] | None:
    """The validator for the document's ``openapi`` version, or None (with an error) when there is none."""
    if not isinstance(data, Mapping):
        diags.error("#", "not an OpenAPI document: the top level is not a mapping")
        return None
    if "openapi" not in data:
        if "swagger" in data:
            diags.error(
                "#/swagger",
                f"Swagger {data['swagger']} is not supported: convert the document to OpenAPI 3 first "
                "(for example with swagger2openapi, or the converter at converter.swagger.io)",
            )
        else:
            diags.error("#", "not an OpenAPI document: no `openapi` field")
        return None
    version = str(data["openapi"])
    if _OAS30.fullmatch(version):
        return OpenAPIV30SpecValidator
    if _OAS31.fullmatch(version):
        return OpenAPIV31SpecValidator
    diags.error(
        "#/openapi",
        f"unsupported OpenAPI version {version!r}: oapigen reads 3.0.x and 3.1.x",
    )
    return None


def _located_validator(
    base: type[Any], docs: DocumentSet, passed: DigestCache | None = None
) -> type[Any]:
    """``base`` with location-tagging keyword validators and references served from ``docs``."""
    if passed is None:
        passed = DigestCache(None, _CACHE_FILE)
    salt = _libraries() if passed.path is not None else ""  # no salt: no digests
    keywords = {
        name: _located_keyword(cls, passed, salt)
        for name, cls in base.keyword_validators.items()
    }
    handlers = {
        "file": lambda uri: _serve(docs, uri),
        "http": _refuse,
        "https": _refuse,
        "ftp": _refuse,
    }
    return type(
        base.__name__,
        (base,),
        {
            "keyword_validators": keywords,
            "resolver_handlers": handlers,
            "schema_validator": _crawled(base.schema_validator),
            "iter_errors": _iter_errors,
        },
    )


def _iter_errors(self: Any) -> Iterator[ValidationError]:
    """The library's two passes: the OpenAPI JSON schema, then the keyword validators."""
    yield from self.schema_validator.iter_errors(self.schema)
    yield from self.root_validator(self.schema_path)


def _crawled(validator: Any) -> Any:
    """``validator`` (of the OpenAPI document schema) with its registry crawled once, up front.

    Otherwise jsonschema re-crawls the whole OpenAPI 3.1 schema on every ``$dynamicRef``
    lookup: 5 s of the first pass over the OpenAI spec, 0.6 s with this. The stock validator is
    kept if jsonschema's internals ever change shape.
    """
    try:
        schema = validator.schema
        resource = specification_with(schema["$schema"]).create_resource(schema)
        registry = (resource @ SPECIFICATIONS).crawl()
        return validator.evolve(
            _resolver=registry.resolver(base_uri=resource.id() or "")
        )
    except Exception:
        return validator


def _located_keyword(
    cls: type[KeywordValidator], passed: DigestCache, salt: str
) -> type[KeywordValidator]:
    """A keyword validator that tags each error it yields with the node it was checking."""
    # A value validator checks the ``default`` of the schema it is given.
    suffix: tuple[str, ...] = ("default",) if issubclass(cls, ValueValidator) else ()

    def __call__(self: Any, *args: Any, **kwargs: Any) -> Iterator[ValidationError]:
        node = next((a for a in args if isinstance(a, SchemaPath)), None)
        errors = cls.__call__(self, *args, **kwargs)
        while True:
            try:
                error = next(errors)
            except StopIteration:
                return
            except RecursionError:
                raise
            except Exception as exc:
                # a validator failure costs this node's checks, not the run's
                error = OpenAPIValidationError(f"not checked: {_failure(exc)}")
                errors = iter(())
            if not isinstance(error, OpenAPIValidationError):
                # the validator re-creates other errors, which would drop the tag
                error = OpenAPIValidationError.create_from(error)
            if node is not None and not hasattr(error, _WHERE):
                # the innermost call tags first: nested schemas are checked by recursion
                setattr(error, _WHERE, (tuple(node.parts), suffix))
            yield error

    def __init__(self: Any, registry: Any) -> None:
        cls.__init__(self, registry)
        self.visited_schema_ids = _IdSet()
        self.meta_checked_schema_ids = _IdSet()

    def _validate_schema_meta(self: Any, schema: Any, value: Any) -> Any:
        digest = _meta_digest(self, cls, schema, value, salt) if salt else None
        if digest is not None and digest in passed:
            return None
        error = cls._validate_schema_meta(self, schema, value)  # type: ignore[attr-defined]
        if error is None and digest is not None:
            passed.add(digest)
        return error

    members: dict[str, Any] = {"__call__": __call__}
    if issubclass(cls, SchemaValidator):
        members["__init__"] = __init__
        members["_validate_schema_meta"] = _validate_schema_meta
    located: type[KeywordValidator] = type(cls.__name__, (cls,), members)
    return located


class _IdSet(set[int]):
    """The library's bookkeeping of schema ids, kept in lists it only appends to and tests
    membership in (once per schema: quadratic in a big document); a set answers the same.
    """

    append = set.add


def _meta_digest(
    keyword: Any, cls: type[KeywordValidator], schema: Any, value: Any, salt: str
) -> str | None:
    """What the meta-schema check of a Schema Object depends on, hashed: the libraries'
    versions (``salt``), the keyword validator, the dialect (a 3.1 document's ``jsonSchemaDialect``
    sets it outside the value) and the value's canonical JSON. None when a value would not
    come back from JSON as it is: such a value is checked every time."""
    try:
        dialect = (
            keyword._get_schema_dialect_id(schema, value)
            if hasattr(keyword, "_get_schema_dialect_id")
            else ""
        )
        text = json.dumps(
            value, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        if json.loads(text) != value:
            return None
    except Exception:
        return None
    key = "\0".join((salt, cls.__module__, cls.__qualname__, dialect, text))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _libraries() -> str:
    """oapigen's version and those of the libraries the meta-schema check runs on; empty
    (nothing cached) when one of them cannot be told."""
    names = (
        "openapi-spec-validator",
        "openapi-schema-validator",
        "jsonschema",
        "jsonschema-specifications",
        "referencing",
        "jsonschema-path",
    )
    try:
        return "\0".join([__version__, *(metadata.version(name) for name in names)])
    except metadata.PackageNotFoundError:
        return ""


def _failure(exc: Exception) -> str:
    """What stopped the validator, in a line: an unresolvable reference, or its own failure."""
    if isinstance(exc, Unresolvable):
        remote = urlsplit(exc.ref).scheme in ("http", "https")
        return _one_line(
            f"unresolvable reference {exc.ref!r}"
            + (": remote references are not supported" if remote else "")
        )
    return _one_line(f"the validator failed: {type(exc).__name__}: {exc}")


def _serve(docs: DocumentSet, uri: str) -> Any:
    doc = docs.get(_uri_path(uri))
    if doc is None:
        raise LookupError(f"{uri} is not loaded")
    return doc.data


def _refuse(uri: str) -> Any:
    raise LookupError(f"remote references are not supported: {uri}")


def _uri_path(uri: str) -> Path:
    return Path(url2pathname(urlsplit(uri).path))


def _describe(error: ValidationError, docs: DocumentSet) -> tuple[str, str]:
    """Where an error is (a JSON pointer into the document that holds the node) and a one-line message."""
    best = _best(error)
    parts, suffix = getattr(error, _WHERE, ((), ()))
    where = _locate(docs, parts, (*suffix, *best.absolute_path))
    return where, _message(best)


def _best(error: ValidationError) -> ValidationError:
    """The most telling sub-error of an ``anyOf``/``oneOf`` failure.

    Most such failures in an OpenAPI document are "neither a Reference Object nor the object
    itself"; the complaint that ``$ref`` is missing is never the helpful half.
    """
    if not error.context:
        return error
    helpful = [
        e
        for e in error.context
        if not (e.validator == "required" and e.validator_value == ["$ref"])
    ]
    if not helpful or len(helpful) == len(error.context):
        return best_match([error]) or error
    return _best(best_match(helpful) or error)


def _locate(docs: DocumentSet, parts: tuple[Any, ...], inner: tuple[Any, ...]) -> str:
    """The location of ``inner`` below the node that the validator reached through ``parts``.

    The validator walks through ``$ref``s; the node it checked lives where the last of them
    leads, which is where a reader has to go and fix it.
    """
    walked: list[Any] = []
    doc, node = docs.root, docs.root.data
    try:
        for part in parts:
            doc, walked, node = _through_refs(docs, doc, walked, node)
            node = node[part]
            walked.append(part)
        if parts:
            doc, walked, node = _through_refs(docs, doc, walked, node)
    except (KeyError, IndexError, TypeError):
        doc, walked = docs.root, list(parts)
    return docs.location(doc, pointer(*walked, *inner))


def _through_refs(
    docs: DocumentSet, doc: Document, walked: list[Any], node: Any
) -> tuple[Document, list[Any], Any]:
    for _ in range(32):  # a bound, in case of a loop through $refs with siblings
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            break
        found = resolve(docs, doc, node["$ref"])
        if isinstance(found, str):
            raise KeyError(found)
        doc, node = found.document, found.node
        walked = list(split_pointer(found.pointer))
    return doc, walked, node


def _message(error: ValidationError) -> str:
    """The validator's message with a huge instance dump cut down, on one line."""
    message = str(error.message)
    shown = repr(error.instance)
    if len(shown) > 60 and shown in message:
        message = message.replace(shown, _short_repr(error.instance), 1)
    return _one_line(message)


def _short_repr(value: Any) -> str:
    short = reprlib.Repr()
    short.maxlevel = 2
    short.maxdict = short.maxlist = 3
    short.maxstring = short.maxother = 40
    return short.repr(value)


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"
