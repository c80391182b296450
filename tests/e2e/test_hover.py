"""Docs where the developer looks, on hover (issue 13): every method of a client generated from
tests/e2e/hover.yaml documents its arguments (Google style), what it returns and raises, with
its lines indented as one block; described fields carry their description as a docstring;
what the document deprecates warns at call time, on a loopback server."""

from __future__ import annotations

import ast
import asyncio
import importlib
import inspect
import re
import shutil
import tomllib
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pydantic
import pytest
from clientgen import (
    client_spec,
    generate_client,
    import_client,
    pyright,
    require_pyright,
)
from hover_docs import attribute_docstrings, docstring_share, section
from loopback import Loopback, Reply

SPEC = Path(__file__).with_name("hover.yaml")
PACKAGE = "hover_client"
_ENTRY = re.compile(r"^    (\w+): ", re.MULTILINE)


@pytest.fixture(scope="module")
def hover_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_client(SPEC, tmp_path_factory.mktemp("hover"), PACKAGE)


@pytest.fixture(scope="module")
def hover(hover_dir: Path) -> ModuleType:
    return import_client(hover_dir, PACKAGE)


@pytest.fixture(scope="module")
def models(hover: ModuleType) -> ModuleType:
    """``hover_client.models``, a subpackage imported on first use."""
    return importlib.import_module(f"{PACKAGE}.models")


def api_methods(hover: ModuleType) -> Iterator[tuple[str, Any]]:
    """Every operation method of the API classes, sync and async, every form."""
    module = __import__(f"{PACKAGE}.api.widgets", fromlist=["WidgetsApi"])
    for cls in (module.WidgetsApi, module.AsyncWidgetsApi):
        for name, member in vars(cls).items():
            if inspect.isfunction(member) and not name.startswith("_"):
                yield f"{cls.__name__}.{name}", member


def test_every_method_documents_each_argument_its_return_and_errors(
    hover: ModuleType,
) -> None:
    methods = dict(api_methods(hover))
    assert {n.split(".")[1] for n in methods} >= {
        "list_widgets",
        "list_widgets_iter",
        "list_widgets_pages",
        "create_widget",
        "delete_widget",
        "watch_widget",
        "watch_widget_stream",
    }
    for name, method in methods.items():
        doc = inspect.getdoc(method)
        assert doc, name
        arguments = list(inspect.signature(method).parameters)[1:]
        assert _ENTRY.findall(section(doc, "Args")) == arguments, name
        assert section(doc, "Returns").strip(), name
        raised = _ENTRY.findall(section(doc, "Raises"))
        assert {"ApiStatusError", "ApiConnectionError"} <= set(raised), name
        assert ("StreamError" in raised) == name.endswith("_stream"), name


def test_descriptions_reach_the_arguments_and_errors(hover: ModuleType) -> None:
    widgets = hover.Client(base_url="http://127.0.0.1:1").widgets
    listing = inspect.getdoc(widgets.list_widgets) or ""
    assert listing.startswith("List widgets.\n\nWidgets one page at a time.\n")
    args = section(listing, "Args")
    assert "    after: The cursor of the page to start after.\n" in args
    assert "    sort: How to sort (ignored). Deprecated.\n" in args
    assert "    limit: The ``limit`` query parameter.\n" in args  # none in the document
    assert "    WidgetList: A page of widgets." in section(listing, "Returns")
    creating = inspect.getdoc(widgets.create_widget) or ""
    assert "    name: The widget's name. Lower-case letters only.\n" in creating
    assert "    NotFoundError: 404: No such widget.\n" in section(creating, "Raises")
    assert "    RateLimitError: 429: Slow down.\n" in section(creating, "Raises")
    deleting = inspect.getdoc(widgets.delete_widget) or ""
    assert deleting.startswith(
        'Deletes a widget.\n\nIts description has no summary before it, and ends with a "quote"'
    )
    assert "\nDeprecated: " in deleting


def test_a_docstring_is_indented_as_one_block(hover_dir: Path) -> None:
    """The ``METHOD /path`` line (and every other) sits at the docstring's margin, so that
    the text reads the same in the source, in ``inspect.getdoc`` and after black."""
    source = (hover_dir / PACKAGE / "api" / "widgets.py").read_text()
    checked = 0
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            raw = ast.get_docstring(node, clean=False)
            if raw is None or "\n" not in raw:
                continue  # the one-line docstrings of the client's plumbing
            lines = [line for line in raw.split("\n")[1:] if line.strip()]
            margin = " " * (node.col_offset + 4)
            assert all(line.startswith(margin) for line in lines), node.name
            assert any(re.fullmatch(f"{margin}``[A-Z]+ /\\S*``", x) for x in lines)
            checked += 1
    assert checked >= 14


def test_described_fields_and_param_keys_carry_their_description(
    hover_dir: Path, hover: ModuleType
) -> None:
    source = (hover_dir / PACKAGE / "models" / "widget.py").read_text()
    docs = attribute_docstrings(source)
    want = {
        "id": "Set by the server.",
        "name": "The widget's name. Lower-case letters only.",  # one paragraph
        "count": "How many there are.",
        "code": "A code whose pattern pydantic's engine cannot read.",
        "legacy": "The old name.",
    }
    assert {k: v for k, v in docs["Widget"].items() if k != "legacy"} == {
        k: v for k, v in want.items() if k != "legacy"
    }
    assert docs["Widget"]["legacy"].startswith(want["legacy"])
    sent = {k: v for k, v in want.items() if k != "id"}  # read-only: not in the request
    assert {k: v for k, v in docs["WidgetParam"].items() if k != "legacy"} == {
        k: v for k, v in sent.items() if k != "legacy"
    }
    event = attribute_docstrings(
        (hover_dir / PACKAGE / "models" / "event.py").read_text()
    )
    assert event["Event"] == {"kind": "What happened."}


def test_every_described_field_and_parameter_carries_its_description(
    hover_dir: Path, hover: ModuleType
) -> None:
    share = docstring_share(client_spec(SPEC, PACKAGE), hover_dir)
    assert share.described >= 15  # fields, Param keys, parameters and body fields
    assert share.missing == []


@pytest.fixture
def server(loopback: Loopback) -> Loopback:
    loopback.always("DELETE", "*", Reply(204))
    loopback.always("GET", "/widgets", Reply.json({"data": [], "has_more": False}))
    loopback.always("POST", "/widgets", Reply.json({"name": "w"}, status=201))
    return loopback


@pytest.fixture
def client(hover: ModuleType, server: Loopback) -> Iterator[Any]:
    with hover.Client(base_url=server.url, max_retries=0) as c:
        yield c


def caught(call: Callable[[], object]) -> list[warnings.WarningMessage]:
    """The deprecation warnings ``call`` gives, each time it gives them."""
    with warnings.catch_warnings(record=True) as found:
        warnings.simplefilter("always")
        call()
    return [w for w in found if issubclass(w.category, DeprecationWarning)]


def test_a_deprecated_operation_warns_when_called_and_is_marked_for_editors(
    hover: ModuleType, hover_dir: Path, client: Any, server: Loopback
) -> None:
    module = __import__(f"{PACKAGE}.api.widgets", fromlist=["WidgetsApi"])
    found = caught(lambda: client.widgets.delete_widget("w1"))
    assert [str(w.message) for w in found] == [
        "DELETE /widgets/{widget_id} is deprecated"
    ]
    assert found[0].filename == __file__  # the caller's line
    assert server.last.method == "DELETE" and server.last.path == "/widgets/w1"
    for cls in (module.WidgetsApi, module.AsyncWidgetsApi):
        assert cls.delete_widget.__deprecated__
        for name in ("watch_widget", "watch_widget_stream"):
            assert getattr(cls, name).__deprecated__
        assert not hasattr(cls.list_widgets, "__deprecated__")

    async def delete_async() -> None:
        async with hover.AsyncClient(base_url=server.url, max_retries=0) as c:
            await c.widgets.delete_widget("w2")

    found = caught(lambda: asyncio.run(delete_async()))
    assert [str(w.message) for w in found] == [
        "DELETE /widgets/{widget_id} is deprecated"
    ]
    assert server.last.path == "/widgets/w2"
    # what editors read: each overload is marked too (below @overload, as PEP 702 asks)
    source = (hover_dir / PACKAGE / "api" / "widgets.py").read_text()
    marked: dict[str, list[list[str]]] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = [ast.unparse(d).split("(")[0] for d in node.decorator_list]
            marked.setdefault(node.name, []).append(decorators)
    for name in ("watch_widget", "watch_widget_stream"):
        overloaded = [["overload", "deprecated"]] * 2 + [["deprecated"]]
        assert marked[name] == overloaded * 2, name  # sync and async
    assert marked["delete_widget"] == [["deprecated"]] * 2
    assert marked["create_widget"] == [["overload"], ["overload"], []] * 2


def test_a_deprecated_argument_warns_only_when_given(client: Any) -> None:
    widgets = client.widgets
    assert caught(lambda: widgets.list_widgets(limit=1)) == []
    found = caught(lambda: widgets.list_widgets(sort="name"))
    assert [str(w.message) for w in found] == [
        "list_widgets(): the argument 'sort' is deprecated"
    ]
    assert found[0].filename == __file__
    found = caught(lambda: list(widgets.list_widgets_iter(sort="name")))
    assert len(found) == 1
    found = caught(lambda: widgets.create_widget(name="w", legacy="old"))
    assert [str(w.message) for w in found] == [
        "create_widget(): the argument 'legacy' is deprecated"
    ]
    assert caught(lambda: widgets.create_widget(name="w")) == []


def test_a_deprecated_field_is_marked_and_warns_when_read(models: ModuleType) -> None:
    widget = models.Widget(name="w", legacy="old")
    assert models.Widget.model_fields["legacy"].deprecated
    assert not models.Widget.model_fields["name"].deprecated
    found = caught(lambda: widget.legacy)
    assert [str(w.message) for w in found] == ["legacy is deprecated"]
    assert caught(lambda: widget.name) == []


def test_generated_packages_declare_typing_extensions(hover_dir: Path) -> None:
    project = tomllib.loads((hover_dir / "pyproject.toml").read_text())
    names = [re.split(r"[<>=!~ ]", d)[0] for d in project["project"]["dependencies"]]
    assert names == ["httpx", "pydantic", "typing-extensions"]


def test_a_model_the_caller_builds_is_checked_as_the_document_says(
    models: ModuleType,
) -> None:
    widget = models.Widget
    good = widget(name="abc", count=0, size=1.5, tags=["a"], ratio=1, code="xyz")
    assert good.name == "abc" and good.ratio == 1
    refused = [
        {"name": ""},  # minLength
        {"name": "abcdefghi"},  # maxLength
        {"name": "ABC"},  # pattern
        {"name": "a", "count": -1},  # minimum
        {"name": "a", "count": 100},  # exclusiveMaximum
        {"name": "a", "size": 0},  # exclusiveMinimum
        {"name": "a", "size": 0.75},  # multipleOf
        {"name": "a", "tags": []},  # minItems
        {"name": "a", "tags": ["a", "b", "c", "d"]},  # maxItems
        {"name": "a", "ratio": 1.5},  # maximum, behind a $ref
    ]
    for given in refused:
        with pytest.raises(pydantic.ValidationError):
            widget(**given)
    # a look-ahead pydantic's engine cannot read is left out, not a failure
    assert widget(name="a", code="x1").code == "x1"


def test_requests_are_sent_as_given(client: Any, server: Loopback) -> None:
    """Arguments are not validated: the server judges what it is sent."""
    client.widgets.create_widget(name="NOT LOWER", count=1000)
    assert server.last.json() == {"name": "NOT LOWER", "count": 1000}


def test_a_response_that_breaks_a_constraint_is_read_unless_strict(
    hover: ModuleType, models: ModuleType, client: Any, server: Loopback
) -> None:
    """Constraints check what the caller builds; a drifting server's answer still reads."""
    drifted = {"name": "NOT LOWER AND TOO LONG", "count": 1000, "tags": []}
    server.reply("POST", "/widgets", Reply.json(drifted, status=201))
    widget = client.widgets.create_widget(name="w")
    assert isinstance(widget, models.Widget)
    assert (widget.name, widget.count, widget.tags) == (drifted["name"], 1000, [])
    server.reply("POST", "/widgets", Reply.json(drifted, status=201))
    with pytest.raises(hover.ApiResponseValidationError):
        client.widgets.create_widget(name="w", strict_response_validation=True)


def test_editors_flag_a_call_of_a_deprecated_operation(
    hover_dir: Path, tmp_path: Path
) -> None:
    """pyright (what VS Code's Pylance runs) strikes the call through, and strict mode
    reports it, with the message the decorator carries; other calls pass."""
    require_pyright()
    shutil.copytree(hover_dir / PACKAGE, tmp_path / PACKAGE)
    (tmp_path / "use.py").write_text(
        "from hover_client import Client\n\n"
        "c = Client()\n"
        'c.widgets.delete_widget("w")\n'
        'c.widgets.watch_widget("w", since=1)\n'
        "c.widgets.list_widgets()\n"
    )
    done = pyright(tmp_path, "use.py", "strict")
    flagged = re.findall(r"use\.py:(\d+):\d+ - error: .*deprecated", done.stdout)
    assert flagged == ["4", "5"], done.stdout
    assert "DELETE /widgets/{widget_id} is deprecated" in done.stdout
    assert "2 errors" in done.stdout, done.stdout


DECORATOR_NAMES = """\
openapi: 3.1.0
info: {title: Decorators, version: "1"}
paths:
  /a:
    post:
      operationId: overload
      responses: {"204": {description: done}}
  /b:
    post:
      operationId: deprecated
      responses: {"204": {description: done}}
  /c:
    post:
      operationId: later
      deprecated: true
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {x: {type: integer}}}
      responses: {"204": {description: done}}
"""


def test_an_operation_named_like_a_decorator_does_not_hide_it(tmp_path: Path) -> None:
    """Methods named ``overload`` or ``deprecated`` would be what ``@overload`` and
    ``@deprecated`` mean for the methods below them in the class body: they get a suffix.
    """
    spec = tmp_path / "decorators.yaml"
    spec.write_text(DECORATOR_NAMES)
    package = import_client(
        generate_client(spec, tmp_path / "out", "decorators_client"),
        "decorators_client",
    )
    api = importlib.import_module("decorators_client.api.default").DefaultApi
    assert {"overload_", "deprecated_", "later"} <= set(vars(api))
    assert api.later.__deprecated__ == "POST /c is deprecated"
    assert package.Client
