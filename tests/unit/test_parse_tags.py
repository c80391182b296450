"""Tags (OpenAPI 3.2 ``parent`` and ``kind``): the hierarchy the docs show, and which tag an
operation's API class comes from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.build import build_spec
from generator.diagnostics import Diagnostics
from generator.loader import load_documents
from generator.parse.tags import api_tag, parse_tags


def tags(*listed: dict[str, Any]) -> tuple[list[tuple[str, int, str]], list[str]]:
    diags = Diagnostics()
    parsed = parse_tags({"tags": list(listed)}, diags)
    return [(t.name, t.depth, t.parent) for t in parsed], [
        d.format() for d in diags.items
    ]


def test_children_follow_their_parent_depth_first() -> None:
    found, problems = tags(
        {"name": "leaf", "parent": "mid"},
        {"name": "top"},
        {"name": "mid", "parent": "top"},
        {"name": "other"},
        {"name": "sibling", "parent": "top"},
    )
    assert found == [
        ("top", 0, ""),
        ("mid", 1, "top"),
        ("leaf", 2, "mid"),
        ("sibling", 1, "top"),
        ("other", 0, ""),
    ]
    assert problems == []


def test_an_unknown_parent_or_a_loop_is_left_out_with_a_warning() -> None:
    found, problems = tags(
        {"name": "a", "parent": "b"},
        {"name": "b", "parent": "a"},
        {"name": "c", "parent": "missing"},
    )
    assert found == [("a", 0, ""), ("b", 1, "a"), ("c", 0, "")]
    assert problems == [
        "warning: #/tags/0/parent: the parents of 'a' loop back to it: the parent is left out",
        "warning: #/tags/2/parent: no tag is named 'missing': the parent is left out",
    ]


def test_summary_description_and_kind_are_kept() -> None:
    diags = Diagnostics()
    (tag,) = parse_tags(
        {
            "tags": [
                {"name": "b", "summary": " S ", "description": "D", "kind": "badge"}
            ]
        },
        diags,
    )
    assert (tag.summary, tag.description, tag.kind, tag.pointer) == (
        "S",
        "D",
        "badge",
        "#/tags/0",
    )
    assert not tag.is_navigation


LISTED = parse_tags(
    {
        "tags": [
            {"name": "beta", "kind": "badge"},
            {"name": "nav", "kind": "nav"},
            {"name": "plain"},
        ]
    },
    Diagnostics(),
)


@pytest.mark.parametrize(
    ("operation_tags", "want"),
    [
        (
            ["beta", "nav"],
            "nav",
        ),  # a badge makes no class: the first navigation tag does
        (["plain", "nav"], "plain"),
        (
            ["undeclared"],
            "undeclared",
        ),  # a tag the list does not describe is for navigation
        (["beta"], "default"),
        ([], "default"),
        (None, "default"),
    ],
)
def test_the_first_navigation_tag_names_the_class(
    operation_tags: object, want: str
) -> None:
    assert api_tag(operation_tags, LISTED) == want


def test_the_openapi_initiatives_tags_example(shared_dir: Path) -> None:
    """learn.openapis.org's 3.2 tags example: nav tags nest, the badge makes no class."""
    diags = Diagnostics()
    docs = load_documents(
        shared_dir / "peer-specs/oai/v3.2__3.2-tags-example.yaml", diags
    )
    assert docs is not None
    spec = build_spec(docs, diags, "flights")
    assert {a.class_name: [o.name for o in a.operations] for a in spec.apis} == {
        "FlightsApi": ["get_flights"],
        "InternationalApi": ["get_flights_international"],
        "DomesticApi": ["get_flights_domestic"],
        "DefaultApi": ["get_flights_delayed"],
    }
    assert [(t.name, t.depth, t.api) for t in spec.tags] == [
        ("flights", 0, "FlightsApi"),
        ("international", 1, "InternationalApi"),
        ("domestic", 1, "DomesticApi"),
        ("delays", 0, ""),
    ]
    assert spec.apis[3].operations[0].labels == ("delays",)
