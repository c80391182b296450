"""The sentinel, the response model base, lenient enums, errors and secrets."""

from __future__ import annotations

import copy
import pickle
from typing import Annotated, Literal

import httpx
import pydantic
import pytest
from oapigen_runtime import _types, auth, errors
from oapigen_runtime._types import NOT_GIVEN, NotGiven
from oapigen_runtime.models import (
    BASE64,
    KEEP_UNKNOWN,
    SEVERAL,
    UNKNOWN,
    ApiModel,
    JsonDecoder,
    LazyModels,
    UnknownVariant,
    discriminate,
)


def test_not_given_is_a_falsy_singleton() -> None:
    assert not NOT_GIVEN
    assert repr(NOT_GIVEN) == "NOT_GIVEN"
    assert copy.copy(NOT_GIVEN) is NOT_GIVEN
    assert copy.deepcopy({"a": NOT_GIVEN})["a"] is NOT_GIVEN
    assert pickle.loads(pickle.dumps(NOT_GIVEN)) is _types.NOT_GIVEN
    assert isinstance(NOT_GIVEN, NotGiven)


class Choice(ApiModel):
    finish_reason: Annotated[Literal["stop", "length"], KEEP_UNKNOWN]
    index: int
    log_probs: list[float] | None = pydantic.Field(default=None, alias="logprobs")


def test_unknown_enum_values_and_fields_are_kept() -> None:
    choice = Choice.model_validate_json(
        '{"finish_reason": "tool_calls", "index": 0, "new": [1]}'
    )
    assert choice.finish_reason == "tool_calls"
    assert choice.model_extra == {"new": [1]}
    assert choice.model_dump(by_alias=True) == {
        "finish_reason": "tool_calls",
        "index": 0,
        "logprobs": None,
        "new": [1],
    }
    assert Choice(finish_reason="stop", index=1, log_probs=[0.5]).log_probs == [0.5]
    assert Choice(finish_reason="stop", index=1, logprobs=[0.5]).log_probs == [0.5]  # type: ignore[call-arg]


def test_keep_unknown_still_rejects_non_scalars() -> None:
    with pytest.raises(pydantic.ValidationError):
        Choice.model_validate({"finish_reason": {"x": 1}, "index": 0})
    with pytest.raises(pydantic.ValidationError):
        Choice.model_validate({"finish_reason": "stop", "index": "zero"})


def test_model_config_fields_named_like_pydantic_namespaces() -> None:
    class Named(ApiModel):
        model_id: str

    assert Named(model_id="x").model_id == "x"


def test_json_decoder_caches_adapters_per_type() -> None:
    decoder = JsonDecoder()
    assert decoder.decode(list[int], b"[1, 2]") == [1, 2]
    assert decoder.adapter(list[int]) is decoder.adapter(list[int])
    assert decoder.decode(None, '{"a": 1}') == {"a": 1}
    assert isinstance(
        decoder.decode(Choice, b'{"finish_reason": "stop", "index": 0}'), Choice
    )
    with pytest.raises(ValueError):
        decoder.decode(list[int], b'["x"]')


def _response(status: int, body: bytes = b"{}") -> httpx.Response:
    return httpx.Response(
        status, content=body, request=httpx.Request("GET", "http://h/x")
    )


def test_error_hierarchy_and_messages() -> None:
    assert issubclass(errors.ApiTimeoutError, errors.ApiConnectionError)
    for cls in (errors.ApiConnectionError, errors.ApiStatusError, errors.StreamError):
        assert issubclass(cls, errors.ApiError)
    assert errors.status_error_class(599) is errors.InternalServerError
    assert errors.status_error_class(302) is errors.ApiStatusError
    long_body = b'{"errors": 5, "x": "' + b"x" * 2000 + b'"}'
    error = errors.ApiStatusError(
        response=_response(400, long_body), content=long_body
    )
    assert str(error).startswith('Error code: 400 - {"errors": 5, "x": "xxx')
    assert len(str(error)) < 600
    stream_error = errors.StreamError(
        data={"error": {"message": "overloaded"}}, event="error"
    )
    assert str(stream_error) == "Error event in stream: overloaded"


def test_connection_error_never_quotes_local_protocol_errors() -> None:
    local = httpx.LocalProtocolError("Illegal header value b'Bearer sk-secret\\x01'")
    assert "sk-secret" not in str(errors.connection_error(local))
    refused = httpx.ConnectError("[Errno 111] Connection refused")
    assert str(errors.connection_error(refused)) == (
        "Connection error (ConnectError: [Errno 111] Connection refused)."
    )
    assert isinstance(
        errors.connection_error(httpx.ReadTimeout("")), errors.ApiTimeoutError
    )


def test_secrets_do_not_print_themselves() -> None:
    secret = auth.Secret("hunter2")
    assert "hunter2" not in f"{secret} {secret!r}"
    assert secret.reveal() == "hunter2"
    basic = auth.basic(("me", "hunter2"), env="UNSET_X")
    assert basic is not None and "hunter2" not in repr(basic) and "me" in repr(basic)


class Blob(ApiModel):
    data: Annotated[bytes, BASE64]


@pytest.mark.parametrize(
    ("name", "sent", "want"),
    [
        ("standard, padded", "aGk/Pz8=", b"hi???"),
        ("URL-safe, unpadded", "aGk_Pz8", b"hi???"),
        ("empty", "", b""),
    ],
)
def test_base64_fields_hold_bytes_and_write_base64(
    name: str, sent: str, want: bytes
) -> None:
    blob = Blob.model_validate_json(f'{{"data": "{sent}"}}')
    assert blob.data == want, name
    assert Blob.model_validate_json(blob.model_dump_json()).data == want, name


def test_a_base64_field_refuses_what_is_not_base64() -> None:
    with pytest.raises(pydantic.ValidationError, match="not a base64 string"):
        Blob.model_validate_json('{"data": "no!"}')


class Cat(ApiModel):
    kind: Literal["cat"] = "cat"
    lives: int = 9


class Dog(ApiModel):
    kind: Literal["dog"] = "dog"


@pytest.mark.parametrize(
    ("name", "value", "want"),
    [
        ("a declared tag", {"kind": "cat"}, "Cat"),
        ("a tag two variants share", {"kind": "pet"}, SEVERAL),
        ("no tag: each variant is tried", {"lives": 3}, SEVERAL),
        ("a newer server's tag", {"kind": "bird"}, UNKNOWN),
        ("a tag that is no value", {"kind": ["cat"]}, UNKNOWN),
        ("a model instance", Dog(), "Dog"),
        ("an unknown variant instance", UnknownVariant(kind="bird"), UNKNOWN),
        ("an instance of no variant", Choice(finish_reason="stop", index=0), SEVERAL),
    ],
)
def test_discriminate_reads_the_tag(name: str, value: object, want: str) -> None:
    choose = discriminate("kind", {"cat": "Cat", "dog": "Dog", "pet": SEVERAL})
    assert choose(value) == want, name


def test_the_generator_writes_the_tags_the_runtime_gives() -> None:
    """Generated unions name the choices ``Tag("*")`` and ``Tag("?")``: the values
    ``discriminate`` returns."""
    from generator.parse.types import SEVERAL_TAG, UNKNOWN_TAG

    assert (SEVERAL_TAG, UNKNOWN_TAG) == (SEVERAL, UNKNOWN)


def test_a_tagged_union_keeps_an_unknown_variant() -> None:
    pet = pydantic.TypeAdapter(
        Annotated[
            Annotated[Cat, pydantic.Tag("Cat")]
            | Annotated[Dog, pydantic.Tag("Dog")]
            | Annotated[Cat | Dog | UnknownVariant, pydantic.Tag(SEVERAL)]
            | Annotated[UnknownVariant, pydantic.Tag(UNKNOWN)],
            pydantic.Discriminator(discriminate("kind", {"cat": "Cat", "dog": "Dog"})),
        ]
    )
    assert pet.validate_python({"kind": "cat", "lives": 3}) == Cat(lives=3)
    bird = pet.validate_python({"kind": "bird", "wings": 2})
    assert isinstance(bird, UnknownVariant) and bird.model_extra == {
        "kind": "bird",
        "wings": 2,
    }
    assert isinstance(pet.validate_python({"lives": 1}), Cat)


def test_lazy_models_import_a_name_from_its_module_on_first_use() -> None:
    lazy = LazyModels("oapigen_runtime", {"ApiModel": ".models", "Gone": ".models"})
    assert "ApiModel" not in vars(lazy)
    assert lazy.ApiModel is ApiModel
    assert vars(lazy)["ApiModel"] is ApiModel  # read directly from now on
    with pytest.raises(AttributeError, match="Gone"):
        lazy.Gone  # mapped, but its module has no such name
    with pytest.raises(AttributeError, match="'Other'"):
        lazy.Other


def test_lazy_models_survive_copying() -> None:
    """copy looks up ``__setstate__`` on an instance that has no attributes yet: that lookup
    must fail as AttributeError, not recurse through ``__getattr__``."""
    lazy = LazyModels("oapigen_runtime", {"ApiModel": ".models"})
    assert copy.copy(lazy).ApiModel is ApiModel
    assert copy.deepcopy(lazy).ApiModel is ApiModel
