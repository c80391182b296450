"""The generated Chat client's logger: named ``chat_client``, one INFO line per request, on by
``CHAT_CLIENT_LOG`` without a line of code, and never a credential."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from loopback import Loopback, Reply

CHAT_CLIENT = Path(__file__).resolve().parents[2] / "generated" / "chat_client"
SECRET = "sk-logged-never-0042"
DELETED = {"id": "x", "object": "chat.completion.deleted", "deleted": True}
SCRIPT = """
import sys
from chat_client import Client
with Client(api_key=sys.argv[2], base_url=sys.argv[1]) as client:
    client.chat.delete_chat_completion("x")
"""


def test_caplog_sees_each_request(
    chat: ModuleType, loopback: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    loopback.always("DELETE", "/chat/completions/x", Reply.json(DELETED))
    caplog.set_level(logging.INFO, logger="chat_client")
    with chat.Client(api_key=SECRET, base_url=loopback.url) as client:
        client.chat.delete_chat_completion("x")
    [record] = caplog.records
    assert record.name == "chat_client"
    assert re.fullmatch(
        rf"DELETE {loopback.url}/chat/completions/x -> 200 OK in \d+\.\d{{3}} s",
        record.getMessage(),
    )
    assert SECRET not in caplog.text


@pytest.mark.parametrize(("value", "debug"), [("debug", True), ("info", False)])
def test_the_environment_turns_logging_on(
    loopback: Loopback, value: str, debug: bool
) -> None:
    loopback.always("DELETE", "/chat/completions/x", Reply.json(DELETED))
    env = {**os.environ, "CHAT_CLIENT_LOG": value, "PYTHONPATH": str(CHAT_CLIENT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, loopback.url, SECRET],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "chat_client INFO] DELETE" in done.stderr
    assert "-> 200 OK in" in done.stderr
    assert ("DEBUG] Sending DELETE" in done.stderr) is debug
    assert SECRET not in done.stderr
