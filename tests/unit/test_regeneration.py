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


def test_a_model_description_edit_changes_its_module_doc_and_manifest(
    tmp_path: Path,
) -> None:
    spec, out = tmp_path / "pets.yaml", tmp_path / "out"
    spec.write_text(DOCUMENT % "A pet.", encoding="utf-8")
    before = generate(spec, out)
    spec.write_text(DOCUMENT % "A pet, as the shop knows it.", encoding="utf-8")
    after = generate(spec, out)
    assert set(after) == set(before)
    changed = sorted(p for p in after if after[p] != before[p])
    package = next(p.split("/")[0] for p in after if p.endswith("/py.typed"))
    assert changed == [MANIFEST, "docs/Pet.md", f"{package}/models/pet.py"]
