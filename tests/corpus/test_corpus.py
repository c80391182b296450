"""Every document of ``shared/specs/MANIFEST.tsv``, and the OpenAPI Initiative's Swagger 2.0
examples among the peer documents: it generates, imports and passes ``mypy --strict``, or it
fails with a diagnostic that names the place.

The per-document tests generate and import (spread over the xdist workers); one test then runs
a single mypy over every package (far cheaper than one run each). Slow, a few minutes:
``-m "not slow"`` leaves them out locally; CI always runs them. The largest package,
Kubernetes' (826 operations, 630 modules), is checked whole: it costs about what OpenAI's does
(15 s of CPU to generate, 3 s to import, 15 s of mypy), so no subset is needed.
"""

from __future__ import annotations

from pathlib import Path

import black
import pytest
from corpus_support import (
    Entry,
    black_would_change,
    check_document,
    ensure_generated,
    import_errors,
    long_statements,
    long_code_lines,
    mypy_errors,
    read_manifest,
    ruff_findings,
    string_aliases_outside_cycles,
)

from generator.blackline import Snippet, format_snippets
from generator.format import MODE
from generator.linesplit import one_line, split_statement

SPECS = (Path(__file__).resolve().parents[2] / ".." / "shared" / "specs").resolve()
ENTRIES = read_manifest(SPECS) if (SPECS / "MANIFEST.tsv").is_file() else []
# One long statement in this many is also compared with black itself (about 5 s; all of
# them would take black 70 s).
SAMPLE = 30
# Documents the validator does not reject, whose defect the generator finds itself.
MISSED_BY_VALIDATOR = {
    "invalid/opc-err-circular-body-ref": "#/paths/~1/post/requestBody",
    "invalid/opc-err-missing-body-ref": "#/paths/~1/post/requestBody",
}


def by_kind(*kinds: str) -> list[Entry]:
    return [e for e in ENTRIES if e.kind in kinds]


def ids(entries: list[Entry]) -> list[str]:
    return [e.name for e in entries]


@pytest.mark.slow
@pytest.mark.parametrize("entry", by_kind("generate"), ids=ids(by_kind("generate")))
def test_document_generates_and_imports(
    shared_dir: Path, corpus_folder: Path, entry: Entry
) -> None:
    generated = ensure_generated(shared_dir / "specs", corpus_folder, entry)
    assert not generated.errors, generated.errors
    done, total = generated.operations
    assert done == total and not generated.skipped, generated.skipped
    assert generated.schemas[0] == generated.schemas[1]
    failure = import_errors(corpus_folder, {entry.package: generated.aliases})
    assert not failure[entry.package], failure[entry.package]


@pytest.mark.slow
def test_every_generated_package_passes_mypy_strict(
    shared_dir: Path, corpus_folder: Path
) -> None:
    entries = by_kind("generate")
    assert entries
    for (
        entry
    ) in entries:  # made already by the tests above, unless this worker came first
        ensure_generated(shared_dir / "specs", corpus_folder, entry)
    found = mypy_errors(corpus_folder, [e.package for e in entries])
    failing = {e.name: found[e.package] for e in entries if found[e.package]}
    assert not failing, "\n".join(line for lines in failing.values() for line in lines)


@pytest.mark.slow
def test_every_generated_package_is_exactly_what_black_writes(
    shared_dir: Path, corpus_folder: Path
) -> None:
    """oapigen runs black only on the statements that need it (generator/blackline.py); black
    over every generated package, OpenAI's included, must find nothing to change."""
    entries = by_kind("generate")
    for entry in entries:
        ensure_generated(shared_dir / "specs", corpus_folder, entry)
    stale = black_would_change(corpus_folder, [e.package for e in entries])
    assert not stale, stale


@pytest.mark.slow
def test_long_statements_are_laid_out_as_black_lays_them_out(
    shared_dir: Path, corpus_folder: Path
) -> None:
    """generator/linesplit.py statement by statement over the corpus: every long field,
    alias, parameter and element of every package but its runtime modules (copied as they
    are), put back on one line as the templates write it, comes out as it is in the package
    (which black holds to its layout in the test above), and one in ``SAMPLE`` is compared
    with black itself. About 30 s of CPU beside the corpus's generation, which the tests
    above share."""
    entries = by_kind("generate")
    for entry in entries:
        ensure_generated(shared_dir / "specs", corpus_folder, entry)
    found = sorted(
        {
            statement
            for entry in entries
            for path in sorted((corpus_folder / entry.package).rglob("*.py"))
            if "_runtime" not in path.parts  # copied as written, never laid out
            for statement in long_statements(path.read_text(encoding="utf-8"))
        }
    )
    laid_out = {}
    for text, depth, item in found:
        written = one_line(text, depth, item)
        if written is not None:
            laid_out[text, depth, item] = (
                written,
                split_statement(written, depth, item),
            )
    assert len(laid_out) > 15000  # 18,159 when written
    differing = [key for key, (_, split) in laid_out.items() if split != key[0]]
    assert not differing, differing[:5]
    sample = {
        Snippet(written[:-1] if item else written, _context(written, item), depth): text
        for number, ((text, depth, item), (written, _)) in enumerate(laid_out.items())
        if number % SAMPLE == 0
    }
    by_black = format_snippets(
        set(sample), lambda text: black.format_str(text, mode=MODE)
    )
    assert {s: by_black.get(s) for s in sample} == sample


def _context(written: str, item: str) -> str:
    """The snippet kind that puts a statement where black formats it: a class header with
    a body, a parameter in a def, an element in a call."""
    if item:
        return "def" if item == "parameter" else "call"
    return "block" if written.lstrip(" ").startswith("class ") else "statement"


@pytest.mark.slow
def test_every_generated_module_imports_what_it_uses_in_lines_that_fit(
    shared_dir: Path, corpus_folder: Path
) -> None:
    """Each module imports exactly the names its code uses (ruff's F401 and F811 find nothing),
    no code line outgrows black's limit unless black could not split it either, and an alias
    is a string read on first use only where its module is part of an import cycle."""
    entries = by_kind("generate")
    for entry in entries:
        ensure_generated(shared_dir / "specs", corpus_folder, entry)
    packages = [e.package for e in entries]
    assert not ruff_findings(corpus_folder, packages)
    long = [
        f"{path.relative_to(corpus_folder)}:{number}"
        for package in packages
        for path in sorted((corpus_folder / package / package).rglob("*.py"))
        for number in long_code_lines(path.read_text(encoding="utf-8"))
    ]
    assert not long, long[:20]
    lazy = [
        f"{package}/{name}"
        for package in packages
        for name in string_aliases_outside_cycles(
            corpus_folder / package / package / "models"
        )
    ]
    assert not lazy, lazy[:20]


@pytest.mark.slow
def test_openai_report(shared_dir: Path, corpus_folder: Path) -> None:
    """The issue's numbers: every operation and schema, no field typed Any that the document
    typed, nothing skipped."""
    openai = next(e for e in ENTRIES if e.name == "openai")
    generated = ensure_generated(shared_dir / "specs", corpus_folder, openai)
    assert generated.operations == (288, 288)
    assert generated.schemas == (1422, 1422)
    assert generated.any_fields == 0
    assert generated.skipped == []


@pytest.mark.parametrize("entry", by_kind("invalid"), ids=ids(by_kind("invalid")))
def test_invalid_document_fails_naming_the_place(
    shared_dir: Path, entry: Entry
) -> None:
    """Strict, as a CI gate would run: the validator's complaints are warnings where the
    generator can still build correct code (``oapi-anyof`` has the very defect of
    ``osv-v3-missing-description``), so only ``--strict`` turns those into failures."""
    spec = shared_dir / "specs" / entry.main_file
    errors = check_document(spec, strict=True)
    assert errors
    assert all(e.split(": ", 1)[0].strip() for e in errors), errors  # each says where
    if entry.name in MISSED_BY_VALIDATOR:  # our reference check names the place
        assert any(MISSED_BY_VALIDATOR[entry.name] in e for e in errors), errors


@pytest.mark.parametrize("entry", by_kind("fragment"), ids=ids(by_kind("fragment")))
def test_a_fragment_fails_with_a_clear_message(shared_dir: Path, entry: Entry) -> None:
    """A document that states no version (``oapi-oneof-discriminator``) is not guessed at."""
    errors = check_document(shared_dir / "specs" / entry.main_file)
    assert errors == [
        "#: not an OpenAPI document: no `openapi` field states its version "
        '(`swagger: "2.0"` for Swagger 2.0)'
    ]


def test_swagger_documents_are_in_the_corpus(shared_dir: Path) -> None:
    """Swagger 2.0 documents generate like the others (Kubernetes, Slack, the OpenAPI
    Initiative's examples), rather than failing."""
    swagger = [
        e.name for e in by_kind("generate") if e.openapi_version.startswith("swagger")
    ]
    assert {"kubernetes", "slack-web", "oai-v2-petstore-separate"} <= set(swagger)
    assert any(name.startswith("peer/v2.0__") for name in swagger)


def test_manifest_is_there(shared_dir: Path) -> None:
    """The parametrised tests above are empty without the manifest: say so instead."""
    assert ENTRIES, f"{SPECS / 'MANIFEST.tsv'} could not be read"


# How many list-like operations of the documents that page got each kind of pagination, read
# against each document ("none": no ``_iter``, with the reason in --report). Spotify pages
# by offsets with a `next` URL, which wins; PagerDuty's "none" are lists whose responses say
# `more` or `next_cursor` but whose operations declare no parameter to ask for a page.
PAGINATION = {
    "spotify": {"next_link": 18, "cursor": 1, "none": 9},
    "pagerduty-rest": {"offset": 38, "cursor": 19, "none": 21},
    "linode": {"page": 57, "cursor": 1, "none": 30},
    "digitalocean": {"page": 69, "next_link": 20, "none": 7},
    "asana": {"cursor": 64, "none": 10},
    "box": {"cursor": 42, "offset": 10, "none": 9},
    "twilio-api-v2010": {"next_link": 60},
    "twilio-messaging-v1": {"next_link": 10},
    "openai": {"cursor": 62, "none": 4},
    "mistral": {"page": 4, "offset": 1, "cursor": 4, "next_link": 7}
    | {"link_header": 3, "none": 6},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", PAGINATION)
def test_documents_that_page_get_iter(
    shared_dir: Path, corpus_folder: Path, name: str
) -> None:
    entry = next(e for e in ENTRIES if e.name == name)
    generated = ensure_generated(shared_dir / "specs", corpus_folder, entry)
    assert generated.pagination == PAGINATION[name]


def test_long_code_lines_are_those_black_could_split() -> None:
    """The line check itself: a long annotation counts, and so does one written as a string
    (but as an alias's value read on first use); a long string, name or import, a comment and a
    docstring do not."""
    long_name = "N" * 90
    source = "\n".join(
        [
            '"""' + "d" * 90 + '"""',
            "x: Literal[" + ", ".join(["'a'"] * 30) + "]",
            "# " + "c" * 90,
            "y = (",
            f"    {'s' * 90!r},",
            f"    {long_name},",
            ")",
            f"from .{'m' * 90} import (",
            f"    {long_name} as {long_name},",
            ")",
            "z = TypeAliasType(",
            '    "z",',
            "    " + repr(" | ".join(["Aaaaaaaa"] * 12)) + ",",
            ")",
            "w = f(",
            "    " + repr(" | ".join(["Aaaaaaaa"] * 12)) + ",",
            ")",
            "",
        ]
    )
    # the union as a string is long code unless it is a lazy alias's value
    assert long_code_lines(source) == [2, 16]
