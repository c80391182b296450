"""Tests of generator/refs.py: following references across files, cycles, dangling references."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Diagnostics
from generator.loader import DocumentSet, load_documents
from generator.refs import Resolved, check_refs, iter_refs, resolve

ROOT = """
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /pets/{id}:
    get:
      responses:
        '200': {$ref: '#/components/responses/Pet'}
components:
  responses:
    Pet:
      description: a pet
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Pet'}
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
    Pet Store: {type: object}
    a/b: {type: string}
    t~x: {type: string}
    Alias: {$ref: '#/components/schemas/Pet'}
    AliasOfAlias: {$ref: '#/components/schemas/Alias', description: shown as a reference object}
    Nullable: {$ref: '#/components/schemas/Pet', nullable: true}
    Loop1: {$ref: '#/components/schemas/Loop2'}
    Loop2: {$ref: '#/components/schemas/Loop1'}
    Self: {$ref: '#/components/schemas/Self'}
    Broken: {$ref: 'other.yaml#/Broken'}
    Tree:
      type: object
      properties:
        children: {type: array, items: {$ref: '#/components/schemas/Tree'}}
    Dynamic: {$dynamicRef: '#meta', $recursiveRef: '#'}
  x-list: [{type: string}, {type: integer}]
"""

OTHER = """
Thing: {type: object, properties: {back: {$ref: 'openapi.yaml#/components/schemas/Pet'}}}
Chain: {$ref: '#/Thing'}
Away: {$ref: 'openapi.yaml#/components/schemas/Loop1'}
Broken: {$ref: '#/NotThere'}
"""


@pytest.fixture
def docs(tmp_path: Path) -> DocumentSet:
    (tmp_path / "openapi.yaml").write_text(ROOT)
    (tmp_path / "other.yaml").write_text(OTHER)
    diags = Diagnostics()
    loaded = load_documents(tmp_path / "openapi.yaml", diags)
    assert loaded is not None and diags.items == []
    return loaded


RESOLVES = [
    ("local", "#/components/schemas/Pet", "#/components/schemas/Pet"),
    (
        "percent-encoded",
        "#/components/schemas/Pet%20Store",
        "#/components/schemas/Pet Store",
    ),
    ("escaped slash", "#/components/schemas/a~1b", "#/components/schemas/a~1b"),
    ("escaped tilde", "#/components/schemas/t~0x", "#/components/schemas/t~0x"),
    ("escaped path key", "#/paths/~1pets~1%7Bid%7D/get", "#/paths/~1pets~1{id}/get"),
    ("array index", "#/components/x-list/1", "#/components/x-list/1"),
    ("a chain is followed", "#/components/schemas/Alias", "#/components/schemas/Pet"),
    (
        "a reference object with a description too",
        "#/components/schemas/AliasOfAlias",
        "#/components/schemas/Pet",
    ),
    (
        "a $ref with schema siblings is a schema",
        "#/components/schemas/Nullable",
        "#/components/schemas/Nullable",
    ),
    (
        "a recursive schema is no cycle",
        "#/components/schemas/Tree",
        "#/components/schemas/Tree",
    ),
    ("other file", "other.yaml#/Thing", "other.yaml#/Thing"),
    ("other file, whole", "other.yaml", "other.yaml#"),
    ("other file, empty pointer", "other.yaml#", "other.yaml#"),
    ("chain in another file", "other.yaml#/Chain", "other.yaml#/Thing"),
    (
        "back to the root",
        "other.yaml#/Thing/properties/back",
        "#/components/schemas/Pet",
    ),
    (
        "through a reference",
        "#/components/schemas/Alias/properties/name",
        "#/components/schemas/Pet/properties/name",
    ),
    ("whole root", "#", "#"),
]


@pytest.mark.parametrize(
    ("name", "given", "want"), RESOLVES, ids=[c[0] for c in RESOLVES]
)
def test_resolve(docs: DocumentSet, name: str, given: str, want: str) -> None:
    found = resolve(docs, docs.root, given)
    assert isinstance(found, Resolved), found
    assert found.location == want


UNRESOLVABLE = [
    (
        "missing key",
        "#/components/schemas/Missing",
        "unresolvable reference '#/components/schemas/Missing'",
    ),
    (
        "index out of range",
        "#/components/x-list/2",
        "unresolvable reference '#/components/x-list/2'",
    ),
    (
        "index with a leading zero",
        "#/components/x-list/01",
        "unresolvable reference '#/components/x-list/01'",
    ),
    ("into a string", "#/openapi/x", "unresolvable reference '#/openapi/x'"),
    (
        "not a pointer",
        "#Pet",
        "unresolvable reference '#Pet': 'Pet' is not a JSON pointer, nor any schema's `$anchor`",
    ),
    (
        "bad escape",
        "#/a~2b",
        "unresolvable reference '#/a~2b': '/a~2b' is not a JSON pointer",
    ),
    (
        "file not loaded",
        "nowhere.yaml#/A",
        "unresolvable reference 'nowhere.yaml#/A': the document was not loaded",
    ),
    (
        "remote",
        "https://example.com/a.yaml",
        "unresolvable reference 'https://example.com/a.yaml': the document was not loaded",
    ),
    (
        "other scheme",
        "urn:uuid:1234",
        "unresolvable reference 'urn:uuid:1234': unsupported reference scheme 'urn'",
    ),
    (
        "cycle",
        "#/components/schemas/Loop1",
        "reference cycle with no base: #/components/schemas/Loop1 -> #/components/schemas/Loop2 -> #/components/schemas/Loop1",
    ),
    (
        "self",
        "#/components/schemas/Self",
        "reference cycle with no base: #/components/schemas/Self -> #/components/schemas/Self",
    ),
    (
        "cycle reached from another file",
        "other.yaml#/Away",
        "reference cycle with no base: other.yaml#/Away -> #/components/schemas/Loop1 -> #/components/schemas/Loop2 -> #/components/schemas/Loop1",
    ),
    (
        "broken link in a chain",
        "#/components/schemas/Broken",
        "unresolvable reference '#/NotThere' (reached through '#/components/schemas/Broken')",
    ),
]


@pytest.mark.parametrize(
    ("name", "given", "want"), UNRESOLVABLE, ids=[c[0] for c in UNRESOLVABLE]
)
def test_unresolvable(docs: DocumentSet, name: str, given: str, want: str) -> None:
    assert resolve(docs, docs.root, given) == want


def test_resolve_from_another_file(docs: DocumentSet) -> None:
    other = docs.get(docs.root.path.parent / "other.yaml")
    assert other is not None
    found = resolve(docs, other, "#/Thing")
    assert isinstance(found, Resolved)
    assert (found.document.name, found.pointer, found.location, found.in_root) == (
        "other.yaml",
        "#/Thing",
        "other.yaml#/Thing",
        False,
    )
    found = resolve(docs, other, "openapi.yaml#/components/schemas/Pet")
    assert (
        isinstance(found, Resolved)
        and found.location == "#/components/schemas/Pet"
        and found.in_root
    )
    assert found.node["properties"] == {"name": {"type": "string"}}


def test_iter_refs_sites_are_escaped(docs: DocumentSet) -> None:
    sites = dict(iter_refs(docs.root.data))
    assert (
        sites["#/paths/~1pets~1{id}/get/responses/200"] == "#/components/responses/Pet"
    )
    assert (
        "#/components/schemas/Dynamic" not in sites
    )  # $dynamicRef and $recursiveRef are the parser's


def check(tmp_path: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    diags = Diagnostics()
    docs = load_documents(tmp_path / "openapi.yaml", diags)
    assert docs is not None
    check_refs(docs, diags)
    return [d.format() for d in diags.items]


CHECKS = [
    (
        "all fine",
        {
            "openapi.yaml": "a: {$ref: '#/b'}\nb: {$ref: 'other.yaml#/C'}\nc: {$ref: 'other.yaml'}\nd: {$dynamicRef: '#/nowhere'}\n",
            "other.yaml": "C: {$ref: 'openapi.yaml#/d'}\n",
        },
        [],
    ),
    (
        "dangling body schema",
        {
            "openapi.yaml": (
                "paths:\n  /pets:\n    post:\n      requestBody:\n        content:\n          application/json:\n"
                "            schema: {$ref: '#/components/schemas/Missing'}\n"
            )
        },
        [
            "error: #/paths/~1pets/post/requestBody/content/application~1json/schema: "
            "unresolvable reference '#/components/schemas/Missing'"
        ],
    ),
    (
        "in another file",
        {
            "openapi.yaml": "a: {$ref: 'other.yaml#/A'}\n",
            "other.yaml": "A: {$ref: '#/B'}\n",
        },
        [
            "error: #/a: unresolvable reference '#/B' (reached through 'other.yaml#/A')",
            "error: other.yaml#/A: unresolvable reference '#/B'",
        ],
    ),
    (
        "a missing file is the loader's to report",
        {"openapi.yaml": "a: {$ref: 'none.yaml#/A'}\n"},
        ["error: #/a: unresolvable reference 'none.yaml#/A': no such file"],
    ),
    (
        "inside an extension it is a warning",
        {"openapi.yaml": "x-tests:\n  data: {$ref: '#/nothing'}\n"},
        [
            "warning: #/x-tests/data: unresolvable reference '#/nothing' (inside an extension, left as it is)"
        ],
    ),
    (
        "a cycle, at each of its references",
        {"openapi.yaml": "a: {$ref: '#/b'}\nb: {$ref: '#/a'}\n"},
        [
            "error: #/a: reference cycle with no base: #/b -> #/a -> #/b",
            "error: #/b: reference cycle with no base: #/a -> #/b -> #/a",
        ],
    ),
]


@pytest.mark.parametrize(("name", "given", "want"), CHECKS, ids=[c[0] for c in CHECKS])
def test_check_refs(
    tmp_path: Path, name: str, given: dict[str, str], want: list[str]
) -> None:
    assert check(tmp_path, given) == want


@pytest.mark.parametrize(
    ("name", "spec", "want"),
    [
        (
            "a dangling body the validator misses",
            "invalid/opc-err-missing-body-ref/missing-body-ref.yaml",
            [
                "error: #/paths/~1/post/requestBody: unresolvable reference '#/components/requestBodies/body'"
            ],
        ),
        (
            "a body that refers to itself",
            "invalid/opc-err-circular-body-ref/circular-body-ref.yaml",
            [
                "error: #/paths/~1/post/requestBody: reference cycle with no base: "
                "#/components/requestBodies/body -> #/components/requestBodies/body",
                "error: #/components/requestBodies/body: reference cycle with no base: "
                "#/components/requestBodies/body -> #/components/requestBodies/body",
            ],
        ),
        ("multi-file, all resolvable", "redocly-starter/openapi.yaml", []),
        (
            "a parent folder, allowed",
            "osv-petstore-separate/spec/openapi.yaml",
            [],
        ),
    ],
)
def test_check_refs_on_shared_specs(
    shared_dir: Path, name: str, spec: str, want: list[str]
) -> None:
    diags = Diagnostics()
    allowed = [str(shared_dir / "specs" / spec.split("/")[0])]
    docs = load_documents(shared_dir / "specs" / spec, diags, allowed)
    assert docs is not None
    check_refs(docs, diags)
    assert [d.format() for d in diags.items] == want
