"""Versioned publication: immutable report versions, change logs and an archive site.

``noegletal publish REPORT --period P --data DIR`` publishes ``_publish/<report>/<period>/v<N>/``
(the report's HTML and PDF, ``indicators.json``, ``published.json``, from v2 on
``changes.json`` and ``changes.html``, and ``manifest.json``) and regenerates
``_publish/index.html``. Publishing again with the same inputs, code, lock file and
parameters makes no new version. See ``docs/publishing.md``.

Modules: :mod:`~noegletal.publish.publisher` (the publish step),
:mod:`~noegletal.publish.versions` (layout, listing, lock, atomic steps),
:mod:`~noegletal.publish.manifest` (manifest, publication key, :func:`verify_version`),
:mod:`~noegletal.publish.changelog` (published values, change logs, Danish texts),
:mod:`~noegletal.provenance` (code hash, git, lock file, package versions),
:mod:`~noegletal.publish.site` (the archive ``index.html``), :mod:`~noegletal.publish.pages`
(the shared page style).
"""

from noegletal.publish.changelog import ChangeLog, Edition, changelog_lines, compare
from noegletal.publish.manifest import ManifestError, read_manifest, verify_version
from noegletal.publish.publisher import PublishOutcome, publish_report, series_dir
from noegletal.publish.site import index_html, write_index
from noegletal.publish.versions import PublishError, SeriesInfo, VersionInfo, scan_store

__all__ = [
    "ChangeLog",
    "Edition",
    "ManifestError",
    "PublishError",
    "PublishOutcome",
    "SeriesInfo",
    "VersionInfo",
    "changelog_lines",
    "compare",
    "index_html",
    "publish_report",
    "read_manifest",
    "scan_store",
    "series_dir",
    "verify_version",
    "write_index",
]
