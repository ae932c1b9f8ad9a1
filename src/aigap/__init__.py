"""aigap: measure the generative-AI gap between countries and groups of labs, from public data.

The public API is loaded lazily (importing :mod:`aigap` does no work), so ``import aigap`` is
cheap and ``aigap.lag(...)`` pulls in pandas and DuckDB only when first used.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# name -> module that defines it: the errors, the store, settings, the downloader, and
# every question of :mod:`aigap.api`.
_API: dict[str, str] = {
    "AigapError": "aigap.errors",
    "SourceError": "aigap.errors",
    "SchemaError": "aigap.errors",
    "AttributionError": "aigap.errors",
    "QueryError": "aigap.errors",
    "ClaimError": "aigap.errors",
    "Store": "aigap.api",
    "open_store": "aigap.api",
    "get_settings": "aigap.config",
    "Downloader": "aigap.sources.fetch",
    "FetchResult": "aigap.sources.fetch",
    "models": "aigap.api", "metrics": "aigap.api", "data_sources": "aigap.api",
    "scores": "aigap.api", "unmapped": "aigap.api",
    "lag": "aigap.api", "trend": "aigap.api", "LagReport": "aigap.api",
    "TrendReport": "aigap.api", "compute": "aigap.api", "ComputeReport": "aigap.api",
    "top500": "aigap.api", "clusters": "aigap.api", "chips": "aigap.api",
    "arena_gap": "aigap.api", "arena_languages": "aigap.api", "leaderboard": "aigap.api",
    "indicators": "aigap.api", "import_path": "aigap.api", "update_from_dir": "aigap.api",
    "update_live": "aigap.api", "ImportReport": "aigap.api", "Result": "aigap.api",
    "index": "aigap.api", "IndexResult": "aigap.api",
}

__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'aigap' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
