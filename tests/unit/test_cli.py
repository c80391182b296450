"""The command line: exit codes, the diagnostic format and the report, as the contract pins them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import StageLines, main

ROOT = Path(__file__).resolve().parents[2]
CHAT = ROOT / "specs" / "chat.yaml"
PETS = ROOT / "tests" / "templates" / "pets.yaml"

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
            "dangling reference at its use: a warning, the operation left out",
            DANGLING,
            0,
            "warning: #/paths/~1pets/get/responses/200/content/application~1json/schema:",
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
    assert data["pagination"] == [
        {
            "pointer": f"#/paths/~1chat~1completions{path}/get",
            "kind": "cursor",
            "reason": "`after` takes `last_id`; `has_more` ends it",
        }
        for path in ("", "~1{completion_id}~1messages")
    ]
    assert set(data) == {
        "operations",
        "schemas",
        "any_fields",
        "skipped",
        "diagnostics",
        "pagination",
        "stages",  # an addition to the contract: each stage's time
    }
    assert [stage["name"] for stage in data["stages"]] == [
        "load",
        "validate",
        "build",
        "render",
        "format",
        "write",
    ]


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


def test_a_users_own_files_stop_generate_until_forced(tmp_path: Path) -> None:
    """Generating into a folder that holds the user's README, pyproject.toml and docs exits 2
    naming them and writes nothing; ``--force`` overwrites them; the user's other files stay.
    """
    out = tmp_path / "out"
    (out / "docs").mkdir(parents=True)
    mine = {
        "README.md": "# our client\n",
        "pyproject.toml": "[project]\nname = 'ours'\n",
        "docs/Pet.md": "our notes\n",
        "docs/Guide.md": "how we use it\n",
    }
    for path, text in mine.items():
        (out / path).write_text(text)
    exit_code, output = run("generate", str(PETS), "-o", str(out), "-q")
    assert exit_code == 2, output
    assert (
        f"error: {out}: 3 files oapigen did not write would be overwritten: README.md, "
        "docs/Pet.md, pyproject.toml; pass --force to overwrite them, or list them in "
        f"{out / '.oapigen-ignore'} to keep them; nothing was written"
    ) in output
    assert sorted(p.name for p in out.rglob("*")) == sorted(
        ["docs", "Guide.md", "Pet.md", "README.md", "pyproject.toml"]
    )

    exit_code, output = run("generate", str(PETS), "-o", str(out), "-q", "--force")
    assert exit_code == 0, output
    assert (out / "README.md").read_text() != mine["README.md"]
    assert (out / "docs" / "Guide.md").read_text() == mine["docs/Guide.md"]
    # now they are oapigen's: the next run replaces them without --force
    (out / "README.md").write_text("edited\n")
    assert run("generate", str(PETS), "-o", str(out), "-q")[0] == 0
    assert (out / "README.md").read_text() != "edited\n"


ONE_OPERATION = """
openapi: 3.1.0
info: {title: One, version: '1'}
paths:
  /ping:
    get:
      operationId: ping
      responses: {'204': {description: pong}}
"""


def test_counts_are_singular_when_one(tmp_path: Path) -> None:
    code, output = run("validate", str(write(tmp_path, WARNS)))
    assert code == 0 and "spec.yaml: 0 errors, 1 warning\n" in output, output
    code, output = run("validate", "--strict", str(write(tmp_path, WARNS)))
    assert code == 1 and "spec.yaml: 1 error, 0 warnings\n" in output, output
    code, output = run("generate", str(write(tmp_path, BROKEN_YAML)), "-o", "o")
    assert code == 1 and "spec.yaml: 1 error; nothing was written" in output, output
    out = tmp_path / "out"
    code, output = run("generate", str(write(tmp_path, ONE_OPERATION)), "-o", str(out))
    assert code == 0 and "generated 1 of 1 operation and 0 of 0 schemas" in output
    (out / "README.md").write_text("edited\n")
    code, output = run(
        "generate", str(tmp_path / "spec.yaml"), "-o", str(out), "--check"
    )
    assert code == 3 and f"{out}: 1 file is stale;" in output, output


def test_validate_command(tmp_path: Path) -> None:
    assert run("validate", str(CHAT))[0] == 0
    exit_code, output = run("validate", str(write(tmp_path, DANGLING)))
    assert exit_code == 0 and "warning:" in output and "Missing" in output
    exit_code, output = run("validate", "--strict", str(write(tmp_path, DANGLING)))
    assert exit_code == 1 and "error:" in output and "Missing" in output


def test_templates_list_and_dump(tmp_path: Path) -> None:
    exit_code, output = run("templates", "list")
    assert exit_code == 0 and "package/api/api.py.jinja" in output.splitlines()
    assert run("templates", "dump", str(tmp_path / "mine"))[0] == 0
    assert (tmp_path / "mine" / "runtime" / "transport.py").is_file()
    assert run("templates", "dump", str(tmp_path / "mine"))[0] == 2


def test_progress_is_a_line_per_stage_unless_quiet(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["generate", str(PETS), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    stages = [line.split()[0] for line in result.stderr.splitlines()]
    assert stages == ["load", "validate", "build", "render", "format", "write"]
    assert result.stdout.startswith("generated 4 of 4 operations")
    quiet = CliRunner().invoke(
        main, ["generate", str(PETS), "-o", str(tmp_path / "o"), "-q"]
    )
    assert quiet.exit_code == 0 and quiet.output == ""


def test_progress_bars_on_a_terminal() -> None:
    stream = io.StringIO()
    lines = StageLines(bars=True, stream=stream)
    advance = lines.started("render", 3)
    for path in ("a", "b", "c"):
        advance(path)
    lines.finished("render", 0.5)
    assert stream.getvalue().splitlines()[-1] == "render       0.50 s"


def test_check_trusts_the_manifest_until_a_file_changes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("generate", str(PETS), "-o", str(out), "-q")[0] == 0
    result = CliRunner().invoke(
        main, ["generate", str(PETS), "-o", str(out), "--check"]
    )
    assert result.exit_code == 0 and "inputs unchanged" in result.stdout
    assert "render" not in result.stderr  # answered without rendering
    readme = out / "README.md"
    readme.write_text(readme.read_text() + "edited\n")
    code, output = run("generate", str(PETS), "-o", str(out), "--check", "-q")
    assert code == 3
    assert "differs: README.md" in output and "-edited" in output
    assert "1 file is stale" in output


def test_a_setting_that_shapes_files_makes_the_output_stale(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("generate", str(PETS), "-o", str(out), "-q")[0] == 0
    (tmp_path / "oapigen.yaml").write_text("project-name: acme-pets\n")
    code, output = run(
        "generate", str(PETS), "-o", str(out), "--config", str(tmp_path / "oapigen.yaml"),
        "--check", "-q",
    )  # fmt: skip
    assert code == 3 and 'name = "acme-pets"' in output


def test_template_errors_are_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "NOTICE.jinja").write_text("{{ spec.nope }}\n")
    code, output = run(
        "generate",
        str(PETS),
        "-o",
        str(tmp_path / "o"),
        "--templates",
        str(tmp_path / "t"),
    )
    assert code == 1
    assert f"error: {(tmp_path / 't' / 'NOTICE.jinja').as_posix()}:1: " in output
    assert "Traceback" not in output and not (tmp_path / "o").exists()


def test_the_pre_commit_hook_runs_the_check() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "oapigen-check")
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    command, *args = hook["entry"].split()
    assert command == "oapigen" and args == ["generate", "--check"]
    assert CliRunner().invoke(main, [*args, "--help"]).exit_code == 0


def test_the_readme_pre_commit_configs_use_the_hook_as_offered() -> None:
    """Both of README's .pre-commit-config.yaml snippets (tried with pre-commit 4: a clone by
    path or URL at a commit, and a local hook installing oapigen) name the hook this
    repository offers, and the local one runs it as the manifest says."""
    offered = {
        h["id"]: h
        for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    }
    readme = (ROOT / "README.md").read_text()
    snippets = [
        yaml.safe_load(b.split("```")[0])
        for b in readme.split("```yaml\n# .pre-commit-config.yaml\n")[1:]
    ]
    assert len(snippets) == 2
    hooks = [
        (repo["repo"], hook)
        for s in snippets
        for repo in s["repos"]
        for hook in repo["hooks"]
    ]
    for repo, hook in hooks:
        assert hook["id"] in offered and hook["args"][0].endswith(".yaml")
        if repo == "local":
            manifest = offered[hook["id"]]
            for key in ("entry", "language", "pass_filenames"):
                assert hook[key] == manifest[key], key
            (requirement,) = hook["additional_dependencies"]
            assert requirement.startswith("oapigen @ git+https://")
