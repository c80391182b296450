"""Server objects: URLs with variables (defaults and enums), and the path- or operation-level
server an operation is sent to when it is not the document's first."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from generator.ir import Server, ServerVariable


def _text(value: object) -> str:
    """YAML may give a default or enum value as a number or boolean: the URL wants text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def parse_servers(value: object, base: str = "") -> tuple[Server, ...]:
    """A ``servers`` list as IR; relative URLs are resolved against ``base`` when given."""
    result = []
    for server in value if isinstance(value, list) else ():
        if not isinstance(server, dict) or not server.get("url"):
            continue
        variables = server.get("variables")
        url = str(server["url"])
        if base and "://" not in url and not url.startswith("{"):
            url = urljoin(base.rstrip("/") + "/", url)
        result.append(
            Server(
                url=url,
                description=_text(server.get("description")).strip(),
                variables=tuple(
                    ServerVariable(
                        name=str(name),
                        default=_text(spec.get("default")),
                        enum=tuple(_text(v) for v in spec.get("enum") or ()),
                        description=_text(spec.get("description")).strip(),
                    )
                    for name, spec in (
                        variables.items() if isinstance(variables, dict) else ()
                    )
                    if isinstance(spec, dict)
                ),
            )
        )
    return tuple(result)


def operation_server_url(
    operation: dict[str, Any], path_item: dict[str, Any], root: tuple[Server, ...]
) -> str:
    """The default URL of the operation's own servers (else its path's), or "" when it uses
    the document's servers."""
    base = root[0].default_url if root else ""
    for owner in (operation, path_item):
        own = parse_servers(owner.get("servers"), base)
        if own:
            url = own[0].default_url.rstrip("/")
            return "" if url == base.rstrip("/") else url
    return ""
