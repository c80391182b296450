"""Every request body form of tests/e2e/roundtrip.yaml, as the echo server received it: JSON,
form-urlencoded with its encoding object, multipart with every kind of file and JSON parts,
binary and text bodies, and the choice among media types with ``content_type=``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest


def parts(echoed: Any) -> list[tuple[str, str | None, str | None, str]]:
    return [(p.name, p.filename, p.content_type, p.data) for p in echoed.parts]


def test_json_body_leaves_out_what_was_not_given(client: Any) -> None:
    echoed = client.bodies.json_body(
        title="t", body_=None, tags=["a"], timeout_=5, max_retries_=1, max_retries=0
    )
    assert echoed.headers["content-type"] == "application/json"
    assert json.loads(echoed.body) == {"title": "t", "body": None, "tags": ["a"]}
    assert echoed.query == "max_retries=1&timeout=5"


def test_json_body_whole_and_per_call_options(client: Any, roundtrip: Any) -> None:
    note = roundtrip.models.Note(title="t", rating=4.5)
    echoed = client.bodies.json_body(
        body=note,
        extra_body={"draft": True},
        extra_headers={"X-Trace": "1"},
        extra_query={"v": "2"},
        timeout=3.0,
    )
    assert json.loads(echoed.body) == {"title": "t", "rating": 4.5, "draft": True}
    assert echoed.headers["x-trace"] == "1" and echoed.query == "v=2"


def test_form_body_follows_its_encoding(client: Any) -> None:
    echoed = client.bodies.form_body(title="a b&c", tags=["x", "y"], meta={"k": "v"})
    assert echoed.headers["content-type"] == "application/x-www-form-urlencoded"
    assert echoed.body == ("title=a%20b%26c&tags=x,y&meta=%7B%22k%22%3A%22v%22%7D")
    assert parse_qsl(echoed.body) == [
        ("title", "a b&c"),
        ("tags", "x,y"),
        ("meta", '{"k":"v"}'),
    ]


def test_multipart_files_of_every_kind(client: Any, tmp_path: Path) -> None:
    on_disk = tmp_path / "report.csv"
    on_disk.write_bytes(b"a,b\n")
    echoed = client.bodies.multipart_body(
        name="n",
        labels=["x", "y"],
        file=("data.jsonl", b'{"a": 1}\n', "application/jsonl"),
        attachments=[b"raw bytes", io.BytesIO(b"from a file object"), on_disk],
        avatar=b"\x89PNG",
        meta={"source": "test", "size": 3},
    )
    assert echoed.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert parts(echoed) == [
        ("name", None, None, "n"),
        ("labels", None, None, "x"),
        ("labels", None, None, "y"),
        ("file", "data.jsonl", "application/jsonl", '{"a": 1}\n'),
        ("attachments", "attachments", "application/octet-stream", "raw bytes"),
        (
            "attachments",
            "attachments",
            "application/octet-stream",
            "from a file object",
        ),
        ("attachments", "report.csv", "text/csv", "a,b\n"),
        ("avatar", "avatar", "image/png", "\ufffdPNG"),
        ("meta", None, "application/json", '{"source":"test","size":3}'),
    ]


def test_multipart_file_parts_always_carry_a_content_type(client: Any) -> None:
    echoed = client.bodies.multipart_body(
        name="n", file=("notes", b"x"), attachments=[("a.unknownext", b"y")]
    )
    files = [p for p in echoed.parts if p.filename]
    assert files and all(p.content_type for p in files)


def test_binary_body(client: Any, tmp_path: Path) -> None:
    echoed = client.bodies.binary_body(body=b"\x00\x01binary")
    assert echoed.headers["content-type"] == "application/octet-stream"
    assert echoed.body == "\x00\x01binary"
    path = tmp_path / "blob.bin"
    path.write_bytes(b"from disk")
    assert client.bodies.binary_body(body=path).body == "from disk"
    assert client.bodies.binary_body(body=io.BytesIO(b"stream")).body == "stream"


def test_text_body(client: Any) -> None:
    echoed = client.bodies.text_body(body="a,b\n1,2\n")
    assert echoed.headers["content-type"] == "text/csv"
    assert echoed.body == "a,b\n1,2\n"


@pytest.mark.parametrize(
    ("content_type", "want_type", "want_body"),
    [
        ("application/json", "application/json", '{"title":"t","tags":["a","b"]}'),
        (
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded",
            # no encoding object: nested values take the bracket convention
            "title=t&tags[0]=a&tags[1]=b",
        ),
    ],
)
def test_content_type_picks_the_encoding(
    client: Any, content_type: str, want_type: str, want_body: str
) -> None:
    echoed = client.bodies.choice_body(
        title="t", tags=["a", "b"], content_type=content_type
    )
    assert echoed.headers["content-type"] == want_type
    assert echoed.body == want_body


def test_uploads_default_to_multipart(client: Any) -> None:
    echoed = client.bodies.choice_body(title="t", attachment=("a.txt", b"hello"))
    assert echoed.headers["content-type"].startswith("multipart/form-data")
    assert parts(echoed) == [
        ("title", None, None, "t"),
        ("attachment", "a.txt", "text/plain", "hello"),
    ]
