"""The CPR rule: refused without a key, pseudonymised with one, never printed anywhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from noegletal.data import privacy
from noegletal.data.load import inspect_data_dir, load_tables
from tests.conftest import edit_csv

CPR_HYPHEN = "010190-1234"
CPR_PLAIN = "2502851234"
CPR_DIGITS = re.compile(r"(0101901234|010190|2502851234|250285)")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("010190-1234", True),
        ("0101901234", True),
        ("310199-0000", True),  # 31 January
        ("290200-1111", True),  # 29 February: the century is unknown, accept
        ("300290-1111", False),  # 30 February never exists
        ("011390-1234", False),  # month 13
        ("B000123", False),
        ("12345678901", False),  # 11 digits: not CPR-shaped
        ("id 010190-1234 x", True),  # embedded
    ],
)
def test_looks_like_cpr(text: str, expected: bool) -> None:
    assert privacy.looks_like_cpr(text) is expected
    assert bool(privacy.cpr_mask(pd.Series([text]))[0]) is expected


def test_redact_masks_only_cpr_shaped_numbers() -> None:
    assert privacy.redact("row 4: 0101901234 and 2025-01-31") == (
        f"row 4: {privacy.REDACTED} and 2025-01-31"
    )
    assert privacy.redact("account 5.28.21.002, amount 1234567890") == (
        "account 5.28.21.002, amount 1234567890"  # 12/34 is no date
    )


def _put_cprs(data_dir: Path) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        rows[0]["person_id"] = CPR_HYPHEN
        rows[1]["person_id"] = CPR_HYPHEN  # same child, second measure
        rows[2]["person_id"] = CPR_PLAIN

    edit_csv(data_dir / "interventions.csv", change)
    edit_csv(
        data_dir / "ledger.csv",
        lambda rows: rows[0].update(person_id=CPR_HYPHEN[:6] + CPR_HYPHEN[7:]),
    )


def test_cpr_refused_without_key_row_and_column_named(tiny_dir: Path) -> None:
    _put_cprs(tiny_dir)
    errors = inspect_data_dir(tiny_dir, key=None).errors
    where = sorted((p.file, p.row, p.column) for p in errors)
    assert where == [
        ("interventions.csv", 2, "person_id"),
        ("interventions.csv", 3, "person_id"),
        ("interventions.csv", 4, "person_id"),
        ("ledger.csv", 2, "person_id"),
    ]
    assert all(p.value is None for p in errors)


def test_cpr_pseudonymised_with_key_consistently_across_tables(tiny_dir: Path) -> None:
    _put_cprs(tiny_dir)
    tables = load_tables(tiny_dir, key=b"test-key")
    ids = tables.interventions["person_id"].tolist()
    assert ids[0] == ids[1] and ids[0] != ids[2]
    assert all(re.fullmatch(r"P[0-9a-f]{16}", v) for v in ids)
    # The hyphen does not matter: the ledger's plain form maps to the same pseudonym.
    assert tables.ledger.loc[0, "person_id"] == ids[0]
    # Other keys give other pseudonyms (the hash is keyed).
    other = load_tables(tiny_dir, key=b"another-key")
    assert other.interventions.loc[0, "person_id"] != ids[0]


def _run_cli(args: list[str], env_extra: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOEGLETAL_")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "noegletal", "--verbose", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
    )


def test_no_cpr_reaches_stdout_stderr_or_logs(tiny_dir: Path, tmp_path: Path) -> None:
    _put_cprs(tiny_dir)
    refused = _run_cli(["validate", str(tiny_dir)], {}, tmp_path)
    assert refused.returncode == 1
    assert "looks like a CPR number" in refused.stderr
    assert not CPR_DIGITS.search(refused.stdout + refused.stderr)

    accepted = _run_cli(["validate", str(tiny_dir)], {privacy.KEY_ENV: "k"}, tmp_path)
    assert accepted.returncode == 0, accepted.stderr
    assert "pseudonymised" in accepted.stdout
    assert not CPR_DIGITS.search(accepted.stdout + accepted.stderr)
    # Nothing was written next to the data or in the working directory.
    assert list(tmp_path.iterdir()) == [tiny_dir]


def test_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("secret\n", encoding="utf-8")
    assert privacy.load_pseudonym_key({privacy.KEY_FILE_ENV: str(key_file)}) == b"secret"
    assert privacy.load_pseudonym_key({}) is None
    assert privacy.load_pseudonym_key({privacy.KEY_ENV: "abc"}) == b"abc"
