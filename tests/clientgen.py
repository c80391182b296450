"""Generating a client for a test: the generator's own stages, minus the validator and black;
and the type checkers a user runs over code that calls it.

Black only re-lays the text (it never changes what the code does) and takes a minute on the
OpenAI document; formatting is checked by the golden tests. Everything else is what
``oapigen generate`` does: load, build the IR, render, write.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from generator.build import build_spec
from generator.config import Config
from generator.ir import Spec
from generator.pipeline import load_and_check
from generator.render import render

#: pyright from the project's npm lockfile, as an editor user would run it
PYRIGHT = Path(__file__).resolve().parents[1] / "node_modules" / ".bin" / "pyright"


def client_spec(spec: Path, package: str, config: Config | None = None) -> Spec:
    """The IR of the client of ``spec`` (the template context); fails on document errors."""
    docs, diags = load_and_check(config or Config(spec=spec), validator=False)
    assert docs is not None and not diags.has_errors, [str(d) for d in diags.items]
    built = build_spec(docs, diags, package, config)
    assert not diags.has_errors, [str(d) for d in diags.items if d.level == "error"]
    return built


def generate_client(
    spec: Path, out: Path, package: str, config: Config | None = None
) -> Path:
    """Writes the client package for ``spec`` (OpenAPI 3, or Swagger 2.0 read converted)
    under ``out`` (with the settings of ``config``); fails on document errors."""
    files = render(client_spec(spec, package, config))
    for relative, text in files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return out


def import_client(out: Path, package: str) -> ModuleType:
    """Imports a generated package from ``out`` (kept on ``sys.path`` for lazy imports)."""
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    return importlib.import_module(package)


def mypy_strict(folder: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` over ``targets`` (packages or files) in ``folder``."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(folder / ".mypy")]
        + list(targets),
        cwd=folder,
        capture_output=True,
        text=True,
    )


def require_npm_tool(tool: Path) -> None:
    """A tool from `npm ci` (package-lock.json: Prism, pyright): CI must have it, elsewhere
    the test is skipped."""
    if tool.exists() and shutil.which("node"):
        return
    message = f"{tool.name} is not installed: run `npm ci` at the repository root"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_pyright() -> None:
    require_npm_tool(PYRIGHT)


def pyright(folder: Path, script: str, mode: str) -> subprocess.CompletedProcess[str]:
    """pyright over ``script`` in ``folder`` in ``mode`` (basic, strict), as an editor runs it."""
    config = folder / f"pyright-{mode}.json"
    config.write_text(
        json.dumps(
            {"include": [script], "typeCheckingMode": mode, "pythonVersion": "3.11"}
        )
    )
    return subprocess.run(
        [str(PYRIGHT), "--pythonpath", sys.executable, "-p", str(config)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
