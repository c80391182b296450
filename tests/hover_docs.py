"""Reading what an editor shows on hover from a generated package: attribute docstrings (from
the source, where they live), the sections of a method's docstring, and the share of the
document's described fields and parameters that carry their description."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.ir import Spec


def attribute_docstrings(source: str) -> dict[str, dict[str, str]]:
    """Per class of ``source``, the docstring right after each annotated attribute."""
    found: dict[str, dict[str, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            docs = found.setdefault(node.name, {})
            for this, after in zip(node.body, node.body[1:]):
                if (
                    isinstance(this, ast.AnnAssign)
                    and isinstance(this.target, ast.Name)
                    and isinstance(after, ast.Expr)
                    and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)
                ):
                    docs[this.target.id] = inspect.cleandoc(after.value.value)
    return found


def section(doc: str, title: str) -> str:
    """The text of a Google-style section: its indented lines (blank ones between them
    included), up to the next line that is not indented."""
    start = doc.index(f"\n{title}:\n") + len(title) + 3
    end = re.compile(r"\n+(?=\S)").search(doc, start)
    return doc[start : end.start() if end else None]


@dataclass
class Share:
    """Described fields and parameters, and those whose description is not where an editor
    looks (``missing``, each as ``Class.name``)."""

    described: int = 0
    missing: list[str] = field(default_factory=list)

    def count(self, where: str, shown: bool) -> None:
        self.described += 1
        if not shown:
            self.missing.append(where)

    @property
    def carried(self) -> int:
        return self.described - len(self.missing)


def docstring_share(spec: Spec, out: Path) -> Share:
    """Over the described model fields, ``Param`` keys and method arguments of the package
    generated from ``spec`` into ``out`` (importable from there): which carry their
    description as a docstring (a field's own, or an ``Args:`` entry of the method)."""
    share = Share()
    for model in spec.models:
        if model.kind != "object":
            continue
        path = out / spec.package / "models" / f"{model.module}.py"
        docs = attribute_docstrings(path.read_text(encoding="utf-8"))
        for f in model.fields:
            if not f.description:
                continue
            first = f.description.split()[0]
            if not f.write_only:
                shown = docs.get(model.name, {}).get(f.name, "")
                share.count(f"{model.name}.{f.name}", shown.startswith(first))
            if model.has_param and not f.read_only:
                shown = docs.get(model.param_name, {}).get(f.wire_name, "")
                share.count(
                    f"{model.param_name}.{f.wire_name}", shown.startswith(first)
                )
    for api in spec.apis:
        module = importlib.import_module(f"{spec.package}.api.{api.module}")
        cls = getattr(module, api.class_name)
        for op in api.operations:
            args = section(inspect.getdoc(getattr(cls, op.name)) or "", "Args")
            described = [(p.name, p.description) for p in op.parameters if p.name]
            if op.body:
                described += [(f.name, f.description) for f in op.body.fields]
            for name, description in described:
                if description:
                    entry = f"    {name}: {description.split()[0]}"
                    share.count(f"{api.class_name}.{op.name}({name})", entry in args)
    return share
