"""The seven ``text/event-stream`` operations of the OpenAI document, sync and async, against
our own server (Prism cannot stream): each sets its own switch on the wire (``stream: true``
in JSON, ``stream`` as a multipart field, ``stream_format: "sse"``) and parses its events
into the declared event types, with [DONE] ending the stream."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from loopback import Loopback, Recorded, Reply

PNG = ("a.png", b"\x89PNG", "image/png")
IMAGE_EVENT = {
    "b64_json": "aGk=",
    "created_at": 1,
    "size": "1024x1024",
    "quality": "low",
    "background": "auto",
    "output_format": "png",
    "partial_image_index": 0,
}
TEXT_DELTA = {
    "type": "response.output_text.delta",
    "item_id": "msg_1",
    "output_index": 0,
    "content_index": 0,
    "delta": "Hel",
    "sequence_number": 1,
    "logprobs": [],
}


def json_switch(name: str, value: object) -> Callable[[Recorded], bool]:
    return lambda r: r.json().get(name) == value


def multipart_switch(r: Recorded) -> bool:
    return ("stream", b"true") in [(p["name"], p["data"]) for p in r.multipart()]


# (operation, path, opening the stream, the request's switch, an event, the event's class)
STREAMS: list[
    tuple[
        str, str, Callable[[Any], Any], Callable[[Recorded], bool], dict[str, Any], str
    ]
] = [
    (
        "createChatCompletion",
        "/chat/completions",
        lambda c: c.chat.create_chat_completion_stream(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}]
        ),
        json_switch("stream", True),
        {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [
                {"index": 0, "delta": {"content": "Hel"}, "finish_reason": None}
            ],
        },
        "CreateChatCompletionStreamResponse",
    ),
    (
        "createImage",
        "/images/generations",
        lambda c: c.images.create_image_stream(prompt="a cat", model="gpt-image-1"),
        json_switch("stream", True),
        {"type": "image_generation.partial_image", **IMAGE_EVENT},
        "ImageGenPartialImageEvent",
    ),
    (
        "createImageEdit (multipart)",
        "/images/edits",
        lambda c: c.images.create_image_edit_stream(image=PNG, prompt="a hat"),
        multipart_switch,
        {"type": "image_edit.partial_image", **IMAGE_EVENT},
        "ImageEditPartialImageEvent",
    ),
    (
        "createResponse",
        "/responses",
        lambda c: c.responses.create_response_stream(model="gpt-4o", input="Hi"),
        json_switch("stream", True),
        TEXT_DELTA,
        "ResponseTextDeltaEvent",
    ),
    (
        "createResponse ?beta=true",
        "/responses",
        lambda c: c.responses.beta_create_response_stream(model="gpt-4o", input="Hi"),
        lambda r: r.query == "beta=true" and r.json()["stream"] is True,
        TEXT_DELTA,
        "BetaResponseTextDeltaEvent",
    ),
    (
        "createTranscription (multipart)",
        "/audio/transcriptions",
        lambda c: c.audio.create_transcription_stream(
            file=("a.mp3", b"ID3", "audio/mpeg"), model="gpt-4o-transcribe"
        ),
        multipart_switch,
        {"type": "transcript.text.delta", "delta": "Hel"},
        "TranscriptTextDeltaEvent",
    ),
    (
        "createSpeech (stream_format)",
        "/audio/speech",
        lambda c: c.audio.create_speech_stream(
            model="tts-1", input="Hi", voice="alloy"
        ),
        json_switch("stream_format", "sse"),
        {"type": "speech.audio.delta", "audio": "aGk="},
        "SpeechAudioDeltaEvent",
    ),
]
IDS = [s[0] for s in STREAMS]


def events(event: dict[str, Any]) -> Reply:
    body = f"data: {json.dumps(event)}\n\n" * 2 + "data: [DONE]\n\n"
    return Reply.sse(*[body[i : i + 9] for i in range(0, len(body), 9)])


@pytest.mark.parametrize(
    ("operation", "path", "open_stream", "switch", "event", "event_class"),
    STREAMS,
    ids=IDS,
)
def test_stream(
    openai: ModuleType,
    loopback: Loopback,
    operation: str,
    path: str,
    open_stream: Callable[[Any], Any],
    switch: Callable[[Recorded], bool],
    event: dict[str, Any],
    event_class: str,
) -> None:
    loopback.reply("POST", path, events(event))
    with openai.Client(api_key="sk", base_url=loopback.url, max_retries=0) as c:
        with open_stream(c) as stream:
            received = list(stream)
    assert [type(e).__name__ for e in received] == [event_class] * 2, operation
    assert switch(loopback.last), operation
    assert loopback.last.header("authorization") == "Bearer sk"


def test_streams_async(openai: ModuleType, loopback: Loopback) -> None:
    for _, path, _, _, event, _ in STREAMS:
        loopback.reply("POST", path, events(event))

    async def main() -> list[str]:
        async with openai.AsyncClient(api_key="sk", base_url=loopback.url) as c:
            return [
                type(e).__name__
                for _, _, open_stream, _, _, _ in STREAMS
                async for e in open_stream(c)
            ]

    assert asyncio.run(main()) == [s[5] for s in STREAMS for _ in range(2)]
    for (operation, _, _, switch, _, _), request in zip(STREAMS, loopback.requests):
        assert switch(request), operation
