"""The ``oapigen`` command: turns diagnostics into messages and exit codes; no logic of its own."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import click

from generator import __version__
from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.pipeline import (
    EXIT_CHECK_FAILED,
    EXIT_ERRORS,
    EXIT_OK,
    Outcome,
    generate,
    validate,
)
from generator.render import builtin_templates

T = TypeVar("T")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="oapigen")
def main() -> None:
    """Generate typed Python client packages from OpenAPI documents."""


@main.command("generate")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
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
    help="A pyproject.toml or oapigen.yaml with settings.",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder of templates overriding the built-in ones.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 3 if the output on disk is stale.",
)
@click.option("--strict", is_flag=True, help="Treat every warning as an error.")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JSON report of what was generated and skipped.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def generate_command(
    spec: Path,
    output: Path | None,
    package_name: str | None,
    config_file: Path | None,
    templates: Path | None,
    check: bool,
    strict: bool,
    report: Path | None,
    quiet: bool,
) -> None:
    """Generate a client package from the OpenAPI document SPEC."""
    if package_name is not None and not package_name.isidentifier():
        raise click.UsageError(
            f"--package-name {package_name!r} is not a valid Python package name"
        )
    config = Config(
        spec=spec,
        output=output,
        package_name=package_name,
        templates=templates,
        check=check,
        strict=strict,
        report=report,
        quiet=quiet,
        workers=min(2, os.cpu_count() or 1),
    )
    outcome = _guarded(lambda: generate(config, progress=_progress(quiet)))
    _print_diagnostics(outcome.diagnostics, quiet)
    if report is not None:
        report.write_text(
            json.dumps(outcome.report, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
    for line in outcome.lines:
        if line.startswith("error") or not quiet:
            click.echo(line, err=line.startswith("error"))
    sys.exit(outcome.exit_code)


@main.command("validate")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat every warning as an error.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def validate_command(spec: Path, strict: bool, quiet: bool) -> None:
    """Check the OpenAPI document SPEC and list its problems; writes nothing."""
    outcome = _guarded(lambda: validate(Config(spec=spec, strict=strict, quiet=quiet)))
    _print_diagnostics(outcome.diagnostics, quiet)
    for line in outcome.lines:
        if not quiet:
            click.echo(line)
    sys.exit(outcome.exit_code)


@main.group("templates")
def templates_group() -> None:
    """List or copy the built-in templates, to start a team's own."""


@templates_group.command("list")
def templates_list() -> None:
    """Print the relative name of every built-in template."""
    root = builtin_templates()
    for path in sorted(
        p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ):
        click.echo(path.relative_to(root).as_posix())


@templates_group.command("dump")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def templates_dump(directory: Path) -> None:
    """Copy the built-in templates into DIRECTORY (which must not exist yet)."""
    if directory.exists():
        raise click.UsageError(f"{directory} exists already; pick a new folder")
    shutil.copytree(
        builtin_templates(), directory, ignore=shutil.ignore_patterns("__pycache__")
    )
    click.echo(f"templates written to {directory}")


def _print_diagnostics(diagnostics: Diagnostics, quiet: bool) -> None:
    for d in diagnostics.items:
        if d.level == "error" or not quiet:
            click.echo(d.format(), err=True)


def _progress(quiet: bool) -> Callable[[str], Iterator[None]] | None:
    if quiet:
        return None

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        click.echo(f"{name:<10} {time.perf_counter() - started:6.2f} s", err=True)

    return stage


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


__all__ = ["main", "EXIT_OK", "EXIT_CHECK_FAILED"]
