"""noegletal — key figures for the specialised social area of a Danish municipality."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("noegletal")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
