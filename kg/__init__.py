"""talent-kg: a knowledge graph of AI researchers' moves between labs, each fact with its source."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("talent-kg")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
