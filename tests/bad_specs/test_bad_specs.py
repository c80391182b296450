"""Every broken document in this folder ends with exit code 1 and the diagnostics written beside it.

A case is a file ``<case>.<ext>`` with ``<case>.expected`` beside it: one diagnostic line per
line, in the order printed, where ``...`` stands for any text (the parser's own wording). Every
error printed must be one of them; warnings may come on top. A first line ``# args: ...`` adds
arguments to the command (``--strict`` for a document whose problems are warnings). ``_files/``
holds documents that cases refer to. Each case runs ``oapigen generate`` in process, from this folder, so that
places read as they would to the user who typed the command.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

HERE = Path(__file__).resolve().parent
CASES = sorted(
    p
    for p in HERE.glob("*.*")
    if p.suffix not in (".expected", ".py") and p.with_suffix(".expected").is_file()
)


def expected_lines(case: Path) -> list[re.Pattern[str]]:
    lines = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    return [
        re.compile(".*".join(re.escape(part) for part in line.split("...")))
        for line in lines
        if line.strip() and not line.startswith("# args:")
    ]


def extra_arguments(case: Path) -> list[str]:
    first = case.with_suffix(".expected").read_text(encoding="utf-8").partition("\n")[0]
    return first.removeprefix("# args:").split() if first.startswith("# args:") else []


def unmatched(patterns: list[re.Pattern[str]], lines: list[str]) -> list[str]:
    """The expected lines not found, in order, among the printed ones."""
    remaining = iter(lines)
    return [
        p.pattern for p in patterns if not any(p.fullmatch(line) for line in remaining)
    ]


def test_every_case_has_a_document() -> None:
    documents = {p.with_suffix(".expected") for p in CASES}
    assert set(HERE.glob("*.expected")) == documents
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_bad_document_is_a_clear_error(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(HERE)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["generate", case.name, "-o", str(out), "-q", *extra_arguments(case)]
    )
    printed = result.output.splitlines()
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    patterns = expected_lines(case)
    assert unmatched(patterns, printed) == [], result.output
    errors = [line for line in printed if line.startswith("error:")]
    surprises = [e for e in errors if not any(p.fullmatch(e) for p in patterns)]
    assert surprises == [], result.output
    assert not out.exists()


def test_validate_reports_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """``oapigen validate`` reads documents the same way, and exits 1 on each as well."""
    monkeypatch.chdir(HERE)
    for case in CASES[:: max(1, len(CASES) // 8)]:
        arguments = ["validate", case.name, "-q", *extra_arguments(case)]
        result = CliRunner().invoke(main, arguments)
        assert result.exit_code == 1, (case.name, result.output)
        assert "Traceback" not in result.output


def test_a_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["generate", str(tmp_path / "nowhere.yaml")])
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'nowhere.yaml'}: file not found" in result.output


REDEFINED_ANCHOR = """\
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
              schema: &schema {$ref: '#/components/schemas/Pet'}
  /owners:
    get:
      operationId: listOwners
      responses:
        '200':
          description: the owners
          content:
            application/json:
              schema: &schema {$ref: '#/components/schemas/Owner'}
  /owner:
    get:
      operationId: getOwner
      responses:
        '200':
          description: the latest definition of the anchor
          content:
            application/json:
              schema: *schema
components:
  schemas:
    Pet: {type: object, properties: {name: {type: string}}}
    Owner: {type: object, properties: {email: {type: string}}}
"""


def test_an_anchor_defined_twice_loads_as_yaml_says(tmp_path: Path) -> None:
    """YAML lets an anchor be defined again (OpenAI's spec did in 2024): aliases take the latest."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(REDEFINED_ANCHOR)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["generate", str(spec), "-o", str(out), "--package-name", "pets", "-q"]
    )
    assert result.exit_code == 0, result.output
    api = (out / "pets" / "api" / "default.py").read_text()
    assert "def get_owner(" in api
    assert re.search(r"def get_owner\([^)]*\)\s*->\s*Owner\b", api), api
