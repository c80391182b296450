"""Fewer, meaningful modules: an inline schema only one model uses lives in that model's
module, as the official OpenAI SDK nests sub-models; the rest keep modules of their own."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.clientgen import client_spec, generate_client, import_client, mypy_strict

DOCUMENT = """\
openapi: 3.1.0
info: {title: Shop, version: '1'}
paths:
  /orders:
    post:
      operationId: addOrder
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Order'}
      responses:
        '200':
          description: the order
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
  /nodes:
    get:
      operationId: getNode
      responses:
        '200':
          description: a tree
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
  /events:
    get:
      operationId: getEvents
      responses:
        '200':
          description: the events
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Events'}
components:
  schemas:
    Order:
      type: object
      required: [shipping]
      properties:
        shipping:
          description: Where it goes.
          type: object
          properties:
            address:
              type: object
              required: [street]
              properties:
                street: {type: string}
        parent: {$ref: '#/components/schemas/Order'}
    Node:
      type: object
      required: [type]
      properties:
        type: {type: string, const: node}
        children:
          type: array
          items:
            oneOf:
              - {$ref: '#/components/schemas/Node'}
              - type: object
                required: [type]
                properties:
                  type: {type: string, const: leaf}
                  owner: {$ref: '#/components/schemas/Node'}
            discriminator: {propertyName: type}
    Created:
      oneOf:
        - type: object
          required: [event]
          properties:
            event: {type: string, const: created}
    Events:
      oneOf:
        - {$ref: '#/components/schemas/Created'}
        - type: object
          required: [event]
          properties:
            event: {type: string, const: done}
      discriminator: {propertyName: event}
"""


def test_inline_schemas_one_model_uses_live_in_its_module(tmp_path: Path) -> None:
    spec = tmp_path / "shop.yaml"
    spec.write_text(DOCUMENT, encoding="utf-8")
    models = {m.name: m for m in client_spec(spec, "shop").models}
    modules = {name: m.module for name, m in models.items()}
    # a property's object, and the object inside it: a chain goes to its top
    assert modules["OrderShipping"] == modules["OrderShippingAddress"] == "order"
    assert models["OrderShippingAddress"].holder == "OrderShipping"
    assert models["OrderShipping"].holder == "Order"
    assert [n.name for n in models["Order"].nested] == [
        "OrderShippingAddress",
        "OrderShipping",
    ]
    # an inline union in a cycle with the model holding it: nested, and read on first use,
    # as Node is defined after it
    nested = {n.name: n for n in models["Node"].nested}
    item = next(n for n in nested.values() if n.kind == "alias")
    assert item.holder == "Node" and item.lazy and item.module == "node"
    assert all(n.module == "node" for n in nested.values())
    # an inline schema two models use (Created's one variant, which Events names too) and
    # every component keep modules of their own
    shared = [
        m
        for m in models.values()
        if m.pointer.startswith("#/components/schemas/Created/")
    ]
    assert len(shared) == 1 and not shared[0].holder
    assert shared[0].module not in ("created", "events")
    for name in ("Order", "Node", "Created", "Events"):
        assert not models[name].holder
    # no module imports itself
    for m in models.values():
        assert m.module not in {module for module, _ in m.imports}


def test_the_nested_package_imports_and_passes_mypy_strict(tmp_path: Path) -> None:
    spec = tmp_path / "shop.yaml"
    spec.write_text(DOCUMENT, encoding="utf-8")
    out = generate_client(spec, tmp_path / "out", "shop")
    written = {p.stem for p in (out / "shop" / "models").glob("*.py")}
    assert "order" in written and "order_shipping" not in written
    assert "order_shipping_address" not in written
    models = import_client(out, "shop.models")
    try:
        order = models.Order.model_validate(
            {"shipping": {"address": {"street": "Main"}}, "parent": None}
        )
        assert type(order.shipping.address).__name__ == "OrderShippingAddress"
        node = models.Node.model_validate(
            {"type": "node", "children": [{"type": "leaf", "owner": {"type": "node"}}]}
        )
        assert type(node.children[0].owner).__name__ == "Node"
        for name in models.__all__:
            getattr(models, name)  # every name still exported
    finally:
        for name in [n for n in sys.modules if n == "shop" or n.startswith("shop.")]:
            del sys.modules[name]
    checked = mypy_strict(out, "shop")
    assert checked.returncode == 0, checked.stdout
