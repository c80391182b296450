"""The ``oapigen`` command: turns diagnostics into messages and exit codes; no logic of its own."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import click

from generator import __version__
from generator.config import (
    Config,
    ConfigError,
    diff_config_files,
    make_config,
    ref_roots,
)
from generator.diagnostics import Diagnostics
from generator.inputs import answer_from_manifest, builtin_templates, template_names
from generator.outcome import (
    EXIT_BREAKING,
    EXIT_CHECK_FAILED,
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    Outcome,
)
from generator.sources import is_url, url_problem

# The pipeline (YAML, openapi-spec-validator, Jinja, black) is imported inside each command:
# ``generate --check`` on an up-to-date tree answers from the manifest without it, in a tenth
# of the time.

_CONFIG_HELP = (
    "A pyproject.toml ([tool.oapigen]) or oapigen.yaml with settings "
    "[default: oapigen.yaml, else pyproject.toml, beside SPEC]."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="oapigen")
def main() -> None:
    """Generate typed Python client packages from OpenAPI documents."""


class _Spec(click.ParamType):  # type: ignore[type-arg]
    """SPEC: an ``http(s)://`` URL, kept as text, or a local path (not a folder)."""

    name = "spec"

    def convert(self, value: Any, param: Any, ctx: Any) -> Path | str:
        if isinstance(value, (Path, str)) and is_url(str(value)):
            problem = url_problem(str(value))
            if problem is not None:
                self.fail(problem, param, ctx)
            return str(value)
        path: Path = click.Path(dir_okay=False, path_type=Path).convert(
            value, param, ctx
        )
        return path


_SPEC = _Spec()


def _allowed_ref_root_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--allowed-ref-root",
        "allowed_ref_roots",
        multiple=True,
        metavar="DIR|URL",
        help="Also let references lead into this folder or under this URL prefix "
        "(repeatable) [default: only the folder of SPEC].",
    )(command)


@main.command("generate")
@click.argument("spec", type=_SPEC)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder [default: the package name].",
)
@click.option(
    "--package-name",
    help="Import name of the package [default: snake_case of info.title plus _client].",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help=_CONFIG_HELP,
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of templates overriding or adding to the built-in ones.",
)
@click.option(
    "--check/--no-check",
    default=None,
    help="Write nothing; exit 3 if the output on disk is stale.",
)
@click.option(
    "--force/--no-force",
    default=None,
    help="Overwrite files in OUT that oapigen did not write (otherwise: exit 2, naming them).",
)
@click.option(
    "--strict/--no-strict", default=None, help="Treat every warning as an error."
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JSON report of what was generated and skipped.",
)
@click.option(
    "-q", "--quiet/--no-quiet", default=None, help="Print errors and stale files only."
)
@_allowed_ref_root_option
def generate_command(
    spec: Path | str,
    output: Path | None,
    package_name: str | None,
    config_file: Path | None,
    templates: Path | None,
    check: bool | None,
    force: bool | None,
    strict: bool | None,
    report: Path | None,
    quiet: bool | None,
    allowed_ref_roots: tuple[str, ...],
) -> None:
    """Generate a client package from the OpenAPI document SPEC."""
    if package_name is not None and not package_name.isidentifier():
        raise click.UsageError(
            f"--package-name {package_name!r} is not a valid Python package name"
        )
    flags = {
        "output": output,
        "package_name": package_name,
        "templates": templates,
        "check": check,
        "force": force,
        "strict": strict,
        "report": report,
        "quiet": quiet,
        "workers": min(2, os.cpu_count() or 1),
        "allowed_ref_roots": _ref_roots(allowed_ref_roots),
    }
    config = _config(spec, flags, config_file)
    progress = None if config.quiet else StageLines(bars=sys.stderr.isatty())
    outcome = _guarded(lambda: _generate(config, progress))
    _print_diagnostics(outcome.diagnostics, config.quiet)
    if config.report is not None:
        config.report.write_text(
            json.dumps(outcome.report, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
    for line in outcome.lines:
        stale = outcome.exit_code == EXIT_CHECK_FAILED
        if line.startswith("error") or stale or not config.quiet:
            click.echo(line, err=line.startswith("error"))
    sys.exit(outcome.exit_code)


@main.command("validate")
@click.argument("spec", type=_SPEC)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help=_CONFIG_HELP,
)
@click.option(
    "--strict/--no-strict", default=None, help="Treat every warning as an error."
)
@click.option("-q", "--quiet/--no-quiet", default=None, help="Print errors only.")
@_allowed_ref_root_option
def validate_command(
    spec: Path | str,
    config_file: Path | None,
    strict: bool | None,
    quiet: bool | None,
    allowed_ref_roots: tuple[str, ...],
) -> None:
    """Check the OpenAPI document SPEC and list its problems; writes nothing."""
    flags = {
        "strict": strict,
        "quiet": quiet,
        "allowed_ref_roots": _ref_roots(allowed_ref_roots),
    }
    config = _config(spec, flags, config_file)
    from generator.pipeline import validate

    outcome = _guarded(lambda: validate(config))
    _print_diagnostics(outcome.diagnostics, config.quiet)
    for line in outcome.lines:
        if not config.quiet:
            click.echo(line)
    sys.exit(outcome.exit_code)


@main.command("diff")
@click.argument("old", type=_SPEC)
@click.argument("new", type=_SPEC)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["md", "json"]),
    default="md",
    show_default=True,
    help="Markdown for people, JSON for tools.",
)
@click.option(
    "--fail-on-breaking",
    is_flag=True,
    help=f"Exit {EXIT_BREAKING} when any change is breaking.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Settings applied to both documents (names, tags, streaming) [default: the "
    "file beside each document, as for generate; the other's for one without].",
)
@_allowed_ref_root_option
def diff_command(
    old: Path | str,
    new: Path | str,
    output_format: str,
    fail_on_breaking: bool,
    config_file: Path | None,
    allowed_ref_roots: tuple[str, ...],
) -> None:
    """What changed in the generated Python API from the document OLD to NEW."""
    flags = {"allowed_ref_roots": _ref_roots(allowed_ref_roots)}
    files = (config_file, config_file) if config_file else diff_config_files(old, new)
    configs = [
        _config(path, flags, file, discover=False)
        for path, file in zip((old, new), files)
    ]
    from generator.pipeline import diff

    outcome = _guarded(
        lambda: diff(configs[0], configs[1], output_format, fail_on_breaking)
    )
    _print_diagnostics(outcome.diagnostics, quiet=False)
    for line in outcome.lines:
        click.echo(line, err=line.startswith("error"))
    sys.exit(outcome.exit_code)


@main.group("templates")
def templates_group() -> None:
    """List or copy the built-in templates, to start a team's own."""


@templates_group.command("list")
def templates_list() -> None:
    """Print the relative name of every built-in template."""
    for name in template_names(builtin_templates()):
        click.echo(name)


@templates_group.command("dump")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def templates_dump(directory: Path) -> None:
    """Copy the built-in templates into DIRECTORY (which must not exist yet)."""
    if directory.exists():
        raise click.UsageError(f"{directory} exists already; pick a new folder")
    root = builtin_templates()
    for name in template_names(root):
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, directory / name)
    click.echo(f"templates written to {directory}")


@dataclass
class StageLines:
    """Progress on stderr: each stage's time when it ends, and a bar while a stage with many
    items runs (only on a terminal, where it can redraw itself)."""

    bars: bool
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    _bar: Any = field(default=None, repr=False)

    def started(self, name: str, total: int) -> Callable[[str], None]:
        if not (self.bars and total):
            return _ignore
        self._bar = click.progressbar(
            length=total,
            label=f"{name:<10}",
            file=self.stream,
            show_pos=True,
        )
        self._bar.__enter__()
        return lambda _item: self._bar.update(1)

    def finished(self, name: str, seconds: float) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
        click.echo(f"{name:<10} {seconds:6.2f} s", file=self.stream)


def _ignore(item: str) -> None:
    """No bar to move."""


def _config(
    spec: Path | str,
    flags: dict[str, Any],
    config_file: Path | None,
    *,
    discover: bool = True,
) -> Config:
    """The run's settings; a config file that cannot be used is bad usage (exit 2)."""
    try:
        return make_config(spec, flags, config_file, discover=discover)
    except ConfigError as exc:
        click.echo(f"error: {exc.source}: {exc.message}", err=True)
        sys.exit(EXIT_USAGE)


def _ref_roots(given: tuple[str, ...]) -> tuple[str, ...] | None:
    """``--allowed-ref-root`` values as the setting keeps them (folders relative to the
    current directory); None when the flag was not given, so that a config file's list holds.
    """
    if not given:
        return None
    try:
        return ref_roots(list(given), "--allowed-ref-root", Path())
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--allowed-ref-root") from None


def _generate(config: Config, progress: StageLines | None) -> Outcome:
    """``--check`` answered from the manifest when it can; otherwise the whole pipeline."""
    quick = answer_from_manifest(config)
    if quick is not None:
        if progress:
            progress.finished("check", quick.report["stages"][0]["seconds"])
        return quick
    from generator.pipeline import generate

    return generate(config, progress=progress)


def _print_diagnostics(diagnostics: Diagnostics, quiet: bool) -> None:
    for d in diagnostics.items:
        if d.level == "error" or not quiet:
            click.echo(d.format(), err=True)


def _guarded(run: Callable[[], Outcome]) -> Outcome:
    """A bug of ours still ends with a one-line message and an exit code, not a traceback."""
    try:
        return run()
    except KeyboardInterrupt:
        click.echo("interrupted; the output folder was left as it was", err=True)
        sys.exit(130)
    except (
        Exception
    ) as exc:  # the last line of defence; OAPIGEN_DEBUG=1 shows the traceback
        if os.environ.get("OAPIGEN_DEBUG"):
            raise
        click.echo(
            f"error: internal error in oapigen {__version__}: {type(exc).__name__}: {exc}",
            err=True,
        )
        click.echo(
            "(set OAPIGEN_DEBUG=1 for the traceback; the output folder was left as it was)",
            err=True,
        )
        sys.exit(EXIT_ERRORS)


__all__ = ["main", "EXIT_OK", "EXIT_CHECK_FAILED", "EXIT_BREAKING"]
