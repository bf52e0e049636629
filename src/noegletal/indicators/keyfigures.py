"""FP6 — professional and financial key figures."""
