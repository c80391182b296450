"""Where documents may be read from, and reading them: files and URLs, under one rule.

A document must not make the generator read or fetch what it likes. References are resolved
as URIs (RFC 3986) against the base of the document that holds them: where it was read from
(a ``file:`` URI or an ``http(s)`` URL), or the root document's ``$self``. A reference may lead

- under the folder of the root document: for a file, that folder and its subfolders; for a
  URL, the URLs of the same origin (scheme, host, port) whose path lies under the URL's folder;
- or under an allowed root: a folder or a URL prefix given with the setting
  ``allowed-ref-roots`` (``--allowed-ref-root``).

Anything else (an absolute path such as ``/etc/passwd``, a path that climbs out with ``..``, a
symbolic link inside the folder that leads outside, a local file named by a document read from
a URL, a URL named by a local document, another origin) is refused before a byte of it is read.
Only regular files are read (a device or a FIFO is refused at once, never waited on), and no
document larger than ``MAX_DOCUMENT_BYTES``.

When the root document has a ``$self``, its folder stands for the folder the document was read
from: a reference under it is read from the same relative place beside the root document.

This module imports nothing heavy (``urllib.request`` only when a URL is fetched): ``--check``
uses it before the pipeline is imported.
"""

from __future__ import annotations

import os
import posixpath
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

#: The largest document (root or referenced) read, in bytes; the largest public descriptions
#: we know of hold about 40 MiB.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
#: Seconds a fetch may take, from connecting to the last byte (``OAPIGEN_FETCH_TIMEOUT``
#: changes it): each wait for the server is bounded by it, and reading stops once it is past.
FETCH_TIMEOUT = 30.0
#: Redirects followed per fetch (each within the origin asked, and within the rule).
MAX_REDIRECTS = 5

_WIDEN = "widen the rule with the setting allowed-ref-roots or --allowed-ref-root"
_REMOTE = ("http", "https")


class Unreadable(Exception):
    """A document that cannot be read; the message says why, without the machine's paths."""


@dataclass(frozen=True)
class Refusal:
    """Why a reference may not be followed."""

    reason: str


def is_url(text: str) -> bool:
    """Whether a setting or SPEC names an ``http`` or ``https`` URL rather than a file."""
    return text.lower().startswith(("http://", "https://"))


def url_problem(url: str) -> str | None:
    """What is wrong with a URL given as SPEC or as an allowed root, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # raises on a port that is not a number
    except ValueError as exc:
        return f"{url!r} is not a valid URL ({exc})"
    if parts.scheme.lower() not in _REMOTE or not parts.hostname:
        return f"{url!r} is not an http or https URL with a host"
    if parts.username is not None or parts.password is not None:
        return f"{url!r} holds credentials, which would be written into the output: not supported"
    return None


def file_uri(path: Path | str) -> str:
    """The ``file:`` URI of a local path (made absolute and normalised)."""
    return Path(os.path.normpath(os.path.abspath(path))).as_uri()


def normal_uri(uri: str) -> str:
    """One spelling per place, without its fragment: dot segments removed, a file URI as its
    path makes it, scheme and host in lower case, default ports dropped."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return file_uri(url_to_path(uri))
    path = posixpath.normpath(parts.path) if parts.path else "/"
    if parts.path.endswith("/") and not path.endswith("/"):
        path += "/"
    path = "/" + path.lstrip("/")
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, default) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def url_to_path(uri: str) -> Path:
    """The local path a ``file:`` URI names."""
    from urllib.request import url2pathname

    return Path(os.path.normpath(url2pathname(urlsplit(uri).path)))


def resolve_uri(base: str, ref: str) -> str | Refusal:
    """The URI (no fragment) that the file part of a ``$ref`` written in a document whose base
    is ``base`` names; a Refusal for a scheme that names no document oapigen reads."""
    parts = urlsplit(ref)
    scheme = parts.scheme.lower()
    if len(scheme) == 1 and os.name == "nt":  # a Windows drive: C:\\specs\\pet.yaml
        return file_uri(ref)
    if scheme not in ("", "file", *_REMOTE):
        return Refusal(f"unsupported reference scheme {parts.scheme!r}")
    target = urljoin(base, ref)
    target_parts = urlsplit(target)
    if target_parts.scheme == "file" and target_parts.netloc not in ("", "localhost"):
        return Refusal("a file on another host is not read")
    if target_parts.scheme == "file" and scheme == "":
        # a relative file reference is a path, so a % in it is taken as written
        return file_uri(url_to_path(target))
    return normal_uri(target)


def folder_of(uri: str) -> str:
    """The folder of a document's URI, ending with ``/`` (a query is not part of it)."""
    parts = urlsplit(uri)
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path[: parts.path.rfind("/") + 1], "", "")
    )


def origin(uri: str) -> tuple[str, str]:
    """Scheme and authority (host and port) of a normalised URI."""
    parts = urlsplit(uri)
    return parts.scheme, parts.netloc


@dataclass(frozen=True)
class Scope:
    """Where the references of one document set may lead, and where each is read from.

    ``base`` is the folder of the root document's identity (its ``$self``, else where it was
    read from), ``source`` the folder it was read from; both end with ``/``. ``home`` is the
    real path of that folder when it is local; ``folders`` are the allowed folders (real
    paths) and ``prefixes`` the allowed URL prefixes, each ending with ``/``.
    """

    base: str
    source: str
    home: Path | None
    folders: tuple[Path, ...] = ()
    prefixes: tuple[str, ...] = ()

    @classmethod
    def of(cls, identity: str, source: str, allowed: Iterable[str] = ()) -> Scope:
        """The scope of a root document read from ``source`` (the file URI of its resolved
        path, or the URL it came from) whose identity is ``identity``."""
        home = None
        if source.startswith("file:"):
            home = Path(os.path.realpath(url_to_path(folder_of(source))))
        folders, prefixes = [], []
        for entry in allowed:
            if is_url(entry):
                prefix = normal_uri(entry)
                prefixes.append(prefix if prefix.endswith("/") else prefix + "/")
            else:
                folders.append(Path(os.path.realpath(entry)))
        return cls(
            folder_of(identity),
            folder_of(source),
            home,
            tuple(folders),
            tuple(prefixes),
        )

    def source_of(self, target: str) -> str | Refusal:
        """Where to read the document a reference names (``target``, a normalised URI): a
        file URI or a URL, under the root's folder or an allowed root; or why it may not be
        read."""
        if _under(target, self.base):
            return self.source + target[len(self.base) :]
        if target.startswith("file:"):
            path = url_to_path(target)
            if any(_within(path, folder) for folder in self.folders):
                return target
        elif any(_under(target, prefix) for prefix in self.prefixes):
            return target
        return Refusal(self._why_not(target))

    def real_file(self, found: str) -> Path | Refusal:
        """The file at ``found`` (a file URI ``source_of`` gave) with every symlink resolved,
        or a Refusal when a symlink leads it outside the root's folder and the allowed ones.
        Reads no byte of it."""
        real = Path(os.path.realpath(url_to_path(found)))
        folders = (self.home, *self.folders) if self.home else self.folders
        if any(_within(real, folder) for folder in folders):
            return real
        return Refusal(
            "it leads through a symbolic link to outside the folder of the root document; "
            + _WIDEN
        )

    def identity_of(self, source: str) -> str:
        """The URI of a document read from ``source`` (a URL, after redirects): the inverse
        of ``source_of``, so that its own references resolve as its identity says."""
        if _under(source, self.source):
            return self.base + source[len(self.source) :]
        return source

    def name_of(self, found: str) -> str:
        """How diagnostics and the manifest name the document read from ``found``: its place
        relative to the root's folder (posix, ``../`` beside it), or its whole URL."""
        if found.startswith("file:") and self.source.startswith("file:"):
            folder = url_to_path(self.source)
            return Path(os.path.relpath(url_to_path(found), folder)).as_posix()
        if _under(found, self.source):
            return found[len(self.source) :]
        return found

    def locate(self, name: str) -> str:
        """The file URI or URL of a document that ``name_of`` named."""
        if is_url(name) or name.startswith("file:"):
            return normal_uri(name)
        if self.source.startswith("file:"):
            return file_uri(url_to_path(self.source) / name)
        return normal_uri(self.source + name)

    def permits_url(self, url: str) -> str | None:
        """Why a URL met on the way (a redirect) may not be fetched, or None."""
        url = normal_uri(url)
        if _under(url, self.source) or any(_under(url, p) for p in self.prefixes):
            return None
        return self._why_not(url)

    def _why_not(self, target: str) -> str:
        local = target.startswith("file:")
        if local and not self.source.startswith("file:"):
            return f"a document read from a URL may not refer to local files; {_WIDEN}"
        if local and not self.base.startswith("file:"):
            return (
                "it names a local file, while the root document's $self puts its folder "
                f"at {self.base}; {_WIDEN}"
            )
        if not local and origin(target) == origin(self.base):
            return f"it points outside the folder of the root document; {_WIDEN}"
        if not local and self.source.startswith("file:"):
            return f"a local document's remote references are not fetched; {_WIDEN}"
        if not local:
            return f"it points to another origin than the root document's; {_WIDEN}"
        return f"it points outside the folder of the root document; {_WIDEN}"


def spec_name(spec: Path | str, whole: bool = False) -> str:
    """How messages name SPEC, a file or a URL: its file name, or ``whole`` as given."""
    if whole:
        return spec if isinstance(spec, str) else spec.as_posix()
    return source_name(spec) if isinstance(spec, str) else spec.name


def source_name(uri: str) -> str:
    """The file name of a document's URI: the last segment of its path (its host when the
    path is empty), as people read it."""
    parts = urlsplit(uri)
    last = unquote(parts.path.rstrip("/").rpartition("/")[2])
    return last or parts.hostname or "openapi"


def read_file(path: Path, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them; raises FileNotFoundError or
    Unreadable. A FIFO or device is refused without waiting on it; a symbolic link as the last
    part of ``path`` is not followed (callers pass the resolved path)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror}") from None
    mode = os.fstat(handle).st_mode
    if not stat.S_ISREG(mode):
        os.close(handle)
        raise Unreadable(f"not a regular file ({_kind(mode)})")
    with os.fdopen(handle, "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise Unreadable(_too_large(limit))
    return data


@dataclass(frozen=True)
class Fetched:
    """A document fetched over HTTP: where it came from in the end, and its bytes."""

    url: str
    content: bytes
    content_type: str


def fetch(
    url: str,
    permit: Callable[[str], str | None] | None = None,
    limit: int = MAX_DOCUMENT_BYTES,
) -> Fetched:
    """GET ``url``: redirects followed within its origin and as ``permit`` (a URL -> a reason
    to refuse it, or None) allows, at most ``MAX_REDIRECTS`` of them; the whole fetch bounded
    by ``fetch_timeout()`` seconds and ``limit`` bytes. Raises Unreadable with one line.
    """
    import socket
    import urllib.error
    import urllib.request
    from http.client import HTTPException

    deadline = time.monotonic() + fetch_timeout()
    asked = origin(normal_uri(url))

    class _Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = MAX_REDIRECTS

        def redirect_request(
            self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
        ) -> Any:
            target = normal_uri(urljoin(req.full_url, newurl))
            if origin(target) != asked:
                raise Unreadable(
                    f"redirected to another origin ({target}): not followed; "
                    "give that URL itself if you trust it"
                )
            reason = permit(target) if permit else None
            if reason is not None:
                raise Unreadable(f"redirected to {target}: refused: {reason}")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    opener = urllib.request.build_opener(_Redirects)
    request = urllib.request.Request(
        url,
        headers={
            "Accept": "application/yaml, application/json;q=0.9, text/plain;q=0.5, */*;q=0.1",
            "Accept-Encoding": "identity",
            "User-Agent": "oapigen",
        },
    )
    try:
        with opener.open(request, timeout=_left(deadline)) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > limit:
                raise Unreadable(_too_large(limit))
            chunks: list[bytes] = []
            size = 0
            while size <= limit:
                _left(deadline)  # a server that drips is stopped at the deadline
                chunk = response.read1(min(65536, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            if size > limit:
                raise Unreadable(_too_large(limit))
            return Fetched(
                normal_uri(response.geturl()),
                b"".join(chunks),
                response.headers.get("Content-Type", ""),
            )
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise Unreadable(
                f"HTTP {exc.code}: too many redirects, or a loop"
            ) from None
        raise Unreadable(f"HTTP {exc.code} {_words(exc.reason)}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, Unreadable):
            raise reason from None
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise Unreadable(_timed_out()) from None
        raise Unreadable(f"cannot fetch: {_words(reason)}") from None
    except (socket.timeout, TimeoutError):
        raise Unreadable(_timed_out()) from None
    except (OSError, HTTPException, ValueError) as exc:
        raise Unreadable(f"cannot fetch: {_words(exc)}") from None


def fetch_timeout() -> float:
    """``OAPIGEN_FETCH_TIMEOUT`` when it holds a positive number of seconds, else the default."""
    try:
        value = float(os.environ.get("OAPIGEN_FETCH_TIMEOUT", ""))
    except ValueError:
        return FETCH_TIMEOUT
    return value if value > 0 else FETCH_TIMEOUT


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _timed_out() -> str:
    return f"no complete answer within {fetch_timeout():g} s (OAPIGEN_FETCH_TIMEOUT)"


def _words(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return " ".join(str(reason).split()) or type(reason).__name__


def _too_large(limit: int) -> str:
    return f"larger than {limit // (1024 * 1024)} MiB"


def _under(uri: str, folder: str) -> bool:
    return uri.startswith(folder) and len(uri) > len(folder)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
