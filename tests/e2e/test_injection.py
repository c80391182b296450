"""A hostile document cannot put code into the generated package, nor files outside OUT.

The document below is written for this test: every string it holds that reaches the output
(titles, descriptions, names, enum values, defaults, patterns, examples, server URLs, tags,
paths, media types, header names), and its file name, carry code that would create a canary
file if it ever ran, wrapped in whatever could end the string, docstring, comment or markdown
block it lands in.
The generated package must compile, pass black, import (with every model and API module) and
run a request without creating the canary, keep the wire names exactly as written, and name
no file outside OUT, none that differs from another only by case, and none that Windows
reserves for a device.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import black
import markdown
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from generator.cli import main
from generator.format import MODE
from generator.naming import is_device_name

DEVICE_TAGS = ["CON", "Aux", "nul.txt", "com1", "LPT9", "prn"]
PATH_TAGS = ["../../etc", "/abs", "C:\\evil", "__init__", "{{ 7*7 }}", "Chat", "chat"]
SCHEMA_NAMES = [
    "CON",
    "Con",
    "Aux",
    "PRN",
    "com1",
    "LPT9",
    "nul",
    "../../evil",
    "/abs/path",
    "C:\\evil",
    'a"b',
    "__init__",
    "Client",
    "Evil",
    "evil",
    "EVIL",
]


def payloads(canary: Path) -> dict[str, str]:
    """Code that creates ``canary`` if run, and texts that try to make it run."""
    run = f"__import__('pathlib').Path({str(canary)!r}).touch()"
    code = f"\n{run}\n"
    return {
        "run": run,
        "closes_string": f'""" + {run} + """',
        "closes_single": f"''' + {run} + '''",
        "text": (
            f"\"\"\" {code} \"\"\" ''' {code} ''' \\ {{{{ {run} }}}} {{% raw %}} "
            f"</script><script>alert(1)</script> | a | b | <!-- `x` ```python{code}"
            f"\u2028 \x0b \r\n# heading {run}\\ --> --!> */ "
            # a docstring's end and code, as a module decoded as UTF-7 would read them
            + f'"""{code}"""'.encode("utf-7").decode("ascii")
        ),
    }


# Link targets that run script, written in the ways renderers and browsers let through: each
# is a paragraph of its own, so that reference definitions are read as such.
SCRIPT_LINKS = "\n\n".join(
    [
        "[a](javascript:alert(1))",
        "[a](JaVaScRiPt:alert(1) 'title')",
        "[a](  javascript:alert(1))",
        "[a](<javascript:alert(1)>)",
        "[a](java&#x09;script:alert(1))",
        "[a](&#106;avascript:alert(1)) [a](&#X6A;avascript:alert(1))",
        "[a](&#0000106avascript:alert(1))",
        "[a](javascript&colon;alert(1)) [a](javascript&#58;alert(1))",
        "[a](javascript&Tab;&colon;alert(1))",
        "[a](javascript\\:alert(1)) [a](java&Tab;script:alert(1))",
        "[a](&#32;javascript:alert(1)) [a](\x01javascript:alert(1))",
        "![a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[a](DATA:text/html,<script>alert(1)</script>) [a](vbscript:msgbox(1))",
        "[a][ref] [b][other]",
        "[ref]: javascript:alert(1)",
        "[other]:\n  VBScript:msgbox(1)",
        "<javascript:alert(1)> <a href='javascript:alert(1)'>a</a>",
        '<img src="x" onerror="alert(1)"> [safe](https://example.com/metadata:x)',
    ]
)


def file_name(canary: Path, suffix: str = ".json") -> str:
    """A document's file name that would run code from the first line of every module, or
    have Python decode the module as UTF-7 (where the text above then ends its docstring), if
    it were not escaped. A file name holds no slash (nor "*/"): the canary is named from its folder, the
    current one of the import."""
    run = f"__import__('pathlib').Path({canary.name!r}).touch()"
    return f"hostile\n{run}\r# coding: utf-7 --> --!> \u202e\x85\u2028{run}\n# {suffix}"


def hostile_document(canary: Path) -> dict[str, Any]:
    p = payloads(canary)
    run, text = p["run"], p["text"]

    def described(what: str) -> str:
        return f"{what} {text}\n\n{SCRIPT_LINKS}"

    def model() -> dict[str, Any]:
        return {
            "type": "object",
            "description": described("model"),
            "required": [run, "class"],
            "properties": {
                run: {
                    "type": "string",
                    "description": described("prop"),
                    "default": p["closes_string"],
                    "example": p["closes_single"],
                    "pattern": '"""',
                },
                "class": {"type": "integer", "default": 1},
                '"""': {
                    "type": "string",
                    "enum": ['"""', "'''", "\\", run, "\n" + run, "{{x}}", ""],
                },
                "\\": {"type": "boolean"},
                "model_config": {"type": "string"},
                "a\nb": {"type": "number", "enum": [1.5, -0.0, 1e308]},
                "Field": {"type": "string", "const": p["closes_string"]},
                "__init__": {
                    "type": "array",
                    "items": {
                        "type": "string",
                        "enum": [p["closes_string"], p["closes_single"]],
                    },
                },
                "self": {"type": "string", "format": "date-time"},
            },
        }

    tags = DEVICE_TAGS + PATH_TAGS + [run]
    paths: dict[str, Any] = {}
    for i, tag in enumerate(tags):
        # a docstring quotes the path: one that ends it early runs the rest on every call
        path = f'/p{i}/{{{run}}}/"""; {run}; """/\'\'\'\\' + (
            '?q="""' if i == 0 else ""
        )
        paths[path] = {
            "parameters": [
                {
                    "name": run,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "default": p["closes_string"]},
                    "description": described("param"),
                }
            ],
            "post": {
                "operationId": run if i == 0 else f"{tag}{i}",
                "summary": described("summary"),
                "tags": [tag],
                "responses": {"204": {"description": described("done")}},
            },
        }
    # one operation carries everything an operation can
    first = next(iter(paths.values()))["post"]
    first["description"] = described("operation")
    first["parameters"] = [
        {
            "name": '"""',
            "in": "query",
            "schema": {"type": "string", "enum": [p["closes_string"], "x"]},
        },
        {"name": "X-" + run, "in": "header", "schema": {"type": "string"}},
        {"name": "self", "in": "cookie", "schema": {"type": "integer"}},
        {"name": "timeout", "in": "query", "schema": {"type": "number"}},
    ]
    first["requestBody"] = {
        "description": described("body"),
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/CON"}}
        },
    }
    first["responses"] = {
        "200": {
            "description": described("ok"),
            "headers": {
                run: {"description": described("header"), "schema": {"type": "string"}}
            },
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Union"}},
                "text/event-stream": {"schema": {"$ref": "#/components/schemas/Alias"}},
            },
        },
        "4XX": {
            "description": described("client error"),
            "content": {'application/json"' + run: {"schema": {"type": "object"}}},
        },
        "default": {"description": described("default")},
    }
    # every name reaches a file name; three models carry everything a model can
    schemas: dict[str, Any] = {
        name: {"type": "object", "properties": {run: {"type": "string"}}}
        for name in SCHEMA_NAMES
    }
    for name in ("CON", "Aux", run):
        schemas[name] = model()
    schemas["Alias"] = {
        "type": "string",
        "enum": [p["closes_string"], p["closes_single"], "\\", '"""'],
        "description": described("alias"),
    }
    schemas["Union"] = {
        "oneOf": [
            {"$ref": "#/components/schemas/CON"},
            {"$ref": "#/components/schemas/Aux"},
        ],
        "discriminator": {"propertyName": '"""'},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": described("title"),
            "version": '1.0"\n' + run,
            "description": described("info"),
        },
        "servers": [
            {
                "url": f'http://127.0.0.1:9/v1"+{run}+"\'\'\'"""',
                "description": described("server"),
            }
        ],
        "tags": [{"name": t, "description": described("tag")} for t in tags],
        "security": [{'Api"Key': []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                'Api"Key': {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Key-" + re.sub(r"\W", "", run),
                    "description": described("scheme"),
                },
                "CON": {"type": "http", "scheme": "bearer"},
                # keywords of Client(): found by the fuzz test ("self" twice)
                "self": {"type": "http", "scheme": "bearer"},
                "auth": {"type": "http", "scheme": "basic"},
                "os": {"type": "apiKey", "in": "query", "name": "os"},
            },
            "schemas": schemas,
        },
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(the folder holding the document and OUT, OUT, the canary path)."""
    root = tmp_path_factory.mktemp("hostile")
    canary = root / "CANARY"
    spec = root / file_name(canary)
    spec.write_text(json.dumps(hostile_document(canary), indent=1), encoding="utf-8")
    out = root / "out"
    result = CliRunner().invoke(main, ["generate", str(spec), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "error" not in result.output, result.output
    return root, out, canary


def package_of(out: Path) -> Path:
    [package] = [p for p in out.iterdir() if (p / "__init__.py").is_file()]
    return package


def test_files_stay_inside_out_with_portable_names(
    generated: tuple[Path, Path, Path],
) -> None:
    root, out, canary = generated
    assert sorted(p.name for p in root.iterdir()) == sorted([file_name(canary), "out"])
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 60
    seen: dict[str, Path] = {}
    for path in files:
        assert path.resolve().is_relative_to(out.resolve()), path
        relative = path.relative_to(out)
        for part in relative.parts:
            assert not is_device_name(part), relative
            assert part.isascii() and re.fullmatch(r"[\w.-]+", part), relative
        other = seen.setdefault(relative.as_posix().casefold(), path)
        assert other == path, f"{other} and {path} differ only by case"
    assert not canary.exists()


def test_python_compiles_and_is_black(generated: tuple[Path, Path, Path]) -> None:
    _, out, canary = generated
    for path in out.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        compile(text, str(path), "exec")
        if (
            "_runtime" not in path.parts
        ):  # copied as they are, checked in the repository
            assert black.format_str(text, mode=MODE) == text, path
    pyproject = tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(pyproject["project"]["description"], str)
    assert not canary.exists()


IMPORT_EVERYTHING = textwrap.dedent("""
    import importlib, inspect, json, pkgutil, sys
    sys.path.insert(0, sys.argv[1])
    package = importlib.import_module(sys.argv[2])
    models = importlib.import_module(sys.argv[2] + ".models")
    for name in models.__all__:
        getattr(models, name)
    api = importlib.import_module(sys.argv[2] + ".api")
    for module in pkgutil.iter_modules(api.__path__):
        importlib.import_module(f"{sys.argv[2]}.api.{module.name}")
    # every method runs once, against a port where nothing listens
    client = package.Client(
        api_key="k", con="t", base_url="http://127.0.0.1:9", max_retries=0, timeout=5
    )
    attributes = [a for a in dir(client) if not a.startswith("_") and a != "close"]
    failures = set()
    for attribute in attributes:
        for name, method in inspect.getmembers(getattr(client, attribute), inspect.ismethod):
            if name.startswith("_"):
                continue
            args, kwargs = [], {}
            for param in inspect.signature(method).parameters.values():
                if param.default is not inspect.Parameter.empty:
                    continue
                if param.kind is param.KEYWORD_ONLY:
                    kwargs[param.name] = "x"
                else:
                    args.append("x")
            try:
                method(*args, **kwargs)
            except package.ApiError as exc:
                failures.add(type(exc).__name__)
    run = sys.argv[3]
    model = models.CONModel.model_validate(
        {run: 'kept \"\"\"', "class": 1, '\"\"\"': "{{x}}", "a\\nb": 1.5}
    )
    print(json.dumps({
        "attributes": attributes,
        "failures": sorted(failures),
        "dumped": model.model_dump(by_alias=True, exclude_unset=True),
        "base_url": package._client.DEFAULT_BASE_URL,
    }))
    """)


def test_the_package_imports_and_runs_nothing(
    generated: tuple[Path, Path, Path],
) -> None:
    root, out, canary = generated
    run = payloads(canary)["run"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING, str(out), package_of(out).name, run],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert not canary.exists()
    # names were cleaned for Python, the wire names and the server URL kept as written (the
    # value matches the property's pattern, '"""', which the model checks)
    assert result["dumped"] == {run: 'kept """', "class": 1, '"""': "{{x}}", "a\nb": 1.5}
    assert result["base_url"] == f'http://127.0.0.1:9/v1"+{run}+"\'\'\'"""'
    assert {"con_", "aux_", "com1_", "prn_", "etc", "chat", "chat_2"} <= set(
        result["attributes"]
    )
    assert result["failures"] == ["ApiConnectionError"]


def test_markdown_runs_nothing_and_swallows_no_example(
    generated: tuple[Path, Path, Path],
) -> None:
    _, out, canary = generated
    docs = [out / "README.md", *sorted((out / "docs").glob("*.md"))]
    assert len(docs) > 30
    for path in docs:
        text = path.read_text(encoding="utf-8")
        body = text.split("\n", 1)[1]  # after the generated-by comment
        assert not re.search(r"<(script|/script|!--)", body, re.IGNORECASE), path
        fences = [
            line for line in body.splitlines() if re.match(r" {0,3}(```|~~~)", line)
        ]
        assert len(fences) % 2 == 0, path
        # the generated examples are still code blocks of their own
        for example in re.findall(r"```python\n(.*?)```", body, re.DOTALL):
            if example.startswith("from "):
                compile(example, str(path), "exec")
    assert not canary.exists()


# The comment of a header line per file type, as a team's templates may render them.
COMMENTS = {
    ".py": ("# ", ""),
    ".pyi": ("# ", ""),
    ".toml": ("# ", ""),
    ".typed": ("# ", ""),
    "": ("# ", ""),
    ".md": ("<!-- ", " -->"),
    ".html": ("<!-- ", " -->"),
    ".js": ("// ", ""),
    ".css": ("/* ", " */"),
}
HEADER_DOCUMENT = """\
openapi: 3.1.0
info:
  title: %s
  description: %s
  version: '1'
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: the pets
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet: {type: object, properties: {name: {type: string}}}
"""


def test_every_header_line_stays_a_comment(tmp_path: Path) -> None:
    """oapigen's header line (the hostile file name) and a team's (``header.jinja`` printing
    the document's title and description) stay comments in every type of file: one line each,
    escaped, never closing their comment nor naming an encoding, and the package imports
    without running anything."""
    canary = tmp_path / "CANARY"
    run = f"__import__('pathlib').Path({str(canary)!r}).touch()"
    closers = f'""" --> --!> */ coding: utf-7 \x85{run}\u2028{run}'
    title = json.dumps(f"Pets\n{run}\n{closers}")  # three lines in the header
    description = json.dumps(f"{closers}\n{run}")  # two more
    spec = tmp_path / file_name(canary, ".yaml")
    spec.write_text(HEADER_DOCUMENT % (title, description), encoding="utf-8")
    team = tmp_path / "team"
    team.mkdir()
    (team / "header.jinja").write_text("{{ spec.title }}\n{{ spec.description }}\n")
    for name in ("notes.css", "notes.js", "notes.html", "NOTICE", "extra.toml"):
        (team / f"{name}.jinja").write_text("x = 1\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["generate", str(spec), "-o", str(out), "--templates", str(team), "-q"],
    )
    assert result.exit_code == 0, result.output

    files = [p for p in out.rglob("*") if p.is_file() and p.name[0] != "."]
    assert {p.suffix for p in files} == set(COMMENTS), sorted(p.name for p in files)
    for path in files:
        start, end = COMMENTS[path.suffix]
        lines = path.read_text(encoding="utf-8").split("\n")
        assert lines[0].startswith(f"{start}Generated by oapigen "), path
        for line in lines[:6]:
            assert line.startswith(start) and line.endswith(end), (path, line)
            inner = line[len(start) : len(line) - len(end)]
            assert inner.isprintable(), (path, line)
            assert not re.search(r"coding[:=]", inner, re.IGNORECASE), (path, line)
            closing = "--" if end == " -->" else end.strip()
            assert not closing or closing not in inner, (path, line)
        assert not lines[6].startswith(start.strip()), (path, lines[6])
        if path.name.startswith(("notes", "NOTICE", "extra")):
            assert lines[6:] == ["", "x = 1", ""][end != " -->" :], path
    tomllib.loads((out / "extra.toml").read_text(encoding="utf-8"))
    tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))

    done = subprocess.run(
        [sys.executable, "-c", IMPORT_MODELS, str(out), package_of(out).name],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Pet"]
    assert not canary.exists()


IMPORT_MODELS = textwrap.dedent("""
    import importlib, sys
    sys.path.insert(0, sys.argv[1])
    importlib.import_module(sys.argv[2] + "._client")
    importlib.import_module(sys.argv[2] + ".api.default")
    models = importlib.import_module(sys.argv[2] + ".models")
    print(*[getattr(models, name).__name__ for name in models.__all__ if name != "UnknownVariant"])
    """)


def test_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    """Its bytes show as U+FFFD in the header; the run neither fails nor writes them."""
    spec = tmp_path / os.fsdecode(b"pets\xff.yaml")
    spec.write_text(HEADER_DOCUMENT % ("Pets", "x"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["generate", str(spec), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert (
        readme.startswith("<!-- Generated by oapigen ") and "pets\ufffd.yaml" in readme
    )


# The tags markdown itself makes: any other comes from raw HTML that should have been shown.
MARKDOWN_TAGS = {
    *"p a img code pre em strong hr br ul ol li blockquote".split(),
    *"h1 h2 h3 h4 h5 h6 table thead tbody tr th td".split(),
}


class _Tags(HTMLParser):
    """Every tag of a rendered page with its attributes, values unescaped as a browser does."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [(tag, name, value or "") for name, value in attrs or [("", "")]]


def url_scheme(url: str) -> str:
    """The scheme a browser reads in a link's target: spaces and control characters around it
    dropped, tabs and line breaks anywhere; "" for a relative target."""
    url = re.sub("[\t\n\r]", "", url.strip("".join(map(chr, range(0x21)))))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    return match.group(1).lower() if match else ""


def test_docs_link_to_no_script(generated: tuple[Path, Path, Path]) -> None:
    """The docs as MkDocs (Python-Markdown with its default extensions) and a CommonMark
    renderer that checks no link (markdown-it-py with its link check off, as cmark and
    commonmark.js run by default) make them: no target runs script, no tag of the document's
    is live, and a plain link still is."""
    _, out, _ = generated
    mkdocs = markdown.Markdown(extensions=["toc", "tables", "fenced_code"])
    commonmark = MarkdownIt("commonmark").enable("table")
    commonmark.validateLink = lambda url: True
    docs = [out / "README.md", *sorted((out / "docs").glob("*.md"))]
    for path in docs:
        text = path.read_text(encoding="utf-8")
        for renderer, page in (
            ("Python-Markdown", mkdocs.reset().convert(text)),
            ("CommonMark", commonmark.render(text)),
        ):
            parser = _Tags()
            parser.feed(page)
            for tag, name, value in parser.found:
                where = (path.name, renderer, tag, name, value)
                assert url_scheme(value) not in (
                    "javascript",
                    "vbscript",
                    "data",
                ), where
                assert tag in MARKDOWN_TAGS, where
                assert not name.startswith("on"), where
            links = [v for _, n, v in parser.found if n == "href"]
            if "[safe](" in text:
                assert "https://example.com/metadata:x" in links, (path.name, renderer)
