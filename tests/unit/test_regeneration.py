"""A document edit changes only the files it concerns: no header names the document's digest
(the manifest does), so a description edit shows up in review as a diff of a few files.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.writer import MANIFEST

DOCUMENT = """\
openapi: 3.1.0
info: {title: Pets, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      tags: [pets]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: the pet
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /owners:
    post:
      operationId: addOwner
      tags: [owners]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Owner'}
      responses:
        '204': {description: added}
components:
  schemas:
    Pet:
      description: %s
      type: object
      properties:
        name: {type: string}
        owner: {$ref: '#/components/schemas/Owner'}
    Owner:
      description: Someone who keeps pets.
      type: object
      properties:
        name: {type: string}
"""


def generate(spec: Path, out: Path) -> dict[str, bytes]:
    result = CliRunner().invoke(main, ["generate", str(spec), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file()
    }


def changed_by(tmp_path: Path, before: str, after: str) -> list[str]:
    """The files that differ between the packages generated from two versions of a document
    (the package folder written as ``PKG``)."""
    spec, out = tmp_path / "pets.yaml", tmp_path / "out"
    spec.write_text(before, encoding="utf-8")
    old = generate(spec, out)
    spec.write_text(after, encoding="utf-8")
    new = generate(spec, out)
    assert set(new) == set(old)
    package = next(p.split("/")[0] for p in new if p.endswith("/py.typed"))
    return sorted(p.replace(package + "/", "PKG/", 1) for p in new if new[p] != old[p])


def test_a_model_description_edit_changes_its_module_doc_and_manifest(
    tmp_path: Path,
) -> None:
    edited = DOCUMENT % "A pet, as the shop knows it."
    changed = changed_by(tmp_path, DOCUMENT % "A pet.", edited)
    assert changed == [MANIFEST, "PKG/models/pet.py", "docs/Pet.md"]


def test_an_added_operation_changes_its_api_module_doc_index_and_manifest(
    tmp_path: Path,
) -> None:
    listing = """\
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        '200':
          description: the pets
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
"""
    text = DOCUMENT % "A pet."
    changed = changed_by(
        tmp_path, text, text.replace("  /owners:\n", listing + "  /owners:\n")
    )
    # README.md is the package's index of operations
    assert changed == [MANIFEST, "PKG/api/pets.py", "README.md", "docs/PetsApi.md"]


def test_an_edit_of_a_flattened_model_changes_the_api_docs_that_show_its_fields(
    tmp_path: Path,
) -> None:
    """Owner's properties are add_owner's keyword arguments: the API's doc page lists them,
    and so do the docstrings of its methods (the field's own docstring is in Owner's module)."""
    owner_name = "        name: {type: string}\n"
    described = "        name: {type: string, description: How the owner is called.}\n"
    text = DOCUMENT % "A pet."
    at = text.index("    Owner:")
    edited = text[:at] + text[at:].replace(owner_name, described)
    changed = changed_by(tmp_path, text, edited)
    assert changed == [
        MANIFEST,
        "PKG/api/owners.py",
        "PKG/models/owner.py",
        "docs/Owner.md",
        "docs/OwnersApi.md",
    ]



def test_a_description_edit_of_a_nested_model_changes_its_holders_module(
    tmp_path: Path,
) -> None:
    """Pet's collar is an inline schema only Pet uses: its class is in Pet's module."""
    owner = "        owner: {$ref: '#/components/schemas/Owner'}\n"
    collar = (
        "        collar:\n"
        "          description: %s\n"
        "          type: object\n"
        "          properties: {colour: {type: string}}\n"
    )
    text = (DOCUMENT % "A pet.").replace(owner, owner + collar)
    changed = changed_by(tmp_path, text % "Worn.", text % "Worn round the neck.")
    assert changed == [MANIFEST, "PKG/models/pet.py", "docs/Pet.md", "docs/PetCollar.md"]
