"""The generated OpenAI client against Prism, the mock server built from the same document:
Prism validates each request against the document (a 422 when it does not fit) and answers
with the document's examples, which the client must parse into its models.

Prism cannot stream: the SSE operations are tested against our own server (tests/e2e).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest

Call = Callable[[Any], Any]
AUDIO = ("speech.mp3", b"ID3\x03\x00\x00\x00", "audio/mpeg")
PNG = ("cat.png", b"\x89PNG\r\n\x1a\n", "image/png")
MESSAGES = [{"role": "user", "content": "Hi"}]

# (operation, the call, the class of model it returns): each request is valid for the
# document, so Prism answers 2xx with an example that must parse into that class.
OPERATIONS: list[tuple[str, Call, str]] = [
    (
        "chat.create_chat_completion",
        lambda c: c.chat.create_chat_completion(model="gpt-4o-mini", messages=MESSAGES),
        "CreateChatCompletionResponse",
    ),
    (
        "chat.list_chat_completions",
        lambda c: c.chat.list_chat_completions(limit=2, order="asc"),
        "ChatCompletionList",
    ),
    (
        "chat.get_chat_completion",
        lambda c: c.chat.get_chat_completion("chatcmpl-1"),
        "CreateChatCompletionResponse",
    ),
    (
        "chat.update_chat_completion",
        lambda c: c.chat.update_chat_completion("chatcmpl-1", metadata={"k": "v"}),
        "CreateChatCompletionResponse",
    ),
    (
        "chat.delete_chat_completion",
        lambda c: c.chat.delete_chat_completion("chatcmpl-1"),
        "ChatCompletionDeleted",
    ),
    (
        "chat.get_chat_completion_messages",
        lambda c: c.chat.get_chat_completion_messages("chatcmpl-1", limit=1),
        "ChatCompletionMessageList",
    ),
    (
        "completions.create_completion",
        lambda c: c.completions.create_completion(
            model="gpt-3.5-turbo-instruct", prompt="Say hi", max_tokens=5
        ),
        "CreateCompletionResponse",
    ),
    (
        "embeddings.create_embedding",
        lambda c: c.embeddings.create_embedding(
            model="text-embedding-3-small", input=["hello", "world"]
        ),
        "CreateEmbeddingResponse",
    ),
    ("files.list_files", lambda c: c.files.list_files(limit=2), "ListFilesResponse"),
    (
        "files.create_file (multipart)",
        lambda c: c.files.create_file(
            file=("data.jsonl", b'{"a": 1}\n', "application/jsonl"), purpose="batch"
        ),
        "OpenAIFile",
    ),
    ("files.retrieve_file", lambda c: c.files.retrieve_file("file-1"), "OpenAIFile"),
    (
        "files.delete_file",
        lambda c: c.files.delete_file("file-1"),
        "DeleteFileResponse",
    ),
    (
        "images.create_image",
        lambda c: c.images.create_image(prompt="a cat", n=1, size="1024x1024"),
        "ImagesResponse",
    ),
    (
        "images.create_image_edit (multipart, file)",
        lambda c: c.images.create_image_edit(image=PNG, prompt="add a hat"),
        "ImagesResponse",
    ),
    (
        "images.create_image_edit (content_type=application/json)",
        lambda c: c.images.create_image_edit(
            images=[{"image_url": "https://example.com/cat.png"}],
            prompt="add a hat",
            content_type="application/json",
        ),
        "ImagesResponse",
    ),
    (
        "create_container_file (content_type=application/json)",
        lambda c: c.default.create_container_file(
            "cntr_1", file_id="file-1", content_type="application/json"
        ),
        "ContainerFileResource",
    ),
    (
        "images.create_image_variation (multipart)",
        lambda c: c.images.create_image_variation(image=PNG, n=1),
        "ImagesResponse",
    ),
    (
        "audio.create_speech (binary response)",
        lambda c: c.audio.create_speech(model="tts-1", input="Hi", voice="alloy"),
        "bytes",
    ),
    (
        "audio.create_transcription (multipart)",
        lambda c: c.audio.create_transcription(file=AUDIO, model="whisper-1"),
        "CreateTranscriptionResponseJson",
    ),
    (
        "audio.create_translation (multipart)",
        lambda c: c.audio.create_translation(file=AUDIO, model="whisper-1"),
        "CreateTranslationResponseJson",
    ),
    ("models.list_models", lambda c: c.models.list_models(), "ListModelsResponse"),
    (
        "models.retrieve_model",
        lambda c: c.models.retrieve_model("gpt-4o-mini"),
        "Model",
    ),
    (
        "models.delete_model",
        lambda c: c.models.delete_model("ft:gpt-4o-mini:acme::1"),
        "DeleteModelResponse",
    ),
    (
        "moderations.create_moderation",
        lambda c: c.moderations.create_moderation(input="I like cats"),
        "CreateModerationResponse",
    ),
    (
        "batch.create_batch",
        lambda c: c.batch.create_batch(
            input_file_id="file-1",
            endpoint="/v1/chat/completions",
            completion_window="24h",
        ),
        "Batch",
    ),
    (
        "batch.list_batches",
        lambda c: c.batch.list_batches(limit=2),
        "ListBatchesResponse",
    ),
    ("batch.retrieve_batch", lambda c: c.batch.retrieve_batch("batch_1"), "Batch"),
    ("batch.cancel_batch", lambda c: c.batch.cancel_batch("batch_1"), "Batch"),
    (
        "vector_stores.create_vector_store",
        lambda c: c.vector_stores.create_vector_store(name="docs"),
        "VectorStoreObject",
    ),
    (
        "vector_stores.list_vector_stores",
        lambda c: c.vector_stores.list_vector_stores(limit=2),
        "ListVectorStoresResponse",
    ),
    (
        "vector_stores.get_vector_store",
        lambda c: c.vector_stores.get_vector_store("vs_1"),
        "VectorStoreObject",
    ),
    (
        "vector_stores.modify_vector_store",
        lambda c: c.vector_stores.modify_vector_store("vs_1", name="docs-2"),
        "VectorStoreObject",
    ),
    (
        "vector_stores.delete_vector_store",
        lambda c: c.vector_stores.delete_vector_store("vs_1"),
        "DeleteVectorStoreResponse",
    ),
    (
        "vector_stores.search_vector_store",
        lambda c: c.vector_stores.search_vector_store("vs_1", query="cats"),
        "VectorStoreSearchResultsPage",
    ),
    (
        "vector_stores.create_vector_store_file",
        lambda c: c.vector_stores.create_vector_store_file("vs_1", file_id="file-1"),
        "VectorStoreFileObject",
    ),
    (
        "vector_stores.list_vector_store_files",
        lambda c: c.vector_stores.list_vector_store_files("vs_1", limit=2),
        "ListVectorStoreFilesResponse",
    ),
    (
        "vector_stores.create_vector_store_file_batch",
        lambda c: c.vector_stores.create_vector_store_file_batch(
            "vs_1", file_ids=["file-1"]
        ),
        "VectorStoreFileBatchObject",
    ),
    (
        "responses.list_input_items",
        lambda c: c.responses.list_input_items("resp_1", limit=2),
        "ResponseItemList",
    ),
    (
        "responses.delete_response (empty 200)",
        lambda c: c.responses.delete_response("resp_1"),
        "NoneType",
    ),
    (
        "fine_tuning.list_paginated_fine_tuning_jobs",
        lambda c: c.fine_tuning.list_paginated_fine_tuning_jobs(limit=2),
        "ListPaginatedFineTuningJobsResponse",
    ),
    (
        "uploads.create_upload",
        lambda c: c.uploads.create_upload(
            filename="data.jsonl", purpose="batch", bytes_=9, mime_type="text/jsonl"
        ),
        "Upload",
    ),
    (
        "admin_api_keys_list (AdminApiKeyAuth)",
        lambda c: c.default.admin_api_keys_list(limit=2),
        "ApiKeyList",
    ),
]


@pytest.fixture(scope="module")
def client(prism_launch: object, openai: ModuleType, prism: str) -> Iterator[Any]:
    """Prism starts while the client is generated (the fixtures' order matters)."""
    with openai.Client(
        api_key="sk-prism", admin_api_key="sk-admin", base_url=prism, max_retries=0
    ) as c:
        yield c


@pytest.mark.parametrize(
    ("operation", "call", "returns"), OPERATIONS, ids=[o[0] for o in OPERATIONS]
)
def test_operation_succeeds_and_parses(
    client: Any, operation: str, call: Call, returns: str
) -> None:
    result = call(client)
    assert type(result).__name__ == returns, operation


def test_a_request_prism_finds_invalid_raises_unprocessable_entity(
    openai: ModuleType, client: Any
) -> None:
    with pytest.raises(openai.UnprocessableEntityError) as raised:
        client.chat.create_chat_completion(model="gpt-4o-mini", messages="not a list")
    assert raised.value.status_code == 422
    assert any(
        "messages" in str(v.get("location")) for v in raised.value.parsed["validation"]
    )


def test_rate_limit_is_retried_then_raised(
    prism_launch: object, openai: ModuleType, prism: str
) -> None:
    """``Prefer: code=429`` makes Prism answer 429 (the document declares it): retried
    max_retries times, then RateLimitError with the declared error model."""
    sent: list[httpx.Request] = []
    http = httpx.Client(event_hooks={"request": [sent.append]})
    with openai.Client(
        api_key="sk-prism",
        base_url=prism,
        max_retries=2,
        http_client=http,
        default_headers={"Prefer": "code=429"},
    ) as c:
        with pytest.raises(openai.RateLimitError) as raised:
            c.chat.create_chat_completion(model="gpt-4o-mini", messages=MESSAGES)
    http.close()
    assert len(sent) == 3
    assert isinstance(raised.value.parsed, openai.models.ErrorResponse)


def test_admin_operations_use_the_admin_key(
    prism_launch: object, openai: ModuleType, prism: str
) -> None:
    sent: list[httpx.Request] = []
    http = httpx.Client(event_hooks={"request": [sent.append]})
    with openai.Client(
        api_key="sk-user", admin_api_key="sk-admin", base_url=prism, http_client=http
    ) as c:
        c.default.admin_api_keys_list(limit=1)
        c.models.list_models()
    http.close()
    assert [r.headers["authorization"] for r in sent] == [
        "Bearer sk-admin",
        "Bearer sk-user",
    ]
