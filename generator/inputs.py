"""What generated files depend on, and ``--check`` answered from the manifest alone.

The inputs digest covers the generator's version, every setting that shapes a file, the bytes
of SPEC and of every document it reaches through ``$ref`` (files, or URLs fetched again), and
the templates. All of these can be read without parsing anything, once the manifest says which
documents SPEC referred to. So the
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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from generator import __version__
from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.outcome import EXIT_OK, Outcome
from generator.sources import (
    Refusal,
    Scope,
    Unreadable,
    fetch,
    file_uri,
    is_url,
    read_file,
    source_name,
)
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


def inputs_digest(config: Config, documents: Sequence[tuple[str, str]]) -> str:
    """The digest of what the output depends on; ``documents`` holds the name and the sha256
    of the bytes of SPEC, then of each document it reaches through ``$ref`` (named relative to
    SPEC's folder, or by URL), sorted by name. The package name is not in it: it comes from a
    setting, or from the title in SPEC's bytes."""
    digest = hashlib.sha256(f"{__version__}\0".encode())
    digest.update(json.dumps(config.output_settings(), sort_keys=True).encode() + b"\0")
    for name, sha256 in documents:
        digest.update(os.fsencode(f"{name}\0{sha256}\0"))
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
    config: Config, root: Path | str, referenced: list[str], report: dict[str, Any]
) -> dict[str, Any] | None:
    """What the manifest keeps for ``answer_from_manifest``: the names of the referenced
    documents, SPEC when it is a URL, and the run's report without its times. A diagnostic
    about the settings is kept without the config file's path (it is put back on replay); None,
    so that ``--check`` takes the long way, when a message would write a path of this machine
    into the output. ``root``: where SPEC was read from.
    """
    settings = _settings_label(config)
    kept = {key: value for key, value in report.items() if key != "stages"}
    kept["diagnostics"] = [
        {**d, "pointer": None if d["pointer"] == settings else d["pointer"]}
        for d in report["diagnostics"]
    ]
    if isinstance(root, Path):
        folder = json.dumps(os.fspath(root.parent))[1:-1]
        if folder in json.dumps(kept):
            return None
    inputs = {"referenced": sorted(referenced), "report": kept}
    if isinstance(config.spec, str):
        inputs["spec"] = config.spec
    return inputs


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
    if isinstance(config.spec, str) and inputs.get("spec") != config.spec:
        return None
    try:
        documents = _documents(config, referenced)
    except (OSError, ValueError, Unreadable):
        return None
    if documents is None or not manifest_matches(out, inputs_digest(config, documents)):
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


def _documents(config: Config, referenced: list[str]) -> list[tuple[str, str]] | None:
    """Name and sha256 of SPEC and of each document the manifest names, read (or fetched)
    again; None when a name is one the rule for references refuses: OUT may come from anyone
    (a pull request), so its list is never read blindly."""
    if isinstance(config.spec, str):
        fetched = fetch(config.spec)
        home, name, content = fetched.url, source_name(fetched.url), fetched.content
    else:
        path = root_path(config.spec)
        home, name, content = file_uri(path), path.name, read_file(path)
    documents = [(name, hashlib.sha256(content).hexdigest())]
    scope = Scope.of(home, home, config.allowed_ref_roots)
    for name in sorted(referenced):
        found = scope.source_of(scope.locate(name))
        if isinstance(found, Refusal):
            return None
        if is_url(found):
            content = fetch(found, permit=scope.permits_url).content
        else:
            real = scope.real_file(found)
            if isinstance(real, Refusal):
                return None
            content = read_file(real)
        documents.append((name, hashlib.sha256(content).hexdigest()))
    return documents


def _settings_label(config: Config) -> str:
    """Where a diagnostic about the settings points: the config file, as the run named it."""
    return str(config.config_file or "settings")


def _replay(report: Any, config: Config) -> Diagnostics | None:
    """The recorded warnings as diagnostics; None for a report not as ``manifest_inputs`` writes it."""
    keys = {
        "operations",
        "schemas",
        "any_fields",
        "skipped",
        "diagnostics",
        "pagination",
    }
    if not isinstance(report, dict) or set(report) != keys:
        return None
    if not isinstance(report["diagnostics"], list) or not isinstance(
        report["pagination"], list
    ):
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
