"""Small shared types: the omitted-argument sentinel and the aliases of request options."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Literal, Tuple, TypeAlias, Union, final

import httpx


@final
class NotGiven:
    """Marks an argument the caller left out, as opposed to one set to ``None`` (sent as null).

    Falsy, so ``if value:`` treats it like a missing value. Copies and pickles come
    back as the module's ``NOT_GIVEN``, so identity checks keep working.
    """

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __copy__(self) -> NotGiven:
        return self

    def __deepcopy__(self, memo: object) -> NotGiven:
        return self

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

Headers: TypeAlias = Mapping[str, str]
Query: TypeAlias = Mapping[str, object]
Body: TypeAlias = Mapping[str, object]
Timeout: TypeAlias = Union[float, httpx.Timeout, None]

# An upload: raw bytes, a file opened in binary mode, or a path to read.
FileContent: TypeAlias = Union[bytes, IO[bytes], os.PathLike[str]]
# An upload with an optional (filename, content) or (filename, content, content_type).
FileTypes: TypeAlias = Union[
    FileContent,
    Tuple[Union[str, None], FileContent],
    Tuple[Union[str, None], FileContent, Union[str, None]],
]
