"""The store: the only place that speaks SQL.

- :mod:`aigap.store.db`: the DuckDB file (open, migrate, load vintages in one transaction).
- :mod:`aigap.store.frames`: analysis-ready frames out of it (vintages for an as-of date,
  the model catalogue, scores, tables).
- :mod:`aigap.store.derive`: tables derived from stored rows (TOP500 counts and shares).
"""

from __future__ import annotations

from aigap.store.db import DatasetOutcome, FileRecord, Store, VintageFallbackWarning, open_store

__all__ = ["DatasetOutcome", "FileRecord", "Store", "VintageFallbackWarning", "open_store"]
