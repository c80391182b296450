"""``oapigen diff``: each kind of change on a small document (tests/diff/cases), the type rules,
and the reports' formats. The reports on OpenAI's real history are in tests/diff."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator.build import build_spec
from generator.cli import main
from generator.diagnostics import Diagnostics
from generator.diff import (
    Change,
    _return_type,
    accepts,
    as_json,
    compare,
    describe,
    markdown,
)
from generator.ir import Spec, TypeRef
from generator.loader import load_documents

CASES = Path(__file__).resolve().parents[1] / "diff" / "cases"
BASE = yaml.safe_load((CASES / "base.yaml").read_text())


def patched(document: Any, operations: list[dict[str, Any]]) -> Any:
    """``document`` with RFC 6902 ``add``, ``remove`` and ``replace`` operations applied."""
    result = copy.deepcopy(document)
    for operation in operations:
        *parents, last = [
            part.replace("~1", "/").replace("~0", "~")
            for part in operation["path"].split("/")[1:]
        ]
        node = result
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            index = len(node) if last == "-" else int(last)
            if operation["op"] == "remove":
                del node[index]
            elif operation["op"] == "add":
                node.insert(index, operation["value"])
            else:
                node[index] = operation["value"]
        elif operation["op"] == "remove":
            del node[last]
        else:
            node[last] = operation["value"]
    return result


def built(tmp_path: Path, document: Any, name: str) -> Spec:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document))
    diags = Diagnostics()
    docs = load_documents(path, diags)
    assert docs is not None and not diags.has_errors, diags.items
    return build_spec(docs, diags)


def case_pair(tmp_path: Path, case: str) -> tuple[Spec, Spec, list[dict[str, Any]]]:
    data = yaml.safe_load((CASES / f"{case}.yaml").read_text())
    old = built(tmp_path, patched(BASE, data.get("old", [])), "old")
    new = built(tmp_path, patched(BASE, data.get("new", [])), "new")
    return old, new, data["want"]


ALL_CASES = sorted(p.stem for p in CASES.glob("*.yaml") if p.stem != "base")


@pytest.mark.parametrize("case", ALL_CASES)
def test_each_kind_of_change(tmp_path: Path, case: str) -> None:
    old, new, want = case_pair(tmp_path, case)
    got = [
        {"kind": c.kind, "breaking": c.breaking, "where": f"{c.area}.{c.subject}"}
        for c in compare(old, new)
    ]
    assert got == want, case


def test_every_kind_has_a_case_and_a_line_in_the_docs() -> None:
    kinds = {
        change["kind"]
        for case in ALL_CASES
        for change in yaml.safe_load((CASES / f"{case}.yaml").read_text())["want"]
    }
    documented = (Path(__file__).resolve().parents[2] / "docs" / "diff.md").read_text()
    source = (Path(__file__).resolve().parents[2] / "generator" / "diff.py").read_text()
    emitted = {
        kind
        for kind in documented.split("`")
        if kind.islower() and "-" in kind and f'"{kind}"' in source
    }
    assert kinds <= emitted, kinds - emitted
    for kind in emitted:
        assert f"| `{kind}` |" in documented, kind
    untested = emitted - kinds - {"stream-item-retyped", "union-variants-removed"}
    assert not untested, f"kinds without a case in tests/diff/cases: {untested}"


def test_an_event_stream_alone_is_read_whole_as_text(tmp_path: Path) -> None:
    """When an operation's only success answer is an event stream, its plain method reads
    the stream whole: the signature, the IR's ``success`` and diff agree that it returns
    ``str`` (diff said ``None``, ``success`` was None, while the signature said ``str``).
    """
    stream_only = patched(
        BASE,
        [
            {
                "op": "remove",
                "path": "/paths/~1pets~1{pet_id}~1news/post/responses/200/content"
                "/application~1json",
            }
        ],
    )
    old, new = built(tmp_path, BASE, "old"), built(tmp_path, stream_only, "new")
    watch = next(o for a in new.apis for o in a.operations if o.name == "watch_pet")
    assert watch.return_annotation == "str"
    assert watch.success is not None and watch.success.kind == "sse"
    assert watch.stream is not None and watch.stream.item == TypeRef("model", "Pet")
    retyped = [c for c in compare(old, new) if c.kind == "return-retyped"]
    assert [(c.subject, c.breaking, c.message) for c in retyped] == [
        ("watch_pet", True, "returns `str`, was `Pet`")
    ]


def answer(**content: Any) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": content}}


def test_diff_writes_a_return_type_as_the_signature_does(tmp_path: Path) -> None:
    """diff prints types with the generator's printer: the return type it compares reads as
    the generated method's annotation, whatever the response's form."""
    when = {"schema": {"type": "string", "format": "date-time"}}
    forms: dict[str, dict[str, Any]] = {
        "when": answer(**{"application/json": when}),
        "ids": answer(
            **{
                "application/json": {
                    "schema": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "array",
                            "items": {"type": "string", "format": "uuid"},
                        },
                    }
                }
            }
        ),
        "text": answer(**{"text/plain": {"schema": {"type": "string"}}}),
        "blob": answer(**{"image/png": {}}),
        "nothing": {"204": {"description": "none"}},
        "feed": answer(**{"text/event-stream": {"schema": {"type": "object"}}}),
        "either": {
            **answer(**{"application/json": when}),
            "201": {"description": "made", "content": {"text/plain": {}}},
        },
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "forms", "version": "1"},
        "paths": {
            f"/{name}": {"get": {"operationId": name, "responses": responses}}
            for name, responses in forms.items()
        },
    }
    spec = built(tmp_path, document, "forms")
    written = {
        op.name: (describe(_return_type(op)), op.return_annotation)
        for api in spec.apis
        for op in api.operations
    }
    assert written["when"] == ("_dt.datetime", "_dt.datetime")
    assert written["feed"] == ("str", "str")
    assert sorted(written) == sorted(forms)
    assert {n: w for n, w in written.items() if w[0] != w[1]} == {}


def the_same(spec: Spec) -> tuple[Change, ...]:
    return compare(spec, spec)


def test_a_document_against_itself_has_no_changes(tmp_path: Path) -> None:
    assert the_same(built(tmp_path, BASE, "base")) == ()


S, I, F = (TypeRef("primitive", name) for name in ("str", "int", "float"))
NONE = TypeRef("none")


def lit(*values: Any) -> TypeRef:
    return TypeRef("literal", values=values)


def union(*items: TypeRef) -> TypeRef:
    return TypeRef("union", items=items)


@pytest.mark.parametrize(
    ("name", "wide", "narrow", "want"),
    [
        ("same primitive", S, S, True),
        ("float takes int", F, I, True),
        ("int does not take float", I, F, False),
        ("str takes its literals", S, lit("a", "b"), True),
        ("int does not take True", I, lit(True), False),
        ("more literal values", lit("a", "b"), lit("a"), True),
        ("fewer literal values", lit("a"), lit("a", "b"), False),
        ("True is not 1", lit(1), lit(True), False),
        ("optional takes plain", union(S, NONE), S, True),
        ("plain does not take optional", S, union(S, NONE), False),
        ("any takes all", TypeRef("any"), union(S, I), True),
        (
            "lists are covariant",
            TypeRef("list", items=(F,)),
            TypeRef("list", items=(I,)),
            True,
        ),
        ("models by name", TypeRef("model", "Pet"), TypeRef("model", "Dog"), False),
    ],
)
def test_accepts(name: str, wide: TypeRef, narrow: TypeRef, want: bool) -> None:
    assert accepts(wide, narrow) is want, name


@pytest.mark.parametrize(
    ("name", "given", "want"),
    [
        ("primitive", TypeRef("primitive", "datetime"), "_dt.datetime"),
        ("optional list", union(TypeRef("list", items=(S,)), NONE), "list[str] | None"),
        ("map", TypeRef("map", items=(TypeRef("model", "Pet"),)), "dict[str, Pet]"),
        ("short enum", lit("a", "b"), "Literal['a', 'b']"),
        ("long enum", lit(*"abcdef"), "Literal['a', 'b', 'c', 'd', ... 2 more]"),
        (
            "long union",
            union(*(TypeRef("model", f"M{i}") for i in range(8))),
            "M0 | M1 | M2 | M3 | M4 | M5 | ... 2 more",
        ),
        (
            "long enum in a list",
            TypeRef(
                "list",
                items=(TypeRef("literal", values=(*"abcde",), keep_unknown=True),),
            ),
            "list[Literal['a', 'b', 'c', 'd', ... 1 more]]",
        ),
        (
            "tagged union",
            TypeRef(
                "union",
                items=(TypeRef("model", "Cat"), TypeRef("model", "Dog")),
                discriminator="kind",
                tags=(("cat", "Cat"), ("dog", "Dog")),
            ),
            "Cat | Dog",
        ),
    ],
)
def test_describe(name: str, given: TypeRef, want: str) -> None:
    assert describe(given) == want, name


CHANGES = (
    Change("model-added", False, "models", "Leash", "model added"),
    Change(
        "method-removed",
        True,
        "client.pets",
        "get_pet",
        "method removed (GET /pets/{pet_id})",
    ),
)


def test_markdown_puts_breaking_changes_first_by_area() -> None:
    assert markdown(CHANGES, "a.yaml", "b.yaml") == (
        "# API changes from `a.yaml` to `b.yaml`\n\n"
        "1 breaking, 1 not breaking.\n\n"
        "## Breaking changes\n\n### `client.pets`\n\n"
        "- `get_pet`: method removed (GET /pets/{pet_id})\n\n"
        "## Other changes\n\n### `models`\n\n"
        "- `Leash`: model added\n"
    )


def test_json_report_lists_every_change() -> None:
    data = json.loads(as_json(CHANGES, "a.yaml", "b.yaml"))
    assert data["breaking"] == 1 and data["total"] == 2
    assert [c["kind"] for c in data["changes"]] == ["method-removed", "model-added"]
    assert set(data["changes"][0]) == {"kind", "breaking", "area", "subject", "message"}


@pytest.mark.parametrize(
    ("name", "case", "flags", "code", "expected"),
    [
        ("breaking, not failing", "method-removed", [], 0, "1 breaking"),
        (
            "breaking and failing",
            "method-removed",
            ["--fail-on-breaking"],
            4,
            "get_pet",
        ),
        ("not breaking", "method-added", ["--fail-on-breaking"], 0, "0 breaking"),
        ("json", "method-added", ["--format", "json"], 0, '"kind": "method-added"'),
    ],
)
def test_diff_command(
    tmp_path: Path, name: str, case: str, flags: list[str], code: int, expected: str
) -> None:
    data = yaml.safe_load((CASES / f"{case}.yaml").read_text())
    (tmp_path / "old.yaml").write_text(json.dumps(patched(BASE, data.get("old", []))))
    (tmp_path / "new.yaml").write_text(json.dumps(patched(BASE, data.get("new", []))))
    result = CliRunner().invoke(
        main, ["diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), *flags]
    )
    assert result.exit_code == code, (name, result.output)
    assert expected in result.output, name


def test_diff_of_a_broken_document_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(json.dumps(BASE))
    (tmp_path / "new.yaml").write_text("openapi: 3.1.0\ninfo: {title: t\n")
    result = CliRunner().invoke(
        main, ["diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml")]
    )
    assert result.exit_code == 1 and "new.yaml:" in result.output
    assert "Traceback" not in result.output


TEAM_DOCUMENT = """
openapi: 3.1.0
info: {title: Pets, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: the pets
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    post:
      operationId: createPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets/{id}:
    delete:
      operationId: deletePet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: gone}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        nickname: {type: string}
        owner: {$ref: '#/components/schemas/Owner'}
    Owner:
      type: object
      properties:
        email: {type: string}
"""
TEAM_SETTINGS = "package-name: acme_pets\nclass-names: {Pet: Animal, Owner: Keeper}\n"
# Two changes of the document: deletePet is gone, and Pet's nickname (a field of the model,
# and a flattened argument of create_pet).
TEAM_BREAKING = [
    ("argument-removed", "create_pet(nickname)"),
    ("method-removed", "delete_pet"),
    ("field-removed", "Animal.nickname"),
]


def team_pair(tmp_path: Path) -> tuple[Path, Path]:
    """The README's gate: the new document beside its settings in ``api/``, the old one
    written by ``git show`` to the current folder, with no settings beside it."""
    (tmp_path / "api").mkdir()
    new = tmp_path / "api" / "openapi.yaml"
    new.write_text(
        TEAM_DOCUMENT.replace(
            TEAM_DOCUMENT[
                TEAM_DOCUMENT.index("  /pets/{id}:") : TEAM_DOCUMENT.index(
                    "components:"
                )
            ],
            "",
        ).replace("        nickname: {type: string}\n", "")
    )
    (tmp_path / "api" / "oapigen.yaml").write_text(TEAM_SETTINGS)
    old = tmp_path / "old.yaml"
    old.write_text(TEAM_DOCUMENT)
    return old, new


def breaking(*args: str) -> list[tuple[str, str]]:
    result = CliRunner().invoke(main, ["diff", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    return [(c["kind"], c["subject"]) for c in report["changes"] if c["breaking"]]


def test_diff_reads_the_settings_beside_the_documents(tmp_path: Path) -> None:
    """Read without settings, the old document made the settings' package and class renames 7
    more breaking changes (the package, two models removed, four retyped arguments and return
    values) beside the document's 3; now the old one takes the new one's settings."""
    old, new = team_pair(tmp_path)
    assert breaking(str(old), str(new)) == TEAM_BREAKING
    # settings beside each document: each reads its own, so a change of them is reported
    (tmp_path / "oapigen.yaml").write_text("package-name: pets\n")
    assert ("package-renamed", "acme_pets") in breaking(str(old), str(new))
    # --config: the same settings for both
    settings = tmp_path / "api" / "oapigen.yaml"
    assert breaking(str(old), str(new), "--config", str(settings)) == TEAM_BREAKING
