"""Presentation: discretion-aware Danish formats, the chart and table theme, text."""
