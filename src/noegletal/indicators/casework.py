"""FP2 — guidelines that support efficient casework."""
