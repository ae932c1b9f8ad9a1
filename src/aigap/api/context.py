"""What every question needs before it computes: an open store (given the bundled data when
empty), the vintages it reads, and the credits of the publishers whose data it used."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aigap.analysis.common import check_seed, parse_as_of, parse_date
from aigap.store import Store, open_store
from aigap.store.frames import Selection

__all__ = ["analysis_store", "check_seed", "credits_for", "ensure_starter", "parse_as_of",
           "parse_date", "reading_store"]


@contextmanager
def analysis_store(home: str | Path | None = None, store: Store | None = None
                   ) -> Iterator[Store]:
    """An open store for analyses, opened read-only so any number of readers (the CLI, the
    report, a running ``aigap serve``) can work at once.

    Only a missing, empty or older-schema store is first opened for writing (to migrate it
    and give it the bundled starter data, which steps aside once any real source is
    imported).
    """
    if store is not None:
        yield store
        return
    from aigap.config import get_settings

    path = Path(get_settings(home).store_path)
    if not _ready(path):
        with open_store(home) as st:
            ensure_starter(st)
    with Store(path, read_only=True) as ro:
        yield ro


def _ready(path: Path) -> bool:
    """True when the store at ``path`` exists, has data and the current schema (so it can be
    read without first being written)."""
    from aigap import schema
    from aigap.errors import AigapError

    if not path.exists():
        return False
    try:
        with Store(path, read_only=True) as ro:
            return ro.schema_version() == schema.SCHEMA_VERSION and not ro.is_empty()
    except AigapError:
        return False


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


#: The same as :func:`analysis_store` (kept for callers that name the read-only intent).
reading_store = analysis_store
