"""Options like the SDKs people know: a configured copy sharing the connection pool, per-call
retries, a default query, the User-Agent and the connect timeout."""

from __future__ import annotations

import platform
from collections.abc import Callable

import httpx
import pytest
from loopback import Loopback, Reply
from oapigen_runtime import errors
from oapigen_runtime.limits import plan_timeout
from oapigen_runtime.transport import Call, Param, SyncTransport

MakeTransport = Callable[..., SyncTransport]
BUSY = Reply.json({}, status=503, headers={"retry-after-ms": "0"})


def test_with_options_is_a_copy_on_the_same_pool(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.always("GET", "/x", Reply.json({}))
    base = make_transport(default_headers={"X-Team": "a"}, max_retries=0)
    copy = base.with_options(
        timeout=3.0,
        max_retries=4,
        default_headers={"X-Call": "b"},
        default_query={"v": "2"},
        strict_response_validation=True,
    )
    assert copy._client is base._client  # one connection pool
    assert (copy.timeout, copy.max_retries, copy.strict_response_validation) == (
        3.0,
        4,
        True,
    )
    assert (base.timeout, base.max_retries, base.strict_response_validation) == (
        600.0,
        0,
        False,
    )
    copy.request(Call("GET", "/x"))
    assert (
        loopback.last.header("x-team") == "a" and loopback.last.header("x-call") == "b"
    )
    assert loopback.last.query == "v=2"
    base.request(Call("GET", "/x"))
    assert loopback.last.header("x-call") is None and loopback.last.query == ""
    copy.close()  # the copy does not own the pool
    base.request(Call("GET", "/x"))
    with pytest.raises(ValueError):
        base.with_options(default_headers={"x-bad": "a\r\nb"})


def test_an_owned_pool_is_closed_by_its_maker_only(loopback: Loopback) -> None:
    base = SyncTransport(base_url=loopback.url, credentials={}, credential_hints={})
    copy = base.with_options(max_retries=0)
    copy.close()
    assert not base._client.is_closed
    base.close()
    assert base._client.is_closed


def test_max_retries_per_call(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.always("GET", "/busy", BUSY)
    transport = make_transport(max_retries=2)
    with pytest.raises(errors.InternalServerError):
        transport.request(Call("GET", "/busy", max_retries=0))
    assert len(loopback.requests) == 1
    with pytest.raises(errors.InternalServerError):
        transport.request(Call("GET", "/busy"))
    assert len(loopback.requests) == 4
    with pytest.raises(errors.InternalServerError):
        make_transport(max_retries=0).request(Call("GET", "/busy", max_retries=1))
    assert len(loopback.requests) == 6


def test_default_query_gives_way_to_parameters_and_extra_query(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.always("GET", "/x", Reply.json({}))
    transport = make_transport(default_query={"api-version": "1", "region": "eu"})
    transport.request(Call("GET", "/x"))
    assert loopback.last.query == "api-version=1&region=eu"
    transport.request(
        Call(
            "GET",
            "/x",
            params=(Param("query", "region", "us"),),
            extra_query={"api-version": "2"},
        )
    )
    assert loopback.last.query == "api-version=2&region=us"  # sorted by name


def test_the_user_agent_names_package_python_and_httpx(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.reply("GET", "/x", Reply.json({}))
    make_transport(user_agent="acme_client/2.0.0").request(Call("GET", "/x"))
    assert loopback.last.header("user-agent") == (
        f"acme_client/2.0.0 Python/{platform.python_version()} httpx/{httpx.__version__}"
    )


@pytest.mark.parametrize("client", ["made by the transport", "the caller's"])
def test_user_agent_and_accept_go_once_over_any_client_defaults(
    loopback: Loopback, make_transport: MakeTransport, client: str
) -> None:
    """A client the transport makes sends them as its defaults, so requests leave them out;
    a caller's client gets them on each request, replacing its own. Either way the server
    sees each header once, and a call's own value wins."""
    loopback.always("GET", "/x", Reply.json({}))
    theirs = httpx.Client(headers={"Accept": "text/plain", "User-Agent": "theirs/1"})
    own = client == "made by the transport"
    transport = make_transport(
        user_agent="acme_client/2.0.0", http_client=None if own else theirs
    )

    def sent(name: str) -> list[str]:
        return [v for k, v in loopback.last.headers if k.lower() == name]

    transport.request(Call("GET", "/x"))
    assert sent("accept") == ["application/json"]
    assert [a.split(" ")[0] for a in sent("user-agent")] == ["acme_client/2.0.0"]
    transport.request(Call("GET", "/x", accept="text/csv"))
    assert sent("accept") == ["text/csv"]
    transport.request(Call("GET", "/x", extra_headers={"User-Agent": "mine/3"}))
    assert sent("user-agent") == ["mine/3"]
    transport.request(Call("GET", "/x", extra_headers={"Accept": "application/json"}))
    assert sent("accept") == ["application/json"]
    transport.close()
    theirs.close()


def test_the_connect_timeout_is_a_setting() -> None:
    assert plan_timeout(30.0, 2.0) == (httpx.Timeout(30.0, connect=2.0), 30.0)
    assert plan_timeout(1.0, 2.0) == (httpx.Timeout(1.0), 1.0)
    transport = SyncTransport(
        base_url="http://127.0.0.1:9",
        credentials={},
        credential_hints={},
        default_timeout=30.0,
        connect_timeout=2.0,
    )
    assert transport.timeout == 30.0
    assert transport._timeouts(Call("GET", "/")) == (
        httpx.Timeout(30.0, connect=2.0),
        30.0,
    )
    transport.close()
