"""Docstrings: text from the document stays inside its docstring, every line after the first at
the docstring's column, prose filled and markdown blocks kept as written."""

from __future__ import annotations

import ast
import inspect

import pytest

from generator.docstrings import docstring_block, method_docstring
from generator.ir import Body, Field, Operation, Parameter, Response, TypeRef

STR = TypeRef("primitive", "str")


def read_back(statement: str) -> str:
    """What Python reads from ``statement`` as the docstring of a method (at 8 columns)."""
    tree = ast.parse(f"class C:\n    def f(self):\n        {statement}\n")
    method = tree.body[0].body[0]  # type: ignore[attr-defined]
    doc = ast.get_docstring(method, clean=False)
    assert doc is not None
    return doc


@pytest.mark.parametrize(
    ("name", "text", "want"),
    [
        ("one line", "Hello.", "Hello."),
        ("quotes cannot end it", 'a """ b "', 'a """ b " '),
        ("a backslash stays", "C:\\path\\", "C:\\path\\"),
        ("lines keep relative indentation", "a\n  b\nc", "a\n  b\nc"),
        ("tabs expand", "a\n\tb\nc", "a\n        b\nc"),
        ("a final quote", 'a\nb "', 'a\nb "'),
    ],
)
def test_docstring_block_reads_back_as_written(name: str, text: str, want: str) -> None:
    doc = read_back(docstring_block(text, 8))
    assert inspect.cleandoc(doc) == want, name


def test_docstring_block_lines_sit_at_the_column() -> None:
    statement = docstring_block("First.\nsecond\n\n   third", 8)
    lines = statement.split("\n")
    assert lines[0] == '"""First.'
    assert lines[1:] == ["        second", "", "           third", '        """']


def operation(**changes: object) -> Operation:
    base: dict[str, object] = {
        "name": "make",
        "operation_id": "make",
        "method": "POST",
        "path": "/things/{id}",
        "summary": "",
        "description": "",
        "tag": "t",
        "parameters": (
            Parameter("id", "id", "path", STR, True, "str", description="The id."),
            Parameter("q", "q", "query", STR, False, "str", deprecated=True),
        ),
        "body": Body(
            "application/json",
            "json",
            TypeRef("model", "Thing"),
            "Thing",
            True,
            fields=(Field("size", "Size", STR, False, "str", "str", "How big."),),
            model="Thing",
        ),
        "responses": (
            Response("200", "The thing.", "application/json", "json", STR, "str"),
            Response("404", "Not here.", "application/json", "json", None, "None"),
            Response("418", "", None, "empty", None, "None"),
        ),
        "security": (),
        "return_annotation": "str",
    }
    base.update(changes)
    return Operation(**base)  # type: ignore[arg-type]


def test_a_method_docstring_lists_arguments_return_and_errors() -> None:
    doc = inspect.cleandoc(read_back(method_docstring(operation())))
    assert doc.startswith("POST /things/{id}\n\n``POST /things/{id}``\n\nArgs:\n")
    assert "    id: The id.\n" in doc
    assert "    q: The ``q`` query parameter. Deprecated.\n" in doc
    assert "    size: How big.\n" in doc
    assert "    body: The whole body (``Thing`` or a dict)" in doc
    assert "Returns:\n    str: The thing.\n" in doc
    assert "    NotFoundError: 404: Not here.\n" in doc
    assert "    ApiStatusError: Another error status (418).\n" in doc


def test_long_prose_is_filled_but_markdown_blocks_are_not() -> None:
    code = "    x = " + "1 + " * 30 + "1"
    description = (
        f"{'word ' * 40}\n\n```\n{'y' * 100}\n```\n\n{code}\n\n| a | {'b' * 90} |"
    )
    doc = read_back(method_docstring(operation(summary="S.", description=description)))
    lines = doc.split("\n")
    prose = [line for line in lines if line.strip().startswith("word")]
    assert len(prose) > 1 and all(len(line) <= 88 for line in prose)
    assert f"        {'y' * 100}" in lines
    assert f"        {code}" in lines
    assert f"        | a | {'b' * 90} |" in lines
