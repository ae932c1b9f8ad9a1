"""What every question needs before it computes: an open store (given the bundled data when
empty), the vintages it reads, and the credits of the publishers whose data it used."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from aigap.analysis.common import check_seed, parse_as_of, parse_date
from aigap.store import Store, open_store
from aigap.store.frames import Selection

__all__ = ["analysis_store", "check_seed", "credits_for", "data_note", "ensure_bundled",
           "ensure_starter", "parse_as_of", "parse_date", "reading_store"]


@contextmanager
def analysis_store(home: str | Path | None = None, store: Store | None = None
                   ) -> Iterator[Store]:
    """An open store for analyses, opened read-only so any number of readers (the CLI, the
    report, a running ``aigap serve``) can work at once.

    Only a missing, empty or older-schema store is first opened for writing (to migrate it
    and give it the bundled data, :func:`ensure_bundled`).
    """
    if store is not None:
        yield store
        return
    from aigap.config import get_settings

    path = Path(get_settings(home).store_path)
    if not _ready(path):
        with open_store(home) as st:
            ensure_bundled(st)
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


def ensure_bundled(store: Store, *, updating: Iterable[str] = ()) -> bool:
    """Give an empty store the data shipped with aigap, in one transaction. True if it did.

    That is Epoch AI's AI Models and Benchmarking Hub files as of the bundled snapshot (CC BY
    4.0, credited as Epoch AI; vintages retrieved on the snapshot date, marked ``bundled``)
    and the starter dataset for what Epoch's files lack (indicators, and metrics such as
    C-Eval). The starter data steps aside wherever public data answers the same question;
    ``aigap update`` adds fresh vintages that supersede the snapshot's.

    ``updating``: sources a partial update is about to import into this store; when they
    include a bundled source, nothing is loaded (the update brings that data itself).
    """
    if store.read_only or not store.is_empty():
        return False
    from aigap.sources.bundled import BUNDLED_SOURCES

    if updating:
        from aigap.api.data import resolve_source

        if {resolve_source(n).name for n in updating} & set(BUNDLED_SOURCES):
            return False
    import logging
    from datetime import datetime

    from aigap.api.data import store_parsed
    from aigap.sources.base import get_source
    from aigap.sources.bundled import load_bundled, snapshot_date
    from aigap.sources.starter import starter_files

    stamp = snapshot_date()
    logging.getLogger("aigap.first_run").info(
        "First run: loading the Epoch AI snapshot of %s bundled with aigap into %s (a few "
        "seconds, once).", stamp.isoformat(), store.path)
    starter = get_source("starter")
    sources = {name: get_source(name) for name in (*BUNDLED_SOURCES, starter.name)}
    parsed = load_bundled() + [d for f in starter_files() for d in starter.parse(f)]
    store.set_meta("bundled_snapshot", stamp.isoformat())
    origins = {**dict.fromkeys(BUNDLED_SOURCES, "bundled"), starter.name: "starter"}
    store_parsed(store, parsed, sources, origin=origins,
                 retrieved_at=datetime(stamp.year, stamp.month, stamp.day))
    return True


#: The earlier name of :func:`ensure_bundled`.
ensure_starter = ensure_bundled


def data_note(home: str | Path | None = None, store: Store | None = None) -> str | None:
    """One line saying when the store's current data is the data shipped with aigap (the
    Epoch AI snapshot's date, the starter data), else None; for outputs that use many
    datasets at once, such as claim verdicts."""
    from aigap.store.frames import select_vintages

    with analysis_store(home, store) as st:
        return select_vintages(st, None, table="score").data_note()


def credits_for(store: Store, selection: Selection) -> list[str]:
    """The credit line of each source whose vintages the selection used, in registry order."""
    from aigap.sources.base import all_sources

    used = set(store.sources_of(selection.vintages.values()).values())
    return [s.credit for s in all_sources() if s.name in used]


#: The same as :func:`analysis_store` (kept for callers that name the read-only intent).
reading_store = analysis_store
