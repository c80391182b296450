"""A new process that uses one operation of the checked-in Chat client loads only the models
that operation parses: an API module imports models for its annotations under
``TYPE_CHECKING`` and reads the response models through a ``LazyModels`` of their modules
(issue 15, the cold start to the first completion). The package's names still load on first
use, from its index, and type checkers read them from its stub."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from loopback import Loopback, Reply

CHAT_CLIENT = Path(__file__).resolve().parents[2] / "generated" / "chat_client"

SCRIPT = """
import json, sys
import chat_client

def loaded():
    return sorted(m for m in sys.modules if m.startswith("chat_client.models."))

client = chat_client.Client(base_url=sys.argv[1], api_key="sk-test")
api = client.chat
before = loaded()
done = api.create_chat_completion(model="gpt-4o", messages=[{"role": "user", "content": "Hi"}])
print(json.dumps({
    "before": before,
    "after": loaded(),
    "content": done.choices[0].message.content,
    "asyncio": "asyncio" in sys.modules,
    "servers": "chat_client._runtime.servers" in sys.modules,
}))
"""

COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-4o",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello", "refusal": None},
            "finish_reason": "stop",
            "logprobs": None,
        }
    ],
}


def first_completion() -> dict[str, Any]:
    """What the script saw, run in a new process against a loopback server."""
    server = Loopback().start()
    server.always("POST", "/chat/completions", Reply.json(COMPLETION))
    try:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, server.url],
            cwd=CHAT_CLIENT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr
    seen: dict[str, Any] = json.loads(done.stdout)
    assert seen["content"] == "Hello"
    return seen


def test_an_api_module_loads_no_model_until_a_method_parses_one() -> None:
    seen = first_completion()
    assert seen["before"] == []
    assert "chat_client.models.create_chat_completion_response" in seen["after"]
    # the request's models are annotations only: sending a dict builds none of them
    assert "chat_client.models.create_chat_completion_request" not in seen["after"]
    # the method imports its models' modules itself, not through the package's index
    assert "chat_client.models._index" not in seen["after"]


def test_a_synchronous_call_imports_neither_asyncio_nor_the_server_list() -> None:
    """Importing asyncio costs about a tenth of the cold start: only async paths do; the
    document's servers are built when ``server_url`` asks for them."""
    seen = first_completion()
    assert seen["asyncio"] is False
    assert seen["servers"] is False


PACKAGE_SCRIPT = """
import json, sys
import chat_client.models as models
before = "chat_client.models._index" in sys.modules
namespace = {}
exec("from chat_client.models import *", namespace)
print(json.dumps({
    "before": before,
    "all": models.__all__,
    "dir": dir(models),
    "star": sorted(n for n in namespace if n != "__builtins__"),
    "class": models.CreateChatCompletionResponse.__module__,
}))
"""


def test_the_models_package_exports_every_name_of_its_index_and_stub() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PACKAGE_SCRIPT],
        cwd=CHAT_CLIENT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(done.stdout)
    assert seen["before"] is False  # importing the package reads no index
    assert seen["all"] == seen["dir"] == seen["star"]
    assert "UnknownVariant" in seen["all"]
    assert "CreateChatCompletionResponse" in seen["all"]
    assert seen["class"] == "chat_client.models.create_chat_completion_response"
    stub = (CHAT_CLIENT / "chat_client" / "models" / "__init__.pyi").read_text()
    exported = set(re.findall(r"import \(?\s*(\w+) as \1\b", stub))
    assert exported == set(seen["all"])
