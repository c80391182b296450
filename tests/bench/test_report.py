"""Merging a partial run into RESULTS.md: the part's sections and target rows replace or
join the base's, each saying which run it came from."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from types import ModuleType

import pytest

NAMES = ["generate", "check", "linear"]


@pytest.fixture(scope="module")
def report(bench_module: Callable[[str], ModuleType]) -> ModuleType:
    return bench_module("report")


def _results(
    report: ModuleType, *values: tuple[int, float], pending: list[str] | None = None
) -> str:
    sections = []
    for number, value in values:
        name = NAMES[number - 1]
        series = report.Series("oapigen")
        series.add(value)
        target = report.Target(f"{name} target", value, 1.0)
        sections.append(
            report.Section(name, f"{number}. {name}", "How.", "s", [series], [target])
        )
    return report.render(
        started=datetime.datetime(2026, 1, 2, 3, 4),
        seconds=60.0,
        command="python benchmarks/run.py",
        versions=["- oapigen: commit abc1234, run as `python -m generator`"],
        sections=sections,
        smoke=False,
        pending=pending,
    )


def test_merge_adds_a_section_and_clears_it_from_the_missing_list(
    report: ModuleType,
) -> None:
    base = _results(report, (1, 2.0), (2, 3.0), pending=["linear"])
    merged = report.merge(base, _results(report, (3, 0.5)), NAMES)
    assert "not measured yet" not in merged
    assert (
        merged.index("## 1. generate")
        < merged.index("## 2. check")
        < merged.index("## 3. linear")
    )
    assert (
        "| generate target | 2.000 |" in merged
        and "| linear target | 0.500 |" in merged
    )
    assert merged.count("Measured in a separate run") == 1


def test_merge_replaces_a_section_measured_again(report: ModuleType) -> None:
    base = report.merge(
        _results(report, (1, 2.0), (3, 0.5)), _results(report, (3, 0.7)), NAMES
    )
    assert (
        "| linear target | 0.700 |" in base and "| linear target | 0.500 |" not in base
    )
    assert base.count("## 3. linear") == 1 and base.count("| generate target |") == 1


def test_merge_replaces_a_stopped_samples_row_in_place(report: ModuleType) -> None:
    base = _results(report, (1, 2.0), (3, 0.5)).replace(
        "| linear target |", "| linear target (stopped there: at least this) |"
    )
    merged = report.merge(base, _results(report, (3, 0.7)), NAMES)
    assert "stopped there" not in merged
    rows = [
        line for line in merged.splitlines() if line.endswith(("met |", "not met |"))
    ]
    assert [r.split(" | ")[0] for r in rows] == ["| generate target", "| linear target"]


def test_merge_replaces_a_row_whose_note_changed(report: ModuleType) -> None:
    """A target row's note (a time where the anchor failed) differs from run to run: the
    merged row replaces the old one, not joins it."""
    base = _results(report, (1, 2.0), (3, 0.5)).replace(
        "| linear target |", "| linear target (anchor failed; oapigen: 54.98 s) |"
    )
    part = _results(report, (3, 0.7)).replace(
        "| linear target |", "| linear target (anchor failed; oapigen: 31.41 s) |"
    )
    merged = report.merge(base, part, NAMES)
    assert "31.41 s" in merged and "54.98 s" not in merged
    assert merged.count("| linear target") == 1
