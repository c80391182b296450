"""The pipeline of one run: load -> validate -> resolve -> build IR -> render -> format -> write.

Each stage is a pure function of its inputs; this module only chains them and decides the
outcome (exit code, summary lines, report). It prints nothing: the CLI does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import __version__
from generator.build import build_spec
from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.format import FormatError, format_files
from generator.ir import Spec
from generator.loader import DocumentSet, load_documents
from generator.refs import check_refs
from generator.render import builtin_templates, render
from generator.validate import validate_document
from generator.writer import check_output, write_output

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
EXIT_CHECK_FAILED = 3
EXIT_BREAKING = 4

Progress = Callable[[str], AbstractContextManager[None]] | None


@dataclass
class Outcome:
    exit_code: int
    diagnostics: Diagnostics
    lines: list[str] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


def _stage(progress: Progress, name: str) -> AbstractContextManager[None]:
    return progress(name) if progress else nullcontext()


def load_and_check(
    config: Config, progress: Progress = None
) -> tuple[DocumentSet | None, Diagnostics]:
    """The document set and every problem found in it before any code is built."""
    diags = Diagnostics()
    with _stage(progress, "load"):
        docs = load_documents(config.spec, diags)
    if docs is None:
        return None, diags
    with _stage(progress, "validate"):
        validate_document(docs.root, diags, docs=docs)
        check_refs(docs, diags)
    return docs, diags


def validate(config: Config) -> Outcome:
    docs, diags = load_and_check(config)
    if docs is not None and not diags.has_errors:
        build_spec(docs, diags, config.package_name)
    if config.strict:
        diags = diags.strict()
    code = EXIT_ERRORS if diags.has_errors else EXIT_OK
    errors = sum(d.level == "error" for d in diags.items)
    warnings = len(diags.items) - errors
    return Outcome(
        code, diags, [f"{config.spec.name}: {errors} errors, {warnings} warnings"]
    )


def generate(config: Config, progress: Progress = None) -> Outcome:
    docs, diags = load_and_check(config, progress)
    if docs is None or diags.has_errors:
        return _failed(diags, config)
    with _stage(progress, "build"):
        spec = build_spec(docs, diags, config.package_name)
    if config.strict:
        diags = diags.strict()
    if diags.has_errors:
        return _failed(diags, config, spec)
    out = config.output or Path(spec.package)
    with _stage(progress, "render"):
        files = render(spec, config.templates)
    try:
        with _stage(progress, "format"):
            formatted = format_files(files, workers=config.workers)
    except FormatError as exc:
        diags.error(str(out), str(exc))
        return _failed(diags, config, spec)
    encoded = {path: text.encode("utf-8") for path, text in formatted.items()}
    report = _report(spec, diags)
    if config.check:
        with _stage(progress, "check"):
            differences = check_output(out, encoded)
        lines = [str(d) for d in differences]
        if differences:
            lines.append(
                f"{out}: {len(differences)} files are stale; run oapigen generate to refresh them"
            )
            return Outcome(EXIT_CHECK_FAILED, diags, lines, report)
        return Outcome(
            EXIT_OK, diags, [f"{out}: up to date ({len(encoded)} files)"], report
        )
    try:
        with _stage(progress, "write"):
            summary = write_output(
                out,
                encoded,
                inputs_digest=inputs_digest(docs, config, spec),
                generator_version=__version__,
            )
    except (ValueError, OSError) as exc:
        diags.error(str(out), f"could not write the output: {exc}")
        return _failed(diags, config, spec)
    lines = [
        f"generated {report['operations']['generated']} of {report['operations']['total']} operations and "
        f"{report['schemas']['generated']} of {report['schemas']['total']} schemas into {out} "
        f"({len(summary.written)} files written, {len(summary.unchanged)} unchanged, {len(summary.removed)} removed)"
    ]
    lines += [f"skipped {pointer}: {reason}" for pointer, reason in spec.skipped]
    return Outcome(EXIT_OK, diags, lines, report)


def inputs_digest(docs: DocumentSet, config: Config, spec: Spec) -> str:
    """What the output depends on: documents, templates, options and the generator's version."""
    digest = hashlib.sha256(f"{__version__}\0{spec.package}\0".encode())
    for path in sorted(docs.documents):
        digest.update(
            str(docs.documents[path].name).encode() + b"\0" + path.read_bytes()
        )
    for root in filter(None, (config.templates, builtin_templates())):
        for template in sorted(
            p
            for p in Path(root).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        ):
            digest.update(
                template.relative_to(root).as_posix().encode()
                + b"\0"
                + template.read_bytes()
            )
    return digest.hexdigest()


def _failed(diags: Diagnostics, config: Config, spec: Spec | None = None) -> Outcome:
    errors = sum(d.level == "error" for d in diags.items)
    report = _report(spec, diags)
    return Outcome(
        EXIT_ERRORS,
        diags,
        [f"error: {config.spec.name}: {errors} errors; nothing was written"],
        report,
    )


def _report(spec: Spec | None, diags: Diagnostics) -> dict[str, Any]:
    """The ``--report`` JSON: counts, what was skipped and why, every diagnostic."""
    return {
        "operations": {
            "total": spec.operations_total if spec else 0,
            "generated": sum(len(api.operations) for api in spec.apis) if spec else 0,
        },
        "schemas": {
            "total": spec.schemas_total if spec else 0,
            "generated": spec.schemas_generated if spec else 0,
        },
        "any_fields": spec.any_fields if spec else 0,
        "skipped": [
            {"pointer": p, "reason": r} for p, r in (spec.skipped if spec else ())
        ],
        "diagnostics": [
            {"level": d.level, "pointer": d.pointer, "message": d.message}
            for d in diags.items
        ],
    }
