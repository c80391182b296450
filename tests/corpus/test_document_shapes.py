"""Shapes of large public documents the corpus holds too little of, built here: ``allOf``
layering (compact, base, full), ``nullable`` everywhere (3.0) or ``null`` in type arrays (3.1),
a thousand ``anyOf`` expandable fields (an id, or the object when expanded), and lowercase
``4xx`` response keys. Each document generates with every operation and schema, imports,
reads a sample payload into the right classes, and passes ``mypy --strict``."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from clientgen import import_client

from generator.build import build_spec
from generator.diagnostics import Diagnostics
from generator.loader import load_documents
from generator.render import render

RESOURCES = 40
EXPANDABLE = 25  # expandable fields per resource: a thousand in all


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def shaped_document(version: str) -> dict[str, Any]:
    """An API of ``RESOURCES`` resources, each a Compact, Base and full schema layered with
    ``allOf``, a create request extending Base, and five operations."""

    def nullable(schema: dict[str, Any]) -> dict[str, Any]:
        if version.startswith("3.0"):
            return {**schema, "nullable": True}
        if "type" in schema:
            return {**schema, "type": [schema["type"], "null"]}
        return {"anyOf": [schema, {"type": "null"}]}

    def expandable(target: str) -> dict[str, Any]:
        either = {"anyOf": [{"type": "string", "maxLength": 5000}, ref(target)]}
        return nullable(either) if version.startswith("3.0") else either

    errors = {"$ref": "#/components/responses/Error"}
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "properties": {"message": nullable({"type": "string"})},
        }
    }
    paths: dict[str, Any] = {}
    for i in range(RESOURCES):
        name, other = f"Resource{i}", f"Resource{(i + 1) % RESOURCES}"
        schemas[f"{name}Compact"] = {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string"},
                "resource_type": {"type": "string", "enum": [name.lower()]},
                "name": nullable({"type": "string"}),
            },
        }
        schemas[f"{name}Base"] = {
            "allOf": [
                ref(f"{name}Compact"),
                {
                    "type": "object",
                    "properties": {
                        "created_at": nullable(
                            {"type": "string", "format": "date-time"}
                        ),
                        "tags": nullable(
                            {"type": "array", "items": {"type": "string"}}
                        ),
                        "notes": nullable({"type": "string"}),
                    },
                },
            ]
        }
        own = {
            f"link{k}": expandable(other if k % 2 else name) for k in range(EXPANDABLE)
        }
        own["metadata"] = nullable(
            {"type": "object", "additionalProperties": {"type": "string"}}
        )
        schemas[name] = {
            "allOf": [ref(f"{name}Base"), {"type": "object", "properties": own}]
        }
        schemas[f"{name}Request"] = {
            "allOf": [ref(f"{name}Base"), {"type": "object", "required": ["name"]}]
        }
        list_schema = {
            "type": "object",
            "properties": {
                "data": {"type": "array", "items": ref(name)},
                "next_page": nullable({"type": "string"}),
            },
        }

        def answer(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
            content = {"application/json": {"schema": schema}}
            ok = {status: {"description": "OK", "content": content}}
            return {**ok, "4xx": errors, "5XX": errors, "default": errors}

        body = {"content": {"application/json": {"schema": ref(f"{name}Request")}}}
        segment, item = f"/resources{i}", f"/resources{i}/{{id}}"
        id_param = {
            "name": "id",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
        }
        paths[segment] = {
            "get": {"operationId": f"list{name}", "responses": answer(list_schema)},
            "post": {
                "operationId": f"create{name}",
                "requestBody": body,
                "responses": answer(ref(name), "201"),
            },
        }
        paths[item] = {
            "parameters": [id_param],
            "get": {"operationId": f"get{name}", "responses": answer(ref(name))},
            "patch": {
                "operationId": f"update{name}",
                "requestBody": body,
                "responses": answer(ref(name)),
            },
            "delete": {
                "operationId": f"delete{name}",
                "responses": {"204": {"description": "gone"}, "4xx": errors},
            },
        }
    return {
        "openapi": version,
        "info": {"title": f"shapes {version}", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                "Error": {
                    "description": "error",
                    "content": {"application/json": {"schema": ref("Error")}},
                }
            },
        },
    }


@pytest.mark.slow
@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_large_document_of_other_shapes_generates_whole(
    tmp_path: Path, version: str
) -> None:
    package = "shapes_" + version.replace(".", "_")
    spec_path = tmp_path / "shapes.json"
    spec_path.write_text(json.dumps(shaped_document(version)))
    diags = Diagnostics()
    docs = load_documents(spec_path, diags)
    assert docs is not None
    spec = build_spec(docs, diags, package)
    assert not diags.items, [str(d) for d in diags.items]
    assert spec.operations_total == 5 * RESOURCES
    assert sum(len(api.operations) for api in spec.apis) == spec.operations_total
    assert spec.schemas_generated == spec.schemas_total == 4 * RESOURCES + 1
    assert spec.any_fields == 0
    for relative, text in render(spec).items():
        target = tmp_path / "out" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    client = import_client(tmp_path / "out", package)
    for module in pkgutil.walk_packages(client.__path__, f"{package}."):
        importlib.import_module(module.name)
    models = importlib.import_module(f"{package}.models")
    payload = {
        "id": "r0",
        "resource_type": "resource0",
        "name": None,
        "link0": "r0",  # not expanded: its id
        "link1": {"id": "r1", "created_at": "2024-01-01T00:00:00Z", "link0": "r1"},
        "metadata": None,
    }
    resource = models.Resource0.model_validate(payload)
    assert resource.link0 == "r0" and resource.name is None
    assert type(resource.link1).__name__ == "Resource1"
    assert resource.link1.created_at.year == 2024

    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", package],
        cwd=tmp_path / "out",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
