"""Tests of generator/cache.py: where the cache lives, and that a bad file is only ever empty."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator.cache import DigestCache, cache_folder

A, B = (hashlib.sha256(x).hexdigest() for x in (b"a", b"b"))


@pytest.mark.parametrize(
    ("name", "env", "want"),
    [
        ("explicit", {"OAPIGEN_CACHE_DIR": "/c"}, Path("/c")),
        ("xdg", {"XDG_CACHE_HOME": "/x"}, Path("/x/oapigen")),
        ("home", {"HOME": "/h"}, Path("/h/.cache/oapigen")),
        ("off", {"OAPIGEN_CACHE_DIR": "/c", "OAPIGEN_NO_CACHE": "1"}, None),
        ("zero is on", {"OAPIGEN_CACHE_DIR": "/c", "OAPIGEN_NO_CACHE": "0"}, Path("/c")),
    ],
)
def test_cache_folder(
    monkeypatch: pytest.MonkeyPatch, name: str, env: dict[str, str], want: Path | None
) -> None:
    for key in ("OAPIGEN_CACHE_DIR", "OAPIGEN_NO_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert cache_folder() == want


def test_digests_are_kept_and_nothing_else(tmp_path: Path) -> None:
    cache = DigestCache(tmp_path / "new", "c.txt")
    assert A not in cache
    cache.add(A)
    cache.save()
    assert (tmp_path / "new" / "c.txt").read_text() == A + "\n"
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["c.txt"]  # no temporary left
    again = DigestCache(tmp_path / "new", "c.txt")
    assert A in again and B not in again


def test_latest_run_first_within_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "c.txt").write_text(A + "\n")
    monkeypatch.setattr("generator.cache.LIMIT", 1)
    cache = DigestCache(tmp_path, "c.txt")
    cache.add(B)
    cache.save()
    assert (tmp_path / "c.txt").read_text() == B + "\n"


@pytest.mark.parametrize(
    "content",
    [b"\x00\xff\xfe garbage", b"print('hi')\n" + A[:10].encode() + b"\n", b""],
    ids=["binary", "not digests", "empty"],
)
def test_a_corrupt_file_is_empty(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "c.txt").write_bytes(content)
    cache = DigestCache(tmp_path, "c.txt")
    assert A not in cache
    cache.add(A)
    cache.save()
    assert (tmp_path / "c.txt").read_text() == A + "\n"


def test_an_unusable_place_is_no_error(tmp_path: Path) -> None:
    (tmp_path / "c.txt").mkdir()  # a folder where the file should be
    cache = DigestCache(tmp_path, "c.txt")
    cache.add(A)
    cache.save()
    (tmp_path / "file").write_text("")
    blocked = DigestCache(tmp_path / "file", "c.txt")  # its folder is a file
    blocked.add(A)
    blocked.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt", "file"]


def test_without_a_folder_nothing_is_kept() -> None:
    cache = DigestCache(None, "c.txt")
    cache.add(A)
    assert A not in cache
    cache.save()
