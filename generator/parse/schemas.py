"""Schemas to types: every JSON Schema node of the document becomes a TypeRef, and every object
schema a model class, named from where it sits.

Naming rule for inline schemas: an object under property ``p`` of ``Parent`` is ``ParentP``; the
items of an array are named as the array would be, plus ``Item`` (``Item1``, ``Item2``... for
the positions of ``prefixItems``); the values of a map plus ``Value``; the variants of a union
after their ``title``, else their single discriminator value, else ``<Parent>Variant<N>``
(1-based); request bodies are ``<OperationId>Request``, responses
``<OperationId>Response`` (plus the status when it is not 200 or 201), parameters
``<OperationId><Parameter>`` and webhook payloads ``<Webhook>Webhook``. A name depends only on
where the schema sits, so unrelated changes to the document leave it alone. Names taken already
get the first free numeric suffix (ignoring case, so that files never collide), component
schemas claiming theirs first; each model's ``<Name>Param`` is claimed with it.

``allOf`` parts are merged into one model: required lists are joined, and a property defined in
several parts takes its type from the last part that defines it, nullable when any part allows
null (the lenient reading keeps responses parseable whatever the server sends).

Enums accept a value they do not list (a newer server's); constants (``const``, or an enum marked
``x-stainless-const``) do not. A discriminated union becomes a pydantic tagged union whose tag is
read by a function: the wire values come from ``mapping`` when present, else from each variant's
tag property (its enum or const), else from the schema's name (OpenAPI's implicit mapping);
``mapping`` keys, always strings, are read as the tag's type (``"2"`` for an integer tag is 2). A
value no variant declares is kept as an ``UnknownVariant``; a value several variants declare, or
a missing one, goes to a choice that tries each variant (then ``UnknownVariant``). A base schema
with a discriminator and no ``oneOf``, which other component schemas extend through ``allOf``
(or its ``mapping`` names), is such a union when referred to: ``<Base>Union`` of its subtypes
and itself, a value no subtype declares read as the base.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from generator.diagnostics import Diagnostics
from generator.imports import modules_in_cycles, names_in
from generator.ir import Field, Model, Scalar, TypeRef, reachable_models
from generator.loader import Document, DocumentSet, pointer as make_pointer
from generator.naming import (
    ANNOTATION_BUILTINS,
    MODEL_MODULE_RESERVED,
    PYDANTIC_ATTRIBUTES,
    RESERVED_CLASS_NAMES,
    TEMPLATE_NAMES,
    UniqueNames,
    class_name,
    identifier,
    param_form_name,
    pascal_case,
)
from generator.parse import types as T
from generator.parse.constraints import CONSTRAINT_KEYWORDS, field_constraints
from generator.refs import Resolved, is_reference, resolve

#: How many schemas deep one type may nest (a property's schema in an object's, an array's
#: items, a union's variants): an inline schema deeper is typed Any with a warning. A named
#: schema met past half of it is referred to by its name and built afterwards, so chains of
#: references of any length are built without deep recursion.
MAX_NESTING = 64
#: How many models may nest one in the next (a chain through their fields) before a warning:
#: pydantic builds them by recursion, and fails at about 80 under Python's default limit.
MAX_MODEL_DEPTH = 64
FIELD_RESERVED = PYDANTIC_ATTRIBUTES | TEMPLATE_NAMES["model"].locals
_FORMATS = {"date-time": "datetime", "date": "date", "uuid": "uuid", "binary": "file"}
# contentEncoding values: the string holds bytes, encoded so, or raw (a file in a multipart body)
_ENCODINGS = {"base64": "base64", "base64url": "base64", "binary": "file"}
# contentMediaType values of strings that hold text, not the bytes of a file
_TEXT_MEDIA = ("text/", "application/json", "application/xml", "application/yaml")
_TEXT_MEDIA_SUFFIXES = ("+json", "+xml", "+yaml")
# mypy refuses a Literal of an integer beyond 64 bits (signed, -2**63 too): such values widen to int
_LITERAL_INTS = range(-(2**63) + 1, 2**63)
_PRIMITIVE_VALUES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
}
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
    param_name: str = ""
    fields: list[Field] = field(default_factory=list)
    alias: TypeRef | None = None
    extra: TypeRef | None = None
    done: bool = False
    by_name: bool = (
        False  # an alias other types refer to by its name, not its expansion
    )
    #: referred to by name while still being built (taken for an object at that time)
    referred_early: bool = False
    #: admits keys beyond its fields (typed additionalProperties or patternProperties)
    open: bool = False


@dataclass
class SchemaBuilder:
    """Builds types for one document set, in a fixed order that ``build_spec`` follows:

    1. ``build_components``: component schemas claim their class names, then their ``Param``
       names (``reserve_components``), before any inline schema can take one; then each is
       built, a reference building its target first and a chain of them afterwards;
    2. the operations' and webhooks' inline schemas, as they are read (``type_of``);
    3. ``request_closure``: the models requests send, which get a ``Param`` form;
    4. ``models``: every model finished, in the order it was named.

    Its registries below are the one record of what is named and built.
    """

    docs: DocumentSet
    diags: Diagnostics
    #: settings: class renames keyed by the name oapigen would give; field renames keyed by
    #: the final class name, then the property's name in the document
    class_renames: Mapping[str, str] = field(default_factory=dict)
    field_renames: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    # -- registries: names claimed (classes and their Param forms, modules), each model's
    # draft by class name, and by schema (document URI, pointer) its class name and its type
    class_names: UniqueNames = field(default_factory=UniqueNames)
    module_names: UniqueNames = field(default_factory=UniqueNames)
    drafts: dict[str, _Draft] = field(default_factory=dict)
    named: dict[tuple[str, str], str] = field(default_factory=dict)
    types: dict[tuple[str, str], TypeRef] = field(default_factory=dict)
    #: component schemas extending each schema through ``allOf`` (see ``_allof_children``)
    children: dict[tuple[str, str], list[Located]] | None = None
    #: fields typed Any because the document gave no usable type
    any_fields: int = 0

    # -- work in progress: the named schemas being built (their keys, and outermost first),
    # how many schemas deep the type being built is, and the named schemas met too deep to be
    # built at once (see ``MAX_NESTING``)
    building: set[tuple[str, str]] = field(default_factory=set)
    roots: list[Located] = field(default_factory=list)
    nesting: int = 0
    deferred: list[Located] = field(default_factory=list)
    building_deferred: bool = False

    # -- names -------------------------------------------------------------------------------

    def claim(
        self,
        wanted: str,
        pointer: str,
        description: str = "",
        *,
        with_param: bool = True,
    ) -> _Draft:
        name = self.class_names.claim(class_name(wanted))
        if name in self.class_renames:
            name = self._renamed_class(name, pointer)
        module = self.module_names.claim(
            identifier(name, reserved=MODEL_MODULE_RESERVED, fallback="model"),
            separator="_",
        )
        draft = _Draft(name, module, pointer, description)
        if with_param:
            draft.param_name = self.class_names.claim(param_form_name(name))
        self.drafts[name] = draft
        return draft

    def _renamed_class(self, natural: str, pointer: str) -> str:
        """The class name the settings give, unless it is taken: then the natural one stays."""
        wanted = self.class_renames[natural]
        if wanted.lower() in self.class_names.taken or wanted in RESERVED_CLASS_NAMES:
            self.diags.warning(
                pointer, f"class-names: {natural} keeps its name: {wanted} is taken"
            )
            return natural
        return self.class_names.claim(wanted)

    def _field_name(self, model: str, wire: str, used: set[str], pointer: str) -> str:
        """The field name the settings give, else the property's name made an identifier."""
        natural = base = identifier(wire, reserved=FIELD_RESERVED, fallback="field")
        suffix = 1
        while natural in used:  # "foo bar" and "foo-bar" both want foo_bar
            suffix += 1
            natural = f"{base}_{suffix}"
        wanted = self.field_renames.get(model, {}).get(wire)
        if wanted is None:
            return natural
        if wanted in FIELD_RESERVED | used:
            self.diags.warning(
                pointer,
                f"field-names: {model}.{wire} keeps its name: {wanted} is taken",
            )
            return natural
        return wanted

    def reserve_components(self) -> None:
        """Component schemas claim their names before any inline schema can take them, and
        before any ``<Model>Param`` can (a document may name a schema ``FooParam``)."""
        schemas = _component_schemas(self.docs.root.data)
        root = Located(schemas, self.docs.root, "#/components/schemas")
        drafts = []
        for key in schemas:
            located = root.child(key)
            drafts.append(self.claim(key, located.location, with_param=False))
            self.named[_key(located)] = drafts[-1].name
        for draft in drafts:
            draft.param_name = self.class_names.claim(param_form_name(draft.name))

    @property
    def param_names(self) -> Mapping[str, str]:
        """Each model's request form (its ``Param`` TypedDict) by the model's name, read as it
        is now (a view, not a copy: it is asked for each of the document's fields)."""
        return _ParamNames(self.drafts)

    def request_annotation(self, t: TypeRef, *, top_level: bool = False) -> str:
        return T.request_annotation(t, top_level=top_level, params=self.param_names)

    def build_components(self) -> int:
        """Builds every component schema; returns how many were built."""
        self.reserve_components()
        schemas = _component_schemas(self.docs.root.data)
        root = Located(schemas, self.docs.root, "#/components/schemas")
        built = 0
        for key in schemas:
            if self.named_type(root.child(key)) is not None:
                built += 1
        return built

    # -- types -------------------------------------------------------------------------------

    def named_type(self, target: Located) -> TypeRef:
        """The type of a schema that has a name of its own (a component, or an external file)."""
        key = _key(target)
        if key in self.types:
            return self.types[key]
        name = self._name_for(target)
        draft = self.drafts[name]
        if key in self.building:
            if not self._is_object(target):
                draft.by_name = True  # a recursive alias: referred to by its name
            draft.referred_early = True
            return T.model(name)
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
        if draft.referred_early and T.model(name) not in (result, *result.items):
            # it looked like an object, and became an alias (``allOf`` of one part): the
            # references handed out name it, so it must exist by that name
            draft.by_name = True
        if T.model(name) not in (result, *result.items) or draft.by_name:
            draft.alias = result
        if draft.by_name:
            result = T.model(name)
        elif draft.alias is not None:
            result = T.named(
                result, name
            )  # referred to by its name, read by its structure
        draft.done = True
        self.types[key] = result
        if result == T.model(name) and self._is_model(name):
            # a base whose subtypes extend it: what refers to it gets them (their own
            # allOf merges the base's properties, and a mapping to the base, the model)
            result = self._polymorphic(target, name) or result
            self.types[key] = result
        self._build_deferred()
        return result

    def _polymorphic(self, base: Located, name: str) -> TypeRef | None:
        """The union of a base schema's subtypes (those extending it through ``allOf``, and
        its ``mapping``'s targets) and itself, told apart by its discriminator: a value no
        subtype declares is read as the base. None when it has no discriminator or subtype.
        """
        node = base.node
        discriminator = node.get("discriminator")
        if (
            not isinstance(discriminator, dict)
            or not isinstance(discriminator.get("propertyName"), str)
            or "oneOf" in node
            or "anyOf" in node
            or not base.in_root
        ):
            return None
        subtypes = self._subtypes(base, discriminator.get("mapping"))
        if not subtypes:
            return None
        union = {
            "oneOf": [{"$ref": s.pointer} for s in [*subtypes, base]],
            "discriminator": discriminator,
            "description": node.get("description"),
        }
        return self._union(
            base.sibling(union), "oneOf", name + "Union", named=False, fallback=name
        )

    def _subtypes(self, base: Located, mapping: object) -> list[Located]:
        """The schemas of the root document that extend ``base`` through ``allOf``, directly
        or through one another, after the targets of its ``mapping``; in document order.
        """
        found: dict[tuple[str, str], Located] = {}
        for target in mapping.values() if isinstance(mapping, dict) else ():
            resolved = self._mapping_target(base, target)
            if resolved is not None and resolved.in_root:
                found.setdefault(_key(resolved), resolved)
        children = self._allof_children()
        queue = [_key(base)]
        for parent in queue:  # grows as subtypes of subtypes are found
            for child in children.get(parent, ()):
                if _key(child) not in found:
                    found[_key(child)] = child
                    queue.append(_key(child))
        found.pop(_key(base), None)
        return list(found.values())

    def _allof_children(self) -> Mapping[tuple[str, str], list[Located]]:
        """Each schema, by key, and the component schemas that name it in their ``allOf``
        beside something of their own (a plain alias ``allOf: [X]`` is X, not a subtype).
        """
        if self.children is not None:
            return self.children
        self.children = {}
        schemas = _component_schemas(self.docs.root.data)
        root = Located(schemas, self.docs.root, "#/components/schemas")
        for key, node in schemas.items():
            parts = node.get("allOf") if isinstance(node, dict) else None
            if not isinstance(parts, list) or not _has_own_parts(node):
                continue
            for part in parts:
                if not isinstance(part, dict) or not isinstance(part.get("$ref"), str):
                    continue
                parent = resolve(self.docs, self.docs.root, part["$ref"])
                if not isinstance(parent, str):
                    child = root.child(key)
                    self.children.setdefault(_key(Located.of(parent)), []).append(child)
        return self.children

    def _name_for(self, target: Located) -> str:
        """The class name of a schema that has a name of its own, claimed on first use."""
        key = _key(target)
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
        return name

    def type_of(self, at: Located, hint: str, *, named: bool = False) -> TypeRef:
        """The type of the schema at ``at``; ``hint`` names the model an inline object
        becomes. Named schemas met deeper than ``MAX_NESTING`` are built after this one.
        """
        self.nesting += 1
        try:
            result = self._type_of(at, hint, named=named)
        finally:
            self.nesting -= 1
        self._build_deferred()
        return result

    def _type_of(self, at: Located, hint: str, *, named: bool) -> TypeRef:
        node = at.node
        if self.nesting > MAX_NESTING:
            self.diags.warning(
                at.location,
                f"schema nested more than {MAX_NESTING} schemas deep: typed as Any",
            )
            return T.UNKNOWN
        if isinstance(node, bool):
            return T.ANY if node else T.NONE
        if not isinstance(node, dict):
            self.diags.warning(at.location, "schema is not an object: typed as Any")
            return T.UNKNOWN
        if "$ref" in node:
            return self._ref_type(at, hint)
        if "$recursiveRef" in node or "$dynamicRef" in node:
            return self._recursive_type(at, hint)
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
        result = (
            self._deferred(located)
            if self.nesting >= MAX_NESTING // 2
            else self.named_type(located)
        )
        if node.get("nullable") is True or _allows_null(siblings.get("type")):
            result = T.nullable(result)
        return result

    def _deferred(self, target: Located) -> TypeRef:
        """A named schema referred to deep in a chain (each schema's property referring to
        the next): referred to by its name now and built once the outermost type is done, so
        that a chain of any length is built in a loop, not a recursion."""
        key = _key(target)
        if key in self.types:
            return self.types[key]
        name = self._name_for(target)
        draft = self.drafts[name]
        draft.referred_early = True
        if not self._is_object(target):
            draft.by_name = True  # an alias: it must exist by that name
        if key not in self.building:
            self.deferred.append(target)
        return T.model(name)

    def _build_deferred(self) -> None:
        """Builds the schemas deferred by ``_deferred``, once the outermost type is done (no
        named schema in progress, whose ``$recursiveRef`` scope they must not see)."""
        if self.nesting or self.roots or self.building_deferred or not self.deferred:
            return
        self.building_deferred = True
        try:
            while self.deferred:
                self.named_type(self.deferred.pop())
        finally:
            self.building_deferred = False

    def _recursive_type(self, at: Located, hint: str) -> TypeRef:
        """``$dynamicRef: "#name"``: the outermost named schema being built that declares
        ``$dynamicAnchor: name`` (a subtype extending a recursive base gets itself), else
        the schema the reference names; ``$recursiveRef`` (2019-09): the innermost named
        schema being built with ``$recursiveAnchor``, else the innermost one."""
        dynamic = at.node.get("$dynamicRef")
        if isinstance(dynamic, str):
            name = dynamic.partition("#")[2]
            scope = [
                r
                for r in self.roots
                if isinstance(r.node, dict) and r.node.get("$dynamicAnchor") == name
            ]
            if scope:
                return self.named_type(scope[0])
            if not isinstance(resolve(self.docs, at.document, dynamic), str):
                rest = {k: v for k, v in at.node.items() if k != "$dynamicRef"}
                return self._ref_type(at.sibling({**rest, "$ref": dynamic}), hint)
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
        if "const" in node and _scalars([node["const"]]):
            return _enum_type([node["const"]], node, keep_unknown=False)
        if "const" in node:  # an object or array constant: typed by its other keywords
            rest = {k: v for k, v in node.items() if k != "const"}
            return self._plain_type(at.sibling(rest), hint, named=named)
        if (
            isinstance(node.get("enum"), list)
            and node["enum"]
            and _scalars(node["enum"])
        ):
            constant = node.get("x-stainless-const") is True
            return _enum_type(node["enum"], node, keep_unknown=not constant)
        if isinstance(node.get("allOf"), list) and node["allOf"]:
            return self._all_of(at, hint, named=named)
        for key in ("oneOf", "anyOf"):
            if isinstance(node.get(key), list) and not _constraint_only(node[key]):
                if "properties" in node and node.get("type", "object") == "object":
                    break  # shared properties with variant constraints: one model
                return self._union(at, key, hint, named=named)
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
            return T.primitive(_string_kind(node))
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
            if isinstance(node.get("prefixItems"), list) and node["prefixItems"]:
                return self._tuple(at, "prefixItems", "items", hint)
            if isinstance(items, list) and items:  # the tuple form of older drafts
                return self._tuple(at, "items", "additionalItems", hint)
            if not isinstance(items, dict):
                return T.list_of(T.ANY)
            return T.list_of(self.type_of(at.child("items"), _item_hint(hint)))
        if kind == "object":
            return self._object(at, hint, named=named)
        if kind is None:
            return T.ANY
        self.diags.warning(at.location, f"unknown type {kind!r}: typed as Any")
        return T.UNKNOWN

    def _tuple(self, at: Located, prefix: str, rest: str, hint: str) -> TypeRef:
        """An array whose first items each have a schema (``prefixItems``): a tuple when its
        length is fixed (no further items, ``minItems`` reaching every position), else a list
        of what any position may hold (the rest's type too, when ``items`` gives one).
        """
        node = at.node
        positions = [
            self.type_of(at.child(prefix, i), f"{_item_hint(hint)}{i + 1}")
            for i in range(len(node[prefix]))
        ]
        closed = node.get(rest) is False or (
            isinstance(node.get("maxItems"), int) and node["maxItems"] <= len(positions)
        )
        least = node.get("minItems")
        if closed and isinstance(least, int) and least >= len(positions):
            return T.tuple_of(positions)
        if isinstance(node.get(rest), dict):
            positions.append(self.type_of(at.child(rest), _item_hint(hint)))
        return T.list_of(T.union(positions))

    def _properties(self, at: Located) -> dict[str, Located]:
        """A schema's properties by name; the mapping may itself be a ``$ref`` (documents
        split into files do so: DigitalOcean's ``properties: {$ref: attributes.yml#/ids}``).
        """
        node = at.node.get("properties") if isinstance(at.node, dict) else None
        if not isinstance(node, dict):
            return {}
        holder = at.child("properties")
        if is_reference(node):
            target = resolve(self.docs, at.document, node["$ref"])
            if isinstance(target, str) or not isinstance(target.node, dict):
                return {}  # reported where every reference is checked
            holder = Located.of(target)
        return {str(k): holder.child(k) for k in holder.node}

    def _object(self, at: Located, hint: str, *, named: bool) -> TypeRef:
        node = at.node
        properties = self._properties(at)
        extra = node.get("additionalProperties")
        patterns = node.get("patternProperties")
        patterns = patterns if isinstance(patterns, dict) else {}
        if not properties:
            # a map: its values are typed by additionalProperties and patternProperties
            values = [at.child("patternProperties", k) for k in patterns]
            if isinstance(extra, dict) and extra:
                values.insert(0, at.child("additionalProperties"))
            if not values:
                return T.map_of(T.ANY)
            return T.map_of(T.union(self.type_of(v, hint + "Value") for v in values))
        merged = _Merged(
            properties=properties,
            required=_required(node),
            extra=at.child("additionalProperties") if _has_type(extra) else None,
            patterns={k: at.child("patternProperties", k) for k in patterns},
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
        extras = [*([merged.extra] if merged.extra else []), *merged.patterns.values()]
        draft.open = bool(extras)  # before its fields: they may refer back to it
        used: set[str] = set()
        for wire, prop in merged.properties.items():
            prop_type = self.type_of(prop, draft.name + pascal_case(str(wire)))
            if wire in merged.nullable:
                prop_type = T.nullable(prop_type)
            if T.is_unknown(prop_type):
                self.any_fields += 1
            name = self._field_name(draft.name, str(wire), used, prop.location)
            used.add(name)
            draft.fields.append(
                self._field(name, str(wire), prop, prop_type, wire in merged.required)
            )
        if extras:
            value_hint = draft.name + "Value"
            draft.extra = T.union(self.type_of(x, value_hint) for x in extras)
        draft.done = True
        return T.model(draft.name)

    def _field(
        self, name: str, wire: str, prop: Located, prop_type: TypeRef, required: bool
    ) -> Field:
        schema = self._annotations(prop)
        default = schema.get("default", _NO_DEFAULT)
        written = None if default is _NO_DEFAULT else _default_code(default, prop_type)
        annotation = T.response_annotation(prop_type)
        bare = (
            required
            or written is not None
            or prop_type.nullable
            or prop_type.kind == "any"
        )
        return Field(
            name=name,
            wire_name=wire,
            type=prop_type,
            required=required,
            annotation=annotation,
            param_annotation=self.request_annotation(prop_type),
            description=_text(schema.get("description")),
            default=(
                repr(default)
                if default is not _NO_DEFAULT and _scalars([default])
                else None
            ),
            read_only=schema.get("readOnly") is True,
            write_only=schema.get("writeOnly") is True,
            deprecated=schema.get("deprecated") is True,
            constraints=field_constraints(schema, prop_type),
            pointer=prop.location,
            model_annotation=annotation if bare else f"{annotation} | None",
            model_default=(
                # A required field that may be null reads as None when a server leaves it
                # out: lenient, and its type stays exact.
                ("None" if prop_type.nullable else None)
                if required
                else written or "None"
            ),
        )

    def description(self, at: Located | None) -> str:
        """The description of a schema: its own, else the one behind its ``$ref``."""
        return _text(self._annotations(at).get("description")) if at else ""

    def _annotations(self, prop: Located) -> dict[str, Any]:
        """The keywords describing a property: its own, over those of the schema it refers to
        (``description`` and ``default`` are often given beside a ``$ref``, or only behind it;
        so are the validation keywords of a named scalar, ``Ratio: {maximum: 1}``).
        """
        node = prop.node if isinstance(prop.node, dict) else {}
        if "$ref" not in node:
            return node
        target = resolve(self.docs, prop.document, node["$ref"])
        behind = target.node if not isinstance(target, str) else {}
        if not isinstance(behind, dict):
            return node
        inherited = {k: behind[k] for k in _INHERITED if k in behind}
        return {**inherited, **node}

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
        self._merge([*parts, *([at.sibling(rest)] if rest else [])], merged, node)
        if not merged.properties:
            objectish = [p for p in parts if self._is_object(p)]
            if not objectish:
                return self.type_of(parts[0], hint)
            return T.map_of(T.ANY)
        return self._model_from(at, merged, hint, named=named)

    def _merge(
        self, parts: list[Located], merged: _Merged, whole: object = None
    ) -> None:
        """Merges ``parts`` (of the schema ``whole``) into ``merged`` in order, each after what
        it refers to and its own ``allOf`` parts. A loop, however long the chain, not a
        recursion; a part met again (a cycle back to ``whole``, a base two parts share) is
        merged once."""
        seen: set[int] = {id(whole)}
        # (part, whether what it refers to and its allOf parts are merged already)
        stack = [(part, False) for part in reversed(parts)]
        while stack:
            part, ready = stack.pop()
            node = part.node
            if not isinstance(node, dict):
                continue
            if ready:
                self._merge_own(part, merged)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((part, True))
            stack.extend(
                (part.child("allOf", i), False)
                for i in reversed(range(_count(node, "allOf")))
            )
            if "$ref" in node:
                target = resolve(self.docs, part.document, node["$ref"])
                if isinstance(target, str):
                    self.diags.error(part.location, target)
                else:
                    stack.append((Located.of(target), False))

    def _merge_own(self, part: Located, merged: _Merged) -> None:
        """The properties, required names and extra properties a part declares itself."""
        node = part.node
        for wire, located in self._properties(part).items():
            prop = located.node
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
        if _has_type(node.get("additionalProperties")):
            merged.extra = part.child("additionalProperties")
        patterns = node.get("patternProperties")
        for pattern in patterns if isinstance(patterns, dict) else ():
            merged.patterns[pattern] = part.child("patternProperties", pattern)

    def _union(
        self, at: Located, key: str, hint: str, *, named: bool, fallback: str = ""
    ) -> TypeRef:
        node = at.node
        located = [at.child(key, i) for i in range(len(node[key]))]
        discriminator = node.get("discriminator")
        tag = (
            discriminator.get("propertyName")
            if isinstance(discriminator, dict)
            and isinstance(discriminator.get("propertyName"), str)
            else None
        )
        variants = []
        for i, variant in enumerate(located, start=1):
            variant_hint = self._variant_hint(variant, hint, tag, i)
            variants.append(self.type_of(variant, variant_hint))
        tags = self._tags(at, located, variants, tag) if tag is not None else ()
        result = T.union(variants, discriminator=tag, tags=tags, fallback=fallback)
        if _allows_null(node.get("type")):
            result = T.nullable(result)
        if not _is_tagged(result):
            return result
        # A tagged union is always referred to by name: API modules only lay out names.
        draft = (
            self.drafts[hint]
            if named
            else self.claim(hint, at.location, _text(node.get("description")))
        )
        draft.by_name = True
        if not named:
            draft.alias, draft.done = result, True
            return T.model(draft.name)
        return result

    def _tags(
        self,
        at: Located,
        located: list[Located],
        variants: list[TypeRef],
        tag: str,
    ) -> tuple[tuple[Scalar, str], ...]:
        """Wire value -> variant class, for the variants that are object models: from
        ``mapping``, else from the variant's tag property, else from its schema's name. A value
        several variants claim maps to the choice that tries each of them."""
        if any(
            t.kind != "none" and not (t.kind == "model" and self._is_model(t.name))
            for t in variants
        ):
            return ()  # pydantic tags classes only
        claims: dict[Scalar, list[str]] = {}
        mapping = at.node["discriminator"].get("mapping")
        for value, target in (mapping.items() if isinstance(mapping, dict) else ()):
            name = self._mapped_model(at, target)
            if name is not None:
                claims.setdefault(self._typed_tag(name, tag, value), []).append(name)
        mapped = {n for names in claims.values() for n in names}
        for variant, t in zip(located, variants):
            if t.kind != "model" or t.name in mapped or not self._is_model(t.name):
                continue
            for value in self._variant_tag_values(variant, t.name, tag):
                claims.setdefault(value, []).append(t.name)
        return tuple(
            (value, names[0] if len(set(names)) == 1 else T.SEVERAL_TAG)
            for value, names in claims.items()
            if isinstance(value, (str, int, float, bool))
        )

    def _typed_tag(self, name: str, tag: str, key: object) -> Scalar:
        """A ``mapping`` key (a string in the document) as the value the tag property of
        variant ``name`` holds on the wire: the constant of the property that it spells, or
        the number or boolean it spells when the property is one."""
        field = next((f for f in self.drafts[name].fields if f.wire_name == tag), None)
        if not isinstance(key, str) or field is None:
            return key if isinstance(key, (str, int, float, bool)) else str(key)
        types = [field.type, *field.type.items]
        for value in (v for t in types for v in t.values):
            if _spells(key, value):
                return value
        for t in types:
            typed = _parsed_scalar(key, t.name) if t.kind == "primitive" else None
            if typed is not None:
                return typed
        return key

    def _mapped_model(self, at: Located, target: object) -> str | None:
        """The class a ``mapping`` entry names: a reference, or a bare component name."""
        resolved = self._mapping_target(at, target)
        if resolved is None:
            return None
        t = self.named_type(resolved)
        return t.name if t.kind == "model" and self._is_model(t.name) else None

    def _mapping_target(self, at: Located, target: object) -> Located | None:
        """The schema a ``mapping`` entry names (a reference, or a bare component name)."""
        if not isinstance(target, str):
            return None
        ref = (
            target
            if "#" in target or "/" in target
            else f"#/components/schemas/{target}"
        )
        resolved = resolve(self.docs, at.document, ref)
        if isinstance(resolved, str):
            self.diags.warning(at.location + "/discriminator/mapping", resolved)
            return None
        return Located.of(resolved)

    def _variant_tag_values(
        self, variant: Located, name: str, tag: str
    ) -> tuple[Scalar, ...]:
        draft = self.drafts[name]
        for f in draft.fields:
            literals = [f.type, *f.type.items] if f.wire_name == tag else []
            values = tuple(v for t in literals if t.kind == "literal" for v in t.values)
            if values:
                return values
        merged = _Merged()  # the tag property, wherever the variant declares it
        self._merge([variant], merged)
        declared = merged.properties.get(tag)
        values = (
            _tag_values({"properties": {tag: declared.node}}, tag) if declared else ()
        )
        if values and _scalars(list(values)):
            return values
        node = variant.node
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            return (_unescape(node["$ref"].rsplit("/", 1)[-1]),)  # the implicit mapping
        return ()

    def _is_model(self, name: str) -> bool:
        """An object model (not a type alias) of that name exists."""
        draft = self.drafts.get(name)
        return draft is not None and draft.alias is None and not draft.by_name

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

    def _is_object(self, at: Located) -> bool:
        """Whether a schema declares properties, itself or through its ``$ref`` and ``allOf``
        parts (a walk over the parts, cycles met once)."""
        seen: set[int] = set()
        stack = [at]
        while stack:
            current = stack.pop()
            node = current.node
            if not isinstance(node, dict) or id(node) in seen:
                continue
            seen.add(id(node))
            if "$ref" in node:
                target = resolve(self.docs, current.document, node["$ref"])
                if not isinstance(target, str):
                    stack.append(Located.of(target))
                continue
            if self._properties(current):
                return True
            stack.extend(
                current.child("allOf", i) for i in range(_count(node, "allOf"))
            )
        return False

    # -- results -----------------------------------------------------------------------------

    def models(self, request_models: set[str]) -> tuple[Model, ...]:
        """The finished models, in the order they were named, each in its module (see
        ``_in_modules``)."""
        self._check_model_depth()
        with_param = {
            d.name
            for d in self.drafts.values()
            if d.name in request_models
            # an alias has a Param form when requests write it otherwise than responses
            and (d.alias is None or d.by_name or T.needs_param_alias(d.alias))
        }
        result = []
        written: dict[str, list[str]] = {}  # the annotations each model's code writes
        for draft in self.drafts.values():
            has_param = draft.name in with_param
            if draft.alias is not None:
                alias_annotation = T.response_annotation(draft.alias)
                param_annotation = (
                    self.request_annotation(draft.alias) if has_param else ""
                )
                written[draft.name] = [alias_annotation, param_annotation]
                result.append(
                    Model(
                        name=draft.name,
                        module=draft.module,
                        kind="alias",
                        pointer=draft.pointer,
                        description=draft.description,
                        deprecated=self._deprecated(draft.pointer),
                        alias_annotation=alias_annotation,
                        alias_type=draft.alias,
                        has_param=has_param,
                        param_name=draft.param_name,
                        param_alias_annotation=param_annotation,
                    )
                )
                continue
            if not draft.fields and not draft.done:
                continue
            extra_annotation = T.response_annotation(draft.extra) if draft.extra else ""
            code = [extra_annotation]
            code += [f.model_annotation for f in draft.fields if not f.write_only]
            if has_param:
                code += [f.param_annotation for f in draft.fields if not f.read_only]
            written[draft.name] = code
            result.append(
                Model(
                    name=draft.name,
                    module=draft.module,
                    kind="object",
                    pointer=draft.pointer,
                    description=draft.description,
                    deprecated=self._deprecated(draft.pointer),
                    fields=tuple(draft.fields),
                    has_param=has_param,
                    param_name=draft.param_name,
                    param_functional=any(
                        _needs_functional(f.wire_name) for f in draft.fields
                    ),
                    extra_annotation=extra_annotation,
                    extra_type=draft.extra,
                )
            )
        return _in_modules(result, written, standalone=set(self.named.values()))

    def _check_model_depth(self) -> None:
        """Warns at the model that nests the most others, one in the next, when they go
        deeper than ``MAX_MODEL_DEPTH``: pydantic builds nested models by recursion, and
        Python's recursion limit stops it at about 80 (the generated code is still written).
        """
        referred = {
            name: [
                n for t in _draft_types(draft) for n in t.models() if n in self.drafts
            ]
            for name, draft in self.drafts.items()
        }
        depth: dict[str, int] = {}
        for root in referred:  # depth-first, in a loop: a chain may be any length
            stack = [(root, False)]
            while stack:
                name, done = stack.pop()
                if done:
                    inner = (depth.get(n, 0) for n in referred[name] if n != name)
                    depth[name] = 1 + max(inner, default=0)
                elif name not in depth:
                    depth[name] = 0  # in progress: a cycle back to it adds nothing
                    stack.append((name, True))
                    stack.extend((n, False) for n in referred[name] if n not in depth)
        deepest = max(depth, key=lambda n: depth[n], default=None)
        if deepest is not None and depth[deepest] > MAX_MODEL_DEPTH:
            self.diags.warning(
                self.drafts[deepest].pointer,
                f"{depth[deepest]} models nest one in the next from {deepest}, more than "
                f"{MAX_MODEL_DEPTH}: pydantic may exceed Python's recursion limit when "
                f"it first reads {deepest}",
            )

    def _deprecated(self, location: str) -> bool:
        """Whether the schema a model was named at says it is deprecated."""
        found = resolve(self.docs, self.docs.root, location)
        node = found.node if isinstance(found, Resolved) else None
        return isinstance(node, dict) and node.get("deprecated") is True

    def request_closure(self, roots: list[TypeRef]) -> set[str]:
        """Models reachable from request bodies: they get a ``Param`` TypedDict (an alias
        referred to by name gets a ``Param`` alias)."""

        def sent(name: str) -> list[TypeRef] | None:
            draft = self.drafts.get(name)
            if draft is None:
                return None
            alias = [draft.alias] if draft.alias is not None else []
            return [*alias, *(f.type for f in draft.fields if not f.read_only)]

        return reachable_models(roots, sent)


@dataclass
class _Merged:
    properties: dict[str, Located] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    nullable: set[str] = field(default_factory=set)
    extra: Located | None = None  # the schema of properties not listed
    patterns: dict[str, Located] = field(default_factory=dict)  # patternProperties


_NO_DEFAULT = object()


def _component_schemas(data: dict[str, Any]) -> dict[str, Any]:
    components = data.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    return schemas if isinstance(schemas, dict) else {}


def _enum_type(
    values: list[Any], node: dict[str, Any], *, keep_unknown: bool
) -> TypeRef:
    """An enum or a constant: a Literal of its strings, integers and booleans; a number with a
    fraction cannot be a Literal, so it widens the type to float, and an integer beyond 64
    bits, which type checkers refuse in a Literal, to int; null makes it nullable.
    """
    listed = [v for v in values if v is not None and _literal_value(v)]
    parts = [T.literal(listed, keep_unknown=keep_unknown)] if listed else []
    if any(isinstance(v, float) for v in values):
        parts.append(T.primitive("float"))
    elif any(isinstance(v, int) and not _literal_value(v) for v in values):
        parts.append(T.primitive("int"))
    if None in values or _allows_null(node.get("type")) or node.get("nullable") is True:
        parts.append(T.NONE)
    return T.union(parts) if parts else T.NONE


def _default_code(value: Any, t: TypeRef) -> str | None:
    """The Python expression of a default that a field of type ``t`` admits (None when it
    admits none: the field then defaults to None). Written from the parsed value, never from
    the document's text: a non-finite number as ``float("inf")``, a date, date-time or UUID
    as the object pydantic would have made of the string.
    """
    if t.kind == "none":
        return "None" if value is None else None
    if t.kind == "literal":
        fits = any(value == v and type(value) is type(v) for v in t.values)
        return repr(value) if fits else None
    if t.kind == "union" and not t.tags:
        return next(
            (c for c in (_default_code(value, i) for i in t.items) if c is not None),
            None,
        )
    if t.kind == "any":
        return _scalar_code(value) if _scalars([value]) else None
    if t.kind != "primitive":
        return None
    if t.name in _PRIMITIVE_VALUES:
        wanted = _PRIMITIVE_VALUES[t.name]
        fits = isinstance(value, wanted) and (
            t.name == "bool" or not isinstance(value, bool)
        )
        return _scalar_code(value) if fits else None
    return _temporal_code(value, t.name) if isinstance(value, str) else None


def _literal_value(value: Scalar) -> bool:
    """Whether a value can be written in a ``Literal[...]``."""
    if isinstance(value, bool) or isinstance(value, str):
        return True
    return isinstance(value, int) and value in _LITERAL_INTS


def _scalar_code(value: Scalar) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'  # inf, -inf and nan have no literal
    return repr(value)


def _temporal_code(text: str, kind: str) -> str | None:
    """A date, date-time or UUID default as the code that makes that object."""
    try:
        if kind == "date":
            day = dt.date.fromisoformat(text)
            return f"_dt.date({day.year}, {day.month}, {day.day})"
        if kind == "datetime":
            moment = dt.datetime.fromisoformat(text)
            parts = [moment.year, moment.month, moment.day, moment.hour]
            parts += [moment.minute, moment.second, moment.microsecond]
            args = ", ".join(str(n) for n in parts)
            offset = moment.utcoffset()
            if offset is None:
                return f"_dt.datetime({args})"
            zone = (
                "_dt.timezone.utc"
                if not offset
                else f"_dt.timezone(_dt.timedelta(seconds={int(offset.total_seconds())}))"
            )
            return f"_dt.datetime({args}, tzinfo={zone})"
        if kind == "uuid":
            return f"_uuid.UUID({str(uuid.UUID(text))!r})"
    except ValueError:
        return None
    return None


# What a property takes from the schema its ``$ref`` names, unless it says otherwise itself.
_INHERITED = ("description", "default", *CONSTRAINT_KEYWORDS)
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
    return (at.document.uri, at.pointer)


def _string_kind(node: dict[str, Any]) -> str:
    """The primitive a string schema stands for: its format's (date, uuid, ...), else bytes
    when ``contentEncoding`` or a binary ``contentMediaType`` says it carries them."""
    form, encoding = node.get("format"), node.get("contentEncoding")
    media = node.get("contentMediaType")
    if isinstance(form, str) and form in _FORMATS:
        return _FORMATS[form]
    if isinstance(encoding, str) and encoding.lower() in _ENCODINGS:
        return _ENCODINGS[encoding.lower()]
    if isinstance(media, str) and media.strip():
        kind = media.lower().split(";")[0].strip()
        text = kind.startswith(_TEXT_MEDIA) or kind.endswith(_TEXT_MEDIA_SUFFIXES)
        return "str" if text else "file"
    return "str"


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


def _draft_types(draft: _Draft) -> list[TypeRef]:
    """The types a model's fields, extra properties or alias hold."""
    found = [f.type for f in draft.fields]
    return found + [t for t in (draft.extra, draft.alias) if t is not None]


def _has_own_parts(node: dict[str, Any]) -> bool:
    """Whether an ``allOf`` schema adds to what it refers to (more parts, or keywords)."""
    own = node.keys() - _ANNOTATION_KEYS - {"allOf"}
    return len(node["allOf"]) > 1 or bool(own)


def _spells(text: str, value: Scalar) -> bool:
    """Whether a mapping key names a constant: ``"2"`` names 2, ``"true"`` and ``"True"``
    name True."""
    if isinstance(value, str):
        return text == value
    written = {json.dumps(value), str(value)}
    return text.strip().lower() in {w.lower() for w in written}


def _parsed_scalar(text: str, kind: str) -> Scalar:
    """A mapping key read as an integer, number or boolean tag (None when it is not one)."""
    word = text.strip().lower()
    if kind == "bool" and word in ("true", "false"):
        return word == "true"
    if kind == "int" and re.fullmatch(r"-?[0-9]+", word):
        return int(word)
    if kind == "float" and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([e][-+]?[0-9]+)?", word):
        return float(word)
    return None


def _is_tagged(t: TypeRef) -> bool:
    return bool(t.tags) or any(_is_tagged(i) for i in t.items if t.kind == "union")


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def _item_hint(hint: str) -> str:
    return hint + "Item"


def _in_modules(
    models: list[Model], written: Mapping[str, list[str]], standalone: set[str]
) -> tuple[Model, ...]:
    """The models, each in its module with its imports, in the same order.

    An inline schema that one model alone uses (a property's object, an item's union) lives
    in that model's module, as a hand-written package nests a sub-model beside the one
    class that needs it; a chain of them goes to its top. A schema with a name of its own
    (``standalone``: a component, a file) keeps its module, and so does any schema two
    models use. A module's main model lists the others in ``nested``, each before the
    models that use it, so that a class finds its fields' classes defined.
    """
    owner = {m.name: m.name for m in models}
    owner |= {m.param_name: m.name for m in models if m.has_param}
    users: dict[str, set[str]] = {}
    for m in models:
        for name in {n for code in written[m.name] for n in names_in(code)}:
            if name in owner and owner[name] != m.name:
                users.setdefault(owner[name], set()).add(m.name)
    holders = {
        name: next(iter(found))
        for name, found in users.items()
        if len(found) == 1 and name not in standalone
    }
    top = {m.name: _top_holder(m.name, holders) for m in models}
    by_name = {m.name: m for m in models}
    module = {m.name: by_name[top[m.name]].module for m in models}
    defined = {name: module[model] for name, model in owner.items()}
    placed = [
        replace(
            m,
            module=module[m.name],
            holder=holders[m.name] if top[m.name] != m.name else "",
            imports=_imports(written[m.name], defined, module[m.name]),
        )
        for m in models
    ]
    order = _module_order(placed)
    graph: dict[str, set[str]] = {m.module: set() for m in placed}
    for m in placed:
        graph[m.module] |= {imported for imported, _ in m.imports}
    cycles = modules_in_cycles(graph)
    position = {name: i for names in order.values() for i, name in enumerate(names)}
    lazy = {
        m.name
        for m in placed
        if m.kind == "alias"
        and (m.module in cycles or _names_later(m, written, owner, module, position))
    }
    final = {
        m.name: replace(m, lazy=m.name in lazy, in_cycle=m.module in cycles)
        for m in placed
    }
    return tuple(
        replace(m, nested=tuple(final[n] for n in order[m.module][:-1]))
        if not m.holder
        else m
        for m in final.values()
    )


def _top_holder(name: str, holders: Mapping[str, str]) -> str:
    """The model at the top of ``name``'s chain of holders: the one whose module holds it.
    A schema in a loop of holders (inline schemas only each other use) keeps its own."""
    chain, up = {name}, name
    while up in holders:
        up = holders[up]
        if up in chain:
            return name  # never in practice: each stays alone, whichever is asked first
        chain.add(up)
    return up


def _module_order(models: list[Model]) -> dict[str, list[str]]:
    """Each module's models in the order its code defines them: each nested model after the
    models it holds, in the order they were named, the module's main model last."""
    held: dict[str, list[str]] = {}
    for m in models:
        if m.holder:
            held.setdefault(m.holder, []).append(m.name)
    order: dict[str, list[str]] = {}
    for m in models:
        if m.holder:
            continue
        names = order.setdefault(m.module, [])
        stack = [(m.name, False)]
        while stack:  # depth-first, in a loop: a chain may be any length
            name, done = stack.pop()
            if done:
                names.append(name)
            else:
                stack.append((name, True))
                stack.extend((n, False) for n in reversed(held.get(name, [])))
    return order


def _names_later(
    alias: Model,
    written: Mapping[str, list[str]],
    owner: Mapping[str, str],
    module: Mapping[str, str],
    position: Mapping[str, int],
) -> bool:
    """Whether an alias names a model of its module defined after it, or itself: the models
    that hold it, in a cycle. Its value can then only be read on first use."""
    for name in {n for code in written[alias.name] for n in names_in(code)}:
        model = owner.get(name)
        if (
            model is not None
            and module[model] == alias.module
            and position[model] >= position[alias.name]
        ):
            return True
    return False


def _imports(
    written: Iterable[str], defined: Mapping[str, str], module: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The models and ``Param`` forms of other modules that a model's annotations name,
    grouped by module (``defined``: the module of every name there is)."""
    grouped: dict[str, set[str]] = {}
    for name in {n for code in written for n in names_in(code)}:
        found = defined.get(name)
        if found is not None and found != module:
            grouped.setdefault(found, set()).add(name)
    return tuple((found, tuple(sorted(grouped[found]))) for found in sorted(grouped))


def _needs_functional(key: str) -> bool:
    """TypedDict keys that the class syntax cannot hold, or that would shadow a name it uses."""
    return (
        not key.isidentifier()
        or key in _KEYWORDS
        or key in ANNOTATION_BUILTINS
        or key in RESERVED_CLASS_NAMES
    )


def _count(node: dict[str, Any], key: str) -> int:
    """How many subschemas ``key`` lists; none when it is not a list (a broken document)."""
    value = node.get(key)
    return len(value) if isinstance(value, list) else 0


class _ParamNames(Mapping[str, str]):
    """The request form of each draft, by its name: its ``Param`` TypedDict, or any mapping as
    well when its schema admits keys beyond its fields (a TypedDict cannot say which).
    """

    def __init__(self, drafts: Mapping[str, Any]) -> None:
        self._drafts = drafts

    def __getitem__(self, name: str) -> str:
        draft = self._drafts[name]
        open_keys = " | Mapping[str, object]" if draft.open else ""
        return f"{draft.param_name}{open_keys}"

    def __iter__(self) -> Iterator[str]:
        return iter(self._drafts)

    def __len__(self) -> int:
        return len(self._drafts)
