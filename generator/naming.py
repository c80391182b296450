"""Names from the document turned into valid, unique Python names, once, at construction."""

from __future__ import annotations

import builtins
import hashlib
import keyword
import re
import unicodedata
from dataclasses import dataclass, field

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")
_ALPHANUMERIC_RUN = re.compile(r"[A-Za-z0-9]+")
# Kept whole and split from what follows (DESIGN's naming rule), longest first so that ``APIs``
# is tried before ``API``: ``APIKey`` -> api_key, ``OAuth2`` -> oauth2, ``userIDs`` -> user_ids.
ACRONYMS = (
    "HTTPS",
    "OAuth",
    "APIs",
    "URLs",
    "HTTP",
    "JSON",
    "API",
    "IDs",
    "URL",
    "URI",
    "XML",
    "SSE",
    "ID",
    "IP",
)

# Attributes of pydantic's BaseModel and names our generated modules import: a field or class
# with one of these names would shadow something the generated code relies on.
PYDANTIC_ATTRIBUTES = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "json",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
        "fields",
        "model_config",
        "model_fields",
        "model_computed_fields",
        "model_extra",
        "model_fields_set",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
    }
)
# Builtins used in generated annotations: a field named like one would shadow it in its class.
ANNOTATION_BUILTINS = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict"}
)
# Names imported by generated model and API modules, or exported by the package, and the
# capitalised builtins (``Warning``): a model class named like one would shadow it, or be
# shadowed by it while a module is still loading.
RESERVED_CLASS_NAMES = frozenset(
    {
        "Any",
        "Annotated",
        "ApiModel",
        "AsyncClient",
        "AsyncStream",
        "AsyncTransport",
        "Body",
        "Call",
        "Client",
        "Discriminator",
        "Field",
        "FileTypes",
        "Headers",
        "KEEP_UNKNOWN",
        "Literal",
        "Mapping",
        "Mode",
        "NOT_GIVEN",
        "NotGiven",
        "Param",
        "Query",
        "Required",
        "ResponseType",
        "Sequence",
        "Stream",
        "SyncTransport",
        "Tag",
        "Timeout",
        "TypeAlias",
        "TypeAliasType",
        "TypedDict",
        "Union",
        "UnknownVariant",
    }
    | {name for name in dir(builtins) if name[:1].isupper()}
)


#: Longest name made from a document's text (see ``bounded``).
MAX_NAME_LENGTH = 80
# Device names Windows reserves in every folder, in any case and with any extension.
WINDOWS_DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"{port}{n}" for port in ("com", "lpt") for n in "0123456789\u00b9\u00b2\u00b3"}
)


def words(text: str) -> list[str]:
    """Split on non-alphanumerics, on lower-to-upper case changes and before the last capital
    of an upper-case run followed by lower case; a known acronym (``ACRONYMS``) that starts a
    word is kept whole, with the digits after it. Accents are dropped."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    found: list[str] = []
    for run in _ALPHANUMERIC_RUN.findall(ascii_text):
        start = 0
        while start < len(run):
            end = _acronym_end(run, start)
            if end is None:
                word = _WORD.match(run, start)
                assert word is not None  # every alphanumeric character starts a word
                end = word.end()
            found.append(run[start:end])
            start = end
    return found


def _acronym_end(run: str, start: int) -> int | None:
    """Where the acronym starting at ``start`` ends (its digits included), when it stands as a
    word: at the run's end, or before a capitalised word or another acronym (``HTTPServer`` is
    HTTP and Server, not HTTPS); failing that, before lower case (``APIkey``). ``APIS`` and
    ``HTTPSERVER`` are upper-case words of their own."""
    before_lower = None
    for acronym in ACRONYMS:
        if not run.startswith(acronym, start):
            continue
        end = start + len(acronym)
        while run[end : end + 1].isdigit():
            end += 1
        following = run[end : end + 2]
        if not following or (
            following[0].isupper()
            and (following[1:].islower() or following[1:].isdigit())
        ):
            return end
        if following[0].isupper() and _acronym_end(run, end) is not None:
            return end
        if following[0].islower() and before_lower is None:
            before_lower = end
    return before_lower


def snake_case(text: str) -> str:
    return "_".join(w.lower() for w in words(text))


def pascal_case(text: str) -> str:
    return "".join(w[0].upper() + w[1:] for w in words(text))


def identifier(
    text: str, *, reserved: frozenset[str] = frozenset(), fallback: str = "value"
) -> str:
    """A snake_case Python identifier for ``text``: keywords and reserved names get a trailing ``_``."""
    name = bounded(snake_case(text) or fallback, text, separator="_")
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in reserved:
        name += "_"
    return name


def class_name(text: str, *, fallback: str = "Model") -> str:
    """A PascalCase class name for ``text`` that shadows nothing the generated code imports
    (and, as it names a docs file and a module, is no Windows device name)."""
    name = bounded(pascal_case(text) or fallback, text)
    if name[0].isdigit():
        name = f"{fallback}{name}"
    if keyword.iskeyword(name) or name in RESERVED_CLASS_NAMES or is_device_name(name):
        name += fallback
    return name


def bounded(name: str, text: str, *, separator: str = "") -> str:
    """``name`` cut to ``MAX_NAME_LENGTH``, ending in a digest of the ``text`` it was made from,
    so that long names stay apart: names become file names, and file systems cap those (255
    bytes for a name, 260 characters for a whole path on Windows)."""
    if len(name) <= MAX_NAME_LENGTH:
        return name
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    keep = MAX_NAME_LENGTH - len(digest) - len(separator)
    return f"{name[:keep].rstrip('_')}{separator}{digest}"


def is_device_name(name: str) -> bool:
    """Whether Windows reserves ``name`` for a device (``CON``, ``aux.py``, ``Com1.md``): a file
    or folder named so cannot be created there, nor checked out of git."""
    return name.split(".", 1)[0].rstrip(" ").lower() in WINDOWS_DEVICE_NAMES


@dataclass
class UniqueNames:
    """Hands out names that are unique, ignoring case (files differing only by case collide on
    macOS and Windows); a taken name gets the first free numeric suffix."""

    taken: set[str] = field(default_factory=set)

    def claim(self, name: str, *, separator: str = "") -> str:
        candidate, n = name, 1
        while candidate.lower() in self.taken:
            n += 1
            candidate = f"{name}{separator}{n}"
        self.taken.add(candidate.lower())
        return candidate
