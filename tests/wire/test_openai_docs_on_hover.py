"""Docs on hover in the OpenAI client (issue 13's yardstick): the share of the document's
described fields, Param keys and method arguments that carry their description where an
editor shows it. Only the keys of functional TypedDicts (keys that are no identifiers, or
shadow a name the class's annotations use) cannot carry one."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from clientgen import client_spec
from hover_docs import docstring_share


def test_described_fields_and_parameters_carry_their_docstring(
    openai: ModuleType, openai_spec: Path
) -> None:
    spec = client_spec(openai_spec, openai.__name__)
    share = docstring_share(spec, Path(openai.__file__).parents[1])
    functional = {m.param_name for m in spec.models if m.param_functional}
    print(f"{share.carried} of {share.described} carry their description")
    assert share.described > 8000
    assert {m.split(".")[0] for m in share.missing} <= functional
    assert share.carried / share.described > 0.995
