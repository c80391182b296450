"""``generate --check`` answered from the manifest (generator/inputs.py): the same answer as the
full pipeline for an up-to-date tree, and never "up to date" when an input or a file changed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator.inputs
from generator.cli import main
from generator.config import make_config
from generator.inputs import answer_from_manifest
from generator.pipeline import generate
from generator.writer import MANIFEST

ROOT = Path(__file__).resolve().parents[2]

SPEC = """
openapi: 3.1.0
info: {title: Pets, version: '1.0'}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: 'schemas/pet.yaml#/Pet'}
components:
  schemas:
    Owner:
      type: object
      required: [id, id]
      properties: {id: {type: string}}
"""
SELF_CONTAINED = SPEC.replace("schemas/pet.yaml#/Pet", "#/components/schemas/Owner")
PET = "Pet:\n  type: object\n  properties: {name: {type: string}}\n"
TEMPLATE = "# notice for {{ spec.title }}\n"
HEAVY = ("yaml", "black", "jinja2", "jsonschema", "openapi_spec_validator", "pathspec")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A spec with a referenced file, a validator warning, a config file and a team template,
    generated into ``tmp_path/out``."""
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "pet.yaml").write_text(PET)
    (tmp_path / "spec.yaml").write_text(SPEC)
    (tmp_path / "oapigen.yaml").write_text("output: out\nproject-name: pets\n")
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "NOTICE.md.jinja").write_text(TEMPLATE)
    assert run(tmp_path)[0] == 0
    return tmp_path


def run(folder: Path, *args: str, check: bool = False) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main,
        ["generate", str(folder / "spec.yaml"), "--templates", str(folder / "team")]
        + (["--check"] if check else ["-q"])
        + list(args),
    )
    return result.exit_code, result.stdout, result.stderr


def quick(folder: Path, **flags: object) -> object:
    flags = {"check": True, "templates": folder / "team", **flags}
    return answer_from_manifest(make_config(folder / "spec.yaml", flags))


def test_up_to_date_gives_the_full_runs_answer(tree: Path) -> None:
    config = make_config(
        tree / "spec.yaml", {"check": True, "templates": tree / "team"}
    )
    fast, full = answer_from_manifest(config), generate(config)
    assert fast is not None and fast.exit_code == full.exit_code == 0
    assert (
        fast.lines
        == full.lines
        == [f"{config.output}: up to date (inputs unchanged, every file as written)"]
    )
    assert (
        fast.diagnostics.items == full.diagnostics.items != []
    )  # the warning, replayed
    assert {k: v for k, v in fast.report.items() if k != "stages"} == {
        k: v for k, v in full.report.items() if k != "stages"
    }
    code, stdout, stderr = run(tree, check=True)
    assert code == 0 and "up to date" in stdout and "warning: " in stderr
    assert "load" not in stderr and "check" in stderr  # answered from the manifest


@pytest.mark.parametrize(
    "change",
    [
        "template",
        "builtin template",
        "config key",
        "referenced file",
        "referenced file gone",
        "generated file",
        "generated file gone",
        "version",
        "spec",
    ],
)
def test_any_change_makes_the_shortcut_decline(
    tree: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = 3  # what the full run then says
    if change == "template":
        (tree / "team" / "NOTICE.md.jinja").write_text(TEMPLATE + "edited\n")
    elif change == "builtin template":
        real, copy = generator.inputs.builtin_templates(), tree / "copy"
        for name in generator.inputs.template_names(real):
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            (copy / name).write_bytes((real / name).read_bytes())
        monkeypatch.setattr(generator.inputs, "builtin_templates", lambda: copy)
        assert quick(tree) is not None  # an identical copy gives the same digest
        (copy / "README.md.jinja").write_text("edited\n")
        expected = 0  # rendering does not read the copy
    elif change == "config key":
        (tree / "oapigen.yaml").write_text("output: out\nproject-name: acme-pets\n")
    elif change == "referenced file":
        (tree / "schemas" / "pet.yaml").write_text(PET.replace("name", "nick"))
    elif change == "referenced file gone":
        (tree / "schemas" / "pet.yaml").unlink()
        expected = 1
    elif change == "generated file":
        readme = tree / "out" / "README.md"
        readme.write_text(readme.read_text() + "edited\n")
    elif change == "generated file gone":
        (tree / "out" / "NOTICE.md").unlink()
    elif change == "version":
        monkeypatch.setattr(generator.inputs, "__version__", "99.0.0")
        expected = 0  # the full run's digest has the real version
    elif change == "spec":
        (tree / "spec.yaml").write_text(SPEC.replace("title: Pets", "title: Cats"))
    assert quick(tree) is None
    assert run(tree, check=True)[0] == expected


def test_other_spec_strict_old_manifest_and_no_output(tree: Path) -> None:
    other = tree / "other.yaml"
    other.write_text(SPEC)  # same bytes, another name: its header would differ
    config = make_config(other, {"check": True, "templates": tree / "team"})
    assert answer_from_manifest(config) is None
    assert (
        quick(tree, strict=True) is None
    )  # the full run turns the warning into an error
    assert run(tree, "--strict", check=True)[0] == 1
    (tree / "oapigen.yaml").write_text("project-name: pets\n")
    assert quick(tree) is None  # OUT would come from the title
    (tree / "oapigen.yaml").write_text("output: out\nproject-name: pets\n")
    manifest = json.loads((tree / "out" / MANIFEST).read_text())
    del manifest["inputs"]
    (tree / "out" / MANIFEST).write_text(json.dumps(manifest))
    assert quick(tree) is None
    assert run(tree, check=True)[0] == 0  # the full run still knows it is up to date


def test_the_manifest_is_deterministic_and_holds_no_path(tmp_path: Path) -> None:
    """A warning about the config file names it by its path; the manifest keeps it without."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "spec.yaml").write_text(SELF_CONTAINED)
        (tmp_path / name / "oapigen.yaml").write_text(
            "output: out\nclass-names: {Nope: Nope2}\n"
        )
        spec = str(tmp_path / name / "spec.yaml")
        assert CliRunner().invoke(main, ["generate", spec, "-q"]).exit_code == 0
    first, second = (
        (tmp_path / name / "out" / MANIFEST).read_bytes() for name in ("a", "b")
    )
    assert first == second and str(tmp_path).encode() not in first
    config = make_config(tmp_path / "a" / "spec.yaml", {"check": True})
    fast = answer_from_manifest(config)
    assert fast is not None
    assert [d.pointer for d in fast.diagnostics.items if "Nope" in d.message] == [
        str(tmp_path / "a" / "oapigen.yaml")
    ]
    assert fast.diagnostics.items == generate(config).diagnostics.items


def _modules_after(*args: str) -> tuple[int, list[str]]:
    """The exit code of ``oapigen ARGS`` in a fresh interpreter, and which heavy modules it imported."""
    code = (
        "import sys\n"
        f"sys.argv = ['oapigen', *{list(args)!r}]\n"
        "from generator.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        f"    print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
        "    sys.exit(exc.code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    return done.returncode, eval(done.stdout.strip().splitlines()[-1])


def test_the_shortcut_imports_no_heavy_module(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(SELF_CONTAINED)
    out = str(tmp_path / "out")
    spec = str(tmp_path / "spec.yaml")
    assert CliRunner().invoke(main, ["generate", spec, "-o", out, "-q"]).exit_code == 0
    assert _modules_after("generate", spec, "-o", out, "--check", "-q") == (0, [])
    (tmp_path / "out" / "README.md").write_text("edited\n")
    code, heavy = _modules_after("generate", spec, "-o", out, "--check", "-q")
    assert code == 3 and {"yaml", "black", "jinja2"} <= set(heavy)
