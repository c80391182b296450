"""Input documents the measurements need but nobody ships: a spec N times larger, and the
same spec with one schema edited.

Both are written to a temporary folder of the run, never into the repository.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from generator.methods import path_operations

_SECTIONS = (
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "links",
    "callbacks",
    "pathItems",
)


def load(path: Path) -> dict[str, Any]:
    """The document as plain data (the C loader when there is one: the OpenAI spec is 3 MB)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        doc = json.loads(text)
    else:
        doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(doc, dict):
        raise ValueError(f"{path.name} is not an OpenAPI document")
    return doc


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _rename_ref(ref: str, copy: int) -> str:
    """Point a local ``$ref`` at the copy's own component or path item."""
    parts = ref.split("/")
    if len(parts) >= 4 and parts[:2] == ["#", "components"] and parts[2] in _SECTIONS:
        parts[3] += f"Copy{copy}"
    elif len(parts) >= 3 and parts[:2] == ["#", "paths"]:
        parts[2] = _escape(f"/copy{copy}") + parts[2]
    return "/".join(parts)


def _rewrite(node: Any, copy: int) -> Any:
    """A deep copy of ``node`` whose references and discriminator mappings point into copy."""
    if isinstance(node, list):
        return [_rewrite(item, copy) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#/"):
            out[key] = _rename_ref(value, copy)
        elif key == "mapping" and isinstance(value, dict):
            out[key] = {
                k: _rename_ref(v, copy) if v.startswith("#/") else f"{v}Copy{copy}"
                for k, v in value.items()
            }
        else:
            out[key] = _rewrite(value, copy)
    return out


def _retag(path_item: dict[str, Any], copy: int) -> None:
    """New operationIds and tags, so each copy is a separate set of methods and API classes."""
    for found in path_operations(path_item):
        op = found.node
        if "operationId" in op:
            op["operationId"] = f"{op['operationId']}Copy{copy}"
        if "tags" in op:
            op["tags"] = [f"{tag} copy{copy}" for tag in op["tags"]]


def replicate(doc: dict[str, Any], factor: int) -> dict[str, Any]:
    """The document with its operations, webhooks and components present ``factor`` times,
    each copy under new names (paths under ``/copyN``, names suffixed ``CopyN``) and its
    references rewritten, so the copies are independent and the result is valid."""
    out = dict(doc)
    paths = dict(doc.get("paths") or {})
    webhooks = dict(doc.get("webhooks") or {})
    components = {k: dict(v) for k, v in (doc.get("components") or {}).items()}
    tags = list(doc.get("tags") or [])
    for copy in range(2, factor + 1):
        for path, item in (doc.get("paths") or {}).items():
            new = _rewrite(item, copy)
            _retag(new, copy)
            paths[f"/copy{copy}{path}"] = new
        for name, item in (doc.get("webhooks") or {}).items():
            new = _rewrite(item, copy)
            _retag(new, copy)
            webhooks[f"{name}Copy{copy}"] = new
        for section in _SECTIONS:
            for name, item in (
                (doc.get("components") or {}).get(section) or {}
            ).items():
                components[section][f"{name}Copy{copy}"] = _rewrite(item, copy)
        for tag in doc.get("tags") or []:
            tags.append({**tag, "name": f"{tag['name']} copy{copy}"})
    out["paths"] = paths
    if webhooks:
        out["webhooks"] = webhooks
    if components:
        out["components"] = components
    if tags:
        out["tags"] = tags
    return out


def write_json(doc: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # YAML's unquoted dates load as date objects; in JSON they are the strings they spelled.
    text = json.dumps(doc, ensure_ascii=False, default=str)
    path.write_text(text, encoding="utf-8")
    return path


def edit_schema_description(text: str, schema: str, revision: int) -> str:
    """The YAML text with one schema's description changed and every other byte kept.

    Works on the text rather than on loaded data so that only that one schema differs:
    re-dumping the document would change its layout everywhere.
    """
    header = re.search(rf"^( +){re.escape(schema)}:[ \t]*$", text, re.MULTILINE)
    if header is None:
        raise ValueError(f"schema {schema} not found")
    indent = len(header.group(1)) + 2
    line = re.compile(rf"^ {{{indent}}}description: ?(?=[A-Za-z])", re.MULTILINE)
    found = line.search(text, header.end())
    end = re.compile(rf"^ {{0,{indent - 2}}}\S", re.MULTILINE).search(
        text, header.end()
    )
    if found is None or (end is not None and found.start() > end.start()):
        raise ValueError(f"schema {schema} has no plain one-line description to edit")
    return (
        text[: found.end()] + f"Benchmark revision {revision}. " + text[found.end() :]
    )
