"""The calm, self-contained HTML page of the archive index and the change pages.

One file with its own CSS: no scripts, no fonts or images from elsewhere, only relative
links, so the archive can be copied to any web server or intranet share. The look follows
the reports (``render/templates/report.css``): a title band in the municipality's colour,
one accent colour, generous white space, tabular numbers.
"""

from __future__ import annotations

import html
import re

__all__ = ["CSS", "DEFAULT_COLOUR", "page"]

DEFAULT_COLOUR = "#1F4E79"

CSS = """
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: #1d2329; background: #ffffff;
  font-family: "Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial,
    "DejaVu Sans", sans-serif;
  font-size: 1rem; line-height: 1.55;
}
.title-block { background: var(--primary); color: #ffffff; padding: 2.25rem 1.25rem 1.6rem; }
.title-block > * { max-width: 55.5rem; margin-left: auto; margin-right: auto; }
.title-block .kicker {
  margin-top: 0; margin-bottom: 0.6rem; font-size: 0.85rem; font-weight: 600;
  letter-spacing: 0.08em; text-transform: uppercase; opacity: 0.85;
}
.title-block h1 {
  margin-top: 0; margin-bottom: 0; font-size: clamp(1.6rem, 4vw, 2.1rem); line-height: 1.2;
}
.title-block .lead { margin-top: 0.5rem; margin-bottom: 0; font-size: 1.1rem; opacity: 0.92; }
.page { max-width: 58rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h2 {
  color: var(--primary); font-size: 1.35rem; line-height: 1.25; margin: 2.25rem 0 0.75rem;
  padding-bottom: 0.3rem; border-bottom: 2px solid var(--primary);
}
h2 .sub { display: block; font-size: 0.95rem; font-weight: 400; color: #4a5561; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 0.5rem; }
p { max-width: 46rem; }
.note { color: #4a5561; font-size: 0.92rem; }
a { color: var(--primary); }
a:focus-visible { outline: 2px solid var(--primary); outline-offset: 2px; }
table {
  width: 100%; border-collapse: collapse; margin: 0.5rem 0 1rem;
  font-size: 0.95rem; font-variant-numeric: tabular-nums;
}
th, td { padding: 0.45rem 0.7rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--primary); font-weight: 600; white-space: nowrap; }
tbody td, tbody th { border-bottom: 1px solid #e3e7eb; }
tbody th { font-weight: 600; }
.num { text-align: right; white-space: nowrap; }
tr.current td, tr.current th { background: #f3f7fb; }
table.versions { table-layout: fixed; }
table.versions col.c-version { width: 15%; }
table.versions col.c-date { width: 20%; }
table.versions col.c-report { width: 17%; }
table.versions col.c-changes { width: 26%; }
table.versions col.c-status { width: 22%; }
tr.indicator th .id {
  display: block; font-weight: 400; color: #5b6670; font-size: 0.8rem;
  font-family: "DejaVu Sans Mono", Consolas, Menlo, monospace;
}
tr.cell td:first-child { padding-left: 1.6rem; color: #4a5561; }
tr.cell td { border-bottom-color: #f0f2f4; }
.badge {
  display: inline-block; padding: 0.05rem 0.6rem; border-radius: 999px;
  background: var(--primary); color: #ffffff; font-size: 0.8rem; font-weight: 600;
}
.muted { color: #5b6670; }
.summary {
  background: #f4f6f8; border-left: 4px solid var(--primary); border-radius: 0 4px 4px 0;
  padding: 0.2rem 1.1rem; margin: 0.5rem 0 1.5rem;
}
.summary p { margin: 0.6rem 0; }
.sep { display: inline-block; width: 1.5rem; }
code { font-family: "DejaVu Sans Mono", Consolas, Menlo, monospace; font-size: 0.85rem; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap;
}
footer { border-top: 1px solid #dfe3e8; color: #5b6670; font-size: 0.85rem; }
footer p { max-width: 58rem; margin: 0 auto; padding: 1rem 1.25rem 2rem; }
@media print {
  .title-block { background: none; color: var(--primary); padding: 0 0 1rem; }
  tr.current td, tr.current th { background: none; }
}
"""


def page(
    *,
    title: str,
    kicker: str,
    heading: str,
    lead: str,
    body: str,
    footer: str,
    colour: str | None = None,
) -> str:
    """A complete Danish HTML page. ``title``, ``kicker``, ``heading`` and ``lead`` are text
    (escaped here); ``body`` and ``footer`` are HTML.

    >>> html_text = page(title="T", kicker="K", heading="H", lead="L", body="<p>b</p>",
    ...                  footer="f", colour="#123456")
    >>> "<script" in html_text, '<html lang="da">' in html_text, "--primary: #123456" in html_text
    (False, True, True)
    """
    colour = colour if colour and re.fullmatch(r"#[0-9A-Fa-f]{6}", colour) else DEFAULT_COLOUR
    e = html.escape
    return f"""<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="noegletal">
<title>{e(title)}</title>
<style>
:root {{ --primary: {colour}; }}
{CSS.strip()}
</style>
</head>
<body>
<header class="title-block">
<p class="kicker">{e(kicker)}</p>
<h1>{e(heading)}</h1>
<p class="lead">{e(lead)}</p>
</header>
<main class="page">
{body}
</main>
<footer><p>{footer}</p></footer>
</body>
</html>
"""
