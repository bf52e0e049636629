"""The house style: one look for every chart (plotnine) and table (great_tables).

* Colours: the municipality's primary colour (``municipality.yml: branding.primary_colour``)
  for the main series, then the Okabe–Ito palette, which stays distinguishable for the common
  forms of colour blindness. Sequential series (the staircase steps) use tints of the primary
  colour.
* Font: DejaVu Sans, the font the PDF uses (shipped with matplotlib, so the same on every
  machine).
* Axis labels: Danish number formats through :mod:`noegletal.present.formats` — never
  ``40000000`` but ``40 mio. kr.``.

Usage: ``ggplot(...) + theme_house()``; ``house_table(frame, "id", title=..., labels=...)``
builds every report table (``style_table`` is the style it applies).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd
from great_tables import GT, loc, style
from plotnine import element_blank, element_line, element_rect, element_text, theme, theme_minimal

from noegletal.present.formats import fmt_kr, fmt_mio_kr, fmt_number, fmt_pct

__all__ = [
    "FONT",
    "OKABE_ITO",
    "house_table",
    "label_kr",
    "label_mio_kr",
    "label_number",
    "label_pct",
    "palette",
    "style_table",
    "theme_house",
    "tints",
]

FONT = "DejaVu Sans"
DEFAULT_PRIMARY = "#1F4E79"
GREY = "#5F6B76"
LIGHT_GREY = "#D9DEE3"
#: Okabe & Ito (2008), without black and yellow (too light on white).
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"]


def _mix(colour: str, white_share: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(c + (255 - c) * white_share) for c in (r, g, b))
    return "#" + "".join(f"{c:02X}" for c in mixed)


def palette(primary: str = DEFAULT_PRIMARY, n: int = 6) -> list[str]:
    """``n`` distinguishable colours starting with the municipality's primary colour.

    >>> palette("#1F4E79", 3)
    ['#1F4E79', '#E69F00', '#009E73']
    """
    colours = [primary, *[c for c in OKABE_ITO if c.upper() != primary.upper()][1:]]
    while len(colours) < n:
        colours += [_mix(c, 0.45) for c in colours[: n - len(colours)]]
    return colours[:n]


def tints(primary: str = DEFAULT_PRIMARY, n: int = 7) -> list[str]:
    """``n`` tints of the primary colour from light to full (for ordered categories).

    >>> tints("#000000", 3)
    ['#A6A6A6', '#535353', '#000000']
    """
    if n == 1:
        return [primary]
    return [_mix(primary, 0.65 * (n - 1 - i) / (n - 1)) for i in range(n)]


def _labeller(fmt: Callable[[float], str]) -> Callable[[Sequence[float]], list[str]]:
    def labels(values: Sequence[float]) -> list[str]:
        return [fmt(v) for v in values]

    return labels


def label_number(decimals: int = 0) -> Callable[[Sequence[float]], list[str]]:
    """Axis labels ``1.234.567`` (Danish thousands separator)."""
    return _labeller(lambda v: fmt_number(v, decimals))


def label_kr() -> Callable[[Sequence[float]], list[str]]:
    """Axis labels ``250.000 kr.``."""
    return _labeller(fmt_kr)


def label_mio_kr() -> Callable[[Sequence[float]], list[str]]:
    """Axis labels ``40 mio. kr.`` for amounts in kroner."""
    return _labeller(fmt_mio_kr)


def label_pct(decimals: int = 0) -> Callable[[Sequence[float]], list[str]]:
    """Axis labels ``12 %`` for fractions."""
    return _labeller(lambda v: fmt_pct(v, decimals))


def theme_house(base_size: float = 9, figure_size: tuple[float, float] = (6.5, 3.4)) -> theme:
    """The plotnine theme of every chart: light grid, no box, Danish-ready, DejaVu Sans."""
    return theme_minimal(base_size=base_size, base_family=FONT) + theme(
        figure_size=figure_size,
        dpi=200,
        text=element_text(color="#222222", family=FONT),
        axis_text=element_text(color=GREY, size=base_size - 1),
        axis_title=element_text(color=GREY, size=base_size - 0.5),
        plot_title=element_text(weight="bold", size=base_size + 1.5, ha="left"),
        plot_subtitle=element_text(color=GREY, size=base_size, ha="left"),
        plot_caption=element_text(color=GREY, size=base_size - 1.5, ha="left"),
        panel_grid_major=element_line(color=LIGHT_GREY, size=0.4),
        panel_grid_minor=element_blank(),
        legend_position="bottom",
        legend_title=element_blank(),
        legend_text=element_text(size=base_size - 1),
        strip_text=element_text(weight="bold", ha="left", size=base_size),
        plot_background=element_rect(fill="white", color="white"),
    )


def style_table(table: GT, primary: str = DEFAULT_PRIMARY) -> GT:
    """Apply the house style to a great_tables table (header, rules, striping, font)."""
    return (
        table.opt_table_font(font=[FONT, "Arial", "sans-serif"])
        .tab_options(
            table_font_size="13px",
            heading_title_font_size="15px",
            heading_subtitle_font_size="13px",
            heading_align="left",
            column_labels_font_weight="bold",
            column_labels_background_color=_mix(primary, 0.88),
            table_border_top_color=primary,
            table_border_bottom_color=primary,
            column_labels_border_bottom_color=primary,
            row_striping_background_color="#F5F7F9",
            source_notes_font_size="11px",
            data_row_padding="4px",
            table_width="100%",
        )
        .opt_row_striping()
        .tab_style(style=style.text(color=primary, weight="bold"), locations=loc.title())
    )


def house_table(
    frame: pd.DataFrame,
    table_id: str,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    labels: Mapping[str, str] | None = None,
    right: Sequence[str] = (),
    bold_last: int = 0,
    notes: Sequence[str] = (),
    primary: str = DEFAULT_PRIMARY,
    groupname_col: str | None = None,
) -> GT:
    """Every report table is built here, in the house style: title and subtitle, Danish
    column ``labels``, number columns aligned ``right`` (the others left), the last
    ``bold_last`` rows (totals) in bold, and the source and discretion ``notes`` under it.
    ``table_id`` keeps the HTML stable between renders (RENDERING-NOTES.md);
    ``groupname_col`` groups the rows under headings."""
    table = GT(frame, id=table_id, groupname_col=groupname_col)
    if title:
        table = table.tab_header(title=title, subtitle=subtitle)
    if labels:
        table = table.cols_label(**labels)
    if right:
        table = table.cols_align("right", columns=list(right))
    left = [c for c in frame.columns if c not in right and c != groupname_col]
    if left:
        table = table.cols_align("left", columns=left)
    if bold_last:
        rows = list(range(len(frame) - bold_last, len(frame)))
        table = table.tab_style(style=style.text(weight="bold"), locations=loc.body(rows=rows))
    table = style_table(table, primary)
    for note in notes:
        table = table.tab_source_note(note)
    return table
