"""Regeneration formats only what changed: a file whose rendered text is the one the manifest
records, written by the same oapigen and untouched since, is taken from OUT as it is."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest

import generator.pipeline
from generator.config import make_config
from generator.format import Formatter
from generator.pipeline import EXIT_OK, generate
from generator.writer import MANIFEST

CHAT = Path(__file__).resolve().parents[2] / "specs" / "chat.yaml"


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    copy = tmp_path / "chat.yaml"
    copy.write_text(CHAT.read_text(encoding="utf-8"), encoding="utf-8")
    return copy


def run(spec: Path, out: Path) -> list[str]:
    """Generate into ``out``; the .py files black was given."""
    given: list[str] = []

    class Recording(Formatter):
        def add(self, path: str, text: str) -> list[tuple[str, str]]:
            if path.endswith(".py"):
                given.append(path)
            return super().add(path, text)

    with mock.patch.object(generator.pipeline, "Formatter", Recording):
        outcome = generate(make_config(spec, {"output": out, "quiet": True}))
    assert outcome.exit_code == EXIT_OK, outcome.lines
    return given


def test_only_changed_files_are_formatted_again(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run(spec, out)
    assert len(first) > 20
    fresh = {p: (out / p).read_bytes() for p in first}

    assert run(spec, out) == []  # nothing changed: nothing formatted

    text = spec.read_text(encoding="utf-8")
    changed = text.replace(
        "description: A finished chat completion.", "description: Changed."
    )
    assert changed != text
    spec.write_text(changed, encoding="utf-8")
    again = run(spec, out)
    assert again and len(again) < 5, again
    assert all(p.endswith("create_chat_completion_response.py") for p in again), again

    # the result is what a run from nothing writes
    clean = tmp_path / "clean"
    run(spec, clean)
    for path in first:
        assert (out / path).read_bytes() == (clean / path).read_bytes(), path
    assert fresh  # (kept for the failure message above)


def test_an_edited_file_is_formatted_again(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = run(spec, out)
    edited = next(p for p in files if p.endswith("/_client.py"))
    original = (out / edited).read_text(encoding="utf-8")
    (out / edited).write_text(original + "\n# mine\n", encoding="utf-8")
    assert run(spec, out) == [edited]
    assert (out / edited).read_text(encoding="utf-8") == original


def test_another_version_formats_everything(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = run(spec, out)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["generator_version"] = "0.0.0"
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert sorted(run(spec, out)) == sorted(files)
