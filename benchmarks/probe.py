"""What runs inside each contender's interpreter: one cold client call, or a timed loop.

The harness starts this file as a fresh process in the environment under test, so it
imports nothing at module level beyond the standard library: the cold-process
measurement charges each client only for its own imports.

    probe.py cold ours|sdk|floor URL [ROOT PACKAGE]
    probe.py parse|build TOOL ROOT MODULE_OR_PACKAGE
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
MODEL = "gpt-4o"


def messages() -> list[dict[str, Any]]:
    """The ten-message conversation of the request-building measurement."""
    out: list[dict[str, Any]] = [
        {
            "role": "system",
            "content": "You are a concise assistant for a travel agency.",
        }
    ]
    for turn in range(9):
        role = "user" if turn % 2 == 0 else "assistant"
        out.append({"role": role, "content": f"Message {turn}: what about day {turn}?"})
    return out


def request_dict() -> dict[str, Any]:
    return {
        "model": MODEL,
        "messages": messages(),
        "temperature": 0.2,
        "max_completion_tokens": 256,
    }


def completion_bytes() -> bytes:
    return (DATA / "chat_completion.json").read_bytes()


def import_bare(root: str, dotted: str) -> types.ModuleType:
    """Import ``dotted`` from ``root`` without running its packages' ``__init__``.

    Generated packages of other tools may fail to import as a whole (one bad module in a
    package ``__init__`` that imports every model); the model we measure can still load.
    """
    sys.path.insert(0, root)
    parts = dotted.split(".")
    for i in range(1, len(parts)):
        name = ".".join(parts[:i])
        if name in sys.modules:
            continue
        package = types.ModuleType(name)
        package.__path__ = [str(Path(root, *parts[:i]))]
        sys.modules[name] = package
    return importlib.import_module(dotted)


# --- cold process to the first parsed chat completion --------------------------------


def cold(tool: str, url: str, root: str = "", package: str = "") -> None:
    conversation = [{"role": "user", "content": "Describe the picture."}]
    if tool == "floor":
        import floor  # benchmarks/floor.py, beside this file

        completion = floor.complete(url, MODEL, conversation)
    elif tool == "ours":
        sys.path.insert(0, root)
        client_module = importlib.import_module(package)
        client = client_module.Client(base_url=url, api_key="sk-bench")
        completion = client.chat.create_chat_completion(
            model=MODEL, messages=conversation
        )
    else:
        import openai

        client = openai.OpenAI(base_url=url, api_key="sk-bench")
        completion = client.chat.completions.create(model=MODEL, messages=conversation)
    if not completion.choices[0].message.content.startswith("The image"):
        raise SystemExit("unexpected completion")


# --- micro-benchmarks -----------------------------------------------------------------


class _Stop(Exception):
    """Raised by the capturing transport: the request was built, nothing is sent."""


def _capturing_client(sink: list[bytes], library: str) -> Any:
    """An HTTP client whose transport keeps the request body and sends nothing
    (``library`` is httpx for ours, httpx2 for the SDK, which moved to that fork)."""
    http = importlib.import_module(library)

    class Capture(http.BaseTransport):  # type: ignore[name-defined,misc]
        def handle_request(self, request: Any) -> Any:
            sink.append(request.read())
            raise _Stop

    return http.Client(transport=Capture())


def parse_case(tool: str, root: str, target: str) -> Callable[[], object]:
    body = completion_bytes()
    if tool == "ours":
        sys.path.insert(0, root)
        models = importlib.import_module(f"{target}.models")
        model = models.CreateChatCompletionResponse
        return lambda: model.model_validate_json(body)
    if tool == "sdk":
        # The SDK's default path (strict response validation off): httpx's
        # response.json(), then construct_type, which builds models without validating.
        from openai._models import construct_type
        from openai.types.chat import ChatCompletion

        return lambda: construct_type(type_=ChatCompletion, value=json.loads(body))
    model = import_bare(root, target).CreateChatCompletionResponse
    if tool == "opc":
        return lambda: model.from_dict(json.loads(body))
    if tool == "ogen":
        text = body.decode()
        return lambda: model.from_json(text)
    if tool == "dmcg":
        return lambda: model.model_validate_json(body)
    raise SystemExit(f"unknown tool {tool}")


def build_case(tool: str, root: str, target: str) -> Callable[[], object]:
    sink: list[bytes] = []
    data = request_dict()
    if tool == "ours":
        sys.path.insert(0, root)
        client_module = importlib.import_module(target)
        client = client_module.Client(
            base_url="http://127.0.0.1:9/v1",
            api_key="sk-bench",
            max_retries=0,
            http_client=_capturing_client(sink, "httpx"),
        )

        def run() -> object:
            try:
                client.chat.create_chat_completion(**data)
            except _Stop:
                pass
            return sink.pop()

    elif tool == "sdk":
        import openai

        client = openai.OpenAI(
            base_url="http://127.0.0.1:9/v1",
            api_key="sk-bench",
            max_retries=0,
            http_client=_capturing_client(sink, "httpx2"),
        )

        def run() -> object:
            try:
                client.chat.completions.create(**data)
            except (_Stop, openai.APIConnectionError):  # raised as is, or wrapped
                pass
            return sink.pop()

    else:
        model = import_bare(root, target).CreateChatCompletionRequest
        if tool == "opc":
            return lambda: json.dumps(model.from_dict(data).to_dict()).encode()
        if tool == "ogen":
            return lambda: model.from_dict(data).to_json().encode()
        if tool == "dmcg":
            return (
                lambda: model.model_validate(data)
                .model_dump_json(by_alias=True, exclude_unset=True)
                .encode()
            )
        raise SystemExit(f"unknown tool {tool}")
    return run


def _check_built(body: object) -> None:
    sent = json.loads(body)  # type: ignore[arg-type]
    if len(sent["messages"]) != 10 or sent["model"] != MODEL:
        raise SystemExit(f"request body lost content: {body!r}")


def timed(case: Callable[[], object], batches: int = 7) -> float:
    """Best per-call time in µs over ``batches`` batches of at least 0.1 s each
    (timeit's convention: the minimum is the run least disturbed by the machine)."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            case()
        if time.perf_counter() - start >= 0.1:
            break
        number *= 2
    best = float("inf")
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(number):
            case()
        best = min(best, (time.perf_counter() - start) / number)
    return best * 1e6


def main(argv: list[str]) -> None:
    kind = argv[0]
    if kind == "cold":
        cold(*argv[1:])
        return
    tool, root, target = argv[1:4]
    case = (parse_case if kind == "parse" else build_case)(tool, root, target)
    result = case()
    if kind == "build":
        _check_built(result)
    print(json.dumps({"us": timed(case)}))


if __name__ == "__main__":
    main(sys.argv[1:])
