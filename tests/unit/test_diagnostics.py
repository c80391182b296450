"""Tests of generator/diagnostics.py: one diagnostic, one line, whatever the document holds."""

from __future__ import annotations

import pytest

from generator.diagnostics import Diagnostic, Diagnostics


@pytest.mark.parametrize(
    ("name", "given", "want"),
    [
        (
            "plain",
            Diagnostic("warning", "#/components/schemas/Foo", "unknown type"),
            "warning: #/components/schemas/Foo: unknown type",
        ),
        (
            "control characters in a key are percent-encoded",
            Diagnostic("error", "#/paths/~1a\nb/\u2028", "bad"),
            "error: #/paths/~1a%0Ab/%E2%80%A8: bad",
        ),
        (
            "control characters in a message are escaped",
            Diagnostic("error", "#", "value 'a\r\nb\x00'"),
            "error: #: value 'a\\r\\nb\\x00'",
        ),
    ],
)
def test_format(name: str, given: Diagnostic, want: str) -> None:
    assert given.format() == want
    assert "\n" not in given.format()


def test_collector_drops_exact_duplicates_and_promotes() -> None:
    diags = Diagnostics()
    diags.warning("#/a", "x")
    diags.warning("#/a", "x")
    diags.error("#/b", "y")
    assert [d.format() for d in diags.items] == ["warning: #/a: x", "error: #/b: y"]
    assert [d.level for d in diags.strict().items] == ["error", "error"]
