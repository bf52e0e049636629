"""The documents describe what the code does: generated parts are current."""

from __future__ import annotations

import pytest

from noegletal.docs import GENERATED, render_block
from tests.conftest import ROOT


@pytest.mark.parametrize(("name", "marker", "generate"), GENERATED, ids=[g[0] for g in GENERATED])
def test_generated_docs_are_current(name, marker, generate) -> None:
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert render_block(text, marker, generate()) == text, "run `make docs` to refresh"
