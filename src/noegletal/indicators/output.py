"""The output contract of ``INDICATORS.md``: results → JSON.

```json
{"period": "2026-H1", "municipality": "...", "data_sha256": "...", "indicators": [
  {"id": "fp1.placed_per_1000_0_22", "value": 8.7, "unit": "per_1000",
   "breakdown": null, "suppressed_in_publication": false}, ...]}
```

Values are exact (not rounded, not suppressed); ``suppressed_in_publication`` says whether a
report hides anything of the indicator (:mod:`noegletal.discretion`). Extra keys: ``label_da``,
``basis`` (persons behind a share/average), ``reason`` (why ``value`` is null), ``note``,
``table`` (multi-column indicators). The file holds no timestamp, so equal inputs give equal
bytes (publication change logs rely on it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from noegletal import __version__
from noegletal.data.tables import Tables
from noegletal.discretion import publish
from noegletal.indicators._common import clean
from noegletal.indicators.registry import Result
from noegletal.periods import Period

__all__ = ["result_to_dict", "results_document", "write_json"]


def _clean_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_tree(v) for v in value]
    return clean(value)


def result_to_dict(result: Result, threshold: int) -> dict[str, Any]:
    """One indicator in the output contract's form."""
    published = publish(result, threshold)
    entry: dict[str, Any] = {
        "id": result.id,
        "label_da": result.label_da,
        "value": clean(result.value),
        "unit": result.unit,
        "breakdown": _clean_tree(result.breakdown),
        "suppressed_in_publication": bool(published.suppressed),
    }
    if result.basis is not None:
        entry["basis"] = int(result.basis)
    if result.value is None and result.reason:
        entry["reason"] = result.reason
    if result.note:
        entry["note"] = result.note
    if result.table is not None:
        entry["table"] = _clean_tree(result.table)
    return entry


def results_document(tables: Tables, period: Period, results: list[Result]) -> dict[str, Any]:
    """The whole JSON document for one municipality and period."""
    municipality = tables.municipality
    return {
        "period": str(period),
        "municipality": municipality.name,
        "municipality_code": municipality.code,
        "data_sha256": tables.data_sha256,
        "noegletal_version": __version__,
        "discretion_threshold": municipality.discretion_threshold,
        "indicators": [result_to_dict(r, municipality.discretion_threshold) for r in results],
    }


def write_json(document: dict[str, Any], path: Path) -> None:
    """Write ``document`` as UTF-8 JSON atomically (a temp file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(
        json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    tmp.replace(path)
