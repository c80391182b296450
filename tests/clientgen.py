"""Generating a client for a test: the generator's own stages, minus the validator and black.

Black only re-lays the text (it never changes what the code does) and takes a minute on the
OpenAI document; formatting is checked by the golden tests. Everything else is what
``oapigen generate`` does: load, build the IR, render, write.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from generator.build import build_spec
from generator.config import Config
from generator.ir import Spec
from generator.pipeline import load_and_check
from generator.render import render


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
