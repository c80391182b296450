"""Writing the generated files into the output folder, atomically and incrementally, and
comparing them with it for ``--check``.

The new tree is built in a sibling temporary folder (same parent, so the final rename is
atomic), a file at a time as the pipeline hands them over (``open_output``: the first files
are written, by two threads, while the others are still being rendered and formatted), and
then swapped with the output folder:

- a generated file whose content is unchanged is carried over as it was (hard link, so its
  modification time stays; a copy when links are not possible);
- files matched by ``OUT/.oapigen-ignore`` (gitignore syntax) and files oapigen never wrote
  (absent from the previous manifest, such as ``.git/``) are carried over untouched;
- files oapigen wrote before and no longer produces are dropped;
- ``OUT/.oapigen-manifest.json`` records the generator version, the inputs' digest, every
  file oapigen owns with its sha256, the files it produced but left alone because
  ``.oapigen-ignore`` matched them, what ``generator.inputs`` asks to keep, and a digest of
  each ``.py`` file as rendered before black. With it, ``manifest_matches`` tells ``--check``
  that OUT is up to date without rendering anything, and ``formatted_before`` gives the next
  run the files it need not format again.

Only what oapigen wrote is replaced: a file at a generated path that the previous manifest does
not list, and that differs from what would be written (a user's own ``README.md``), stops the
run with ``NotOursError`` naming it, unless ``force`` is given.

A run that fails, or is killed, leaves OUT as it was: a failure removes the temporary folder;
a kill leaves it behind, and the next run removes it (or, if the kill fell between the two
renames of the fallback swap, puts the old folder back first). Files are never modified in
place, only created in the new tree, so a hard link never lets a write reach the old tree.

A folder that is a mount point (a container's volume), or that holds one (``OUT/data``),
cannot be swapped: renaming it fails, or would carry the mount away. There OUT is written in
place, file by file: each changed file is written beside its target and renamed over it, stale
files are removed, and the manifest is written last. Before the first file, an unfinished
manifest owns every file the run may leave behind; a run killed then leaves a tree that
``--check`` calls stale and that the next run repairs, not OUT as it was. Nothing is ever
removed from inside a mount that is not oapigen's own file.

Two runs writing the same OUT take turns: a lock on a file beside OUT (``.NAME.oapigen-lock``
for a folder named NAME, removed after the run; inside OUT only when its parent cannot be
written) is held from the first read of OUT to the last write, and a second run waits for it,
up to ``LOCK_WAIT`` seconds, then fails with ``LockedError``. Reading (``--check``) takes no
lock.
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from generator.naming import is_device_name
from generator.outcome import counted

MANIFEST = ".oapigen-manifest.json"
IGNORE = ".oapigen-ignore"
#: Longest unified diff shown for one file by ``check_output``, in lines.
MAX_DIFF_LINES = 40

#: How long a run waits for another one writing the same OUT, in seconds.
LOCK_WAIT = 60.0

_LOCK = "oapigen-lock"
_RESERVED = frozenset({MANIFEST, IGNORE, f".{_LOCK}"})
_NEW = "oapigen-new"
_OLD = "oapigen-old"
#: Marks the manifest of a run that writes OUT in place and has not finished.
_UNFINISHED = "unfinished"
#: Files in the way named in full by ``NotOursError``; beyond them, only a count.
_NAMED = 20
#: Threads creating the files of the new tree.
_WRITERS = 2


class NotOursError(ValueError):
    """Files at generated paths that oapigen did not write, which the run would overwrite."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        shown = ", ".join(paths[:_NAMED])
        more = f" and {len(paths) - _NAMED} more" if len(paths) > _NAMED else ""
        super().__init__(
            f"{len(paths)} {'file' if len(paths) == 1 else 'files'} oapigen did not write "
            f"would be overwritten: {shown}{more}"
        )


class LockedError(ValueError):
    """Another run kept the output folder's lock for longer than the wait allowed."""


@dataclass(frozen=True)
class WriteSummary:
    """What a run did, each as sorted relative posix paths."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    #: produced, but left alone because ``.oapigen-ignore`` matches them
    ignored: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileDifference:
    """One way the output folder differs from what the generator would write."""

    path: str
    kind: Literal["missing", "differs", "stale"]
    diff: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.path}" + (
            f"\n{self.diff.rstrip()}" if self.diff else ""
        )


def write_output(
    out: Path,
    files: Mapping[str, bytes],
    *,
    inputs_digest: str,
    generator_version: str,
    inputs: Mapping[str, Any] | None = None,
    rendered: Mapping[str, str] | None = None,
    force: bool = False,
    lock_wait: float = LOCK_WAIT,
) -> WriteSummary:
    """Make ``out`` hold ``files`` (relative posix path -> content), as the module docstring says:
    ``open_output`` given every file at once."""
    with open_output(out, files, force=force, lock_wait=lock_wait) as output:
        for path, content in files.items():
            output.put(path, content)
        return output.finish(
            inputs_digest=inputs_digest,
            generator_version=generator_version,
            inputs=inputs,
            rendered=rendered,
        )


@contextmanager
def open_output(
    out: Path,
    paths: Iterable[str],
    *,
    force: bool = False,
    lock_wait: float = LOCK_WAIT,
) -> Iterator[OutputWriter]:
    """OUT locked and read, ready to take the files at ``paths`` (relative posix paths) one by
    one while the rest are still being made (``OutputWriter.put``); ``finish`` ends the run.
    Leaving the block before ``finish`` has swapped the trees (an error, a file in the way)
    removes what was staged: OUT stays as it was.

    Raises LockedError when another run keeps OUT's lock, and ValueError for a path that could
    land outside ``out`` or clash with another.
    """
    produced = list(paths)
    check_paths(produced)
    out = Path(os.path.abspath(out))
    if out.is_symlink():
        out = Path(os.path.realpath(out))
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is not a folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out, lock_wait):
        output = OutputWriter(out, produced, force)
        try:
            yield output
        finally:
            output.discard()


class OutputWriter:
    """One run writing OUT: each file goes into the new tree as it comes (``put``), while the
    files after it are still being made, and ``finish`` swaps the trees. Made by
    ``open_output``, which holds OUT's lock for it."""

    def __init__(self, out: Path, produced: list[str], force: bool) -> None:
        self.out = out
        self.force = force
        self.in_place = out.is_dir() and bool(_mounts_at_or_under(out))
        if not self.in_place:
            _recover(out)
        self.ignore = _ignore_spec(out)
        self.old_manifest = read_manifest(out) or {"files": {}}
        self.owned_before = {
            p for p in self.old_manifest["files"] if _safe_path(str(p))
        }
        _remove_partial_files(out, self.owned_before | set(produced))
        self.wanted = {p for p in produced if not self.ignore.match_file(p)}
        self.ignored = tuple(sorted(set(produced) - self.wanted))
        self.hashes: dict[str, str] = {}
        self.unchanged: set[str] = set()
        self.not_ours: list[str] = []
        # in place, nothing is written before every file is known (see _write_in_place)
        self.pending: dict[str, bytes] = {}
        self.new: Path | None = None if self.in_place else _make_temp(out)
        # Files are created by a few threads, each folder's by one: creating a file is the
        # kernel's work (on ext4 without a journal, right after many files were removed, it
        # costs more than rendering it), which then goes on beside this thread's; two files
        # of one folder would only wait for each other.
        self.writers = [ThreadPoolExecutor(1) for _ in range(_WRITERS)]
        self.writer_of: dict[Path, ThreadPoolExecutor] = {}
        self.writes: list[Future[None]] = []

    def put(self, path: str, content: bytes) -> None:
        """Take one file: staged in the new tree unless OUT holds it already as it is."""
        if path in self.ignored:
            return
        if path not in self.wanted or path in self.hashes:
            raise ValueError(f"output path {path!r} was not announced, or came twice")
        self.hashes[path] = _sha256(content)
        if _same_file(self.out / path, content):
            self.unchanged.add(path)
            return
        if path not in self.owned_before and os.path.lexists(self.out / path):
            self.not_ours.append(path)
            if not self.force:
                return
        if self.new is None:
            self.pending[path] = content
            return
        target = self.new / path
        writer = self.writer_of.setdefault(
            target.parent, self.writers[len(self.writer_of) % len(self.writers)]
        )
        self.writes.append(
            writer.submit(_write_file, target, content, like=self.out / path)
        )

    def finish(
        self,
        *,
        inputs_digest: str,
        generator_version: str,
        inputs: Mapping[str, Any] | None = None,
        rendered: Mapping[str, str] | None = None,
    ) -> WriteSummary:
        """The manifest written and the new tree swapped in (or OUT brought up to date in
        place). ``inputs``, when given, is recorded in the manifest as it is (see
        ``generator.inputs``).

        Raises NotOursError for files at generated paths that oapigen did not write (unless
        ``force``), and ValueError when something oapigen does not own stands where
        generated files must go.
        """
        out, wanted = self.out, self.wanted
        self._stop_writers(cancel=False)
        for write in self.writes:
            write.result()  # the first failure, if any
        missing = sorted(wanted - set(self.hashes))
        if missing:
            raise ValueError(f"output paths never given: {', '.join(missing[:_NAMED])}")
        if self.not_ours and not self.force:
            raise NotOursError(sorted(self.not_ours))
        removed = sorted(
            p
            for p in self.owned_before - wanted
            if not self.ignore.match_file(p) and _is_file(out / p)
        )
        manifest = _manifest_bytes(
            self.hashes,
            self.ignored,
            inputs_digest,
            generator_version,
            inputs,
            {p: d for p, d in (rendered or {}).items() if p in wanted},
        )
        summary = WriteSummary(
            tuple(sorted(wanted - self.unchanged)),
            tuple(sorted(self.unchanged)),
            tuple(removed),
            self.ignored,
        )
        if (
            not summary.written
            and not summary.removed
            and _same_file(out / MANIFEST, manifest)
        ):
            return summary  # nothing to do: leave every file, and the folder, alone
        if self.new is None:
            unfinished = _manifest_bytes(
                {**self.old_manifest["files"], **self.hashes},
                self.ignored,
                "",
                generator_version,
                unfinished=True,
            )
            _write_in_place(out, self.pending, summary, unfinished, manifest)
        else:
            self._complete_and_swap(manifest)
        return summary

    def discard(self) -> None:
        """Remove the new tree, unless it was swapped in."""
        self._stop_writers(cancel=True)
        if self.new is not None:
            _remove_tree(self.new)
            self.new = None

    def _stop_writers(self, *, cancel: bool) -> None:
        """Wait for every write, or (``cancel``: the run failed) for those under way only."""
        for writer in self.writers:
            writer.shutdown(wait=True, cancel_futures=cancel)

    def _complete_and_swap(self, manifest: bytes) -> None:
        """The unchanged files, the manifest and what oapigen does not own carried into the
        new tree, then the trees swapped."""
        out, new = self.out, self.new
        assert new is not None
        for path in sorted(self.unchanged):
            _carry(out / path, new / path)
        manifest_path = new / MANIFEST
        if _same_file(out / MANIFEST, manifest):
            _carry(out / MANIFEST, manifest_path)
        else:
            _write_file(manifest_path, manifest, like=out / MANIFEST)
        if out.exists():
            keep = _keeper(self.owned_before, self.wanted, self.ignore)
            _carry_tree(out, new, "", keep)
            _copy_mode(out, new)
        _swap(new, out)
        self.new = None


def _write_in_place(
    out: Path,
    wanted: Mapping[str, bytes],
    summary: WriteSummary,
    unfinished: bytes,
    manifest: bytes,
) -> None:
    """``out`` brought up to date file by file: the unfinished manifest first, each changed
    file renamed over its target, stale files removed (and the folders they leave empty), the
    manifest last."""
    _replace_file(out, MANIFEST, unfinished)
    for path in summary.written:
        _replace_file(out, path, wanted[path])
    for path in summary.removed:
        os.unlink(out / path)
        _remove_empty_folders(out, path)
    _replace_file(out, MANIFEST, manifest)


def check_output(out: Path, files: Mapping[str, bytes]) -> list[FileDifference]:
    """How ``out`` differs from ``files``: owned files missing, different or stale. Writes nothing."""
    check_paths(files)
    ignore = _ignore_spec(out)
    manifest = read_manifest(out)
    differences: list[FileDifference] = []
    for path in sorted(files):
        if ignore.match_file(path):
            continue
        target = out / path
        if not _is_file(target):
            differences.append(FileDifference(path, "missing"))
        elif not _same_file(target, files[path]):
            differences.append(
                FileDifference(
                    path, "differs", _diff(path, target.read_bytes(), files[path])
                )
            )
    owned = manifest.get("files", {}) if manifest else {}
    for path in sorted(set(owned) - set(files)):
        if _safe_path(path) and not ignore.match_file(path) and _is_file(out / path):
            differences.append(FileDifference(path, "stale"))
    if manifest and manifest.get(_UNFINISHED):
        differences.append(
            FileDifference(MANIFEST, "stale", "written by a run that did not finish\n")
        )
    return differences


def manifest_matches(out: Path, inputs_digest: str) -> bool:
    """Whether OUT holds what the last run wrote from these same inputs: its manifest records
    ``inputs_digest``, every file it lists is there unchanged (or ignored now), and no file it
    left alone for ``.oapigen-ignore`` has stopped being ignored. Reads no file twice.
    """
    manifest = read_manifest(out)
    if manifest is None or manifest.get("inputs_digest") != inputs_digest:
        return False
    ignore = _ignore_spec(out)
    ignored_then = manifest.get("ignored", [])
    if not isinstance(ignored_then, list) or not all(
        isinstance(p, str) and ignore.match_file(p) for p in ignored_then
    ):
        return False
    for path, digest in manifest["files"].items():
        if not _safe_path(path):
            return False
        if ignore.match_file(path):
            continue
        if _as_recorded(out / path, digest) is None:
            return False
    return True


def _as_recorded(path: Path, digest: object) -> bytes | None:
    """The content of ``path`` when it is a regular file whose sha256 is ``digest`` (as the
    manifest records it), else None."""
    try:
        content = path.read_bytes() if _is_file(path) else None
    except OSError:
        return None
    if content is None or _sha256(content) != digest:
        return None
    return content


def manifest_digest(out: Path) -> str | None:
    """The inputs digest recorded by the last run, if any: ``--check`` may stop there when it matches."""
    manifest = read_manifest(out)
    digest = manifest.get("inputs_digest") if manifest else None
    return digest if isinstance(digest, str) else None


def check_paths(paths: Iterable[str]) -> None:
    """Reject any path that could be written outside the output folder, clash with another or
    with oapigen's own files."""
    by_case: dict[str, str] = {}
    for path in paths:
        if not isinstance(path, str) or not _safe_path(path):
            raise ValueError(
                f"unsafe output path {path!r}: paths must be relative, with '/', and no '..'"
            )
        if path in _RESERVED:
            raise ValueError(f"output path {path!r} is reserved for oapigen")
        device = next((part for part in path.split("/") if is_device_name(part)), None)
        if device is not None:
            raise ValueError(
                f"output path {path!r}: {device!r} is a device name on Windows"
            )
        other = by_case.setdefault(path.casefold(), path)
        if other != path:
            raise ValueError(f"output paths {other!r} and {path!r} differ only by case")
    folders = {
        "/".join(p.split("/")[:i]).casefold()
        for p in by_case.values()
        for i in range(1, p.count("/") + 1)
    }
    for key, path in by_case.items():
        if key in folders:
            raise ValueError(f"output path {path!r} is both a file and a folder")


def _safe_path(path: str) -> bool:
    parts = path.split("/")
    return (
        bool(path)
        and "\\" not in path
        and "\x00" not in path
        and not path.startswith("/")
        and not re.match(r"[A-Za-z]:", path)
        and all(part not in ("", ".", "..") for part in parts)
    )


class _Ignore(Protocol):
    def match_file(self, file: str) -> bool: ...


class _NothingIgnored:
    """The rules of an absent ``.oapigen-ignore``: ``--check`` need not import pathspec for them."""

    def match_file(self, file: str) -> bool:
        return False


def _ignore_spec(out: Path) -> _Ignore:
    try:
        lines = (out / IGNORE).read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, NotADirectoryError):
        return _NothingIgnored()
    import pathspec  # 30 ms, only for a tree that has ignore rules

    return pathspec.GitIgnoreSpec.from_lines(lines)


def formatted_before(
    out: Path, generator_version: str
) -> Callable[[str, str], str | None]:
    """A lookup of the files of OUT that the last run formatted from the same rendered text
    with this same oapigen, and that nobody changed since: black would write them again as
    they are, so they need not be formatted. It takes a path and the digest of the file's
    rendered text (as the manifest records it) and gives the file's text, or None."""
    manifest = read_manifest(out)
    before = manifest.get("rendered") if manifest else None
    if (
        manifest is None
        or not isinstance(before, dict)
        or manifest.get("generator_version") != generator_version
    ):
        return lambda path, digest: None
    owned = manifest["files"]

    def formatted(path: str, digest: str) -> str | None:
        if before.get(path) != digest or not _safe_path(path):
            return None
        content = _as_recorded(out / path, owned.get(path))
        try:
            return None if content is None else content.decode("utf-8")
        except UnicodeDecodeError:
            return None

    return formatted


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The previous run's manifest; None when missing or unreadable (then oapigen owns nothing)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return None
    return data


def _manifest_bytes(
    files: Mapping[str, str],
    ignored: Iterable[str],
    inputs_digest: str,
    generator_version: str,
    inputs: Mapping[str, Any] | None = None,
    rendered: Mapping[str, str] | None = None,
    *,
    unfinished: bool = False,
) -> bytes:
    """The manifest of ``files`` (path -> sha256); ``unfinished`` marks the one written before
    the files of a run in place (its digest matches no inputs)."""
    manifest: dict[str, Any] = {
        "files": dict(files),
        "generator_version": generator_version,
        "ignored": sorted(ignored),
        "inputs_digest": inputs_digest,
    }
    if inputs is not None:
        manifest["inputs"] = inputs
    if rendered:
        manifest["rendered"] = dict(rendered)
    if unfinished:
        manifest[_UNFINISHED] = True
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _is_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except (OSError, ValueError):
        return False


def _same_file(path: Path, content: bytes) -> bool:
    """Whether ``path`` is a regular file (not a symlink) holding exactly ``content``."""
    try:
        info = path.lstat()
        return (
            stat.S_ISREG(info.st_mode)
            and info.st_size == len(content)
            and path.read_bytes() == content
        )
    except (OSError, ValueError):
        return False


def _make_temp(out: Path) -> Path:
    """A fresh folder beside ``out``; made with mkdir, not mkdtemp, so it gets the usual mode."""
    while True:
        candidate = out.parent / f".{out.name}.{_NEW}-{secrets.token_hex(4)}"
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue


def _recover(out: Path) -> None:
    """Undo what a killed run left: put a set-aside old tree back, remove temporary folders."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.({_NEW}|{_OLD})-[0-9a-f]+")
    leftovers = sorted(p for p in out.parent.iterdir() if pattern.fullmatch(p.name))
    set_aside = [p for p in leftovers if f".{_OLD}-" in p.name]
    if set_aside and not os.path.lexists(out):
        os.rename(set_aside[-1], out)
        leftovers.remove(set_aside[-1])
    for path in leftovers:
        _remove_tree(path)


def _remove_tree(root: Path) -> None:
    """``shutil.rmtree`` that never reaches into a mount (nor follows a link): a mounted
    folder, and the folders holding it, stay with everything in them."""
    mounts = _mounts_at_or_under(root)

    def remove(folder: Path, device: int) -> None:
        with os.scandir(folder) as scan:
            entries = list(scan)
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
                if not stat.S_ISDIR(info.st_mode):
                    os.unlink(entry.path)
                elif info.st_dev == device and Path(entry.path) not in mounts:
                    remove(Path(entry.path), device)
            except OSError:
                continue
        try:
            os.rmdir(folder)
        except OSError:
            pass

    try:
        info = root.lstat()
    except OSError:
        return
    if stat.S_ISDIR(info.st_mode) and root not in mounts:
        remove(root, info.st_dev)


def _mounts_at_or_under(folder: Path) -> set[Path]:
    """The mount points at ``folder`` or inside it. Linux lists them in /proc/self/mountinfo,
    bind mounts of a folder of the same file system included; elsewhere only a folder on
    another device than its parent is seen as one (``os.path.ismount``)."""
    try:
        with open("/proc/self/mountinfo", "rb") as info:
            lines = info.read().splitlines()
    except OSError:
        return {folder} if os.path.ismount(folder) else set()
    real = Path(os.path.realpath(folder))
    mounts = set()
    for line in lines:
        fields = line.split(b" ")
        if len(fields) < 5:
            continue
        # the mount point, with space, tab, newline and backslash written as \ooo
        point = Path(os.fsdecode(re.sub(rb"\\([0-7]{3})", _octal, fields[4])))
        if point == real or point.is_relative_to(real):
            mounts.add(folder / point.relative_to(real))
    return mounts


def _octal(match: re.Match[bytes]) -> bytes:
    return bytes([int(match.group(1), 8)])


@contextmanager
def _locked(out: Path, wait: float) -> Iterator[None]:
    """Hold the lock of ``out`` (see the module docstring) while the block runs."""
    try:
        import fcntl
    except ImportError:  # Windows: runs are not serialised
        yield
        return
    path = out.parent / f".{out.name}.{_LOCK}"
    try:
        handle = _acquire(path, wait, fcntl)
    except OSError as exc:
        if exc.errno not in _READ_ONLY:
            raise
        path = out / f".{_LOCK}"  # a volume under a parent that cannot be written
        handle = _acquire(path, wait, fcntl)
    try:
        yield
    finally:
        try:
            os.unlink(path)  # while still holding it: see _acquire
        except OSError:
            pass
        os.close(handle)


_READ_ONLY = (errno.EACCES, errno.EPERM, errno.EROFS)


def _acquire(path: Path, wait: float, fcntl: Any) -> int:
    """An open descriptor of ``path``, locked. A holder removes the file before it lets go, so
    a lock taken on a file no longer at ``path`` is let go and taken again on the new one.
    """
    deadline = time.monotonic() + wait
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_small(handle)
            os.close(handle)
            if time.monotonic() >= deadline:
                raise LockedError(
                    f"another oapigen run{f' (process {holder})' if holder else ''} has "
                    f"been writing this folder for {wait:g} s; its lock is {path}"
                ) from None
            time.sleep(0.05)
            continue
        except BaseException:
            os.close(handle)
            raise
        try:
            held, there = os.fstat(handle), os.stat(path)
            same = (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino)
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(handle, 0)
            os.write(handle, f"{os.getpid()}\n".encode())
            return handle
        os.close(handle)


def _read_small(handle: int) -> str:
    try:
        return os.pread(handle, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""


def _remove_partial_files(out: Path, paths: Iterable[str]) -> None:
    """Remove what a run killed while writing in place left beside its targets."""
    folders = {(out / p).parent for p in paths} | {out}
    pattern = re.compile(rf"\..+\.{_NEW}-[0-9a-f]+")
    for folder in sorted(folders):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if pattern.fullmatch(name) and _is_file(folder / name):
                os.unlink(folder / name)


def _replace_file(out: Path, path: str, content: bytes) -> None:
    """``out / path`` made to hold ``content`` by one rename, never through a link."""
    target = out / path
    folder = out
    for part in path.split("/")[:-1]:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise ValueError(
                f"{folder.relative_to(out).as_posix()} in the output folder is in the way "
                "of generated files"
            )
    if target.is_dir() and not target.is_symlink():
        raise ValueError(
            f"{path}/ in the output folder is in the way of generated files"
        )
    partial = target.parent / f".{target.name}.{_NEW}-{secrets.token_hex(4)}"
    try:
        _write_file(partial, content, like=target)
        os.replace(partial, target)
    except BaseException:
        try:
            os.unlink(partial)
        except OSError:
            pass
        raise


def _remove_empty_folders(out: Path, path: str) -> None:
    """Remove the folders above ``path`` that its removal left empty, up to ``out``."""
    folder = (out / path).parent
    while folder != out:
        try:
            os.rmdir(folder)  # fails on a folder that holds anything, or is a mount
        except OSError:
            return
        folder = folder.parent


def _write_file(path: Path, content: bytes, *, like: Path) -> None:
    """Create ``path`` (never overwrite); it keeps the mode of the file it replaces, if any."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as handle:
        handle.write(content)
    try:
        info = like.lstat()
    except (OSError, ValueError):
        return
    if stat.S_ISREG(info.st_mode):
        os.chmod(path, stat.S_IMODE(info.st_mode))


def _carry(source: Path, target: Path) -> None:
    """Put ``source`` at ``target`` as it is: a hard link, else a copy with its times and mode."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        if not _is_file(source):
            raise  # a fifo or a device is not something to copy by reading it
        shutil.copy2(source, target, follow_symlinks=False)


def _keeper(
    owned_before: set[str], produced: set[str], ignore: _Ignore
) -> Callable[[str], bool]:
    """Which files of the old tree are carried over besides the generated ones."""

    def keep(path: str) -> bool:
        if path == MANIFEST or path in produced:
            return False
        return path not in owned_before or ignore.match_file(path)

    return keep


def _carry_tree(old: Path, new: Path, prefix: str, keep: Callable[[str], bool]) -> None:
    """Carry the entries of ``old`` that ``keep`` accepts into ``new``, folder by folder.

    A folder is recreated when it keeps something, or was empty (someone made it on purpose);
    one emptied of stale generated files goes away.
    """
    with os.scandir(old) as scan:
        entries = sorted(scan, key=lambda e: e.name)
    for entry in entries:
        path = prefix + entry.name
        target = new / entry.name
        if entry.is_dir(follow_symlinks=False):
            if target.is_symlink() or (target.exists() and not target.is_dir()):
                raise ValueError(
                    f"{path}/ in the output folder is in the way of generated files"
                )
            if not any(os.scandir(entry.path)):
                target.mkdir(exist_ok=True)
            _carry_tree(Path(entry.path), target, path + "/", keep)
            if target.is_dir():
                _copy_mode(Path(entry.path), target)
        elif keep(path):
            if os.path.lexists(target):
                raise ValueError(
                    f"{path} in the output folder is in the way of generated files"
                )
            _carry(Path(entry.path), target)


def _copy_mode(source: Path, target: Path) -> None:
    os.chmod(target, stat.S_IMODE(source.stat().st_mode))


def _swap(new: Path, out: Path) -> None:
    """Put ``new`` in place of ``out`` and remove the old tree."""
    if not os.path.lexists(out):
        os.rename(new, out)
        return
    if _exchange(new, out):
        _remove_tree(new)  # it now holds the old tree
        return
    aside = out.parent / f".{out.name}.{_OLD}-{new.name.rsplit('-', 1)[1]}"
    os.rename(out, aside)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(aside, out)
        raise
    _remove_tree(aside)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False when unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if (
        renameat2(
            at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange
        )
        == 0
    ):
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # an old kernel, or a file system without exchange: rename twice instead
    raise OSError(code, os.strerror(code), str(second))


def _diff(path: str, old: bytes, new: bytes) -> str:
    """A short unified diff, or a note for content that is not text."""
    try:
        old_text, new_text = old.decode("utf-8"), new.decode("utf-8")
    except UnicodeDecodeError:
        return f"binary files a/{path} and b/{path} differ\n"
    lines = list(
        difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            f"a/{path}",
            f"b/{path}",
        )
    )
    if len(lines) > MAX_DIFF_LINES:
        lines = [
            *lines[:MAX_DIFF_LINES],
            f"... ({counted(len(lines) - MAX_DIFF_LINES, 'more line')})\n",
        ]
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
