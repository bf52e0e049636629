"""FP3 — firm, data-based frame budgeting."""
