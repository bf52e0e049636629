"""FP4 — budget assumptions on volume and average cost."""
