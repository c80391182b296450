"""Nothing lost: a run killed at any point of writing leaves OUT as it was, user files included,
and the next run finishes the job; on a volume, where OUT is written in place, it leaves a tree
that ``--check`` calls stale and the next run repairs. Two runs into one OUT take turns.

Each case runs ``oapigen generate`` in a child process that stops at one point of the writer
(``tests/stopped_run.py``), kills it with SIGKILL or lets it go on, and compares OUT, byte for
byte and with modification times, with what it held before.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import stopped_run
from click.testing import CliRunner

from generator.cli import main

SPEC = """\
openapi: 3.1.0
info: {title: Pets, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: the pet
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
        %s
"""


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def first_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OUT as one run writes it, copied (times kept) into each case."""
    folder = tmp_path_factory.mktemp("first")
    spec = folder / "pets.yaml"
    spec.write_text(SPEC % "age: {type: integer}")
    out = folder / "out"
    first = CliRunner().invoke(main, ["generate", str(spec), "-o", str(out), "-q"])
    assert first.exit_code == 0, first.output
    return out


@pytest.mark.parametrize(
    ("point", "function", "after"),
    [
        ("while writing the new tree", "_write_file", 1),
        ("while carrying the user's files over", "_carry_tree", 0),
        ("just before the swap", "_swap", 0),
    ],
)
def test_a_killed_run_leaves_out_as_it_was(
    tmp_path: Path, first_output: Path, point: str, function: str, after: int
) -> None:
    spec = tmp_path / "pets.yaml"
    out = tmp_path / "out"
    shutil.copytree(first_output, out)
    (out / "NOTES.md").write_text("mine\n")
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (out / ".oapigen-ignore").write_text("README.md\n")
    (out / "README.md").write_text("my own readme\n")
    before = snapshot(out)

    spec.write_text(SPEC % "weight: {type: number}")  # the next run changes files
    args = ("generate", str(spec), "-o", str(out), "-q")
    stopped_run.killed(function, after, tmp_path / "READY", point, *args)

    assert snapshot(out) == before, point
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")]
    assert leftovers, "the killed run's temporary folder is expected beside OUT"

    again = CliRunner().invoke(main, ["generate", str(spec), "-o", str(out), "-q"])
    assert again.exit_code == 0, again.output
    after_run = snapshot(out)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
    for mine in ("NOTES.md", ".git/HEAD", ".oapigen-ignore", "README.md"):
        assert after_run[mine] == before[mine], mine
    model = next(p for p in out.rglob("pet.py") if "models" in p.parts).read_text()
    assert "weight" in model and "age" not in model


def test_a_run_killed_while_writing_a_mounted_out_is_stale_then_repaired(
    tmp_path: Path, first_output: Path, mount: Callable[..., Path]
) -> None:
    """OUT is a volume (a mount point): it is written in place, file by file. A run killed
    there leaves a tree that ``--check`` calls stale, for the old document and the new, and
    the next run repairs it: the tree is then the one a run from nothing writes."""
    spec = tmp_path / "pets.yaml"
    out = mount(tmp_path / "out")
    shutil.copytree(first_output, out, dirs_exist_ok=True)
    (out / "NOTES.md").write_text("mine\n")
    old_spec = tmp_path / "old.yaml"
    old_spec.write_text(SPEC % "age: {type: integer}")
    spec.write_text(SPEC % "weight: {type: number}")
    # stopped after the unfinished manifest and the first changed file
    args = ("generate", str(spec), "-o", str(out), "-q")
    stopped_run.killed("_replace_file", 2, tmp_path / "READY", "the third file", *args)

    for document in (old_spec, spec):
        check = CliRunner().invoke(
            main, ["generate", str(document), "-o", str(out), "--check", "-q"]
        )
        assert check.exit_code == 3, check.output
    assert ".oapigen-manifest.json" in check.output

    again = CliRunner().invoke(main, ["generate", str(spec), "-o", str(out), "-q"])
    assert again.exit_code == 0, again.output
    clean = tmp_path / "clean"
    CliRunner().invoke(main, ["generate", str(spec), "-o", str(clean), "-q"])
    repaired = {p: content for p, (content, _) in snapshot(out).items()}
    assert repaired.pop("NOTES.md") == b"mine\n"
    assert repaired == {p: content for p, (content, _) in snapshot(clean).items()}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []


def test_two_runs_into_one_out_take_turns(tmp_path: Path, first_output: Path) -> None:
    """A second run into an OUT that a first is writing waits for it, then writes its own
    tree whole: never a mix of the two."""
    out = tmp_path / "out"
    shutil.copytree(first_output, out)
    before = snapshot(out)
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text(SPEC % "weight: {type: number}")
    second.write_text(SPEC % "height: {type: number}")
    ready, go = tmp_path / "READY", tmp_path / "GO"
    holder = stopped_run.start(
        "_swap", 0, ready, go, "generate", str(first), "-o", str(out), "-q"
    )
    waiter = None
    try:
        stopped_run.wait_for(holder, ready, "the swap")
        progress = tmp_path / "progress.txt"
        with open(progress, "wb") as stages:  # a line per stage as it ends
            waiter = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "generator",
                    "generate",
                    str(second),
                    "-o",
                    str(out),
                ],
                stdout=subprocess.DEVNULL,
                stderr=stages,
            )
        deadline = time.monotonic() + 120
        while "\nbuild " not in "\n" + progress.read_text():
            assert waiter.poll() is None, progress.read_text()
            assert time.monotonic() < deadline, "the second run never reached writing"
            time.sleep(0.05)
        time.sleep(1)  # built; now waiting for the lock before it reads OUT
        assert waiter.poll() is None, progress.read_text()
        assert "\nrender " not in "\n" + progress.read_text()  # reads OUT in the lock
        assert snapshot(out) == before
        go.touch()
        assert holder.wait(timeout=60) == 0, holder.communicate()[0].decode()
        assert waiter.wait(timeout=60) == 0, progress.read_text()
    finally:
        for child in (holder, waiter):
            if child is not None and child.poll() is None:
                child.kill()
                child.wait(timeout=30)

    clean = tmp_path / "clean"
    CliRunner().invoke(main, ["generate", str(second), "-o", str(clean), "-q"])
    written = {p: content for p, (content, _) in snapshot(out).items()}
    assert written == {p: content for p, (content, _) in snapshot(clean).items()}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
