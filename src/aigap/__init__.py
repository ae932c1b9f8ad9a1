"""aigap: measure the generative-AI gap between countries and groups of labs, from public data.

The public API is loaded lazily (importing :mod:`aigap` does no work), so ``import aigap`` is
cheap and ``aigap.lag(...)`` pulls in pandas and DuckDB only when first used.
"""

from __future__ import annotations

from aigap import api as _api
from aigap.lazy import lazy_exports
from aigap.version import VERSION as __version__

# name -> module that defines it: the errors, settings, the downloader, and every name of
# :mod:`aigap.api` (the public door; the store is exported there too).
_API: dict[str, str] = {
    "AigapError": "aigap.errors",
    "SourceError": "aigap.errors",
    "SchemaError": "aigap.errors",
    "AttributionError": "aigap.errors",
    "QueryError": "aigap.errors",
    "ClaimError": "aigap.errors",
    "get_settings": "aigap.config",
    "Downloader": "aigap.sources.fetch",
    "FetchResult": "aigap.sources.fetch",
    **dict.fromkeys(_api.API, "aigap.api"),
}

__all__ = ["__version__", *sorted(_API)]


__getattr__, __dir__ = lazy_exports(__name__, _API, globals())
