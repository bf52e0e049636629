"""Cross-sector baselines (seed 003)."""
