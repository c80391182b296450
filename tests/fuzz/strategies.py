"""Hypothesis strategies for OpenAPI documents: small valid ones, and mutations of them.

Valid documents are built from the parts the generator reads (schemas of every shape,
operations with parameters, bodies and responses of many media types, tags, servers, security
schemes), with names and texts chosen to be awkward: keywords, device names, punctuation,
other scripts, control characters. Mutations then break a drawn document the way real ones
break: a node deleted, replaced by any JSON value, turned into a ``$ref`` that may dangle or
loop, or given a wrong ``type``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from hypothesis import strategies as st

AWKWARD_NAMES = [
    "id",
    "name",
    "class",
    "self",
    "type",
    "items",
    "properties",
    "default",
    "stream",
    "body",
    "timeout",
    "None",
    "True",
    "str",
    "list",
    "json",
    "model_config",
    "Field",
    "Client",
    "NotGiven",
    "__init__",
    "_",
    "1st",
    "a b",
    "a-b",
    "a_b",
    "A",
    "a",
    "CON",
    "aux",
    "Com1",
    "../up",
    "x/y",
    "$ref",
    "x-ext",
    "naïve",
    "日本",
    "",
    " ",
    '"""',
    "a\nb",
]
METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
REQUEST_MEDIA = [
    "application/json",
    "application/vnd.api+json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "*/*",
    "image/*",
]
RESPONSE_MEDIA = [
    "application/json",
    "text/event-stream",
    "text/plain",
    "application/octet-stream",
    "application/problem+json",
    "*/*",
]
STATUSES = ["200", "201", "202", "204", "2XX", "301", "400", "404", "4XX", "default"]
FORMATS = ["date-time", "date", "uuid", "binary", "byte", "int64", "email", "float"]
TYPES = ["string", "integer", "number", "boolean", "null", "array", "object"]
PATTERNS = ["^[a-z]+$", r"^\p{L}+$", r"(?<y>\d{4})", r"\d{3}-\d{4}"]
BAD_PATTERNS = ["[", "(", "a{2,1}"]

texts = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]), max_size=24
) | st.sampled_from(
    ['"""', "'''", "\\", "{{ x }}", "<script>", "a | b", "```", "\r\n", "\x00"]
)
names = st.sampled_from(AWKWARD_NAMES) | st.text(
    alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=10
)
#: path segments: no control characters, which no URL can carry (a located error)
segments = st.sampled_from([n for n in AWKWARD_NAMES if n.isprintable()]) | st.text(
    alphabet=st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=10
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def schemas(components: list[str]) -> st.SearchStrategy[Any]:
    """A JSON Schema of any shape the generator reads, referring to ``components`` by name."""
    annotations = {
        "description": texts,
        "title": texts,
        "default": scalars,
        "example": json_values,
        "nullable": st.booleans(),
        "deprecated": st.booleans(),
        "readOnly": st.booleans(),
        "writeOnly": st.booleans(),
    }
    primitive = st.fixed_dictionaries(
        {"type": st.sampled_from(TYPES[:5])},
        optional={
            "format": st.sampled_from(FORMATS),
            "pattern": st.sampled_from(PATTERNS),
            **annotations,
        },
    )
    leaves = (
        primitive
        | st.fixed_dictionaries(
            {"enum": st.lists(scalars, min_size=1, max_size=4)},
            optional={"type": st.sampled_from(TYPES[:5]), **annotations},
        )
        | st.fixed_dictionaries({"const": scalars})
        | st.just({})
        | st.booleans()
    )
    if components:
        leaves |= st.sampled_from(components).map(
            lambda name: {"$ref": "#/components/schemas/" + _escape(name)}
        )

    def nested(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        variants = st.lists(children, min_size=1, max_size=3)
        return (
            st.fixed_dictionaries({"type": st.just("array"), "items": children})
            | st.builds(
                _object,
                st.dictionaries(names, children, max_size=4),
                st.lists(names, max_size=3),
                st.none() | st.booleans() | children,
            )
            | st.fixed_dictionaries({"allOf": variants}, optional=annotations)
            | st.fixed_dictionaries(
                {"oneOf": variants},
                optional={"discriminator": st.builds(dict, propertyName=names)},
            )
            | st.fixed_dictionaries({"anyOf": variants}, optional=annotations)
            | st.fixed_dictionaries(
                {"type": st.lists(st.sampled_from(TYPES), min_size=1, unique=True)},
                optional={"items": children},
            )
        )

    return st.recursive(leaves, nested, max_leaves=8)


def _object(
    properties: dict[str, Any], required: list[str], extra: object
) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "object", "properties": properties}
    wanted = [r for r in required if r in properties] or list(properties)[:1]
    if wanted:
        node["required"] = wanted
    if extra is not None:
        node["additionalProperties"] = extra
    return node


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A small document that openapi-spec-validator would mostly accept."""
    components = draw(st.lists(names, max_size=5, unique_by=str.casefold))
    schema = schemas(components)
    tags = draw(st.lists(names, max_size=3))
    paths: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 4))):
        parts = draw(st.lists(segments | st.just("{id}"), min_size=1, max_size=3))
        path = "/" + "/".join(s.replace("/", "") or "x" for s in parts)
        item: dict[str, Any] = {}
        for method in draw(st.lists(st.sampled_from(METHODS), max_size=2, unique=True)):
            item[method] = draw(operations(path, schema, tags))
        paths[path] = item
    document: dict[str, Any] = {
        "openapi": draw(st.sampled_from(["3.0.3", "3.1.0"])),
        "info": {"title": draw(texts), "version": draw(texts)},
        "paths": paths,
        "components": {
            "schemas": {name: draw(schema) for name in components},
            "securitySchemes": draw(
                st.dictionaries(
                    names,
                    st.sampled_from(
                        [
                            {"type": "http", "scheme": "bearer"},
                            {"type": "http", "scheme": "basic"},
                            {"type": "apiKey", "in": "header", "name": "X-Key"},
                            {"type": "apiKey", "in": "query", "name": "key"},
                            {"type": "oauth2", "flows": {}},
                        ]
                    ),
                    max_size=2,
                )
            ),
        },
    }
    if draw(st.booleans()):
        document["servers"] = [
            {
                "url": draw(
                    st.sampled_from(["/v1", "https://api.example.com", "{scheme}://h"])
                    | texts
                )
            }
        ]
    if tags and draw(st.booleans()):
        document["tags"] = [{"name": t, "description": draw(texts)} for t in tags]
    return document


@st.composite
def operations(
    draw: st.DrawFn, path: str, schema: st.SearchStrategy[Any], tags: list[str]
) -> dict[str, Any]:
    operation: dict[str, Any] = {}
    if draw(st.booleans()):
        operation["operationId"] = draw(names)
    if tags and draw(st.booleans()):
        operation["tags"] = [draw(st.sampled_from(tags))]
    if draw(st.booleans()):
        operation["summary"] = draw(texts)
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": draw(schema)}
        for name in re.findall(r"{([^}]*)}", path)
    ]
    for _ in range(draw(st.integers(0, 3))):
        parameters.append(
            {
                "name": draw(names),
                "in": draw(st.sampled_from(["query", "header", "cookie"])),
                "required": draw(st.booleans()),
                "schema": draw(schema),
            }
        )
    if parameters:
        operation["parameters"] = parameters
    if draw(st.booleans()):
        media = draw(st.lists(st.sampled_from(REQUEST_MEDIA), min_size=1, max_size=2))
        operation["requestBody"] = {
            "required": draw(st.booleans()),
            "content": {m: {"schema": draw(schema)} for m in media},
        }
    responses: dict[str, Any] = {}
    for status in draw(
        st.lists(st.sampled_from(STATUSES), min_size=1, max_size=3, unique=True)
    ):
        response: dict[str, Any] = {"description": draw(texts)}
        media = draw(st.lists(st.sampled_from(RESPONSE_MEDIA), max_size=2))
        if media:
            response["content"] = {m: {"schema": draw(schema)} for m in media}
        responses[status] = response
    operation["responses"] = responses
    return operation


@st.composite
def mutated(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` broken in one to three places."""
    result = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        # the version stays: without it there is only one thing to say
        places = [p for p in _places(result) if p != (result, "openapi")]
        if not places:
            break
        parent, key = draw(st.sampled_from(places))
        how = draw(st.sampled_from(["delete", "replace", "ref", "retype", "pattern"]))
        if how == "delete" and isinstance(parent, dict):
            del parent[key]
        elif how == "ref":
            target = draw(
                st.sampled_from(["#", "#/components", "#/nowhere", "missing.yaml"])
                | st.sampled_from(places).map(lambda p: _pointer_to(result, p))
            )
            parent[key] = {"$ref": target}
        elif how == "pattern" and isinstance(parent[key], dict):
            parent[key]["pattern"] = draw(st.sampled_from(BAD_PATTERNS))
        elif how == "retype" and isinstance(parent[key], dict):
            parent[key]["type"] = draw(
                st.sampled_from(["strnig", "object", "array"]) | json_values
            )
        else:
            parent[key] = draw(json_values)
    return result


def _places(node: Any) -> Any:
    """(container, key) for every value inside ``node``, top-down."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, value in current.items():
                yield current, key
                stack.append(value)
        elif isinstance(current, list):
            for index, value in enumerate(current):
                yield current, index
                stack.append(value)


def _pointer_to(root: Any, place: tuple[Any, Any]) -> str:
    """A JSON pointer to the value at ``place`` (found again by identity)."""
    parent, key = place

    def walk(node: Any, path: list[str]) -> list[str] | None:
        if node is parent:
            return [*path, str(key)]
        children = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node) if isinstance(node, list) else ()
        )
        for k, child in children:
            found = walk(child, [*path, str(k)])
            if found is not None:
                return found
        return None

    found = walk(root, []) or []
    return "#" + "".join("/" + _escape(p) for p in found)
