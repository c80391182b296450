"""Names from the document turned into valid, unique Python names, once, at construction."""

from __future__ import annotations

import builtins
import hashlib
import keyword
import re
import unicodedata
from dataclasses import dataclass, field

from generator.imports import GENERATED_IMPORTS

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

# Attributes of pydantic's BaseModel: a field named like one would shadow it.
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
# Builtins that generated annotations use: where an annotation is evaluated in a scope the
# document's names share (a model's class body, a method's body), a field or argument named
# like one would shadow it.
ANNOTATION_BUILTINS = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "tuple"}
)


@dataclass(frozen=True)
class TemplateNames:
    """The names one kind of generated module binds at its top (``globals``: imports and its
    own definitions) and uses inside its functions and class bodies (``locals``: what an
    argument or field from the document would shadow there)."""

    globals: frozenset[str]
    locals: frozenset[str] = frozenset()


# What a model or API module may bind by its imports: every name generator/imports.py may
# import into one (each imports only what it uses), so that a name added there is kept clear
# of the document's names with no second list to update.
_IMPORTED = frozenset({"annotations", *GENERATED_IMPORTS})

#: What the built-in templates' code relies on, by kind of module: the one table that the
#: names made from a document (classes, fields, arguments, credential keywords, module names)
#: are kept clear of. tests/unit/test_template_names.py reads every module the templates write
#: and fails when a template uses a name this table does not list.
TEMPLATE_NAMES: dict[str, TemplateNames] = {
    # models/<model>.py: the document's classes live here, beside these imports
    "model": TemplateNames(
        globals=_IMPORTED,
        # a field's annotation is evaluated in its class body, beside the other fields
        locals=ANNOTATION_BUILTINS,
    ),
    # models/__init__.py: every model class, and the model modules as its attributes
    "models": TemplateNames(
        globals=frozenset(
            {
                "annotations",
                "_abc",
                "_index",
                "_typing",
                "import_module",
                "ApiModel",
                "UnknownVariant",
                "discriminate",
            }
        )
    ),
    # api/<tag>.py: models imported beside the runtime's names; methods take the document's
    # parameters and fields as arguments
    "api": TemplateNames(
        globals=_IMPORTED,
        # method bodies: the payload, the cast, and the response types built at run time
        # (their models read from ``_models``, bound at the module's top)
        locals=frozenset(
            {
                "self",
                "body",
                "cast",
                "isinstance",
                "_models",
                "warn_deprecated_arguments",
            }
        )
        | ANNOTATION_BUILTINS,
    ),
    # _client.py: the clients, whose constructors take one keyword per credential
    "client": TemplateNames(
        globals=frozenset(
            {
                "annotations",
                "os",
                "Mapping",
                "cached_property",
                "TYPE_CHECKING",
                "Any",
                "httpx",
                "auth",
                "NOT_GIVEN",
                "NotGiven",
                "Query",
                "Timeout",
                "Server",
                "ServerVariable",
                "pick_server",
                "AsyncTransport",
                "SyncTransport",
                "TracebackType",
                "DEFAULT_BASE_URL",
                "DEFAULT_MAX_EVENT_BYTES",
                "DEFAULT_MAX_RESPONSE_BYTES",
                "SERVERS",
                "server_url",
                "_credentials",
                "CREDENTIAL_HINTS",
                "Client",
                "AsyncClient",
            }
        ),
        locals=frozenset({"self", "auth", "os", "httpx", "chosen", "configured"}),
    ),
}

# Names a model class must not take: what the modules that hold or import models bind (it would
# shadow them, or be shadowed by them while a module is still loading), the clients (a model
# named so would read as one), and the capitalised builtins (``Warning``).
RESERVED_CLASS_NAMES = frozenset(
    TEMPLATE_NAMES["model"].globals
    | TEMPLATE_NAMES["api"].globals
    | TEMPLATE_NAMES["models"].globals
    | {"Client", "AsyncClient"}
    | {name for name in dir(builtins) if name[:1].isupper()}
)
# A model module is an attribute of ``models/__init__.py`` once imported: it must not take the
# name of something that module uses.
MODEL_MODULE_RESERVED = TEMPLATE_NAMES["models"].globals


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


def param_form_name(model: str) -> str:
    """The name of a model's request form (its ``TypedDict``): ``<Model>Param``; for a model
    whose name already ends in ``Param``, ``<Model>Dict`` (``ImageRefParam`` ->
    ``ImageRefParamDict``), since ``ImageRefParamParam`` reads as a typo."""
    return f"{model}Dict" if model.endswith("Param") else f"{model}Param"


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
