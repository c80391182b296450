"""Validation against the OpenAPI specification, with openapi-spec-validator's rules.

The version decides the validator class (OpenAPI 3.0.x, 3.1.x or 3.2.x, Swagger 2.0); a
document of another version, or none, is an error. Every complaint becomes a warning at the
JSON pointer of the node
it is about: the generator reports an error itself where it cannot build (DESIGN.md,
"Diagnostics"). Nothing the validator raises escapes.

Two implementations of the same rules answer, with the same diagnostics (levels, pointers,
messages, order; ``tests/unit/test_validator_parity.py`` compares them):

- openapi-spec-validator-rs, a Rust port of openapi-spec-validator with the same API and a
  hundred times faster, where it is installed (``generator.validate_port``);
- openapi-spec-validator itself, the reference (``generator.validate_reference``): where the
  port is missing, where ``OAPIGEN_VALIDATOR=reference`` asks for it, and for every document
  whose answer from the port cannot be vouched for (``validate_port`` says which).
"""

from __future__ import annotations

import ast
import os
import re
import reprlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from generator.diagnostics import Diagnostics
from generator.loader import (
    Document,
    DocumentSet,
    collect_documents,
    pointer,
    split_pointer,
)
from generator.refs import resolve

#: ``OAPIGEN_VALIDATOR=reference`` runs openapi-spec-validator itself, never its port.
VALIDATOR_VARIABLE = "OAPIGEN_VALIDATOR"
#: The attribute that tags an error of the second pass with the node it is about: the
#: node's path from the root as the library walks it, and a suffix (``default``) inside it.
WHERE = "_oapigen_where"

_OAS30 = re.compile(r"3\.0(\.\d+)?(-.+)?")
_OAS31 = re.compile(r"3\.1(\.\d+)?(-.+)?")
_OAS32 = re.compile(r"3\.2(\.\d+)?(-.+)?")
_MAX_MESSAGE = 300

BestMatch = Callable[[Iterable[Any]], Any]


def validate_document(
    doc: Document, diags: Diagnostics, *, docs: DocumentSet | None = None
) -> None:
    """Check ``doc`` against its OpenAPI version's rules.

    ``docs`` (from ``load_documents``) serves the files ``doc`` refers to; without it they are
    read again from disk (their problems are the loader's to report).
    """
    name = _validator_class(doc.data, diags)
    if name is None:
        return
    docs = docs or collect_documents(doc, Diagnostics())
    found = None
    if os.environ.get(VALIDATOR_VARIABLE, "") != "reference":
        from generator import validate_port

        found = validate_port.findings(name, docs)
    if found is None:
        from generator import validate_reference

        found = validate_reference.findings(name, docs)
    for where, message in found:
        diags.warning(where, message)


def check_version(data: Any, diags: Diagnostics) -> bool:
    """Whether the document is OpenAPI 3.0, 3.1 or 3.2, or Swagger 2.0; an error says what it
    is otherwise. Run before anything else looks at a document."""
    return _validator_class(data, diags) is not None


def _validator_class(data: Any, diags: Diagnostics) -> str | None:
    """The name of the validator class for the document's version, the same in
    openapi-spec-validator and its port; None (with an error) when there is none."""
    if not isinstance(data, dict):
        diags.error("#", "not an OpenAPI document: the top level is not a mapping")
        return None
    if "openapi" not in data:
        if str(data.get("swagger")) == "2.0":
            return "OpenAPIV2SpecValidator"
        if "swagger" in data:
            diags.error(
                "#/swagger",
                f"unsupported Swagger version {str(data['swagger'])!r}: oapigen reads "
                "Swagger 2.0, and OpenAPI 3.0.x and 3.1.x",
            )
        else:
            diags.error("#", "not an OpenAPI document: no `openapi` field")
        return None
    version = str(data["openapi"])
    if _OAS30.fullmatch(version):
        return "OpenAPIV30SpecValidator"
    if _OAS31.fullmatch(version):
        return "OpenAPIV31SpecValidator"
    if _OAS32.fullmatch(version):
        return "OpenAPIV32SpecValidator"
    diags.error(
        "#/openapi",
        f"unsupported OpenAPI version {version!r}: oapigen reads 3.0.x, 3.1.x and 3.2.x",
    )
    return None


def describe(error: Any, docs: DocumentSet, best_match: BestMatch) -> tuple[str, str]:
    """Where an error is (a JSON pointer into the document that holds the node) and a
    one-line message; ``best_match`` picks among the sub-errors of ``anyOf`` and ``oneOf``.
    """
    best = _best(error, best_match)
    parts, suffix = getattr(error, WHERE, ((), ()))
    where = _locate(docs, parts, (*suffix, *best.absolute_path))
    return where, _message(best)


def _best(error: Any, best_match: BestMatch) -> Any:
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
    return _best(best_match(helpful) or error, best_match)


def _locate(docs: DocumentSet, parts: Sequence[Any], inner: tuple[Any, ...]) -> str:
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


def _message(error: Any) -> str:
    """The validator's message with a huge instance dump cut down, on one line."""
    message = str(error.message)
    if type(error).__name__ == "ExtraParametersError":
        message = _sorted_names(message)
    shown = repr(error.instance)
    if len(shown) > 60 and shown in message:
        message = message.replace(shown, _short_repr(error.instance), 1)
    return one_line(message)


def _sorted_names(message: str) -> str:
    """ "Required list has not defined properties: [...]" with the names sorted: both
    validators list them in the order of a set, which changes from run to run."""
    head, colon, names = message.partition(": [")
    try:
        listed = ast.literal_eval("[" + names) if colon else None
    except (ValueError, SyntaxError):
        listed = None
    if not isinstance(listed, list) or not all(isinstance(n, str) for n in listed):
        return message
    return f"{head}: {sorted(listed)!r}"


def _short_repr(value: Any) -> str:
    short = reprlib.Repr()
    short.maxlevel = 2
    short.maxdict = short.maxlist = 3
    short.maxstring = short.maxother = 40
    return short.repr(value)


def one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"
