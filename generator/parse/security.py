"""What the client needs of an OAuth2 scheme beyond its kind: the client credentials flow's
token URL, and the scopes that the document's security requirements ask of the scheme.
"""

from __future__ import annotations

from typing import Any

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def token_url(scheme: dict[str, Any]) -> str:
    """The client credentials flow's ``tokenUrl``; "" when the scheme has no such flow."""
    flows = scheme.get("flows")
    flow = flows.get("clientCredentials") if isinstance(flows, dict) else None
    url = flow.get("tokenUrl") if isinstance(flow, dict) else None
    return url if isinstance(url, str) else ""


def requested_scopes(data: dict[str, Any], scheme: str) -> tuple[str, ...]:
    """Every scope a requirement of the document (global or per operation) names for
    ``scheme``, in document order without repeats: what the client's token must allow.
    """
    found: dict[str, None] = {}
    requirement_lists = [data.get("security")]
    paths = data.get("paths")
    for item in paths.values() if isinstance(paths, dict) else ():
        if isinstance(item, dict):
            requirement_lists += [
                op.get("security")
                for method, op in item.items()
                if method in _METHODS and isinstance(op, dict)
            ]
    for requirements in requirement_lists:
        for requirement in requirements if isinstance(requirements, list) else ():
            scopes = requirement.get(scheme) if isinstance(requirement, dict) else None
            for scope in scopes if isinstance(scopes, list) else ():
                found[str(scope)] = None
    return tuple(found)
