"""The documents the harness synthesises: replicated copies stay valid and independent,
and the one-schema edit changes that schema alone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHAT = REPO / "specs" / "chat.yaml"


@pytest.fixture(scope="module")
def synth(bench_module: Callable[[str], ModuleType]) -> ModuleType:
    return bench_module("synth")


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _resolve(doc: Any, ref: str) -> Any:
    node = doc
    for token in ref[2:].split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def _operation_ids(doc: dict[str, Any]) -> list[str]:
    return [
        op["operationId"]
        for item in doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]


def test_replicate_multiplies_and_keeps_references_resolvable(
    synth: ModuleType,
) -> None:
    doc = synth.load(CHAT)
    tripled = synth.replicate(doc, 3)
    assert len(tripled["paths"]) == 3 * len(doc["paths"])
    assert len(tripled["components"]["schemas"]) == 3 * len(
        doc["components"]["schemas"]
    )
    ids = _operation_ids(tripled)
    assert len(ids) == 3 * len(_operation_ids(doc)) == len(set(ids))
    for ref in _refs(tripled):
        _resolve(tripled, ref)
    copy = tripled["paths"]["/copy2/chat/completions"]["post"]
    assert copy["operationId"] == "createChatCompletionCopy2"
    assert all(ref.endswith("Copy2") for ref in _refs(copy) if "/components/" in ref)
    assert doc == synth.load(CHAT), "the source document is left as it was"


def test_edit_schema_description_changes_one_line(synth: ModuleType) -> None:
    text = CHAT.read_text()
    edited = synth.edit_schema_description(text, "CreateChatCompletionResponse", 2)
    changed = [(a, b) for a, b in zip(text.splitlines(), edited.splitlines()) if a != b]
    assert len(changed) == 1 and "Benchmark revision 2. " in changed[0][1]
    loaded = synth.yaml.safe_load(edited)["components"]["schemas"]
    assert loaded["CreateChatCompletionResponse"]["description"].startswith(
        "Benchmark revision 2."
    )
    with pytest.raises(ValueError):
        synth.edit_schema_description(text, "NoSuchSchema", 1)
