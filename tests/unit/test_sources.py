"""Where references may lead (generator/sources.py): the document's folder, the allowed roots,
nothing else; refused targets are never opened, and their bytes reach no output of any kind.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.sources import (
    Refusal,
    Scope,
    Unreadable,
    file_uri,
    read_file,
    resolve_uri,
)

SECRET = "hunter2-do-not-leak"

SPEC = """
openapi: 3.1.0
info: {{title: Pets, version: '1'}}
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


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``api/`` holds the documents; ``outside/`` a secret beside it, in a shape that would
    load (a mapping, then a string at ``#/db/password``)."""
    (tmp_path / "api").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "app.yaml").write_text(
        f"db:\n  password: {SECRET}\ntype: object\n"
    )
    return tmp_path


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every path this process opens with ``os.open`` while the test runs."""
    seen: list[str] = []
    real_open = os.open

    def spy(path: object, *args: object, **kwargs: object) -> int:
        seen.append(os.fspath(path))  # type: ignore[arg-type]
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    yield seen


def generate(spec: Path, *args: str) -> tuple[int, str, Path, Path]:
    out = spec.parent.parent / "out"
    report = spec.parent.parent / "report.json"
    result = CliRunner().invoke(
        main,
        ["generate", str(spec), "-o", str(out), "--report", str(report), "-q", *args],
    )
    return result.exit_code, result.output, out, report


def everything_written(output: str, *places: Path) -> str:
    """The printed output and every byte under ``places`` (OUT, the report), as text."""
    texts = [output]
    for place in places:
        files = [place] if place.is_file() else sorted(place.rglob("*"))
        texts += [
            p.read_bytes().decode("utf-8", "replace") for p in files if p.is_file()
        ]
    return "\n".join(texts)


@pytest.mark.parametrize(
    ("name", "ref", "reason"),
    [
        ("climbing out", "../outside/app.yaml#/db/password", "it points outside"),
        ("climbing far", "../../../../../../outside/app.yaml", "it points outside"),
        ("an absolute path", "{tree}/outside/app.yaml", "it points outside"),
        ("a file URI", "file://{tree}/outside/app.yaml", "it points outside"),
        ("a symlinked file", "link.yaml#/db/password", "symbolic link"),
        ("a symlinked folder", "shared/app.yaml", "symbolic link"),
    ],
)
def test_a_reference_outside_the_folder_is_refused_before_it_is_read(
    tree: Path, opened: list[str], name: str, ref: str, reason: str
) -> None:
    api = tree / "api"
    (api / "link.yaml").symlink_to(tree / "outside" / "app.yaml")
    (api / "shared").symlink_to(tree / "outside", target_is_directory=True)
    spec = api / "openapi.yaml"
    spec.write_text(SPEC.format(ref=ref.format(tree=tree)))
    code, output, out, report = generate(spec)
    assert code == 1
    assert reason in output and repr(ref.format(tree=tree)) in output, output
    assert "allowed-ref-root" in output
    assert not any(Path(p).name == "app.yaml" for p in opened), opened
    assert SECRET not in everything_written(output, out, report)
    message = json.loads(report.read_text())["diagnostics"][0]["message"]
    assert str(tree) not in message.replace(repr(ref.format(tree=tree)), "")


def test_nothing_of_a_refused_file_reaches_out_or_the_manifest(
    tree: Path, opened: list[str]
) -> None:
    """A refused reference in an extension costs a warning; the run writes OUT, and no byte
    of the file is in it, in the manifest, the report or the output."""
    spec = tree / "api" / "openapi.yaml"
    spec.write_text(
        SPEC.format(ref="#/components/schemas/Pet")
        + "components:\n  schemas:\n    Pet:\n      type: object\n"
        + "      x-secret: {$ref: '../outside/app.yaml'}\n"
        + "      properties:\n        name: {type: string}\n"
    )
    code, output, out, report = generate(spec)
    assert code == 0, output
    assert (out / ".oapigen-manifest.json").is_file()
    assert not any(Path(p).name == "app.yaml" for p in opened)
    assert SECRET not in everything_written(output, out, report)


def test_allowed_roots_widen_the_rule(tree: Path) -> None:
    spec = tree / "api" / "openapi.yaml"
    spec.write_text(SPEC.format(ref="../outside/app.yaml"))
    code, output, _, _ = generate(spec, "--allowed-ref-root", str(tree / "outside"))
    assert code == 0, output
    (tree / "api" / "oapigen.yaml").write_text("allowed-ref-roots: [../outside]\n")
    code, output, _, _ = generate(spec, "--check")
    assert code == 0, output
    # a symlink into an allowed root is fine too
    (tree / "api" / "oapigen.yaml").unlink()
    (tree / "api" / "link.yaml").symlink_to(tree / "outside" / "app.yaml")
    spec.write_text(SPEC.format(ref="link.yaml"))
    code, output, _, _ = generate(spec, "--allowed-ref-root", str(tree / "outside"))
    assert code == 0, output
    code, output, _, _ = generate(spec)
    assert code == 1 and "symbolic link" in output


def test_validate_and_diff_apply_the_rule(tree: Path) -> None:
    spec = tree / "api" / "openapi.yaml"
    spec.write_text(SPEC.format(ref="../outside/app.yaml"))
    for args in (["validate", str(spec)], ["diff", str(spec), str(spec)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert "refused: it points outside" in result.output
        assert SECRET not in result.output
        allowed = [*args, "--allowed-ref-root", str(tree / "outside")]
        result = CliRunner().invoke(main, allowed)
        assert result.exit_code == 0, result.output


def test_a_bad_allowed_root_is_bad_usage(tree: Path) -> None:
    spec = tree / "api" / "openapi.yaml"
    spec.write_text(SPEC.format(ref="#/x"))
    result = CliRunner().invoke(
        main, ["validate", str(spec), "--allowed-ref-root", "ftp://example.com/x"]
    )
    assert result.exit_code == 2 and "--allowed-ref-root" in result.output
    (tree / "api" / "oapigen.yaml").write_text("allowed-ref-roots: shared\n")
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 2
    assert "allowed-ref-roots: must be a list" in result.output


def test_fast_check_does_not_read_what_a_manifest_names_outside(
    tree: Path, opened: list[str]
) -> None:
    """OUT may come with a pull request: a manifest naming a file outside the folder does not
    make ``--check`` read it: the full run answers instead."""
    spec = tree / "api" / "openapi.yaml"
    spec.write_text(
        SPEC.format(ref="#/components/schemas/Pet")
        + "components:\n  schemas:\n    Pet: {type: object}\n"
    )
    code, output, out, _ = generate(spec)
    assert code == 0, output
    manifest_path = out / ".oapigen-manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["inputs"]["referenced"] = ["../outside/app.yaml"]
    manifest_path.write_text(json.dumps(manifest))
    opened.clear()
    code, output, _, report = generate(spec, "--check")
    assert code == 0, output
    stages = [s["name"] for s in json.loads(report.read_text())["stages"]]
    assert "load" in stages  # the full run, not the answer from the manifest
    assert not any(Path(p).name == "app.yaml" for p in opened)
    assert SECRET not in everything_written(output, report)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_fifos_and_devices_are_refused_at_once(tree: Path) -> None:
    api = tree / "api"
    os.mkfifo(api / "pipe.yaml")
    spec = api / "openapi.yaml"
    spec.write_text(SPEC.format(ref="pipe.yaml"))
    code, output, _, _ = generate(spec)
    assert code == 1 and "pipe.yaml: not a regular file (a FIFO)" in output
    code, output, _, _ = generate(api / "pipe.yaml")
    assert code == 1 and "not a regular file (a FIFO)" in output
    spec.write_text(SPEC.format(ref="/dev/zero"))
    code, output, _, _ = generate(spec, "--allowed-ref-root", "/dev")
    assert code == 1 and "not a regular file (a device)" in output


WEB = "https://api.example.com/v1/openapi.yaml"
SCOPES = [
    # name, root read from, its $self (or ""), allowed roots, reference target, want
    (
        "a file below",
        "file:///p/api/o.yaml",
        "",
        (),
        "file:///p/api/s/a.yaml",
        "file:///p/api/s/a.yaml",
    ),
    (
        "a file beside",
        "file:///p/api/o.yaml",
        "",
        (),
        "file:///p/a.yaml",
        "points outside",
    ),
    (
        "an allowed folder",
        "file:///p/api/o.yaml",
        "",
        ("/p/shared",),
        "file:///p/shared/a.yaml",
        "file:///p/shared/a.yaml",
    ),
    (
        "a URL from a file",
        "file:///p/api/o.yaml",
        "",
        (),
        WEB,
        "remote references are not fetched",
    ),
    (
        "an allowed URL prefix",
        "file:///p/api/o.yaml",
        "",
        ("https://api.example.com/v1",),
        WEB,
        WEB,
    ),
    (
        "a prefix is a folder",
        "file:///p/api/o.yaml",
        "",
        ("https://api.example.com/v",),
        WEB,
        "not fetched",
    ),
    (
        "a URL below",
        WEB,
        "",
        (),
        "https://api.example.com/v1/s/a.yaml",
        "https://api.example.com/v1/s/a.yaml",
    ),
    ("a URL beside", WEB, "", (), "https://api.example.com/a.yaml", "points outside"),
    (
        "another origin",
        WEB,
        "",
        (),
        "https://evil.example.com/v1/a.yaml",
        "another origin",
    ),
    (
        "another port",
        WEB,
        "",
        (),
        "https://api.example.com:8443/v1/a.yaml",
        "another origin",
    ),
    (
        "another scheme",
        WEB,
        "",
        (),
        "http://api.example.com/v1/a.yaml",
        "another origin",
    ),
    (
        "a file from a URL",
        WEB,
        "",
        (),
        "file:///etc/passwd",
        "may not refer to local files",
    ),
    (
        "$self maps onto the file's folder",
        "file:///p/api/o.yaml",
        WEB,
        (),
        "https://api.example.com/v1/s/a.yaml",
        "file:///p/api/s/a.yaml",
    ),
    (
        "$self's folder only",
        "file:///p/api/o.yaml",
        WEB,
        (),
        "https://api.example.com/a.yaml",
        "points outside",
    ),
    (
        "$self, and the file's own folder",
        "file:///p/api/o.yaml",
        WEB,
        (),
        "file:///p/api/a.yaml",
        "$self puts its folder at https://api.example.com/v1/",
    ),
]


@pytest.mark.parametrize(
    ("name", "source", "identity", "allowed", "target", "want"),
    SCOPES,
    ids=[case[0] for case in SCOPES],
)
def test_scope_source_of(
    name: str,
    source: str,
    identity: str,
    allowed: tuple[str, ...],
    target: str,
    want: str,
) -> None:
    found = Scope.of(identity or source, source, allowed).source_of(target)
    if isinstance(found, Refusal):
        assert want in found.reason and "allowed-ref-root" in found.reason
    else:
        assert found == want


def test_scope_real_file_resolves_symlinks(tmp_path: Path) -> None:
    (tmp_path / "api" / "sub").mkdir(parents=True)
    root = file_uri((tmp_path / "api" / "openapi.yaml").resolve())
    scope = Scope.of(root, root)
    inside = file_uri(tmp_path.resolve() / "api" / "sub" / "a.yaml")
    assert scope.real_file(inside) == tmp_path.resolve() / "api" / "sub" / "a.yaml"
    (tmp_path / "api" / "sub" / "up").symlink_to(tmp_path)
    through = file_uri(tmp_path.resolve() / "api" / "sub" / "up" / "a.yaml")
    refusal = scope.real_file(through)
    assert isinstance(refusal, Refusal) and "symbolic link" in refusal.reason
    assert scope.real_file(through) == scope.real_file(through)  # reads nothing


@pytest.mark.parametrize(
    ("base", "ref", "want"),
    [
        ("file:///p/api/o.yaml", "s/a b.yaml", "file:///p/api/s/a%20b.yaml"),
        ("file:///p/api/o.yaml", "s/a%20b.yaml", "file:///p/api/s/a%20b.yaml"),
        ("file:///p/api/o.yaml", "../../../../x.yaml", "file:///x.yaml"),
        ("file:///p/api/o.yaml", "/etc/passwd", "file:///etc/passwd"),
        ("file:///p/api/o.yaml", "file:///etc/passwd", "file:///etc/passwd"),
        (
            "https://H.example.com:443/a/o.yaml",
            "./b/../c.yaml",
            "https://h.example.com/a/c.yaml",
        ),
        (
            "https://h.example.com/a/o.yaml",
            "//evil.example.com/x",
            "https://evil.example.com/x",
        ),
        (
            "https://h.example.com/a/o.yaml",
            "/x.yaml?v=2",
            "https://h.example.com/x.yaml?v=2",
        ),
    ],
)
def test_resolve_uri(base: str, ref: str, want: str) -> None:
    assert resolve_uri(base, ref) == want


def test_resolve_uri_refuses_other_schemes() -> None:
    for ref in ("ftp://example.com/a.yaml", "urn:uuid:1", "//host/share/a.yaml"):
        assert isinstance(resolve_uri("file:///p/o.yaml", ref), Refusal), ref


def test_read_file_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a" * 2048)
    assert read_file(path, limit=2048) == b"a" * 2048
    with pytest.raises(Unreadable, match="larger than"):
        read_file(path, limit=1024)
    with pytest.raises(Unreadable, match="a folder"):
        read_file(tmp_path)
    with pytest.raises(FileNotFoundError):
        read_file(tmp_path / "nope.yaml")
