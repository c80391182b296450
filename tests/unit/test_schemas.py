"""Schemas to types: one case per JSON Schema form, checked on the annotations it produces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Diagnostics
from generator.ir import Model
from generator.loader import load_documents
from generator.parse.schemas import MAX_NESTING, SchemaBuilder


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
    return build_file(path)


def build_file(path: Path) -> tuple[dict[str, Model], Diagnostics]:
    diags = Diagnostics()
    docs = load_documents(path, diags)
    assert docs is not None
    builder = SchemaBuilder(docs, diags)
    builder.build_components()
    models = builder.models(set(builder.drafts))
    return {m.name: m for m in models}, diags


def field_annotation(models: dict[str, Model], model: str, field: str) -> str:
    return next(f.annotation for f in models[model].fields if f.wire_name == field)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


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
            "single-valued enum keeps unknown values",
            {"type": "string", "enum": ["x"]},
            "Annotated[Literal['x'], KEEP_UNKNOWN]",
        ),
        (
            "x-stainless-const enum is a constant",
            {"type": "string", "enum": ["x"], "x-stainless-const": True},
            "Literal['x']",
        ),
        (
            "number enum widens to float",
            {"type": "number", "enum": [1.5, 2]},
            "Annotated[Literal[2], KEEP_UNKNOWN] | float",
        ),
        ("object const", {"const": {"a": 1}, "type": "object"}, "dict[str, Any]"),
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
        (
            "base64 content is bytes",
            {"type": "string", "contentEncoding": "base64"},
            "Annotated[bytes, BASE64]",
        ),
        ("binary content", {"type": "string", "contentEncoding": "binary"}, "bytes"),
        (
            "binary media type",
            {"type": "string", "contentMediaType": "image/png"},
            "bytes",
        ),
        (
            "text media type stays text",
            {"type": "string", "contentMediaType": "application/json"},
            "str",
        ),
        (
            "prefixItems of a fixed length are a tuple",
            {
                "type": "array",
                "prefixItems": [{"type": "number"}, {"type": "string"}],
                "items": False,
                "minItems": 2,
            },
            "tuple[float, str]",
        ),
        (
            "prefixItems and items: a list of either",
            {
                "type": "array",
                "prefixItems": [ref("Other")],
                "items": {"type": "string"},
            },
            "list[Other | str]",
        ),
        (
            "prefixItems alone: a list of what they list",
            {"type": "array", "prefixItems": [{"type": "string"}]},
            "list[str]",
        ),
        (
            "items as a list (older drafts)",
            {"type": "array", "items": [ref("Other"), {"type": "integer"}]},
            "list[Other | int]",
        ),
        ("const beyond 64 bits is an int", {"const": 18446744073709551615}, "int"),
        (
            "enum beyond 64 bits adds int",
            {"enum": [1, -(2**63)]},
            "Annotated[Literal[1], KEEP_UNKNOWN] | int",
        ),
        (
            "patternProperties type a map's values",
            {"type": "object", "patternProperties": {"^x-": {"type": "integer"}}},
            "dict[str, int]",
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


def variant(tag: str, value: str, required: bool = True) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {tag: {"type": "string", "enum": [value]}},
        "required": [tag] if required else [],
    }


TAGGED = (
    "Annotated[Annotated[Cat, Tag('Cat')] | Annotated[Dog, Tag('Dog')] | "
    "Annotated[Cat | Dog | UnknownVariant, Tag('*')] | "
    "Annotated[UnknownVariant, Tag('?')], "
    "Discriminator(discriminate('kind', {{{tags}}}))]"
)


@pytest.mark.parametrize(
    ("name", "schemas", "want"),
    [
        (
            "tags inferred from each variant's enum",
            {"Cat": variant("kind", "cat"), "Dog": variant("kind", "dog")},
            TAGGED.format(tags="'cat': 'Cat', 'dog': 'Dog'"),
        ),
        (
            "an optional tag property still tags",
            {"Cat": variant("kind", "cat", False), "Dog": variant("kind", "dog")},
            TAGGED.format(tags="'cat': 'Cat', 'dog': 'Dog'"),
        ),
        (
            "the implicit mapping: schema names",
            {
                "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
                "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}},
            },
            TAGGED.format(tags="'Cat': 'Cat', 'Dog': 'Dog'"),
        ),
        (
            "a shared value goes to the choice that tries each variant",
            {"Cat": variant("kind", "pet"), "Dog": variant("kind", "pet")},
            TAGGED.format(tags="'pet': '*'"),
        ),
    ],
)
def test_discriminated_unions(
    tmp_path: Path, name: str, schemas: dict[str, Any], want: str
) -> None:
    pet = {"oneOf": [ref("Cat"), ref("Dog")], "discriminator": {"propertyName": "kind"}}
    models, _ = build(tmp_path, {**schemas, "Pet": pet})
    assert models["Pet"].kind == "alias", name
    assert models["Pet"].alias_annotation == want, name


def test_discriminator_mapping_wins(tmp_path: Path) -> None:
    pet = {
        "oneOf": [ref("Cat"), ref("Dog")],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"feline": "#/components/schemas/Cat", "canine": "Dog"},
        },
    }
    schemas = {"Cat": variant("kind", "cat"), "Dog": variant("kind", "dog"), "Pet": pet}
    models, _ = build(tmp_path, schemas)
    assert models["Pet"].alias_annotation == TAGGED.format(
        tags="'feline': 'Cat', 'canine': 'Dog'"
    )


def test_inline_tagged_union_is_named_and_referred_to_by_name(tmp_path: Path) -> None:
    prop = {
        "oneOf": [ref("Cat"), ref("Dog")],
        "discriminator": {"propertyName": "kind"},
    }
    schemas = {
        "Cat": variant("kind", "cat"),
        "Dog": variant("kind", "dog"),
        "Holder": holder(prop),
    }
    models, _ = build(tmp_path, schemas)
    assert field_annotation(models, "Holder", "x") == "HolderX"
    assert models["HolderX"].kind == "alias"
    assert models["HolderX"].has_param  # requests refer to it by name too
    assert models["HolderX"].param_alias_annotation == "CatParam | DogParam"


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


def test_recursive_alias_is_referred_to_by_name(tmp_path: Path) -> None:
    tree = {"type": "object", "additionalProperties": ref("Tree")}
    models, diags = build(tmp_path, {"Tree": tree})
    assert models["Tree"].alias_annotation == "dict[str, Tree]"
    assert not diags.items


def test_model_named_like_its_neighbours_param(tmp_path: Path) -> None:
    obj = {"type": "object", "properties": {"id": {"type": "string"}}}
    models, _ = build(tmp_path, {"FunctionTool": obj, "FunctionToolParam": obj})
    assert models["FunctionTool"].param_name == "FunctionToolParam2"
    # a name already ending in Param: its request form ends in Dict, not ParamParam
    assert models["FunctionToolParam"].param_name == "FunctionToolParamDict"


@pytest.mark.parametrize(
    ("name", "prop", "required", "want"),
    [
        ("optional", {"type": "string"}, False, ("str | None", "None")),
        ("required", {"type": "string"}, True, ("str", None)),
        (
            "required nullable",
            {"type": ["string", "null"]},
            True,
            ("str | None", "None"),
        ),
        ("default", {"type": "string", "default": "auto"}, False, ("str", "'auto'")),
        (
            "enum default",
            {"enum": ["a", "b"], "default": "b"},
            False,
            ("Annotated[Literal['a', 'b'], KEEP_UNKNOWN]", "'b'"),
        ),
        (
            "default of another type is left out",
            {"type": "string", "default": 3},
            False,
            ("str | None", "None"),
        ),
        (
            "list default is left out",
            {"type": "array", "default": []},
            False,
            ("list[Any] | None", "None"),
        ),
        (
            "infinity",
            {"type": "number", "default": float("inf")},
            False,
            ("float", 'float("inf")'),
        ),
        (
            "not a number",
            {"type": "number", "default": float("nan")},
            False,
            ("float", 'float("nan")'),
        ),
        (
            "date",
            {"type": "string", "format": "date", "default": "2024-02-29"},
            False,
            ("_dt.date", "_dt.date(2024, 2, 29)"),
        ),
        (
            "date-time",
            {
                "type": "string",
                "format": "date-time",
                "default": "2024-02-29T10:00:00Z",
            },
            False,
            (
                "_dt.datetime",
                "_dt.datetime(2024, 2, 29, 10, 0, 0, 0, tzinfo=_dt.timezone.utc)",
            ),
        ),
        (
            "date-time with an offset",
            {
                "type": "string",
                "format": "date-time",
                "default": "2024-01-01T00:00:00-01:30",
            },
            False,
            (
                "_dt.datetime",
                "_dt.datetime(2024, 1, 1, 0, 0, 0, 0, "
                "tzinfo=_dt.timezone(_dt.timedelta(seconds=-5400)))",
            ),
        ),
        (
            "uuid",
            {
                "type": "string",
                "format": "uuid",
                "default": "3FA85F64-5717-4562-B3FC-2C963F66AFA6",
            },
            False,
            ("_uuid.UUID", "_uuid.UUID('3fa85f64-5717-4562-b3fc-2c963f66afa6')"),
        ),
        ("untyped", {"default": 3}, False, ("Any", "3")),
        (
            "a date default that is not a date is left out",
            {"type": "string", "format": "date", "default": "soon"},
            False,
            ("_dt.date | None", "None"),
        ),
    ],
)
def test_defaults(
    tmp_path: Path,
    name: str,
    prop: dict[str, Any],
    required: bool,
    want: tuple[str, str | None],
) -> None:
    models, _ = build(tmp_path, {"M": holder(prop, required)})
    field = models["M"].fields[0]
    assert (field.model_annotation, field.model_default) == want, name


@pytest.mark.parametrize(
    ("file_name", "text"),
    [
        (
            "spec.yaml",
            "{a: {type: number, default: .inf}, b: {type: number, default: -.inf},"
            " c: {type: number, default: .nan}}",
        ),
        (
            "spec.json",
            '{"a": {"type": "number", "default": 1e400},'
            ' "b": {"type": "number", "default": -1e400},'
            ' "c": {"type": "number", "default": NaN}}',
        ),
    ],
)
def test_infinite_defaults_as_documents_write_them(
    tmp_path: Path, file_name: str, text: str
) -> None:
    path = tmp_path / file_name
    path.write_text(
        '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},'
        ' "components": {"schemas": {"M": {"type": "object", "properties": '
        + text
        + "}}}}"
    )
    models, _ = build_file(path)
    assert [f.model_default for f in models["M"].fields] == [
        'float("inf")',
        'float("-inf")',
        'float("nan")',
    ]


def test_additional_properties_beside_properties_type_the_extras(
    tmp_path: Path,
) -> None:
    schema = {
        "type": "object",
        "properties": {"id": {"type": "string"}},
        "additionalProperties": {"type": "integer"},
    }
    models, _ = build(tmp_path, {"M": schema})
    assert models["M"].extra_annotation == "int"


def test_read_only_and_write_only(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "password": {"type": "string", "writeOnly": True},
        },
    }
    models, _ = build(tmp_path, {"M": schema})
    fields = {f.wire_name: f for f in models["M"].fields}
    assert fields["id"].read_only and fields["password"].write_only


def test_duplicate_field_names_get_suffixes(tmp_path: Path) -> None:
    props = {"foo bar": {}, "foo-bar": {}, "foo_bar": {}}
    models, _ = build(tmp_path, {"M": {"type": "object", "properties": props}})
    assert [f.name for f in models["M"].fields] == ["foo_bar", "foo_bar_2", "foo_bar_3"]


def test_builtin_class_names_are_avoided(tmp_path: Path) -> None:
    obj = {"type": "object", "properties": {"id": {"type": "string"}}}
    models, _ = build(tmp_path, {"Warning": obj, "Body": obj, "TypeAlias": obj})
    # TypeAlias: what an alias module imports, reserved because imports.py may import it
    assert set(models) == {"WarningModel", "BodyModel", "TypeAliasModel"}


@pytest.mark.parametrize(
    ("name", "prop", "want"),
    [
        (
            "annotations beside $ref",
            {"$ref": "#/components/schemas/Other", "description": "d"},
            "Other",
        ),
        (
            "3.1 type list beside $ref",
            {"$ref": "#/components/schemas/Other", "type": ["object", "null"]},
            "Other | None",
        ),
        (
            "properties beside $ref merge into a model",
            {
                "$ref": "#/components/schemas/Other",
                "properties": {"extra": {"type": "integer"}},
            },
            "HolderX",
        ),
    ],
)
def test_ref_with_sibling_keywords(
    tmp_path: Path, name: str, prop: dict[str, Any], want: str
) -> None:
    other = {"type": "object", "properties": {"id": {"type": "string"}}}
    models, _ = build(tmp_path, {"Holder": holder(prop), "Other": other})
    assert field_annotation(models, "Holder", "x") == want, name


def test_inline_names_do_not_move_when_unrelated_schemas_change(tmp_path: Path) -> None:
    inline = {"type": "object", "properties": {"y": {"type": "string"}}}
    first, _ = build(tmp_path, {"A": holder(inline), "B": holder(inline)})
    unrelated = {"type": "object", "properties": {"z": {"type": "string"}}}
    second, _ = build(
        tmp_path, {"Z": holder(unrelated), "A": holder(inline), "B": holder(inline)}
    )
    assert {"AX", "BX"} <= set(first) and {"AX", "BX", "ZX"} <= set(second)


def test_external_file_reference(tmp_path: Path) -> None:
    (tmp_path / "pet.json").write_text(
        json.dumps({"type": "object", "properties": {"name": {"type": "string"}}})
    )
    models, diags = build(tmp_path, {"Holder": holder({"$ref": "pet.json"})})
    assert field_annotation(models, "Holder", "x") == "Pet"
    assert not [d for d in diags.items if d.level == "error"]


def test_a_deep_all_of_chain_keeps_every_inherited_field(tmp_path: Path) -> None:
    schemas: dict[str, Any] = {"L0": holder({"type": "string"})}
    for i in range(1, 34):
        own = {"type": "object", "properties": {f"f{i}": {"type": "integer"}}}
        schemas[f"L{i}"] = {"allOf": [ref(f"L{i - 1}"), own]}
    models, _ = build(tmp_path, schemas)
    assert [f.wire_name for f in models["L33"].fields] == ["x"] + [
        f"f{i}" for i in range(1, 34)
    ]


def test_an_all_of_cycle_is_merged_once(tmp_path: Path) -> None:
    a = {"allOf": [ref("B"), {"properties": {"a": {"type": "string"}}}]}
    b = {"allOf": [ref("A"), {"properties": {"b": {"type": "string"}}}]}
    models, _ = build(tmp_path, {"A": a, "B": b})
    assert [f.wire_name for f in models["A"].fields] == ["b", "a"]


def test_a_long_chain_of_references_through_properties_is_built(tmp_path: Path) -> None:
    schemas = {f"S{i}": holder(ref(f"S{i + 1}"), required=False) for i in range(300)}
    schemas["S300"] = holder({"type": "string"})
    models, diags = build(tmp_path, schemas)
    assert [field_annotation(models, f"S{i}", "x") for i in (0, 150, 299)] == [
        "S1",
        "S151",
        "S300",
    ]
    # generated, with a warning: pydantic builds 301 nested models by recursion
    assert [(d.pointer, d.message.split(",")[0]) for d in diags.items] == [
        ("#/components/schemas/S0", "301 models nest one in the next from S0")
    ]


def test_an_inline_schema_nested_too_deep_is_any_with_a_warning(tmp_path: Path) -> None:
    deep: dict[str, Any] = {"type": "string"}
    for _ in range(MAX_NESTING + 5):
        deep = {"type": "array", "items": deep}
    models, diags = build(tmp_path, {"M": holder(deep)})
    assert "Any" in field_annotation(models, "M", "x")
    assert [d.message for d in diags.items] == [
        f"schema nested more than {MAX_NESTING} schemas deep: typed as Any"
    ]


def subtype(base: str, **props: Any) -> dict[str, Any]:
    return {"allOf": [ref(base), {"type": "object", "properties": props}]}


@pytest.mark.parametrize(
    ("name", "mapping", "want_tags"),
    [
        (
            "implicit: each subtype's name",
            None,
            "{'Cat': 'Cat', 'Dog': 'Dog', 'Animal': 'Animal'}",
        ),
        (
            "a mapping first, the others by name",
            {"cat": "Cat"},
            "{'cat': 'Cat', 'Dog': 'Dog', 'Animal': 'Animal'}",
        ),
    ],
)
def test_a_base_with_a_discriminator_gives_its_subtypes(
    tmp_path: Path, name: str, mapping: dict[str, str] | None, want_tags: str
) -> None:
    animal: dict[str, Any] = {
        "type": "object",
        "properties": {"kind": {"type": "string"}, "name": {"type": "string"}},
        "required": ["kind"],
        "discriminator": {"propertyName": "kind"},
    }
    if mapping:
        animal["discriminator"]["mapping"] = mapping
    schemas = {
        "Animal": animal,
        "Cat": subtype("Animal", meow={"type": "boolean"}),
        "Dog": subtype("Animal", bark={"type": "boolean"}),
        "Owner": holder(ref("Animal")),
    }
    models, _ = build(tmp_path, schemas)
    assert field_annotation(models, "Owner", "x") == "AnimalUnion", name
    union = models["AnimalUnion"].alias_annotation
    assert union.startswith("Annotated[Annotated[Cat, Tag('Cat')] | "), name
    assert (
        "Annotated[Animal, Tag('?')]" in union
    )  # an unknown subtype reads as the base
    assert f"discriminate('kind', {want_tags})" in union, name
    assert [f.wire_name for f in models["Cat"].fields] == ["kind", "name", "meow"]


@pytest.mark.parametrize(
    ("name", "tag_schemas", "mapping", "want_table"),
    [
        (
            "integers, mapped by their text",
            ({"type": "integer", "const": 1}, {"type": "integer", "const": 2}),
            {"1": "A", "2": "B"},
            "{1: 'A', 2: 'B'}",
        ),
        (
            "booleans, mapped as Python writes them",
            ({"type": "boolean", "const": False}, {"type": "boolean", "const": True}),
            {"False": "A", "True": "B"},
            "{False: 'A', True: 'B'}",
        ),
        (
            "numbers, from each variant's constant",
            ({"type": "number", "const": 1.5}, {"type": "number", "const": 2.5}),
            None,
            "{1.5: 'A', 2.5: 'B'}",
        ),
        (
            "an integer tag without constants, from the mapping",
            ({"type": "integer"}, {"type": "integer"}),
            {"10": "A", "20": "B"},
            "{10: 'A', 20: 'B'}",
        ),
    ],
)
def test_discriminator_values_that_are_not_strings(
    tmp_path: Path,
    name: str,
    tag_schemas: tuple[dict[str, Any], dict[str, Any]],
    mapping: dict[str, str] | None,
    want_table: str,
) -> None:
    variants = {
        key: {"type": "object", "properties": {"v": tag}, "required": ["v"]}
        for key, tag in zip("AB", tag_schemas)
    }
    discriminator: dict[str, Any] = {"propertyName": "v"}
    if mapping:
        discriminator["mapping"] = mapping
    union = {"oneOf": [ref("A"), ref("B")], "discriminator": discriminator}
    models, _ = build(tmp_path, {**variants, "U": union})
    assert models["U"].alias_annotation.endswith(f"{want_table}))]"), name


def test_pattern_properties_beside_properties_type_the_extras_and_open_the_param(
    tmp_path: Path,
) -> None:
    schema = {
        "type": "object",
        "properties": {"id": {"type": "string"}},
        "patternProperties": {"^x-": {"type": "integer"}, "^n-": {"type": "number"}},
    }
    models, _ = build(tmp_path, {"M": schema, "Holder": holder(ref("M"))})
    assert models["M"].extra_annotation == "int | float"
    param = next(f for f in models["Holder"].fields if f.wire_name == "x")
    assert param.param_annotation == "MParam | Mapping[str, object]"


def test_anchors_defs_and_dynamic_references(tmp_path: Path) -> None:
    tree = {
        "$dynamicAnchor": "node",
        "type": "object",
        "properties": {
            "children": {"type": "array", "items": {"$dynamicRef": "#node"}},
            "meta": {"$ref": "#/components/schemas/Tree/$defs/Meta"},
            "leaf": {"$ref": "#leaf"},
        },
        "$defs": {
            "Meta": {"type": "object", "properties": {"at": {"type": "string"}}},
            "Leaf": {
                "$anchor": "leaf",
                "type": "object",
                "properties": {"v": {"type": "integer"}},
            },
        },
    }
    labelled = {"$dynamicAnchor": "node", **subtype("Tree", label={"type": "string"})}
    models, diags = build(tmp_path, {"Tree": tree, "LabelledTree": labelled})
    assert not diags.items
    assert field_annotation(models, "Tree", "children") == "list[Tree]"
    assert field_annotation(models, "Tree", "meta") == "Meta"
    assert field_annotation(models, "Tree", "leaf") == "Leaf"
    # the subtype's children are of its own kind: the outermost $dynamicAnchor wins
    assert field_annotation(models, "LabelledTree", "children") == "list[LabelledTree]"


def test_names_the_generated_code_uses_are_left_to_it(tmp_path: Path) -> None:
    obj = {"type": "object", "properties": {"str": {}, "tuple": {}, "object": {}}}
    models, _ = build(tmp_path, {"Pages": obj, "Stream": obj, "ImportModule": obj})
    assert {"PagesModel", "StreamModel"} <= set(models)
    # a module of models/ is an attribute of models/__init__.py, which imports import_module
    assert models["ImportModule"].module == "import_module_"
    fields = {f.wire_name: f.name for f in models["PagesModel"].fields}
    assert fields == {"str": "str_", "tuple": "tuple_", "object": "object"}


def test_a_properties_mapping_given_as_a_reference_is_followed(tmp_path: Path) -> None:
    shared = {"ids": {"type": "array", "items": {"type": "integer"}}}
    schema = {"type": "object", "properties": {"$ref": "#/x-shared"}}
    models, diags = build(tmp_path, {"M": schema}, **{"x-shared": shared})
    assert field_annotation(models, "M", "ids") == "list[int]"
    assert not diags.items


def test_named_schemas_that_are_no_objects_are_referred_to_by_name(
    tmp_path: Path,
) -> None:
    """An enum, a union or an alias among the components is written by its name where it is
    used, in responses and requests alike when both write it so; its structure stays
    readable behind the name (pagination and stream switches read it)."""
    models, diags = build(
        tmp_path,
        {
            "ChatModel": {"type": "string", "enum": ["gpt-4o", "o3"]},
            "ModelIds": {"anyOf": [{"type": "string"}, ref("ChatModel")]},
            "MoreIds": {"anyOf": [ref("ModelIds"), {"enum": ["o1-pro"]}]},
            "Stop": {"type": ["array", "null"], "items": {"type": "string"}},
            "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Pets": {"anyOf": [ref("Pet"), {"type": "string"}]},
            "Holder": {
                "type": "object",
                "required": ["model"],
                "properties": {
                    "model": ref("ModelIds"),
                    "models": {"type": "array", "items": ref("ChatModel")},
                    "stop": ref("Stop"),
                    "pet": ref("Pets"),
                },
            },
        },
    )
    assert not diags.items
    holder_fields = {f.wire_name: f for f in models["Holder"].fields}
    annotations = {
        k: (f.annotation, f.param_annotation) for k, f in holder_fields.items()
    }
    assert annotations == {
        "model": ("ModelIds", "ModelIds"),
        "models": ("list[ChatModel]", "Sequence[ChatModel]"),
        "stop": ("Stop", "Sequence[str] | None"),
        "pet": ("Pets", "PetsParam"),
    }
    assert models["ModelIds"].alias_annotation == "str | ChatModel"
    # a union of named ones keeps their names: neither spliced nor merged into its literals
    assert models["MoreIds"].alias_annotation == (
        "ModelIds | Annotated[Literal['o1-pro'], KEEP_UNKNOWN]"
    )
    assert (models["Pets"].has_param, models["ModelIds"].has_param) == (True, False)
    assert models["Pets"].param_alias_annotation == "PetParam | str"
    assert models["Holder"].imports == (
        ("chat_model", ("ChatModel",)),
        ("model_ids", ("ModelIds",)),
        ("pets", ("Pets", "PetsParam")),
        ("stop", ("Stop",)),
    )
    model = holder_fields["model"].type
    assert (model.alias, model.kind, model.models()) == (
        "ModelIds",
        "union",
        ("ModelIds",),
    )
    assert model.items[1].values == ("gpt-4o", "o3")
