"""What generated files depend on, and ``--check`` answered from the manifest alone.

The inputs digest covers the generator's version, every setting that shapes a file, the bytes
of SPEC and of every file it reaches through ``$ref``, and the templates. All of these can be
read without parsing anything, once the manifest says which files SPEC referred to. So the
manifest records that list, and the report of the run that wrote it; ``--check`` on an
unchanged tree then recomputes the digest from raw bytes, verifies every owned file and replays
the report, without loading YAML, validating or rendering (about 0.2 s instead of 10 s for the
OpenAI document). Whenever anything differs or is missing it declines, and the full pipeline
runs and says what is stale.

This module imports no heavy library (no YAML, jsonschema, Jinja or black): the CLI uses it
before it imports the pipeline.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator import __version__
from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.outcome import EXIT_OK, Outcome
from generator.sources import Scope, Unreadable, read_file
from generator.writer import manifest_matches, read_manifest


def builtin_templates() -> Path:
    """Templates ship inside the wheel as ``generator/templates``; in a checkout they sit at the top."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def template_names(root: Path) -> list[str]:
    """Every file under ``root`` as a sorted relative posix name; hidden files and folders
    (``.mypy_cache``) and ``__pycache__`` are tools' leftovers, not templates."""
    names = (p.relative_to(root) for p in root.rglob("*") if p.is_file())
    return sorted(
        name.as_posix()
        for name in names
        if not any(part.startswith(".") or part == "__pycache__" for part in name.parts)
    )


def root_path(spec: Path) -> Path:
    """SPEC as ``loader.load_root`` keys it: symlinks resolved (referenced files are found from there)."""
    try:
        return spec.resolve()
    except (OSError, RuntimeError):  # a symlink loop: reading it reports the problem
        return Path(os.path.abspath(spec))


def inputs_digest(config: Config, root: Path, referenced: Mapping[str, Path]) -> str:
    """The digest of what the output depends on; ``referenced`` maps the name of each file SPEC
    reaches through ``$ref`` (relative to SPEC's folder) to its path. The package name is not
    in it: it comes from a setting, or from the title in SPEC's bytes."""
    digest = hashlib.sha256(f"{__version__}\0".encode())
    digest.update(json.dumps(config.output_settings(), sort_keys=True).encode() + b"\0")
    for name, path in [(root.name, root), *sorted(referenced.items())]:
        content = read_file(Path(os.path.realpath(path)))
        digest.update(os.fsencode(f"{name}\0{len(content)}\0") + content)
    for label, folder in (
        ("custom", config.templates),
        ("builtin", builtin_templates()),
    ):
        if folder is None:
            continue
        digest.update(f"{label}\0".encode())
        for name in template_names(folder):
            content = (folder / name).read_bytes()
            digest.update(f"{name}\0{len(content)}\0".encode() + content)
    return digest.hexdigest()


def manifest_inputs(
    config: Config, root: Path, referenced: list[str], report: dict[str, Any]
) -> dict[str, Any] | None:
    """What the manifest keeps for ``answer_from_manifest``: the names of the referenced files
    and the run's report without its times. A diagnostic about the settings is kept without the
    config file's path (it is put back on replay); None, so that ``--check`` takes the long way,
    when a message would write a path of this machine into the output.
    """
    settings = _settings_label(config)
    kept = {key: value for key, value in report.items() if key != "stages"}
    kept["diagnostics"] = [
        {**d, "pointer": None if d["pointer"] == settings else d["pointer"]}
        for d in report["diagnostics"]
    ]
    folder = json.dumps(os.fspath(root.parent))[1:-1]
    if folder in json.dumps(kept):
        return None
    return {"referenced": sorted(referenced), "report": kept}


def answer_from_manifest(config: Config) -> Outcome | None:
    """``--check`` answered before any document is parsed, or None to run the full check.

    Up to date when the manifest records the digest of the inputs as they are now and every
    file it lists is as written; the recorded warnings are replayed. It declines when OUT is
    only known from the title (no ``-o`` and no package name), and under ``--strict`` when the
    run that wrote OUT had warnings (the full run turns them into errors).
    """
    started = time.perf_counter()
    out = config.output or (Path(config.package_name) if config.package_name else None)
    if not config.check or out is None:
        return None
    manifest = read_manifest(out)
    inputs = manifest.get("inputs") if manifest else None
    if not isinstance(inputs, dict):
        return None
    referenced, report = inputs.get("referenced"), inputs.get("report")
    if not isinstance(referenced, list) or not all(
        isinstance(n, str) for n in referenced
    ):
        return None
    diags = _replay(report, config)
    if diags is None or (config.strict and diags.items):
        return None
    root = root_path(config.spec)
    paths = {name: Path(os.path.normpath(root.parent / name)) for name in referenced}
    # OUT may come from anyone (a pull request): its list is held to the rule for references
    scope = Scope.of(root, config.allowed_ref_roots)
    if not all(isinstance(scope.admit(path), Path) for path in paths.values()):
        return None
    try:
        digest = inputs_digest(config, root, paths)
    except (OSError, ValueError, Unreadable):
        return None
    if not manifest_matches(out, digest):
        return None
    assert isinstance(report, dict)
    seconds = round(time.perf_counter() - started, 3)
    return Outcome(
        EXIT_OK,
        diags,
        [f"{out}: up to date (inputs unchanged, every file as written)"],
        {
            **report,
            "diagnostics": [
                {"level": d.level, "pointer": d.pointer, "message": d.message}
                for d in diags.items
            ],
            "stages": [{"name": "check", "seconds": seconds}],
        },
    )


def _settings_label(config: Config) -> str:
    """Where a diagnostic about the settings points: the config file, as the run named it."""
    return str(config.config_file or "settings")


def _replay(report: Any, config: Config) -> Diagnostics | None:
    """The recorded warnings as diagnostics; None for a report not as ``manifest_inputs`` writes it."""
    keys = {"operations", "schemas", "any_fields", "skipped", "diagnostics"}
    if not isinstance(report, dict) or set(report) != keys:
        return None
    if not isinstance(report["diagnostics"], list):
        return None
    diags = Diagnostics()
    for d in report["diagnostics"]:
        if not isinstance(d, dict) or d.get("level") != "warning":
            return None
        pointer, message = d.get("pointer"), d.get("message")
        if pointer is None:
            pointer = _settings_label(config)
        if not isinstance(pointer, str) or not isinstance(message, str):
            return None
        diags.warning(pointer, message)
    return diags
