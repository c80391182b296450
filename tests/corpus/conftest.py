"""The generated corpus: every document of ``shared/specs`` that must generate, made once.

Generating takes two processes; then one interpreter imports every package and one mypy run
checks them all (one run over many packages is far cheaper than one each). The tests that use
it share one xdist group, so one worker makes it while the other runs the rest of the suite.
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from corpus_support import IMPORT_SCRIPT, Corpus, generate, parse_mypy, read_manifest


@pytest.fixture(scope="session")
def corpus(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    specs = shared_dir / "specs"
    entries = {e.name: e for e in read_manifest(specs) if e.kind == "generate"}
    out = tmp_path_factory.mktemp("corpus")
    # Largest first, so that the two processes finish together.
    order = sorted(
        entries.values(), key=lambda e: -(specs / e.main_file).stat().st_size
    )
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        results = pool.map(
            generate,
            [specs / e.main_file for e in order],
            [out / e.package for e in order],
            [e.package for e in order],
        )
        generated = {e.name: r for e, r in zip(order, results)}
    written = [e for e in order if not generated[e.name].errors]
    packages = [e.package for e in written]
    env_path = [str(out / p) for p in packages]
    imported = subprocess.run(
        [sys.executable, "-c", IMPORT_SCRIPT],
        input=json.dumps({e.package: generated[e.name].aliases for e in written}),
        capture_output=True,
        text=True,
        env={"PYTHONPATH": ":".join(env_path), "PATH": ""},
        check=False,
    )
    import_results = json.loads(imported.stdout or "{}")
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(out / ".mypy_cache"),
            *[f"{p}/{p}" for p in packages],
        ],
        capture_output=True,
        text=True,
        cwd=out,
        check=False,
    )
    by_package = parse_mypy(checked.stdout, packages)
    return Corpus(
        out=out,
        entries=entries,
        generated=generated,
        import_errors={
            e.name: import_results.get(e.package, imported.stderr[-2000:])
            for e in written
        },
        mypy_errors={e.name: by_package[e.package] for e in written},
    )
