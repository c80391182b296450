"""Tests of generator/background.py and of generate() around it: a run that validates in a
child process reports exactly what one that validates first does, and a dead child is a
warning, never a traceback."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from generator import background
from generator.background import Validation
from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.loader import load_documents
from generator.pipeline import generate

# A validator warning (duplicate required entries), a build warning after it (a setting that
# matches nothing), and enough for a small package.
SPEC = """
openapi: 3.1.0
info: {title: Pets, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      required: [id, id]
      properties:
        id: {type: integer}
    Tag:
      type: object
      properties:
        name: {type: string, minLength: '1'}
"""
VALIDATOR_WARNINGS = [
    "warning: #/components/schemas/Pet/required: ['id', 'id'] has non-unique elements",
    "warning: #/components/schemas/Tag/properties/name/minLength: '1' is not of type 'integer'",
]


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "openapi.yaml"
    path.write_text(SPEC)
    return path


@pytest.fixture
def fork_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every document is big enough to validate in a child process."""
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    monkeypatch.setattr(background, "MIN_BYTES", 0)


def validation(spec: Path, background: bool) -> Validation:
    docs = load_documents(spec, Diagnostics())
    assert docs is not None
    return Validation(docs, background=background)


def lines(items: Any) -> list[str]:
    return [d.format() for d in items]


def test_a_child_finds_what_the_process_finds(spec: Path, fork_always: None) -> None:
    inline, child = validation(spec, False), validation(spec, True)
    assert not inline.in_background and child.in_background
    assert lines(child.result()) == lines(inline.result()) == VALIDATOR_WARNINGS


def test_a_small_document_is_validated_in_process(spec: Path) -> None:
    assert not validation(spec, True).in_background


def run(spec: Path, out: Path, workers: int, **settings: Any) -> Any:
    settings = {"class_names": {"Nothing": "Else"}, **settings}
    return generate(Config(spec=spec, output=out, workers=workers, **settings))


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".oapigen-manifest.json"
    }


def test_generate_reports_the_same_with_a_child(
    spec: Path, tmp_path: Path, fork_always: None
) -> None:
    alone = run(spec, tmp_path / "alone", workers=1)
    beside = run(spec, tmp_path / "beside", workers=2)
    assert alone.exit_code == beside.exit_code == 0
    assert lines(beside.diagnostics.items) == lines(alone.diagnostics.items)
    assert lines(alone.diagnostics.items)[:2] == VALIDATOR_WARNINGS
    assert len(alone.diagnostics.items) == 3  # the unused class name comes after
    assert beside.report["diagnostics"] == alone.report["diagnostics"]
    names = [stage["name"] for stage in beside.report["stages"]]
    assert names == ["load", "validate", "build", "render", "format", "write"]
    assert files(tmp_path / "beside") == files(tmp_path / "alone")


def test_strict_writes_nothing_when_only_the_child_warns(
    spec: Path, tmp_path: Path, fork_always: None
) -> None:
    spec.write_text(SPEC.replace("required: [id, id]", "required: [id]"))
    strict = run(spec, tmp_path / "out", workers=2, strict=True, class_names={})
    assert strict.exit_code == 1
    assert lines(strict.diagnostics.items) == [
        "error: #/components/schemas/Tag/properties/name/minLength: '1' is not of type 'integer'"
    ]
    assert not (tmp_path / "out").exists()


def die(*args: Any, **kwargs: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def fail(*args: Any, **kwargs: Any) -> None:
    raise MemoryError


@pytest.mark.parametrize(
    ("how", "code"), [(die, -signal.SIGKILL), (fail, 1)], ids=["killed", "raised"]
)
def test_a_dead_child_is_a_warning(
    spec: Path,
    tmp_path: Path,
    fork_always: None,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    how: Any,
    code: int,
) -> None:
    monkeypatch.setattr(background, "validate_document", how)
    outcome = run(spec, tmp_path / "out", workers=2)
    assert outcome.exit_code == 0
    assert lines(outcome.diagnostics.items)[0] == (
        "warning: #: validation cut short: the validator process ended without a result "
        f"(exit code {code})"
    )
    assert (tmp_path / "out").is_dir()
    assert "Traceback" not in capfd.readouterr().err


def test_the_child_keeps_the_cache(
    spec: Path, tmp_path: Path, fork_always: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAPIGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec.write_text(SPEC.replace("required: [id, id]", "required: [id]"))  # Pet passes
    cold = run(spec, tmp_path / "cold", workers=2)
    assert len(list((tmp_path / "cache").iterdir())) == 1
    warm = run(spec, tmp_path / "warm", workers=2)
    assert warm.report["diagnostics"] == cold.report["diagnostics"]


def test_a_failed_fork_validates_in_process(
    spec: Path, fork_always: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Any) -> None:
        raise BlockingIOError("no process slot")

    monkeypatch.setattr(multiprocessing.get_context("fork").Process, "start", refuse)
    pending = validation(spec, True)
    assert not pending.in_background
    assert lines(pending.result()) == VALIDATOR_WARNINGS


def test_cancel_stops_the_child(
    spec: Path, fork_always: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(background, "validate_document", lambda *a, **k: time.sleep(60))
    pending = validation(spec, True)
    started = time.monotonic()
    pending.cancel()
    assert time.monotonic() - started < 10
    assert pending._process is not None and pending._process.exitcode == -signal.SIGKILL
