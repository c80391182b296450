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
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError
from yaml.events import MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, ScalarNode

from generator.diagnostics import Diagnostics
from generator.sources import Scope, Unreadable, read_file

#: Deepest nesting accepted; real documents stay under 40 levels, and this keeps every
#: recursive walk in later stages far from Python's recursion limit.
MAX_DEPTH = 200
#: Most nodes a document may hold once YAML aliases are expanded (the largest specs in the
#: corpus, OpenAI's included, hold under 70,000); beyond it the document is taken for an alias
#: bomb, before any later walk over it pays for the expansion.
MAX_NODES = 5_000_000
#: Most entries a mapping may collect from ``<<`` merge keys (merges of merges grow fast).
MAX_MERGED_KEYS = 100_000

_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_REMOTE_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Document:
    """One parsed file; ``name`` is its path relative to the root document's folder (posix)."""

    path: Path
    name: str
    data: Any


@dataclass(frozen=True)
class DocumentSet:
    """The root document and every file reachable from it through ``$ref``, each loaded once.

    Keys are absolute, normalised paths: the root's with symlinks resolved, and each other
    file's as its ``$ref`` names it from the folder of the file that refers to it.
    """

    root: Document
    documents: Mapping[Path, Document]

    def get(self, path: Path) -> Document | None:
        """The loaded document at ``path`` (a key, or any path naming the same place)."""
        return self.documents.get(path) or self.documents.get(
            Path(os.path.abspath(path))
        )

    def location(self, doc: Document, ptr: str) -> str:
        """How diagnostics name a place: ``#/a/b`` in the root document, ``other.yaml#/a/b`` elsewhere."""
        return ptr if doc.path == self.root.path else f"{doc.name}{ptr}"


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


def iter_refs(node: Any) -> Iterator[tuple[str, str]]:
    """Every ``$ref`` in a document as (JSON pointer of the object holding it, its value), in document order."""
    # An explicit stack: documents can be deep, and aliases make some subtrees appear twice.
    stack: list[tuple[str, Any]] = [("#", node)]
    while stack:
        where, current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield where, ref
            stack.extend(
                (f"{where}/{_escape(k)}", v) for k, v in reversed(current.items())
            )
        elif isinstance(current, list):
            stack.extend(
                (f"{where}/{i}", current[i]) for i in range(len(current) - 1, -1, -1)
            )


def in_extension(ptr: str) -> bool:
    """Whether a place lies inside a specification extension (an ``x-`` key).

    Extensions hold free-form data (test fixtures, code samples) in which ``$ref`` may be just
    a key; a dangling reference there is a warning, not an error. Where the generator does use
    such a node (a header named ``x-rate-limit``), it reports the reference it cannot follow.
    """
    return any(token.startswith("x-") for token in split_pointer(ptr))


def report_ref(diags: Diagnostics, where: str, ptr: str, message: str) -> None:
    """An unresolvable reference: an error, or a warning inside an extension."""
    if in_extension(ptr):
        diags.warning(where, f"{message} (inside an extension, left as it is)")
    else:
        diags.error(where, message)


def ref_file(base: Path, ref: str) -> Path | str | None:
    """The file a ``$ref`` written in ``base`` points into.

    None for a reference inside the same document; a message when the reference names a file
    oapigen will not read (remote URLs, other schemes).
    """
    file_part = ref.partition("#")[0]
    if not file_part:
        return None
    parts = urlsplit(file_part)
    if parts.scheme in _REMOTE_SCHEMES:
        return "remote references are not supported"
    if parts.scheme == "file" and parts.netloc in ("", "localhost"):
        return Path(os.path.normpath(url2pathname(parts.path)))
    if len(parts.scheme) > 1:  # one letter is a Windows drive
        return f"unsupported reference scheme {parts.scheme!r}"
    # normpath, not resolve(): the base is resolved already, and a realpath per $ref is slow.
    return Path(os.path.normpath(base.parent / unquote(file_part)))


def load_documents(
    path: Path, diags: Diagnostics, allowed: Iterable[str] = ()
) -> DocumentSet | None:
    """Load ``path`` and every file its ``$ref``s reach; None when the root itself cannot be read.

    ``allowed`` (folders, URL prefixes) widens where references may lead (see ``sources``).
    """
    root = load_root(path, diags)
    return None if root is None else collect_documents(root, diags, allowed)


def load_root(path: Path, diags: Diagnostics) -> Document | None:
    """The root document alone, so that a caller can look at it (its version) before following
    its references; None when it cannot be read."""
    try:
        root_path = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: reading it reports the problem
        root_path = Path(os.path.abspath(path))
    return _load_file(
        root_path, root_path, root_path.name, diags, root=True, label=str(path)
    )


def collect_documents(
    root: Document, diags: Diagnostics, allowed: Iterable[str] = ()
) -> DocumentSet:
    """The document set of an already loaded root: every file its ``$ref``s reach, loaded once.

    A file outside the scope (``sources.Scope``) is refused before any byte of it is read.
    """
    scope = Scope.of(root.path, allowed)
    documents: dict[Path, Document] = {root.path: root}
    # refused files and why, or "" for missing ones: reported at every $ref that names them
    refused: dict[Path, str] = {}
    broken: set[Path] = set()  # reported once, where the file is broken
    queue = [root]
    while queue:
        doc = queue.pop(0)
        for site, ref in iter_refs(doc.data):
            target = ref_file(doc.path, ref)
            where = site if doc is root else f"{doc.name}{site}"
            if isinstance(target, str):
                report_ref(
                    diags, where, site, f"unresolvable reference {ref!r}: {target}"
                )
                continue
            if target is None or target in documents or target in broken:
                continue
            real = refused[target] if target in refused else scope.admit(target)
            if isinstance(real, Path) and not real.exists():
                real = ""
            if isinstance(real, str):
                refused[target] = real
                message = (
                    f"reference {ref!r} refused: it {real}"
                    if real
                    else f"unresolvable reference {ref!r}: no such file"
                )
                report_ref(diags, where, site, message)
                continue
            name = Path(os.path.relpath(target, root.path.parent)).as_posix()
            loaded = _load_file(target, real, name, diags, root=False)
            if loaded is None:
                broken.add(target)
            else:
                documents[target] = loaded
                queue.append(loaded)
    return DocumentSet(root, MappingProxyType(documents))


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
    root: bool,
    label: str = "",
) -> Document | None:
    """Read and parse one file, keyed ``path``, from ``real`` (its symlinks resolved);
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
    text = _decode(raw, label, diags)
    if text is None:
        return None
    if not text.strip():
        diags.error(label, "empty file")
        return None
    data = _parse(text, path, label, diags)
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
    return Document(path, name, data)


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


def _parse(text: str, path: Path, label: str, diags: Diagnostics) -> Any:
    """JSON for ``.json`` files (and content that starts like JSON), YAML otherwise."""
    as_json = path.suffix.lower() == ".json" or (
        path.suffix.lower() not in (".yaml", ".yml") and text.lstrip()[:1] in ("{", "[")
    )
    try:
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
    return _FAILED


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


def _plain(data: Any) -> Any:
    """The parsed data as plain JSON values, checked for depth and for alias-expanded size.

    A node shared through YAML aliases is converted once and shared in the result too, so an
    alias bomb costs no memory here; its expanded size is counted all the same, because every
    later walk over the document pays for it.
    """
    done: dict[int, tuple[Any, int]] = {}
    active: set[int] = set()
    total = 0

    def convert(node: Any, depth: int) -> tuple[Any, int]:
        nonlocal total
        if not isinstance(node, (dict, list)):
            total += 1
            return _scalar(node), 1
        key = id(node)
        if key in done:
            total += done[key][1]
            if total > MAX_NODES:
                raise _TooBig
            return done[key]
        if key in active:
            raise _Recursive
        if depth > MAX_DEPTH:
            raise _TooDeep
        active.add(key)
        size = 1
        total += 1
        value: Any
        if isinstance(node, dict):
            value = {}
            for k, v in node.items():
                value[_key(k)], child = convert(v, depth + 1)
                size += child
        else:
            value = []
            for item in node:
                converted, child = convert(item, depth + 1)
                value.append(converted)
                size += child
        if total > MAX_NODES:
            raise _TooBig
        active.discard(key)
        done[key] = (value, size)
        return value, size

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
    document redefines an anchor, which only PyYAML's own composer can be taught to accept."""
    try:
        return yaml.load(text, Loader=_yaml_loader(libyaml_composer=True))
    except ComposerError as exc:
        if "found duplicate anchor" not in str(exc):
            raise
    return yaml.load(text, Loader=_yaml_loader(libyaml_composer=False))


def _yaml_loader(libyaml_composer: bool) -> Any:
    """libyaml's parser when PyYAML was built with it; its composer too when asked for (about
    30 % faster than PyYAML's), else PyYAML's, which accepts a redefined anchor."""
    if hasattr(yaml, "CSafeLoader") and libyaml_composer:

        class _CFastLoader(_YamlRules, yaml.CSafeLoader):  # type: ignore[misc]
            pass

        loader: Any = _CFastLoader
    elif hasattr(yaml, "CSafeLoader"):

        class _CLoader(_YamlRules, Composer, yaml.CSafeLoader):  # type: ignore[misc]
            def __init__(self, stream: str) -> None:
                yaml.CSafeLoader.__init__(self, stream)
                Composer.__init__(self)

        loader = _CLoader
    else:

        class _PyLoader(_YamlRules, yaml.SafeLoader):  # type: ignore[misc]
            pass

        loader = _PyLoader
    # Resolvers and constructors live in per-class tables, copied when a subclass changes them.
    loader.yaml_implicit_resolvers = {}
    for tag, pattern, first in _CORE_SCHEMA:
        loader.add_implicit_resolver(tag, re.compile(f"^(?:{pattern})$"), first)
    loader.add_constructor("tag:yaml.org,2002:int", _core_int)
    loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
    return loader
