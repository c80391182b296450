"""The OpenAI document's ``x-oaiMeta`` examples are responses written by the API's owner: each
JSON one must parse into the type its operation declares and dump back (by alias, unset fields
left out) to the same JSON.

An example that contradicts its own schema is listed in ``CONTRADICTIONS`` with the reason;
the test checks that those still fail (so the list shrinks when the document is fixed) and
that every other one round-trips.
"""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml
from corpus_support import Entry, Generated, ensure_generated, read_manifest

# (path, method, example index) -> why the example does not fit its schema.
CONTRADICTIONS: dict[tuple[str, str, int], str] = {
    (
        "/chat/completions/{completion_id}/messages",
        "get",
        0,
    ): "data.0.role should be 'assistant', and is not",
    (
        "/containers/{container_id}",
        "delete",
        0,
    ): "the 200 response declares no body; the example has one",
    (
        "/containers/{container_id}/files/{file_id}",
        "delete",
        0,
    ): "the 200 response declares no body; the example has one",
    ("/evals/{eval_id}/runs", "get", 0): "data.0.error should be an object, and is not",
    (
        "/evals/{eval_id}/runs",
        "post",
        0,
    ): "per_model_usage should be a valid array, and is not",
    (
        "/evals/{eval_id}/runs/{run_id}",
        "get",
        0,
    ): "per_model_usage should be a valid array, and is not",
    (
        "/evals/{eval_id}/runs/{run_id}",
        "post",
        0,
    ): "per_model_usage should be a valid array, and is not",
    (
        "/evals/{eval_id}/runs/{run_id}/output_items",
        "get",
        0,
    ): "data.0.sample.error should be an object, and is not",
    (
        "/evals/{eval_id}/runs/{run_id}/output_items/{output_item_id}",
        "get",
        0,
    ): "sample.error should be an object, and is not",
    (
        "/fine_tuning/alpha/graders/run",
        "post",
        0,
    ): "metadata.token_usage should be a valid integer, and is not",
    ("/fine_tuning/jobs", "post", 1): "error.code should be a valid string, and is not",
    ("/fine_tuning/jobs", "post", 2): "error.code should be a valid string, and is not",
    ("/fine_tuning/jobs", "post", 3): "error.code is required, and missing",
    (
        "/fine_tuning/jobs/{fine_tuning_job_id}/cancel",
        "post",
        0,
    ): "hyperparameters is required, and missing",
    (
        "/fine_tuning/jobs/{fine_tuning_job_id}/pause",
        "post",
        0,
    ): "hyperparameters is required, and missing",
    (
        "/fine_tuning/jobs/{fine_tuning_job_id}/resume",
        "post",
        0,
    ): "hyperparameters is required, and missing",
    (
        "/moderations",
        "post",
        0,
    ): "results.0.category_scores.illicit is required, and missing",
    ("/organization/groups", "get", 0): "data.0.group_type is required, and missing",
    ("/organization/groups", "post", 0): "group_type is required, and missing",
    ("/organization/invites", "get", 0): "data.0.projects is required, and missing",
    (
        "/organization/invites/{invite_id}",
        "get",
        0,
    ): "projects is required, and missing",
    (
        "/organization/projects/{project_id}/groups",
        "get",
        0,
    ): "data.0.group_type is required, and missing",
    (
        "/organization/projects/{project_id}/groups",
        "post",
        0,
    ): "group_type is required, and missing",
    (
        "/realtime/transcription_sessions",
        "post",
        0,
    ): "client_secret should be an object, and is not",
    (
        "/responses",
        "post",
        0,
    ): "output.0.OutputMessage.content.0.OutputTextContent.logprobs is required, and missing",
    (
        "/responses",
        "post",
        1,
    ): "output.0.OutputMessage.content.0.OutputTextContent.logprobs is required, and missing",
    (
        "/responses",
        "post",
        3,
    ): "output.0.WebSearchToolCall.action is required, and missing",
    (
        "/responses",
        "post",
        4,
    ): "output.1.OutputMessage.content.0.OutputTextContent.logprobs is required, and missing",
    ("/responses", "post", 6): "usage.input_tokens_details is required, and missing",
    (
        "/responses",
        "post",
        7,
    ): "output.0.OutputMessage.content.0.OutputTextContent.logprobs is required, and missing",
    (
        "/responses/{response_id}",
        "get",
        0,
    ): "output.0.OutputMessage.content.0.OutputTextContent.logprobs is required, and missing",
    (
        "/responses/{response_id}",
        "delete",
        0,
    ): "the 200 response declares no body; the example has one",
    (
        "/responses/{response_id}/cancel",
        "post",
        0,
    ): "output.0.OutputMessage.content.0.OutputTextContent.logprobs is required, and missing",
    (
        "/threads/{thread_id}/messages",
        "get",
        0,
    ): "data.0.status is required, and missing",
    ("/threads/{thread_id}/messages", "post", 0): "status is required, and missing",
    (
        "/threads/{thread_id}/messages/{message_id}",
        "get",
        0,
    ): "status is required, and missing",
    (
        "/threads/{thread_id}/messages/{message_id}",
        "post",
        0,
    ): "status is required, and missing",
    (
        "/threads/{thread_id}/runs",
        "get",
        0,
    ): "data.0.instructions should be a valid string, and is not",
    (
        "/threads/{thread_id}/runs",
        "post",
        0,
    ): "instructions should be a valid string, and is not",
    (
        "/threads/{thread_id}/runs/{run_id}",
        "get",
        0,
    ): "instructions should be a valid string, and is not",
    (
        "/threads/{thread_id}/runs/{run_id}",
        "post",
        0,
    ): "instructions should be a valid string, and is not",
    (
        "/threads/{thread_id}/runs/{run_id}/cancel",
        "post",
        0,
    ): "truncation_strategy is required, and missing",
    (
        "/threads/{thread_id}/runs/{run_id}/submit_tool_outputs",
        "post",
        0,
    ): "instructions should be a valid string, and is not",
    ("/vector_stores", "get", 0): "data.0.usage_bytes is required, and missing",
    ("/vector_stores", "post", 0): "usage_bytes is required, and missing",
    ("/vector_stores/{vector_store_id}", "get", 0): "name is required, and missing",
    (
        "/vector_stores/{vector_store_id}",
        "post",
        0,
    ): "usage_bytes is required, and missing",
    (
        "/vector_stores/{vector_store_id}/file_batches/{batch_id}/files",
        "get",
        0,
    ): "data.0.usage_bytes is required, and missing",
    (
        "/vector_stores/{vector_store_id}/files",
        "get",
        0,
    ): "data.0.usage_bytes is required, and missing",
    (
        "/vector_stores/{vector_store_id}/files/{file_id}",
        "get",
        0,
    ): "usage_bytes is required, and missing",
    (
        "/vector_stores/{vector_store_id}/search",
        "post",
        0,
    ): "search_query should be a valid array, and is not",
    ("/videos", "get", 0): "data.0.progress is required, and missing",
    (
        "/chatkit/sessions/{session_id}/cancel",
        "post",
        0,
    ): "expires_at is required, and missing",
    ("/chatkit/sessions", "post", 0): "id is required, and missing",
    ("/chatkit/threads/{thread_id}", "get", 0): "created_at is required, and missing",
    ("/chatkit/threads", "get", 0): "data.0.created_at is required, and missing",
    (
        "/responses?beta=true",
        "post",
        0,
    ): "output.0.BetaOutputMessage.content.0.BetaOutputTextContent.logprobs is required, and missing",
    (
        "/responses?beta=true",
        "post",
        1,
    ): "output.0.BetaOutputMessage.content.0.BetaOutputTextContent.logprobs is required, and missing",
    (
        "/responses?beta=true",
        "post",
        3,
    ): "output.0.BetaWebSearchToolCall.action is required, and missing",
    (
        "/responses?beta=true",
        "post",
        4,
    ): "output.1.BetaOutputMessage.content.0.BetaOutputTextContent.logprobs is required, and missing",
    (
        "/responses?beta=true",
        "post",
        6,
    ): "usage.input_tokens_details is required, and missing",
    (
        "/responses?beta=true",
        "post",
        7,
    ): "output.0.BetaOutputMessage.content.0.BetaOutputTextContent.logprobs is required, and missing",
    (
        "/responses/{response_id}?beta=true",
        "get",
        0,
    ): "output.0.BetaOutputMessage.content.0.BetaOutputTextContent.logprobs is required, and missing",
    (
        "/responses/{response_id}?beta=true",
        "delete",
        0,
    ): "the 200 response declares no body; the example has one",
    (
        "/responses/{response_id}/cancel?beta=true",
        "post",
        0,
    ): "output.0.BetaOutputMessage.content.0.BetaOutputTextContent.logprobs is required, and missing",
}


@dataclass(frozen=True)
class Example:
    path: str
    method: str
    index: int
    response: str

    @property
    def pointer(self) -> str:
        escaped = self.path.replace("~", "~0").replace("/", "~1")
        return f"#/paths/{escaped}/{self.method}"


def response_examples(document: dict[str, Any]) -> list[Example]:
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            meta = operation.get("x-oaiMeta") if isinstance(operation, dict) else None
            listed = meta.get("examples") if isinstance(meta, dict) else None
            listed = listed if isinstance(listed, list) else [listed] if listed else []
            for index, example in enumerate(listed):
                if isinstance(example, dict) and isinstance(
                    example.get("response"), str
                ):
                    found.append(Example(path, method, index, example["response"]))
    return found


def is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def round_trip_failure(
    generated: Generated, package: str, example: Example
) -> str | None:
    """None when the example parses and dumps back to itself, else what went wrong."""
    module_name, annotation = generated.success_types[example.pointer]
    module = importlib.import_module(f"{package}.api.{module_name}")
    # an annotation the generator wrote: its models are imported for type checkers only, so
    # they are read from the models package, as the module's methods read them
    models = importlib.import_module(f"{package}.models")
    names = {**vars(module), **{n: getattr(models, n) for n in models.__all__}}
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(eval(annotation, names))
    try:
        value = adapter.validate_json(example.response)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}"
    dumped = adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True)
    return None if dumped == json.loads(example.response) else "dumps differently"


@pytest.mark.slow
def test_openai_response_examples_round_trip(
    shared_dir: Path, corpus_folder: Path
) -> None:
    specs = shared_dir / "specs"
    openai = next(e for e in read_manifest(specs) if e.name == "openai")
    generated = ensure_generated(specs, corpus_folder, openai)
    source = (specs / openai.main_file).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    examples = response_examples(yaml.load(source, Loader=loader))
    valid = [e for e in examples if is_json(e.response)]
    assert (len(valid), len(examples)) == (244, 297)
    failures = round_trip_failures(corpus_folder, openai, generated, valid)
    unexpected = {k: v for k, v in failures.items() if k not in CONTRADICTIONS}
    assert not unexpected, json.dumps(
        {str(k): v for k, v in unexpected.items()}, indent=1
    )
    fixed = set(CONTRADICTIONS) - set(failures)
    assert (
        not fixed
    ), f"these examples round-trip now; remove them from the list: {fixed}"


def round_trip_failures(
    folder: Path, openai: Entry, generated: Generated, examples: list[Example]
) -> dict[tuple[str, str, int], str]:
    sys.path.insert(0, str(folder / openai.package))
    try:
        return {
            (e.path, e.method, e.index): failure
            for e in examples
            if (failure := round_trip_failure(generated, openai.package, e)) is not None
        }
    finally:
        sys.path.remove(str(folder / openai.package))
