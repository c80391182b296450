"""Response forms of tests/e2e/roundtrip.yaml against scripted replies: text, binary and
streamed downloads, 204, several success codes, status ranges and default, error models.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from loopback import Loopback, Reply


@pytest.fixture
def scripted(roundtrip: Any, loopback: Loopback) -> Iterator[Any]:
    """A client of the scripted server (its base URL serves every operation)."""
    with roundtrip.Client(bearer="t", base_url=loopback.url, max_retries=0) as c:
        yield c


def test_text_response(scripted: Any, loopback: Loopback) -> None:
    loopback.reply(
        "GET",
        "/responses/text",
        Reply(200, {"content-type": "text/plain; charset=utf-8"}, "héllo".encode()),
    )
    assert scripted.responses.text_response() == "héllo"
    assert loopback.last.header("accept") == "text/plain"


def test_binary_download_whole_and_streamed(scripted: Any, loopback: Loopback) -> None:
    payload = bytes(range(256)) * 64
    headers = {"content-type": "application/octet-stream"}
    loopback.reply(
        "GET",
        "/responses/download",
        Reply(200, headers, payload),
        Reply(200, headers, chunks=[payload[:5000], payload[5000:]]),
    )
    assert scripted.responses.download() == payload
    assert loopback.last.header("accept") == "application/octet-stream"
    with scripted.responses.with_streaming_response.download() as response:
        assert response.status_code == 200
        pieces = list(response.iter_bytes(1024))
    assert b"".join(pieces) == payload and len(pieces) > 1


def test_async_streamed_download(roundtrip: Any, loopback: Loopback) -> None:
    loopback.reply(
        "GET",
        "/responses/download",
        Reply(200, {"content-type": "application/octet-stream"}, chunks=[b"ab", b"cd"]),
    )

    async def main() -> bytes:
        async with roundtrip.AsyncClient(bearer="t", base_url=loopback.url) as c:
            async with c.responses.with_streaming_response.download() as response:
                return b"".join([part async for part in response.aiter_bytes()])

    assert asyncio.run(main()) == b"abcd"


def test_empty_response(scripted: Any, loopback: Loopback) -> None:
    loopback.reply("DELETE", "/responses/empty", Reply(204))
    assert scripted.responses.empty_response() is None
    raw_reply = Reply(204, {"x-request-id": "r1"})
    loopback.reply("DELETE", "/responses/empty", raw_reply)
    raw = scripted.responses.with_raw_response.empty_response()
    assert raw.status_code == 204 and raw.parse() is None


def test_several_success_codes_parse_into_their_own_models(
    scripted: Any, roundtrip: Any, loopback: Loopback
) -> None:
    loopback.reply(
        "POST",
        "/responses/several",
        Reply.json({"x": 1, "y": 2}, status=200),
        Reply.json({"title": "t"}, status=201),
        Reply(202),
    )
    assert isinstance(scripted.responses.several_responses(), roundtrip.models.Point)
    assert isinstance(scripted.responses.several_responses(), roundtrip.models.Note)
    assert scripted.responses.several_responses() is None


@pytest.mark.parametrize(
    ("status", "body", "error", "model"),
    [
        (404, {"missing": "x"}, "NotFoundError", "NotFound"),
        (400, {"client": "x"}, "BadRequestError", "ClientProblem"),
        (409, {"client": "x"}, "ConflictError", "ClientProblem"),
        (503, {"server": "x"}, "InternalServerError", "ServerProblem"),
        (302, {"message": "x"}, "ApiStatusError", "Problem"),
    ],
)
def test_ranges_and_default_parse_the_declared_error(
    scripted: Any,
    roundtrip: Any,
    loopback: Loopback,
    status: int,
    body: dict[str, str],
    error: str,
    model: str,
) -> None:
    loopback.reply("GET", "/responses/ranges", Reply.json(body, status=status))
    with pytest.raises(getattr(roundtrip, error)) as raised:
        scripted.responses.ranged_responses()
    assert raised.value.status_code == status
    assert type(raised.value.parsed).__name__ == model


def test_a_success_range_parses(
    scripted: Any, roundtrip: Any, loopback: Loopback
) -> None:
    loopback.reply("GET", "/responses/ranges", Reply.json({"x": 1, "y": 2}, status=206))
    assert scripted.responses.ranged_responses() == roundtrip.models.Point(x=1, y=2)


def test_a_success_body_that_does_not_fit(
    scripted: Any, roundtrip: Any, loopback: Loopback
) -> None:
    loopback.reply("GET", "/responses/ranges", Reply.json({"x": "not a number"}))
    with pytest.raises(roundtrip.ApiResponseValidationError):
        scripted.responses.ranged_responses(strict_response_validation=True)
    loopback.reply("GET", "/responses/ranges", Reply.json({"x": "not a number"}))
    drifted = scripted.responses.ranged_responses()
    assert drifted.x == "not a number" and drifted.y is None
