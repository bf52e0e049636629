"""Synthetic data: a deterministic example municipality (and, later, national-scale data).

:func:`generate_example` writes the fictional *Egebjerg Kommune* as a data directory that
satisfies ``DATA.md``; :func:`generate_municipality` is its core and returns the tables of one
municipality as typed DataFrames, so a national generator can call it once per municipality.
"""

from __future__ import annotations

from noegletal.synthetic.example import (
    EXAMPLE,
    ExampleMunicipality,
    MunicipalityProfile,
    format_table,
    generate_example,
    generate_municipality,
    municipality_yaml,
)

__all__ = [
    "EXAMPLE",
    "ExampleMunicipality",
    "MunicipalityProfile",
    "format_table",
    "generate_example",
    "generate_municipality",
    "municipality_yaml",
]
