"""aigap: measure the generative-AI gap between countries and groups of labs, from public data.

The public API is loaded lazily (importing :mod:`aigap` does no work), so ``import aigap`` is
cheap and ``aigap.lag(...)`` pulls in pandas and DuckDB only when first used.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# name -> module that defines it
_API: dict[str, str] = {
    "AigapError": "aigap.errors",
    "SourceError": "aigap.errors",
    "SchemaError": "aigap.errors",
    "AttributionError": "aigap.errors",
    "QueryError": "aigap.errors",
    "ClaimError": "aigap.errors",
    "Store": "aigap.store",
    "open_store": "aigap.store",
    "get_settings": "aigap.config",
    "models": "aigap.api",
    "lag": "aigap.gap",
    "trend": "aigap.gap",
    "LagReport": "aigap.gap",
    "TrendReport": "aigap.gap",
    "compute": "aigap.infra",
    "ComputeReport": "aigap.infra",
    "top500": "aigap.infra",
    "clusters": "aigap.infra",
    "chips": "aigap.infra",
    "import_path": "aigap.ingest",
    "update_from_dir": "aigap.ingest",
    "update_live": "aigap.ingest",
    "Downloader": "aigap.sources.fetch",
    "FetchResult": "aigap.sources.fetch",
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
