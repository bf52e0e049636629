"""FP5 — person-level commitment accounts and year-end forecasts."""
