"""The pipeline of one run: load -> validate -> resolve -> build IR -> render -> format -> write.

Each stage is a pure function of its inputs; this module only chains them and decides the
outcome (exit code, summary lines, report). It prints nothing: the CLI does.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from generator import __version__
from generator.build import build_spec
from generator.checks import check_document
from generator.config import Config, unused_settings
from generator.diagnostics import Diagnostics
from generator.diff import as_json, compare, has_breaking, markdown
from generator.format import FormatError, Formatter, formattable
from generator.inputs import inputs_digest, manifest_inputs
from generator.ir import Spec
from generator.loader import (
    DocumentSet,
    collect_documents,
    collector_paused,
    load_root,
)
from generator.outcome import (
    EXIT_BREAKING,
    EXIT_CHECK_FAILED,
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    Outcome,
    counted,
)
from generator.recognise import recognised
from generator.refs import check_refs, without_broken_parts
from generator.render import TemplateError, iter_render, plan
from generator.sources import spec_name
from generator.swagger import convert, is_swagger
from generator.validate import validate_document
from generator.writer import (
    IGNORE,
    NotOursError,
    check_output,
    formatted_before,
    manifest_matches,
    open_output,
)

__all__ = [
    "EXIT_BREAKING",
    "EXIT_CHECK_FAILED",
    "EXIT_ERRORS",
    "EXIT_OK",
    "EXIT_USAGE",
    "Outcome",
    "build_for_diff",
    "diff",
    "generate",
    "load_and_check",
    "validate",
]


class Progress(Protocol):
    """Told of each stage as it runs (the CLI shows it on stderr)."""

    def started(self, name: str, total: int) -> Callable[[str], None]:
        """A stage begins; for ``total`` > 0 the callable returned is called once per item."""
        ...

    def finished(self, name: str, seconds: float) -> None: ...


@dataclass
class Stages:
    """Times the stages of one run, for the report, and tells ``progress`` about them."""

    progress: Progress | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str, total: int = 0) -> Iterator[Callable[[str], None]]:
        advance = self.progress.started(name, total) if self.progress else _nothing
        started = time.perf_counter()
        try:
            yield advance
        finally:  # a failed stage still ends its progress bar
            # a stage entered twice (validate) adds up, and keeps its first place
            self.seconds[name] = self.seconds.get(name, 0.0) + (
                time.perf_counter() - started
            )
            if self.progress:
                self.progress.finished(name, self.seconds[name])


def _nothing(item: str) -> None:
    """No progress to show."""


def load_and_check(
    config: Config, stages: Stages | None = None, *, validator: bool = True
) -> tuple[DocumentSet | None, Diagnostics]:
    """The document set and every problem found in it before any code is built.

    ``validator=False`` skips openapi-spec-validator's rules (``diff`` builds two documents
    that were generated from before, and says so)."""
    stages = stages or Stages()
    written, diags = _load(config, stages)
    if written is None:
        return None, diags
    docs, located = _converted(written, diags, stages)
    with stages.stage("validate"):
        if validator:
            validate_document(written.root, diags, docs=written)
        if check_refs(written, diags):
            docs = without_broken_parts(docs, located)
        check_document(docs, located)
    return docs, located


def _load(config: Config, stages: Stages) -> tuple[DocumentSet | None, Diagnostics]:
    diags = Diagnostics()
    with stages.stage("load"):
        root = load_root(config.spec, diags)
        if root is None or not recognised(root.data, diags):
            return None, diags
        return collect_documents(root, diags, config.allowed_ref_roots), diags


def _converted(
    docs: DocumentSet, diags: Diagnostics, stages: Stages
) -> tuple[DocumentSet, Diagnostics]:
    """A Swagger 2.0 document set read as OpenAPI 3.0, and a view of ``diags`` through which
    the stages that read it name places in the 2.0 document as written. The validator and
    the reference check read the documents as written."""
    if not is_swagger(docs.root.data):
        return docs, diags
    with stages.stage("convert"):
        converted = convert(docs)
    return converted.docs, diags.located(converted.locate)


def validate(config: Config) -> Outcome:
    docs, diags = load_and_check(config)
    if docs is not None and not diags.has_errors:
        _build(docs, diags, config)
    if config.strict:
        diags = diags.strict()
    code = EXIT_ERRORS if diags.has_errors else EXIT_OK
    errors = sum(d.level == "error" for d in diags.items)
    warnings = len(diags.items) - errors
    summary = f"{counted(errors, 'error')}, {counted(warnings, 'warning')}"
    return Outcome(code, diags, [f"{spec_name(config.spec)}: {summary}"])


def generate(config: Config, progress: Progress | None = None) -> Outcome:
    stages = Stages(progress)
    docs, diags = load_and_check(config, stages)
    if docs is None:
        return _failed(diags, config, stages=stages)
    made = _make(docs, diags, config, stages)
    spec = made.spec
    if spec is None:
        return _failed(diags, config, stages=stages)
    if config.strict:
        diags = diags.strict()
    if diags.has_errors:
        return _failed(diags, config, spec, stages)
    out = made.out
    if config.check and manifest_matches(out, made.digest):
        return Outcome(
            EXIT_OK,
            diags,
            [f"{out}: up to date (inputs unchanged, every file as written)"],
            _report(spec, diags, stages),
        )
    try:
        made.paths = [job.path for job in plan(spec, config.templates)]
    except TemplateError as exc:
        return _not_made(exc, made, diags, config, stages)
    if config.check:
        return _check(made, diags, config, stages)
    try:
        with open_output(out, made.paths, force=config.force) as output:
            for path, text in _files(made, config, stages):
                output.put(path, text.encode("utf-8"))
            with stages.stage("write"):
                summary = output.finish(
                    inputs_digest=made.digest,
                    generator_version=__version__,
                    inputs=manifest_inputs(
                        config, docs.root.source, made.referenced, _report(spec, diags)
                    ),
                    rendered=made.rendered,
                )
    except (TemplateError, FormatError) as exc:
        return _not_made(exc, made, diags, config, stages)
    except NotOursError as exc:  # bad usage: the user's files are where OUT goes
        line = (
            f"error: {out}: {exc}; pass --force to overwrite them, or list them in "
            f"{out / IGNORE} to keep them; nothing was written"
        )
        return Outcome(EXIT_USAGE, diags, [line], _report(spec, diags, stages))
    except (ValueError, OSError) as exc:
        diags.error(str(out), f"could not write the output: {exc}")
        return _failed(diags, config, spec, stages)
    report = _report(spec, diags, stages)
    lines = [
        f"generated {report['operations']['generated']} of "
        f"{counted(report['operations']['total'], 'operation')} and "
        f"{report['schemas']['generated']} of {counted(report['schemas']['total'], 'schema')} "
        f"into {out} ({counted(len(summary.written), 'file')} written, "
        f"{len(summary.unchanged)} unchanged, {len(summary.removed)} removed)"
    ]
    lines += [f"skipped {pointer}: {reason}" for pointer, reason in spec.skipped]
    return Outcome(EXIT_OK, diags, lines, report)


def _check(made: _Made, diags: Diagnostics, config: Config, stages: Stages) -> Outcome:
    """``--check``: how OUT differs from what this run would write; writes nothing."""
    assert made.spec is not None
    out = made.out
    try:
        files = dict(_files(made, config, stages))
    except (TemplateError, FormatError) as exc:
        return _not_made(exc, made, diags, config, stages)
    encoded = {path: files[path].encode("utf-8") for path in made.paths}
    with stages.stage("check"):
        differences = check_output(out, encoded)
    report = _report(made.spec, diags, stages)
    lines = [str(d) for d in differences]
    if differences:
        stale = counted(len(differences), "file") + (
            " is" if len(differences) == 1 else " are"
        )
        lines.append(f"{out}: {stale} stale; run oapigen generate to refresh them")
        return Outcome(EXIT_CHECK_FAILED, diags, lines, report)
    return Outcome(
        EXIT_OK,
        diags,
        [f"{out}: up to date ({counted(len(encoded), 'file')})"],
        report,
    )


@dataclass
class _Made:
    """What build made, for ``generate`` to render and check or write."""

    spec: Spec | None = None  # None: the checks found errors, nothing was built
    out: Path = Path()
    digest: str = ""
    # the names of the documents beside the root
    referenced: list[str] = field(default_factory=list)
    # every file of the package, in the order it is rendered
    paths: list[str] = field(default_factory=list)
    # a digest of each rendered .py file, for the manifest (see rendered_digest)
    rendered: dict[str, str] = field(default_factory=dict)


def _make(
    docs: DocumentSet, diags: Diagnostics, config: Config, stages: Stages
) -> _Made:
    """The IR and what the manifest records of the inputs; writes nothing."""
    if diags.has_errors:
        return _Made()
    with stages.stage("build"), collector_paused():
        spec = _build(docs, diags, config)
    documents = [
        (docs.root.name, docs.root.digest),
        *sorted(
            (d.name, d.digest) for d in docs.documents.values() if d is not docs.root
        ),
    ]
    return _Made(
        spec,
        config.output or Path(spec.package),
        inputs_digest(config, documents),
        [n for n, _ in documents[1:]],
    )


# From this many Python files on, the formatter's workers are started before anything is
# rendered (a smaller package is formatted in this process when it fits one chunk).
_MANY_FILES = 64


def _files(made: _Made, config: Config, stages: Stages) -> Iterator[tuple[str, str]]:
    """The files (``made.paths``) of the package as they are to be written, each as soon as it is
    ready: rendered here while the formatter's workers format what is rendered already (so
    the two stages overlap, and each stage's time includes what the caller does with the
    files meanwhile: writing them into the new tree). A ``.py`` file whose rendered text the
    last run formatted is taken from OUT (``formatted_before``); ``made.rendered`` gets the
    digest of every rendered ``.py`` file, for the manifest."""
    assert made.spec is not None
    known = formatted_before(made.out, __version__)
    formatter = Formatter(config.workers, builtin_templates=config.templates is None)
    with closing(formatter):
        if sum(path.endswith(".py") for path in made.paths) >= _MANY_FILES:
            formatter.start_workers()  # before the writer's threads start
        with stages.stage("render", len(made.paths)) as advance:
            for path, text in iter_render(made.spec, config.templates):
                advance(path)
                if formattable({path: text}):
                    digest = made.rendered[path] = rendered_digest(text)
                    before = known(path, digest)
                    if before is not None:
                        yield path, before
                        continue
                yield from formatter.add(path, text)
        with stages.stage("format", formatter.waiting) as advance:
            for path, text in formatter.rest():
                advance(path)
                yield path, text


def rendered_digest(text: str) -> str:
    """A digest of a ``.py`` file as rendered, before black: the manifest keeps them, so that
    the next run formats only the files whose rendered text changed."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def build_for_diff(config: Config) -> tuple[Spec | None, Diagnostics]:
    """The IR of one document for ``diff``: read, references resolved, built; not validated."""
    docs, diags = load_and_check(config, validator=False)
    if docs is None or diags.has_errors:
        return None, diags
    spec = _build(docs, diags, config)
    return (None if diags.has_errors else spec), diags


def diff(
    old: Config, new: Config, output_format: str, fail_on_breaking: bool
) -> Outcome:
    """The changes from ``old.spec`` to ``new.spec`` in the generated API, as one report."""
    specs = []
    all_diags = Diagnostics()
    for config in (old, new):
        spec, diags = build_for_diff(config)
        for d in diags.items:
            where = (
                spec_name(config.spec) + d.pointer
                if d.pointer[:1] == "#"
                else d.pointer
            )
            all_diags.add(d.level, where, d.message)
        specs.append(spec)
    if specs[0] is None or specs[1] is None:
        return _failed(all_diags, new)
    changes = compare(specs[0], specs[1])
    names = (spec_name(old.spec), spec_name(new.spec))
    if names[0] == names[1]:
        names = (spec_name(old.spec, whole=True), spec_name(new.spec, whole=True))
    text = (markdown if output_format == "md" else as_json)(changes, *names)
    code = EXIT_BREAKING if fail_on_breaking and has_breaking(changes) else EXIT_OK
    return Outcome(code, all_diags, [text.rstrip("\n")])


def _build(docs: DocumentSet, diags: Diagnostics, config: Config) -> Spec:
    """The IR, and a warning for each setting that matched nothing (most likely a typo)."""
    spec = build_spec(docs, diags, config=config)
    for message in unused_settings(config, spec, docs.root.data):
        diags.warning(str(config.config_file or "settings"), message)
    return spec


def _not_made(
    exc: TemplateError | FormatError,
    made: _Made,
    diags: Diagnostics,
    config: Config,
    stages: Stages,
) -> Outcome:
    """A template failed (the error names its line) or black rejected a file (named, under
    OUT): the run fails."""
    if isinstance(exc, TemplateError):
        diags.error(exc.where, exc.message)
    else:
        diags.error(str(made.out), str(exc))
    return _failed(diags, config, made.spec, stages)


def _failed(
    diags: Diagnostics,
    config: Config,
    spec: Spec | None = None,
    stages: Stages | None = None,
) -> Outcome:
    errors = counted(sum(d.level == "error" for d in diags.items), "error")
    report = _report(spec, diags, stages)
    return Outcome(
        EXIT_ERRORS,
        diags,
        [f"error: {spec_name(config.spec)}: {errors}; nothing was written"],
        report,
    )


def _report(
    spec: Spec | None, diags: Diagnostics, stages: Stages | None = None
) -> dict[str, Any]:
    """The ``--report`` JSON: counts, what was skipped and why, every diagnostic, and how long
    each stage took (an addition to the contract's keys)."""
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
        "pagination": [
            {"pointer": v.pointer, "kind": v.kind, "reason": v.reason}
            for v in (spec.pagination if spec else ())
        ],
        "stages": [
            {"name": name, "seconds": round(seconds, 3)}
            for name, seconds in (stages.seconds.items() if stages else ())
        ],
    }
