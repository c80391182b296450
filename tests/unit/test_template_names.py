"""The names the generated code relies on are all in ``naming.TEMPLATE_NAMES``, the table that
names from a document are kept clear of: every module the built-in templates write, for
documents that reach every template branch, is read back and checked against it. A template
that starts using a name the table does not list fails here, not in a user's package."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from generator.build import build_spec
from generator.diagnostics import Diagnostics
from generator.ir import Spec
from generator.loader import load_documents
from generator.naming import TEMPLATE_NAMES
from generator.parse.operations import ARGUMENT_RESERVED, CREDENTIAL_RESERVED
from generator.render import render

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "specs" / "chat.yaml", ROOT / "tests" / "e2e" / "roundtrip.yaml"]
# what a document's argument, field or keyword can be named: a snake_case identifier
DOCUMENT_NAME = re.compile(r"[a-z][a-z0-9_]*")


def rendered(spec_path: Path) -> tuple[Spec, dict[str, str]]:
    diags = Diagnostics()
    docs = load_documents(spec_path, diags)
    assert docs is not None
    spec = build_spec(docs, diags, "pkg")
    return spec, render(spec)


def module_kind(path: str) -> str | None:
    parts = Path(path).parts
    if path.endswith(".py") and "_runtime" not in parts:
        if parts[-2:] == ("models", "__init__.py"):
            return "models"
        if parts[-1] == "_client.py":
            return "client"
        # models/_index.py binds MODULES alone: a model's name cannot reach it
        if parts[-2] in ("models", "api") and parts[-1] not in ("__init__.py", "_index.py"):
            return "model" if parts[-2] == "models" else "api"
    return None


def top_level_names(tree: ast.Module) -> set[str]:
    """What a module binds at its top, imports under ``if TYPE_CHECKING:`` (and what its
    ``else:`` binds) included."""
    found: set[str] = set()
    for node in tree.body:
        inner = node.body + node.orelse if isinstance(node, ast.If) else [node]
        for statement in inner:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                found |= {(a.asname or a.name).split(".")[0] for a in statement.names}
            elif isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
                found.add(statement.name)
            elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
                targets = getattr(
                    statement, "targets", [getattr(statement, "target", None)]
                )
                found |= {t.id for t in targets if isinstance(t, ast.Name)}
    return found


def names_in(nodes: list[ast.stmt]) -> set[str]:
    """Every name read or written in ``nodes``, those inside ``cast("...")`` annotations too
    (mypy reads them in the function's scope)."""
    found: set[str] = set()
    for statement in nodes:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name):
                found.add(node.id)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "cast"
                and isinstance(node.args[0], ast.Constant)
            ):
                annotation = ast.parse(node.args[0].value, mode="eval")
                found |= {n.id for n in ast.walk(annotation) if isinstance(n, ast.Name)}
    return found


def scopes_holding_document_names(tree: ast.Module, kind: str) -> list[set[str]]:
    """The names used where a document's names are bound too: in the bodies of functions
    taking arguments (API methods, the client's constructor and ``_credentials``) beside
    their parameters, and in the class bodies of models beside their fields."""
    used = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and kind in ("api", "client"):
            args = node.args
            if not args.kwonlyargs and node.name != "_credentials":
                continue  # takes no argument named by the document
            params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
            used.append(names_in(node.body) - params)
        elif isinstance(node, ast.ClassDef) and kind == "model":
            fields = {
                s.target.id
                for s in node.body
                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            }
            values = [s for s in node.body if not isinstance(s, ast.Expr)]
            used.append(names_in(values) - fields)
    return used


@pytest.fixture(scope="module", params=DOCUMENTS, ids=lambda p: p.name)
def package(request: pytest.FixtureRequest) -> tuple[Spec, dict[str, str]]:
    return rendered(request.param)


def test_every_name_a_generated_module_binds_is_in_the_table(
    package: tuple[Spec, dict[str, str]],
) -> None:
    spec, files = package
    from_document = {n for m in spec.models for n in (m.name, m.param_name)} | {
        f"{prefix}{api.class_name}{suffix}"
        for api in spec.apis
        for prefix in ("", "Async")
        for suffix in ("", "WithRawResponse", "WithStreamingResponse")
    }
    unlisted = {}
    for path, text in files.items():
        kind = module_kind(path)
        if kind is None:
            continue
        bound = top_level_names(ast.parse(text)) - from_document
        missing = bound - TEMPLATE_NAMES[kind].globals - {"__all__"}
        missing -= {
            n for n in bound if n.startswith("__") or n.startswith("_") and n.isupper()
        }
        if missing:
            unlisted[path] = sorted(missing)
    assert not unlisted, unlisted


def test_every_name_used_beside_a_document_name_is_in_the_table(
    package: tuple[Spec, dict[str, str]],
) -> None:
    _, files = package
    unlisted = {}
    for path, text in files.items():
        kind = module_kind(path)
        if kind not in ("api", "client", "model"):
            continue
        for used in scopes_holding_document_names(ast.parse(text), kind):
            shadowable = {n for n in used if DOCUMENT_NAME.fullmatch(n)}
            missing = shadowable - TEMPLATE_NAMES[kind].locals
            if missing:
                unlisted.setdefault(path, set()).update(missing)
    assert not unlisted, unlisted


def test_every_argument_the_templates_add_is_kept_from_the_document(
    package: tuple[Spec, dict[str, str]],
) -> None:
    """Beside the document's parameters, fields and credentials, the methods and the clients
    take arguments of their own (``timeout``, ``max_event_bytes``): those must be reserved, or
    a document's name would be a second argument of the same name."""
    spec, files = package
    from_document = {s.keyword for s in spec.security_schemes} | {
        name
        for api in spec.apis
        for op in api.operations
        for name in [p.name for p in op.parameters]
        + [f.name for f in (op.body.fields if op.body else ())]
    }
    reserved = {"api": ARGUMENT_RESERVED, "client": CREDENTIAL_RESERVED}
    unlisted = {}
    for path, text in files.items():
        kind = module_kind(path)
        if kind not in reserved:
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and node.args.kwonlyargs:
                own = {a.arg for a in node.args.kwonlyargs} - from_document
                if own - reserved[kind]:
                    unlisted.setdefault(path, set()).update(own - reserved[kind])
    assert not unlisted, unlisted
