"""generator/blackline.py against black itself: every case must come out byte-identical to
``black.format_str``, whether the reader keeps a line, lays it out, or hands it to black.
"""

from __future__ import annotations

from pathlib import Path

import black
import pytest

from generator.blackline import (
    Snippet,
    assemble,
    black_quotes,
    format_snippets,
    plan_file,
)
from generator.build import build_spec
from generator.config import Config
from generator.format import (
    MODE,
    FormatError,
    _runtime_copy,
    _runtime_sources,
    format_files,
)
from generator.inputs import builtin_templates
from generator.pipeline import load_and_check
from generator.render import RUNTIME_DIR, render
from generator.linesplit import split_statement
from generator.render import docstring


def black_format(text: str) -> str:
    return black.format_str(text, mode=MODE)


def fast(text: str) -> str | None:
    plan = plan_file(text)
    if plan is None:
        return None
    snippets = {p for p in plan if isinstance(p, Snippet)}
    return assemble(plan, format_snippets(snippets, black_format))


LONG = "VeryLongTypeName" * 4
CASES = {
    "kept as written": 'x = 1\n\n\nclass A:\n    """Doc."""\n\n    a: int = 2\n',
    "strings requoted": "x = 'a'\ny = 'it\\'s'\nz = 'say \"hi\"'\nw = '\\'\"\\''\n",
    "too many blank lines": "x = 1\n\n\n\n\ny = 2\n\n\nclass A:\n    a: int\n\n\n    b: int\n",
    "a long annotation": f"class A:\n    field: {LONG} | {LONG} | None = None\n",
    "a long literal": "class A:\n    kind: Literal["
    + ", ".join(f"'value-{n}'" for n in range(30))
    + "]\n",
    "wide characters count twice": "def f(\n    self,\n    *,\n    a: int,\n) -> Stream[Annotated[Literal['', '불불불불불불불불불불불불불불'], KEEP] | None]:\n    pass\n",
    "a long import with a comment": f"from .module_{'x' * 40} import {LONG}, Other  # noqa: E402\n",
    "a long import head": f"from .{'m' * 90} import A, B\n",
    "a short import": "from .m import A, B  # noqa: E402\n",
    "an exploded call": "x = call(\n    a=1,\n    b='two',\n)\n",
    "an exploded call with a long item": f"x = call(\n    a=1,\n    b={LONG}({LONG}, {LONG}),\n)\n",
    "an exploded def with a long parameter": (
        "class A:\n    def f(\n        self,\n        *,\n"
        f"        a: {LONG} | {LONG} | None = None,\n    ) -> None:\n        pass\n"
    ),
    "an exploded list with a long item": f"x = [\n    one,\n    {LONG}({LONG}, {LONG}),\n]\n",
    "an exploded dict with long items": f"x = {{\n    'a': '{'b' * 90}',\n    'c': {LONG}({LONG}, {LONG}),\n}}\n",
    "one item is not a magic comma": "x = (\n    1,\n)\ny = f(\n    a,\n)\n",
    "a one-line trailing comma": "x = f(a, b,)\ny = (1,)\n",
    "numbers black rewrites": "x = 1E5\ny = 0XABCDEF\nz = 1e+16\n",
    "a long def": f"def {'f' * 80}(argument_one: int, argument_two: str) -> None:\n    pass\n",
    "a long class line": f"class {LONG}{LONG}(ApiModel):\n    pass\n",
    "docstring padding": 'class A:\n    """"Quoted" and \\\\"""\n\n    a: int\n',
    "docstring indentation": 'def f():\n    """First.\n  second\n      third   \n\n    """\n    return 1\n',
    "docstring with tabs": 'def f():\n    """First.\n\tsecond\n\t\tthird\n    """\n',
    "docstring closing quotes too long": 'def f():\n    """First.\n\n    '
    + "x" * 84
    + '"""\n',
    "docstring empty and blank": 'def f():\n    """ """\n\n\ndef g():\n    """"""\n',
    "module docstring": '"""  Module doc.  """\n\nx = 1\n',
    "a lone string is not a docstring": "x = 1\n'''not a docstring   '''\n",
    "a lone string after an assignment": 'x = 1\n"""Not a docstring.  \n  Kept as written.  """\n',
    "a comment": "# comment\nx = 1  # trailing\n",
    # calls split after their opening parenthesis by the reader itself (_split_call)
    "a call whose argument fits the next line": (
        "class A:\n    def f(self, api):\n"
        "        self.retrieve_project_permissions = to_streamed_response(api.retrieve_project_permissions)\n"
        "        return AsyncEmbeddingsApiWithRawResponse(AsyncEmbeddingsApi(self._transport, 'raw'))\n"
    ),
    "a call whose arguments fit the next line": f"name = {'f' * 40}(argument_one, 'two', keyword=3, other=[1, 2])\n",
    "an alias one argument a line": f"X = TypeAliasType('X', \"Annotated[{'A' * 90}, 'b']\")\n",
    "names one a line": f"x = call({LONG}, {LONG}, {LONG})\n",
    "a call whose argument needs splitting": f"y = {LONG}({LONG}, {LONG}({LONG}))\n",
    "a call with a one-line trailing comma": f"y = {LONG}({LONG}, {LONG},)\n",
    "a call in a subscript": f"y = {LONG}({LONG}, {LONG})[0]\n",
    "a call too long for its head": f"{'y' * 86} = f(a)\n",
    "a call of a call": f"y = {LONG}({LONG})({LONG})\n",
}

# annotated names laid out by generator/linesplit.py as black lays them out
SPLIT_HERE = {
    "a tagged union alias": (
        "Pet: TypeAlias = Annotated[Annotated[CatWithALongName, Tag('CatWithALongName')]"
        " | Annotated[DogWithALongName, Tag('DogWithALongName')] | Annotated[CatWithALongName"
        " | DogWithALongName | UnknownVariant, Tag('*')], Discriminator(discriminate('kind',"
        " {'cat': 'CatWithALongName', 'dog': 'DogWithALongName'}))]\n"
    ),
    "a union alias on the next line": f"Pet: TypeAlias = {'Cat' * 8} | {'Dog' * 8} | None\n",
    "a union alias one variant a line": f"Pet: TypeAlias = {LONG} | {LONG} | None\n",
    "a literal alias": "Kind: TypeAlias = Annotated[Literal["
    + ", ".join(f"'value-{n}'" for n in range(20))
    + "], KEEP_UNKNOWN]\n",
    "a field with an alias": f"class A:\n    {'n' * 30}: {'T' * 30} | None = Field(default=None, alias='x.y')\n",
    "a long field annotation": f"class A:\n    field: list[{LONG} | {LONG}] | None = None\n",
    "a subscript field annotation": f"class A:\n    field: Sequence[{LONG}{'x' * 10}]\n",
    "a name too long to split": f"class A:\n    {'f' * 30}: {LONG}{LONG}\n",
    "a long value after a fitting annotation": f"class A:\n    kind: Literal['a', 'b'] = '{'v' * 80}'\n",
    "a keyword value in a field": f"class A:\n    x: int = Field(default={LONG}, description='{'d' * 40}', ge=0)\n",
    "a dict value": f"X = {{'a': {LONG}, 'b': {LONG}}}\n",
    "a long parameter": (
        "class A:\n    def f(\n        self,\n        *,\n"
        f"        a: Sequence[{LONG} | {'B' * 30}] | None | NotGiven = NOT_GIVEN,\n"
        f"        b: {LONG}{LONG} = NOT_GIVEN,\n"
        f"        c: Annotated[{LONG}, Field(description='{'d' * 50}')],\n"
        "    ) -> None:\n        pass\n"
    ),
    "wide characters in a split": "class A:\n    kind: Literal["
    + ", ".join(f"'불불불{n}'" for n in range(12))
    + "] | None = None\n",
    "a long class header": f"class {LONG}{LONG}(TypedDict, total=False):\n    a: int\n",
    "a class header too long for its head": f"class {LONG * 2}(ApiModel):\n    a: int\n",
    "long elements of a list": (
        "RESPONSES = [\n"
        f"    ResponseType('200', 'json', _models.{LONG} | _models.{LONG}),\n"
        f"    Param('header', 'x-{'h' * 40}', {'h' * 30}, style='simple', explode=False),\n"
        "]\n"
    ),
}
CASES.update(SPLIT_HERE)


# Docstrings as the templates write them (through the ``docstring`` filter), where black's
# first pass is not its last (found by an adversarial review).
CASES["docstring: a long last line ending in a quote"] = (
    f'class A:\n    """{docstring("first" + chr(10) + chr(34) + "q" + chr(34) + " " * 1 + (chr(34) + "q" + chr(34) + " ") * 20 + chr(34))}"""\n'
)
CASES["docstring: a next-line character in a long first line"] = (
    f'"""{docstring("a" + chr(0x85) + "b" * 70 + " client, for version 1 of the API.")}"""\n'
)


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_same_as_black(text: str) -> None:
    result = fast(text)
    expected = black_format(text)
    if result is None:  # the reader declined: black formats the whole file
        assert format_files({"f.py": text}, builtin_templates=True)["f.py"] == expected
    else:
        assert result == expected


@pytest.mark.parametrize(
    "text",
    [
        "x = 1; y = 2\n",
        "x = 1 + \\\n    2\n",
        "if x:\n\ty = 1\n",
        "if x:\n  y = 1\n",
        "x = [  # a comment in brackets\n    1,\n]\n",
        "# fmt: off\nx = [1,2]\n# fmt: on\n",
        "#comment\nx = 1\n",
    ],
)
def test_shapes_left_to_black(text: str) -> None:
    assert plan_file(text) is None
    assert format_files({"f.py": text}, builtin_templates=True)["f.py"] == black_format(
        text
    )


def test_a_stray_quote_sends_the_file_to_black_which_reports_it() -> None:
    text = 'x = """a""""\n'  # a docstring glued to an unterminated string
    assert plan_file(text) is None
    with pytest.raises(FormatError, match="f.py"):
        format_files({"f.py": text}, builtin_templates=True)


def test_only_outgrown_statements_reach_black() -> None:
    text = (
        "x = 1\n"
        f"y = {LONG}({LONG}, {LONG}({LONG})) + 1\n"
        "z = call(\n    a=1,\n"
        f"    b={LONG}({LONG}, {LONG}),\n)\n"
    )
    plan = plan_file(text)
    assert plan is not None
    snippets = [p for p in plan if isinstance(p, Snippet)]
    assert [(s.kind, s.depth) for s in snippets] == [("statement", 0), ("call", 0)]


@pytest.mark.parametrize(
    "case",
    [
        "a call whose argument fits the next line",
        "a call whose arguments fit the next line",
        "an alias one argument a line",
        "names one a line",
        "a long import head",
    ],
)
def test_calls_the_reader_splits_reach_no_black(case: str) -> None:
    plan = plan_file(CASES[case])
    assert plan is not None
    assert not [p for p in plan if isinstance(p, Snippet)]


@pytest.mark.parametrize("case", list(SPLIT_HERE))
def test_annotated_names_the_reader_splits_reach_no_black(case: str) -> None:
    plan = plan_file(CASES[case])
    assert plan is not None
    assert not [p for p in plan if isinstance(p, Snippet)]


@pytest.mark.parametrize(
    "text",
    [
        f"x: {LONG} | {LONG} = a + b  # a comment\n",
        f"x: Annotated[{LONG}, Field(ge=-1, le={LONG})]\n",
        f"x: {LONG}[{LONG}:{LONG}]\n",
        f"x: Literal[{LONG!r} {LONG!r}]\n",
        f"x: Literal[f'{LONG}', {LONG!r}]\n",
        f"x = f'{LONG}' f'{LONG}'\n",
        f"x: bytes = rb'{LONG}{LONG}'\n",
        f"x: tuple[{LONG}, {LONG}, ...]\n",
        f"x = y = {LONG}({LONG}, {LONG})\n",
        f"x: {LONG} = ({LONG}, {LONG})\n",
    ],
)
def test_annotated_names_it_does_not_take_go_to_black(text: str) -> None:
    assert split_statement(text, 0) is None
    assert fast(text) == black_format(text)


def test_batch_equals_one_run_each() -> None:
    snippets = {
        Snippet(f"    x = {LONG}({LONG}, {LONG})\n", "statement", 1),
        Snippet(f"def f(a: {LONG}, b: {LONG}) -> None:\n", "block", 0),
        Snippet(f"        a: {LONG} | {LONG} | None = None,", "def", 1),
    }
    batch = format_snippets(snippets, black_format)
    for snippet in snippets:
        assert batch[snippet] == format_snippets({snippet}, black_format)[snippet]


@pytest.mark.parametrize(
    "literal",
    ["'a'", '"a"', "'it\\'s'", "'say \"hi\"'", "'\\'\"'", "'\\'\"\"'", "'\\\\'"],
)
def test_black_quotes(literal: str) -> None:
    assert black_quotes(literal) == black_format(f"x = {literal}\n")[4:-1]


def test_custom_templates_go_through_black_whole() -> None:
    text = "x = {  'a':1 }\n"
    assert format_files({"f.py": text}, builtin_templates=False)[
        "f.py"
    ] == "x = {'a': 1}\n".replace("'", '"')


def test_a_statement_black_rejects_is_reported_with_its_file() -> None:
    text = "x = 1\n" + f"y = {LONG}({LONG}, {LONG}) +\n"
    with pytest.raises(FormatError, match="bad.py"):
        format_files({"bad.py": text, "good.py": "x = 1\n"}, builtin_templates=True)


def test_runtime_modules_are_copied_in_black_layout(tmp_path: Path) -> None:
    """format_files passes the built-in runtime modules through unread: each, as render
    copies it under the files' header, is already what black makes of it; an edited copy
    is read again."""
    spec = tmp_path / "ping.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: Ping, version: '1'}\npaths:\n  /ping:\n    get:\n"
        "      operationId: ping\n      responses: {'204': {description: pong}}\n"
    )
    config = Config(spec=spec)
    docs, diags = load_and_check(config, validator=False)
    assert docs is not None
    files = render(build_spec(docs, diags, config=config))
    runtime = {
        p: t for p, t in files.items() if "/_runtime/" in p and p.endswith(".py")
    }
    assert len(runtime) == len(list((builtin_templates() / RUNTIME_DIR).glob("*.py")))
    sources = _runtime_sources()
    assert {p for p, t in files.items() if _runtime_copy(p, t, sources)} == set(runtime)
    for path, text in runtime.items():
        assert black_format(text) == text, path
    edited = {path: text + "\n\n" for path, text in runtime.items()}
    assert not any(_runtime_copy(p, t, sources) for p, t in edited.items())
    assert format_files(edited, builtin_templates=True) == runtime
