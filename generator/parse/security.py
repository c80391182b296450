"""What the client needs of an OAuth2 scheme beyond its kind: the client credentials flow's
token URL, and the scopes that the document's security requirements ask of the scheme.
"""

from __future__ import annotations

from typing import Any

from generator.methods import path_operations


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
        requirement_lists += [op.node.get("security") for op in path_operations(item)]
    for requirements in requirement_lists:
        for requirement in requirements if isinstance(requirements, list) else ():
            scopes = requirement.get(scheme) if isinstance(requirement, dict) else None
            for scope in scopes if isinstance(scopes, list) else ():
                found[str(scope)] = None
    return tuple(found)
