"""The benchmark harness runs end to end: every measurement path once, on specs/chat.yaml,
without installing anything. Benchmarks are not tests; this only proves the harness works.

It takes 30-40 s on an idle machine (five small generations, a few client processes,
one mypy run); the timeout leaves room for a machine busy with a full benchmark run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_smoke_run_writes_every_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    harness = subprocess.Popen(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--smoke", "--no-anchors",
         "--output", str(results)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    try:
        _, stderr = harness.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        harness.terminate()  # the harness stops the process it is timing
        harness.communicate(timeout=10)
        raise
    assert harness.returncode == 0, stderr[-2000:]
    text = results.read_text()
    for number in range(1, 10):
        assert f"\n## {number}. " in text
    # Every oapigen row has a median: the paths ran, whatever the numbers are.
    rows = re.findall(r"^\| oapigen[^|]*\| ([^|]+) \|", text, re.MULTILINE)
    # 1 + 2 (check, regeneration) + 2 (1 x, 2 x) + 3 + 2 (other documents) + 2 (validate)
    assert len(rows) == 12, text
    assert all(re.fullmatch(r"[\d,.]+", cell.strip()) for cell in rows), rows
    # The cold call's floor (httpx and pydantic, no client) ran beside our client.
    floor_row = r"^\| floor: httpx \+ pydantic, no client \| [\d.]+ \|"
    assert re.search(floor_row, text, re.MULTILINE)
    assert "Request arguments checked by mypy:" in text
    assert str(REPO) not in text and str(tmp_path) not in text
