"""Forgiving parsing: a body that fails validation is built from what could be read, unless
the client or the call is strict; bodies that are not JSON come back as they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

import pydantic
import pytest
from loopback import Loopback, Reply
from oapigen_runtime import errors
from oapigen_runtime.lenient import build_leniently
from oapigen_runtime.models import KEEP_UNKNOWN, ApiModel
from oapigen_runtime.transport import Call, ResponseType, SyncTransport

MakeTransport = Callable[..., SyncTransport]


class Owner(ApiModel):
    name: str
    age: int | None = None


class Pet(ApiModel):
    id: int
    kind: Annotated[Literal["cat", "dog"], KEEP_UNKNOWN]
    owner: Owner | None = None
    tags: list[Owner] = []
    wire_name: str = pydantic.Field("", alias="wire-name")


def test_fields_that_fit_are_validated_the_others_kept_as_given() -> None:
    pet = build_leniently(
        Pet,
        {
            "id": "seven",
            "kind": "cat",
            "owner": {"name": "Ada", "age": "old"},
            "tags": [{"name": "a", "age": "1"}, {"age": 2}],
            "wire-name": "w",
            "extra": [1],
        },
    )
    assert isinstance(pet, Pet)
    assert pet.id == "seven"  # wrong type: left as given
    assert pet.kind == "cat" and pet.wire_name == "w"
    assert isinstance(pet.owner, Owner)
    assert pet.owner.name == "Ada" and pet.owner.age == "old"
    assert pet.tags[0] == Owner(name="a", age=1)  # a fitting item is validated
    assert isinstance(pet.tags[1], Owner) and pet.tags[1].name is None
    assert pet.model_extra == {"extra": [1]}
    assert pet.model_fields_set == {"id", "kind", "owner", "tags", "wire_name"}


def test_a_missing_required_field_is_none_and_defaults_stay() -> None:
    pet = build_leniently(Pet, {"kind": "bird"})
    assert pet.id is None and pet.kind == "bird"
    assert pet.owner is None and pet.tags == [] and pet.wire_name == ""
    assert pet.model_fields_set == {"kind"}


class Unresolved(ApiModel):
    ghost: Ghost  # type: ignore[name-defined]  # noqa: F821


def test_a_model_that_cannot_be_built_leaves_the_data_as_given() -> None:
    data = {"ghost": 1}
    assert build_leniently(Unresolved, data) == data


@pytest.mark.parametrize(
    ("type_", "value", "want"),
    [
        (Pet, [1, 2], [1, 2]),  # not an object: as given
        (list[Owner], [{"name": 1}], [Owner.model_construct(name=1, age=None)]),
        (dict[str, Owner], {"a": {"name": "x"}}, {"a": Owner(name="x")}),
        (Owner | None, None, None),
        (int | str, [1], [1]),
        (Annotated[list[int], KEEP_UNKNOWN], ["x"], ["x"]),
    ],
)
def test_containers_and_unions(type_: object, value: Any, want: Any) -> None:
    got = build_leniently(type_, value)
    assert got == want
    assert type(got) is type(want)


GET_PET = Call("GET", "/pet", responses=(ResponseType("200", "json", Pet),))
GET_TEXT = Call("GET", "/text", responses=(ResponseType("200", "json", str),))
DRIFTED = {"id": 1, "kind": "cat", "owner": {"name": 5}}


def test_a_drifted_body_is_built_unless_strict(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    loopback.always("GET", "/pet", Reply.json(DRIFTED))
    forgiving = make_transport()
    pet = forgiving.request(GET_PET)
    assert isinstance(pet, Pet) and pet.owner is not None and pet.owner.name == 5
    with pytest.raises(errors.ApiResponseValidationError) as strict_call:
        forgiving.request(GET_PET._replace(strict_response_validation=True))
    assert isinstance(strict_call.value.__cause__, pydantic.ValidationError)
    strict = make_transport(strict_response_validation=True)
    with pytest.raises(errors.ApiResponseValidationError):
        strict.request(GET_PET)
    lenient_call = GET_PET._replace(strict_response_validation=False)
    assert strict.request(lenient_call).owner.name == 5
    assert strict.request(lenient_call, "raw").parse().owner.name == 5


@pytest.mark.parametrize(
    ("call", "content_type", "body", "want"),
    [
        (GET_TEXT, "application/json", b"plain file content", "plain file content"),
        (GET_TEXT, "application/json", b'"json text"', "json text"),
        (GET_PET, "text/plain", b"maintenance", "maintenance"),
        (GET_PET, "text/html; charset=utf-8", b"<p>hi</p>", "<p>hi</p>"),
        (GET_PET, "application/octet-stream", b"\x00\x01", b"\x00\x01"),
    ],
)
def test_a_body_that_is_not_json_is_returned_as_it_is(
    loopback: Loopback,
    make_transport: MakeTransport,
    call: Call,
    content_type: str,
    body: bytes,
    want: object,
) -> None:
    loopback.reply("GET", call.path, Reply(200, {"content-type": content_type}, body))
    assert make_transport().request(call) == want


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"id": '),  # malformed JSON for a model
        ("application/json", b"[1, 2]"),  # a model's JSON that is not an object
        ("application/json", b""),
    ],
)
def test_a_body_with_nothing_to_read_still_raises(
    loopback: Loopback, make_transport: MakeTransport, content_type: str, body: bytes
) -> None:
    loopback.reply("GET", "/pet", Reply(200, {"content-type": content_type}, body))
    with pytest.raises(errors.ApiResponseValidationError) as raised:
        make_transport().request(GET_PET)
    assert raised.value.body == body


def test_stream_items_are_forgiven_unless_strict(
    loopback: Loopback, make_transport: MakeTransport
) -> None:
    events = Reply.sse('data: {"id": "x", "kind": "cow"}\n\n', "data: [DONE]\n\n")
    loopback.reply("GET", "/events", events)
    loopback.reply("GET", "/events", events)
    call = Call("GET", "/events", responses=(ResponseType("200", "sse"),))
    [pet] = list(make_transport().stream(call, Pet))
    assert isinstance(pet, Pet) and pet.id == "x" and pet.kind == "cow"
    strict = make_transport(strict_response_validation=True)
    with pytest.raises(errors.ApiResponseValidationError):
        list(strict.stream(call, Pet))
