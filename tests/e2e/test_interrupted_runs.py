"""Nothing lost: a run killed at any point of writing leaves OUT as it was, user files included,
and the next run finishes the job.

Each case runs ``oapigen generate`` in a child process that stops at one point of the writer
(a hook wraps a writer function and waits there), kills it with SIGKILL, and compares OUT, byte
for byte and with modification times, with what it held before.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
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

# Runs the CLI with ``generator.writer.<function>`` made to stop: after ``after`` calls it
# creates the file named READY and sleeps until killed.
STOPPED_RUN = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import generator.writer as writer
    from generator.cli import main

    function, after, ready = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    original = getattr(writer, function)
    calls = []

    def stopping(*args, **kwargs):
        calls.append(1)
        if len(calls) > after:
            ready.touch()
            time.sleep(600)
        return original(*args, **kwargs)

    setattr(writer, function, stopping)
    main(sys.argv[4:])
    """)


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
    ready = tmp_path / "READY"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            STOPPED_RUN,
            function,
            str(after),
            str(ready),
            "generate",
            str(spec),
            "-o",
            str(out),
            "-q",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert child.poll() is None, child.communicate()[0].decode()
            assert time.monotonic() < deadline, f"the run never reached {point}"
            time.sleep(0.05)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)

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
