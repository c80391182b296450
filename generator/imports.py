"""What a generated API or model module imports: the names its code uses, each from where
``GENERATED_IMPORTS`` says, and nothing else.

The names come from the annotations the IR holds (``names_in``) and from what the built-in
templates write around them (``api_names``, ``model_names``); the corpus test runs ruff's
unused-import check over every generated package to hold the two to each other.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from generator.ir import Api, Model

#: Where each name that generated model and API modules may import comes from: the module
#: (relative ones from a subpackage of the client) of each name; a name with a leading
#: underscore is the module itself (``import datetime as _dt``). The generator imports a name
#: only where the module's code uses it (``module_imports``).
GENERATED_IMPORTS: dict[str, str] = {
    "_dt": "datetime",
    "_uuid": "uuid",
    "AsyncIterator": "collections.abc",
    "Iterator": "collections.abc",
    "Mapping": "collections.abc",
    "Sequence": "collections.abc",
    "cached_property": "functools",
    "TYPE_CHECKING": "typing",
    "Any": "typing",
    "Literal": "typing",
    "TypeAlias": "typing",
    "cast": "typing",
    "overload": "typing",
    "Discriminator": "pydantic",
    "Field": "pydantic",
    "Tag": "pydantic",
    "Annotated": "typing_extensions",
    "Required": "typing_extensions",
    "TypeAliasType": "typing_extensions",
    "TypedDict": "typing_extensions",
    "deprecated": "typing_extensions",
    "NOT_GIVEN": ".._runtime._types",
    "Body": ".._runtime._types",
    "FileTypes": ".._runtime._types",
    "Headers": ".._runtime._types",
    "NotGiven": ".._runtime._types",
    "Query": ".._runtime._types",
    "Timeout": ".._runtime._types",
    "to_async_raw_response": ".._runtime._wrappers",
    "to_async_streamed_response": ".._runtime._wrappers",
    "to_raw_response": ".._runtime._wrappers",
    "to_streamed_response": ".._runtime._wrappers",
    "warn_deprecated_arguments": ".._runtime.deprecation",
    "BASE64": ".._runtime.models",
    "KEEP_UNKNOWN": ".._runtime.models",
    "ApiModel": ".._runtime.models",
    "LazyModels": ".._runtime.models",
    "AsyncPage": ".._runtime.pagination",
    "Pages": ".._runtime.pagination",
    "SyncPage": ".._runtime.pagination",
    "TypedEvent": ".._runtime.sequences",
    "AsyncStream": ".._runtime.streaming",
    "Stream": ".._runtime.streaming",
    "AsyncTransport": ".._runtime.transport",
    "Call": ".._runtime.transport",
    "Mode": ".._runtime.transport",
    "Param": ".._runtime.transport",
    "ResponseType": ".._runtime.transport",
    "SyncTransport": ".._runtime.transport",
    "UnknownVariant": ".._runtime.models",
    "discriminate": ".._runtime.models",
    # the models package, for type checkers; at run time the API template binds ``_models`` to
    # a ``LazyModels`` of the models its methods parse (``lazy_models``)
    "_models": "..models",
}
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
# The names the API template writes in every API module.
_API_NAMES = frozenset(
    {
        "AsyncTransport",
        "Body",
        "Call",
        "Headers",
        "Mode",
        "NOT_GIVEN",
        "NotGiven",
        "Query",
        "SyncTransport",
        "Timeout",
        "cached_property",
        "cast",
        "to_async_raw_response",
        "to_async_streamed_response",
        "to_raw_response",
        "to_streamed_response",
    }
)


def names_in(code: str) -> set[str]:
    """The names an annotation (or any expression the generator writes) refers to; not those
    inside its strings (``Literal['Any']``), nor attributes (``_dt.datetime`` uses ``_dt``).
    """
    return set(_NAME.findall(_QUOTED.sub("", code)))


#: Runtime names an API module writes only in its signatures: imported under
#: ``if TYPE_CHECKING:`` (``typing_runtime_imports``), so that loading an API module does not
#: load the streaming code, which the transport loads on the first stream.
_API_TYPING_ONLY = frozenset({"AsyncStream", "Stream"})


def module_imports(item: Api | Model) -> str:
    """The import statements an API or model module needs beside its model imports (which
    ``imports`` of the API or model lists): each name its code uses, from where
    ``GENERATED_IMPORTS`` says, grouped as isort does (standard library, other packages, the
    client's own modules). A model's module holds its ``nested`` models too. A module
    outside an import cycle gets its model imports here too, and so does an alias that is
    not ``lazy`` in one (its value names them when its module runs).
    """
    if isinstance(item, Api):
        used = api_names(item) - _API_TYPING_ONLY
    else:
        used = set().union(*(model_names(m) for m in (*item.nested, item)))
    by_module: dict[str, list[str]] = {}
    for name in sorted(used & GENERATED_IMPORTS.keys(), key=_import_order):
        by_module.setdefault(GENERATED_IMPORTS[name], []).append(name)
    if isinstance(item, Model):
        # imported first, with the others, where no cycle keeps them last (see _eager)
        for module, models in _merged(_eager(item)):
            by_module["." + module] = list(models)
    groups: dict[int, list[str]] = {}
    for module, names in sorted(by_module.items(), key=lambda m: _module_order(m[0])):
        if names[0].startswith("_") and module.startswith("."):
            dots = module[: len(module) - len(module.lstrip("."))]
            parent, _, child = module[len(dots) :].rpartition(".")
            line = f"from {dots}{parent} import {child} as {names[0]}"
        elif names[0].startswith("_"):
            line = f"import {module} as {names[0]}"
        else:
            line = f"from {module} import {', '.join(names)}"
        groups.setdefault(_module_order(module)[0], []).append(line)
    return "\n\n".join("\n".join(lines) for _, lines in sorted(groups.items()))


def late_imports(model: Model) -> list[tuple[str, list[str]]]:
    """The model imports a model's module makes at its end (the template writes them there),
    so that models of modules that import each other in a cycle can load: in a module of a
    cycle (``in_cycle``), those of its classes and ``lazy`` aliases (``nested`` ones
    included) that ``module_imports`` has not made at the top for an alias read when the
    module runs; none elsewhere."""
    early = {(module, n) for module, names in _eager(model) for n in names}
    late = [
        (module, tuple(n for n in names if (module, n) not in early))
        for m in (*model.nested, model)
        if m.kind == "object" or m.lazy
        for module, names in m.imports
    ]
    return [(module, list(names)) for module, names in _merged(late) if names]


def defers_annotations(model: Model) -> bool:
    """Whether a model module needs ``from __future__ import annotations``: one of its
    annotations names a class before Python has defined it (the class itself, one defined
    further down the module, or one its cycle imports at the end). Elsewhere each annotation
    is evaluated as its class is built, so pydantic has no string to compile and evaluate
    (about 2 ms of a cold first call on OpenAI's client)."""
    if model.in_cycle:
        return True
    members = (*model.nested, model)
    own = {m.name for m in members} | {m.param_name for m in members if m.has_param}
    defined: set[str] = set()
    for m in members:
        if m.kind == "object":
            read = {m.extra_annotation} | {
                f.model_annotation for f in m.fields if not f.write_only
            }
            if _names_undefined(read, own, defined):
                return True
            defined.add(m.name)
            sent = {f.param_annotation for f in m.fields if not f.read_only}
            # a functional TypedDict's values are strings, read on first use
            if m.has_param and not m.param_functional:
                if _names_undefined(sent, own, defined):
                    return True
        defined |= {m.name, m.param_name} - {""}
    return False


def _names_undefined(
    annotations: set[str], own: set[str], defined: set[str]
) -> bool:
    return bool(set().union(*map(names_in, annotations)) & own - defined)


def _eager(model: Model) -> list[tuple[str, tuple[str, ...]]]:
    """The model imports a module makes at its top: all of them outside an import cycle
    (pydantic then finds a class's field types as it builds the class, rather than on
    first use); in a cycle, those of the aliases read when it runs."""
    return [
        imported
        for m in (*model.nested, model)
        if not model.in_cycle or (m.kind == "alias" and not m.lazy)
        for imported in m.imports
    ]


def _merged(
    imports: list[tuple[str, tuple[str, ...]]],
) -> list[tuple[str, tuple[str, ...]]]:
    """Imports of several models as one module makes them: by module, each name once."""
    by_module: dict[str, set[str]] = {}
    for module, names in imports:
        by_module.setdefault(module, set()).update(names)
    return [(module, tuple(sorted(by_module[module]))) for module in sorted(by_module)]


def _import_order(name: str) -> tuple[int, str]:
    """isort's order within one statement: constants, classes, then functions."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2), name


def _module_order(module: str) -> tuple[int, int, str]:
    """isort's sections (standard library, other packages, the client's own modules), plain
    imports before ``from`` ones within a section."""
    section = 2 if module.startswith(".") else 1 if module in _THIRD_PARTY else 0
    plain = any(
        GENERATED_IMPORTS[n] == module for n in GENERATED_IMPORTS if n[0] == "_"
    )
    return section, 0 if plain else 1, module


_THIRD_PARTY = frozenset({"pydantic", "typing_extensions"})


def model_names(model: Model) -> set[str]:
    """The names the model template writes for ``model``."""
    if model.kind == "alias":
        used = {"TypeAliasType" if model.lazy else "TypeAlias"}
        used |= names_in(model.alias_annotation)
        if model.has_param:
            used |= names_in(model.param_alias_annotation)
        return used
    used = {"ApiModel"}
    if model.extra_annotation:
        used |= {"Field"} | names_in(model.extra_annotation)
    for f in model.fields:
        if not f.write_only:
            used |= names_in(f.model_annotation)
            if f.model_value.startswith("Field("):
                used.add("Field")
    if model.has_param:
        sent = [f for f in model.fields if not f.read_only]
        used.add("TypedDict")
        if any(f.required for f in sent):
            used.add("Required")
        for f in sent:
            used |= names_in(f.param_annotation)
    return used


def api_names(api: Api) -> set[str]:
    """The names the API template writes for ``api``."""
    used = set(_API_NAMES) | annotation_names(api)
    if typing_imports(api) or typing_runtime_imports(api):
        used.add("TYPE_CHECKING")
    if run_time_models(api):
        used |= {"TYPE_CHECKING", "LazyModels"}
    for op in api.operations:
        if op.parameters:
            used.add("Param")
        if op.body and op.body.fields:
            used |= {"Any", "overload"}  # the overloads, and the payload they build
        if op.stream:
            used |= {"AsyncStream", "Stream"}
        if _written_responses(op):
            used.add("ResponseType")
        used |= _run_time_code(op) - _model_names(api)
        if op.pagination:
            used |= {"AsyncIterator", "AsyncPage", "Iterator", "Pages", "SyncPage"}
        if op.deprecated:
            used.add("deprecated")
        if op.deprecated_arguments:
            used.add("warn_deprecated_arguments")
    return used


def annotation_names(api: Api) -> set[str]:
    """The names the API template writes in its methods' signatures: annotations, which mypy
    reads and Python never evaluates (the module has ``from __future__ import annotations``).
    """
    used: set[str] = set()
    for op in api.operations:
        for p in op.parameters:
            used |= names_in(p.annotation)
        if op.body:
            used |= names_in(op.body.annotation)
            for f in op.body.fields:
                used |= names_in(f.param_annotation)
            if op.body.choices:
                used |= names_in(op.body.content_type_annotation)
        used |= names_in(op.return_annotation)
        if op.stream:
            used |= names_in(op.stream.item_annotation)
        if op.pagination:
            used |= names_in(op.pagination.item_annotation)
    return used


def typing_imports(api: Api) -> list[tuple[str, list[str]]]:
    """The model imports of an API module that only its annotations use. The template puts
    them under ``if TYPE_CHECKING:``: loading an API module then builds no model class, and
    a method reaches the models it parses at run time through ``_models`` (``at_run_time``,
    ``lazy_models``), so a process pays only for the models of the operations it calls.
    """
    wanted = annotation_names(api)
    kept = [
        (module, [n for n in names if n in wanted]) for module, names in api.imports
    ]
    return [(module, names) for module, names in kept if names]


def typing_runtime_imports(api: Api) -> list[tuple[str, list[str]]]:
    """The runtime's names an API module's signatures use and its code does not (a streaming
    method's ``Stream``): ``(module, [names])``, which the built-in template imports under
    ``if TYPE_CHECKING:`` beside ``typing_imports``."""
    if not any(op.stream for op in api.operations):
        return []
    by_module: dict[str, list[str]] = {}
    for name in sorted(_API_TYPING_ONLY):
        by_module.setdefault(GENERATED_IMPORTS[name], []).append(name)
    return sorted(by_module.items())


def run_time_models(api: Api) -> set[str]:
    """The models an API module's methods use at run time: the types of the responses they
    parse and of the items they stream."""
    used: set[str] = set()
    for op in api.operations:
        used |= _run_time_code(op)
    return used & _model_names(api)


def lazy_models(api: Api) -> list[tuple[str, str]]:
    """``(name, module)`` of each model an API module's methods use at run time, its module
    relative to the API module's package: what the built-in template's ``LazyModels`` maps,
    the ``_models`` that ``at_run_time`` reads models from."""
    used = run_time_models(api)
    return sorted(
        (name, f"..models.{module}")
        for module, names in api.imports
        for name in names
        if name in used
    )


def at_run_time(code: str, api: Api) -> str:
    """An expression the API template writes in a method body, with each model name read
    from ``_models`` (``_models.Name``), which imports the model's module on first use.
    """
    models = _model_names(api)

    def lazy(match: re.Match[str]) -> str:
        text = match.group(0)
        return f"_models.{text}" if text in models else text

    return _QUOTED_OR_NAME.sub(lazy, code)


_QUOTED_OR_NAME = re.compile(f"{_QUOTED.pattern}|{_NAME.pattern}")


def _model_names(api: Api) -> set[str]:
    return {name for _, names in api.imports for name in names}


def _written_responses(op: Any) -> list[Any]:
    """The responses the template writes as ``ResponseType``s of one operation."""
    written = list(op.plain_responses)
    if op.stream:
        written += [r for r in op.responses if not r.is_success]
    return written


def _run_time_code(op: Any) -> set[str]:
    """The names in the expressions the template evaluates in one operation's methods."""
    used: set[str] = set()
    for r in _written_responses(op):
        if r.type and r.kind not in ("sse", "text", "binary"):  # as the template says
            used |= names_in(r.annotation)
    if op.stream:
        used |= names_in(op.stream.item_annotation)
    return used


def modules_in_cycles(imports: Mapping[str, Collection[str]]) -> set[str]:
    """The modules of an import graph (each module: the modules it imports) that are part of
    a cycle, a module importing itself included. An alias in such a module cannot name its
    models when the module runs (one of them may be half-initialised then): its value is a
    string, read on first use. Tarjan's algorithm, in a loop (a chain may be any length).
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: set[str] = set()
    for root in imports:
        if root in index:
            continue
        work = [(root, iter(sorted(imports.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(imports.get(target, ())))))
                elif target in on_stack:
                    low[module] = min(low[module], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1 or module in imports.get(module, ()):
                    found.update(component)
    return found
