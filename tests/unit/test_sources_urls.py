"""A URL as SPEC (generator/sources.py, loader.py): documents fetched from a loopback server of
the test's own, their references resolved against the URL and held to the same rule as files,
and every failure of the server one error line with exit code 1."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from loopback import Loopback, Reply

from generator.cli import main
from generator.diagnostics import Diagnostics
from generator.loader import load_documents
from generator.refs import resolve
from generator.sources import Unreadable, fetch

YAML = {"content-type": "application/yaml"}

ROOT = """
openapi: 3.1.0
info: {{title: Web Pets, version: '1'}}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '{ref}'}}
"""
PET = "type: object\nproperties:\n  name: {type: string}\n"


def serve(server: Loopback, documents: dict[str, str | Reply]) -> None:
    """Every GET of a path in ``documents`` answers its YAML (or the reply given)."""
    for path, body in documents.items():
        reply = body if isinstance(body, Reply) else Reply(200, YAML, body.encode())
        server.always("GET", path, reply)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


@pytest.fixture
def other_host() -> Iterator[Loopback]:
    """A second server: another origin to the first (127.0.0.2)."""
    server = Loopback("127.0.0.2").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _quick_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAPIGEN_FETCH_TIMEOUT", "2")


def test_generate_from_a_url_and_check_it(loopback: Loopback, tmp_path: Path) -> None:
    serve(
        loopback,
        {
            "/api/openapi.yaml": ROOT.format(ref="schemas/pet.yaml"),
            "/api/schemas/pet.yaml": PET,
        },
    )
    spec = f"{loopback.url}/api/openapi.yaml"
    out, report = tmp_path / "out", tmp_path / "report.json"
    code, output = run("generate", spec, "-o", str(out), "--package-name", "web", "-q")
    assert code == 0, output
    assert "class Pet(" in (out / "web" / "models" / "pet.py").read_text()
    inputs = json.loads((out / ".oapigen-manifest.json").read_text())["inputs"]
    assert inputs["spec"] == spec and inputs["referenced"] == ["schemas/pet.yaml"]
    assert "openapi.yaml" in (out / "web" / "__init__.py").read_text().splitlines()[0]
    # --check answers from the manifest, fetching the documents again
    before = len(loopback.requests)
    args = ["-o", str(out), "--package-name", "web", "--report", str(report)]
    code, output = run("generate", spec, "--check", *args)
    assert code == 0, output
    assert [s["name"] for s in json.loads(report.read_text())["stages"]] == ["check"]
    assert len(loopback.requests) == before + 2
    # the server's document changed: the output is stale
    serve(loopback, {"/api/schemas/pet.yaml": PET + "  age: {type: integer}\n"})
    code, output = run("generate", spec, "--check", *args)
    assert code == 3, output
    assert "pet.py" in output


def test_validate_and_diff_take_urls(loopback: Loopback) -> None:
    serve(
        loopback,
        {
            "/v1/openapi.yaml": ROOT.format(ref="#/components/schemas/Pet")
            + "components:\n  schemas:\n    Pet: {type: object}\n",
            "/v2/openapi.yaml": ROOT.format(ref="#/components/schemas/Pet")
            + "components:\n  schemas:\n    Pet: {type: string}\n",
        },
    )
    code, output = run("validate", f"{loopback.url}/v1/openapi.yaml")
    assert code == 0 and "openapi.yaml: 0 errors" in output, output
    code, output = run(
        "diff", f"{loopback.url}/v1/openapi.yaml", f"{loopback.url}/v2/openapi.yaml"
    )
    assert code == 0, output
    assert f"{loopback.url}/v1/openapi.yaml" in output  # same file names: whole URLs


@pytest.mark.parametrize(
    ("name", "ref", "want"),
    [
        ("climbing out", "../other/pet.yaml", "it points outside the folder"),
        ("absolute path", "/pet.yaml", "it points outside the folder"),
        ("a local file", "file:///etc/passwd", "may not refer to local files"),
        ("another origin", "{other}/api/pet.yaml", "another origin"),
    ],
)
def test_references_of_a_url_document_stay_in_its_folder(
    loopback: Loopback, other_host: Loopback, name: str, ref: str, want: str
) -> None:
    serve(
        loopback,
        {"/api/openapi.yaml": ROOT.format(ref=ref.format(other=other_host.url))},
    )
    serve(loopback, {"/other/pet.yaml": PET, "/pet.yaml": PET})
    serve(other_host, {"/api/pet.yaml": PET})
    code, output = run("validate", f"{loopback.url}/api/openapi.yaml")
    assert code == 1
    [line] = [e for e in errors(output) if "refused" in e]
    assert want in line and "allowed-ref-root" in line, output
    fetched = [r.path for r in loopback.requests]
    assert fetched == ["/api/openapi.yaml"] and other_host.requests == []


def test_allowed_prefixes_widen_the_rule(
    loopback: Loopback, other_host: Loopback, tmp_path: Path
) -> None:
    serve(
        loopback,
        {"/api/openapi.yaml": ROOT.format(ref=f"{other_host.url}/shared/pet.yaml")},
    )
    serve(other_host, {"/shared/pet.yaml": PET})
    spec = f"{loopback.url}/api/openapi.yaml"
    code, output = run(
        "validate", spec, "--allowed-ref-root", f"{other_host.url}/shared"
    )
    assert code == 0, output
    # a local document may refer to a URL under an allowed prefix only
    local = tmp_path / "openapi.yaml"
    local.write_text(ROOT.format(ref=f"{other_host.url}/shared/pet.yaml"))
    code, output = run("validate", str(local))
    assert code == 1 and "remote references are not fetched" in output
    code, output = run(
        "validate", str(local), "--allowed-ref-root", f"{other_host.url}/shared/"
    )
    assert code == 0, output


@pytest.mark.parametrize(
    ("name", "reply", "want"),
    [
        ("not found", Reply(404, body=b"gone"), "HTTP 404"),
        ("server error", Reply(503, body=b"down"), "HTTP 503"),
        (
            "an HTML page",
            Reply(200, {"content-type": "text/html"}, b"<p>hi</p>"),
            "an HTML page",
        ),
        (
            "HTML without its type",
            Reply(200, {}, b"<!DOCTYPE html><html></html>"),
            "an HTML page",
        ),
        ("binary", Reply(200, {}, b"\x89PNG\r\n\x1a\n\x00"), "not UTF-8 text"),
        ("empty", Reply(200, YAML, b""), "empty response"),
        ("not YAML", Reply(200, YAML, b"a: [1\n"), "while parsing"),
        (
            "too slow",
            Reply(200, YAML, b"openapi: 3.1.0\n", delay=3),
            "no complete answer within 2 s",
        ),
        (
            "dripping",
            Reply(
                200,
                YAML,
                chunks=[b"openapi: 3.1.0\n"] + [b"# ...\n"] * 60,
                chunk_delay=0.1,
            ),
            "no complete answer within 2 s",
        ),
        (
            "a redirect loop",
            Reply(302, {"location": "/spec.yaml"}),
            "too many redirects",
        ),
    ],
)
def test_a_server_that_fails_is_one_error_line(
    loopback: Loopback, name: str, reply: Reply, want: str
) -> None:
    serve(loopback, {"/spec.yaml": reply})
    started = time.monotonic()
    code, output = run("validate", f"{loopback.url}/spec.yaml")
    assert time.monotonic() - started < 5
    assert code == 1
    [line] = errors(output)
    assert want in line and "Traceback" not in output, output
    assert len(output.splitlines()) == 2  # the error, and the summary


def test_redirects_stay_on_their_origin_and_under_the_rule(
    loopback: Loopback, other_host: Loopback
) -> None:
    serve(
        loopback,
        {
            "/latest": Reply(301, {"location": "/v2/openapi.yaml"}),
            "/v2/openapi.yaml": ROOT.format(ref="schemas/pet.yaml"),
            "/v2/schemas/pet.yaml": PET,
            "/away.yaml": Reply(302, {"location": f"{other_host.url}/openapi.yaml"}),
            "/v3/openapi.yaml": ROOT.format(ref="pet.yaml"),
            "/v3/pet.yaml": Reply(302, {"location": "/secret/pet.yaml"}),
        },
    )
    # references resolve against where the redirect led
    code, output = run("validate", f"{loopback.url}/latest")
    assert code == 0, output
    code, output = run("validate", f"{loopback.url}/away.yaml")
    assert code == 1 and "redirected to another origin" in output, output
    assert other_host.requests == []
    code, output = run("validate", f"{loopback.url}/v3/openapi.yaml")
    assert code == 1, output
    assert "redirected to" in output and "outside the folder" in output
    assert "/secret/pet.yaml" not in [r.path for r in loopback.requests]


def test_fetch_is_bounded_in_size(loopback: Loopback) -> None:
    serve(
        loopback,
        {
            "/declared.yaml": Reply(200, YAML, b"a" * 4096),
            "/chunked.yaml": Reply(200, YAML, chunks=[b"a" * 1024] * 8),
        },
    )
    for path in ("/declared.yaml", "/chunked.yaml"):
        with pytest.raises(Unreadable, match="larger than"):
            fetch(loopback.url + path, limit=2048)
        assert len(fetch(loopback.url + path, limit=8192).content) in (4096, 8192)


def test_self_is_the_base_of_relative_references(tmp_path: Path) -> None:
    """OpenAPI 3.2's ``$self``: relative references resolve against it; a reference under its
    folder is read from the same place beside the document, and one to ``$self`` itself names
    the document."""
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "pet.yaml").write_text(
        "Pet: {type: object, properties: {owner: {$ref: 'owner.yaml'}}}\n"
    )
    (tmp_path / "schemas" / "owner.yaml").write_text("type: string\n")
    (tmp_path / "openapi.yaml").write_text(
        "openapi: 3.2.0\n"
        "$self: https://example.com/api/v1/openapi.yaml\n"
        "components:\n"
        "  schemas:\n"
        "    Pet: {$ref: 'schemas/pet.yaml#/Pet'}\n"
        "    Same: {$ref: 'https://example.com/api/v1/openapi.yaml#/components/schemas/Pet'}\n"
        "    Away: {$ref: '../v2/pet.yaml'}\n"
    )
    diags = Diagnostics()
    docs = load_documents(tmp_path / "openapi.yaml", diags)
    assert docs is not None
    assert docs.root.uri == "https://example.com/api/v1/openapi.yaml"
    assert [d.format() for d in diags.items] == [
        "error: #/components/schemas/Away: reference '../v2/pet.yaml' refused: it points "
        "outside the folder of the root document; widen the rule with the setting "
        "allowed-ref-roots or --allowed-ref-root"
    ]
    pet = resolve(docs, docs.root, "schemas/pet.yaml#/Pet")
    assert not isinstance(pet, str) and pet.location == "schemas/pet.yaml#/Pet"
    assert pet.document.source == tmp_path.resolve() / "schemas" / "pet.yaml"
    owner = resolve(docs, pet.document, "owner.yaml")
    assert not isinstance(owner, str) and owner.node == {"type": "string"}
    same = resolve(
        docs, pet.document, "https://example.com/api/v1/openapi.yaml#/openapi"
    )
    assert not isinstance(same, str) and same.in_root and same.node == "3.2.0"


@pytest.mark.parametrize(
    ("value", "warning"),
    [
        ("https://example.com/a.yaml#frag", "not a URI without a fragment"),
        (42, "not a URI without a fragment"),
        (
            "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
            "not an http, https or file URI",
        ),
    ],
)
def test_a_self_that_cannot_be_a_base_is_ignored(
    tmp_path: Path, value: object, warning: str
) -> None:
    (tmp_path / "pet.yaml").write_text(PET)
    (tmp_path / "openapi.yaml").write_text(
        f"openapi: 3.2.0\n$self: {json.dumps(value)}\n"
        "components: {schemas: {Pet: {$ref: 'pet.yaml'}}}\n"
    )
    diags = Diagnostics()
    docs = load_documents(tmp_path / "openapi.yaml", diags)
    assert docs is not None and len(docs.documents) == 2
    [line] = [d.format() for d in diags.items]
    assert line.startswith(f"warning: #/$self: {warning}")


def test_self_of_a_document_read_from_a_url(loopback: Loopback) -> None:
    """Fetched from a mirror, a document whose ``$self`` names its home has its references
    read from the mirror."""
    serve(
        loopback,
        {
            "/mirror/openapi.yaml": "openapi: 3.2.0\n"
            "$self: https://example.com/api/openapi.yaml\n"
            "components: {schemas: {Pet: {$ref: 'https://example.com/api/pet.yaml'}}}\n",
            "/mirror/pet.yaml": PET,
        },
    )
    diags = Diagnostics()
    docs = load_documents(f"{loopback.url}/mirror/openapi.yaml", diags)
    assert docs is not None and diags.items == []
    assert [d.name for d in docs.documents.values()] == ["openapi.yaml", "pet.yaml"]
    assert [r.path for r in loopback.requests] == [
        "/mirror/openapi.yaml",
        "/mirror/pet.yaml",
    ]
