"""The tools we measure ourselves against, each in its own virtual environment.

The environments live in a cache folder outside the repository (``$OAPIGEN_BENCH_CACHE``,
else ``~/.cache/oapigen-bench``) so that a second run reuses them and nothing of theirs
lands in a checkout. Every anchor is pinned; the version actually installed is read back
from the environment and reported, since a pin may have been unavailable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Anchor:
    """One tool to install: the distribution we pin plus what its output needs to import."""

    key: str
    title: str
    requirement: str
    distribution: str
    extras: tuple[str, ...] = ()


ANCHORS = (
    Anchor(
        "opc",
        "openapi-python-client",
        "openapi-python-client==0.29.1",
        "openapi-python-client",
        ("httpx", "attrs", "python-dateutil"),
    ),
    Anchor(
        "ogen",
        "openapi-generator (python)",
        "openapi-generator-cli==7.26.0",
        "openapi-generator-cli",
        ("pydantic>=2", "python-dateutil", "urllib3", "typing-extensions"),
    ),
    Anchor(
        "dmcg",
        "datamodel-code-generator",
        "datamodel-code-generator==0.89.*",
        "datamodel-code-generator",
    ),
    Anchor("sdk", "official openai SDK", "openai==3.57.*", "openai"),
)

RUNTIME = Anchor(
    "runtime",
    "runtime of our generated client",
    "httpx>=0.27,<1",
    "httpx",
    ("pydantic>=2.7,<3",),
)
"""Not an anchor: a clean environment with just what our generated client needs, so it
runs on the same pydantic release as the SDK and not among the generator's packages."""


@dataclass(frozen=True)
class Installed:
    """The outcome of preparing one anchor: its interpreter, or why there is none."""

    anchor: Anchor
    python: Path | None
    version: str | None
    error: str | None

    @property
    def bin(self) -> Path:
        assert self.python is not None
        return self.python.parent


def cache_dir() -> Path:
    """Where the anchors' environments live; never inside the repository."""
    configured = os.environ.get("OAPIGEN_BENCH_CACHE")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "oapigen-bench"


def _installed_version(python: Path, distribution: str) -> str | None:
    code = (
        "import importlib.metadata as m, sys\n"
        "try: print(m.version(sys.argv[1]))\n"
        "except m.PackageNotFoundError: pass\n"
    )
    out = subprocess.run(
        [str(python), "-c", code, distribution], capture_output=True, text=True
    )
    return out.stdout.strip() or None


def _stamp(anchor: Anchor) -> str:
    return json.dumps([anchor.requirement, *anchor.extras])


def prepare(
    anchor: Anchor, *, allow_install: bool, log: Callable[[str], None] = print
) -> Installed:
    """Create or reuse the anchor's environment.

    A stamp file records what was asked for, so a changed pin rebuilds the environment
    while an unchanged one costs nothing. Without ``allow_install`` (smoke mode: no
    network) an anchor is used only if an earlier run already installed it.
    """
    root = cache_dir() / anchor.key
    python = root / "bin" / "python"
    stamp = root / "oapigen-bench.stamp"
    if python.exists() and stamp.exists() and stamp.read_text() == _stamp(anchor):
        version = _installed_version(python, anchor.distribution)
        if version:
            return Installed(anchor, python, version, None)
    if not allow_install:
        return Installed(
            anchor, None, None, "not installed (smoke mode installs nothing)"
        )
    log(f"installing {anchor.requirement} into {root}")
    shutil.rmtree(root, ignore_errors=True)
    root.parent.mkdir(parents=True, exist_ok=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(root)
    steps = [
        [str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"],
        [str(python), "-m", "pip", "install", "-q", anchor.requirement, *anchor.extras],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return Installed(anchor, None, None, "pip failed: " + " / ".join(tail))
    stamp.write_text(_stamp(anchor))
    version = _installed_version(python, anchor.distribution)
    return Installed(anchor, python, version, None)


def prepare_all(
    *, allow_install: bool, log: Callable[[str], None] = print
) -> dict[str, Installed]:
    """Every anchor by key; failures are kept as values so the run goes on without them."""
    return {a.key: prepare(a, allow_install=allow_install, log=log) for a in ANCHORS}


if __name__ == "__main__":
    # `python benchmarks/anchors.py` installs the anchors ahead of a run.
    for key, got in prepare_all(allow_install=True).items():
        print(key, got.version or got.error, file=sys.stderr)
