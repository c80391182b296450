"""The command line: exit codes, the diagnostic format and the report, as the contract pins them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHAT = ROOT / "specs" / "chat.yaml"

BROKEN_YAML = "openapi: 3.1.0\ninfo: {title: t, version: '1'\npaths: {}\n"
DANGLING = """
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
              schema: {$ref: '#/components/schemas/Missing'}
"""
WARNS = """
openapi: 3.1.0
info: {title: Pets, version: '1'}
paths: {}
components:
  schemas:
    Pet:
      type: object
      required: [id, id]
      properties: {id: {type: string}}
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("name", "text", "code", "expected"),
    [
        ("syntax error with line and column", BROKEN_YAML, 1, "spec.yaml:3:"),
        (
            "dangling reference at its use",
            DANGLING,
            1,
            "error: #/paths/~1pets/get/responses/200/content/application~1json/schema:",
        ),
        (
            "validator complaint is a warning",
            WARNS,
            0,
            "warning: #/components/schemas/Pet/required",
        ),
    ],
)
def test_generate_exit_codes_and_diagnostics(
    tmp_path: Path, name: str, text: str, code: int, expected: str
) -> None:
    exit_code, output = run(
        "generate", str(write(tmp_path, text)), "-o", str(tmp_path / "out")
    )
    assert exit_code == code, output
    assert expected in output, name
    assert "Traceback" not in output


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    exit_code, output = run(
        "generate", str(write(tmp_path, WARNS)), "-o", str(tmp_path / "out"), "--strict"
    )
    assert exit_code == 1 and "error: #/components/schemas/Pet/required" in output
    assert not (tmp_path / "out").exists()


def test_missing_file_is_a_usage_or_document_error(tmp_path: Path) -> None:
    exit_code, output = run("generate", str(tmp_path / "nope.yaml"))
    assert exit_code == 1 and "nope.yaml" in output and "Traceback" not in output


def test_bad_package_name_is_bad_usage(tmp_path: Path) -> None:
    exit_code, _ = run(
        "generate", str(CHAT), "--package-name", "not a name", "-o", str(tmp_path / "o")
    )
    assert exit_code == 2


def test_report_counts_what_was_generated(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    exit_code, output = run(
        "generate",
        str(CHAT),
        "-o",
        str(tmp_path / "out"),
        "--report",
        str(report),
        "-q",
    )
    assert exit_code == 0, output
    data = json.loads(report.read_text())
    assert data["operations"] == {"total": 6, "generated": 6}
    assert data["schemas"] == {"total": 42, "generated": 42}
    assert data["any_fields"] == 0 and data["skipped"] == []
    assert set(data) == {
        "operations",
        "schemas",
        "any_fields",
        "skipped",
        "diagnostics",
    }


def test_default_package_name_and_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    exit_code, output = run("generate", str(CHAT), "-q")
    assert exit_code == 0, output
    assert (
        tmp_path
        / "chat_completions_api_client"
        / "chat_completions_api_client"
        / "__init__.py"
    ).is_file()


def test_check_exits_3_when_stale_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("generate", str(CHAT), "-o", str(out), "-q")[0] == 0
    target = (
        out / "chat_client" / "_client.py"
        if (out / "chat_client").exists()
        else next(out.rglob("_client.py"))
    )
    target.write_text("# edited\n")
    exit_code, output = run("generate", str(CHAT), "-o", str(out), "--check")
    assert exit_code == 3 and "_client.py" in output
    assert target.read_text() == "# edited\n"


def test_validate_command(tmp_path: Path) -> None:
    assert run("validate", str(CHAT))[0] == 0
    exit_code, output = run("validate", str(write(tmp_path, DANGLING)))
    assert exit_code == 1 and "Missing" in output


def test_templates_list_and_dump(tmp_path: Path) -> None:
    exit_code, output = run("templates", "list")
    assert exit_code == 0 and "package/api/api.py.jinja" in output.splitlines()
    assert run("templates", "dump", str(tmp_path / "mine"))[0] == 0
    assert (tmp_path / "mine" / "runtime" / "transport.py").is_file()
    assert run("templates", "dump", str(tmp_path / "mine"))[0] == 2
