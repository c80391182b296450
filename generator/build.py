"""Document to IR: the parse stages put together into one ``Spec``."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import replace

from generator import __version__
from generator.config import Config, default_version
from generator.diagnostics import Diagnostics
from generator.imports import api_names
from generator.ir import Api, Model, Spec, Tag, relocated
from generator.loader import DocumentSet
from generator.naming import identifier
from generator.parse.operations import (
    OperationsBuilder,
    security_schemes,
)
from generator.parse.schemas import SchemaBuilder
from generator.parse.servers import parse_servers
from generator.parse.tags import parse_tags


def default_package_name(title: str) -> str:
    """The title's words, lower-cased and joined by ``_``, plus ``_client`` ("OpenAI API" ->
    ``openai_api_client``): a title is split on spaces and punctuation only, not on case.
    """
    words = re.findall(r"[a-z0-9]+", title.lower())
    # the name is a folder's too: a title of a paragraph must not make one of 300 characters
    while len("_".join(words)) > 48:
        words.pop()
    return identifier("_".join(words + ["client"]), fallback="api")


def build_spec(
    docs: DocumentSet,
    diags: Diagnostics,
    package: str | None = None,
    config: Config | None = None,
) -> Spec:
    """The IR of the document; ``config`` brings the settings that rename, filter and switch."""
    config = config or Config(spec=docs.root.source)
    data = docs.root.data
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    title = str(info.get("title") or "API")
    package = package or config.package_name or default_package_name(title)
    # built in SchemaBuilder's order: components, operations and webhooks, request closure
    schemas = SchemaBuilder(
        docs,
        diags,
        class_renames=config.class_names,
        field_renames=config.field_names,
    )
    built = schemas.build_components()
    tags = parse_tags(data, diags)
    builder = OperationsBuilder(
        schemas,
        diags,
        include_tags=frozenset(config.include_tags),
        exclude_tags=frozenset(config.exclude_tags),
        streaming=config.streaming,
        array_format=config.array_format,
        array_formats=config.array_formats,
        idempotency_header=config.idempotency_header,
        pagination=config.pagination,
        operations=config.operations,
        tags=tags,
    )
    operations = builder.build()
    webhooks = builder.webhooks()
    request_models = schemas.request_closure(list(operations.request_types))
    models = schemas.models(request_models)
    defined = _defining_modules(models)
    apis = tuple(_with_model_imports(api, defined) for api in operations.apis)
    components = (data.get("components") or {}).get("schemas") or {}
    spec = Spec(
        title=title,
        version=str(info.get("version") or ""),
        description=str(info.get("description") or "").strip(),
        package=package,
        project=config.project_name or package.replace("_", "-"),
        package_version=config.version
        or default_version(str(info.get("version") or "")),
        # bytes of a name that is not UTF-8 are shown as U+FFFD: templates only ever get text
        source_name=os.fsencode(docs.root.name).decode("utf-8", "replace"),
        source_digest=docs.root.digest,
        generator_version=__version__,
        servers=parse_servers(data.get("servers")),
        security_schemes=security_schemes(data, package, config.credential_env),
        models=models,
        apis=apis,
        operations_total=operations.total,
        schemas_total=len(components) if isinstance(components, dict) else 0,
        schemas_generated=built,
        any_fields=schemas.any_fields,
        skipped=operations.skipped,
        webhooks=webhooks,
        pagination=operations.pagination,
        tags=_with_classes(tags, apis),
        request_id_header=config.request_id_header,
        timeout=config.client_timeout,
        connect_timeout=config.client_connect_timeout,
    )
    # a Swagger 2.0 document is built converted: its IR points into it as written
    return relocated(spec, diags.locate) if diags.locate else spec


def _with_classes(tags: tuple[Tag, ...], apis: tuple[Api, ...]) -> tuple[Tag, ...]:
    """Each tag with the class name of its API class, when it has one."""
    classes = {api.tag: api.class_name for api in apis}
    return tuple(replace(t, api=classes.get(t.name, "")) for t in tags)


def _defining_modules(models: tuple[Model, ...]) -> dict[str, str]:
    """The module of each model, alias and ``Param`` form, by name: made once for every API
    (once per API, a document with more APIs and models cost the square of its size)."""
    defined = {m.name: m.module for m in models}
    defined |= {m.param_name: m.module for m in models if m.has_param}
    return defined


def _with_model_imports(api: Api, defined: Mapping[str, str]) -> Api:
    """API modules import each model, alias and ``Param`` form their code names (a model
    may be sent only as its ``Param`` form); ``defined``: see ``_defining_modules``."""
    grouped: dict[str, list[str]] = {}
    for name in sorted(api_names(api) & defined.keys()):
        grouped.setdefault(defined[name], []).append(name)
    return replace(
        api, imports=tuple((m, tuple(names)) for m, names in sorted(grouped.items()))
    )
