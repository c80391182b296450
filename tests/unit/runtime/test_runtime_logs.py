"""Logging: the logger named after the package logs each request (method, URL, status, time
taken, retries), never a credential; ``<PACKAGE>_LOG`` switches it on without code."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

import pytest
from loopback import Loopback, Reply
from oapigen_runtime import auth, errors
from oapigen_runtime.logs import enable_from_env, package_logger
from oapigen_runtime.transport import Call, Param, SyncTransport

MakeTransport = Callable[..., SyncTransport]
SECRET = "sk-log-secret-1234"
BUSY = Reply.json({}, status=503, headers={"retry-after-ms": "0"})


def test_the_logger_is_named_after_the_package() -> None:
    assert package_logger("chat_client._runtime.transport").name == "chat_client"
    assert package_logger("acme.chat._runtime.transport").name == "acme.chat"
    assert (
        package_logger("oapigen_runtime.transport").name == "oapigen_runtime.transport"
    )


def test_each_request_is_logged_at_info(
    loopback: Loopback, make_transport: MakeTransport, caplog: pytest.LogCaptureFixture
) -> None:
    loopback.reply("POST", "/chat", BUSY, Reply.json({}, status=201))
    caplog.set_level(logging.INFO, logger="oapigen_runtime")
    make_transport(max_retries=2).request(Call("POST", "/chat"))
    url = f"{loopback.url}/chat"
    lines = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert [(name, level) for name, level, _ in lines] == [
        ("oapigen_runtime.transport", "INFO")
    ] * 2
    assert re.fullmatch(
        rf"POST {url} -> 503 after \d+\.\d{{3}} s; retry 1 of 2 in 0\.000 s",
        lines[0][2],
    )
    assert re.fullmatch(
        rf"POST {url} -> 201 Created in \d+\.\d{{3}} s \(retry 1 of 2\)", lines[1][2]
    )


def test_debug_adds_each_attempt_and_a_failure_is_logged(
    loopback: Loopback, make_transport: MakeTransport, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="oapigen_runtime")
    transport = make_transport(base_url="http://127.0.0.1:9", max_retries=0)
    with pytest.raises(errors.ApiConnectionError):
        transport.request(Call("GET", "/x"))
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "Sending GET http://127.0.0.1:9/x"
    assert re.fullmatch(
        r"GET http://127.0.0.1:9/x failed \(ConnectError\) after \d+\.\d{3} s",
        messages[1],
    )


def test_credentials_are_never_logged(
    loopback: Loopback, make_transport: MakeTransport, caplog: pytest.LogCaptureFixture
) -> None:
    loopback.always("GET", "/x", Reply.json({}))
    caplog.set_level(logging.DEBUG, logger="oapigen_runtime")
    schemes = {
        "Bearer": auth.bearer(SECRET, env="UNSET_X"),
        "Query": auth.api_key(SECRET, env="UNSET_X", location="query", name="key"),
        "Basic": auth.basic(("ada", SECRET), env="UNSET_X"),
        "Header": auth.api_key(
            SECRET + "h", env="UNSET_X", location="header", name="X-Key"
        ),
    }
    transport = make_transport(credentials=schemes)
    for scheme in schemes:
        transport.request(Call("GET", "/x", security=((scheme,),)))
    transport.request(
        Call("GET", "/x", params=(Param("query", "q", 1),), security=(("Query",),))
    )
    assert SECRET not in caplog.text and "ada" not in caplog.text
    assert "key=REDACTED&q=1" in caplog.text
    assert len([r for r in caplog.records if r.levelno == logging.INFO]) == 5


@pytest.fixture
def env_logger() -> Iterator[logging.Logger]:
    """The runtime's logger, put back as it was after the test."""
    logger = package_logger("oapigen_runtime._runtime.transport")
    level, handlers = logger.level, list(logger.handlers)
    yield logger
    logger.setLevel(level)
    logger.handlers[:] = handlers


@pytest.mark.parametrize(("value", "level"), [("debug", 10), ("INFO", 20)])
def test_the_environment_switches_logging_on(
    env_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
    value: str,
    level: int,
) -> None:
    monkeypatch.setenv("OAPIGEN_RUNTIME_LOG", value)
    enable_from_env(env_logger)
    enable_from_env(env_logger)  # a second client adds no second handler
    assert env_logger.level == level
    [handler] = env_logger.handlers
    assert handler.get_name() == "OAPIGEN_RUNTIME_LOG"


@pytest.mark.parametrize("value", ["", "verbose"])
def test_other_values_leave_logging_alone(
    env_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("OAPIGEN_RUNTIME_LOG", value)
    enable_from_env(env_logger)
    assert env_logger.level == logging.NOTSET and env_logger.handlers == []
