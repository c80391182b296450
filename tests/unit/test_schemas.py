"""Schemas to types: one case per JSON Schema form, checked on the annotations it produces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Diagnostics
from generator.ir import Model
from generator.loader import load_documents
from generator.parse.schemas import SchemaBuilder


def build(
    tmp_path: Path, schemas: dict[str, Any], **extra: Any
) -> tuple[dict[str, Model], Diagnostics]:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
        **extra,
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document))
    diags = Diagnostics()
    docs = load_documents(path, diags)
    assert docs is not None
    builder = SchemaBuilder(docs, diags)
    builder.build_components()
    models = builder.models(set(builder.drafts))
    return {m.name: m for m in models}, diags


def field_annotation(models: dict[str, Model], model: str, field: str) -> str:
    return next(f.annotation for f in models[model].fields if f.wire_name == field)


def holder(prop: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"x": prop},
        "required": ["x"] if required else [],
    }


@pytest.mark.parametrize(
    ("name", "prop", "want"),
    [
        ("string", {"type": "string"}, "str"),
        ("date-time", {"type": "string", "format": "date-time"}, "_dt.datetime"),
        ("date", {"type": "string", "format": "date"}, "_dt.date"),
        ("uuid", {"type": "string", "format": "uuid"}, "_uuid.UUID"),
        ("byte is base64 text", {"type": "string", "format": "byte"}, "str"),
        ("int64", {"type": "integer", "format": "int64"}, "int"),
        ("unixtime", {"type": "integer", "format": "unixtime"}, "int"),
        ("number", {"type": "number"}, "float"),
        ("boolean", {"type": "boolean"}, "bool"),
        ("empty schema", {}, "Any"),
        ("3.1 nullable", {"type": ["string", "null"]}, "str | None"),
        ("3.0 nullable", {"type": "string", "nullable": True}, "str | None"),
        ("type list", {"type": ["string", "integer"]}, "str | int"),
        (
            "open enum",
            {"type": "string", "enum": ["a", "b"]},
            'Annotated[Literal["a", "b"], KEEP_UNKNOWN]'.replace('"', "'"),
        ),
        ("const", {"const": "x"}, "Literal['x']"),
        (
            "nullable enum",
            {"type": ["string", "null"], "enum": ["a", "b", None]},
            "Annotated[Literal['a', 'b'], KEEP_UNKNOWN] | None",
        ),
        (
            "integer enum",
            {"type": "integer", "enum": [1, 2]},
            "Annotated[Literal[1, 2], KEEP_UNKNOWN]",
        ),
        ("array", {"type": "array", "items": {"type": "integer"}}, "list[int]"),
        (
            "map",
            {"type": "object", "additionalProperties": {"type": "integer"}},
            "dict[str, int]",
        ),
        ("free object", {"type": "object"}, "dict[str, Any]"),
        ("anyOf", {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "str | int"),
        (
            "anyOf with null",
            {"anyOf": [{"$ref": "#/components/schemas/Other"}, {"type": "null"}]},
            "Other | None",
        ),
        (
            "ref with nullable sibling",
            {"$ref": "#/components/schemas/Other", "nullable": True},
            "Other | None",
        ),
        (
            "inline object",
            {"type": "object", "properties": {"y": {"type": "string"}}},
            "HolderX",
        ),
        (
            "array of inline objects",
            {"type": "array", "items": {"type": "object", "properties": {"y": {}}}},
            "list[HolderXItem]",
        ),
    ],
)
def test_property_types(
    tmp_path: Path, name: str, prop: dict[str, Any], want: str
) -> None:
    other = {"type": "object", "properties": {"id": {"type": "string"}}}
    models, diags = build(tmp_path, {"Holder": holder(prop), "Other": other})
    assert field_annotation(models, "Holder", "x") == want, name
    assert not [d for d in diags.items if d.level == "error"]


def test_discriminated_union_without_mapping(tmp_path: Path) -> None:
    cat = {
        "type": "object",
        "properties": {"kind": {"type": "string", "enum": ["cat"]}},
        "required": ["kind"],
    }
    dog = {
        "type": "object",
        "properties": {"kind": {"type": "string", "enum": ["dog"]}},
        "required": ["kind"],
    }
    pet = {
        "oneOf": [
            {"$ref": "#/components/schemas/Cat"},
            {"$ref": "#/components/schemas/Dog"},
        ],
        "discriminator": {"propertyName": "kind"},
    }
    models, _ = build(tmp_path, {"Cat": cat, "Dog": dog, "Pet": pet})
    assert models["Pet"].kind == "alias"
    assert (
        models["Pet"].alias_annotation
        == "Annotated[Cat | Dog, Field(discriminator='kind')]"
    )


def test_shared_tag_value_falls_back_to_a_plain_union(tmp_path: Path) -> None:
    def variant(role: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"type": {"enum": ["message"]}, "role": {"enum": [role]}},
            "required": ["type", "role"],
        }

    union = {
        "oneOf": [
            {"$ref": "#/components/schemas/A"},
            {"$ref": "#/components/schemas/B"},
        ],
        "discriminator": {"propertyName": "type"},
    }
    models, _ = build(
        tmp_path, {"A": variant("user"), "B": variant("system"), "U": union}
    )
    assert models["U"].alias_annotation == "A | B"


def test_all_of_merges_properties_and_required_and_nullability(tmp_path: Path) -> None:
    base = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": ["integer", "null"]}},
        "required": ["a"],
    }
    child = {
        "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {
                "type": "object",
                "properties": {"b": {"type": "integer"}, "c": {"type": "boolean"}},
                "required": ["c"],
            },
        ]
    }
    models, _ = build(tmp_path, {"Base": base, "Child": child})
    fields = {f.wire_name: f for f in models["Child"].fields}
    assert list(fields) == ["a", "b", "c"]
    assert fields["a"].required and fields["c"].required and not fields["b"].required
    assert fields["b"].annotation == "int | None"


def test_recursive_models_refer_to_themselves(tmp_path: Path) -> None:
    node = {
        "type": "object",
        "properties": {
            "children": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Node"},
            }
        },
    }
    models, _ = build(tmp_path, {"Node": node})
    assert field_annotation(models, "Node", "children") == "list[Node]"


def test_names_that_would_collide_are_kept_apart(tmp_path: Path) -> None:
    obj = {"type": "object", "properties": {"id": {"type": "string"}}}
    models, _ = build(tmp_path, {"Error": obj, "Error-2": obj, "error": obj})
    assert {m.name for m in models.values()} == {"Error", "Error2", "Error3"}
    assert len({m.module.lower() for m in models.values()}) == 3


def test_field_names_are_cleaned_and_wire_names_kept(tmp_path: Path) -> None:
    props = {
        "class": {},
        "model_config": {},
        "json": {},
        "my-field": {},
        "200": {},
        "object": {},
    }
    models, _ = build(tmp_path, {"M": {"type": "object", "properties": props}})
    names = {f.wire_name: f.name for f in models["M"].fields}
    assert names == {
        "class": "class_",
        "model_config": "model_config_",
        "json": "json_",
        "my-field": "my_field",
        "200": "field_200",
        "object": "object",
    }
    assert models["M"].param_functional


def test_dangling_reference_is_reported_at_its_use(tmp_path: Path) -> None:
    models, diags = build(
        tmp_path, {"M": holder({"$ref": "#/components/schemas/Missing"})}
    )
    assert [d.pointer for d in diags.items if d.level == "error"] == [
        "#/components/schemas/M/properties/x"
    ]
