"""Where a model module imports the models it names: at its top, as any Python module does,
unless its module is part of an import cycle; then at its end, after its own classes, so that
whichever module of the cycle loads first, the other finds its classes defined."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.clientgen import client_spec, generate_client, mypy_strict

DOCUMENT = """\
openapi: 3.1.0
info: {title: Family, version: '1'}
paths: {}
components:
  schemas:
    Parent:
      type: object
      properties:
        name: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Child'}}
        pet: {$ref: '#/components/schemas/Pet'}
    Child:
      type: object
      properties:
        parent: {$ref: '#/components/schemas/Parent'}
    Pet:
      type: object
      properties:
        label: {$ref: '#/components/schemas/Label'}
    Label:
      type: object
      properties:
        text: {type: string}
"""

# Loads one module of the cycle first, in a new process, and reads a family through it.
SCRIPT = """
import importlib, json, sys
first = importlib.import_module("family.models." + sys.argv[1])
from family.models import Parent
parent = Parent.model_validate(
    {"name": "Ann", "children": [{"parent": {"name": "Bob"}}], "pet": {"label": {"text": "x"}}}
)
print(json.dumps([parent.children[0].parent.name, parent.pet.label.text]))
"""


def _document(tmp_path: Path) -> Path:
    spec = tmp_path / "family.yaml"
    spec.write_text(DOCUMENT, encoding="utf-8")
    return spec


def test_only_the_modules_of_a_cycle_import_their_models_last(tmp_path: Path) -> None:
    spec = _document(tmp_path)
    models = {m.name: m for m in client_spec(spec, "family").models}
    assert models["Parent"].in_cycle and models["Child"].in_cycle
    assert not models["Pet"].in_cycle and not models["Label"].in_cycle
    out = generate_client(spec, tmp_path / "out", "family")
    folder = out / "family" / "models"
    pet = (folder / "pet.py").read_text()
    assert pet.index("from .label import Label") < pet.index("class Pet(")
    assert "Imported last" not in pet
    parent = (folder / "parent.py").read_text()
    assert parent.index("class Parent(") < parent.index("from .child import Child")
    # Pet is outside the cycle: imported last too, with the cycle's own
    assert parent.index("class Parent(") < parent.index("from .pet import Pet")


def test_each_module_of_a_cycle_can_load_first(tmp_path: Path) -> None:
    out = generate_client(_document(tmp_path), tmp_path / "out", "family")
    for first in ("parent", "child", "pet"):
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, first],
            cwd=out,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, (first, done.stderr)
        assert json.loads(done.stdout) == ["Bob", "x"]
    checked = mypy_strict(out, "family")
    assert checked.returncode == 0, checked.stdout
