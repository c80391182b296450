"""Server URLs with variables (``https://{region}.example.com/{version}``), filled in and checked.

The generated client keeps its document's servers as ``Server`` values; ``server_url`` fills a
server's variables from the caller's values, else their defaults, and refuses a value outside a
variable's ``enum`` or a name the server does not have.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_VARIABLE = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class ServerVariable:
    default: str
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Server:
    url: str
    variables: Mapping[str, ServerVariable] = field(default_factory=dict)


def server_url(server: Server, values: Mapping[str, str] | None = None) -> str:
    """The server's URL with every ``{variable}`` replaced; no trailing slash."""
    given = dict(values or {})
    unknown = sorted(set(given) - set(server.variables))
    if unknown:
        known = ", ".join(sorted(server.variables)) or "none"
        raise ValueError(
            f"unknown server variable(s) {', '.join(unknown)} for {server.url} (known: {known})"
        )
    for name, value in given.items():
        allowed = server.variables[name].enum
        if allowed and value not in allowed:
            raise ValueError(
                f"server variable {name}={value!r} is not one of {', '.join(allowed)}"
            )

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        variable = server.variables.get(name)
        if name in given:
            return given[name]
        return variable.default if variable is not None else match.group(0)

    return _VARIABLE.sub(fill, server.url).rstrip("/")


def pick_server(
    servers: tuple[Server, ...], index: int, values: Mapping[str, str]
) -> str:
    """``server_url`` of the document's server number ``index``."""
    if not 0 <= index < len(servers):
        raise ValueError(
            f"server index {index} is out of range: the document declares {len(servers)}"
        )
    return server_url(servers[index], values)
