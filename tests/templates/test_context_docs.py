"""docs/templates.md describes the template context (the IR) completely: teams' templates rely
on it, so a field added to the IR without a line there fails this test (and a change of meaning
bumps ``TEMPLATE_CONTEXT_VERSION``)."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import pytest

from generator import ir
from generator.render import TEMPLATE_CONTEXT_VERSION

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "templates.md").read_text()
CLASSES = [
    obj
    for _, obj in inspect.getmembers(ir, inspect.isclass)
    if dataclasses.is_dataclass(obj) and obj.__module__ == ir.__name__
]


def section(name: str) -> str:
    """The text under the ``###`` heading that names the class."""
    parts = re.split(r"^### ", DOCS, flags=re.MULTILINE)
    found = [p for p in parts if f"`{name}`" in p.split("\n", 1)[0]]
    assert found, f"docs/templates.md has no section for `{name}`"
    return found[0]


def public_names(cls: type) -> set[str]:
    names = {f.name for f in dataclasses.fields(cls)}
    names |= {
        n
        for n, member in vars(cls).items()
        if not n.startswith("_") and (isinstance(member, property) or callable(member))
    }
    return names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_field_is_described(cls: type) -> None:
    text = section(cls.__name__)
    described = set(re.findall(r"`([a-z_]+)`", text))
    missing = public_names(cls) - described
    assert not missing, (
        f"{cls.__name__}: {sorted(missing)} not in docs/templates.md; describe them there "
        "(and bump TEMPLATE_CONTEXT_VERSION in generator/render.py: minor for an addition)"
    )


def test_the_documented_version_is_the_code_version() -> None:
    assert f"**Context version {TEMPLATE_CONTEXT_VERSION}.**" in DOCS
    assert f"- **{TEMPLATE_CONTEXT_VERSION}**:" in DOCS
