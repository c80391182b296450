"""RESULTS.md: the machine, the date, each measurement's table and the targets' verdicts.

Built from the measurements' return values only, so the file is always what one run saw.
"""

from __future__ import annotations

import datetime
import os
import re
import platform
from dataclasses import dataclass, field
from pathlib import Path

from measure import Series

__all__ = ["Section", "Series", "Target", "merge", "ratio", "render"]


@dataclass(frozen=True)
class Target:
    """A ratio of ours to an anchor with its limit (and aim, when the issue names one)."""

    what: str
    ratio: float | None
    limit: float
    aim: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.ratio is None:
            return "not measured"
        if self.aim is not None and self.ratio <= self.aim:
            return "met (aim too)"
        return "met" if self.ratio <= self.limit else "not met"


@dataclass
class Section:
    """One measurement as reported: a table of series and the targets it decides."""

    name: str
    title: str
    how: str
    unit: str
    series: list[Series] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    show_peak: bool = False


def ratio(ours: Series | None, theirs: Series | None) -> float | None:
    if ours is None or theirs is None or not ours.ok or not theirs.ok:
        return None
    return ours.median / theirs.median


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f}"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def machine_lines() -> list[str]:
    try:
        os_name = platform.freedesktop_os_release().get(
            "PRETTY_NAME", platform.platform()
        )
    except OSError:
        os_name = platform.platform()
    return [
        f"- CPU: {_cpu_model()}, {os.cpu_count()} cores",
        f"- Memory: {_memory()}",
        f"- OS: {os_name} (kernel {platform.release()})",
        f"- Python: {platform.python_version()}",
    ]


def render(
    *,
    started: datetime.datetime,
    seconds: float,
    command: str,
    versions: list[str],
    sections: list[Section],
    smoke: bool,
    pending: list[str] | None = None,
) -> str:
    lines = ["# Benchmark results", ""]
    if smoke:
        lines += [
            "**Smoke run: tiny inputs, one repetition; these numbers mean nothing.**",
            "",
        ]
    if pending:
        lines += [
            f"**Run in progress or stopped: not measured yet: {', '.join(pending)}.**",
            "",
        ]
    lines += [
        (
            f"Written by `{command}` on {started:%Y-%m-%d} (started {started:%H:%M} UTC, "
            f"took {seconds / 60:.0f} min). Do not edit by hand: run it again."
        ),
        "",
        "## Machine",
        "",
        *machine_lines(),
        "",
        "## Tools",
        "",
        *versions,
        "",
        "## Targets (issues 7 and 15)",
        "",
        "| target | ratio (ours / theirs, medians) | limit | aim | verdict |",
        "|---|---|---|---|---|",
    ]
    for section in sections:
        for t in section.targets:
            shown = f"{t.ratio:.3f}" if t.ratio is not None else "-"
            aim = f"{t.aim:g}" if t.aim is not None else "-"
            note = f" ({t.note})" if t.note else ""
            lines.append(
                f"| {t.what}{note} | {shown} | {t.limit:g} | {aim} | {t.verdict} |"
            )
    for section in sections:
        lines += ["", f"## {section.title}", "", section.how, ""]
        if not section.series:  # a section of notes only (the parity table)
            for note in section.notes:
                lines += [note, ""]
            lines.pop()
            continue
        unit = section.unit
        head = f"| contender | median ({unit}) | range ({unit}) | samples |"
        rule = "|---|---|---|---|"
        if section.show_peak:
            head += " peak RSS, median (MiB) |"
            rule += "---|"
        lines += [head + " note |", rule + "---|"]
        for s in section.series:
            note = (s.error or "").replace("|", "/").replace("\n", " ")
            if s.ok:
                cells = (
                    f"| {s.label} | {_fmt(s.median, unit)} | {_fmt(s.low, unit)} - "
                    f"{_fmt(s.high, unit)} | {len(s.values)} |"
                )
                note = f"some samples failed: {note}" if note else ""
            else:
                cells = f"| {s.label} | - | - | 0 |"
                note = f"failed: {note}" if note else "not run"
            if section.show_peak:
                cells += f" {s.peak_median:,.0f} |" if s.peaks else " - |"
            lines.append(f"{cells} {note} |")
        for note in section.notes:
            lines += ["", note]
    return "\n".join(lines) + "\n"


def _split(text: str) -> tuple[list[str], list[str], dict[int, list[str]]]:
    """A RESULTS.md as (lines before the targets table, target rows, sections by number)."""
    lines = text.rstrip("\n").split("\n")
    head: list[str] = []
    rows: list[str] = []
    sections: dict[int, list[str]] = {}
    current: list[str] | None = None
    in_targets = False
    for line in lines:
        numbered = re.match(r"## (\d+)\. ", line)
        if numbered:
            current = sections.setdefault(int(numbered.group(1)), [])
            in_targets = False
        elif line.startswith("## Targets"):
            in_targets = True
            head.append(line)
            continue
        if current is not None:
            current.append(line)
        elif in_targets and line.startswith("| ") and not line.startswith("| target |"):
            rows.append(line)
        elif not (in_targets and line.startswith("|")):
            head.append(line)
    return head, rows, sections


def _target_of(row: str) -> str:
    """The target a row of the targets table is about, however its sample ended and whatever
    its note says (a time, a failure)."""
    return row.split(" | ")[0].split(" (")[0]


def merge(base: str, part: str, names: list[str]) -> str:
    """``base`` with the measurements of ``part`` (a run of ``--only ...``) put in.

    Each ratio still comes from one run; the sections taken from ``part`` say which run
    that was. ``names`` are the measurement names in section order, to clear them from
    the banner of measurements still missing.
    """
    head, rows, sections = _split(base)
    part_head, part_rows, part_sections = _split(part)
    written = next((line for line in part_head if line.startswith("Written by")), "")
    command = re.search(r"`([^`]+)`", written)
    started = re.search(r"on (\S+) \(started (\S+) UTC", written)
    revision = next(
        (
            ln[len("- oapigen: ") :].split(", run as")[0]
            for ln in part_head
            if ln.startswith("- oapigen: ")
        ),
        "",
    )
    note = (
        f"_Measured in a separate run, `{command.group(1) if command else '?'}` on "
        f"{started.group(1) if started else '?'} at {started.group(2) if started else '?'} "
        f"UTC, oapigen {revision}; merged here with `--merge-from`._"
    )
    for number, block in part_sections.items():
        sections[number] = [block[0], "", note, *block[1:]]
    replacing = {_target_of(row): row for row in part_rows}
    rows = [replacing.pop(_target_of(r), r) for r in rows] + list(replacing.values())
    covered = {names[n - 1] for n in part_sections if 0 < n <= len(names)}
    out: list[str] = []
    for line in head:
        missing = re.match(
            r"\*\*Run in progress or stopped: not measured yet: (.*)\.\*\*", line
        )
        if missing:
            left = [n for n in missing.group(1).split(", ") if n not in covered]
            if not left:
                continue
            line = (
                f"**Run in progress or stopped: not measured yet: {', '.join(left)}.**"
            )
        out.append(line)
        if line.startswith("## Targets"):
            out += [
                "",
                "| target | ratio (ours / theirs, medians) | limit | aim | verdict |",
                "|---|---|---|---|---|",
                *rows,
            ]
    while out and out[-1] == "":
        out.pop()
    for number in sorted(sections):
        out += ["", *sections[number]]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).rstrip("\n") + "\n"
