"""Tests of generator/writer.py: incremental, atomic writes and ``--check``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from generator import writer
from generator.writer import (
    IGNORE,
    MANIFEST,
    FileDifference,
    WriteSummary,
    check_output,
    manifest_digest,
    manifest_matches,
    write_output,
)

FILES = {
    "README.md": b"# client\n",
    "pkg/__init__.py": b"from .api import *\n",
    "pkg/api/chat.py": b"class ChatApi: ...\n",
    "pkg/models/pet.py": b"class Pet: ...\n",
}
PAST = 1_000_000_000  # an mtime well before any run


def write(
    out: Path, files: Mapping[str, bytes] = FILES, digest: str = "d1"
) -> WriteSummary:
    return write_output(out, files, inputs_digest=digest, generator_version="0.1.0")


def tree(root: Path) -> dict[str, Any]:
    """Every entry under ``root``: content, mtime and inode for files, symlink targets, folders."""
    entries: dict[str, Any] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if path.is_symlink():
            entries[key] = ("link", os.readlink(path))
        elif path.is_dir():
            entries[key] = "dir"
        else:
            info = path.stat()
            entries[key] = (path.read_bytes(), info.st_mtime_ns, info.st_ino)
    return entries


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


def age(out: Path) -> None:
    for path in out.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.utime(path, (PAST, PAST))


def test_first_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = write(out)
    assert summary == WriteSummary(
        written=tuple(sorted(FILES)), unchanged=(), removed=()
    )
    assert {p: (out / p).read_bytes() for p in FILES} == FILES
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["generator_version"] == "0.1.0"
    assert manifest["inputs_digest"] == "d1"
    assert sorted(manifest["files"]) == sorted(FILES)
    assert leftovers(out) == []


def test_the_manifest_is_stable(tmp_path: Path) -> None:
    write(tmp_path / "a", dict(reversed(list(FILES.items()))))
    write(tmp_path / "b", FILES)
    text = (tmp_path / "a" / MANIFEST).read_text()
    assert text == (tmp_path / "b" / MANIFEST).read_text()
    assert text.endswith("}\n") and list(json.loads(text)) == [
        "files",
        "generator_version",
        "ignored",
        "inputs_digest",
    ]


def test_nothing_changed_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    age(out)
    before = tree(out)
    summary = write(out)
    assert summary == WriteSummary(
        written=(), unchanged=tuple(sorted(FILES)), removed=()
    )
    assert tree(out) == before


def test_unchanged_files_keep_their_mtime(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    age(out)
    before = tree(out)
    changed = {**FILES, "pkg/api/chat.py": b"class ChatApi:\n    pass\n"}
    summary = write(out, changed, digest="d2")
    assert summary.written == ("pkg/api/chat.py",)
    assert summary.unchanged == ("README.md", "pkg/__init__.py", "pkg/models/pet.py")
    after = tree(out)
    for path in summary.unchanged:
        assert after[path] == before[path]  # same content, mtime and inode
    assert after["pkg/api/chat.py"][0] == changed["pkg/api/chat.py"]
    assert after["pkg/api/chat.py"][1] != PAST * 10**9
    assert manifest_digest(out) == "d2"


def test_files_oapigen_never_wrote_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    (out / ".git" / "objects" / "ab").mkdir(parents=True)
    (out / ".git" / "objects" / "ab" / "cdef").write_bytes(b"blob")
    (out / ".git" / "refs").mkdir()  # an empty folder
    (out / "notes.txt").write_text("mine")
    (out / "pkg" / "models" / "custom.py").write_text("mine too")
    (out / "link").symlink_to("notes.txt")
    os.chmod(out / "notes.txt", 0o600)
    age(out)
    before = tree(out)
    summary = write(
        out, {**FILES, "pkg/models/pet.py": b"class Pet:\n    name: str\n"}, digest="d2"
    )
    assert summary.written == ("pkg/models/pet.py",)
    after = tree(out)
    for path in (
        ".git/objects/ab/cdef",
        ".git/refs",
        "notes.txt",
        "pkg/models/custom.py",
        "link",
    ):
        assert after[path] == before[path], path
    assert (out / "notes.txt").stat().st_mode & 0o777 == 0o600


def test_ignored_files_are_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    (out / IGNORE).write_text("# ours\nREADME.md\npkg/models/\n!pkg/models/pet.py\n")
    (out / "README.md").write_text("# edited by hand\n")
    (out / "pkg" / "models" / "extra.py").write_text("x = 1\n")
    files = {
        **FILES,
        "pkg/models/other.py": b"class Other: ...\n",
        "pkg/models/pet.py": b"class Pet: pass\n",
    }
    summary = write(out, files, digest="d2")
    assert summary.ignored == ("README.md", "pkg/models/other.py")
    assert summary.written == ("pkg/models/pet.py",)
    assert (out / "README.md").read_text() == "# edited by hand\n"
    assert (out / "pkg" / "models" / "extra.py").read_text() == "x = 1\n"
    assert not (out / "pkg" / "models" / "other.py").exists()
    owned = json.loads((out / MANIFEST).read_text())["files"]
    assert "README.md" not in owned and "pkg/models/pet.py" in owned


def test_stale_owned_files_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    (out / "keep").mkdir()  # an empty folder of the user's
    files = {p: c for p, c in FILES.items() if not p.startswith("pkg/models/")}
    summary = write(out, files, digest="d2")
    assert summary.removed == ("pkg/models/pet.py",)
    assert not (out / "pkg" / "models").exists()  # emptied of generated files
    assert (out / "keep").is_dir()
    assert "pkg/models/pet.py" not in json.loads((out / MANIFEST).read_text())["files"]


def test_a_user_file_where_a_file_is_generated_stops_the_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("my own readme\n")
    (out / "pkg" / "api").mkdir(parents=True)
    (out / "pkg" / "api" / "chat.py").symlink_to("elsewhere.py")
    (out / "pkg" / "__init__.py").write_bytes(FILES["pkg/__init__.py"])  # as generated
    before = tree(out)
    with pytest.raises(writer.NotOursError) as error:
        write(out)
    assert error.value.paths == ["README.md", "pkg/api/chat.py"]
    assert str(error.value) == (
        "2 files oapigen did not write would be overwritten: README.md, pkg/api/chat.py"
    )
    assert tree(out) == before
    assert leftovers(out) == []

    summary = write_output(
        out, FILES, inputs_digest="d1", generator_version="0.1.0", force=True
    )
    assert summary.written == ("README.md", "pkg/api/chat.py", "pkg/models/pet.py")
    assert summary.unchanged == ("pkg/__init__.py",)
    assert {p: (out / p).read_bytes() for p in FILES} == FILES


def test_files_oapigen_wrote_before_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    (out / "README.md").write_text("edited by hand\n")  # oapigen's file: regenerated
    summary = write(out, {**FILES, "pkg/api/chat.py": b"class ChatApi:\n    pass\n"})
    assert summary.written == ("README.md", "pkg/api/chat.py")
    assert (out / "README.md").read_bytes() == FILES["README.md"]


def test_many_files_in_the_way_are_counted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    files = {f"docs/M{i:02}.md": b"m\n" for i in range(25)}
    for path in files:
        (out / path).parent.mkdir(exist_ok=True)
        (out / path).write_text("mine\n")
    with pytest.raises(
        writer.NotOursError,
        match=r"^25 files .*: docs/M00.md, .*, docs/M19.md and 5 more$",
    ):
        write(out, files)


@pytest.mark.parametrize("fail_at", [1, 3, 5])
def test_a_failure_while_writing_leaves_the_old_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    out = tmp_path / "out"
    write(out)
    (out / "notes.txt").write_text("mine")
    before = tree(out)
    calls = []
    real = writer._write_file

    def failing(path: Path, content: bytes, *, like: Path) -> None:
        calls.append(path)
        if len(calls) == fail_at:
            raise OSError("disk full")
        real(path, content, like=like)

    monkeypatch.setattr(writer, "_write_file", failing)
    with pytest.raises(OSError, match="disk full"):
        write(out, {p: c + b"# changed\n" for p, c in FILES.items()}, digest="d2")
    assert tree(out) == before
    assert leftovers(out) == []


def test_a_failed_swap_leaves_the_old_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write(out)
    before = tree(out)

    def failing(new: Path, out: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(writer, "_swap", failing)
    with pytest.raises(KeyboardInterrupt):
        write(out, {**FILES, "new.txt": b"new\n"}, digest="d2")
    assert tree(out) == before
    assert leftovers(out) == []


def test_swap_without_renameat2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write(out)
    monkeypatch.setattr(writer, "_exchange", lambda first, second: False)
    summary = write(out, {**FILES, "new.txt": b"new\n"}, digest="d2")
    assert summary.written == ("new.txt",)
    assert (out / "new.txt").read_bytes() == b"new\n"
    assert leftovers(out) == []


def test_the_next_run_recovers_from_a_kill_between_renames(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    before = tree(out)
    # killed after "rename out aside", before "rename new in"
    os.rename(out, tmp_path / ".out.oapigen-old-0badc0de")
    (tmp_path / ".out.oapigen-new-0badc0de").mkdir()
    (tmp_path / ".out.oapigen-new-0badc0de" / "half.txt").write_text("half")
    summary = write(out)
    assert summary.unchanged == tuple(sorted(FILES))
    assert tree(out) == before
    assert leftovers(out) == []


def test_stale_temporary_folders_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    (tmp_path / ".out.oapigen-new-1234abcd" / "pkg").mkdir(parents=True)
    (tmp_path / ".out.oapigen-old-99").mkdir()
    (tmp_path / ".other.oapigen-new-1234abcd").mkdir()  # another output's: not ours
    write(out)
    assert leftovers(out) == [".other.oapigen-new-1234abcd"]


UNSAFE = [
    ("parent folder", {"../escape.py": b""}),
    ("parent inside", {"pkg/../../escape.py": b""}),
    ("absolute", {"/etc/passwd": b""}),
    ("drive", {"C:/x.py": b""}),
    ("backslash", {"pkg\\x.py": b""}),
    ("empty", {"": b""}),
    ("empty part", {"pkg//x.py": b""}),
    ("dot part", {"./x.py": b""}),
    ("trailing slash", {"pkg/": b""}),
    ("nul", {"a\x00b": b""}),
    ("case only", {"Pkg/x.py": b"", "pkg/x.py": b""}),
    ("file and folder", {"pkg": b"", "pkg/x.py": b""}),
    ("file and folder by case", {"PKG": b"", "pkg/x.py": b""}),
    ("the manifest", {MANIFEST: b"{}"}),
    ("the ignore file", {IGNORE: b""}),
    ("a device name", {"pkg/models/con.py": b""}),
    ("a device name folder", {"Aux/x.md": b""}),
]


@pytest.mark.parametrize(("name", "given"), UNSAFE, ids=[c[0] for c in UNSAFE])
def test_paths_that_could_escape_are_rejected(
    tmp_path: Path, name: str, given: dict[str, bytes]
) -> None:
    out = tmp_path / "out"
    write(out)
    before = tree(out)
    with pytest.raises(ValueError):
        write(out, {**FILES, **given})
    with pytest.raises(ValueError):
        check_output(out, {**FILES, **given})
    assert tree(out) == before
    assert leftovers(out) == []


def test_a_symlinked_folder_is_never_written_through(tmp_path: Path) -> None:
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "pkg").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ValueError, match="in the way of generated files"):
        write(out)
    assert list(elsewhere.iterdir()) == []
    assert (out / "pkg").is_symlink()
    assert leftovers(out) == ["elsewhere"]


def test_an_output_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    with pytest.raises(ValueError, match="not a folder"):
        write(tmp_path / "out")


def test_check_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    (out / IGNORE).write_text("README.md\n")
    (out / "README.md").write_text("edited\n")
    (out / "notes.txt").write_text("mine")
    files = {
        "README.md": b"# new readme\n",
        "pkg/__init__.py": b"from .api import *\nfrom .models import *\n",
        "pkg/api/chat.py": FILES["pkg/api/chat.py"],
        "pkg/api/new.py": b"x = 1\n",
    }
    assert check_output(out, files) == [
        FileDifference(
            "pkg/__init__.py",
            "differs",
            "--- a/pkg/__init__.py\n+++ b/pkg/__init__.py\n@@ -1 +1,2 @@\n from .api import *\n+from .models import *\n",
        ),
        FileDifference("pkg/api/new.py", "missing"),
        FileDifference("pkg/models/pet.py", "stale"),
    ]
    assert str(FileDifference("pkg/api/new.py", "missing")) == "missing: pkg/api/new.py"
    assert tree(out)["README.md"][0] == b"edited\n"  # nothing written


def test_check_output_when_up_to_date_or_absent(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert [d.kind for d in check_output(out, FILES)] == ["missing"] * len(FILES)
    assert manifest_digest(out) is None
    write(out)
    assert check_output(out, FILES) == []
    assert manifest_digest(out) == "d1"


def test_check_output_diffs_are_short(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, {"big.txt": b"".join(b"line %d\n" % i for i in range(500))})
    [difference] = check_output(
        out, {"big.txt": b"".join(b"LINE %d\n" % i for i in range(500))}
    )
    lines = difference.diff.splitlines()
    assert len(lines) == writer.MAX_DIFF_LINES + 1
    assert lines[-1] == f"... ({1003 - writer.MAX_DIFF_LINES} more lines)"


def test_check_output_binary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, {"logo.png": b"\x89PNG\x00\xff"})
    [difference] = check_output(out, {"logo.png": b"\x89PNG\x00\xfe"})
    assert difference.diff == "binary files a/logo.png and b/logo.png differ\n"


def test_a_corrupt_manifest_owns_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    (out / MANIFEST).write_text("{not json")
    assert manifest_digest(out) is None
    summary = write(out, {"README.md": FILES["README.md"]}, digest="d2")
    assert summary.removed == ()  # without a manifest, the old files are the user's
    assert (out / "pkg" / "models" / "pet.py").exists()


def _edit(out: Path, ignore: str = "") -> None:
    (out / "pkg/api/chat.py").write_bytes(b"# edited\n")
    if ignore:
        (out / IGNORE).write_text(ignore)


def _remove(out: Path, ignore: str = "") -> None:
    (out / "pkg/api/chat.py").unlink()


def _ignore(out: Path, ignore: str = "") -> None:
    (out / IGNORE).write_text(ignore)


@pytest.mark.parametrize(
    ("name", "first_ignore", "change", "ignore", "digest", "want"),
    [
        ("as written", "", None, "", "d1", True),
        ("other inputs", "", None, "", "d2", False),
        ("a file edited", "", _edit, "", "d1", False),
        ("a file removed", "", _remove, "", "d1", False),
        ("an edited file now ignored", "", _edit, "pkg/api/\n", "d1", True),
        ("an ignored file no longer ignored", "README.md\n", _ignore, "", "d1", False),
        ("still ignored", "README.md\n", _ignore, "README.md\n", "d1", True),
    ],
)
def test_manifest_matches(
    tmp_path: Path,
    name: str,
    first_ignore: str,
    change: Any,
    ignore: str,
    digest: str,
    want: bool,
) -> None:
    """``--check`` may trust the manifest only when OUT is exactly what the run wrote."""
    out = tmp_path / "out"
    out.mkdir()
    if first_ignore:
        (out / IGNORE).write_text(first_ignore)
    write(out)
    if change:
        change(out, ignore)
    assert manifest_matches(out, digest) is want, name


def test_no_manifest_matches_nothing(tmp_path: Path) -> None:
    assert manifest_matches(tmp_path, "d1") is False


# Mount points: OUT as a volume, a volume inside OUT. Real tmpfs and bind mounts (the ``mount``
# fixture); they fail in CI where mounting is impossible and are skipped elsewhere.


def test_an_out_that_is_a_mount_point_is_written_in_place(
    tmp_path: Path, mount: Callable[..., Path]
) -> None:
    out = mount(tmp_path / "out")
    (out / "notes.txt").write_text("mine")
    summary = write(out)
    assert summary.written == tuple(sorted(FILES))
    assert {p: (out / p).read_bytes() for p in FILES} == FILES
    age(out)
    before = tree(out)
    files = {p: c for p, c in FILES.items() if p != "pkg/models/pet.py"}
    summary = write(
        out, {**files, "pkg/api/chat.py": b"class ChatApi:\n    pass\n"}, "d2"
    )
    assert summary.written == ("pkg/api/chat.py",)
    assert summary.removed == ("pkg/models/pet.py",)
    after = tree(out)
    for path in ("README.md", "pkg/__init__.py", "notes.txt"):
        assert after[path] == before[path], path  # content, mtime and inode
    assert not (out / "pkg" / "models").exists()
    assert (
        manifest_matches(out, "d2")
        and check_output(
            out, {**files, "pkg/api/chat.py": b"class ChatApi:\n    pass\n"}
        )
        == []
    )
    assert os.path.ismount(out)
    assert leftovers(out) == []
    assert [p for p in out.rglob("*") if "oapigen-new" in p.name] == []


def test_a_mount_inside_out_stays_with_its_files(
    tmp_path: Path, mount: Callable[..., Path]
) -> None:
    out = tmp_path / "out"
    write(out)
    volume = tmp_path / "volume"
    (volume / "deep").mkdir(parents=True)
    (volume / "deep" / "blob.bin").write_bytes(b"\x00data")
    mount(out / "data", volume)  # a bind mount: same file system, same device number
    (out / "pkg" / "models" / "cache").mkdir()
    mount(out / "pkg" / "models" / "cache")  # a tmpfs where a stale folder would go
    (out / "pkg" / "models" / "cache" / "x").write_text("cached")
    age(out)
    before = tree(out)
    folder = out.stat().st_ino
    files = {p: c for p, c in FILES.items() if p != "pkg/models/pet.py"}
    summary = write(out, {**files, "README.md": b"# new\n"}, "d2")
    assert summary.written == ("README.md",) and summary.removed == (
        "pkg/models/pet.py",
    )
    assert out.stat().st_ino == folder  # not swapped: written in place
    after = tree(out)
    for path in ("data/deep/blob.bin", "pkg/models/cache/x", "pkg/__init__.py"):
        assert after[path] == before[path], path
    assert writer._mounts_at_or_under(out) == {out / "data", out / "pkg/models/cache"}
    assert leftovers(out) == ["volume"]


def test_removing_a_tree_never_enters_a_mount(
    tmp_path: Path, mount: Callable[..., Path]
) -> None:
    volume = tmp_path / "volume"
    volume.mkdir()
    (volume / "keep.txt").write_text("kept")
    doomed = tmp_path / ".out.oapigen-new-0badc0de"  # what a killed run leaves
    (doomed / "a" / "b").mkdir(parents=True)
    (doomed / "a" / "b" / "gone.txt").write_text("x")
    mount(doomed / "a" / "vol", volume)
    writer._remove_tree(doomed)
    assert (volume / "keep.txt").read_text() == "kept"
    assert (doomed / "a" / "vol" / "keep.txt").exists()
    assert not (doomed / "a" / "b").exists()


def test_a_volume_under_a_read_only_parent_holds_its_own_lock(
    tmp_path: Path, mount: Callable[..., Path]
) -> None:
    parent = mount(tmp_path / "parent")
    out = mount(parent / "out")
    mount(parent, read_only=True)
    summary = write(out)
    assert summary.written == tuple(sorted(FILES))
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "README.md", "pkg"]


# Two runs, one OUT: the lock beside OUT.


def test_a_run_waits_for_the_lock_then_gives_up(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    before = tree(out)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "os.write(fd, b'4242\\n')\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
            str(tmp_path / ".out.oapigen-lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        started = time.monotonic()
        with pytest.raises(
            writer.LockedError, match=r"\(process 4242\) has been writing"
        ):
            write_output(
                out,
                {**FILES, "new.txt": b"x"},
                inputs_digest="d2",
                generator_version="0.1.0",
                lock_wait=0.5,
            )
        assert 0.5 <= time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert tree(out) == before
    # the holder is gone; its lock file is left, unlocked, and is no obstacle
    assert write(out, {**FILES, "new.txt": b"x"}, "d2").written == ("new.txt",)
    assert leftovers(out) == []


def test_files_are_staged_as_they_come_and_swapped_in_at_the_end(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    write(out)
    before = tree(out)
    changed = {**FILES, "pkg/api/chat.py": b"class ChatApi:\n    pass\n"}
    with writer.open_output(out, changed) as output:
        output.put("pkg/api/chat.py", changed["pkg/api/chat.py"])
        (staged,) = [p for p in out.parent.iterdir() if "oapigen-new" in p.name]
        staged_chat = staged / "pkg/api/chat.py"
        deadline = time.monotonic() + 30  # written by a writer thread, before finish
        while not (
            staged_chat.exists()
            and staged_chat.read_bytes() == changed["pkg/api/chat.py"]
        ):
            assert time.monotonic() < deadline, "never staged"
            time.sleep(0.01)
        for path in ("README.md", "pkg/__init__.py", "pkg/models/pet.py"):
            output.put(path, changed[path])
        assert tree(out) == before  # nothing reaches OUT before finish
        summary = output.finish(inputs_digest="d2", generator_version="0.1.0")
    assert summary.written == ("pkg/api/chat.py",)
    assert {p: (out / p).read_bytes() for p in changed} == changed
    assert leftovers(out) == []


def test_leaving_before_finish_leaves_out_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out)
    (out / "notes.txt").write_text("mine")
    before = tree(out)
    with pytest.raises(RuntimeError, match="template bug"):
        with writer.open_output(out, FILES) as output:
            output.put("README.md", b"# new\n")
            raise RuntimeError("template bug")
    assert tree(out) == before
    assert leftovers(out) == []


def test_a_file_not_announced_twice_given_or_never_given_is_refused(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    with writer.open_output(out, FILES) as output:
        with pytest.raises(ValueError, match="'other.py' was not announced"):
            output.put("other.py", b"")
        output.put("README.md", FILES["README.md"])
        with pytest.raises(ValueError, match="'README.md' was not announced, or came"):
            output.put("README.md", FILES["README.md"])
        with pytest.raises(ValueError, match="never given: pkg/__init__.py, pkg/api"):
            output.finish(inputs_digest="d1", generator_version="0.1.0")
    assert not out.exists()
    assert leftovers(out) == []
