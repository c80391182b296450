"""``oapigen diff`` on real history: pairs of versions of OpenAI's document, each report checked
in under tests/diff/expected after review. Set OAPIGEN_REFRESH_DIFFS=1 to rewrite them (then
read the difference before committing it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.config import Config
from generator.diff import as_json, compare, markdown
from generator.ir import Spec
from generator.pipeline import build_for_diff

EXPECTED = Path(__file__).parent / "expected"
# (older, newer, formats): the pairs the history folder's README names, in two groups that
# share no document, so that the two test workers each read theirs once.
GROUPS = {
    "rename and seventeen months": (
        ("2026-08-21-13c6a94.yaml", "../openai/openai.yaml", ("md", "json")),
        ("2025-03-11-085baba.yaml", "../openai/openai.yaml", ("md",)),
        ("2024-04-22-b3f0c9d.yaml", "2024-04-23-c17c479.yaml", ("md",)),
    ),
    "deprecation and a week": (
        ("2026-08-12-11854ae.yaml", "2026-08-13-f6a8e2f.yaml", ("md",)),
        ("2026-08-13-f6a8e2f.yaml", "2026-08-21-13c6a94.yaml", ("md",)),
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("group", GROUPS)
def test_reports_on_openai_history(shared_dir: Path, group: str) -> None:
    history = shared_dir / "specs" / "openai-history"
    specs: dict[Path, Spec] = {}

    def spec(name: str) -> Spec:
        path = (history / name).resolve()
        if path not in specs:
            built, diags = build_for_diff(Config(spec=path))
            assert built is not None, [d.format() for d in diags.items]
            specs[path] = built
        return specs[path]

    stale = []
    for old, new, formats in GROUPS[group]:
        changes = compare(spec(old), spec(new))
        names = (Path(old).name, Path(new).name)
        for fmt in formats:
            text = (markdown if fmt == "md" else as_json)(changes, *names)
            expected = EXPECTED / f"{Path(old).stem}..{Path(new).stem}.{fmt}"
            if os.environ.get("OAPIGEN_REFRESH_DIFFS"):
                expected.write_text(text, encoding="utf-8")
            elif expected.read_text(encoding="utf-8") != text:
                stale.append(expected.name)
    assert not stale, f"reports differ (OAPIGEN_REFRESH_DIFFS=1 to rewrite): {stale}"


def test_the_breaking_rename_is_reported_as_one() -> None:
    text = (EXPECTED / "2026-08-21-13c6a94..openai.md").read_text(encoding="utf-8")
    assert (
        "- `create_project(residency)`: argument `geography` renamed to `residency`"
        in text
    )
    assert text.splitlines()[2].startswith("4 breaking")
