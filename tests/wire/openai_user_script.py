"""What a team writes against the OpenAI client oapigen generates: chat, streaming, an
upload, pagination, raw responses and error handling, sync and async. Type-checked, never run,
by tests/wire/test_user_script_typing.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

from openai_client import (
    ApiStatusError,
    AsyncClient,
    Client,
    NotFoundError,
    RateLimitError,
)
from openai_client.models import (
    ChatCompletionRequestMessageParam,
    CreateChatCompletionResponse,
    OpenAIFile,
)


def ask(client: Client, question: str) -> str | None:
    messages: list[ChatCompletionRequestMessageParam] = [
        {"role": "system", "content": "Answer in one sentence."},
        {"role": "user", "content": question},
    ]
    reply: CreateChatCompletionResponse = client.chat.create_chat_completion(
        model="gpt-4o", messages=messages, temperature=0.2
    )
    return reply.choices[0].message.content


def ask_streamed(client: Client, question: str) -> str:
    parts: list[str] = []
    with client.chat.create_chat_completion_stream(
        model="gpt-4o-mini", messages=[{"role": "user", "content": question}]
    ) as chunks:
        for chunk in chunks:
            for choice in chunk.choices:
                if choice.delta.content:
                    parts.append(choice.delta.content)
    return "".join(parts)


def upload(client: Client, path: Path) -> OpenAIFile:
    return client.files.create_file(file=path, purpose="fine-tune")


def file_names(client: Client) -> list[str]:
    return [f.filename for f in client.files.list_files_iter(purpose="fine-tune")]


def why_not(client: Client, file_id: str) -> str:
    try:
        client.files.retrieve_file(file_id=file_id)
    except NotFoundError as err:
        return f"{err.status_code}: {err.message} (request id {err.request_id})"
    except RateLimitError as err:
        return err.headers["retry-after"] if "retry-after" in err.headers else "later"
    except ApiStatusError as err:
        return repr(err.parsed)
    return "found"


def request_id(client: Client) -> str | None:
    raw = client.chat.with_raw_response.create_chat_completion(
        model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
    )
    completion = raw.parse()
    print(completion.id)
    return raw.request_id


async def ask_async(question: str) -> list[str]:
    async with AsyncClient(api_key="sk-test", max_retries=1) as client:
        reply = await client.chat.create_chat_completion(
            model="gpt-4o", messages=[{"role": "user", "content": question}]
        )
        texts = [c.message.content or "" for c in reply.choices]
        stream = client.chat.create_chat_completion_stream(
            model="gpt-4o", messages=[{"role": "user", "content": question}]
        )
        async for chunk in stream:
            texts.extend(c.delta.content or "" for c in chunk.choices)
        return texts


if __name__ == "__main__":
    with Client(api_key="sk-test") as client:
        print(ask(client, "Why is the sky blue?"), why_not(client, "file-abc"))
    print(asyncio.run(ask_async("Hello")))
