"""Every setting of a run, with its default, in one frozen place.

Settings come from a config file (``[tool.oapigen]`` in a ``pyproject.toml``, or an
``oapigen.yaml``), named with ``--config`` or found beside the document, and then from the
command line: a flag given overrides the file. ``KEYS`` is the one table of what a file may say;
an unknown key is an error naming the key and the file. Paths in a file are relative to the
file's folder, paths on the command line to the current directory.
"""

from __future__ import annotations

import difflib
import keyword
import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from generator.ir import Model, Operation, Scalar, Spec, TypeRef
from generator.methods import path_operations
from generator.sources import is_url, url_problem

CONFIG_YAML = "oapigen.yaml"
PYPROJECT = "pyproject.toml"

#: How a setting switches one operation's ``<method>_stream`` variant: ``None`` turns it off;
#: ``(property, value)`` names the body property set to ask for the stream.
StreamSwitch = tuple[str, Scalar] | None
#: How nested arrays are keyed in deepObject queries and form bodies: ``a[0]``, ``a[]``, ``a``.
ARRAY_FORMATS = ("indices", "brackets", "repeat")
#: The kinds of pagination a setting may name (see generator/parse/pagination.py).
PAGINATION_KINDS = ("cursor", "next_link", "link_header", "offset", "page")
#: What a ``pagination`` setting may say of an operation besides its kind: the query parameter
#: that asks for a page, and the response fields (wire names, dotted into nested objects).
PAGINATION_FIELDS = (
    "items",
    "param",
    "cursor",
    "item-cursor",
    "has-more",
    "is-last",
    "next",
    "total",
    "total-pages",
)
#: One operation's ``pagination`` setting: ``None`` turns ``_iter`` off; otherwise the kind
#: and the fields it names (``{"kind": "offset", "total": "meta.total"}``).
PagingSetting = Mapping[str, str] | None
#: An operation's ``operations`` setting: its method's new name and the tag whose API class
#: takes it (None: as the document gives)
OperationSetting = tuple[str | None, str | None]


def _nothing() -> Mapping[str, Any]:
    return MappingProxyType({})


class ConfigError(Exception):
    """A config file that cannot be used: bad usage, reported as ``error: FILE: message``."""

    def __init__(self, source: Path | str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = str(source)
        self.message = message


@dataclass(frozen=True)
class Config:
    """One run's settings; every default lives here."""

    #: the document: a local path, or an http(s) URL
    spec: Path | str
    output: Path | None = None
    package_name: str | None = None
    project_name: str | None = None
    version: str | None = None
    templates: Path | None = None
    include_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    class_names: Mapping[str, str] = field(default_factory=_nothing)
    field_names: Mapping[str, Mapping[str, str]] = field(default_factory=_nothing)
    credential_env: Mapping[str, str] = field(default_factory=_nothing)
    streaming: Mapping[str, StreamSwitch] = field(default_factory=_nothing)
    #: folders (absolute) and URL prefixes that references may lead to, besides SPEC's folder
    allowed_ref_roots: tuple[str, ...] = ()
    array_format: str = "indices"
    array_formats: Mapping[str, Mapping[str, str]] = field(default_factory=_nothing)
    idempotency_header: str | None = "Idempotency-Key"
    #: a response header holding the server's request id, besides x-request-id and request-id
    request_id_header: str | None = None
    #: the client's default timeout and connect timeout in seconds (None: 600 and 5)
    client_timeout: float | None = None
    client_connect_timeout: float | None = None
    pagination: Mapping[str, PagingSetting] = field(default_factory=_nothing)
    operations: Mapping[str, OperationSetting] = field(default_factory=_nothing)
    check: bool = False
    force: bool = False
    strict: bool = False
    report: Path | None = None
    quiet: bool = False
    workers: int = 2
    #: where the file settings came from, for messages; None when there was no file
    config_file: Path | None = None

    def output_settings(self) -> dict[str, Any]:
        """The settings that change generated files, as plain JSON data (for the inputs digest).

        ``templates`` is left out: the templates' contents are digested instead of their path.
        """
        return {
            key.name: _plain(getattr(self, key.attribute))
            for key in KEYS
            if key.shapes_output and key.attribute != "templates"
        }


@dataclass(frozen=True)
class Key:
    """One setting a config file may hold."""

    name: str  # as written in a file: ``package-name``
    attribute: str  # the ``Config`` field it sets
    read: Callable[
        [Any, str, Path], Any
    ]  # value, key, file folder -> setting; ValueError
    shapes_output: bool  # part of the inputs digest
    help: str


def _text(value: Any, key: str, base: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return value


def _flag(value: Any, key: str, base: Path) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _path(value: Any, key: str, base: Path) -> Path:
    return base / _text(value, key, base)


def _package_name(value: Any, key: str, base: Path) -> str:
    name = _text(value, key, base)
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"{name!r} is not a valid Python package name")
    return name


_PROJECT_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")


def _project_name(value: Any, key: str, base: Path) -> str:
    name = _text(value, key, base)
    if not _PROJECT_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a valid distribution name (PEP 508)")
    return name


def _version(value: Any, key: str, base: Path) -> str:
    # imported here: only a file that sets a version needs it
    from packaging.version import InvalidVersion, Version

    text = str(value) if isinstance(value, (int, float)) else _text(value, key, base)
    try:
        return str(Version(text))
    except InvalidVersion:
        raise ValueError(f"{text!r} is not a PEP 440 version") from None


def _tags(value: Any, key: str, base: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValueError("must be a list of tag names")
    return tuple(value)


def _names(check: Callable[[str], bool], what: str) -> Callable[[Any, str, Path], Any]:
    def read(value: Any, key: str, base: Path) -> Mapping[str, str]:
        if not isinstance(value, dict):
            raise ValueError("must be a table of name = new name")
        for old, new in value.items():
            if not isinstance(new, str) or not check(new):
                raise ValueError(f"{old}: {new!r} is not {what}")
        return MappingProxyType({str(k): v for k, v in value.items()})

    return read


def _is_class_name(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and name[0].isupper()


def _is_field_name(name: str) -> bool:
    return (
        name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")
    )


_read_class_names = _names(_is_class_name, "a class name (an identifier in PascalCase)")
_read_env = _names(
    lambda n: re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n) is not None,
    "an environment variable name",
)


def _field_names(value: Any, key: str, base: Path) -> Mapping[str, Mapping[str, str]]:
    if not isinstance(value, dict):
        raise ValueError("must be a table of class name = {property = new name}")
    read = _names(_is_field_name, "a field name (an identifier not starting with _)")
    result = {}
    for model, renames in value.items():
        try:
            result[str(model)] = read(renames, key, base)
        except ValueError as exc:
            raise ValueError(f"{model}: {exc}") from None
    return MappingProxyType(result)


def _is_method_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and re.fullmatch(r"[a-z_][a-z0-9_]*", name) is not None
        and not keyword.iskeyword(name)
    )


def _operations(value: Any, key: str, base: Path) -> Mapping[str, OperationSetting]:
    if not isinstance(value, dict):
        raise ValueError("must be a table of operationId = new method name")
    result: dict[str, OperationSetting] = {}
    for operation, setting in value.items():
        if isinstance(setting, str):
            setting = {"name": setting}
        if (
            not isinstance(setting, dict)
            or not setting
            or set(setting) - {"name", "tag"}
        ):
            raise ValueError(
                f"{operation}: must be a method name, or a table with name and/or tag"
            )
        name, tag = setting.get("name"), setting.get("tag")
        if name is not None and not _is_method_name(name):
            raise ValueError(
                f"{operation}: {name!r} is not a method name (snake_case, not a keyword)"
            )
        if tag is not None and (not isinstance(tag, str) or not tag):
            raise ValueError(f"{operation}: tag must be a non-empty string")
        result[str(operation)] = (name, tag)
    return MappingProxyType(result)


def _streaming(value: Any, key: str, base: Path) -> Mapping[str, StreamSwitch]:
    if not isinstance(value, dict):
        raise ValueError("must be a table of operationId = setting")
    result: dict[str, StreamSwitch] = {}
    for operation, setting in value.items():
        if setting is False:
            result[str(operation)] = None
        elif isinstance(setting, str) and setting.isidentifier():
            result[str(operation)] = (setting, True)
        elif (
            isinstance(setting, dict)
            and set(setting) == {"property", "value"}
            and isinstance(setting["property"], str)
            and setting["property"]
            and isinstance(setting["value"], (str, int, float, bool))
        ):
            result[str(operation)] = (setting["property"], setting["value"])
        elif setting is not True:  # true is the default: the switch is detected
            raise ValueError(
                f"{operation}: must be false (no stream method), true (detect the switch), "
                "a property name, or {property = NAME, value = VALUE}"
            )
    return MappingProxyType(result)


def ref_roots(value: Any, key: str, base: Path) -> tuple[str, ...]:
    """Folders (relative to ``base``) and ``http(s)://`` URL prefixes, as ``Config`` keeps them."""
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(v, str) and v.strip() for v in value
    ):
        raise ValueError("must be a list of folders and URL prefixes")
    roots = []
    for entry in value:
        if is_url(entry):
            problem = url_problem(entry)
            if problem is not None:
                raise ValueError(problem)
            roots.append(entry)
        elif "://" in entry:
            raise ValueError(f"{entry!r}: only http and https URLs can be allowed")
        else:
            roots.append(os.path.abspath(base / entry))
    return tuple(roots)


def _array_format(value: Any, key: str, base: Path) -> str:
    if value not in ARRAY_FORMATS:
        raise ValueError(f"must be one of {', '.join(ARRAY_FORMATS)}")
    return str(value)


def _array_formats(value: Any, key: str, base: Path) -> Mapping[str, Mapping[str, str]]:
    if not isinstance(value, dict):
        raise ValueError("must be a table of operationId = {parameter = format}")
    result = {}
    for operation, formats in value.items():
        if not isinstance(formats, dict) or not all(
            f in ARRAY_FORMATS for f in formats.values()
        ):
            raise ValueError(
                f"{operation}: must be a table of parameter or body property = "
                f"{' | '.join(ARRAY_FORMATS)}"
            )
        result[str(operation)] = MappingProxyType(
            {str(k): v for k, v in formats.items()}
        )
    return MappingProxyType(result)


def _is_header_name(value: Any) -> bool:
    return isinstance(value, str) and bool(
        re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", value)
    )


def _idempotency_header(value: Any, key: str, base: Path) -> str | None:
    if value is False:
        return None
    if not _is_header_name(value):
        raise ValueError("must be a header name, or false to send no idempotency keys")
    return str(value)


def _seconds(value: Any, key: str, base: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError("must be a number of seconds above 0")
    return float(value)


def _request_id_header(value: Any, key: str, base: Path) -> str:
    if not _is_header_name(value):
        raise ValueError("must be a header name")
    return str(value)


def _pagination(value: Any, key: str, base: Path) -> Mapping[str, PagingSetting]:
    if not isinstance(value, dict):
        raise ValueError("must be a table of operationId = setting")
    result: dict[str, PagingSetting] = {}
    for operation, setting in value.items():
        if setting is False:
            result[str(operation)] = None
            continue
        if not isinstance(setting, dict) or setting.get("kind") not in PAGINATION_KINDS:
            raise ValueError(
                f"{operation}: must be false (no _iter method) or a table with kind = "
                f"{' | '.join(PAGINATION_KINDS)} and the fields inference cannot find"
            )
        for name, field_value in setting.items():
            if name != "kind" and name not in PAGINATION_FIELDS:
                raise ValueError(
                    f"{operation}: unknown field {name!r}; the fields are: "
                    + ", ".join(PAGINATION_FIELDS)
                )
            if not isinstance(field_value, str) or not field_value:
                raise ValueError(f"{operation}: {name} must be a non-empty string")
        result[str(operation)] = MappingProxyType(dict(setting))
    return MappingProxyType(result)


KEYS = (
    Key("output", "output", _path, False, "output folder"),
    Key("package-name", "package_name", _package_name, True, "import name"),
    Key("project-name", "project_name", _project_name, True, "distribution name"),
    Key("version", "version", _version, True, "the package's version"),
    Key("templates", "templates", _path, True, "folder of team templates"),
    Key("include-tags", "include_tags", _tags, True, "generate only these tags"),
    Key("exclude-tags", "exclude_tags", _tags, True, "leave out these tags"),
    Key("class-names", "class_names", _read_class_names, True, "class renames"),
    Key("field-names", "field_names", _field_names, True, "field renames per class"),
    Key("credential-env", "credential_env", _read_env, True, "env var per scheme"),
    Key("streaming", "streaming", _streaming, True, "stream switch per operation"),
    Key(
        "allowed-ref-roots",
        "allowed_ref_roots",
        ref_roots,
        False,
        "more folders and URL prefixes references may lead to",
    ),
    Key("array-format", "array_format", _array_format, True, "nested arrays' keys"),
    Key("array-formats", "array_formats", _array_formats, True, "per parameter"),
    Key(
        "idempotency-header",
        "idempotency_header",
        _idempotency_header,
        True,
        "header that carries a key per call",
    ),
    Key(
        "request-id-header",
        "request_id_header",
        _request_id_header,
        True,
        "response header with the request id",
    ),
    Key("client-timeout", "client_timeout", _seconds, True, "the client's timeout"),
    Key(
        "client-connect-timeout",
        "client_connect_timeout",
        _seconds,
        True,
        "the client's seconds to connect",
    ),
    Key("pagination", "pagination", _pagination, True, "paging per operation"),
    Key("operations", "operations", _operations, True, "method renames and moves"),
    Key("check", "check", _flag, False, "like --check"),
    Key("force", "force", _flag, False, "like --force"),
    Key("strict", "strict", _flag, False, "like --strict"),
    Key("report", "report", _path, False, "like --report"),
    Key("quiet", "quiet", _flag, False, "like -q"),
)
_BY_NAME = {key.name: key for key in KEYS}


def default_version(api_version: str) -> str:
    """The package's version when no setting gives one: the document's ``info.version`` when
    pip accepts it (``2.3.0``, ``v2.3``), else ``0.0.0`` (``2024-beta`` is no version).
    """
    match = re.fullmatch(r"v?(\d+(?:\.\d+)*)", api_version.strip())
    return match.group(1) if match else "0.0.0"


def find_config_file(spec: Path) -> Path | None:
    """The config beside the document: ``oapigen.yaml``, else a ``pyproject.toml`` that has a
    ``[tool.oapigen]`` table. Only the document's own folder is searched, so a run never picks
    up settings from somewhere the user did not look."""
    folder = spec.parent
    if (folder / CONFIG_YAML).is_file():
        return folder / CONFIG_YAML
    pyproject = folder / PYPROJECT
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return pyproject  # reading it again reports the problem
        if "oapigen" in (data.get("tool") or {}):
            return pyproject
    return None


def diff_config_files(
    old: Path | str, new: Path | str
) -> tuple[Path | None, Path | None]:
    """The settings of ``diff``'s two documents: each one's own, found beside it as for
    ``generate``; a document with none beside it (an old version that ``git show`` wrote
    elsewhere, a URL) takes the other's, so that the team's renames are not reported as
    changes of the API."""
    found = [find_config_file(s) if isinstance(s, Path) else None for s in (old, new)]
    return found[0] or found[1], found[1] or found[0]


def read_config_file(path: Path) -> dict[str, Any]:
    """The settings a file holds, as ``Config`` attributes; raises ConfigError."""
    raw = _raw_settings(path)
    settings: dict[str, Any] = {}
    for name, value in raw.items():
        key = _BY_NAME.get(str(name))
        if key is None:
            close = difflib.get_close_matches(
                str(name).replace("_", "-"), _BY_NAME, n=1
            )
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            known = ", ".join(_BY_NAME)
            raise ConfigError(
                path, f"unknown key {name!r}{hint}; the keys are: {known}"
            )
        try:
            settings[key.attribute] = key.read(value, key.name, path.parent)
        except ValueError as exc:
            raise ConfigError(path, f"{key.name}: {exc}") from None
    return settings


def _raw_settings(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot read the file: {exc}") from None
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(path, f"not valid TOML: {exc}") from None
        table = (data.get("tool") or {}).get("oapigen")
        if table is None:
            raise ConfigError(path, "has no [tool.oapigen] table")
        where = "[tool.oapigen]"
    else:
        import yaml  # only for an oapigen.yaml; ``--check`` imports it for nothing else

        try:
            table = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(path, f"not valid YAML: {exc}") from None
        where = "the file"
        table = {} if table is None else table
    if not isinstance(table, dict):
        raise ConfigError(path, f"{where} must be a table of settings")
    return table


def make_config(
    spec: Path | str,
    flags: Mapping[str, Any],
    config_file: Path | None = None,
    *,
    discover: bool = True,
) -> Config:
    """The settings of a run: defaults, then the config file, then the flags that were given
    (``flags`` maps ``Config`` attributes to values; None means not given)."""
    # settings are never fetched: beside a URL, there is no folder of the user's to look in
    found = find_config_file(spec) if discover and isinstance(spec, Path) else None
    source = config_file or found
    settings = read_config_file(source) if source else {}
    settings.update({k: v for k, v in flags.items() if v is not None})
    return Config(spec=spec, config_file=source, **settings)


def unused_settings(config: Config, spec: Spec, document: Any) -> Iterator[str]:
    """Messages for settings that matched nothing in the document: most likely a typo."""
    models = {m.name: m for m in spec.models}
    for old, new in config.class_names.items():
        if new not in models:
            yield f"class-names: no class is named {old!r}"
    for model, renames in config.field_names.items():
        if model not in models:
            yield f"field-names: no class is named {model!r}"
            continue
        wires = {f.wire_name for f in models[model].fields}
        for wire in renames:
            if wire not in wires:
                yield f"field-names: class {model!r} has no property {wire!r}"
    schemes = {s.name for s in spec.security_schemes}
    for scheme in config.credential_env:
        if scheme not in schemes:
            yield f"credential-env: no security scheme is named {scheme!r}"
    operations = {
        key: op
        for api in spec.apis
        for op in api.operations
        for key in (op.operation_id, f"{op.method} {op.path}")
    }
    for key, switch in config.streaming.items():
        op = operations.get(key)
        if op is None:
            yield f"streaming: no generated operation is named {key!r}"
        elif not any(r.is_stream for r in op.responses):
            yield f"streaming: {key!r} has no streamed response to switch"
        elif switch is not None and not _body_takes(op, switch[0], models):
            yield f"streaming: {key!r}: the request body has no property {switch[0]!r}"
    for key, formats in config.array_formats.items():
        if key not in operations:
            yield f"array-formats: no generated operation is named {key!r}"
            continue
        op = operations[key]
        names = {p.wire_name for p in op.parameters if p.location == "query"}
        names |= {f.wire_name for f in op.body.fields} if op.body else set()
        for name in formats:
            if name not in names:
                yield (
                    f"array-formats: {key!r} has no query parameter or body property "
                    f"{name!r}"
                )
    for key in config.pagination:
        if key not in operations:
            yield f"pagination: no generated operation is named {key!r}"
    for key in config.operations:
        if key not in operations:
            yield f"operations: no generated operation is named {key!r}"
    tags = {tag for _, tag in _operation_tags(document)}
    for setting, wanted in (
        ("include-tags", config.include_tags),
        ("exclude-tags", config.exclude_tags),
    ):
        for tag in wanted:
            if tag not in tags:
                yield f"{setting}: no operation is tagged {tag!r}"


def _body_takes(op: Operation, wire_name: str, models: Mapping[str, Model]) -> bool:
    """Whether ``op``'s request body may hold the property ``wire_name``: one of its declared
    properties (of any variant, through aliases), or any property when unlisted ones are.
    """
    return op.body is not None and _takes(op.body.type, wire_name, models, set())


def _takes(
    t: TypeRef, wire_name: str, models: Mapping[str, Model], seen: set[str]
) -> bool:
    if t.kind in ("any", "map"):
        return True
    for name in t.models():
        model = models.get(name)
        if model is None or name in seen:
            continue
        seen.add(name)
        if model.alias_type is not None:
            if _takes(model.alias_type, wire_name, models, seen):
                return True
        elif model.extra_type is not None or wire_name in {
            f.wire_name for f in model.fields
        }:
            return True
    return False


def _operation_tags(document: Any) -> Iterator[tuple[str, str]]:
    paths = document.get("paths") if isinstance(document, dict) else None
    for path, item in paths.items() if isinstance(paths, dict) else ():
        for operation in path_operations(item):
            tags = operation.node.get("tags")
            for tag in tags if isinstance(tags, list) and tags else ["default"]:
                yield f"{operation.method} {path}", str(tag)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return value.as_posix()
    return value
