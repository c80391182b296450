"""Property: on any document, valid or broken, the generator either writes a package that
compiles, is black-formatted and imports, or exits 1 with an error diagnostic and writes
nothing. It never raises.

CI runs a bounded number of examples, the same ones each run (derandomized); a longer, random
run is one command away:

    OAPIGEN_FUZZ_EXAMPLES=2000 python -m pytest tests/fuzz -p no:xdist

A failure found that way becomes a case in tests/bad_specs/ (or a regression test) and is fixed.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import pkgutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import documents, mutated

import generator.format
from generator.config import Config
from generator.pipeline import EXIT_ERRORS, EXIT_OK, generate

EXAMPLES = int(os.environ.get("OAPIGEN_FUZZ_EXAMPLES", "30"))
LONG_RUN = "OAPIGEN_FUZZ_EXAMPLES" in os.environ

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG_RUN,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


_BLACK = generator.format.format_source


@functools.lru_cache(maxsize=512)
def _format_body(path: str, body: str) -> str:
    return _BLACK(path, body)


def _format_once(path: str, text: str) -> str:
    """Black, once per text after the generated-by line (which names the example's file)."""
    header, newline, body = text.partition("\n")
    if not header.startswith("# ") or not newline:
        return _BLACK(path, text)
    return f"{header}\n{_format_body(path.rsplit('/', 1)[-1], body)}"


@contextmanager
def black_cached() -> Iterator[None]:
    """The runtime files are the same in every example: black formats each one once."""
    with mock.patch.object(generator.format, "format_source", _format_once):
        yield


def serialized(document: dict[str, Any], as_yaml: bool) -> tuple[str, str]:
    if as_yaml:
        return "spec.yaml", yaml.safe_dump(document, allow_unicode=True)
    return "spec.json", json.dumps(document, ensure_ascii=False)


def check_generator(document: dict[str, Any], as_yaml: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        name, text = serialized(document, as_yaml)
        spec = Path(folder) / name
        spec.write_text(text, encoding="utf-8")
        out = Path(folder) / "out"
        package = f"fuzzed_{os.getpid()}_{abs(hash(text))}"
        config = Config(
            spec=spec, output=out, package_name=package, quiet=True, workers=1
        )
        with black_cached():
            outcome = generate(config)
        lines = [d.format() for d in outcome.diagnostics.items]
        if outcome.exit_code == EXIT_ERRORS:
            assert any(line.startswith("error: ") for line in lines), outcome.lines
            assert not out.exists()
            return
        assert outcome.exit_code == EXIT_OK, (outcome.exit_code, outcome.lines, lines)
        for path in out.rglob("*.py"):
            if "_runtime" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            compile(source, str(path), "exec")
            assert _BLACK(str(path), source) == source, f"{path} is not black"
        assert_imports(out, package)


def assert_imports(out: Path, package: str) -> None:
    """Import the package, every model and every API module, then forget them."""
    sys.path.insert(0, str(out))
    try:
        root = importlib.import_module(package)
        models = importlib.import_module(f"{package}.models")
        for name in models.__all__:
            getattr(models, name)
        apis = importlib.import_module(f"{package}.api")
        for module in pkgutil.iter_modules(apis.__path__):
            importlib.import_module(f"{package}.api.{module.name}")
        root.Client(base_url="http://127.0.0.1:9").close()
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.split(".")[0] == package]:
            del sys.modules[name]


@FUZZ
@given(documents(), st.booleans())
def test_valid_documents(document: dict[str, Any], as_yaml: bool) -> None:
    check_generator(document, as_yaml)


@FUZZ
@given(documents().flatmap(mutated), st.booleans())
def test_broken_documents(document: dict[str, Any], as_yaml: bool) -> None:
    check_generator(document, as_yaml)


def _document(**parts: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, **parts}


def _query(schema: dict[str, Any]) -> dict[str, Any]:
    parameter = {"name": "q", "in": "query", "schema": schema}
    return {"/x": {"get": {"parameters": [parameter], "responses": {"204": {}}}}}


#: Failures the fuzz test found, each fixed; kept as regression cases (name, document).
FOUND = [
    (
        "a security scheme named self",
        _document(
            paths={},
            components={
                "securitySchemes": {"self": {"type": "http", "scheme": "bearer"}}
            },
        ),
    ),
    (
        "a recursive allOf of one part, used in a request",
        _document(
            paths=_query(
                {"additionalProperties": {"$ref": "#/components/schemas/Node"}}
            ),
            components={
                "schemas": {
                    "Node": {
                        "allOf": [
                            {
                                "properties": {
                                    "child": {"$ref": "#/components/schemas/Node"}
                                }
                            }
                        ]
                    }
                }
            },
        ),
    ),
    ("an empty allOf", _document(paths=_query({"allOf": []}))),
    (
        "a tag description ending in two quotes (a docstring's first line)",
        _document(
            paths={"/x": {"get": {"tags": ["t"], "responses": {"204": {}}}}},
            tags=[{"name": "t", "description": 'Say ""'}],
        ),
    ),
    (
        "a model description whose first line ends in a quote",
        _document(
            paths={},
            components={
                "schemas": {
                    "Thing": {"type": "object", "description": 'Say "hi"\nmore'}
                }
            },
        ),
    ),
    (
        "a format that is a mapping",
        _document(paths=_query({"type": "string", "format": {"a": 1}})),
    ),
    (
        "a $ref that is a mapping, inside an allOf",
        _document(paths=_query({"type": "array", "items": {"allOf": [{"$ref": {}}]}})),
    ),
    ("allOf as a mapping", _document(paths=_query({"allOf": {"type": "string"}}))),
    (
        "a tag whose name is a list",
        _document(
            paths={"/x": {"get": {"tags": ["a"], "responses": {"204": {}}}}},
            tags=[{"name": ["a"]}, {"name": "a", "description": "kept"}],
        ),
    ),
]


@pytest.mark.parametrize(("name", "document"), FOUND, ids=[c[0] for c in FOUND])
def test_found_by_fuzzing(name: str, document: dict[str, Any]) -> None:
    check_generator(document, as_yaml=False)
