"""Where a model module imports the models it names: at its top, as any Python module does,
unless its module is part of an import cycle; then at its end, after its own classes, so that
whichever module of the cycle loads first, the other finds its classes defined. And when it
defers its annotations (``from __future__ import annotations``): only when one names a class
Python has not defined yet."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.clientgen import client_spec, generate_client, mypy_strict

DOCUMENT = """\
openapi: 3.1.0
info: {title: Family, version: '1'}
paths:
  /trees:
    post:
      operationId: plantTree
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Tree'}
      responses:
        '204': {description: planted}
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
    Tree:
      type: object
      properties:
        branches: {type: array, items: {$ref: '#/components/schemas/Tree'}}
        leaf:
          type: object
          properties:
            shade: {$ref: '#/components/schemas/Label'}
"""

# Loads one module of the cycle first, in a new process, and reads a family through it.
SCRIPT = """
import importlib, json, sys
first = importlib.import_module("family.models." + sys.argv[1])
from family.models import Parent
parent = Parent.model_validate(
    {"name": "Ann", "children": [{"parent": {"name": "Bob"}}], "pet": {"label": {"text": "x"}}}
)
from family.models import Tree, TreeParam
tree = Tree.model_validate({"branches": [{"leaf": {"shade": {"text": "dark"}}}]})
print(json.dumps([parent.children[0].parent.name, parent.pet.label.text,
                  tree.branches[0].leaf.shade.text, sorted(TreeParam.__annotations__)]))
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
    for first in ("parent", "child", "pet", "tree"):
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, first],
            cwd=out,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, (first, done.stderr)
        assert json.loads(done.stdout) == ["Bob", "x", "dark", ["branches", "leaf"]]
    checked = mypy_strict(out, "family")
    assert checked.returncode == 0, checked.stdout


def test_only_a_module_naming_a_class_not_yet_defined_defers_its_annotations(
    tmp_path: Path,
) -> None:
    out = generate_client(_document(tmp_path), tmp_path / "out", "family")
    folder = out / "family" / "models"
    future = "from __future__ import annotations"
    # a cycle's modules import their models last; a tree names itself
    for module in ("parent", "child", "tree"):
        assert future in (folder / f"{module}.py").read_text(), module
    # its models imported first, and its nested class defined before the class using it
    for module in ("pet", "label"):
        assert future not in (folder / f"{module}.py").read_text(), module
