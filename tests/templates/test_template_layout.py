"""The formatter's fast path holds for every built-in template: what ``generator/blackline.py``
makes of their output is, byte for byte, what black makes of each whole file.

``blackline`` reads the built-in templates' output as black would lay it out and runs black
only on the statements that outgrow their line; it is written for the shapes those templates
write. So a template edit that writes a shape it does not expect must fail here, rather than
ship unformatted code or quietly send every file through black whole.

``DOCUMENTS`` are chosen to reach every branch of every built-in template: each ``{% if %}``,
``{% else %}``, ``{% for %}`` body and loop ``else`` (Jinja starts each compiled body with a
``pass``) and each statement writing output runs for at least one of them, which the first
test measures by tracing the compiled templates while they render. Measured when chosen:
og-petstore-fake-endpoints reaches 716 of the 807 places, specs/chat.yaml 62 more (event
streams, form bodies), tests/e2e/roundtrip.yaml 14, osv-read-only-write-only 6, and the two
small documents below the last 9 (a client without models, a model whose every property is
write-only), a third the aliases in an import cycle, a fourth models nested in the module of
the model using them, a fifth two classes whose modules import each other; tests/e2e/payments.yaml, with the
array-format and client settings of ``SETTINGS``, and tests/e2e/paging.yaml reach issue 12's idempotency keys, array formats and a first page of 0;
tests/e2e/oas32.yaml what OpenAPI 3.2 adds (tags with a parent or a kind, streams of items,
querystring parameters). A template branch no document reaches fails that test: add a
document that reaches it (the corpus's, or a small one written here).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Any

import black
import pytest

from generator.blackline import Snippet, assemble, format_snippets, plan_file
from generator.build import build_spec
from generator.config import Config
from generator.format import MODE, formattable
from generator.pipeline import load_and_check
from generator.render import HEADER_TEMPLATE, TARGETS, environment, render

ROOT = Path(__file__).resolve().parents[2]

NO_MODELS = """
openapi: 3.1.0
info: {title: Ping, version: '1'}
paths:
  /ping:
    get:
      operationId: ping
      responses: {'204': {description: pong}}
"""
WRITE_ONLY = """
openapi: 3.1.0
info: {title: Secrets, version: '1'}
paths:
  /secrets:
    post:
      operationId: storeSecret
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Secret'}
      responses:
        '200':
          description: stored
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Secret'}
components:
  schemas:
    Secret:
      type: object
      properties:
        password: {type: string, writeOnly: true}
"""
# An alias in an import cycle (it refers to itself): a string read on first use, with the
# Param form a request body needs.
RECURSIVE_ALIAS = """
openapi: 3.1.0
info: {title: Trees, version: '1'}
paths:
  /forests:
    post:
      operationId: plantForest
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Forest'}
      responses:
        '204': {description: planted}
components:
  schemas:
    Forest:
      description: Trees by name, each a forest of its own.
      type: object
      additionalProperties: {$ref: '#/components/schemas/Forest'}
"""
# Inline schemas in the module of the one model using them: a class after a class, an alias
# after a class (a lazy one: it names the model holding it, defined after it; and a plain one).
NESTED = """
openapi: 3.1.0
info: {title: Nests, version: '1'}
paths: {}
components:
  schemas:
    Node:
      type: object
      properties:
        type: {type: string, const: node}
        children:
          type: array
          items:
            oneOf:
              - {$ref: '#/components/schemas/Node'}
              - type: object
                properties:
                  type: {type: string, const: leaf}
                  size: {type: object, properties: {width: {type: integer}}}
            discriminator: {propertyName: type}
        shape:
          type: object
          properties:
            kind:
              oneOf:
                - type: object
                  properties: {type: {type: string, const: round}}
                - type: object
                  properties: {type: {type: string, const: square}}
              discriminator: {propertyName: type}
"""
# Two models whose modules import each other: each imports the other at its end.
CYCLE = """
openapi: 3.1.0
info: {title: Family, version: '1'}
paths: {}
components:
  schemas:
    Parent:
      type: object
      properties:
        children: {type: array, items: {$ref: '#/components/schemas/Child'}}
    Child:
      type: object
      properties:
        parent: {$ref: '#/components/schemas/Parent'}
"""
#: (where, path or text): "repo" and "shared" documents by path, "inline" ones by text
DOCUMENTS = {
    "og-petstore-fake-endpoints": (
        "shared",
        "og-petstore-fake-endpoints/petstore-with-fake-endpoints-models-for-testing.yaml",
    ),
    "chat": ("repo", "specs/chat.yaml"),
    "roundtrip": ("repo", "tests/e2e/roundtrip.yaml"),
    "oas32": ("repo", "tests/e2e/oas32.yaml"),
    "osv-read-only-write-only": (
        "shared",
        "osv-read-only-write-only/read-only-write-only.yaml",
    ),
    "no-models": ("inline", NO_MODELS),
    "write-only": ("inline", WRITE_ONLY),
    "recursive-alias": ("inline", RECURSIVE_ALIAS),
    "nested": ("inline", NESTED),
    "cycle": ("inline", CYCLE),
    "payments": ("repo", "tests/e2e/payments.yaml"),
    "paging": ("repo", "tests/e2e/paging.yaml"),
}
#: the settings a document is rendered with, where the defaults would leave a branch unreached
SETTINGS: dict[str, dict[str, Any]] = {
    "payments": {
        "array_format": "brackets",
        "array_formats": {"listCustomers": {"expand": "repeat"}},
        "request_id_header": "X-Amzn-RequestId",
        "client_timeout": 30.0,
        "client_connect_timeout": 2.0,
    },
}
# What starts a block body or writes output in a compiled template: the places to reach.
_PLACE = re.compile(r"\s*(?:pass$|yield\b|t_\d+\.(?:append|extend)\()")


def document_path(name: str, shared: Path, folder: Path) -> Path:
    where, value = DOCUMENTS[name]
    if where == "repo":
        return ROOT / value
    if where == "shared":
        return shared / "specs" / value
    path = folder / f"{name}.yaml"
    path.write_text(value)
    return path


def rendered(path: Path, settings: dict[str, Any] | None = None) -> dict[str, str]:
    """Every file the built-in templates make of the document."""
    config = Config(spec=path, **(settings or {}))
    docs, diags = load_and_check(config, validator=False)
    assert docs is not None and not diags.has_errors, diags.items
    spec = build_spec(docs, diags, config=config)
    return render(spec)


@cache
def black_whole(text: str) -> str:
    return black.format_str(text, mode=MODE)


def test_the_documents_reach_every_branch_of_the_built_in_templates(
    shared_dir: Path, tmp_path: Path
) -> None:
    env = environment()
    names = sorted({t.template for t in TARGETS} | {HEADER_TEMPLATE})
    templates = {str(env.get_template(n).filename): n for n in names}
    places = {n: _places(env, n) for n in names}
    reached: dict[str, set[int]] = {n: set() for n in names}
    for name in DOCUMENTS:
        files = document_path(name, shared_dir, tmp_path)
        with _lines_run(templates, reached):
            rendered(files, SETTINGS.get(name))
    missed = dict.fromkeys(
        _shown(env, name, line)
        for name in names
        for line in sorted(places[name] - reached[name])
    )
    assert sum(map(len, places.values())) > 700  # the measure still sees the templates
    assert not missed, "no document reaches the branch or output at:\n" + "\n".join(
        missed
    )


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_blackline_writes_what_black_writes(
    shared_dir: Path, tmp_path: Path, name: str
) -> None:
    """Each file is read by the fast path (none left to black whole), black lays out each of
    its snippets as expected, and the result is black's for the whole file."""
    files = rendered(document_path(name, shared_dir, tmp_path), SETTINGS.get(name))
    # the runtime's modules are copied, not rendered: black --check holds them (golden test)
    python = [(p, text) for p, text in formattable(files) if "/_runtime/" not in p]
    plans = {path: plan_file(text) for path, text in python}
    assert [p for p, plan in plans.items() if plan is None] == []
    snippets = {
        s for plan in plans.values() for s in plan or () if isinstance(s, Snippet)
    }
    formatted = format_snippets(snippets, black_whole)
    assert sorted(s.source for s in snippets - formatted.keys()) == []
    differing = [
        path
        for path, text in python
        if assemble(plans[path] or [], formatted) != black_whole(text)
    ]
    assert differing == []


def _places(env: Any, name: str) -> set[int]:
    """The lines of the template's compiled render functions that start a block body or
    write output (the code before ``def root`` only looks up filters)."""
    source = env.loader.get_source(env, name)[0]
    code = env.compile(source, name, env.get_template(name).filename, raw=True)
    lines = code.split("\n")
    root = next(i for i, line in enumerate(lines, 1) if line.startswith("def root("))
    return {i for i, line in enumerate(lines, 1) if i > root and _PLACE.match(line)}


@contextmanager
def _lines_run(
    templates: dict[str, str], reached: dict[str, set[int]]
) -> Iterator[None]:
    """Records, in ``reached``, the lines of the templates' compiled code that run."""

    def in_template(frame: FrameType, event: str, arg: object) -> Any:
        if event == "line":
            reached[templates[frame.f_code.co_filename]].add(frame.f_lineno)
        return in_template

    def on_call(frame: FrameType, event: str, arg: object) -> Any:
        code = frame.f_code
        if code.co_filename in templates and code.co_name != "<module>":
            return in_template
        return None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(previous)


def _shown(env: Any, name: str, line: int) -> str:
    template = env.get_template(name)
    number = template.get_corresponding_lineno(line)
    text = env.loader.get_source(env, name)[0].split("\n")[number - 1]
    return f"{name}:{number}: {text.strip()}"
