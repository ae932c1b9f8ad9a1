"""What every question needs before it computes: an open store (given the bundled data when
empty), the vintages it reads, and the credits of the publishers whose data it used."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aigap.analysis.common import parse_date
from aigap.store import Store, open_store
from aigap.store.frames import Selection

__all__ = ["analysis_store", "credits_for", "ensure_starter", "parse_date", "reading_store"]


@contextmanager
def analysis_store(home: str | Path | None = None, store: Store | None = None
                   ) -> Iterator[Store]:
    """An open store for analyses; an empty store is first given the bundled starter data.

    The starter data steps aside (is ignored by queries) once any real source is imported.
    """
    if store is not None:
        yield store
        return
    with open_store(home) as st:
        ensure_starter(st)
        yield st


def ensure_starter(store: Store) -> bool:
    """Import the bundled starter dataset into an empty store. Returns True if it did."""
    if store.read_only or not store.is_empty():
        return False
    from aigap.api.data import store_parsed
    from aigap.sources.base import get_source
    from aigap.sources.starter import starter_files

    src = get_source("starter")
    parsed = [d for f in starter_files() for d in src.parse(f)]
    store_parsed(store, parsed, {src.name: src})
    return True


def credits_for(store: Store, selection: Selection) -> list[str]:
    """The credit line of each source whose vintages the selection used, in registry order."""
    from aigap.sources.base import all_sources

    used = set(store.sources_of(selection.vintages.values()).values())
    return [s.credit for s in all_sources() if s.name in used]


@contextmanager
def reading_store(home: str | Path | None = None, store: Store | None = None
                  ) -> Iterator[Store]:
    """The caller's store, else the data home's opened read-only (after giving an empty
    store the bundled data), so any number of readers can work at once."""
    if store is not None:
        yield store
        return
    with analysis_store(home) as st:
        path = st.path
    with Store(path, read_only=True) as ro:
        yield ro
