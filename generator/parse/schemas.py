"""Schemas to types: every JSON Schema node of the document becomes a TypeRef, and every object
schema a model class, named from where it sits.

Naming rule for inline schemas: an object under property ``p`` of ``Parent`` is ``ParentP``; the
items of an array are named as the array would be, plus ``Item``; the variants of a union are
named after their discriminator value when they have one, else ``<Parent>Variant<N>`` (1-based);
request bodies are ``<OperationId>Request`` and responses ``<OperationId>Response``. Names taken
already get the first free numeric suffix, component schemas claiming theirs first.

``allOf`` parts are merged into one model: required lists are joined, and a property defined in
several parts takes its type from the last part that defines it, nullable when any part allows
null (the lenient reading keeps responses parseable whatever the server sends).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostics
from generator.ir import Field, Model, TypeRef
from generator.loader import Document, DocumentSet, pointer as make_pointer
from generator.naming import (
    ANNOTATION_BUILTINS,
    PYDANTIC_ATTRIBUTES,
    RESERVED_CLASS_NAMES,
    UniqueNames,
    class_name,
    identifier,
    pascal_case,
)
from generator.parse import types as T
from generator.refs import Resolved, resolve

FIELD_RESERVED = PYDANTIC_ATTRIBUTES | ANNOTATION_BUILTINS
_FORMATS = {"date-time": "datetime", "date": "date", "uuid": "uuid", "binary": "file"}
_OBJECT_KEYS = ("properties", "additionalProperties", "patternProperties")


@dataclass(frozen=True)
class Located:
    """A schema node with the document it lives in and its JSON pointer there."""

    node: Any
    document: Document
    pointer: str
    in_root: bool = True

    @classmethod
    def of(cls, target: Resolved) -> Located:
        return cls(target.node, target.document, target.pointer, target.in_root)

    @property
    def location(self) -> str:
        """How diagnostics name the place: a pointer, prefixed by the file outside the root."""
        return self.pointer if self.in_root else f"{self.document.name}{self.pointer}"

    def child(self, *parts: str | int) -> Located:
        node = self.node
        for part in parts:
            node = node[part]
        return Located(node, self.document, _join(self.pointer, *parts), self.in_root)

    def sibling(self, node: Any) -> Located:
        """A node made from this one (a merged or rewritten schema), reported at this place."""
        return Located(node, self.document, self.pointer, self.in_root)


def _join(base: str, *parts: str | int) -> str:
    return base.rstrip("/") + make_pointer(*parts)[1:] if parts else base


@dataclass
class _Draft:
    name: str
    module: str
    pointer: str
    description: str
    fields: list[Field] = field(default_factory=list)
    alias: TypeRef | None = None
    done: bool = False


@dataclass
class SchemaBuilder:
    """Builds types for one document set; holds the registry of named models while it works."""

    docs: DocumentSet
    diags: Diagnostics
    class_names: UniqueNames = field(default_factory=UniqueNames)
    module_names: UniqueNames = field(default_factory=UniqueNames)
    drafts: dict[str, _Draft] = field(default_factory=dict)
    named: dict[tuple[str, str], str] = field(default_factory=dict)
    types: dict[tuple[str, str], TypeRef] = field(default_factory=dict)
    building: set[tuple[str, str]] = field(default_factory=set)
    roots: list[Located] = field(default_factory=list)
    any_fields: int = 0

    # -- names -------------------------------------------------------------------------------

    def claim(self, wanted: str, pointer: str, description: str = "") -> _Draft:
        name = self.class_names.claim(class_name(wanted))
        module = self.module_names.claim(
            identifier(name, fallback="model"), separator="_"
        )
        draft = _Draft(name, module, pointer, description)
        self.drafts[name] = draft
        return draft

    def reserve_components(self) -> None:
        """Component schemas claim their names before any inline schema can take them."""
        schemas = self.docs.root.data.get("components", {}).get("schemas", {})
        if not isinstance(schemas, dict):
            return
        root = Located(schemas, self.docs.root, "#/components/schemas")
        for key in schemas:
            located = root.child(key)
            self.named[_key(located)] = self.claim(key, located.location).name

    def build_components(self) -> int:
        """Builds every component schema; returns how many were built."""
        self.reserve_components()
        schemas = self.docs.root.data.get("components", {}).get("schemas", {})
        root = Located(schemas, self.docs.root, "#/components/schemas")
        built = 0
        for key in schemas if isinstance(schemas, dict) else ():
            if self.named_type(root.child(key)) is not None:
                built += 1
        return built

    # -- types -------------------------------------------------------------------------------

    def named_type(self, target: Located) -> TypeRef:
        """The type of a schema that has a name of its own (a component, or an external file)."""
        key = _key(target)
        if key in self.types:
            return self.types[key]
        name = self.named.get(key)
        if name is None:
            last = (
                target.pointer.rsplit("/", 1)[-1]
                if target.pointer.count("/") > 1
                else ""
            )
            wanted = last or target.document.path.stem
            name = self.claim(wanted, target.location).name
            self.named[key] = name
        draft = self.drafts[name]
        if key in self.building:
            if self._is_object(target):
                return T.model(name)
            self.diags.warning(target.location, "recursive type alias: typed as Any")
            return T.UNKNOWN
        self.building.add(key)
        self.roots.append(target)
        try:
            node = target.node
            draft.description = (
                _text(node.get("description")) if isinstance(node, dict) else ""
            )
            result = self.type_of(target, name, named=True)
        finally:
            self.roots.pop()
            self.building.discard(key)
        if T.model(name) not in (result, *result.items):
            draft.alias = result
        draft.done = True
        self.types[key] = result
        return result

    def type_of(self, at: Located, hint: str, *, named: bool = False) -> TypeRef:
        node = at.node
        if isinstance(node, bool):
            return T.ANY if node else T.NONE
        if not isinstance(node, dict):
            self.diags.warning(at.location, "schema is not an object: typed as Any")
            return T.UNKNOWN
        if "$ref" in node:
            return self._ref_type(at, hint)
        if "$recursiveRef" in node or "$dynamicRef" in node:
            return self._recursive_type(at)
        result = self._plain_type(at, hint, named=named)
        if node.get("nullable") is True:
            result = T.nullable(result)
        return result

    def _ref_type(self, at: Located, hint: str) -> TypeRef:
        node = at.node
        target = resolve(self.docs, at.document, node["$ref"])
        if isinstance(target, str):
            self.diags.error(at.location, target)
            return T.UNKNOWN
        located = Located.of(target)
        siblings = {
            k: v for k, v in node.items() if k not in _ANNOTATION_KEYS and k != "$ref"
        }
        if siblings.keys() - {"nullable", "type"}:
            merged = {"allOf": [{"$ref": node["$ref"]}, siblings]}
            return self._plain_type(at.sibling(merged), hint)
        result = self.named_type(located)
        if node.get("nullable") is True or _allows_null(siblings.get("type")):
            result = T.nullable(result)
        return result

    def _recursive_type(self, at: Located) -> TypeRef:
        anchored = [
            r
            for r in self.roots
            if isinstance(r.node, dict) and r.node.get("$recursiveAnchor")
        ]
        target = (anchored or self.roots or [at])[-1]
        if target is at:
            self.diags.warning(
                at.location, "recursive reference outside a named schema: typed as Any"
            )
            return T.UNKNOWN
        return self.named_type(target)

    def _plain_type(self, at: Located, hint: str, *, named: bool = False) -> TypeRef:
        node: dict[str, Any] = at.node
        if "const" in node:
            return T.literal([node["const"]])
        if (
            isinstance(node.get("enum"), list)
            and node["enum"]
            and _scalars(node["enum"])
        ):
            values = node["enum"]
            result = T.literal(v for v in values if v is not None)
            if not result.values:
                return T.NONE
            return (
                T.nullable(result)
                if None in values or _allows_null(node.get("type"))
                else result
            )
        if "allOf" in node:
            return self._all_of(at, hint, named=named)
        for key in ("oneOf", "anyOf"):
            if isinstance(node.get(key), list) and not _constraint_only(node[key]):
                if "properties" in node and node.get("type", "object") == "object":
                    break  # shared properties with variant constraints: one model
                return self._union(at, key, hint)
        types = node.get("type")
        if isinstance(types, list):
            non_null = [t for t in types if t != "null"]
            if len(non_null) > 1:
                variants = [
                    self._plain_type(at.sibling({**node, "type": t}), hint)
                    for t in non_null
                ]
                result = T.union(variants)
            elif non_null:
                result = self._single_type(at, non_null[0], hint, named=named)
            else:
                result = T.NONE
            return T.nullable(result) if "null" in types else result
        if types is None and any(k in node for k in _OBJECT_KEYS):
            types = "object"
        if types is None and "items" in node:
            types = "array"
        return self._single_type(at, types, hint, named=named)

    def _single_type(
        self, at: Located, kind: object, hint: str, *, named: bool
    ) -> TypeRef:
        node = at.node
        if kind == "string":
            return T.primitive(_FORMATS.get(node.get("format"), "str"))
        if kind == "integer":
            return T.primitive("int")
        if kind == "number":
            return T.primitive("float")
        if kind == "boolean":
            return T.primitive("bool")
        if kind == "null":
            return T.NONE
        if kind == "array":
            items = node.get("items")
            if items is None:
                return T.list_of(T.ANY)
            return T.list_of(self.type_of(at.child("items"), _item_hint(hint)))
        if kind == "object":
            return self._object(at, hint, named=named)
        if kind is None:
            return T.ANY
        self.diags.warning(at.location, f"unknown type {kind!r}: typed as Any")
        return T.UNKNOWN

    def _object(self, at: Located, hint: str, *, named: bool) -> TypeRef:
        node = at.node
        properties = node.get("properties")
        if not isinstance(properties, dict) or not properties:
            extra = node.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return T.map_of(
                    self.type_of(at.child("additionalProperties"), hint + "Value")
                )
            return T.map_of(T.ANY)
        merged = _Merged(
            properties={k: at.child("properties", k) for k in properties},
            required=_required(node),
        )
        return self._model_from(at, merged, hint, named=named)

    def _model_from(
        self, at: Located, merged: _Merged, hint: str, *, named: bool
    ) -> TypeRef:
        draft = (
            self.drafts[hint]
            if named
            else self.claim(hint, at.location, _text(at.node.get("description")))
        )
        used: set[str] = set()
        for wire, prop in merged.properties.items():
            prop_type = self.type_of(prop, draft.name + pascal_case(str(wire)))
            if wire in merged.nullable:
                prop_type = T.nullable(prop_type)
            if T.is_unknown(prop_type):
                self.any_fields += 1
            name = identifier(
                str(wire), reserved=frozenset(FIELD_RESERVED | used), fallback="field"
            )
            used.add(name)
            schema = prop.node if isinstance(prop.node, dict) else {}
            required = wire in merged.required
            draft.fields.append(
                Field(
                    name=name,
                    wire_name=str(wire),
                    type=prop_type,
                    required=required,
                    annotation=T.response_annotation(prop_type),
                    param_annotation=T.request_annotation(prop_type),
                    description=_text(schema.get("description")),
                    default=(
                        repr(schema["default"])
                        if "default" in schema and _scalars([schema["default"]])
                        else None
                    ),
                    read_only=schema.get("readOnly") is True,
                    write_only=schema.get("writeOnly") is True,
                    deprecated=schema.get("deprecated") is True,
                    pointer=prop.location,
                )
            )
        draft.done = True
        return T.model(draft.name)

    def _all_of(self, at: Located, hint: str, *, named: bool) -> TypeRef:
        node = at.node
        parts = [at.child("allOf", i) for i in range(len(node["allOf"]))]
        rest = {
            k: v for k, v in node.items() if k != "allOf" and k not in _ANNOTATION_KEYS
        }
        if len(parts) == 1 and not (rest.keys() - {"nullable", "type"}):
            result = self.type_of(parts[0], hint)
            return T.nullable(result) if _allows_null(rest.get("type")) else result
        merged = _Merged()
        for part in parts:
            self._merge(part, merged, depth=0)
        if rest:
            self._merge(at.sibling(rest), merged, depth=0)
        if not merged.properties:
            objectish = [p for p in parts if self._is_object(p)]
            if not objectish:
                return self.type_of(parts[0], hint)
            return T.map_of(T.ANY)
        return self._model_from(at, merged, hint, named=named)

    def _merge(self, part: Located, merged: _Merged, depth: int) -> None:
        node = part.node
        if depth > 64 or not isinstance(node, dict):
            return
        if "$ref" in node:
            target = resolve(self.docs, part.document, node["$ref"])
            if isinstance(target, str):
                self.diags.error(part.location, target)
                return
            self._merge(Located.of(target), merged, depth + 1)
        for i in range(len(node.get("allOf", ()))):
            self._merge(part.child("allOf", i), merged, depth + 1)
        for wire, prop in (node.get("properties") or {}).items():
            located = part.child("properties", wire)
            previous = merged.properties.get(wire)
            if previous is not None and (
                _nullable_schema(previous.node) or wire in merged.nullable
            ):
                merged.nullable.add(wire)
            if previous is not None and _nullable_schema(prop):
                merged.nullable.add(wire)
            if previous is None or _has_type(prop) or not _has_type(previous.node):
                merged.properties[wire] = located
        merged.required |= _required(node)

    def _union(self, at: Located, key: str, hint: str) -> TypeRef:
        node = at.node
        located = [at.child(key, i) for i in range(len(node[key]))]
        discriminator = node.get("discriminator", {})
        tag = (
            discriminator.get("propertyName")
            if isinstance(discriminator, dict)
            else None
        )
        variants = []
        for i, variant in enumerate(located, start=1):
            variant_hint = self._variant_hint(variant, hint, tag, i)
            variants.append(self.type_of(variant, variant_hint))
        if tag is not None:
            values = [self._tag_value(v, tag) for v in variants if v.kind != "none"]
            if None in values or len(set(values)) < len(values):
                tag = None  # pydantic needs one distinct literal per variant
        result = T.union(variants, discriminator=tag)
        return T.nullable(result) if _allows_null(node.get("type")) else result

    def _variant_hint(
        self, variant: Located, hint: str, tag: str | None, index: int
    ) -> str:
        node = variant.node
        if (
            isinstance(node, dict)
            and isinstance(node.get("title"), str)
            and node["title"].strip()
        ):
            return hint + pascal_case(node["title"])
        values = _tag_values(node, tag) if tag and isinstance(node, dict) else ()
        if len(values) == 1:
            return hint + pascal_case(str(values[0]))
        return f"{hint}Variant{index}"

    def _tag_value(self, t: TypeRef, tag: str) -> Any:
        """The value that tells union variant ``t`` apart: its tag field must be a required,
        single-valued literal (what pydantic's tagged unions need); None otherwise."""
        draft = self.drafts.get(t.name) if t.kind == "model" else None
        if draft is None or not draft.done:
            return None
        for f in draft.fields:
            if (
                f.wire_name == tag
                and f.required
                and f.type.kind == "literal"
                and len(f.type.values) == 1
            ):
                return f.type.values[0]
        return None

    def _is_object(self, at: Located, depth: int = 0) -> bool:
        node = at.node
        if not isinstance(node, dict) or depth > 32:
            return False
        if "$ref" in node:
            target = resolve(self.docs, at.document, node["$ref"])
            return not isinstance(target, str) and self._is_object(
                Located.of(target), depth + 1
            )
        if isinstance(node.get("properties"), dict) and node["properties"]:
            return True
        return any(
            self._is_object(at.child("allOf", i), depth + 1)
            for i in range(len(node.get("allOf", ())))
        )

    # -- results -----------------------------------------------------------------------------

    def models(self, request_models: set[str]) -> tuple[Model, ...]:
        """The finished models, in the order they were named."""
        modules = {d.name: d.module for d in self.drafts.values()}
        result = []
        for draft in self.drafts.values():
            if draft.alias is not None:
                result.append(
                    Model(
                        name=draft.name,
                        module=draft.module,
                        kind="alias",
                        pointer=draft.pointer,
                        description=draft.description,
                        alias_annotation=T.response_annotation(draft.alias),
                        alias_type=draft.alias,
                        imports=_imports(draft.alias.models(), (), modules, draft.name),
                    )
                )
                continue
            if not draft.fields and not draft.done:
                continue
            response_refs = [
                n for f in draft.fields if not f.write_only for n in f.type.models()
            ]
            has_param = draft.name in request_models
            param_refs = (
                [n for f in draft.fields if not f.read_only for n in f.type.models()]
                if has_param
                else []
            )
            result.append(
                Model(
                    name=draft.name,
                    module=draft.module,
                    kind="object",
                    pointer=draft.pointer,
                    description=draft.description,
                    fields=tuple(draft.fields),
                    has_param=has_param,
                    param_name=f"{draft.name}Param",
                    param_functional=any(
                        _needs_functional(f.wire_name) for f in draft.fields
                    ),
                    imports=_imports(response_refs, param_refs, modules, draft.name),
                )
            )
        return tuple(result)

    def request_closure(self, roots: list[TypeRef]) -> set[str]:
        """Models reachable from request bodies: they get a ``Param`` TypedDict."""
        seen: set[str] = set()
        stack = [n for t in roots for n in t.models()]
        while stack:
            name = stack.pop()
            if name in seen or name not in self.drafts:
                continue
            seen.add(name)
            for f in self.drafts[name].fields:
                if not f.read_only:
                    stack.extend(f.type.models())
        return seen


@dataclass
class _Merged:
    properties: dict[str, Located] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    nullable: set[str] = field(default_factory=set)


_ANNOTATION_KEYS = frozenset(
    {
        "description",
        "title",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "default",
        "externalDocs",
    }
)
_KEYWORDS = frozenset(__import__("keyword").kwlist)


def _key(at: Located) -> tuple[str, str]:
    return (str(at.document.path), at.pointer)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _scalars(values: list[Any]) -> bool:
    return all(v is None or isinstance(v, (str, int, float, bool)) for v in values)


def _allows_null(types: object) -> bool:
    return types == "null" or (isinstance(types, list) and "null" in types)


def _nullable_schema(node: object) -> bool:
    if not isinstance(node, dict):
        return False
    if node.get("nullable") is True or _allows_null(node.get("type")):
        return True
    variants = node.get("anyOf") or node.get("oneOf") or []
    return any(isinstance(v, dict) and v.get("type") == "null" for v in variants)


def _has_type(node: object) -> bool:
    return isinstance(node, dict) and bool(node.keys() - _ANNOTATION_KEYS)


def _required(node: dict[str, Any]) -> set[str]:
    required = node.get("required")
    return (
        {r for r in required if isinstance(r, str)}
        if isinstance(required, list)
        else set()
    )


def _constraint_only(variants: list[Any]) -> bool:
    """``oneOf: [{required: [a]}, {required: [b]}]`` constrains; it declares no types."""
    shape = {
        "$ref",
        "type",
        "properties",
        "items",
        "enum",
        "const",
        "allOf",
        "anyOf",
        "oneOf",
    }
    return all(isinstance(v, dict) and not (v.keys() & shape) for v in variants)


def _tag_values(node: dict[str, Any], tag: str) -> tuple[Any, ...]:
    prop = (node.get("properties") or {}).get(tag)
    if not isinstance(prop, dict):
        return ()
    if "const" in prop:
        return (prop["const"],)
    enum = prop.get("enum")
    return tuple(enum) if isinstance(enum, list) else ()


def _item_hint(hint: str) -> str:
    return hint + "Item"


def _imports(
    names: Any, param_names: Any, modules: dict[str, str], own: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Other models a module refers to, grouped by module, each ``Param`` beside its model."""
    grouped: dict[str, set[str]] = {}
    for name in names:
        if name != own and name in modules:
            grouped.setdefault(modules[name], set()).add(name)
    for name in param_names:
        if name != own and name in modules:
            grouped.setdefault(modules[name], set()).add(f"{name}Param")
    return tuple((module, tuple(sorted(grouped[module]))) for module in sorted(grouped))


def _needs_functional(key: str) -> bool:
    """TypedDict keys that the class syntax cannot hold, or that would shadow a name it uses."""
    return (
        not key.isidentifier()
        or key in _KEYWORDS
        or key in ANNOTATION_BUILTINS
        or key in RESERVED_CLASS_NAMES
    )
