"""IR to files: the Jinja environment, what each template renders to, and the generated header.

Rendering is pure: it returns ``{relative path: text}`` and touches no disk but the templates.

A team's template folder (``--templates``) is laid over the built-ins: a file with the relative
name of a built-in template replaces that one; a new ``.jinja`` file is rendered too, to the path
its name spells (see ``custom_target`` and docs/templates.md); ``runtime/*.py`` files replace or
join the runtime modules; ``header.jinja`` adds lines to every file's header. Any template may
extend a built-in through the ``builtin/`` prefix (``{% extends "builtin/package/api/api.py.jinja"
%}``), even one it replaces.
"""

from __future__ import annotations

import html
import os
import re
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator.calls import call_arguments, pages_arguments
from generator.config import default_version
from generator.docstrings import clean as _clean
from generator.docstrings import (
    docstring,
    docstring_block,
    field_docstring,
    method_docstring,
)
from generator.inputs import builtin_templates, template_names
from generator.imports import (
    at_run_time,
    defers_annotations,
    late_imports,
    lazy_models,
    module_imports,
    typing_imports,
    typing_runtime_imports,
)
from generator.ir import Api, Field, Operation, Spec, TypeRef

#: The version of the template context (the IR and the names below) that custom templates rely
#: on: the minor number grows when something is added, the major one when anything is renamed,
#: removed or changes meaning. docs/templates.md describes it and lists the changes.
TEMPLATE_CONTEXT_VERSION = "4.0"

# What cannot stand as it is on one line of a comment: a backslash (so that the escapes below
# read back unambiguously), control characters (C0, DEL, C1: newlines of every kind), the line
# and paragraph separators, and bidirectional controls (they reorder what a reader sees).
_NOT_ON_ONE_LINE = re.compile(
    r"[\\\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)
# Python reads a comment in a file's first two lines that says "coding: NAME" or "coding=NAME"
# as the file's encoding (PEP 263): a document's file name saying "coding: utf-7" would make
# the rest of the file, text of the document included, decode to other code.
_CODING = re.compile(r"(coding)(?=[:=])", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """One template and the file (or files, one per item) it renders to."""

    template: str
    path: str  # str.format pattern over ``package`` and ``item``
    each: str | None = None  # "apis" or "models"


TARGETS = (
    Target("pyproject.toml.jinja", "pyproject.toml"),
    Target("README.md.jinja", "README.md"),
    Target("package/__init__.py.jinja", "{package}/__init__.py"),
    Target("package/_client.py.jinja", "{package}/_client.py"),
    Target("package/api/__init__.py.jinja", "{package}/api/__init__.py"),
    Target("package/api/api.py.jinja", "{package}/api/{item.module}.py", "apis"),
    Target("package/models/__init__.py.jinja", "{package}/models/__init__.py"),
    Target("package/models/__init__.pyi.jinja", "{package}/models/__init__.pyi"),
    Target("package/models/_index.py.jinja", "{package}/models/_index.py"),
    Target(
        "package/models/model.py.jinja", "{package}/models/{item.module}.py", "models"
    ),
    Target("docs/api.md.jinja", "docs/{item.class_name}.md", "apis"),
    Target("docs/model.md.jinja", "docs/{item.name}.md", "models"),
)
RUNTIME_DIR = "runtime"
#: Renders the lines added to every file's header after oapigen's own (none by default).
HEADER_TEMPLATE = "header.jinja"
#: Templates in this folder of a team's templates are only included or imported, not rendered.
PARTIALS_DIR = "partials"
BUILTIN_PREFIX = "builtin"
TEMPLATE_SUFFIX = ".jinja"

_PLACEHOLDER = re.compile(r"\{(api|model)(?:\.([a-z_]+))?\}")
_ITEM_NAMES = {
    "api": ("module", "attribute", "class_name", "tag"),
    "model": ("module", "name"),
}
# Comment syntax of a header line per file suffix; "#" for any other. JSON has no comments, so
# a JSON file gets no header.
_HTML_COMMENT = ("<!-- ", " -->")
_COMMENT_STYLES: dict[str, tuple[str, str] | None] = {
    ".md": _HTML_COMMENT,
    ".html": _HTML_COMMENT,
    ".xml": _HTML_COMMENT,
    ".js": ("// ", ""),
    ".ts": ("// ", ""),
    ".css": ("/* ", " */"),
    ".json": None,
}


class TemplateError(Exception):
    """A template that cannot be used or fails to render, and where (``FILE`` or ``FILE:LINE``)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True)
class Job:
    """One file to produce: rendered from ``template`` with ``item``, or copied from ``source``."""

    path: str
    template: str | None = None
    each: str | None = None
    item: Any = None
    source: Path | None = None


def environment(custom: Path | None = None) -> jinja2.Environment:
    """A strict environment; a team's directory, when given, overrides templates one by one."""
    builtin = jinja2.FileSystemLoader(str(builtin_templates()))
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({BUILTIN_PREFIX: builtin})]
    if custom:
        loaders.append(jinja2.FileSystemLoader(str(custom)))
    loaders.append(builtin)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(
        pystr=lambda value: repr(str(value)),  # repr escapes every control character
        pyrepr=repr,
        tomlstr=_toml_string,
        pep440=_pep440,
        docstring=docstring,
        docstring_block=docstring_block,
        method_docstring=method_docstring,
        field_docstring=field_docstring,
        first_line=lambda text: text.strip().split("\n", 1)[0],
        md=markdown_cell,
        md_block=markdown_block,
        anchor=lambda text: re.sub(r"[^a-z0-9_-]+", "-", str(text).lower()).strip("-"),
        field_type_links=_field_type_links,
        return_links=_return_links,
        call_arguments=call_arguments,
        pages_arguments=pages_arguments,
        typing_imports=typing_imports,
        typing_runtime_imports=typing_runtime_imports,
        late_imports=late_imports,
        at_run_time=at_run_time,
        lazy_models=lazy_models,
        defers_annotations=defers_annotations,
    )
    env.filters["example"] = jinja2.pass_context(_example)
    env.globals["context_version"] = TEMPLATE_CONTEXT_VERSION
    return env


def header(spec: Spec) -> str:
    """oapigen's own header line, the first line of every generated file. It names no digest
    of the document (the manifest holds that), so that an edit of the document changes only
    the files it concerns."""
    return (
        f"Generated by oapigen {spec.generator_version} from {spec.source_name}. "
        "Do not edit."
    )


def plan(spec: Spec, custom: Path | None = None) -> tuple[Job, ...]:
    """Every file of the package and where it comes from, in a stable order."""
    targets = list(TARGETS)
    builtin_names = set(template_names(builtin_templates()))
    for name in template_names(custom) if custom else ():
        if _renders_on_its_own(name) and name not in builtin_names:
            try:
                targets.append(custom_target(name))
            except TemplateError as exc:
                raise TemplateError(_shown(name, custom), exc.message) from None
    jobs: dict[str, Job] = {}
    for target in targets:
        for item in _items(spec, target.each, by_module="{item.module}" in target.path):
            path = target.path.format(package=spec.package, item=item)
            if path in jobs:
                raise TemplateError(
                    _shown(target.template, custom),
                    f"renders {path}, which {jobs[path].template} renders already",
                )
            jobs[path] = Job(path, target.template, target.each, item)
    for name, source in sorted(_runtime_sources(custom).items()):
        path = f"{spec.package}/_runtime/{name}"
        jobs[path] = Job(path, source=source)
    jobs[f"{spec.package}/py.typed"] = Job(f"{spec.package}/py.typed")
    return tuple(jobs.values())


def render(
    spec: Spec,
    custom: Path | None = None,
    *,
    on_file: Callable[[str], None] | None = None,
) -> dict[str, str]:
    """Every file of the package, keyed by its path relative to the output folder.

    ``on_file`` is told each path once its file is rendered (for a progress bar). Raises
    TemplateError for a template that fails.
    """
    files = {}
    for path, text in iter_render(spec, custom):
        files[path] = text
        if on_file:
            on_file(path)
    return files


def iter_render(spec: Spec, custom: Path | None = None) -> Iterator[tuple[str, str]]:
    """``render``'s files one at a time, in ``plan``'s order, each as soon as it is rendered
    (the formatter's workers start on the first while the others are rendered)."""
    env = environment(custom)
    top = header_lines(spec, custom, env)
    for job in plan(spec, custom):
        if job.source is not None:
            text = job.source.read_text(encoding="utf-8")
        elif job.template is not None:
            context = {
                "spec": spec,
                "api": job.item if job.each == "apis" else None,
                "model": job.item if job.each == "models" else None,
                "imports": module_imports(job.item) if job.each else "",
            }
            text = _render_template(env, job.template, context, custom)
        else:
            text = ""
        yield job.path, with_header(job.path, text, top)


def header_lines(
    spec: Spec, custom: Path | None = None, env: jinja2.Environment | None = None
) -> list[str]:
    """The header of every file, a line each: oapigen's own, then ``header.jinja``'s."""
    env = env or environment(custom)
    return [header(spec), *_extra_header(env, spec, custom)]


def custom_target(name: str) -> Target:
    """Where a team's new template renders to: its relative name without ``.jinja``, a leading
    ``package/`` standing for the package's folder; ``{api}`` (or ``{api.class_name}``,
    ``{api.attribute}``, ``{api.tag}``) renders it once per API class, ``{model}`` (or
    ``{model.name}``) once per model. ``{api}`` alone is ``{api.module}``, ``{model}`` alone
    ``{model.module}``.
    """
    path = name[: -len(TEMPLATE_SUFFIX)]
    if path.split("/", 1)[0] == "package":
        path = "{package}" + path[len("package") :]
    kinds = {m.group(1) for m in _PLACEHOLDER.finditer(path)}
    if len(kinds) > 1:
        raise TemplateError(name, "a template repeats over APIs or models, not both")
    for match in _PLACEHOLDER.finditer(path):
        kind, attribute = match.group(1), match.group(2) or "module"
        if attribute not in _ITEM_NAMES[kind]:
            known = ", ".join(f"{{{kind}.{a}}}" for a in _ITEM_NAMES[kind])
            raise TemplateError(
                name, f"unknown placeholder {match.group(0)}; use {known}"
            )
    rest = _PLACEHOLDER.sub("", path).replace("{package}", "")
    if "{" in rest or "}" in rest:
        raise TemplateError(name, "braces may only hold {api...} or {model...}")
    pattern = _PLACEHOLDER.sub(
        lambda m: "{item." + (m.group(2) or "module") + "}", path
    )
    each = {"api": "apis", "model": "models"}[kinds.pop()] if kinds else None
    return Target(name, pattern, each)


def _renders_on_its_own(name: str) -> bool:
    parts = name.split("/")
    return (
        name.endswith(TEMPLATE_SUFFIX)
        and name != HEADER_TEMPLATE
        and parts[0] not in (PARTIALS_DIR, RUNTIME_DIR, BUILTIN_PREFIX)
    )


def _runtime_sources(custom: Path | None) -> dict[str, Path]:
    """The runtime modules copied into every client: the built-ins, replaced or joined by a
    team's own ``runtime/*.py``."""
    sources = {p.name: p for p in (builtin_templates() / RUNTIME_DIR).glob("*.py")}
    if custom:
        sources.update({p.name: p for p in (custom / RUNTIME_DIR).glob("*.py")})
    return sources


def _extra_header(
    env: jinja2.Environment, spec: Spec, custom: Path | None
) -> list[str]:
    text = _render_template(env, HEADER_TEMPLATE, {"spec": spec}, custom)
    lines = [_clean(line).rstrip() for line in text.strip("\n").split("\n")]
    return lines if any(lines) else []


def _render_template(
    env: jinja2.Environment,
    name: str,
    context: dict[str, Any],
    custom: Path | None,
) -> str:
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = _shown(exc.name or name, custom)
        raise TemplateError(
            f"{where}:{exc.lineno}", exc.message or "syntax error"
        ) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(
            _failing_line(exc, name, custom), exc.message or type(exc).__name__
        ) from None


def _failing_line(exc: Exception, name: str, custom: Path | None) -> str:
    """``TEMPLATE:LINE`` of the innermost template frame of a rendering error."""
    roots = [(custom, False)] if custom else []
    roots.append((builtin_templates(), True))
    for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        filename = frame.f_code.co_filename
        for root, builtin in roots:
            prefix = os.path.normpath(str(root)) + os.sep
            if filename.startswith(prefix):
                relative = Path(filename[len(prefix) :]).as_posix()
                return f"{_shown(relative, None if builtin else custom)}:{line}"
    return _shown(name, custom)


def _shown(name: str, custom: Path | None) -> str:
    """A template's name as the user knows it: under their folder when it comes from there."""
    if name.startswith(BUILTIN_PREFIX + "/"):
        return f"built-in {name[len(BUILTIN_PREFIX) + 1 :]}"
    if custom and (custom / name).is_file():
        return (custom / name).as_posix()
    return f"built-in {name}"


def with_header(path: str, text: str, top: str | list[str]) -> str:
    """``text`` after the header lines, each commented out as the file's type wants and made
    unable to leave its comment (see ``_comment_text``)."""
    lines = [top] if isinstance(top, str) else top
    suffix = "." + path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    style = _COMMENT_STYLES.get(suffix, ("# ", ""))
    if style is None:
        return text
    start, end = style
    comments = [f"{start}{_comment_text(line, end)}{end}".rstrip() for line in lines]
    return "\n".join(comments) + ("\n\n" if style is _HTML_COMMENT else "\n") + text


def _comment_text(text: str, end: str = "") -> str:
    """``text`` (a file name, a title) as it can stand in a one-line comment ending with
    ``end``: on one line, with what cannot be shown as it is escaped (``a\\nb`` for a newline),
    no "coding:" Python would take for the file's encoding, and no ``end`` (nor ``--``, which
    closes an HTML comment too) inside it.
    """
    text = _NOT_ON_ONE_LINE.sub(
        lambda m: m.group().encode("unicode_escape").decode("ascii"), text
    )
    text = _CODING.sub(r"\1 ", text)
    if end == _HTML_COMMENT[1]:
        return re.sub("-(?=-)", "- ", text)
    return text.replace(end.strip(), " ".join(end.strip())) if end else text


def _items(spec: Spec, each: str | None, *, by_module: bool) -> Iterator[Any]:
    """The items a target renders once each: a file per model module (``by_module``) is
    rendered for the models that have a module of their own, holding the ``nested`` others.
    """
    if each is None:
        yield None
    elif each == "models" and by_module:
        yield from (m for m in spec.models if not m.holder)
    else:
        yield from getattr(spec, each)


_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def _as_read(characters: str) -> str:
    """A pattern of one of ``characters`` as a markdown renderer and then a browser read it:
    itself, or a decimal or hex character reference (``&#106;``, ``&#x6A``)."""
    codes = sorted({ord(c) for c in characters})
    decimal = "|".join(str(c) for c in codes)
    hexadecimal = "|".join(f"{c:x}" for c in codes)
    return f"(?:[{re.escape(characters)}]|&#0*(?:{decimal});?|&#x0*(?:{hexadecimal});?)"


# What a browser drops from a link's target before reading its scheme (spaces and control
# characters at the start, tabs and line breaks anywhere), written in any way a renderer passes
# on, and backslashes (an escape such as ``\:`` leaves the character alone).
_URL_NOISE = (
    r"(?:[\s\\]|&(?:tab|newline);|&#0*(?:3[0-2]|[12]?\d);?|&#x0*(?:1?[\da-f]|20);?)*"
)
# A target whose scheme runs script: after what can open a link's target (``(`` of an inline
# link, ``<`` of an autolink or an angle-bracketed target, ``:`` of a reference definition;
# raw HTML, and so its attributes, is escaped before), its scheme's letters, and a colon.
_SCRIPT_URL = re.compile(
    r"[(<:]"
    + _URL_NOISE
    + "(?:"
    + "|".join(
        _URL_NOISE.join(_as_read(c + c.upper()) for c in scheme)
        for scheme in ("javascript", "vbscript", "data")
    )
    + ")"
    + f"(?={_URL_NOISE}(?:{_as_read(':')}|&colon;))",
    re.IGNORECASE,
)


def _no_script_links(text: str) -> str:
    """``text`` with a space before the colon of every ``javascript:``, ``vbscript:`` or
    ``data:`` link target, however written: no renderer makes a link of it then (a space ends
    the target), and a browser that got one would read no scheme."""
    return _SCRIPT_URL.sub(lambda m: m.group() + " ", text)


def markdown_block(text: object) -> str:
    """A document's markdown (a description) made safe as a block of its own: raw HTML is shown,
    not run, no link runs script, and a code fence it opens is closed, so that what follows
    (the generated examples) is never swallowed into it, nor the document's text taken for an
    example."""
    lines = _no_script_links(_HTML_START.sub("&lt;", _clean(str(text)))).split("\n")
    fence = ""
    for line in lines:
        match = _FENCE.match(line)
        if match is None:
            continue
        marker = match.group(1)
        if not fence:
            fence = marker
        elif (
            marker[0] == fence[0]
            and len(marker) >= len(fence)
            and not line.strip(" " + marker[0])
        ):
            fence = ""
    return "\n".join(lines) + (f"\n{fence}" if fence else "")


def markdown_cell(text: object) -> str:
    """Text made safe in a markdown table cell: one line, no pipes, no raw HTML, no link that
    runs script."""
    one_line = " ".join(_clean(str(text)).split())
    return _no_script_links(html.escape(one_line, quote=False).replace("|", "\\|"))


def _toml_string(text: object) -> str:
    escaped = (
        _clean(str(text)).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    )
    return f'"{escaped}"'


def _pep440(version: object) -> str:
    """A document's ``info.version`` as a version pip accepts (``2.3.0`` stays; ``v1-beta`` won't)."""
    return default_version(str(version))


def _links(names: tuple[str, ...]) -> str:
    return ", ".join(f"[{n}]({n}.md)" for n in names)


def _field_type_links(field: Field) -> str:
    code = f"`{markdown_cell(field.annotation)}`"
    names = field.type.models()
    return f"{code} ({_links(names)})" if names else code


def _return_links(op: Operation) -> str:
    names: tuple[str, ...] = ()
    for response in op.plain_responses:
        if response.is_success and response.type is not None:
            names += tuple(n for n in response.type.models() if n not in names)
    code = f"`{markdown_cell(op.return_annotation)}`"
    return f"{code} ({_links(names)})" if names else code


def _example(context: Any, op: Operation, api: Api) -> str:
    """A runnable call of ``op`` with placeholder values for its required arguments."""
    spec: Spec = context["spec"]
    needed = op.security[0] if op.security else ()
    keywords = [s.keyword for s in spec.security_schemes if s.name in needed]
    credentials = ", ".join(f'{k}="..."' for k in keywords)
    arguments = [_placeholder(p.type) for p in op.path_parameters]
    arguments += [
        f"{p.name}={_placeholder(p.type)}"
        for p in op.other_parameters
        if p.required and p.name
    ]
    if op.body and op.body.fields:
        arguments += [
            f"{f.name}={_placeholder(f.type)}" for f in op.body.fields if f.required
        ]
    elif op.body and op.body.required:
        arguments.append(f"body={_placeholder(op.body.type)}")
    return "\n".join(
        [
            f"from {spec.package} import Client",
            "",
            f"client = Client({credentials})",
            f"result = client.{api.attribute}.{op.name}({', '.join(arguments)})",
            "print(result)",
        ]
    )


def _placeholder(t: TypeRef) -> str:
    if t.kind == "literal" and t.values:
        return repr(t.values[0])
    if t.kind == "primitive":
        return {
            "int": "0",
            "float": "0.0",
            "bool": "False",
            "bytes": 'b""',
            "file": 'b""',
            "base64": 'b""',
        }.get(t.name, '"..."')
    if t.kind == "list":
        return "[]"
    if t.kind == "tuple":
        return f"({', '.join(_placeholder(i) for i in t.items)},)"
    if t.kind in ("map", "model", "any"):
        return "{}"
    if t.kind == "union":
        return _placeholder(next((i for i in t.items if i.kind != "none"), t.items[0]))
    return "None"
