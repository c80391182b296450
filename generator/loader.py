"""Loading: a path in, the root document and every file it reaches through relative ``$ref``s out.

Later stages only ever see plain JSON data: mappings with string keys, lists, strings, numbers,
booleans and null. For YAML that means:

- scalars are read with YAML 1.2's core schema, which OpenAPI asks for, not PyYAML's YAML 1.1
  rules: ``1e-08`` is a number (Mistral's ``minimum``), while ``off`` (a DigitalOcean droplet
  status), ``yes``, ``1:20``, ``0777`` and dates stay strings, as written. YAML 1.1 merge keys
  (``<<``) still merge;
- a mapping key that is not a string is kept as written in the file (``200:`` -> ``"200"``,
  ``true:`` -> ``"true"``, ``1.50:`` -> ``"1.50"``), except null (``~:``), which becomes
  ``"null"`` as JSON prints it;
- ``!!binary`` values become base64 text and ``!!set`` values sorted lists; explicitly tagged
  ``!!timestamp`` values stay text;
- an anchor defined twice is allowed, as YAML says: later aliases use the later definition
  (PyYAML itself refuses the document).

Problems are reported as diagnostics, never raised: a missing file, a syntax error (as
``FILE:LINE:COLUMN``), an empty file, binary content, a document that is not a mapping, nesting
deeper than ``MAX_DEPTH`` or, through YAML aliases, more than ``MAX_NODES`` nodes (an alias
bomb).
"""

from __future__ import annotations

import base64
import codecs
import gc
import hashlib
import json
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError
from yaml.events import MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, ScalarNode

from generator.diagnostics import Diagnostics
from generator.sources import (
    Fetched,
    Refusal,
    Scope,
    Unreadable,
    fetch,
    file_uri,
    is_url,
    normal_uri,
    read_file,
    resolve_uri,
    source_name,
    url_problem,
    url_to_path,
)

#: Deepest nesting accepted; real documents stay under 40 levels, and this keeps every
#: recursive walk in later stages far from Python's recursion limit.
MAX_DEPTH = 200
#: Most nodes a document may hold once YAML aliases are expanded (the largest specs in the
#: corpus, OpenAI's included, hold under 70,000); beyond it the document is taken for an alias
#: bomb, before any later walk over it pays for the expansion.
MAX_NODES = 5_000_000
#: Most entries a mapping may collect from ``<<`` merge keys (merges of merges grow fast).
MAX_MERGED_KEYS = 100_000
#: Longest string a document may hold (a key or a value): each one is carried into docstrings,
#: docs and code, where formatting and checking a text of N characters takes about 200 N bytes
#: (a 10 MB description peaked at 1.9 GB); real documents stay under 100,000.
MAX_STRING = 1 << 20
#: Most characters a document's strings may add up to once YAML aliases are expanded.
MAX_CHARACTERS = 64 << 20

_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Document:
    """One parsed document.

    ``source`` is the file it was read from (a normalised absolute path) or its URL (after
    redirects); ``name`` how diagnostics and the manifest call it (the root: its file name;
    another document: its place relative to the root document's folder, posix, or its URL);
    ``digest`` the sha256 of its bytes, ``size`` their number; ``base`` the URI its references
    resolve against when that is not ``source`` (the root's ``$self``, and the documents found
    under it).
    """

    source: Path | str
    name: str
    data: Any
    digest: str = ""
    base: str = ""
    size: int = 0  # bytes read

    @cached_property
    def uri(self) -> str:
        """The document's identity and the base of its relative references."""
        if self.base:
            return self.base
        return self.source if isinstance(self.source, str) else file_uri(self.source)

    @property
    def path(self) -> Path:
        """The file read, or the path part of the URL: what names may be derived from."""
        if isinstance(self.source, Path):
            return self.source
        return Path(unquote(urlsplit(self.source).path))


@dataclass(frozen=True)
class DocumentSet:
    """The root document and every document reachable from it through ``$ref``, each loaded
    once, by URI (``Document.uri``, fragment-less and normalised)."""

    root: Document
    documents: Mapping[str, Document]
    #: What each reference, by (URI of the document it is written in, its text), resolved to,
    #: so that a chain of N aliases costs N steps in all, not N for each of its members.
    resolutions: dict[tuple[str, str], Any] = field(
        default_factory=dict, compare=False, repr=False
    )

    def get(self, where: str | Path) -> Document | None:
        """The loaded document at a URI, or at a local path."""
        key = file_uri(where) if isinstance(where, Path) else where
        found = self.documents.get(key)
        return found if found is not None else self.documents.get(normal_uri(key))

    def location(self, doc: Document, ptr: str) -> str:
        """How diagnostics name a place: ``#/a/b`` in the root document, ``other.yaml#/a/b`` elsewhere."""
        return ptr if doc.uri == self.root.uri else f"{doc.name}{ptr}"


def pointer(*parts: str | int) -> str:
    """A JSON pointer fragment (``#/a/b~1c``) for the given keys, escaped as RFC 6901 says."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "#" + "".join("/" + p for p in escaped)


def split_pointer(ptr: str) -> list[str]:
    """The unescaped keys of a JSON pointer, with or without its leading ``#``."""
    body = ptr[1:] if ptr.startswith("#") else ptr
    if not body:
        return []
    if not body.startswith("/"):
        raise ValueError(f"not a JSON pointer: {ptr!r}")
    tokens = body[1:].split("/")
    for token in tokens:
        if "~" in token.replace("~0", "").replace("~1", ""):
            raise ValueError(f"bad escape in JSON pointer: {ptr!r}")
    return [t.replace("~1", "/").replace("~0", "~") for t in tokens]


#: Keywords whose values are maps keyed by names the document chooses (a property, a header, a
#: status code, a media type...): their keys are never keywords, so ``default`` or ``x-id`` there
#: is a name, not data.
_NAME_MAPS = frozenset(
    {
        "paths", "webhooks", "callbacks", "properties", "patternProperties", "$defs",
        "definitions", "dependentSchemas", "schemas", "responses", "parameters",
        "requestBodies", "headers", "content", "encoding", "links", "securitySchemes",
        "securityDefinitions", "pathItems", "mediaTypes", "examples",
    }
)  # fmt: skip
#: Keywords whose values are literal data: a ``$ref`` key inside them is a value, never resolved.
_DATA_KEYWORDS = frozenset(
    {"example", "examples", "default", "const", "enum", "value", "dataValue"}
)


def _holds_data(key: str, value: Any) -> bool:
    """Whether a keyword's value is literal data (examples, defaults, extensions), where a
    ``$ref`` key is part of the value (a SCIM member, an example pointing at an example).
    """
    if key.startswith("x-"):
        return True
    if key == "examples":  # a Schema's list of values, or a map of Example Objects
        return not isinstance(value, dict)
    return key in _DATA_KEYWORDS


def iter_refs(node: Any) -> Iterator[tuple[str, str]]:
    """Every ``$ref`` in a document as (JSON pointer of the object holding it, its value), in
    document order; references inside literal data (examples, defaults, ``x-`` extensions) are
    data and left out."""
    # An explicit stack: documents can be deep, and aliases make some subtrees appear twice.
    # Each entry says whether the node is a map of names (whose keys are not keywords).
    stack: list[tuple[str, Any, bool]] = [("#", node, False)]
    while stack:
        where, current, names = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):  # a map given as a reference too
                yield where, ref
            children = [
                (f"{where}/{_escape(k)}", v, not names and k in _NAME_MAPS)
                for k, v in current.items()
                if names or not (isinstance(k, str) and _holds_data(k, v))
            ]
            stack.extend(reversed(children))
        elif isinstance(current, list):
            stack.extend(
                (f"{where}/{i}", current[i], False)
                for i in range(len(current) - 1, -1, -1)
            )


def ref_target(base: Document, ref: str) -> str | Refusal | None:
    """The URI of the document a ``$ref`` written in ``base`` points into (normalised, no
    fragment); None for a place in ``base`` itself; a Refusal for a scheme oapigen never reads.
    """
    file_part = ref.partition("#")[0]
    if not file_part:
        return None
    return resolve_uri(base.uri, file_part)


def load_documents(
    spec: Path | str, diags: Diagnostics, allowed: Iterable[str] = ()
) -> DocumentSet | None:
    """Load SPEC (a file or a URL) and every document its ``$ref``s reach; None when the root
    itself cannot be read. ``allowed`` (folders, URL prefixes) widens where references may
    lead (see ``sources``)."""
    root = load_root(spec, diags)
    return None if root is None else collect_documents(root, diags, allowed)


def load_root(spec: Path | str, diags: Diagnostics) -> Document | None:
    """The root document alone, so that a caller can look at it (its version) before following
    its references; None when it cannot be read."""
    if isinstance(spec, str):
        problem = url_problem(spec)
        if problem is not None:
            diags.error(spec, problem)
            return None
        try:
            fetched = fetch(spec)
        except Unreadable as exc:
            diags.error(spec, str(exc))
            return None
        name = source_name(fetched.url)
        root = _parsed(fetched.url, name, fetched, diags, root=True, label=spec)
    else:
        try:
            root_path = spec.resolve()
        except (
            OSError,
            RuntimeError,
        ):  # a symlink loop: reading it reports the problem
            root_path = Path(os.path.abspath(spec))
        root = _load_file(
            root_path, root_path, root_path.name, diags, root=True, label=str(spec)
        )
    if root is None:
        return None
    base = _self_base(root, diags)
    return replace(root, base=base) if base else root


def _self_base(root: Document, diags: Diagnostics) -> str:
    """The root's ``$self`` (OpenAPI 3.2) resolved against where it was read from, when it
    names another place: the base of its relative references. A ``$self`` that cannot be one
    is a warning, and ignored."""
    value = root.data.get("$self") if isinstance(root.data, dict) else None
    if value is None:
        return ""
    ignored = "references resolve against where the document was read from"
    if not isinstance(value, str) or not value or "#" in value:
        diags.warning("#/$self", f"not a URI without a fragment: {ignored}")
        return ""
    try:
        base = urljoin(root.uri, value)
        scheme = urlsplit(base).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ("file", "http", "https"):
        diags.warning("#/$self", f"not an http, https or file URI: {ignored}")
        return ""
    base = normal_uri(base)
    return "" if base == root.uri else base


def collect_documents(
    root: Document, diags: Diagnostics, allowed: Iterable[str] = ()
) -> DocumentSet:
    """The document set of an already loaded root: every document its ``$ref``s reach, loaded
    once. One outside the scope (``sources.Scope``) is refused before any byte of it is read.
    """
    home = root.source if isinstance(root.source, str) else file_uri(root.source)
    scope = Scope.of(root.uri, home, allowed)
    documents: dict[str, Document] = {root.uri: root}
    # why each target is refused, or missing: reported at every $ref naming it
    refused: dict[str, Refusal | str] = {}
    broken: set[str] = set()  # reported once, where the document is broken
    queue = deque([root])
    while queue:
        doc = queue.popleft()
        for site, ref in iter_refs(doc.data):
            target = ref_target(doc, ref)
            where = site if doc is root else f"{doc.name}{site}"
            if isinstance(target, Refusal):
                diags.error(where, f"unresolvable reference {ref!r}: {target.reason}")
                continue
            if target is None or target in documents or target in broken:
                continue
            if target not in refused:
                loaded = _load_target(target, scope, diags)
                if isinstance(loaded, Document):
                    documents[target] = loaded
                    queue.append(loaded)
                    continue
                if loaded is None:
                    broken.add(target)
                    continue
                refused[target] = loaded
            reason = refused[target]
            diags.error(
                where,
                (
                    f"reference {ref!r} refused: {reason.reason}"
                    if isinstance(reason, Refusal)
                    else f"unresolvable reference {ref!r}: {reason}"
                ),
            )
    return DocumentSet(root, MappingProxyType(documents))


def _load_target(
    target: str, scope: Scope, diags: Diagnostics
) -> Document | Refusal | str | None:
    """The document at ``target``; or what to report at each reference to it (a Refusal, or
    why it is missing); None when it was read and found broken (reported at its name).
    """
    found = scope.source_of(target)
    if isinstance(found, Refusal):
        return found
    name = scope.name_of(found)
    base = "" if found == target else target
    if not is_url(found):
        real = scope.real_file(found)
        if isinstance(real, Refusal):
            return real
        if not real.exists():
            return "no such file"
        return _load_file(url_to_path(found), real, name, diags, base=base)
    try:
        fetched = fetch(found, permit=scope.permits_url)
    except Unreadable as exc:
        if str(exc).startswith(("HTTP 404", "HTTP 410")):
            return str(exc)
        diags.error(name, str(exc))
        return None
    identity = scope.identity_of(fetched.url)
    return _parsed(
        fetched.url,
        name,
        fetched,
        diags,
        base="" if identity == fetched.url else identity,
    )


def _escape(key: Any) -> str:
    text = str(key)
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def _load_file(
    path: Path,
    real: Path,
    name: str,
    diags: Diagnostics,
    *,
    root: bool = False,
    label: str = "",
    base: str = "",
) -> Document | None:
    """Read and parse one file, known as ``path``, from ``real`` (its symlinks resolved);
    ``label`` names it in diagnostics (default: ``name``)."""
    label = label or name
    try:
        raw = read_file(real)
    except FileNotFoundError:
        diags.error(label, "file not found")
        return None
    except Unreadable as exc:
        diags.error(label, str(exc))
        return None
    return _parsed(
        path, name, Fetched("", raw, ""), diags, root=root, label=label, base=base
    )


def _parsed(
    source: Path | str,
    name: str,
    read: Fetched,
    diags: Diagnostics,
    *,
    root: bool = False,
    label: str = "",
    base: str = "",
) -> Document | None:
    """The document in the bytes read from ``source``; None, with an error, when they hold
    none."""
    label = label or name
    if _HTML_TYPE.match(read.content_type) or _HTML_START.match(read.content[:512]):
        diags.error(label, "an HTML page, not an OpenAPI document")
        return None
    text = _decode(read.content, label, diags)
    if text is None:
        return None
    if not text.strip():
        diags.error(
            label, "empty file" if isinstance(source, Path) else "empty response"
        )
        return None
    suffix = PurePosixPath(name).suffix.lower()
    data = _parse(text, suffix, read.content_type, label, diags)
    if data is _FAILED:
        return None
    if data is None:
        diags.error(label, "empty document")
        return None
    if root and not isinstance(data, dict):
        diags.error(
            label,
            f"not an OpenAPI document: the top level is {_kind(data)}, not a mapping",
        )
        return None
    if _SURROGATE_ESCAPE.search(text):
        found = _lone_surrogate(data)
        if found is not None:
            where, value = found
            diags.error(
                where if root else f"{name}{where}",
                f"not Unicode text: {value!r} holds half of a UTF-16 surrogate pair",
            )
            return None
    digest = hashlib.sha256(read.content).hexdigest()
    return Document(source, name, data, digest, base, len(read.content))


_HTML_TYPE = re.compile(r"\s*(text/html|application/xhtml)", re.IGNORECASE)
_HTML_START = re.compile(rb"\s*<(!doctype\s+html|html[\s>])", re.IGNORECASE)


#: A ``\ud800``-style escape: JSON and YAML can spell half a surrogate pair, which no file can
#: hold once written as UTF-8. Only documents that have one pay for the walk below.
_SURROGATE_ESCAPE = re.compile(r"\\(u|U0000)[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(data: Any) -> tuple[str, str] | None:
    """(pointer, text) of the first key or string holding a lone surrogate."""
    stack: list[tuple[tuple[str, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str) and _SURROGATE.search(node):
            return pointer(*path), node
        if isinstance(node, dict):
            for key in node:
                if _SURROGATE.search(key):
                    return pointer(*path, key), key
            stack.extend(((*path, k), v) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(
                ((*path, str(i)), node[i]) for i in range(len(node) - 1, -1, -1)
            )
    return None


#: Byte order marks of the other encodings YAML 1.2 reads; UTF-32's first, as UTF-32-LE's
#: begins with UTF-16-LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(raw: bytes, label: str, diags: Diagnostics) -> str | None:
    """UTF-8 text, or UTF-16 or UTF-32 text that starts with its byte order mark."""
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), "utf-8-sig")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8-sig":
            diags.error(label, f"not {encoding.upper()} text, though it starts like it")
            return None
        diags.error(
            _place(label, raw, exc.start),
            f"not UTF-8 text (a binary file?): byte 0x{raw[exc.start]:02x} cannot be decoded",
        )
        return None
    if "\x00" in text:
        offset = raw.index(b"\x00")
        diags.error(
            _place(label, raw, offset),
            "binary file: a NUL byte, which no YAML or JSON document holds",
        )
        return None
    return text


def _place(label: str, raw: bytes, offset: int) -> str:
    """``FILE:LINE:COLUMN`` of a byte offset (the column counts bytes: the line is not text)."""
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return f"{label}:{line}:{column}"


_FAILED = object()


def _parse(
    text: str, suffix: str, content_type: str, label: str, diags: Diagnostics
) -> Any:
    """JSON for ``.json`` files and JSON responses (and content that starts like JSON), YAML
    otherwise."""
    as_json = (
        suffix == ".json"
        or "json" in content_type.lower()
        or (suffix not in (".yaml", ".yml") and text.lstrip()[:1] in ("{", "["))
    )
    try:
        with collector_paused():
            data = json.loads(text) if as_json else _load_yaml(text)
    except json.JSONDecodeError as exc:
        diags.error(f"{label}:{exc.lineno}:{exc.colno}", exc.msg)
        return _FAILED
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{label}:{mark.line + 1}:{mark.column + 1}" if mark else label
        diags.error(where, _yaml_message(exc))
        return _FAILED
    except yaml.YAMLError as exc:
        diags.error(label, " ".join(str(exc).split()))
        return _FAILED
    except RecursionError:
        diags.error(label, f"nested more than {MAX_DEPTH} levels deep")
        return _FAILED
    except (ValueError, TypeError, OverflowError) as exc:
        # a bad explicit tag: ``!!int abc``
        diags.error(label, f"invalid YAML value: {exc}")
        return _FAILED
    try:
        with collector_paused():
            return _plain(data)
    except _TooDeep:
        diags.error(label, f"nested more than {MAX_DEPTH} levels deep")
    except _TooBig:
        diags.error(
            label,
            f"more than {MAX_NODES:,} nodes once YAML aliases are expanded (an alias bomb?)",
        )
    except _Recursive:
        diags.error(label, "a YAML alias refers to a node that contains it")
    except _TooLong as exc:
        diags.error(f"{label}{pointer(*reversed(exc.keys))}", exc.message)
    return _FAILED


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a document is parsed (or the IR built): neither makes
    cyclic garbage to speak of, and every full collection while the data grows walks all of it
    again (for OpenAI's document, two thirds of the load stage; a quarter of the build stage of
    a document 16 times as large)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    # PyYAML's own order: "while parsing a flow sequence, expected ',' or ']', but got ..."
    text = (
        ", ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
    )
    return " ".join(text.split())


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__}"


class _TooDeep(Exception):
    pass


class _TooBig(Exception):
    pass


class _Recursive(Exception):
    pass


class _TooLong(Exception):
    """A string, or all strings together, beyond the limits; ``keys`` is filled in, innermost
    first, as it passes up through the containers, so that the error names the place."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.keys: list[str | int] = []


def _plain(data: Any) -> Any:
    """The parsed data as plain JSON values, checked for depth and for alias-expanded size.

    A node shared through YAML aliases is converted once and shared in the result too, so an
    alias bomb costs no memory here; its expanded size is counted all the same, because every
    later walk over the document pays for it.
    """
    done: dict[int, tuple[Any, int, int]] = {}
    active: set[int] = set()
    total = 0
    characters = 0

    def too_long(value: str) -> _TooLong:
        return _TooLong(
            f"a text of {len(value):,} characters, longer than the limit of "
            f"{MAX_STRING:,} for one string"
        )

    def check_totals() -> None:
        if total > MAX_NODES:
            raise _TooBig
        if characters > MAX_CHARACTERS:
            raise _TooLong(
                f"more than {MAX_CHARACTERS:,} characters of text once YAML aliases are "
                "expanded (an alias bomb?)"
            )

    def convert(node: Any, depth: int) -> tuple[Any, int, int]:
        nonlocal total, characters
        if not isinstance(node, (dict, list)):
            total += 1
            scalar = _scalar(node)
            if not isinstance(scalar, str):
                return scalar, 1, 0
            if len(scalar) > MAX_STRING:
                raise too_long(scalar)
            characters += len(scalar)
            return scalar, 1, len(scalar)
        key = id(node)
        if key in done:
            total += done[key][1]
            characters += done[key][2]
            check_totals()
            return done[key]
        if key in active:
            raise _Recursive
        if depth > MAX_DEPTH:
            raise _TooDeep
        active.add(key)
        size, chars = 1, 0
        total += 1
        value: Any
        if isinstance(node, dict):
            value = {}
            for k, v in node.items():
                name = _key(k)
                if len(name) > MAX_STRING:  # named by the mapping that holds it
                    raise too_long(name)
                try:
                    value[name], child, child_chars = convert(v, depth + 1)
                except _TooLong as exc:
                    exc.keys.append(name)
                    raise
                size += child
                chars += child_chars + len(name)
            characters += sum(map(len, value))
        else:
            value = []
            for index, item in enumerate(node):
                try:
                    converted, child, child_chars = convert(item, depth + 1)
                except _TooLong as exc:
                    exc.keys.append(index)
                    raise
                value.append(converted)
                size += child
                chars += child_chars
        check_totals()
        active.discard(key)
        done[key] = (value, size, chars)
        return value, size, chars

    return convert(data, 0)[0]


def _key(key: Any) -> str:
    # YAML keys are made text as they are read (``_text_key``); this is only a backstop.
    if isinstance(key, str):
        return key
    return (
        json.dumps(key)
        if key is None or isinstance(key, (bool, int, float))
        else str(key)
    )


def _scalar(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (set, frozenset)):
        return sorted(_scalar(v) for v in value)
    return value


class _YamlRules:
    """What oapigen changes in PyYAML's safe loading (see the module docstring)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        # YAML lets an anchor be redefined; PyYAML's composer refuses. Forgetting the earlier
        # node before the new one is composed gives later aliases the later definition.
        event = self.peek_event()  # type: ignore[attr-defined]
        if (
            isinstance(event, (ScalarEvent, SequenceStartEvent, MappingStartEvent))
            and event.anchor
        ):
            self.anchors.pop(event.anchor, None)  # type: ignore[attr-defined]
        return super().compose_node(parent, index)  # type: ignore[misc]

    def flatten_mapping(self, node: MappingNode) -> None:
        # PyYAML 6.0.4 no longer copies a key merged twice, older versions do: merges of
        # merges then grow exponentially (a "merge bomb").
        merges = any(key.tag == _MERGE_TAG for key, _ in node.value)
        super().flatten_mapping(node)  # type: ignore[misc]
        if merges and len(node.value) > MAX_MERGED_KEYS:
            raise ConstructorError(
                None,
                None,
                f"more than {MAX_MERGED_KEYS:,} keys merged with '<<'",
                node.start_mark,
            )

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        # An explicit tag on a value it cannot read (``!!int twelve``) raises a bare ValueError;
        # give it the node's place in the file.
        try:
            return super().construct_object(node, deep)  # type: ignore[misc]
        except (ValueError, TypeError, OverflowError) as exc:
            raise ConstructorError(
                None,
                None,
                f"invalid value for the tag {node.tag!r}: {exc}",
                node.start_mark,
            ) from None

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> Any:
        # Keys stay as written: ``200:`` names a response and ``on:`` a property. Merges are
        # flattened first so that merged-in keys are kept as written too.
        if isinstance(node, MappingNode):
            self.flatten_mapping(node)
            node.value = [(_text_key(k), v) for k, v in node.value]
        return super().construct_mapping(node, deep)  # type: ignore[misc]


#: YAML 1.2's core schema, which OpenAPI asks for, instead of PyYAML's YAML 1.1 rules:
#: ``1e-08`` is a number, while ``yes``, ``on``, ``1:20``, ``0777``, ``1_000`` and
#: ``2024-01-01`` stay strings. Merge keys (``<<``) are kept, as authors who write them mean them.
_CORE_SCHEMA = (
    ("tag:yaml.org,2002:null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    (
        "tag:yaml.org,2002:int",
        r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+",
        list("-+0123456789"),
    ),
    (
        "tag:yaml.org,2002:float",
        r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)",
        list("-+.0123456789"),
    ),
    (_MERGE_TAG, r"<<", ["<"]),
)


def _core_int(loader: Any, node: ScalarNode) -> int:
    """Integers as YAML 1.2 reads them: ``010`` is ten, octal is written ``0o10``."""
    text = str(node.value)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _timestamp_as_text(loader: Any, node: ScalarNode) -> str:
    """An explicit ``!!timestamp`` stays as written: re-printing a datetime would change its text."""
    return str(node.value)


def _text_key(node: Any) -> Any:
    if not isinstance(node, ScalarNode) or node.tag in (_STR_TAG, _MERGE_TAG):
        return node
    text = "null" if node.tag == _NULL_TAG else node.value
    return ScalarNode(_STR_TAG, text, node.start_mark, node.end_mark)


def _load_yaml(text: str) -> Any:
    """The YAML document in ``text``: composed by libyaml, which is fastest, unless the
    document redefines an anchor, which only PyYAML's own composer can be taught to accept.
    """
    try:
        return _constructed(_yaml_loader(libyaml_composer=True)(text))
    except ComposerError as exc:
        if "found duplicate anchor" not in str(exc):
            raise
    return _constructed(_yaml_loader(libyaml_composer=False)(text))


def _constructed(loader: Any) -> Any:
    """The data of the loader's single document (as ``yaml.load``): built by ``_plain_data``
    when it holds only plain JSON values, else by PyYAML's constructor, which also says what
    is wrong with a document that has a problem."""
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _plain_data(loader, node)
        except Exception:  # any shape or problem the short way does not take
            return loader.construct_document(node)
    finally:
        loader.dispose()


class _NotPlain(Exception):
    """A node ``_plain_data`` leaves to PyYAML's constructor."""


_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_INT_TAG = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_FLOAT_TAG = "tag:yaml.org,2002:float"


def _plain_data(loader: Any, root: Any) -> Any:
    """What PyYAML's constructor with ``_YamlRules`` makes of a composed document made only of
    mappings with scalar keys (no ``<<``), sequences and the core schema's scalars, built in
    one walk that changes no node (PyYAML's constructor takes five times as long: 0.3 s more
    for OpenAI's document). Anything else (other tags, a node that contains itself, a key that
    is not a scalar, a merge) raises, and the caller lets PyYAML construct the document. A node
    reached through aliases is built once and shared, as PyYAML does."""
    built: dict[int, Any] = {}
    active: set[int] = set()

    def build(node: Any) -> Any:
        tag = node.tag
        if isinstance(node, ScalarNode):
            if tag == _STR_TAG:
                return node.value
            if tag == _NULL_TAG:
                return None
            if tag == _INT_TAG:
                return _core_int(loader, node)
            if tag == _BOOL_TAG:
                return loader.bool_values[node.value.lower()]
            if tag == _FLOAT_TAG:
                return loader.construct_yaml_float(node)
            raise _NotPlain(tag)
        key = id(node)
        if key in built:
            return built[key]
        if key in active:
            raise _NotPlain("a node that contains itself")
        active.add(key)
        result: Any
        if tag == _SEQ_TAG and isinstance(node, yaml.SequenceNode):
            result = [build(item) for item in node.value]
        elif tag == _MAP_TAG and isinstance(node, MappingNode):
            result = {}
            for k, v in node.value:
                if not isinstance(k, ScalarNode) or k.tag == _MERGE_TAG:
                    raise _NotPlain("a merge key, or a key that is not a scalar")
                # keys as written (``_text_key``): ``200:`` names a response
                result["null" if k.tag == _NULL_TAG else k.value] = build(v)
        else:
            raise _NotPlain(tag)
        active.discard(key)
        built[key] = result
        return result

    return build(root)


def _yaml_loader(libyaml_composer: bool) -> Any:
    """libyaml's parser when PyYAML was built with it; its composer too when asked for (about
    30 % faster than PyYAML's), else PyYAML's, which accepts a redefined anchor."""
    if hasattr(yaml, "CSafeLoader") and libyaml_composer:

        class _CFastLoader(_YamlRules, yaml.CSafeLoader):
            pass

        loader: Any = _CFastLoader
    elif hasattr(yaml, "CSafeLoader"):

        class _CLoader(_YamlRules, Composer, yaml.CSafeLoader):
            def __init__(self, stream: str) -> None:
                yaml.CSafeLoader.__init__(self, stream)
                Composer.__init__(self)

        loader = _CLoader
    else:

        class _PyLoader(_YamlRules, yaml.SafeLoader):
            pass

        loader = _PyLoader
    # Resolvers and constructors live in per-class tables, copied when a subclass changes them.
    loader.yaml_implicit_resolvers = {}
    for tag, pattern, first in _CORE_SCHEMA:
        loader.add_implicit_resolver(tag, re.compile(f"^(?:{pattern})$"), first)
    loader.add_constructor("tag:yaml.org,2002:int", _core_int)
    loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
    return loader
