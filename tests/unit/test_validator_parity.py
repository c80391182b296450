"""The Rust port of openapi-spec-validator and the library itself give the same diagnostics.

Both run through the pipeline's validate stage (``load_and_check``) on the corpus documents of
up to 300 KB (openapi-spec-validator takes seconds on the large ones; ``benchmarks/parity.py``
runs the whole corpus), whatever version ``generator/validate.py`` accepts (2.0, 3.0, 3.1, 3.2),
and on the bad-spec cases: levels, pointers, messages and order must be equal. Where the port
cannot answer for a document the reference answers alone; those documents are listed below with
the reason, and every other document must have been answered by the port.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.loader import load_documents
from generator.pipeline import load_and_check
from generator.validate import _validator_class
from generator.validate_port import findings

HERE = Path(__file__).resolve().parent
SPECS = HERE.parents[1].parent / "shared" / "specs"
BAD_SPECS = HERE.parent / "bad_specs"
MAX_BYTES = 300_000


def corpus() -> list[str]:
    manifest = SPECS / "MANIFEST.tsv"
    if not manifest.is_file():
        return ["(shared specs missing)"]
    with manifest.open(encoding="utf-8", newline="") as rows:
        return sorted(
            row["main_file"]
            for row in csv.DictReader(rows, delimiter="\t")
            if int(row["size_bytes"]) <= MAX_BYTES
        )


BAD = sorted(
    p.name
    for p in BAD_SPECS.glob("*.*")
    if p.suffix in (".yaml", ".json") and p.with_suffix(".expected").is_file()
)

#: Documents the port does not answer for, and why (validate_port's rules).
REFERENCE_ONLY = {
    "invalid/osv-v3-empty/empty.yaml": "fails the OpenAPI schema",
    "invalid/osv-v3-missing-description/missing-description.yaml": "fails the OpenAPI schema",
    "invalid/osv-v3-property-missing-reference/property-missing-reference.yaml": "the port stops at an unresolvable reference",
    "oapi-anyof/spec.yaml": "fails the OpenAPI schema",
    "oapi-content-types/spec.yaml": "fails the OpenAPI schema",
    "osv-petstore-separate/spec/openapi.yaml": "the port stops at a file the loader refused "
    "(outside the document's folder)",
    "oai-v2-petstore-separate/spec/swagger.yaml": "the port stops at a file the loader refused "
    "(outside the document's folder)",
    "invalid/osv-v2-missing-reference/missing-reference.yaml": "the port stops at an unresolvable "
    "reference",
    "oapi-recursive/spec.yaml": "the port stops at a reference cycle (recursion)",
    "og-3.0.3-unit-test-spec/3_0_3_unit_test_spec.yaml": "fails the OpenAPI schema",
    "og-echo-api/echo_api.yaml": "fails the OpenAPI schema",
    "og-petstore-fake-endpoints/petstore-with-fake-endpoints-models-for-testing.yaml": "fails the OpenAPI schema",
    "opc-baseline-3.0/baseline_openapi_3.0.json": "fails the OpenAPI schema",
    "opc-baseline-3.1/baseline_openapi_3.1.yaml": "fails the OpenAPI schema",
    "bad_specs/external-ref-remote.yaml": "a $ref with a URI scheme",
    "bad_specs/external-ref-missing-file.yaml": "the port stops at an unresolvable reference",
    "bad_specs/external-ref-missing-key.yaml": "the port stops at an unresolvable reference",
    "bad_specs/external-ref-broken-file.yaml": "the port stops at an unresolvable reference",
    "bad_specs/ref-cycle.yaml": "the port stops at a reference cycle (recursion)",
    "bad_specs/ref-cycle-across-files.yaml": "the port stops at a reference cycle (recursion)",
    "bad_specs/ref-not-a-pointer.yaml": "the port stops at an unresolvable reference",
    "bad_specs/sections-of-the-wrong-type.yaml": "fails the OpenAPI schema",
    "bad_specs/both-openapi-and-swagger.yaml": "fails the OpenAPI schema",
    "bad_specs/no-info.yaml": "fails the OpenAPI schema",
    "bad_specs/nothing-to-generate.yaml": "fails the OpenAPI schema",
    "bad_specs/swagger-2.0-places-as-written.yaml": "the port stops at an unresolvable reference",
    "bad_specs/unresolvable-ref.yaml": "the port stops at an unresolvable reference",
}


def diagnostics(spec: Path, monkeypatch: pytest.MonkeyPatch, which: str) -> list[str]:
    monkeypatch.setenv("OAPIGEN_VALIDATOR", which)
    docs, diags = load_and_check(Config(spec=spec))
    return [d.format() for d in diags.items]


def compare(spec: Path, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = load_documents(spec, Diagnostics())
    name = _validator_class(docs.root.data, Diagnostics()) if docs else None
    if docs is None or name is None:
        return  # nothing is validated: a document oapigen does not read, or cannot load
    answered = findings(name, docs) is not None
    assert answered == (key not in REFERENCE_ONLY), REFERENCE_ONLY.get(
        key, "the port should have answered"
    )
    port = diagnostics(spec, monkeypatch, "auto")
    assert port == diagnostics(spec, monkeypatch, "reference")


@pytest.mark.parametrize("main_file", corpus())
def test_corpus_document(
    main_file: str, shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compare(shared_dir / "specs" / main_file, main_file, monkeypatch)


@pytest.mark.parametrize("case", BAD)
def test_bad_spec(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD_SPECS)
    compare(Path(case), f"bad_specs/{case}", monkeypatch)


def test_the_list_names_only_documents_that_exist(shared_dir: Path) -> None:
    for key in REFERENCE_ONLY:
        folder = BAD_SPECS.parent if key.startswith("bad_specs/") else shared_dir / "specs"
        assert (folder / key).is_file(), key


def test_the_port_is_installed_in_ci() -> None:
    """CI installs the project with its default dependencies, the port among them on Linux x86-64."""
    try:
        import openapi_spec_validator_rs  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("openapi-spec-validator-rs is not installed")
        pytest.skip("openapi-spec-validator-rs is not installed")
