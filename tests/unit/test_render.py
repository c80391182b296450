"""Rendering: where each template renders to, team templates laid over the built-ins, the header
of every file, errors that name the template, and output that never depends on the hash seed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build_spec
from generator.diagnostics import Diagnostics
from generator.ir import Spec
from generator.loader import load_documents
from generator.render import (
    TemplateError,
    Target,
    custom_target,
    markdown_block,
    markdown_cell,
    plan,
    render,
    template_names,
    with_header,
)

ROOT = Path(__file__).resolve().parents[2]
PETS = ROOT / "tests" / "templates" / "pets.yaml"


@pytest.fixture(scope="module")
def spec() -> Spec:
    diags = Diagnostics()
    docs = load_documents(PETS, diags)
    assert docs is not None
    return build_spec(docs, diags)


@pytest.mark.parametrize(
    ("name", "given", "want"),
    [
        ("top level", "NOTICE.jinja", Target("NOTICE.jinja", "NOTICE")),
        (
            "in the package",
            "package/extras.py.jinja",
            Target("package/extras.py.jinja", "{package}/extras.py"),
        ),
        (
            "one per API",
            "package/api/{api}_extra.py.jinja",
            Target(
                "package/api/{api}_extra.py.jinja",
                "{package}/api/{item.module}_extra.py",
                "apis",
            ),
        ),
        (
            "one per model, by class name",
            "docs/{model.name}.txt.jinja",
            Target("docs/{model.name}.txt.jinja", "docs/{item.name}.txt", "models"),
        ),
        (
            "a folder named package deeper down is a folder",
            "docs/package/a.md.jinja",
            Target("docs/package/a.md.jinja", "docs/package/a.md"),
        ),
    ],
)
def test_where_a_new_template_renders(name: str, given: str, want: Target) -> None:
    assert custom_target(given) == want, name


@pytest.mark.parametrize(
    ("name", "given", "message"),
    [
        ("both kinds", "{api}/{model}.py.jinja", "not both"),
        (
            "unknown attribute",
            "{api.title}.md.jinja",
            "unknown placeholder {api.title}",
        ),
        ("stray brace", "a{b}.py.jinja", "braces may only hold"),
    ],
)
def test_bad_template_names(name: str, given: str, message: str) -> None:
    with pytest.raises(TemplateError) as error:
        custom_target(given)
    assert message in error.value.message, name


@pytest.mark.parametrize(
    ("name", "path", "text", "lines", "want"),
    [
        ("python", "p/a.py", "x = 1\n", ["top"], "# top\nx = 1\n"),
        ("empty file", "p/py.typed", "", ["top"], "# top\n"),
        (
            "toml, two lines",
            "pyproject.toml",
            "[a]\n",
            ["top", "(c) us"],
            "# top\n# (c) us\n[a]\n",
        ),
        ("blank line", "a.py", "", ["top", ""], "# top\n#\n"),
        ("markdown", "README.md", "# T\n", ["top"], "<!-- top -->\n\n# T\n"),
        ("no comment closes early", "a.md", "", ["a --> b"], "<!-- a - -> b -->\n\n"),
        ("nor the other way", "a.md", "", ["a --!> b"], "<!-- a - -!> b -->\n\n"),
        ("css", "a.css", "", ["a */ b"], "/* a * / b */\n"),
        (
            "one line each",
            "a.py",
            "",
            ["a\nrun()\r\u2028b"],
            "# a\\nrun()\\r\\u2028b\n",
        ),
        ("escapes read back", "a.py", "", ["C:\\n"], "# C:\\\\n\n"),
        ("no encoding", "a.py", "", ["x Coding=utf-7"], "# x Coding =utf-7\n"),
        ("what reorders a line", "a.js", "", ["a\u202eb"], "// a\\u202eb\n"),
        ("javascript", "x.js", "f()\n", ["top"], "// top\nf()\n"),
        ("json has no comments", "x.json", "{}\n", ["top"], "{}\n"),
        ("no suffix", "NOTICE", "n\n", ["top"], "# top\nn\n"),
    ],
)
def test_header(name: str, path: str, text: str, lines: list[str], want: str) -> None:
    assert with_header(path, text, lines) == want, name


@pytest.mark.parametrize(
    ("name", "given", "block", "cell"),
    [
        ("inline link", "[a](javascript:x)", "[a](javascript :x)", None),
        ("any case", "[a](VbScript:x)", "[a](VbScript :x)", None),
        ("data", "![a](data:text/html,x)", "![a](data :text/html,x)", None),
        (
            "spaces before",
            "[a](  javascript:x)",
            "[a](  javascript :x)",
            "[a]( javascript :x)",
        ),
        (
            "a tab inside",
            "[a](java&#x09;script:x)",
            "[a](java&#x09;script :x)",
            "[a](java&amp;#x09;script:x)",
        ),
        (
            "references",
            "[a](&#106;ava&#X53;cript:x)",
            "[a](&#106;ava&#X53;cript :x)",
            "[a](&amp;#106;ava&amp;#X53;cript:x)",
        ),
        (
            "no semicolon",
            "[a](&#0106avascript:x)",
            "[a](&#0106avascript :x)",
            "[a](&amp;#0106avascript:x)",
        ),
        (
            "a tab, then the colon as a reference",
            "[a](javascript&Tab;&colon;x)",
            "[a](javascript &Tab;&colon;x)",
            "[a](javascript&amp;Tab;&amp;colon;x)",
        ),
        (
            "the colon as one",
            "[a](javascript&colon;x)",
            "[a](javascript &colon;x)",
            "[a](javascript&amp;colon;x)",
        ),
        ("an escaped colon", "[a](javascript\\:x)", "[a](javascript \\:x)", None),
        (
            "angle brackets are escaped",
            "[a](<javascript:x>)",
            "[a](&lt;javascript:x>)",
            "[a](&lt;javascript:x&gt;)",
        ),
        ("reference definition", "[r]: javascript:x", "[r]: javascript :x", None),
        ("on the next line", "[r]:\n  data:x", "[r]:\n  data :x", "[r]: data :x"),
        ("autolink", "<javascript:x>", "&lt;javascript:x>", "&lt;javascript:x&gt;"),
        ("other schemes", "[a](https://h/data:x) [m](mailto:a@b)", None, None),
        ("prose", "Metadata: the data: field, 'data:x', `javascript:x`", None, None),
    ],
)
def test_markdown_links_run_no_script(
    name: str, given: str, block: str | None, cell: str | None
) -> None:
    """A target whose scheme runs script gets a space before its colon, however it is written
    (in a table cell, ``&`` is escaped, so that references stay text); ``None``: as given, or
    as in a block."""
    assert markdown_block(given) == (block or given), name
    assert markdown_cell(given) == (cell or block or given), name


def team(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "team"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_team_templates_replace_add_and_stay_partial(
    tmp_path: Path, spec: Spec
) -> None:
    root = team(
        tmp_path,
        {
            "README.md.jinja": "# {{ spec.title }}, our way\n",
            "package/api/{api}_notes.md.jinja": "{{ api.class_name }}\n",
            "partials/macros.jinja": "{% macro shout(x) %}{{ x | upper }}{% endmacro %}",
            "CODEOWNERS.jinja": "{% import 'partials/macros.jinja' as m %}{{ m.shout('team') }}\n",
            "runtime/retry_policy.py": "POLICY = 'ours'\n",
            "runtime/errors.py": "class ApiError(Exception): ...\n",
            ".hidden/x.jinja": "not rendered",
            "notes.txt": "not a template",
        },
    )
    files = render(spec, root)
    assert files["README.md"].endswith("# Pet Store, our way\n")
    assert files["pet_store_client/api/pets_notes.md"].endswith("PetsApi\n")
    assert files["pet_store_client/api/stores_notes.md"].endswith("StoresApi\n")
    assert files["CODEOWNERS"].endswith("TEAM\n")
    assert files["pet_store_client/_runtime/retry_policy.py"].endswith(
        "POLICY = 'ours'\n"
    )
    assert files["pet_store_client/_runtime/errors.py"].endswith("...\n")
    assert not any("partials" in p or "hidden" in p or "notes.txt" in p for p in files)
    assert all(
        text.startswith(("# Generated", "<!-- Generated")) for text in files.values()
    )
    assert [j.path for j in plan(spec, root)] == list(files)


def test_a_team_header_follows_oapigen_own(tmp_path: Path, spec: Spec) -> None:
    root = team(tmp_path, {"header.jinja": "Copyright {{ spec.title }} team.\n"})
    files = render(spec, root)
    for path, text in files.items():
        lines = text.splitlines()
        assert "Generated by oapigen" in lines[0], path
        assert "Copyright Pet Store team." in lines[1], path


def test_a_template_may_extend_the_builtin_it_replaces(
    tmp_path: Path, spec: Spec
) -> None:
    root = team(
        tmp_path,
        {
            "package/api/api.py.jinja": (
                '{% extends "builtin/package/api/api.py.jinja" %}\n'
                "{% block api_class_extra %}\n\n"
                "    def tag(self) -> str:\n"
                "        return {{ api.tag | pystr }}\n"
                "{%- endblock %}\n"
            )
        },
    )
    module = render(spec, root)["pet_store_client/api/pets.py"]
    assert module.count("    def tag(self) -> str:\n        return 'pets'\n") == 2
    assert "class AsyncPetsApi:" in module


def test_two_templates_may_not_render_one_file(tmp_path: Path, spec: Spec) -> None:
    root = team(tmp_path, {"package/api/{api}.py.jinja": "x\n"})
    with pytest.raises(TemplateError, match="package/api/api.py.jinja renders already"):
        plan(spec, root)


@pytest.mark.parametrize(
    ("name", "text", "where", "message"),
    [
        ("syntax", "line one\n{% if %}\n", "NOTICE.jinja:2", "Expected an expression"),
        (
            "undefined",
            "a\nb\n{{ spec.nope }}\n",
            "NOTICE.jinja:3",
            "has no attribute 'nope'",
        ),
        ("missing include", "{% include 'gone.jinja' %}", "NOTICE.jinja", "gone.jinja"),
    ],
)
def test_template_errors_name_the_file_and_line(
    tmp_path: Path, spec: Spec, name: str, text: str, where: str, message: str
) -> None:
    root = team(tmp_path, {"NOTICE.jinja": text})
    with pytest.raises(TemplateError) as error:
        render(spec, root)
    assert error.value.where.startswith(f"{root.as_posix()}/{where}"), error.value.where
    assert message in error.value.message, name


def test_template_names_leave_tool_caches_out(tmp_path: Path) -> None:
    root = team(
        tmp_path, {"a.jinja": "", ".mypy_cache/x": "", "r/__pycache__/y.pyc": ""}
    )
    assert template_names(root) == ["a.jinja"]


RENDER_DIGESTS = """
import hashlib, json, sys
from pathlib import Path
from generator.build import build_spec
from generator.diagnostics import Diagnostics
from generator.loader import load_documents
from generator.render import render
digests = {}
for name in sys.argv[1:]:
    diags = Diagnostics()
    spec = build_spec(load_documents(Path(name), diags), diags)
    for path, text in render(spec).items():
        digests[name + ":" + path] = hashlib.sha256(text.encode()).hexdigest()
    digests[name + ":diagnostics"] = repr(diags.items)
print(json.dumps(digests, sort_keys=True))
"""


def test_output_does_not_depend_on_the_hash_seed() -> None:
    """Sets and dicts must never decide an order: two seeds, the same bytes."""
    documents = [str(PETS), str(ROOT / "specs" / "chat.yaml")]
    documents += [
        str(p) for p in sorted((ROOT / "tests" / "diff" / "cases").glob("base.yaml"))
    ]
    outputs = []
    for seed in ("1", "4242"):
        done = subprocess.run(
            [sys.executable, "-c", RENDER_DIGESTS, *documents],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 150
