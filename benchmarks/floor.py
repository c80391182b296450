"""The floor under measurement 4, the cold first completion: the least any client built on
httpx and pydantic does for the same call. No client code at all: one POST and three
hand-written models for the fields the check reads, defined at module level as a generated
model module defines them. Imported only by ``probe.py cold floor``.
"""

import httpx
import pydantic


class Message(pydantic.BaseModel):
    role: str
    content: str | None = None


class Choice(pydantic.BaseModel):
    index: int
    message: Message
    finish_reason: str


class Completion(pydantic.BaseModel):
    id: str
    model: str
    choices: list[Choice]


def complete(url: str, model: str, conversation: list[dict[str, str]]) -> Completion:
    # verify=False: an http:// URL needs no CA bundle, and our client loads none for it
    # either (it reads one at its first TLS handshake).
    http = httpx.Client(base_url=url, verify=False)
    response = http.post(
        "/chat/completions",
        json={"model": model, "messages": conversation},
        headers={"Authorization": "Bearer sk-bench"},
    )
    response.raise_for_status()
    return Completion.model_validate_json(response.content)
