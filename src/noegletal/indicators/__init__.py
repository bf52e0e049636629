"""Indicators of ``INDICATORS.md``: one module per group, one registry for all.

>>> from noegletal.indicators import indicator_ids
>>> "fp1.placed_per_1000_0_22" in indicator_ids()
True
"""

from noegletal.indicators.registry import (
    REGISTRY,
    MissingInput,
    Result,
    compute,
    indicator,
    indicator_ids,
)

__all__ = ["REGISTRY", "MissingInput", "Result", "compute", "indicator", "indicator_ids"]
