"""openapi-spec-validator 0.9 itself: the reference validator, and the fallback of
``generator.validate`` wherever its Rust port cannot answer for it.

What is added around the library:

- locations: its second pass (schemas, parameters, operations) yields errors whose path is
  relative to the node being checked, or empty, so each keyword validator is wrapped to tag the
  errors it yields with the node it was given;
- failures: one while it checks a node (an unresolvable reference, a bug) costs that node's
  checks and is a warning there; one outside any node, or a RecursionError, cuts validation
  short with a warning;
- references: other files are served from the loaded documents and nothing is fetched from
  the network;
- speed: the OpenAPI schema's references are indexed once (see ``_crawled``), and the
  library's per-schema bookkeeping is a set rather than a list (see ``_IdSet``);
- memory: ``iter_errors`` without the library's class-wide ``lru_cache``, which keeps every
  validator, and the document it holds, alive for the life of the process;
- order: jsonschema checks an object's additional properties in the order of a set, which
  changes from run to run, and a meta-schema check reports the first failure it meets: which
  of two bad properties was reported changed with it. During a run they are checked in the
  document's order, as the Rust port checks them (see ``_in_document_order``).

Imported only when it runs: the library and jsonschema take a good part of a second to import.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import openapi_spec_validator
from jsonschema import _keywords as jsonschema_keywords
from jsonschema import validators as jsonschema_validators
from jsonschema._utils import find_additional_properties
from jsonschema.exceptions import ValidationError, best_match
from jsonschema_path import SchemaPath
from jsonschema_specifications import REGISTRY as SPECIFICATIONS
from openapi_schema_validator import OAS30Validator, OAS31Validator, OAS32Validator
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from openapi_spec_validator.validation.keywords import (
    KeywordValidator,
    SchemaValidator,
    ValueValidator,
)
from referencing.exceptions import Unresolvable
from referencing.jsonschema import specification_with

from generator.loader import DocumentSet
from generator.validate import WHERE, describe, one_line


def findings(name: str, docs: DocumentSet) -> list[tuple[str, str]]:
    """(where, message) of each complaint of openapi-spec-validator's class ``name`` about
    ``docs.root``, in the library's order."""
    found: list[tuple[str, str]] = []
    base = getattr(openapi_spec_validator, name)
    with _in_document_order():
        _run(base, docs, found)
    return found


def _run(base: type[Any], docs: DocumentSet, found: list[tuple[str, str]]) -> None:
    try:
        validator = _located_validator(base, docs)(
            docs.root.data, base_uri=docs.root.uri
        )
        for error in validator.iter_errors():
            found.append(describe(error, docs, best_match))
    except RecursionError:
        found.append(
            (
                "#",
                "validation cut short: the document nests too deeply for openapi-spec-validator",
            )
        )
    except Exception as exc:  # the validator's own failures must not end the run
        found.append(("#", f"validation cut short: {_failure(exc)}"))


@contextmanager
def _in_document_order() -> Iterator[None]:
    """Every jsonschema validator class checks the additional properties of an object in the
    object's order while this lasts, instead of a set's."""
    original: Any = jsonschema_keywords.additionalProperties

    def additional_properties(
        validator: Any, extra: Any, instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        if validator.is_type(instance, "object") and validator.is_type(extra, "object"):
            for name in dict.fromkeys(find_additional_properties(instance, schema)):
                yield from validator.descend(instance[name], extra, path=name)
        else:
            yield from original(validator, extra, instance, schema)

    classes = {
        *cast(Any, jsonschema_validators)._VALIDATORS.values(),
        OAS30Validator,
        OAS31Validator,
    }
    classes.add(OAS32Validator)
    patched = [
        c for c in classes if c.VALIDATORS.get("additionalProperties") is original
    ]
    for cls in patched:
        cls.VALIDATORS["additionalProperties"] = additional_properties
    try:
        yield
    finally:
        for cls in patched:
            cls.VALIDATORS["additionalProperties"] = original


def _located_validator(base: type[Any], docs: DocumentSet) -> type[Any]:
    """``base`` with location-tagging keyword validators and references served from ``docs``."""
    keywords = {
        name: _located_keyword(cls) for name, cls in base.keyword_validators.items()
    }

    def serve(uri: str) -> Any:
        """A document the loader read (nothing is read or fetched here)."""
        doc = docs.get(uri)
        if doc is None:
            raise LookupError(f"{uri} is not loaded")
        return doc.data

    handlers = {
        "file": serve,
        "http": serve,
        "https": serve,
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


def _failure(exc: Exception) -> str:
    """What stopped the validator, in a line: an unresolvable reference, or its own failure."""
    if isinstance(exc, Unresolvable):  # the loader said why it did not load the target
        return one_line(f"unresolvable reference {exc.ref!r}")
    return one_line(f"the validator failed: {type(exc).__name__}: {exc}")


def _refuse(uri: str) -> Any:
    raise LookupError(f"unsupported reference scheme: {uri}")


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


def _located_keyword(cls: type[KeywordValidator]) -> type[KeywordValidator]:
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
            if node is not None and not hasattr(error, WHERE):
                # the innermost call tags first: nested schemas are checked by recursion
                setattr(error, WHERE, (tuple(node.parts), suffix))
            yield error

    def __init__(self: Any, registry: Any) -> None:
        cls.__init__(self, registry)
        self.visited_schema_ids = _IdSet()
        self.meta_checked_schema_ids = _IdSet()

    members: dict[str, Any] = {"__call__": __call__}
    if issubclass(cls, SchemaValidator):
        members["__init__"] = __init__
    located: type[KeywordValidator] = type(cls.__name__, (cls,), members)
    return located


class _IdSet(set[int]):
    """The library's bookkeeping of schema ids, kept in lists it only appends to and tests
    membership in (once per schema: quadratic in a big document); a set answers the same.
    """

    append = set.add
