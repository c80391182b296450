"""The wheel carries the templates, so an installed oapigen generates from any directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_templates_and_entry_points(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    wheel = next(tmp_path.glob("oapigen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = ROOT / "templates"
    for template in templates.rglob("*"):
        if template.is_file() and "__pycache__" not in template.parts:
            assert (
                f"generator/templates/{template.relative_to(templates).as_posix()}"
                in names
            )
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert (
        "oapigen = generator.cli:main"
        in zipfile.ZipFile(wheel).read(entry_points).decode()
    )


def test_installed_command_generates_from_another_directory(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "oapigen"
    assert script.exists(), "install the project first (pip install '.[test]')"
    done = subprocess.run(
        [str(script), "generate", str(ROOT / "specs" / "chat.yaml"), "-o", "out", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (
        tmp_path / "out" / "chat_completions_api_client" / "_runtime" / "transport.py"
    ).is_file()
