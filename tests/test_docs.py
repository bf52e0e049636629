"""The documents describe what the code does: generated parts are current."""

from __future__ import annotations

import re

from noegletal.data.spec import contract_markdown
from tests.conftest import ROOT


def test_data_contract_doc_is_current() -> None:
    text = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- contract:start -->\n(.*)<!-- contract:end -->", text, re.S)
    assert block, "markers missing in docs/data-contract.md"
    assert block.group(1) == contract_markdown(), "run `make docs` to refresh the contract"
