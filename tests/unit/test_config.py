"""Settings: config files (``[tool.oapigen]`` or ``oapigen.yaml``), found or named, overridden by
flags; and what each setting does to the IR."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.build import build_spec
from generator.cli import main
from generator.config import (
    KEYS,
    Config,
    ConfigError,
    find_config_file,
    make_config,
    read_config_file,
    unused_settings,
)
from generator.diagnostics import Diagnostics
from generator.diff import compare
from generator.ir import Spec
from generator.loader import load_documents

PETS = Path(__file__).resolve().parents[1] / "templates" / "pets.yaml"


def yaml_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "oapigen.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("name", "text", "want"),
    [
        ("empty file", "", {}),
        ("package name", "package-name: pets", {"package_name": "pets"}),
        ("project name", "project-name: acme-pets", {"project_name": "acme-pets"}),
        ("version is normalised", "version: 1.0.0-rc1", {"version": "1.0.0rc1"}),
        ("a number version", "version: 2.5", {"version": "2.5"}),
        ("tags", "include-tags: [pets]", {"include_tags": ("pets",)}),
        ("flags", "strict: true\nquiet: false", {"strict": True, "quiet": False}),
        (
            "class names",
            "class-names: {Pet: Animal}",
            {"class_names": {"Pet": "Animal"}},
        ),
        (
            "field names",
            "field-names: {Pet: {birth-date: born}}",
            {"field_names": {"Pet": {"birth-date": "born"}}},
        ),
        (
            "env",
            "credential-env: {ApiKeyAuth: PETS_KEY}",
            {"credential_env": {"ApiKeyAuth": "PETS_KEY"}},
        ),
        (
            "streaming",
            "streaming: {a: false, b: true, c: go, d: {property: mode, value: sse}}",
            {"streaming": {"a": None, "c": ("go", True), "d": ("mode", "sse")}},
        ),
        (
            "array formats",
            "array-format: repeat\narray-formats: {op: {expand: brackets}}",
            {"array_format": "repeat", "array_formats": {"op": {"expand": "brackets"}}},
        ),
        (
            "idempotency header",
            "idempotency-header: X-Key",
            {"idempotency_header": "X-Key"},
        ),
        (
            "no idempotency keys",
            "idempotency-header: false",
            {"idempotency_header": None},
        ),
        (
            "operations",
            "operations: {listPets: all_pets, getStore: {name: store, tag: pets}, "
            "'GET /x': {tag: misc}}",
            {
                "operations": {
                    "listPets": ("all_pets", None),
                    "getStore": ("store", "pets"),
                    "GET /x": (None, "misc"),
                }
            },
        ),
        (
            "client timeouts",
            "client-timeout: 30\nclient-connect-timeout: 2.5",
            {"client_timeout": 30.0, "client_connect_timeout": 2.5},
        ),
        (
            "request id header",
            "request-id-header: X-Amzn-RequestId",
            {"request_id_header": "X-Amzn-RequestId"},
        ),
        (
            "pagination",
            "pagination: {a: false, b: {kind: offset, param: start, total: meta.total}}",
            {
                "pagination": {
                    "a": None,
                    "b": {"kind": "offset", "param": "start", "total": "meta.total"},
                }
            },
        ),
    ],
)
def test_reading_settings(
    tmp_path: Path, name: str, text: str, want: dict[str, Any]
) -> None:
    got = read_config_file(yaml_file(tmp_path, text))
    assert {k: _plain(v) for k, v in got.items()} == want, name


def _plain(value: Any) -> Any:
    if hasattr(value, "items"):
        return {k: _plain(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "unknown key",
            "pakage-name: x",
            "unknown key 'pakage-name' (did you mean 'package-name'?)",
        ),
        ("snake case key", "package_name: x", "did you mean 'package-name'?"),
        ("not a mapping", "- a\n- b", "must be a table of settings"),
        ("bad package", "package-name: 3x", "'3x' is not a valid Python package name"),
        ("keyword package", "package-name: class", "not a valid Python package name"),
        ("bad project", "project-name: -x-", "not a valid distribution name"),
        ("bad version", "version: one", "'one' is not a PEP 440 version"),
        ("tags not a list", "include-tags: pets", "must be a list of tag names"),
        ("flag not a bool", "strict: yes please", "must be true or false"),
        (
            "lower-case class",
            "class-names: {Pet: animal}",
            "Pet: 'animal' is not a class name",
        ),
        (
            "keyword field",
            "field-names: {Pet: {kind: class}}",
            "kind: 'class' is not a field name",
        ),
        (
            "bad env",
            "credential-env: {A: 1X}",
            "'1X' is not an environment variable name",
        ),
        ("bad stream", "streaming: {op: [1]}", "op: must be false"),
        ("bad array format", "array-format: comma", "must be one of indices, brackets"),
        ("bad array formats", "array-formats: {op: {a: x}}", "op: must be a table"),
        ("bad header", "idempotency-header: 'a b'", "must be a header name"),
        ("bad request id header", "request-id-header: false", "must be a header name"),
        ("bad timeout", "client-timeout: 0", "must be a number of seconds above 0"),
        ("bad method name", "operations: {op: ListPets}", "op: 'ListPets' is not a method"),
        ("keyword method name", "operations: {op: class}", "'class' is not a method name"),
        ("bad operation key", "operations: {op: {api: x}}", "op: must be a method name"),
        ("empty operation", "operations: {op: {}}", "op: must be a method name"),
        ("timeout as text", "client-timeout: '5'", "must be a number of seconds"),
        (
            "paging kind",
            "pagination: {op: {kind: pages}}",
            "op: must be false (no _iter",
        ),
        (
            "paging field",
            "pagination: {op: {kind: page, totl: n}}",
            "op: unknown field 'totl'",
        ),
        ("bad yaml", "a: [", "not valid YAML"),
    ],
)
def test_bad_settings_name_the_key_and_the_file(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = yaml_file(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        read_config_file(path)
    assert message in error.value.message, name
    assert error.value.source == str(path)


def test_pyproject_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n\n[tool.oapigen]\npackage-name = "pets"\n')
    assert read_config_file(path) == {"package_name": "pets"}
    path.write_text('[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"has no \[tool.oapigen\] table"):
        read_config_file(path)
    path.write_text("[tool.oapigen\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        read_config_file(path)


@pytest.mark.parametrize(
    ("name", "files", "want"),
    [
        ("nothing", {}, None),
        ("yaml", {"oapigen.yaml": ""}, "oapigen.yaml"),
        (
            "pyproject with a table",
            {"pyproject.toml": "[tool.oapigen]\n"},
            "pyproject.toml",
        ),
        ("pyproject without", {"pyproject.toml": "[tool.black]\n"}, None),
        (
            "yaml first",
            {"oapigen.yaml": "", "pyproject.toml": "[tool.oapigen]\n"},
            "oapigen.yaml",
        ),
    ],
)
def test_finding_the_config_beside_the_document(
    tmp_path: Path, name: str, files: dict[str, str], want: str | None
) -> None:
    for file_name, text in files.items():
        (tmp_path / file_name).write_text(text)
    found = find_config_file(tmp_path / "spec.yaml")
    assert (found.name if found else None) == want, name


def test_flags_override_the_file_and_paths_are_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    config_file = yaml_file(
        tmp_path / "conf", "output: ../out\npackage-name: a\nstrict: true"
    )
    config = make_config(
        tmp_path / "spec.yaml",
        {"package_name": "b", "strict": None, "output": None},
        config_file,
    )
    assert config.package_name == "b" and config.strict is True
    assert config.output == tmp_path / "conf" / ".." / "out"
    assert config.config_file == config_file


def test_every_key_sets_a_config_field_and_has_docs() -> None:
    names = {f.name for f in dataclasses.fields(Config)}
    assert {key.attribute for key in KEYS} <= names
    assert names - {key.attribute for key in KEYS} == {"spec", "workers", "config_file"}
    docs = (Path(__file__).resolve().parents[2] / "docs" / "config.md").read_text()
    for key in KEYS:
        assert f"| `{key.name}` |" in docs, key.name


def test_settings_that_shape_files_are_digested() -> None:
    base = Config(spec=PETS)
    renamed = dataclasses.replace(base, class_names={"Pet": "Animal"})
    assert base.output_settings() != renamed.output_settings()
    quiet = dataclasses.replace(base, quiet=True, check=True, output=Path("x"))
    assert base.output_settings() == quiet.output_settings()


def build(config: Config) -> tuple[Spec, Diagnostics]:
    diags = Diagnostics()
    docs = load_documents(PETS, diags)
    assert docs is not None
    spec = build_spec(docs, diags, config=config)
    return spec, diags


def settings(**values: Any) -> Config:
    return Config(spec=PETS, **values)


def test_class_and_field_renames() -> None:
    spec, diags = build(
        settings(
            class_names={"Pet": "Animal", "WatchPetRequest": "WatchOptions"},
            field_names={"Animal": {"birth-date": "born", "name": "model_dump"}},
        )
    )
    models = {m.name: m for m in spec.models}
    assert "Pet" not in models and {"Animal", "WatchOptions"} <= set(models)
    assert models["Animal"].module == "animal"
    fields = {f.wire_name: f.name for f in models["Animal"].fields}
    assert fields["birth-date"] == "born"
    assert fields["name"] == "name"  # a pydantic attribute: the rename is refused
    assert any("model_dump is taken" in d.message for d in diags.items)


def test_tags_to_include_and_exclude() -> None:
    only_pets, _ = build(settings(include_tags=("pets",)))
    assert [a.attribute for a in only_pets.apis] == ["pets"]
    assert only_pets.operations_total == 3
    no_pets, _ = build(settings(exclude_tags=("pets",)))
    assert [a.attribute for a in no_pets.apis] == ["stores"]


@pytest.mark.parametrize(
    ("name", "streaming", "want"),
    [
        ("detected", {}, ("stream", True)),
        ("turned off", {"watchPet": None}, None),
        ("another switch", {"watchPet": ("since", "now")}, ("since", "now")),
        ("by route", {"POST /pets/{pet_id}/updates": None}, None),
    ],
)
def test_streaming_switch(name: str, streaming: dict[str, Any], want: Any) -> None:
    spec, _ = build(settings(streaming=streaming))
    op = next(
        op for api in spec.apis for op in api.operations if op.name == "watch_pet"
    )
    assert (op.stream and (op.stream.switch, op.stream.value)) == want, name
    if op.stream:  # the switch is set by the stream method, not passed
        assert op.stream.switch not in [f.wire_name for f in op.body.fields]


def test_operations_are_renamed_and_moved() -> None:
    spec, diags = build(
        settings(
            operations={
                "listPets": ("all_pets", None),
                "getStore": ("store", "pets"),
                "POST /pets/{pet_id}/updates": (None, "feeds"),
                "createPet": ("all_pets", None),  # taken by the rename above
            }
        )
    )
    methods = {api.attribute: [op.name for op in api.operations] for api in spec.apis}
    assert methods["pets"][:3] == ["all_pets", "create_pet", "store"]
    assert methods["feeds"] == ["watch_pet"]
    assert "stores" not in methods
    assert [d.message for d in diags.items if "operations:" in d.message] == [
        "operations: createPet keeps its name create_pet: all_pets is taken"
    ]
    renamed = compare(build(settings())[0], spec)
    assert ("method-renamed", True, "client.pets", "all_pets") in [
        (c.kind, c.breaking, c.area, c.subject) for c in renamed
    ]
    moved = [c for c in renamed if c.subject == "watch_pet"]
    assert moved[0].kind == "method-renamed" and moved[0].area == "client.feeds"


def test_credential_env_project_and_version() -> None:
    spec, _ = build(
        settings(
            credential_env={"ApiKeyAuth": "PETS_TOKEN"},
            project_name="acme-pets",
            version="3.0.0",
        )
    )
    assert [s.env for s in spec.security_schemes] == ["PETS_TOKEN"]
    assert spec.project == "acme-pets" and spec.package_version == "3.0.0"


def test_settings_that_match_nothing_are_named() -> None:
    config = settings(
        class_names={"Pett": "Animal"},
        field_names={"Pet": {"colour": "color"}, "Pets": {"name": "title"}},
        credential_env={"Token": "X"},
        streaming={
            "listPets": None,
            "nope": None,
            "watchPet": ("strem", True),
            "POST /pets/{pet_id}/updates": ("since", "now"),
        },
        exclude_tags=("cats", "pets"),
        array_formats={"listPets": {"limit": "repeat", "expand": "repeat"}, "x": {}},
        pagination={"listPets": None, "GET /pet": None},
        operations={"listPet": ("pets", None)},
    )
    spec, _ = build(dataclasses.replace(config, exclude_tags=()))
    document = {"paths": {"/pets": {"get": {"tags": ["pets"]}}}}
    assert list(unused_settings(config, spec, document)) == [
        "class-names: no class is named 'Pett'",
        "field-names: class 'Pet' has no property 'colour'",
        "field-names: no class is named 'Pets'",
        "credential-env: no security scheme is named 'Token'",
        "streaming: 'listPets' has no streamed response to switch",
        "streaming: no generated operation is named 'nope'",
        "streaming: 'watchPet': the request body has no property 'strem'",
        "array-formats: 'listPets' has no query parameter or body property 'expand'",
        "array-formats: no generated operation is named 'x'",
        "pagination: no generated operation is named 'GET /pet'",
        "operations: no generated operation is named 'listPet'",
        "exclude-tags: no operation is tagged 'cats'",
    ]


STREAMED = """
openapi: 3.1.0
info: {title: Feeds, version: '1'}
paths:
  /feeds/{name}:
    post:
      operationId: %s
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
      %s
      responses:
        '200':
          description: events
          content:
            text/event-stream:
              schema: {type: object, properties: {seq: {type: integer}}}
components:
  schemas:
    Mode: {type: object, properties: {mode: {type: string}}}
    Open: {type: object, properties: {a: {type: string}}, additionalProperties: {type: boolean}}
    Either: {oneOf: [{$ref: '#/components/schemas/Mode'}, {type: object}]}
"""


@pytest.mark.parametrize(
    ("name", "body", "warned"),
    [
        ("no body", "", True),
        (
            "a declared property",
            "requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Mode'}}}}",
            False,
        ),
        (
            "an object that takes any property",
            "requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Open'}}}}",
            False,
        ),
        (
            "a variant's property, through an alias",
            "requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Either'}}}}",
            False,
        ),
        (
            "a map",
            "requestBody: {content: {application/json: {schema: {type: object, additionalProperties: {type: string}}}}}",
            False,
        ),
        (
            "another property",
            "requestBody: {content: {application/json: {schema: {type: object, properties: {stream: {type: boolean}}}}}}",
            True,
        ),
    ],
)
def test_a_stream_switch_names_a_property_of_the_body(
    tmp_path: Path, name: str, body: str, warned: bool
) -> None:
    """``{"mode": true}`` is sent as configured; a property the body cannot hold is named
    in a warning, through the command line as through the function."""
    spec = tmp_path / "feeds.yaml"
    spec.write_text(STREAMED % ("follow", body))
    yaml_file(tmp_path, "streaming: {follow: mode}\n")
    code, output = run("validate", str(spec))
    warning = (
        f"warning: {tmp_path / 'oapigen.yaml'}: streaming: 'follow': "
        "the request body has no property 'mode'"
    )
    assert code == 0 and (warning in output) == warned, (name, output)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_cli_finds_the_config_beside_the_document(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(PETS.read_text())
    yaml_file(tmp_path, "package-name: pets\noutput: generated\nquiet: true\n")
    code, output = run("generate", str(spec))
    assert code == 0 and output == "", output
    assert (tmp_path / "generated" / "pets" / "__init__.py").is_file()
    code, output = run(
        "generate", str(spec), "--package-name", "other", "-o", str(tmp_path / "o")
    )
    assert code == 0 and (tmp_path / "o" / "other").is_dir(), output


def test_cli_reports_a_bad_config_as_bad_usage(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(PETS.read_text())
    config_file = yaml_file(tmp_path, "packagename: pets\n")
    code, output = run("generate", str(spec), "--config", str(config_file))
    assert code == 2
    assert f"error: {config_file}: unknown key 'packagename'" in output
    assert "Traceback" not in output
