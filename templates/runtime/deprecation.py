"""Warnings at call time for the arguments a document marks deprecated: a parameter, or a
property of a flattened body. (Deprecated operations carry ``typing_extensions.deprecated``
instead, which editors strike through.)"""

from __future__ import annotations

import warnings

from ._types import NotGiven


def warn_deprecated_arguments(method: str, **arguments: object) -> None:
    """A ``DeprecationWarning`` for each of ``arguments`` the caller gave, pointing at the
    caller's line (the generated method calls this first)."""
    for name, value in arguments.items():
        if not isinstance(value, NotGiven):
            warnings.warn(
                f"{method}(): the argument {name!r} is deprecated",
                DeprecationWarning,
                stacklevel=3,
            )
