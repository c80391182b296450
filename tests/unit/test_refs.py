"""Tests of generator/refs.py: following references across files, cycles, dangling references."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Diagnostics
from generator.loader import DocumentSet, load_documents
from click.testing import CliRunner

from generator import refs
from generator.cli import main
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
            "warning: #/paths/~1pets/post/requestBody/content/application~1json/schema: "
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
            "warning: #/a: unresolvable reference '#/B' (reached through 'other.yaml#/A')",
            "warning: other.yaml#/A: unresolvable reference '#/B'",
        ],
    ),
    (
        "a missing file is the loader's to report",
        {"openapi.yaml": "a: {$ref: 'none.yaml#/A'}\n"},
        ["error: #/a: unresolvable reference 'none.yaml#/A': no such file"],
    ),
    (
        "inside an extension it is data",
        {"openapi.yaml": "x-tests:\n  data: {$ref: '#/nothing'}\n"},
        [],
    ),
    (
        "a cycle, at each of its references",
        {"openapi.yaml": "a: {$ref: '#/b'}\nb: {$ref: '#/a'}\n"},
        [
            "warning: #/a: reference cycle with no base: #/b -> #/a -> #/b",
            "warning: #/b: reference cycle with no base: #/b -> #/a -> #/b",  # the cycle as first met
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
                "warning: #/paths/~1/post/requestBody: unresolvable reference '#/components/requestBodies/body'"
            ],
        ),
        (
            "a body that refers to itself",
            "invalid/opc-err-circular-body-ref/circular-body-ref.yaml",
            [
                "warning: #/paths/~1/post/requestBody: reference cycle with no base: "
                "#/components/requestBodies/body -> #/components/requestBodies/body",
                "warning: #/components/requestBodies/body: reference cycle with no base: "
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


DATA_REFS = """\
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /users:
    get:
      operationId: listUsers
      x-samples: {$ref: 'https://api.example.com/Users/u1'}
      parameters:
        - name: default
          in: query
          schema: {$ref: '#/components/schemas/Health'}
      responses:
        default: {$ref: '#/components/responses/Plain'}
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  default: {$ref: '#/components/schemas/Health'}
                  members:
                    type: array
                    items: {type: object}
                    default: [{$ref: 'https://x.example/y'}]
                    examples: [[{$ref: 'https://x.example/z'}]]
              example: {$ref: '#/components/schemas/Health/example'}
              examples:
                scim: {value: {members: [{$ref: 'https://api.example.com/Users/u1'}]}}
                shared: {$ref: '#/components/examples/Shared'}
components:
  responses:
    Plain: {description: plain}
  examples:
    Shared: {value: {$ref: 'elsewhere.yaml#/nothing'}}
  schemas:
    Health:
      type: object
      properties: {ok: {type: boolean}}
      example: {ok: true}
      enum: [{$ref: '#/nowhere'}]
      const: {$ref: '#/nowhere'}
"""


def test_references_inside_literal_data_are_data(tmp_path: Path) -> None:
    """A ``$ref`` key in an example, a default, an enum, a const or an extension is a value
    (a SCIM member, an example pointing at an example): never followed, no diagnostic. Names
    the document chose (a parameter, a property, the ``default`` response) are not data.
    """
    (tmp_path / "openapi.yaml").write_text(DATA_REFS)
    diags = Diagnostics()
    docs = load_documents(tmp_path / "openapi.yaml", diags)
    assert docs is not None
    check_refs(docs, diags)
    assert diags.items == []
    assert sorted(ref for _, ref in iter_refs(docs.root.data)) == [
        "#/components/examples/Shared",
        "#/components/responses/Plain",
        "#/components/schemas/Health",
        "#/components/schemas/Health",
    ]


def test_a_long_chain_of_aliases_is_followed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checking every reference of a chain of N aliases takes N steps in all, not N * N / 2:
    10,000 aliases were a run killed after minutes."""
    n = 10_000
    lines = [f"  S{i}: {{$ref: '#/S{i + 1}'}}" for i in range(n)]
    text = (
        "openapi: 3.1.0\nroot: {$ref: '#/S0'}\n"
        + "\n".join(lines)
        + f"\n  S{n}: {{}}\n"
    )
    (tmp_path / "openapi.yaml").write_text(text.replace("  S", "S"))
    diags = Diagnostics()
    docs = load_documents(tmp_path / "openapi.yaml", diags)
    assert docs is not None
    steps = []
    lookup = refs._lookup
    monkeypatch.setattr(
        refs, "_lookup", lambda *args: steps.append(args[2]) or lookup(*args)
    )
    check_refs(docs, diags)
    assert diags.items == []
    assert len(steps) == n + 1
    found = resolve(docs, docs.root, "#/S0")
    assert isinstance(found, Resolved) and found.pointer == f"#/S{n}"
    assert len(steps) == n + 1  # remembered


DANGLING = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Good'}
  /b:
    get:
      operationId: getB
      parameters:
        - $ref: '#/components/parameters/Missing'
      responses:
        '200': {description: ok}
    post:
      operationId: postB
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/UsesBroken'}
      responses:
        '200': {description: ok}
components:
  schemas:
    Good: {type: object, properties: {x: {type: string}}}
    Broken: {type: object, properties: {x: {$ref: '#/components/schemas/Nope'}}}
    UsesBroken: {type: object, properties: {u: {$ref: '#/components/schemas/Broken'}}}
"""


def test_a_dangling_reference_leaves_out_what_reaches_it(tmp_path: Path) -> None:
    """One broken part does not sink the document: the operations and components that reach
    a reference leading nowhere are left out with a warning naming it; ``--strict`` refuses.
    """
    spec = tmp_path / "openapi.yaml"
    spec.write_text(DANGLING)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["generate", str(spec), "-o", str(out), "--package-name", "dangling"]
    )
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "left out" in line]
    nope = "the reference at '#/components/schemas/Broken/properties/x'"
    assert warnings == [
        "warning: #/paths/~1b/get: operation GET /b left out: it reaches the reference at "
        "'#/paths/~1b/get/parameters/0', which leads nowhere",
        f"warning: #/paths/~1b/post: operation POST /b left out: it reaches {nope}, "
        "which leads nowhere",
        "warning: #/components/schemas/Broken: component schemas/Broken left out: it "
        f"reaches {nope}, which leads nowhere",
        "warning: #/components/schemas/UsesBroken: component schemas/UsesBroken left out: "
        f"it reaches {nope}, which leads nowhere",
    ]
    api = (out / "dangling" / "api" / "default.py").read_text()
    assert "def get_a(" in api and "def get_b(" not in api and "def post_b(" not in api
    models = (out / "dangling" / "models" / "_index.py").read_text()
    assert "Good" in models and "Broken" not in models
    strict = CliRunner().invoke(
        main, ["generate", str(spec), "-o", str(tmp_path / "strict"), "--strict"]
    )
    assert strict.exit_code == 1
    assert "error: #/paths/~1b/get: operation GET /b left out" in strict.output
    assert not (tmp_path / "strict").exists()


def test_a_dangling_reference_in_swagger_is_named_as_written(tmp_path: Path) -> None:
    spec = tmp_path / "swagger.yaml"
    spec.write_text(
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n"
        "  /pets:\n    get:\n      operationId: listPets\n      responses:\n"
        "        '200':\n          description: ok\n"
        "          schema: {type: array, items: {$ref: '#/definitions/Missing'}}\n"
        "  /ok:\n    get:\n      operationId: ok\n      responses:\n"
        "        '200': {description: ok}\n"
    )
    result = CliRunner().invoke(main, ["validate", str(spec)])
    lines = result.output.splitlines()
    assert (
        "warning: #/paths/~1pets/get/responses/200/schema/items: unresolvable reference "
        "'#/definitions/Missing'" in lines
    ), result.output
    assert (
        "warning: #/paths/~1pets/get: operation GET /pets left out: it reaches the reference "
        "at '#/paths/~1pets/get/responses/200/schema/items', which leads nowhere"
        in lines
    ), result.output
