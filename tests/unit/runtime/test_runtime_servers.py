"""Server URLs with variables: defaults, chosen values, enums, unknown names."""

from __future__ import annotations

import pytest
from oapigen_runtime.servers import Server, ServerVariable, pick_server, server_url

REGIONAL = Server(
    "https://{region}.api.example.com:{port}/{version}/",
    {
        "region": ServerVariable("us", ("us", "eu")),
        "port": ServerVariable("443"),
        "version": ServerVariable("v1"),
    },
)


@pytest.mark.parametrize(
    ("name", "values", "want"),
    [
        ("defaults", {}, "https://us.api.example.com:443/v1"),
        ("enum value", {"region": "eu"}, "https://eu.api.example.com:443/v1"),
        ("free value", {"port": "8443"}, "https://us.api.example.com:8443/v1"),
    ],
)
def test_server_url(name: str, values: dict[str, str], want: str) -> None:
    assert server_url(REGIONAL, values) == want, name


@pytest.mark.parametrize(
    ("name", "values", "message"),
    [
        ("outside the enum", {"region": "mars"}, "not one of us, eu"),
        ("unknown variable", {"zone": "a"}, r"unknown server variable\(s\) zone"),
    ],
)
def test_server_url_refuses(name: str, values: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        server_url(REGIONAL, values)


def test_pick_server_index() -> None:
    servers = (REGIONAL, Server("http://localhost:8080"))
    assert pick_server(servers, 1, {}) == "http://localhost:8080"
    with pytest.raises(ValueError, match="declares 2"):
        pick_server(servers, 2, {})
