"""Every document of ``shared/specs/MANIFEST.tsv``: it generates, imports and passes
``mypy --strict``, or it fails with a diagnostic that names the place.

Slow (a few minutes: the whole corpus, then one mypy run): ``-m "not slow"`` leaves it out
locally; CI always runs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_support import Corpus, Entry, check_document, read_manifest

SPECS = (Path(__file__).resolve().parents[2] / ".." / "shared" / "specs").resolve()
ENTRIES = read_manifest(SPECS) if (SPECS / "MANIFEST.tsv").is_file() else []
# Documents the validator does not reject, whose defect the generator finds itself.
MISSED_BY_VALIDATOR = {
    "invalid/opc-err-circular-body-ref": "#/paths/~1/post/requestBody",
    "invalid/opc-err-missing-body-ref": "#/paths/~1/post/requestBody",
}


def by_kind(kind: str) -> list[Entry]:
    return [e for e in ENTRIES if e.kind == kind]


def ids(entries: list[Entry]) -> list[str]:
    return [e.name for e in entries]


@pytest.mark.slow
@pytest.mark.xdist_group("corpus")
@pytest.mark.parametrize("entry", by_kind("generate"), ids=ids(by_kind("generate")))
def test_document_generates_imports_and_type_checks(
    corpus: Corpus, entry: Entry
) -> None:
    generated = corpus.generated[entry.name]
    assert not generated.errors, generated.errors
    done, total = generated.operations
    assert done == total and not generated.skipped, generated.skipped
    assert generated.schemas[0] == generated.schemas[1]
    assert not corpus.import_errors[entry.name], corpus.import_errors[entry.name]
    assert not corpus.mypy_errors[entry.name], "\n".join(corpus.mypy_errors[entry.name])


@pytest.mark.slow
@pytest.mark.xdist_group("corpus")
def test_openai_report(corpus: Corpus) -> None:
    """The issue's numbers: every operation and schema, no field typed Any that the document
    typed, nothing skipped."""
    generated = corpus.generated["openai"]
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
    if entry.name in MISSED_BY_VALIDATOR:
        plain = check_document(spec)
        assert any(MISSED_BY_VALIDATOR[entry.name] in e for e in plain), plain


@pytest.mark.parametrize(
    "entry",
    by_kind("swagger") + by_kind("fragment"),
    ids=ids(by_kind("swagger") + by_kind("fragment")),
)
def test_unsupported_document_fails_with_a_clear_message(
    shared_dir: Path, entry: Entry
) -> None:
    errors = check_document(shared_dir / "specs" / entry.main_file)
    wanted = "Swagger 2.0" if entry.kind == "swagger" else "`openapi`"
    assert any(wanted in e for e in errors), errors


def test_manifest_is_there(shared_dir: Path) -> None:
    """The parametrised tests above are empty without the manifest: say so instead."""
    assert ENTRIES, f"{SPECS / 'MANIFEST.tsv'} could not be read"
