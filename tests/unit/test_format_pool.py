"""generator/format.py's workers: files dealt into chunks over worker processes come out as
black writes them, whatever the chunks, and each comes as soon as it is done."""

from __future__ import annotations

import black
import pytest

from generator.format import MODE, FormatError, format_files, iter_formatted

LONG = "VeryLongTypeName" * 4


def files(count: int) -> dict[str, str]:
    """Enough Python files for the workers to start (some of them alike, as models are),
    one shape the fast reader leaves to black, and files black has nothing to do with.
    """
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


def test_workers_and_chunks_change_nothing() -> None:
    given = files(150)
    one = format_files(given, workers=1, builtin_templates=True)
    two = format_files(given, workers=2, builtin_templates=True)
    assert list(one) == list(given) == list(two)  # the files' order is kept
    assert one == two
    for path, text in given.items():  # as the file comes out on its own
        alone = format_files({path: text}, builtin_templates=True)[path]
        assert two[path] == alone, path
    assert two["pkg/models/m001.py"] == black_format(given["pkg/models/m001.py"])


def test_files_black_has_nothing_to_do_with_come_first() -> None:
    given = files(150)
    seen: list[str] = []
    order = [
        path
        for path, _ in iter_formatted(
            given, workers=2, on_file=seen.append, builtin_templates=True
        )
    ]
    untouched = ["docs/M.md", "pkg/py.typed", "pkg/empty.py"]
    assert order[:3] == untouched
    assert sorted(order) == sorted(given)
    # the progress bar hears of each formatted file once
    assert sorted(seen) == sorted(p for p in given if p not in untouched)


def test_files_formatted_already_come_as_they_are() -> None:
    given = files(100)
    done = {"pkg/models/m007.py", "pkg/models/m042.py"}
    result = dict(iter_formatted(given, workers=2, builtin_templates=True, done=done))
    assert all(result[p] == given[p] for p in done)
    assert result["pkg/models/m008.py"] == black_format(given["pkg/models/m008.py"])


def test_a_file_black_rejects_in_a_worker_is_reported_with_its_name() -> None:
    given = files(100)
    given["pkg/bad.py"] = f"y = {LONG}({LONG}, {LONG}) +\n"
    with pytest.raises(FormatError, match="pkg/bad.py"):
        format_files(given, workers=2, builtin_templates=True)
