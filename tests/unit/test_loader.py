"""Tests of generator/loader.py: parsing, plain JSON data, external files, bounded failures."""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Diagnostics
from generator.loader import (
    MAX_DEPTH,
    MAX_STRING,
    DocumentSet,
    iter_refs,
    load_documents,
    pointer,
    split_pointer,
)


def load(
    tmp_path: Path,
    files: dict[str, str | bytes],
    root: str = "openapi.yaml",
    allowed: list[str] | None = None,
) -> tuple[DocumentSet | None, list[str]]:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    diags = Diagnostics()
    docs = load_documents(tmp_path / root, diags, allowed or ())
    return docs, [d.format() for d in diags.items]


PARSED = [
    (
        "response codes stay as written",
        "r:\n  200: a\n  4XX: b\n",
        {"r": {"200": "a", "4XX": "b"}},
    ),
    (
        "boolean and null keys",
        "p:\n  true: 1\n  false: 2\n  ~: 3\n",
        {"p": {"true": 1, "false": 2, "null": 3}},
    ),
    (
        "number keys keep their text",
        "p:\n  1.50: a\n  010: b\n",
        {"p": {"1.50": "a", "010": "b"}},
    ),
    (
        "YAML 1.1 booleans are strings",
        "enum: [on, off, yes, no, y, n]\n",
        {"enum": ["on", "off", "yes", "no", "y", "n"]},
    ),
    (
        "YAML 1.1 keys are strings",
        "props:\n  on: 1\n  no: 2\n",
        {"props": {"on": 1, "no": 2}},
    ),
    (
        "1.2 booleans and null",
        "a: true\nb: False\nc: null\nd: ~\ne:\n",
        {"a": True, "b": False, "c": None, "d": None, "e": None},
    ),
    (
        "exponent without a dot is a number",
        "minimum: 1e-08\nmax: 1E+9\n",
        {"minimum": 1e-08, "max": 1e9},
    ),
    (
        "integers as YAML 1.2 reads them",
        "a: 010\nb: 0o17\nc: 0x1F\nd: -5\n",
        {"a": 10, "b": 15, "c": 31, "d": -5},
    ),
    (
        "sexagesimal and underscores stay text",
        "a: 1:20\nb: 1_000\n",
        {"a": "1:20", "b": "1_000"},
    ),
    (
        "dates stay as written",
        "a: 2024-01-01\nb: 2020-11-14T16:29:21Z\nc: 2024-02-30\n",
        {"a": "2024-01-01", "b": "2020-11-14T16:29:21Z", "c": "2024-02-30"},
    ),
    (
        "explicit timestamp stays text",
        "a: !!timestamp 2024-01-01\n",
        {"a": "2024-01-01"},
    ),
    ("binary becomes base64 text", "a: !!binary aGVsbG8=\n", {"a": "aGVsbG8="}),
    (
        "a redefined anchor applies to later aliases",
        "a: &x 1\nb: *x\nc: &x 2\nd: *x\n",
        {"a": 1, "b": 1, "c": 2, "d": 2},
    ),
    (
        "merge keys merge",
        "base: &b {x: 1, y: 2}\nobj:\n  <<: *b\n  y: 3\n",
        {"base": {"x": 1, "y": 2}, "obj": {"x": 1, "y": 3}},
    ),
    (
        "merged keys keep their text",
        "base: &b {200: a}\nobj:\n  <<: *b\n",
        {"base": {"200": "a"}, "obj": {"200": "a"}},
    ),
    ("a UTF-8 byte order mark is fine", "\ufeffopenapi: 3.1.0\n", {"openapi": "3.1.0"}),
]


@pytest.mark.parametrize(("name", "given", "want"), PARSED, ids=[c[0] for c in PARSED])
def test_yaml_becomes_plain_json_data(
    tmp_path: Path, name: str, given: str, want: Any
) -> None:
    docs, diags = load(tmp_path, {"openapi.yaml": given})
    assert diags == []
    assert docs is not None
    assert docs.root.data == want


@pytest.mark.parametrize(
    ("name", "root", "given", "want"),
    [
        ("json is read as json", "spec.json", '{"a": {"200": 1}}', {"a": {"200": 1}}),
        (
            "json with a \\u escape",
            "spec.json",
            '{"a": "\\ud83d\\ude00 \\u00e9"}',
            {"a": "\U0001f600 é"},
        ),
        ("content that starts like json", "spec.txt", '{"a": [1, 2]}', {"a": [1, 2]}),
        ("other extensions are yaml", "spec.txt", "a: 1\n", {"a": 1}),
    ],
)
def test_json_and_extensions(
    tmp_path: Path, name: str, root: str, given: str, want: Any
) -> None:
    docs, diags = load(tmp_path, {root: given}, root=root)
    assert diags == []
    assert docs is not None and docs.root.data == want


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-le"])
def test_utf16_and_utf32_with_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    """YAML 1.2 reads UTF-16 and UTF-32 too; the byte order mark tells them apart."""
    text = "openapi: 3.1.0\ninfo: {title: caf\u00e9}\n"
    bom = "\ufeff" if encoding.endswith(("-be", "-le")) else ""
    docs, diags = load(tmp_path, {"openapi.yaml": (bom + text).encode(encoding)})
    assert diags == []
    assert docs is not None and docs.root.data["info"] == {"title": "caf\u00e9"}


def _bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


FAILURES = [
    (
        "yaml syntax error",
        "openapi.yaml",
        "a: 1\nb: [1, 2\nc: 3\n",
        r"error: {root}:3:2: .+",
    ),
    (
        "bad indentation",
        "openapi.yaml",
        "a:\n  b: 1\n c: 2\n",
        r"error: {root}:3:2: .+",
    ),
    (
        "json syntax error",
        "spec.json",
        '{"a": 1,\n  "b": }',
        r"error: {root}:2:8: Expecting value",
    ),
    ("empty file", "openapi.yaml", "", r"error: {root}: empty file"),
    ("only whitespace", "openapi.yaml", "\n  \n", r"error: {root}: empty file"),
    ("only a comment", "openapi.yaml", "# nothing\n", r"error: {root}: empty document"),
    (
        "a list at the top",
        "openapi.yaml",
        "- a\n- b\n",
        r"error: {root}: not an OpenAPI document: the top level is a list, not a mapping",
    ),
    (
        "a string at the top",
        "openapi.yaml",
        "hello\n",
        r"error: {root}: not an OpenAPI document: the top level is a string, .+",
    ),
    (
        "binary",
        "openapi.yaml",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00",
        r"error: {root}:1:1: not UTF-8 text \(a binary file\?\): byte 0x89 cannot be decoded",
    ),
    (
        "nul bytes",
        "openapi.yaml",
        b"a: 1\x00\n",
        r"error: {root}:1:5: binary file: a NUL byte, which no YAML or JSON document holds",
    ),
    (
        "latin-1 text",
        "openapi.yaml",
        "a: 1\nb: caf\xe9\n".encode("latin-1"),
        r"error: {root}:2:7: not UTF-8 text \(a binary file\?\): byte 0xe9 cannot be decoded",
    ),
    (
        "a byte order mark of UTF-16 on other bytes",
        "openapi.yaml",
        b"\xff\xfea\x00:",
        r"error: {root}: not UTF-16 text, though it starts like it",
    ),
    (
        "two documents in one stream",
        "openapi.yaml",
        "a: 1\n---\nb: 2\n",
        r"error: {root}:2:1: expected a single document in the stream, but found another document",
    ),
    (
        "unknown tag",
        "openapi.yaml",
        "a: !!python/object:os.system x\n",
        r"error: {root}:1:4: could not determine a constructor .+",
    ),
    (
        "bad explicit int",
        "openapi.yaml",
        "a: !!int abc\n",
        r"error: {root}:1:4: invalid value for the tag 'tag:yaml.org,2002:int': .+",
    ),
    (
        "deep flow nesting",
        "openapi.yaml",
        "a: " + "[" * 2000 + "]" * 2000 + "\n",
        r"error: {root}(:1:\d+: .*nesting depth.*|: nested more than \d+ levels deep)",
    ),
    (
        "deep block nesting",
        "openapi.yaml",
        "a:\n  " + "- " * 300 + "x\n",
        rf"error: {{root}}: nested more than {MAX_DEPTH} levels deep",
    ),
    (
        "deep json nesting",
        "spec.json",
        "[" * 100_000 + "]" * 100_000,
        r"error: {root}: nested more than \d+ levels deep",
    ),
    (
        "json a bit too deep",
        "spec.json",
        '{"a": ' + "[" * 250 + "]" * 250 + "}",
        rf"error: {{root}}: nested more than {MAX_DEPTH} levels deep",
    ),
    (
        "an alias bomb",
        "openapi.yaml",
        _bomb(9),
        r"error: {root}: more than [\d,]+ nodes once YAML aliases are expanded .+",
    ),
    (
        "a recursive alias",
        "openapi.yaml",
        "a: &a [1, *a]\n",
        r"error: {root}: a YAML alias refers to a node that contains it",
    ),
]


@pytest.mark.parametrize(
    ("name", "root", "given", "want"), FAILURES, ids=[c[0] for c in FAILURES]
)
def test_unreadable_documents_are_diagnostics(
    tmp_path: Path, name: str, root: str, given: str | bytes, want: str
) -> None:
    docs, diags = load(tmp_path, {root: given}, root=root)
    assert docs is None
    label = str(tmp_path / root)
    assert len(diags) == 1, diags
    assert _matches(want.replace("{root}", "\0"), diags[0].replace(label, "\0")), diags


def _matches(pattern: str, text: str) -> bool:
    return re.fullmatch(pattern, text, re.DOTALL) is not None


def test_merges_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # PyYAML >= 6.0.4 stops merges of merges from growing; the bound is for older versions.
    monkeypatch.setattr("generator.loader.MAX_MERGED_KEYS", 3)
    docs, diags = load(
        tmp_path,
        {
            "openapi.yaml": "a: &a {k1: 1, k2: 2}\nb: {<<: *a, k3: 3}\nc: {<<: *a, k3: 3, k4: 4}\n"
        },
    )
    assert docs is None
    assert [d.replace(str(tmp_path), "") for d in diags] == [
        "error: /openapi.yaml:3:4: more than 3 keys merged with '<<'"
    ]


def test_merge_of_merges_stays_small(tmp_path: Path) -> None:
    lines = ["m0: &m0 {k0: 0, k1: 1, k2: 2, k3: 3}"]
    lines += [
        f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}, *m{i - 1}, *m{i - 1}]}}"
        for i in range(1, 16)
    ]
    docs, diags = load(tmp_path, {"openapi.yaml": "\n".join(lines)})
    assert diags == []
    assert docs is not None and docs.root.data["m15"] == {
        "k0": 0,
        "k1": 1,
        "k2": 2,
        "k3": 3,
    }


def test_a_harmless_alias_tree_loads(tmp_path: Path) -> None:
    docs, diags = load(tmp_path, {"openapi.yaml": _bomb(4)})
    assert diags == []
    assert docs is not None and len(docs.root.data["a3"]) == 10


def test_missing_root_file(tmp_path: Path) -> None:
    diags = Diagnostics()
    assert load_documents(tmp_path / "nope.yaml", diags) is None
    assert [d.format() for d in diags.items] == [
        f"error: {tmp_path / 'nope.yaml'}: file not found"
    ]


def test_external_files_are_loaded_once_each(tmp_path: Path) -> None:
    docs, diags = load(
        tmp_path,
        {
            "spec/openapi.yaml": (
                "openapi: 3.1.0\n"
                "components:\n"
                "  schemas:\n"
                "    Pet: {$ref: 'schemas/Pet.yaml'}\n"
                "    Pets: {type: array, items: {$ref: 'schemas/Pet.yaml#/'}}\n"
                "    Name: {$ref: 'schemas/Pet%20Name.yaml'}\n"
            ),
            "spec/schemas/Pet.yaml": "type: object\nproperties:\n  error: {$ref: '../../common/Error.yaml#/Error'}\n",
            "spec/schemas/Pet Name.yaml": "type: string\n",
            "common/Error.yaml": "Error: {type: object}\n",
        },
        root="spec/openapi.yaml",
        allowed=[str(tmp_path / "common")],
    )
    assert diags == []
    assert docs is not None
    assert [d.name for d in docs.documents.values()] == [
        "openapi.yaml",
        "schemas/Pet.yaml",
        "schemas/Pet Name.yaml",
        "../common/Error.yaml",
    ]
    assert all(uri.startswith("file:///") for uri in docs.documents)
    error = docs.get(
        tmp_path / "spec" / "schemas" / ".." / ".." / "common" / "Error.yaml"
    )
    assert error is not None and error.data == {"Error": {"type": "object"}}


def test_reference_problems_are_reported_where_the_reference_is(tmp_path: Path) -> None:
    docs, diags = load(
        tmp_path,
        {
            "openapi.yaml": (
                "openapi: 3.1.0\n"
                "paths:\n"
                "  /pets:\n"
                "    $ref: 'paths/pets.yaml'\n"
                "components:\n"
                "  schemas:\n"
                "    Gone: {$ref: 'missing.yaml#/Gone'}\n"
                "    Again: {$ref: 'missing.yaml'}\n"
                "    Remote: {$ref: 'https://example.com/pet.yaml#/Pet'}\n"
                "    Bad: {$ref: 'bad.yaml'}\n"
                "    AlsoBad: {$ref: 'bad.yaml#/x'}\n"
                "  x-samples:\n"
                "    data: {$ref: 'sample.yaml'}\n"
            ),
            "paths/pets.yaml": "get:\n  responses:\n    '200': {$ref: '../nowhere.yaml'}\n",
            "bad.yaml": "a: [1\n",
        },
    )
    assert docs is not None
    # x-samples is an extension: its $ref is data, not a file to read
    want = [
        r"error: #/components/schemas/Gone: unresolvable reference 'missing.yaml#/Gone': no such file",
        r"error: #/components/schemas/Again: unresolvable reference 'missing.yaml': no such file",
        r"error: #/components/schemas/Remote: reference 'https://example.com/pet.yaml#/Pet' refused: "
        r"a local document's remote references are not fetched; widen the rule .+",
        # the parser's own words follow the place (libyaml and PyYAML word it differently)
        r"error: bad.yaml:2:1: while parsing a flow sequence, .+",
        r"error: paths/pets.yaml#/get/responses/200: unresolvable reference '../nowhere.yaml': no such file",
    ]
    assert len(diags) == len(want), diags
    assert all(_matches(pattern, line) for pattern, line in zip(want, diags)), diags


@pytest.mark.parametrize(
    ("name", "given", "want"),
    [
        ("no parts", (), "#"),
        ("plain keys", ("components", "schemas", "Pet"), "#/components/schemas/Pet"),
        (
            "slash and tilde",
            ("paths", "/pets/{id}", "a~b"),
            "#/paths/~1pets~1{id}/a~0b",
        ),
        ("tilde then one", ("~1",), "#/~01"),
        ("indexes", ("tags", 0), "#/tags/0"),
        ("empty key", ("",), "#/"),
    ],
)
def test_pointer(name: str, given: tuple[str | int, ...], want: str) -> None:
    assert pointer(*given) == want
    assert split_pointer(want) == [str(p) for p in given]


@pytest.mark.parametrize(
    ("name", "given", "want"),
    [
        ("empty", "", []),
        ("hash only", "#", []),
        ("without hash", "/a/b", ["a", "b"]),
        ("escapes in order", "#/~01/~10", ["~1", "/0"]),
    ],
)
def test_split_pointer(name: str, given: str, want: list[str]) -> None:
    assert split_pointer(given) == want


@pytest.mark.parametrize("given", ["#a/b", "a", "#/a~2", "#/a~"])
def test_split_pointer_rejects(given: str) -> None:
    with pytest.raises(ValueError):
        split_pointer(given)


def test_iter_refs_in_document_order() -> None:
    data = {
        "paths": {"/pets": {"get": {"responses": {"200": {"$ref": "#/r"}}}}},
        "list": [{"$ref": "a.yaml"}, {"x": {"$ref": "#/b", "y": {"$ref": "#/c"}}}],
        "properties": {"$ref": {"type": "string"}},
        "bad": {"$ref": 5},
    }
    assert list(iter_refs(data)) == [
        ("#/paths/~1pets/get/responses/200", "#/r"),
        ("#/list/0", "a.yaml"),
        ("#/list/1/x", "#/b"),
        ("#/list/1/x/y", "#/c"),
    ]


@pytest.mark.parametrize(
    ("name", "spec", "check"),
    [
        (
            "JSON the C loader cannot read",
            "twilio-api-v2010/twilio_api_v2010.json",
            "/2010-04-01/Accounts.json",
        ),
        (
            "a redefined anchor",
            "openai-history/2024-04-22-b3f0c9d.yaml",
            "/chat/completions",
        ),
        ("multi-file", "redocly-starter/openapi.yaml", "/orders/{orderId}"),
    ],
)
def test_shared_specs_load(shared_dir: Path, name: str, spec: str, check: str) -> None:
    diags = Diagnostics()
    docs = load_documents(shared_dir / "specs" / spec, diags)
    assert [d.format() for d in diags.items] == []
    assert docs is not None and check in docs.root.data["paths"]


@pytest.mark.parametrize(
    "spec",
    [
        "invalid/osv-v3-missing-description/missing-description.yaml",
        pytest.param("asana/asana_oas.yaml", marks=pytest.mark.slow),  # 3 MB
    ],
)
def test_unquoted_response_codes_become_strings(shared_dir: Path, spec: str) -> None:
    docs = load_documents(shared_dir / "specs" / spec, Diagnostics())
    assert docs is not None
    codes = {
        code
        for item in docs.root.data["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "responses" in op
        for code in op["responses"]
    }
    assert "200" in codes and all(isinstance(code, str) for code in codes)


def test_half_a_surrogate_pair_is_named_where_it_is(tmp_path: Path) -> None:
    """JSON can escape half a UTF-16 pair, which no UTF-8 file can hold; an escaped pair is fine."""
    docs, diags = load(
        tmp_path,
        {
            "openapi.json": '{"a": "\\ud83d\\ude00", "b": ["ok", {"c\\udc00": 1}]}',
        },
        root="openapi.json",
    )
    assert docs is None
    assert diags == [
        "error: #/b/1/c%ED%B0%80: not Unicode text: 'c\\udc00' holds half of a UTF-16 surrogate pair"
    ]
    docs, diags = load(tmp_path, {"fine.json": '{"a": "\\ud83d\\ude00"}'}, "fine.json")
    assert diags == [] and docs is not None and docs.root.data == {"a": "\U0001f600"}


def test_a_string_beyond_the_limit_is_an_error_naming_its_place(tmp_path: Path) -> None:
    """Each text is carried into docstrings, docs and code, at about 200 bytes of memory per
    character: one longer than MAX_STRING stops the run where it is written."""
    near = "x" * MAX_STRING
    docs, diags = load(
        tmp_path,
        {
            "ok.yaml": f"paths:\n  /a:\n    get: {{description: {near}}}\n",
            "openapi.json": json.dumps(
                {"paths": {"/a": {"get": {"description": near + "!"}}}}
            ),
            "key.json": json.dumps({"paths": {f"/{near}": {}}}),
        },
        root="ok.yaml",
    )
    assert docs is not None and diags == []
    for root, place in [
        ("openapi.json", "#/paths/~1a/get/description"),
        ("key.json", "#/paths"),
    ]:
        docs, diags = load(tmp_path, {}, root=root)
        assert docs is None
        assert [d.replace(str(tmp_path), "") for d in diags] == [
            f"error: /{root}{place}: a text of {MAX_STRING + 1:,} characters, longer "
            f"than the limit of {MAX_STRING:,} for one string"
        ]


def test_text_multiplied_by_aliases_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A few kilobytes of YAML can name one long string a million times; every later walk
    would pay for each copy, so the expanded text is counted as the nodes are."""
    monkeypatch.setattr(
        "generator.loader.MAX_CHARACTERS", 1_002
    )  # 10 copies and 2 keys
    text = "a: &t " + "y" * 100 + "\nb: [" + ", ".join(["*t"] * 9) + "]\n"
    docs, diags = load(tmp_path, {"openapi.yaml": text})
    assert docs is not None and diags == []
    docs, diags = load(tmp_path, {"openapi.yaml": text.replace("*t]", "*t, *t]")})
    assert docs is None
    assert [d.replace(str(tmp_path), "") for d in diags] == [
        "error: /openapi.yaml#/b: more than 1,002 characters of text once YAML aliases "
        "are expanded (an alias bomb?)"
    ]


def test_a_huge_string_stops_early_in_bounded_memory(tmp_path: Path) -> None:
    """Issue 16's 100 MB string, scaled down: a 30 MB description is refused under a 2 GiB
    address-space limit (a 10 MB one used to peak at 1.9 GB while it was formatted)."""
    spec = tmp_path / "big.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        f"      description: {'w' * 30_000_000}\n"
        "      responses: {'200': {description: ok}}\n"
    )

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(spec),
            "-o",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        preexec_fn=limited,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert (
        "big.yaml#/paths/~1a/get/description: a text of 30,000,000 characters"
        in done.stderr
    )
    assert "Traceback" not in done.stderr and not (tmp_path / "o").exists()


PLAIN_YAML = (
    "a: !!bool yes\nb: !!float 1\nc: 1e-08\n200: x\n~: y\nd: &x [1, {e: 2}]\nf: *x\n"
    "g: 0o17\nh: 0x1F\ni: -.INF\nk: 010\nl: 1_000\nm: off\nn: 2024-01-01\no: !!str 12\n"
    "p: TRUE\nq: ''\nr:\ns: [~, null, Null]\n1.50: z\ntrue: t\n"
)


@pytest.mark.parametrize(
    "text",
    [
        PLAIN_YAML,
        "a: &a {k1: 1}\nb: {<<: *a, k2: 2}\n",  # a merge: PyYAML's constructor builds it
        "a: !!binary aGk=\nb: !!set {x, y}\n",
        "a: !!int twelve\n",
        "? [1]\n: 2\n",
    ],
    ids=["plain", "merge", "other tags", "bad value", "list key"],
)
def test_the_short_walk_builds_what_pyyaml_builds(text: str) -> None:
    """``_plain_data`` builds the documents it takes as PyYAML's constructor with our rules
    does; the others, and their errors, are PyYAML's own."""
    import yaml

    from generator import loader

    def outcome(load: Any) -> Any:
        try:
            return "data", load()
        except yaml.YAMLError as exc:
            return "error", str(exc)

    mine = outcome(lambda: loader._load_yaml(text))
    pyyaml = outcome(lambda: yaml.load(text, Loader=loader._yaml_loader(True)))
    assert mine == pyyaml
    short = loader._yaml_loader(True)(text)
    try:
        takes = loader._plain_data(short, short.get_single_node()) is not None
    except Exception:
        takes = False
    assert takes == (text == PLAIN_YAML)
