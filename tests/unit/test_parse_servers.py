"""generator.parse.servers: server variables, and path- and operation-level servers."""

from __future__ import annotations

from typing import Any

import pytest

from generator.ir import Server, ServerVariable
from generator.parse.servers import operation_server_url, parse_servers

ROOT = parse_servers(
    [
        {
            "url": "https://{region}.example.com/{version}",
            "variables": {
                "region": {"default": "us", "enum": ["us", "eu"]},
                "version": {"default": 2},
            },
        }
    ]
)


def test_parse_servers_keeps_variables_as_text() -> None:
    assert ROOT == (
        Server(
            "https://{region}.example.com/{version}",
            "",
            (
                ServerVariable("region", "us", ("us", "eu")),
                ServerVariable("version", "2"),
            ),
        ),
    )
    assert ROOT[0].default_url == "https://us.example.com/2"


@pytest.mark.parametrize(
    ("name", "value", "base", "want"),
    [
        (
            "relative URL joined to the base",
            [{"url": "/v3"}],
            "https://a.io/v1",
            "https://a.io/v3",
        ),
        ("relative without a base stays", [{"url": "/v3"}], "", "/v3"),
        ("absolute", [{"url": "http://b.io"}], "https://a.io", "http://b.io"),
        ("not a list", {"url": "x"}, "", None),
        ("an entry without url is skipped", [{"description": "x"}], "", None),
    ],
)
def test_parse_servers(name: str, value: Any, base: str, want: str | None) -> None:
    found = parse_servers(value, base)
    assert (found[0].url if found else None) == want, name


@pytest.mark.parametrize(
    ("name", "operation", "path_item", "want"),
    [
        ("none of its own", {}, {}, ""),
        (
            "operation level",
            {"servers": [{"url": "https://up.example.com"}]},
            {},
            "https://up.example.com",
        ),
        (
            "path level",
            {},
            {
                "servers": [
                    {"url": "https://{h}.io", "variables": {"h": {"default": "p"}}}
                ]
            },
            "https://p.io",
        ),
        (
            "operation wins over path",
            {"servers": [{"url": "https://op.io/"}]},
            {"servers": [{"url": "https://path.io"}]},
            "https://op.io",
        ),
        (
            "the root server again",
            {"servers": [{"url": "https://us.example.com/2"}]},
            {},
            "",
        ),
    ],
)
def test_operation_server_url(
    name: str, operation: dict[str, Any], path_item: dict[str, Any], want: str
) -> None:
    assert operation_server_url(operation, path_item, ROOT) == want, name
