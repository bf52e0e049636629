"""Municipality settings (``municipality.yml``) — read once at the entry point.

``DATA.md``: ``name``, ``code`` (3 digits), ``currency`` (DKK), ``discretion_threshold``
(default 5), ``branding`` (``logo`` path, ``primary_colour``), ``language`` (``da``/``en``);
for a data set of several municipalities, ``municipalities: [{code, name}, …]``.

Project additions, documented in ``docs/data-contract.md``: ``extract_date`` (the day the data
was extracted; default: the latest date found in the data) and ``forecast.lookback_months``
(the history used for FP5 inflow/outflow rates; default 24).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from noegletal.data.problems import Problem

__all__ = ["Branding", "Municipality", "load_municipality"]

CONFIG_FILE = "municipality.yml"
DEFAULT_COLOUR = "#1F4E79"


@dataclass(frozen=True)
class Branding:
    """Look of the reports: primary colour (hex) and an optional local logo file."""

    primary_colour: str = DEFAULT_COLOUR
    logo: Path | None = None


@dataclass(frozen=True)
class Municipality:
    """Settings of the municipality (or of the benchmark set of municipalities)."""

    name: str
    code: str
    currency: str = "DKK"
    discretion_threshold: int = 5
    language: str = "da"
    branding: Branding = field(default_factory=Branding)
    municipalities: tuple[tuple[str, str], ...] = ()
    extract_date: date | None = None
    forecast_lookback_months: int = 24

    def name_of(self, code: str) -> str:
        """Name of the municipality with ``code`` (this one or one of the listed)."""
        for listed_code, listed_name in self.municipalities:
            if listed_code == code:
                return listed_name
        return self.name if code == self.code else code


def _problem(rule: str, fix: str) -> Problem:
    return Problem(CONFIG_FILE, rule, fix)


def load_municipality(data_dir: Path) -> tuple[Municipality | None, list[Problem]]:
    """Read and check ``municipality.yml`` in ``data_dir``."""
    path = data_dir / CONFIG_FILE
    if not path.exists():
        return None, [
            _problem(
                "the file is missing",
                "add municipality.yml with at least 'name' and 'code' (see docs/data-contract.md)",
            )
        ]
    try:
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        return None, [_problem(f"not valid YAML ({exc})", "fix the YAML syntax")]
    problems: list[Problem] = []
    name = str(raw.get("name") or "").strip()
    code = str(raw.get("code") or "").strip()
    if not name:
        problems.append(_problem("'name' is missing", "write the municipality's name"))
    if not re.fullmatch(r"\d{3}", code):
        problems.append(
            _problem(f"'code' must be 3 digits (got '{code}')", "use the 3-digit code, e.g. 169")
        )
    threshold = raw.get("discretion_threshold", 5)
    if not isinstance(threshold, int) or threshold < 1:
        problems.append(
            _problem("'discretion_threshold' must be a whole number ≥ 1", "use 5 (the default)")
        )
        threshold = 5
    language = str(raw.get("language", "da"))
    if language not in ("da", "en"):
        problems.append(_problem(f"'language' must be da or en (got '{language}')", "use da"))
    branding_raw = raw.get("branding") or {}
    colour = str(branding_raw.get("primary_colour", DEFAULT_COLOUR))
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
        problems.append(
            _problem(
                f"'branding.primary_colour' must be a hex colour like #1F4E79 (got '{colour}')",
                "write the colour as # followed by six hex digits",
            )
        )
        colour = DEFAULT_COLOUR
    logo = branding_raw.get("logo")
    logo_path = (data_dir / logo) if logo else None
    if logo_path is not None and not logo_path.exists():
        problems.append(
            _problem(f"logo file '{logo}' does not exist", "use a local file next to the data")
        )
        logo_path = None
    listed = []
    for entry in raw.get("municipalities") or []:
        listed.append((str(entry.get("code", "")).zfill(3), str(entry.get("name", ""))))
    extract = raw.get("extract_date")
    if extract is not None and not isinstance(extract, date):
        problems.append(
            _problem("'extract_date' must be a date YYYY-MM-DD", "write e.g. 2026-07-15")
        )
        extract = None
    lookback = int((raw.get("forecast") or {}).get("lookback_months", 24))
    if problems and any(p.rule.startswith(("'name'", "'code'")) for p in problems):
        return None, problems
    return (
        Municipality(
            name=name,
            code=code,
            currency=str(raw.get("currency", "DKK")),
            discretion_threshold=threshold,
            language=language,
            branding=Branding(colour, logo_path),
            municipalities=tuple(listed),
            extract_date=extract,
            forecast_lookback_months=lookback,
        ),
        problems,
    )
