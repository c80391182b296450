"""Generating the corpus: one document to one package, once per test run.

Runs the generator's own stages, formatting included (oapigen's black-compatible layout with
black on the statements that need it), so that one test can run black over every package.
Each package is made by whichever
pytest-xdist worker needs it first, under a file lock in the run's common folder, and its
outcome kept beside it as JSON, so that the workers share the work instead of repeating it.
"""

from __future__ import annotations

import csv
import io
import tokenize
import dataclasses
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from generator.blackline import _statements
from generator.build import build_spec
from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.format import format_files
from generator.pipeline import load_and_check
from generator.render import render
from worker_share import locked


@dataclass(frozen=True)
class Entry:
    """One row of MANIFEST.tsv."""

    name: str
    main_file: str
    openapi_version: str

    @property
    def kind(self) -> str:
        """``invalid`` (must fail), ``fragment`` (states no version: must fail with a clear
        message), or ``generate`` (OpenAPI 3 and Swagger 2.0 alike)."""
        if self.name.startswith("invalid/"):
            return "invalid"
        if self.openapi_version == "MISSING":
            return "fragment"
        return "generate"

    @property
    def package(self) -> str:
        return "corpus_" + re.sub(r"[^a-z0-9]+", "_", self.name.lower()).strip("_")


@dataclass
class Generated:
    """What generating one document gave."""

    errors: list[str] = field(default_factory=list)
    warnings: int = 0
    operations: tuple[int, int] = (0, 0)
    schemas: tuple[int, int] = (0, 0)
    any_fields: int = 0
    skipped: list[str] = field(default_factory=list)
    #: JSON pointer of each operation -> (API module, annotation of its success response)
    success_types: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: type aliases of responses (their ``Param`` forms are never validated: not checked)
    aliases: list[str] = field(default_factory=list)
    #: how many list-like operations got each kind of pagination ("none": no ``_iter``)
    pagination: dict[str, int] = field(default_factory=dict)


def read_manifest(specs: Path) -> list[Entry]:
    """The rows of MANIFEST.tsv, and the Swagger 2.0 examples of the OpenAPI Initiative among
    the peer documents beside ``specs`` (named ``peer/...``)."""
    with (specs / "MANIFEST.tsv").open(encoding="utf-8", newline="") as rows:
        entries = [
            Entry(row["name"], row["main_file"], row["openapi_version"])
            for row in csv.DictReader(rows, delimiter="\t")
        ]
    peers = sorted((specs.parent / "peer-specs" / "oai").glob("v2.0__*.yaml"))
    return entries + [
        Entry(f"peer/{p.stem}", f"../peer-specs/oai/{p.name}", "swagger 2.0")
        for p in peers
    ]


def check_document(spec: Path, *, strict: bool = False) -> list[str]:
    """The errors the generator reports for a document, as ``POINTER: message`` (nothing is
    written)."""
    docs, diags = load_and_check(Config(spec=spec, strict=strict))
    if docs is not None and not diags.has_errors:
        build_spec(docs, diags)
    if strict:
        diags = diags.strict()
    return _errors(diags)


def _errors(diags: Diagnostics) -> list[str]:
    return [f"{d.pointer}: {d.message}" for d in diags.items if d.level == "error"]


def generate(
    spec: Path, out: Path, package: str, allowed: tuple[str, ...] = ()
) -> Generated:
    """Writes the package for ``spec`` into ``out``, formatted as ``oapigen generate`` formats
    it (one process: the tests run on every core already); ``allowed``: more folders its
    references may lead to."""
    docs, diags = load_and_check(Config(spec=spec, allowed_ref_roots=allowed))
    result = Generated()
    if docs is None or diags.has_errors:
        result.errors = _errors(diags)
        return result
    ir = build_spec(docs, diags, package)
    result.errors = _errors(diags)
    result.warnings = len(diags.items) - len(result.errors)
    if result.errors:
        return result
    for relative, text in format_files(render(ir), builtin_templates=True).items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    result.operations = (sum(len(a.operations) for a in ir.apis), ir.operations_total)
    result.schemas = (ir.schemas_generated, ir.schemas_total)
    result.any_fields = ir.any_fields
    result.skipped = [f"{pointer}: {reason}" for pointer, reason in ir.skipped]
    result.success_types = {
        op.pointer: (api.module, op.success.annotation if op.success else "None")
        for api in ir.apis
        for op in api.operations
    }
    result.aliases = [m.name for m in ir.models if m.kind == "alias"]
    result.pagination = dict(Counter(v.kind or "none" for v in ir.pagination))
    return result


# Run in a fresh interpreter with every package folder on sys.path, given {package: [alias
# names]} on stdin: imports each package, its API modules and models, and builds the pydantic
# schema of every model and response alias (forward references resolved).
IMPORT_SCRIPT = """
import importlib, json, pkgutil, sys, traceback
import pydantic
results = {}
for package, aliases in json.load(sys.stdin).items():
    try:
        importlib.import_module(package)
        api = importlib.import_module(package + ".api")
        for module in pkgutil.iter_modules(api.__path__):
            importlib.import_module(package + ".api." + module.name)
        models = importlib.import_module(package + ".models")
        for name in models.__all__:
            value = getattr(models, name)
            if isinstance(value, type) and issubclass(value, pydantic.BaseModel):
                value.model_rebuild(force=True)
        for name in aliases:
            pydantic.TypeAdapter(getattr(models, name))
        results[package] = ""
    except Exception:
        results[package] = traceback.format_exc(limit=3)[-2000:]
print(json.dumps(results))
"""


def ensure_generated(specs: Path, folder: Path, entry: Entry) -> Generated:
    """The package of ``entry`` in ``folder``: made by the first worker that asks, then read."""
    outcome = folder / f"{entry.package}.json"
    with locked(folder / f"{entry.package}.lock"):
        if outcome.is_file():
            saved = json.loads(outcome.read_text(encoding="utf-8"))
            saved["operations"] = tuple(saved["operations"])
            saved["schemas"] = tuple(saved["schemas"])
            saved["success_types"] = {
                k: tuple(v) for k, v in saved["success_types"].items()
            }
            return Generated(**saved)
        # a document's shared files sit beside its folder (``spec/`` and ``common/``), as a
        # team that keeps them so allows with ``allowed-ref-roots``
        generated = generate(
            specs / entry.main_file,
            folder / entry.package,
            entry.package,
            allowed=(str(specs / entry.name),),
        )
        outcome.write_text(json.dumps(dataclasses.asdict(generated)), encoding="utf-8")
        return generated


def import_errors(folder: Path, packages: dict[str, list[str]]) -> dict[str, str]:
    """Imports each package (name -> its response aliases) in a fresh interpreter: the
    traceback of each one that fails, empty for the others."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_SCRIPT],
        input=json.dumps(packages),
        capture_output=True,
        text=True,
        env={"PYTHONPATH": ":".join(str(folder / p) for p in packages), "PATH": ""},
        check=False,
    )
    found: dict[str, str] = json.loads(done.stdout or "{}")
    return {p: found.get(p, done.stderr[-2000:]) for p in packages}


def mypy_errors(folder: Path, packages: list[str]) -> dict[str, list[str]]:
    """One ``mypy --strict`` run over every package: its error lines, by package."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(folder / ".mypy_cache"),
            *[f"{p}/{p}" for p in packages],
        ],
        capture_output=True,
        text=True,
        cwd=folder,
        check=False,
    )
    return parse_mypy(done.stdout, packages)


def black_would_change(folder: Path, packages: list[str]) -> list[str]:
    """The files black would reformat in the packages (``black --check``, both cores)."""
    done = subprocess.run(
        [sys.executable, "-m", "black", "--check", "--fast", "--workers", "2",
         "--target-version", "py310", *[f"{p}/{p}" for p in packages]],
        capture_output=True, text=True, cwd=folder, check=False,
    )  # fmt: skip
    if done.returncode not in (0, 1):
        raise RuntimeError(f"black failed: {done.stderr[-2000:]}")
    return [
        line for line in done.stderr.splitlines() if line.startswith("would reformat")
    ]


def parse_mypy(output: str, packages: list[str]) -> dict[str, list[str]]:
    """mypy's error lines, by the package they are in."""
    found: dict[str, list[str]] = {p: [] for p in packages}
    for line in output.splitlines():
        head = line.split(":", 1)[0].replace("\\", "/")
        parts = head.split("/")
        if ": error:" in line and len(parts) > 1 and parts[1] in found:
            found[parts[1]].append(line)
    return found


def ruff_findings(folder: Path, packages: list[str]) -> list[str]:
    """Unused and redefined imports (ruff's F401 and F811) in the packages, one line each."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated",
         "--select", "F401,F811", "--output-format", "concise", "--quiet",
         *[f"{p}/{p}" for p in packages]],
        capture_output=True, text=True, cwd=folder, check=False,
    )  # fmt: skip
    if done.returncode not in (0, 1):
        raise RuntimeError(f"ruff failed: {done.stderr[-2000:]}")
    return done.stdout.splitlines()


_NAMED = re.compile(r" *\w+(?:: | = )")


def long_statements(source: str) -> list[tuple[str, int, str]]:
    """The statements of a formatted module that ``generator/linesplit.py`` lays out, where
    longer than a line, as (text, depth, item): each name with an annotation or a value (a
    field, an alias) and each class header (item ""), each parameter of an exploded
    ``def`` (item "parameter") and each element of an exploded call or list (item
    "element"), the depth that of its block or of the bracket holding it."""
    found: list[tuple[str, int, str]] = []
    for statement in _statements(source):
        lines = statement.text.rstrip("\n").split("\n")
        if len(lines) == 1 and len(lines[0]) <= 88:
            continue
        if _NAMED.match(lines[0]) or lines[0].lstrip(" ").startswith("class "):
            found.append((statement.text, _indent(lines[0]) // 4, ""))
        for number, line in enumerate(lines):
            item = _items_after(line)
            if item:
                found += [
                    (text, _indent(line) // 4, item)
                    for text in _long_items(lines[number + 1 :], _indent(line))
                ]
    return found


def _items_after(line: str) -> str:
    """What the items are of a bracket ``line`` opens and black exploded: the parameters of
    a ``def``, the elements of a call or list, or "" for another bracket."""
    if line.endswith("(") and line.lstrip(" ").startswith(("def ", "async def ")):
        return "parameter"
    before = line[-2:-1]
    if line.endswith("(") and (before.isalnum() or before == "_"):
        return "element"
    if line.endswith("[") and before in (" ", "(", "["):
        return "element"
    return ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _long_items(lines: list[str], indent: int) -> list[str]:
    """The items of an exploded bracket (the lines after its first) that black split or
    could not fit on a line."""
    inner = " " * (indent + 4)
    items: list[list[str]] = []
    for line in lines:
        if not line.startswith(inner):
            break
        if line[len(inner)] not in " )]}":  # a closing bracket ends the item above
            items.append([line])
        elif items:
            items[-1].append(line)
    return [
        "\n".join(item) + "\n"
        for item in items
        if item[-1].endswith(",") and (len(item) > 1 or len(item[0]) > 88)
    ]


def long_code_lines(source: str, limit: int = 88) -> list[int]:
    """Numbers of the lines longer than ``limit`` that hold code black could have split: a
    line that is one string (with the comma or bracket after it), a comment, part of a
    docstring or a ``from ... import`` of one long name is not counted."""
    exempt: set[int] = set()
    previous = tokenize.NEWLINE
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for token in tokens:
        if token.type == tokenize.STRING and previous in _STATEMENT_START:
            exempt.update(range(token.start[0], token.end[0] + 1))  # a docstring
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.type
    lines = source.splitlines()
    return [
        number
        for number, line in enumerate(lines, start=1)
        if len(line) > limit
        and number not in exempt
        and (not _UNSPLITTABLE_LINE.fullmatch(line) or _type_in_a_string(lines, number))
    ]


def _type_in_a_string(lines: list[str], number: int) -> bool:
    """A long line that is a type written as one string (``"A | B"``) where it could be
    written as code, which black lays out over lines: anywhere but the value of an alias that
    must be read on first use (``X = TypeAliasType("X", "...")``, its module in an import
    cycle) and the type a method casts its result to."""
    line = lines[number - 1].strip()
    if not line.startswith(('"', "'")) or not _STRING_TYPE.search(line):
        return False
    before = [lines[number - 1 - k].rstrip() for k in (1, 2) if number - 1 - k >= 0]
    lazy_value = len(before) == 2 and before[1].endswith("TypeAliasType(")
    return not (lazy_value or (before and before[0].endswith("cast(")))


# A string that writes a union or a subscripted type, and is no name table's entry.
_STRING_TYPE = re.compile(r"""^["'][^"']*(?: \| |\[)[^"']*["'],?$""")


_STATEMENT_START = (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
_ATOM = r"""(?:[rbf]?(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|[\w.]+(?: as \w+)?)"""
# One atom (a string, a name) or a pair of them, alone on its line but for the keyword, target
# or bracket black keeps beside it; a comment; a from-import of one name or opening a bracket.
_UNSPLITTABLE_LINE = re.compile(
    rf""" *(?:return |\) -> |class |(?:async )?def |\| |\w+=|\w+: |[\w.]+ = )?{_ATOM}(?:: {_ATOM})?[,:()\]]*(?:  #.*)?"""
    r"""| *from [\w.]+ import (?:\(|\w+(?: as \w+)?)(?:  #.*)?| *#.*"""
)


_MODEL_IMPORT = re.compile(r"^from \.(\w+) import", re.MULTILINE)
_LAZY_ALIAS = re.compile(r"^(\w+) = TypeAliasType\(\s*\"\w+\",\s*(.*)$", re.MULTILINE)
_DEFINED = re.compile(r"^(?:class (\w+)|(\w+)(?:: TypeAlias)? =)", re.MULTILINE)


def _names_itself_or_later(text: str, alias: re.Match[str]) -> bool:
    """Whether a lazy alias's value names itself or a model defined below it in its module
    (one nesting it: the module's models in a cycle)."""
    later = {a or b for a, b in _DEFINED.findall(text, alias.start())}
    return any(re.search(rf"\b{name}\b", alias.group(2)) for name in later)


def string_aliases_outside_cycles(models: Path) -> list[str]:
    """The modules of a package's ``models`` folder that write an alias as a string read on
    first use though nothing imports them back (no import cycle, no alias naming itself or a
    model defined below it): they could write it as code, which black lays out over lines."""
    imports = {
        p.stem: set(_MODEL_IMPORT.findall(p.read_text(encoding="utf-8")))
        for p in models.glob("*.py")
    }
    found = []
    for path in sorted(models.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        aliases = list(_LAZY_ALIAS.finditer(text))
        if not aliases:
            continue
        if any(_names_itself_or_later(text, alias) for alias in aliases):
            continue  # an alias naming itself, or a model its module defines after it
        seen: set[str] = set()
        stack = list(imports[path.stem])
        while stack:
            module = stack.pop()
            if module not in seen:
                seen.add(module)
                stack.extend(imports.get(module, ()))
        if path.stem not in seen:
            found.append(path.name)
    return found
