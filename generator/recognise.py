"""What a document is, told before anything reads it as OpenAPI.

oapigen reads OpenAPI 3.0 and 3.1 documents and Swagger 2.0 ones (converted on load, see
``swagger.py``). Anything else, an AsyncAPI document, a JSON Schema, a fragment that states no
version, a document without ``info`` or with nothing to generate from, gets one error saying
what it is, and exit 1, rather than a package with nothing in it.
"""

from __future__ import annotations

from typing import Any

from generator.diagnostics import Diagnostics
from generator.validate import check_version

#: Top-level keywords of a JSON Schema, of which an OpenAPI document has none.
_JSON_SCHEMA_KEYS = (
    "$schema",
    "$defs",
    "type",
    "properties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
)
_READS = "oapigen reads OpenAPI 3.0 and 3.1, and Swagger 2.0"


def recognised(data: Any, diags: Diagnostics) -> bool:
    """Whether ``data`` (the root document) is an OpenAPI or Swagger 2.0 document that describes
    something; an error says what it is otherwise."""
    if not isinstance(data, dict):
        return check_version(data, diags)
    if "asyncapi" in data:
        diags.error(
            "#/asyncapi",
            f"an AsyncAPI {_shown(data['asyncapi'])} document, not an OpenAPI one: {_READS}",
        )
        return False
    if "openapi" in data and "swagger" in data:
        diags.error(
            "#",
            "the document states both `openapi` and `swagger`: keep the one of the version "
            "it is written in",
        )
        return False
    if "openapi" not in data and "swagger" not in data:
        if any(key in data for key in _JSON_SCHEMA_KEYS) and "paths" not in data:
            diags.error(
                "#",
                f"a JSON Schema, not an OpenAPI document: {_READS} (a schema goes under "
                "`components/schemas` of one)",
            )
        else:
            diags.error(
                "#",
                "not an OpenAPI document: no `openapi` field states its version "
                '(`swagger: "2.0"` for Swagger 2.0)',
            )
        return False
    if not check_version(data, diags):
        return False
    if data.get("info") is None:
        diags.error(
            "#", "not an OpenAPI document: no `info` (the API's title and version)"
        )
        return False
    sections = (
        ("paths", "definitions")
        if "swagger" in data
        else ("paths", "webhooks", "components")
    )
    if all(data.get(key) is None for key in sections):
        listed = ", ".join(f"`{key}`" for key in sections[:-1])
        diags.error(
            "#",
            f"nothing to generate: the document has no {listed} or `{sections[-1]}`",
        )
        return False
    return True


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 20 else text[:19] + "…"
