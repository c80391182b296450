"""generator/format.py's workers: files dealt into chunks over worker processes come out as
black writes them, whatever the chunks, and each comes back as soon as it is done."""

from __future__ import annotations

import black
import pytest

from generator.format import MODE, FormatError, Formatter, format_files

LONG = "VeryLongTypeName" * 4
CHUNK = 2_000  # characters: a chunk of a few files


def files(count: int) -> dict[str, str]:
    """Python files (some of them alike, as models are) and files black has nothing to do
    with."""
    made = {
        f"pkg/models/m{n:03}.py": (
            f"class M{n}:\n    field: {LONG} | {LONG} | None = None\n"
            f"    other: int = {n}\n\n\ndef f{n}(a: {LONG}, b: {LONG}, c: int = {n}) -> None:\n"
            "    return None\n"
        )
        for n in range(count)
    }
    made["docs/M.md"] = "# M  \n"
    made["pkg/py.typed"] = ""
    made["pkg/empty.py"] = ""
    return made


def black_format(text: str) -> str:
    return black.format_str(text, mode=MODE)


def formatted(given: dict[str, str], workers: int) -> list[tuple[str, str]]:
    """Every file back from a formatter with small chunks, in the order they came back."""
    formatter = Formatter(workers, builtin_templates=True, chunk_chars=CHUNK)
    try:
        back = [
            item for path, text in given.items() for item in formatter.add(path, text)
        ]
        assert (formatter.pool is not None) == (workers > 1)
        assert formatter.waiting == len(given) - len(back)
        back += formatter.rest()
    finally:
        formatter.close()
    return back


def test_workers_and_chunks_change_nothing() -> None:
    given = files(60)
    one, two = formatted(given, 1), formatted(given, 2)
    assert sorted(p for p, _ in two) == sorted(given)  # each file once
    assert dict(one) == dict(two)
    for path, text in given.items():  # as the file comes out on its own
        alone = format_files({path: text}, builtin_templates=True)[path]
        assert dict(two)[path] == alone, path
    assert dict(two)["pkg/models/m001.py"] == black_format(given["pkg/models/m001.py"])


def test_files_black_has_nothing_to_do_with_come_back_at_once() -> None:
    formatter = Formatter(2, builtin_templates=True, chunk_chars=CHUNK)
    try:
        assert formatter.add("docs/M.md", "# M  \n") == [("docs/M.md", "# M  \n")]
        assert formatter.add("pkg/empty.py", "") == [("pkg/empty.py", "")]
        assert formatter.add("pkg/a.py", "x = 'a'\n") == []
        assert formatter.waiting == 1
        assert list(formatter.rest()) == [("pkg/a.py", 'x = "a"\n')]
        assert formatter.waiting == 0
    finally:
        formatter.close()


def test_one_chunk_is_formatted_without_workers() -> None:
    given = files(3)
    formatter = Formatter(2, builtin_templates=True)
    try:
        for path, text in given.items():
            formatter.add(path, text)
        done = dict(formatter.rest())
    finally:
        formatter.close()
    assert formatter.pool is None
    assert done["pkg/models/m001.py"] == black_format(given["pkg/models/m001.py"])


def test_format_files_keeps_the_order_and_tells_of_each_formatted_file() -> None:
    given = files(5)
    seen: list[str] = []
    result = format_files(given, 2, seen.append, builtin_templates=True)
    assert list(result) == list(given)
    assert seen == [p for p in given if p.endswith(".py") and given[p]]


def test_a_file_black_rejects_in_a_worker_is_reported_with_its_name() -> None:
    given = files(60)
    given["pkg/bad.py"] = f"y = {LONG}({LONG}, {LONG}) +\n"
    given.update(files(120))
    with pytest.raises(FormatError, match="pkg/bad.py"):
        formatted(given, 2)
