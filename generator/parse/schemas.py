"""Schemas to types: every JSON Schema node of the document becomes a TypeRef, and every object
schema a model class, named from where it sits.

Naming rule for inline schemas: an object under property ``p`` of ``Parent`` is ``ParentP``; the
items of an array are named as the array would be, plus ``Item``; the values of a map plus
``Value``; the variants of a union after their ``title``, else their single discriminator value,
else ``<Parent>Variant<N>`` (1-based); request bodies are ``<OperationId>Request``, responses
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
tag property (its enum or const), else from the schema's name (OpenAPI's implicit mapping). A
value no variant declares is kept as an ``UnknownVariant``; a value several variants declare, or
a missing one, goes to a choice that tries each variant (then ``UnknownVariant``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostics
from generator.ir import Field, Model, Scalar, TypeRef
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
    #: settings: class renames keyed by the name oapigen would give; field renames keyed by
    #: the final class name, then the property's name in the document
    class_renames: Mapping[str, str] = field(default_factory=dict)
    field_renames: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

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
            identifier(name, fallback="model"), separator="_"
        )
        draft = _Draft(name, module, pointer, description)
        if with_param:
            draft.param_name = self.class_names.claim(f"{name}Param")
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
            draft.param_name = self.class_names.claim(f"{draft.name}Param")

    @property
    def param_names(self) -> Mapping[str, str]:
        """Each model's ``Param`` form by the model's name, read as it is now (a view, not a
        copy: it is asked for each of the document's fields)."""
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
            form = node.get("format")
            return T.primitive(
                _FORMATS.get(form, "str") if isinstance(form, str) else "str"
            )
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
        extra = node.get("additionalProperties")
        if not isinstance(properties, dict) or not properties:
            if isinstance(extra, dict) and extra:
                return T.map_of(
                    self.type_of(at.child("additionalProperties"), hint + "Value")
                )
            return T.map_of(T.ANY)
        merged = _Merged(
            properties={k: at.child("properties", k) for k in properties},
            required=_required(node),
            extra=at.child("additionalProperties") if _has_type(extra) else None,
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
            name = self._field_name(draft.name, str(wire), used, prop.location)
            used.add(name)
            draft.fields.append(
                self._field(name, str(wire), prop, prop_type, wire in merged.required)
            )
        if merged.extra is not None:
            draft.extra = self.type_of(merged.extra, draft.name + "Value")
        draft.done = True
        return T.model(draft.name)

    def _field(
        self, name: str, wire: str, prop: Located, prop_type: TypeRef, required: bool
    ) -> Field:
        schema = self._annotations(prop)
        default = schema.get("default", _NO_DEFAULT)
        fits = default is not _NO_DEFAULT and _fits(default, prop_type)
        annotation = T.response_annotation(prop_type)
        bare = required or fits or prop_type.nullable or prop_type.kind == "any"
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
            pointer=prop.location,
            model_annotation=annotation if bare else f"{annotation} | None",
            model_default=(
                # A required field that may be null reads as None when a server leaves it
                # out: lenient, and its type stays exact.
                ("None" if prop_type.nullable else None)
                if required
                else repr(default) if fits else "None"
            ),
        )

    def _annotations(self, prop: Located) -> dict[str, Any]:
        """The keywords describing a property: its own, over those of the schema it refers to
        (``description`` and ``default`` are often given beside a ``$ref``, or only behind it).
        """
        node = prop.node if isinstance(prop.node, dict) else {}
        if "$ref" not in node:
            return node
        target = resolve(self.docs, prop.document, node["$ref"])
        behind = target.node if not isinstance(target, str) else {}
        if not isinstance(behind, dict):
            return node
        inherited = {k: behind[k] for k in ("description", "default") if k in behind}
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
        for i in range(_count(node, "allOf")):
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
        if _has_type(node.get("additionalProperties")):
            merged.extra = part.child("additionalProperties")

    def _union(self, at: Located, key: str, hint: str, *, named: bool) -> TypeRef:
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
        result = T.union(variants, discriminator=tag, tags=tags)
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
                claims.setdefault(value, []).append(name)
        mapped = {n for names in claims.values() for n in names}
        for variant, t in zip(located, variants):
            if t.kind != "model" or t.name in mapped or not self._is_model(t.name):
                continue
            for value in self._variant_tag_values(variant, t.name, tag):
                claims.setdefault(value, []).append(t.name)
        return tuple(
            (value, names[0] if len(set(names)) == 1 else T.SEVERAL_TAG)
            for value, names in claims.items()
            if isinstance(value, (str, int, bool))
        )

    def _mapped_model(self, at: Located, target: object) -> str | None:
        """The class a ``mapping`` entry names: a reference, or a bare component name."""
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
        t = self.named_type(Located.of(resolved))
        return t.name if t.kind == "model" and self._is_model(t.name) else None

    def _variant_tag_values(
        self, variant: Located, name: str, tag: str
    ) -> tuple[Scalar, ...]:
        draft = self.drafts[name]
        for f in draft.fields:
            literals = [f.type, *f.type.items] if f.wire_name == tag else []
            values = tuple(v for t in literals if t.kind == "literal" for v in t.values)
            if values:
                return values
        node = variant.node
        if isinstance(node, dict) and _tag_values(node, tag):
            return tuple(v for v in _tag_values(node, tag) if _scalars([v]))
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
            for i in range(_count(node, "allOf"))
        )

    # -- results -----------------------------------------------------------------------------

    def models(self, request_models: set[str]) -> tuple[Model, ...]:
        """The finished models, in the order they were named."""
        modules = {d.name: (d.module, d.param_name) for d in self.drafts.values()}
        result = []
        for draft in self.drafts.values():
            has_param = draft.name in request_models
            if draft.alias is not None:
                refs = draft.alias.models()
                result.append(
                    Model(
                        name=draft.name,
                        module=draft.module,
                        kind="alias",
                        pointer=draft.pointer,
                        description=draft.description,
                        alias_annotation=T.response_annotation(draft.alias),
                        alias_type=draft.alias,
                        has_param=has_param and draft.by_name,
                        param_name=draft.param_name,
                        param_alias_annotation=(
                            self.request_annotation(draft.alias)
                            if has_param and draft.by_name
                            else ""
                        ),
                        imports=_imports(
                            refs, refs if has_param else (), modules, draft.name
                        ),
                    )
                )
                continue
            if not draft.fields and not draft.done:
                continue
            extra_refs = draft.extra.models() if draft.extra else ()
            response_refs = [
                n for f in draft.fields if not f.write_only for n in f.type.models()
            ]
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
                    param_name=draft.param_name,
                    param_functional=any(
                        _needs_functional(f.wire_name) for f in draft.fields
                    ),
                    imports=_imports(
                        [*response_refs, *extra_refs], param_refs, modules, draft.name
                    ),
                    extra_annotation=(
                        T.response_annotation(draft.extra) if draft.extra else ""
                    ),
                    extra_type=draft.extra,
                )
            )
        return tuple(result)

    def request_closure(self, roots: list[TypeRef]) -> set[str]:
        """Models reachable from request bodies: they get a ``Param`` TypedDict (an alias
        referred to by name gets a ``Param`` alias)."""
        seen: set[str] = set()
        stack = [n for t in roots for n in t.models()]
        while stack:
            name = stack.pop()
            if name in seen or name not in self.drafts:
                continue
            seen.add(name)
            draft = self.drafts[name]
            if draft.alias is not None:
                stack.extend(draft.alias.models())
            for f in draft.fields:
                if not f.read_only:
                    stack.extend(f.type.models())
        return seen


@dataclass
class _Merged:
    properties: dict[str, Located] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    nullable: set[str] = field(default_factory=set)
    extra: Located | None = None  # the schema of properties not listed


_NO_DEFAULT = object()


def _component_schemas(data: dict[str, Any]) -> dict[str, Any]:
    components = data.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    return schemas if isinstance(schemas, dict) else {}


def _enum_type(
    values: list[Any], node: dict[str, Any], *, keep_unknown: bool
) -> TypeRef:
    """An enum or a constant: a Literal of its strings, integers and booleans; a number with a
    fraction cannot be a Literal, so it widens the type to float; null makes it nullable.
    """
    listed = [v for v in values if v is not None and not isinstance(v, float)]
    parts = [T.literal(listed, keep_unknown=keep_unknown)] if listed else []
    if any(isinstance(v, float) for v in values):
        parts.append(T.primitive("float"))
    if None in values or _allows_null(node.get("type")) or node.get("nullable") is True:
        parts.append(T.NONE)
    return T.union(parts) if parts else T.NONE


def _fits(value: Any, t: TypeRef) -> bool:
    """Whether a default can be written as the Python default of a field of type ``t``
    (a scalar that the annotation admits; anything else leaves the field defaulting to None).
    """
    if t.kind == "none":
        return value is None
    if t.kind == "literal":
        return any(value == v and type(value) is type(v) for v in t.values)
    if t.kind == "primitive" and t.name in _PRIMITIVE_VALUES:
        wanted = _PRIMITIVE_VALUES[t.name]
        return isinstance(value, wanted) and (
            t.name == "bool" or not isinstance(value, bool)
        )
    if t.kind == "union" and not t.tags:
        return any(_fits(value, i) for i in t.items)
    return False


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


def _is_tagged(t: TypeRef) -> bool:
    return bool(t.tags) or any(_is_tagged(i) for i in t.items if t.kind == "union")


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def _item_hint(hint: str) -> str:
    return hint + "Item"


def _imports(
    names: Iterable[str],
    param_names: Iterable[str],
    modules: Mapping[str, tuple[str, str]],
    own: str,
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Other models a module refers to, grouped by module, each ``Param`` beside its model."""
    grouped: dict[str, set[str]] = {}
    for name in names:
        if name != own and name in modules:
            grouped.setdefault(modules[name][0], set()).add(name)
    for name in param_names:
        if name != own and name in modules:
            module, param = modules[name]
            grouped.setdefault(module, set()).add(param)
    return tuple((module, tuple(sorted(grouped[module]))) for module in sorted(grouped))


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
    """The ``param_name`` of each draft, by its name."""

    def __init__(self, drafts: Mapping[str, Any]) -> None:
        self._drafts = drafts

    def __getitem__(self, name: str) -> str:
        return str(self._drafts[name].param_name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._drafts)

    def __len__(self) -> int:
        return len(self._drafts)
