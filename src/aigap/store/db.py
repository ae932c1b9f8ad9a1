"""The local DuckDB store: open and migrate it, load dataset vintages atomically, read them.

One import call is one transaction: either every dataset in it lands (with its vintage row)
or the store is left exactly as it was. Re-importing a file whose bytes (sha256) are already
stored for that dataset is a no-op. The *current* vintage of a dataset is chosen without
trusting any row's value: a vintage with rows beats an empty one; then, for sources whose
files carry the publisher's date (``Source.dated_by_file``: a TOP500 edition, a snapshot day),
the newest such date; then the latest imported. ``data_as_of`` is never later than the import
day (a row dated 2999 cannot make a vintage "newest" forever). Older vintages stay queryable
by id.

Any number of processes may open the store read-only at once; a writer needs it alone. When
another process holds the file, opening waits up to ``AIGAP_LOCK_WAIT`` seconds (default 5)
and then fails with one line naming that process and what to do.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aigap import schema
from aigap.errors import AigapError, SourceError

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from aigap.sources.base import ParsedDataset


class VintageFallbackWarning(UserWarning):
    """No stored vintage of a dataset is as old as the requested as-of date."""


def _migration_1(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SEQUENCE IF NOT EXISTS vintage_seq START 1")
    con.execute(schema.VINTAGE_DDL)
    for table in schema.TABLES.values():
        con.execute(table.ddl())


def _migration_2(con: duckdb.DuckDBPyConnection) -> None:
    """v2: the model table records training hardware (Epoch's "Training hardware")."""
    con.execute("ALTER TABLE model ADD COLUMN IF NOT EXISTS training_hardware VARCHAR")


def _migration_3(con: duckdb.DuckDBPyConnection) -> None:
    """The capability index: raw benchmark rows, benchmark facts and the fit cache."""
    for name in ("benchmark_row", "model_group", "benchmark_info"):
        con.execute(schema.TABLES[name].ddl())
    con.execute(schema.INDEX_FIT_DDL)


def _migration_4(con: duckdb.DuckDBPyConnection) -> None:
    """v4: file-level records: every input file imported (size, sha256, where it came from),
    so an update recognises unchanged files before parsing them.

    A later migration that adds a table rows are backfilled into (``schema.BACKFILL``) must
    empty ``source_file``, so that every file is parsed once more and its stored vintages
    get the new rows."""
    con.execute(SOURCE_FILE_DDL)


def _migration_5(con: duckdb.DuckDBPyConnection) -> None:
    """v5: research output per institution and institutions' countries (CSRankings)."""
    for name in ("research_output", "institution"):
        con.execute(schema.TABLES[name].ddl())


SOURCE_FILE_DDL = """
CREATE TABLE IF NOT EXISTS source_file (
  sha256 VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  bytes BIGINT,
  file_name VARCHAR NOT NULL,
  origin VARCHAR NOT NULL,
  imported_at TIMESTAMP NOT NULL,
  PRIMARY KEY (sha256, source)
)
"""

#: Origins of a file record: shipped with aigap (the Epoch snapshot, the starter data),
#: downloaded, read from a mirror folder, or imported by ``aigap import``.
ORIGINS = ("bundled", "starter", "download", "mirror", "import")

MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    1: _migration_1, 2: _migration_2, 3: _migration_3, 4: _migration_4,
    5: _migration_5}


@dataclass(frozen=True)
class FileRecord:
    """One input file as the store records it (for files that gave no dataset of their own,
    such as a sidecar, the caller passes these to :meth:`Store.import_datasets`)."""

    source: str
    file_name: str
    sha256: str
    bytes: int | None


@dataclass
class DatasetOutcome:
    """What happened to one dataset in an import."""

    source: str
    dataset: str
    file: str
    status: str  # "imported" | "unchanged"
    vintage_id: int
    rows: int
    skipped: dict[str, int] = field(default_factory=dict)
    data_as_of: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "dataset": self.dataset,
            "file": self.file,
            "status": self.status,
            "vintage_id": self.vintage_id,
            "rows": self.rows,
            "skipped": self.skipped,
            "data_as_of": self.data_as_of.isoformat() if self.data_as_of else None,
        }


class Store:
    """A DuckDB file holding every imported vintage.

    Args:
        path: the database file; created (with its folder) when missing.
        read_only: open without write access (e.g. for the web server).
    """

    def __init__(self, path: Path | str, *, read_only: bool = False,
                 brief: bool = False) -> None:
        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise AigapError(
                f"{self.path}: no aigap store here yet; run `aigap update` (or "
                "`aigap update --from DIR`) first"
            )
        self.read_only = read_only
        #: Memo of derived frames (see aigap.store.frames.cached); cleared whenever data is written.
        self.cache: dict[tuple[Any, ...], Any] = {}
        #: Hold the write lock only while writing (see :meth:`writing`); no connection at
        #: all (no lock, no memory) until the store is first used.
        self.brief = brief and not read_only
        self._migrated = read_only
        self._con: duckdb.DuckDBPyConnection | None = None
        if not self.brief:
            self._con = _connect(self.path, read_only=read_only)
            if not read_only:
                self.migrate()
                self._migrated = True

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection (a ``brief`` store opens a read-only one on first use)."""
        if self._con is None:
            if not self._migrated:  # first use of a brief store: create / migrate the file
                with self.writing():
                    pass
            self._con = _connect(self.path, read_only=True)
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        """The schema version of the file (0 for a new file)."""
        has_meta = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        ).fetchone()
        if not has_meta or not has_meta[0]:
            return 0
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> None:
        """Apply the migrations the file does not have yet, each in its own transaction."""
        self.con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        current = self.schema_version()
        if current > schema.SCHEMA_VERSION:
            raise AigapError(
                f"{self.path}: store schema v{current} is newer than this aigap "
                f"(v{schema.SCHEMA_VERSION}); upgrade aigap"
            )
        for version in sorted(v for v in MIGRATIONS if v > current):
            self.con.execute("BEGIN TRANSACTION")
            try:
                MIGRATIONS[version](self.con)
                self.con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)]
                )
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write connection for the block. A ``brief`` store reads through a
        read-only connection and takes the file's write lock only here, so parsing a large
        mirror never keeps readers (``aigap lag``, the dashboard) out; every write must
        happen inside this block."""
        if not self.brief:
            yield
            return
        self.close()
        self._con = _connect(self.path, read_only=False)
        try:
            if not self._migrated:
                self.migrate()
                self._migrated = True
            yield
        finally:
            self.close()

    def import_datasets(
        self,
        parsed: Sequence[ParsedDataset],
        *,
        licence: str | None = None,
        licences: Mapping[str, str | None] | None = None,
        retrieved_at: datetime | None = None,
        origin: str | Mapping[str, str] = "import",
        files: Sequence[FileRecord] = (),
    ) -> list[DatasetOutcome]:
        """Store parsed datasets, all in one transaction, vintage rows and licences included.

        A dataset whose sha256 is already stored is reported ``unchanged`` and not written.
        ``licences`` maps a source name to its licence (else ``licence`` applies to all).
        Every input file (those of ``parsed`` and ``files``) is recorded in ``source_file``
        with its size and ``origin`` (one of :data:`ORIGINS`, or a mapping source -> origin)
        in the same transaction.

        Raises:
            SchemaError: a frame does not fit its canonical table (nothing is written).
        """
        if self.read_only:
            raise AigapError(f"{self.path}: store opened read-only")

        now = datetime.now(UTC).replace(tzinfo=None)
        retrieved = (retrieved_at or now).replace(tzinfo=None)
        from aigap.store.derive import with_derived

        parsed = with_derived(parsed)
        for p in parsed:
            p.conform()
        self.cache.clear()
        with self.writing():
            return self._write(parsed, licence=licence, licences=licences, now=now,
                               retrieved=retrieved, origin=origin, files=files)

    def _write(self, parsed: Sequence[ParsedDataset], *, licence: str | None,
               licences: Mapping[str, str | None] | None, now: datetime,
               retrieved: datetime, origin: str | Mapping[str, str],
               files: Sequence[FileRecord]) -> list[DatasetOutcome]:
        """The import transaction (see :meth:`import_datasets`)."""

        today = now.date()
        outcomes: list[DatasetOutcome] = []
        self.con.execute("BEGIN TRANSACTION")
        try:
            stored = {
                (str(d), str(h)): (int(v), int(n))
                for d, h, v, n in self.con.execute(
                    "SELECT dataset, sha256, vintage_id, n_rows FROM vintage").fetchall()
            }
            seen: set[tuple[str, str]] = set()
            vintage_rows: list[list[Any]] = []
            batches: dict[str, list[tuple[int, pd.DataFrame]]] = {}
            touched: set[str] = set()
            for p in parsed:
                key = (p.dataset, p.file.sha256)
                if key in stored or key in seen:
                    vid, rows = stored.get(key, (-1, p.n_rows))
                    if key in stored:
                        self._backfill(vid, p.frames)
                    outcomes.append(DatasetOutcome(p.source, p.dataset, p.file.name,
                                                   "unchanged", vid, rows, dict(p.skipped),
                                                   p.data_as_of))
                    continue
                seen.add(key)
                vid_row = self.con.execute("SELECT nextval('vintage_seq')").fetchone()
                assert vid_row is not None
                vid = int(vid_row[0])
                as_of = _clamp(p.data_as_of, today)
                vintage_rows.append(
                    [vid, p.source, p.dataset, p.file.name, p.file.url,
                     (licences or {}).get(p.source, licence), p.file.sha256,
                     retrieved, now, as_of, p.n_rows, p.n_skipped,
                     json.dumps(dict(p.skipped), sort_keys=True)])
                for table, frame in p.frames.items():
                    if len(frame):
                        batches.setdefault(table, []).append((vid, frame))
                touched.add(p.dataset)
                outcomes.append(DatasetOutcome(p.source, p.dataset, p.file.name, "imported",
                                               vid, p.n_rows, dict(p.skipped), as_of))
            if vintage_rows:
                self.con.executemany(
                    "INSERT INTO vintage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false)",
                    vintage_rows)
            for table, items in batches.items():
                self._insert_all(table, items)
            self._refresh_current(touched)
            self._record_files(parsed, files, origin, now)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        finally:
            self.cache.clear()  # nothing memoised during the write outlives it
        return outcomes

    def _record_files(self, parsed: Sequence[ParsedDataset], files: Sequence[FileRecord],
                      origin: str | Mapping[str, str], now: datetime) -> None:
        """Record each input file once (the first origin recorded for its bytes stays)."""
        def origin_of(source: str) -> str:
            found = origin if isinstance(origin, str) else origin.get(source, "import")
            if found not in ORIGINS:
                raise AigapError(f"origin: expected one of {', '.join(ORIGINS)}, got "
                                 f"{found!r}")
            return found

        rows = {(f.sha256, f.source): [f.sha256, f.source, f.bytes, f.file_name,
                                       origin_of(f.source), now] for f in files}
        for p in parsed:  # a parsed file's bytes may be released: size unknown then
            rows.setdefault((p.file.sha256, p.source), [
                p.file.sha256, p.source, len(p.file.data) or None, p.file.name,
                origin_of(p.source), now])
        if rows:
            self.con.executemany("INSERT OR IGNORE INTO source_file VALUES (?, ?, ?, ?, ?, ?)",
                                 list(rows.values()))
            # Bytes first stored from the bundled snapshot, now imported by the user.
            again = [[r[4], r[0]] for r in rows.values() if r[4] not in ("bundled", "starter")]
            if again:
                self.con.executemany("UPDATE source_file SET origin = ? WHERE origin = "
                                     "'bundled' AND sha256 = ?", again)

    def confirm_files(self, shas: Iterable[str], origin: str) -> None:
        """Files met again from a download, mirror or import whose bytes were stored from
        the bundled snapshot: the data is now also the user's own copy, so it is no longer
        labelled as the bundled snapshot (origin becomes ``origin``)."""
        if origin not in ORIGINS or origin in ("bundled", "starter"):
            raise AigapError(f"origin: expected download, mirror or import, got {origin!r}")
        wanted = sorted(set(shas))
        if not wanted or not self._has_bundled(wanted):
            return
        self.cache.clear()
        with self.writing():
            self.con.execute("UPDATE source_file SET origin = ? WHERE origin = 'bundled' "
                             "AND list_contains(?, sha256)", [origin, wanted])

    def _has_bundled(self, shas: list[str]) -> bool:
        """Whether any of these files is recorded as coming from the bundled snapshot."""
        row = self.con.execute("SELECT count(*) FROM source_file WHERE origin = 'bundled' "
                               "AND list_contains(?, sha256)", [shas]).fetchone()
        return bool(row and row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store one setting in the ``meta`` table (e.g. the bundled snapshot's date)."""
        with self.writing():
            self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def meta(self, key: str) -> str | None:
        """A value from the ``meta`` table, None when unset."""
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return str(row[0]) if row else None

    def _backfill(self, vintage_id: int, frames: Mapping[str, pd.DataFrame]) -> None:
        """Give a stored vintage the rows of tables added after it was imported.

        A file imported before a table existed (e.g. ``benchmark_row``, schema v3) is
        "unchanged" when imported again, so without this the new table would stay empty
        for it until the publisher changed the file.
        """
        for table, frame in frames.items():
            if table not in schema.BACKFILL or not len(frame):
                continue
            (n,), = self.con.execute(
                f'SELECT count(*) FROM "{table}" WHERE vintage_id = ?',  # noqa: S608
                [vintage_id]).fetchall()
            if n == 0:
                self._insert(table, frame.assign(vintage_id=vintage_id))

    def _insert_all(self, table: str, items: list[tuple[int, pd.DataFrame]]) -> None:
        """Insert each vintage's rows in order: small frames together in one statement,
        large ones in slices of :data:`INSERT_CHUNK` rows with their vintage id as a
        constant, never copied whole (a million-row file stays under 1 GB)."""
        import pandas as pd

        small: list[pd.DataFrame] = []
        for vid, frame in items:
            if len(frame) < INSERT_CHUNK:
                small.append(frame.assign(vintage_id=vid))
                continue
            if small:
                self._insert(table, pd.concat(small, ignore_index=True))
                small = []
            for start in range(0, len(frame), INSERT_CHUNK):
                self._insert(table, frame.iloc[start:start + INSERT_CHUNK], vintage_id=vid)
        if small:
            self._insert(table, pd.concat(small, ignore_index=True))

    def _insert(self, table: str, frame: pd.DataFrame, vintage_id: int | None = None) -> None:
        """Insert canonical rows in one statement, with ``vintage_id`` (else the frame's
        ``vintage_id`` column)."""
        spec = schema.TABLES[table]
        if frame.empty:
            return
        cols = ", ".join(f'CAST("{c.name}" AS {c.sql})' for c in spec.columns)
        vid = "vintage_id" if vintage_id is None else str(int(vintage_id))
        self.con.register("_incoming", frame)
        try:
            # Table and column names come from the schema module, never from input.
            self.con.execute(
                f'INSERT INTO "{spec.name}" SELECT {vid}::BIGINT, {cols} '  # noqa: S608
                "FROM _incoming"
            )
        finally:
            self.con.unregister("_incoming")

    def _refresh_current(self, datasets: set[str]) -> None:
        """Mark, for each dataset, its current vintage: one with rows before an empty one;
        then the newest publisher's date (sources whose files carry it), never later than
        the import day; then the latest imported."""
        if not datasets:
            return
        from aigap.sources.base import all_sources

        dated = sorted(s.name for s in all_sources() if s.dated_by_file)
        self.con.execute(
            """
            UPDATE vintage SET is_current = (vintage.vintage_id = best.vintage_id)
            FROM (
                SELECT dataset, arg_max(vintage_id, struct_pack(
                    r := n_rows > 0,
                    d := CASE WHEN list_contains(?, source)
                              THEN least(data_as_of, imported_at::DATE) END,
                    i := imported_at, v := vintage_id)) AS vintage_id
                FROM vintage WHERE list_contains(?, dataset) GROUP BY dataset
            ) best
            WHERE vintage.dataset = best.dataset
            """,
            [dated, sorted(datasets)],
        )

    # -- reading ---------------------------------------------------------------------------

    def vintages(self, *, source: str | None = None) -> pd.DataFrame:
        """Every stored vintage, newest first within each dataset."""
        sql = "SELECT * FROM vintage"
        params: list[Any] = []
        if source:
            sql += " WHERE source = ?"
            params.append(source)
        sql += " ORDER BY source, dataset, data_as_of DESC NULLS LAST, vintage_id DESC"
        return self.con.execute(sql, params).df()

    def vintage_ids(
        self,
        *,
        as_of: date | None = None,
        sources: Iterable[str] | None = None,
        datasets: Iterable[str] | None = None,
    ) -> dict[str, int]:
        """The vintage to use per dataset: the current one, or the newest on or before ``as_of``.

        When no vintage of a dataset is that old, the oldest is used and a
        :class:`VintageFallbackWarning` is issued. Answers are memoised until the next write.
        """
        key = ("vintage_ids", as_of, None if sources is None else tuple(sources),
               None if datasets is None else tuple(sorted(datasets)))
        if key not in self.cache:
            self.cache[key] = self._vintage_ids(as_of, key[2], key[3])
        chosen, notes = self.cache[key]
        for note in notes:
            warnings.warn(note, VintageFallbackWarning, stacklevel=2)
        return dict(chosen)

    def _vintage_ids(self, as_of: date | None, sources: tuple[str, ...] | None,
                     datasets: tuple[str, ...] | None) -> tuple[dict[str, int], list[str]]:
        """:meth:`vintage_ids` from the vintage table, with its fallback warnings as text.

        The table (a row per imported file, a few hundred at most) is read once per write
        and the choice made here, so the many as-of dates of one run cost one query."""
        rows = [r for r in self._vintage_rows()
                if (sources is None or r[1] in sources)
                and (datasets is None or r[0] in datasets)]
        if as_of is None:
            return {d: v for d, _, v, _, _, current in sorted(rows) if current}, []
        ok: dict[str, tuple[Any, ...]] = {}
        oldest: dict[str, tuple[Any, ...]] = {}
        for dataset, _, vid, stamp, imported, _ in rows:
            if stamp is not None and stamp <= as_of:
                newest = (stamp, imported, vid)
                if dataset not in ok or newest > ok[dataset]:
                    ok[dataset] = newest
            first = (stamp or date.min, imported, vid, stamp)
            if dataset not in oldest or first[:3] < oldest[dataset][:3]:
                oldest[dataset] = first
        chosen: dict[str, int] = {}
        notes: list[str] = []
        for dataset in sorted(oldest):
            if dataset in ok:
                chosen[dataset] = int(ok[dataset][2])
                continue
            chosen[dataset] = int(oldest[dataset][2])
            stamp = oldest[dataset][3]
            notes.append(f"no vintage of {dataset} is as old as {as_of.isoformat()}; "
                         f"using the oldest stored (data as of {stamp or 'unknown'})")
        return chosen, notes

    def _vintage_rows(self) -> list[tuple[Any, ...]]:
        """(dataset, source, vintage_id, data_as_of, imported_at, is_current) of every
        vintage, memoised until the next write."""
        key = ("vintage_rows",)
        if key not in self.cache:
            self.cache[key] = [
                (str(d), str(s), int(v), a, i, bool(c)) for d, s, v, a, i, c in
                self.con.execute("SELECT dataset, source, vintage_id, data_as_of, imported_at,"
                                 " is_current FROM vintage").fetchall()]
        return list(self.cache[key])

    def read(
        self,
        table: str,
        vintage_ids: Iterable[int],
        *,
        equals: Mapping[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Rows of a canonical table from the given vintages, with the vintage's dataset.

        ``equals`` keeps rows whose columns equal the given values (column names are checked
        against the schema, values are bound parameters).
        """
        if table not in schema.TABLES:
            raise SourceError(f"unknown table {table!r}")
        known = {c.name for c in schema.TABLES[table].columns}
        bad = [c for c in (equals or {}) if c not in known]
        if bad:
            raise SourceError(f"table {table!r} has no column {bad[0]!r}")
        where = " AND ".join(f't."{c}" = ?' for c in (equals or {}))
        params = list((equals or {}).values())
        ids = [int(v) for v in vintage_ids]
        if not ids:
            return self.con.execute(
                f'SELECT t.*, NULL::VARCHAR AS dataset, NULL::VARCHAR AS source '  # noqa: S608
                f'FROM "{table}" t WHERE false'
            ).df()
        sql = (
            f'SELECT t.*, v.dataset, v.source FROM "{table}" t '  # noqa: S608
            "JOIN vintage v USING (vintage_id) WHERE list_contains(?, t.vintage_id)"
        )
        if where:
            sql += f" AND ({where})"
        return self.con.execute(sql, [ids, *params]).df()

    def is_empty(self) -> bool:
        """True when no vintage has been imported yet."""
        row = self.con.execute("SELECT count(*) FROM vintage").fetchone()
        return not (row and row[0])

    def known_files(self, source: str | None = None) -> dict[str, int | None]:
        """sha256 -> size in bytes of every input file already imported (for ``source``).

        Only files recorded since file records exist (schema v4): files imported by an older
        aigap are parsed once more (the store then backfills tables added since, see
        ``_backfill``) and recorded.
        """
        where, params = ("WHERE source = ?", [source]) if source else ("", [])
        known: dict[str, int | None] = {}
        for h, n in self.con.execute(
                f"SELECT sha256, bytes FROM source_file {where}", params).fetchall():  # noqa: S608
            known[str(h)] = None if n is None else int(n)
        return known

    def stored_outcomes(self, shas: Iterable[str]) -> list[DatasetOutcome]:
        """An ``unchanged`` outcome for every stored vintage read from these files (used
        when an update skips files it recognises without parsing them)."""
        rows = self.con.execute(
            "SELECT source, dataset, file_name, vintage_id, n_rows, skipped, data_as_of "
            "FROM vintage WHERE list_contains(?, sha256) ORDER BY source, dataset, vintage_id",
            [sorted(set(shas))]).fetchall()
        return [DatasetOutcome(str(s), str(d), str(f), "unchanged", int(v), int(n),
                               json.loads(k) if k else {}, a)
                for s, d, f, v, n, k, a in rows]

    def bundled_snapshot(self, vintage_ids: Iterable[int]) -> date | None:
        """The bundled snapshot's date when any of these vintages came from the files
        shipped with aigap (origin ``bundled``), else None. Memoised until the next write."""
        ids = tuple(sorted({int(v) for v in vintage_ids}))
        key = ("bundled_snapshot", ids)
        if key not in self.cache:
            self.cache[key] = self._bundled_snapshot(ids)
        found: date | None = self.cache[key]
        return found

    def _bundled_snapshot(self, vintage_ids: tuple[int, ...]) -> date | None:
        row = self.con.execute(
            "SELECT count(*) FROM vintage v JOIN source_file f ON f.sha256 = v.sha256 "
            "AND f.source = v.source WHERE f.origin = 'bundled' "
            "AND list_contains(?, v.vintage_id)", [[int(v) for v in vintage_ids]]).fetchone()
        stamp = self.meta("bundled_snapshot")
        if not row or not row[0] or not stamp:
            return None
        return date.fromisoformat(stamp)

    def datasets_with(self, table: str, vintage_ids: Iterable[int]) -> set[str]:
        """The datasets among these vintages that hold rows of a canonical table (memoised
        until the next write)."""
        if table not in schema.TABLES:
            raise SourceError(f"unknown table {table!r}")
        ids = tuple(sorted({int(v) for v in vintage_ids}))
        key = ("datasets_with", table, ids)
        if key not in self.cache:
            self.cache[key] = self._datasets_with(table, ids)
        found: set[str] = self.cache[key]
        return set(found)

    def _datasets_with(self, table: str, vintage_ids: tuple[int, ...]) -> set[str]:
        rows = self.con.execute(
            f'SELECT DISTINCT v.dataset FROM (SELECT DISTINCT vintage_id FROM "{table}" '  # noqa: S608
            "WHERE list_contains(?, vintage_id)) t JOIN vintage v USING (vintage_id)",
            [[int(v) for v in vintage_ids]]).fetchall()
        return {str(r[0]) for r in rows}

    def _vintage_facts(self) -> dict[int, tuple[str, str, date | None]]:
        """vintage id -> (dataset, source, data_as_of), memoised until the next write."""
        if ("vintage_facts",) not in self.cache:
            rows = self.con.execute(
                "SELECT vintage_id, dataset, source, data_as_of FROM vintage").fetchall()
            self.cache[("vintage_facts",)] = {int(v): (str(d), str(s), a) for v, d, s, a in rows}
        facts: dict[int, tuple[str, str, date | None]] = self.cache[("vintage_facts",)]
        return facts

    def sources_of(self, vintage_ids: Iterable[int]) -> dict[str, str]:
        """Dataset -> source of the given vintages."""
        facts = self._vintage_facts()
        return {facts[v][0]: facts[v][1] for v in map(int, vintage_ids) if v in facts}

    def data_dates(self, vintage_ids: Iterable[int]) -> dict[str, date | None]:
        """Dataset -> ``data_as_of`` of the given vintages."""
        facts = self._vintage_facts()
        return {facts[v][0]: facts[v][2] for v in map(int, vintage_ids) if v in facts}

    def metric_datasets(self, metric: str) -> set[str]:
        """Datasets (any vintage) holding scores on ``metric`` (memoised until a write)."""
        key = ("metric_datasets", metric)
        if key not in self.cache:
            self.cache[key] = self._metric_datasets(metric)
        found: set[str] = self.cache[key]
        return set(found)

    def _metric_datasets(self, metric: str) -> set[str]:
        return {str(r[0]) for r in self.con.execute(
            "SELECT DISTINCT v.dataset FROM score s JOIN vintage v USING (vintage_id) "
            "WHERE s.metric = ?", [metric]).fetchall()}

    def table_datasets(self, table: str) -> set[str]:
        """Datasets (any vintage) with rows in a canonical table."""
        if table not in schema.TABLES:
            raise SourceError(f"unknown table {table!r}")
        return {str(r[0]) for r in self.con.execute(
            f'SELECT DISTINCT v.dataset FROM "{table}" t '  # noqa: S608
            "JOIN vintage v USING (vintage_id)").fetchall()}

    def index_fit(self, key: str) -> str | None:
        """The cached aci fit (JSON) stored under ``key``, or None."""
        has = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'index_fit'"
        ).fetchone()
        if not has or not has[0]:
            return None
        row = self.con.execute("SELECT fit_json FROM index_fit WHERE fit_key = ?",
                               [key]).fetchone()
        return None if row is None else str(row[0])

    def put_index_fit(self, key: str, fit_json: str) -> None:
        """Cache an aci fit under ``key`` (derived data: replaces any entry with that key)."""
        if self.read_only:
            raise AigapError(f"{self.path}: store opened read-only")
        with self.writing():
            self.con.execute("INSERT OR REPLACE INTO index_fit VALUES (?, ?, ?)",
                             [key, datetime.now(UTC).replace(tzinfo=None), fit_json])

    def metric_summary(self, vintage_ids: Iterable[int]) -> pd.DataFrame:
        """Per metric in the given vintages: models, first and last release, sources."""
        return self.con.execute(
            """
            SELECT metric, count(DISTINCT model_key) AS models, min(release_date) AS first,
                   max(release_date) AS last, string_agg(DISTINCT v.source, ', ') AS sources
            FROM score s JOIN vintage v USING (vintage_id)
            WHERE list_contains(?, s.vintage_id)
            GROUP BY metric ORDER BY metric
            """,
            [[int(v) for v in vintage_ids]],
        ).df()

    def key_tables(self, keys: list[str]) -> pd.DataFrame:
        """Organisations and open weights of model keys from non-catalogue model tables
        (leaderboard key tables), oldest data first."""
        return self.con.execute(
            """
            SELECT m.model_key, m.organizations, m.open_weights
            FROM model m JOIN vintage v USING (vintage_id)
            WHERE v.source NOT IN ('epoch-models', 'starter') AND list_contains(?, m.model_key)
            ORDER BY v.data_as_of NULLS FIRST, v.vintage_id
            """,
            [keys],
        ).df()

    def first_observed(self, keys: list[str]) -> pd.DataFrame:
        """The first observation date of each model key's scores (ratings over time)."""
        return self.con.execute(
            "SELECT model_key, min(observed_on) AS first_seen FROM score "
            "WHERE list_contains(?, model_key) AND observed_on IS NOT NULL GROUP BY model_key",
            [keys],
        ).df()

    def summary(self) -> pd.DataFrame:
        """Per dataset: vintages stored, rows and newest date of the current vintage."""
        return self.con.execute(
            """
            SELECT source, dataset,
                   count(*) AS vintages,
                   max(CASE WHEN is_current THEN vintage_id END) AS current_vintage,
                   max(CASE WHEN is_current THEN n_rows END) AS rows,
                   max(CASE WHEN is_current THEN n_skipped END) AS skipped,
                   max(CASE WHEN is_current THEN data_as_of END) AS data_as_of,
                   max(retrieved_at) AS retrieved_at
            FROM vintage GROUP BY source, dataset ORDER BY source, dataset
            """
        ).df()


def _clamp(day: date | None, today: date) -> date | None:
    """A vintage's data date, never later than the import day."""
    return None if day is None else min(day, today)


#: Rows per INSERT statement for large frames (bounds DuckDB's copy of the input).
INSERT_CHUNK = 200_000

#: Seconds to wait for another process to release the store before giving up.
LOCK_WAIT_ENV = "AIGAP_LOCK_WAIT"


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, waiting briefly while another process holds a conflicting lock,
    then failing with one line naming that process and what to do."""
    import os
    import time

    import duckdb

    try:
        wait = max(0.0, float(os.environ.get(LOCK_WAIT_ENV, "5")))
    except ValueError:
        wait = 5.0
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            text = str(exc)
            if "lock" not in text.lower():
                raise AigapError(f"{path}: cannot open the store: {text.splitlines()[0]}"
                                 ) from exc
            if time.monotonic() >= deadline:
                raise AigapError(lock_message(path, text, read_only=read_only)) from exc
            time.sleep(0.2)


def lock_message(path: Path, error: str, *, read_only: bool) -> str:
    """One line: which process holds the store and what to do (from DuckDB's lock error)."""
    import re

    found = re.search(r"PID (\d+)", error)
    pid = int(found.group(1)) if found else None
    who = f"process {pid}" if pid else "another process"
    command = _command_of(pid) if pid else None
    if command:
        who += f" (`{command}`)"
    if read_only:
        todo = "an update or import is writing to it; run this again when it has finished"
    else:
        todo = ("wait for it to finish (or stop it, e.g. Ctrl+C in the terminal running "
                "`aigap serve`), then run this again")
    return f"{path}: the store is in use by {who}; {todo}"


def _command_of(pid: int) -> str | None:
    """The command line of a process (Linux /proc), shortened to ``aigap ...`` when it is one."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    args = [a.decode(errors="replace") for a in raw.split(b"\0") if a]
    for i, arg in enumerate(args):
        if arg.endswith("aigap") or arg == "aigap" or (arg == "-m" and args[i + 1:i + 2] == [
                "aigap"]):
            rest = args[i + 2:] if arg == "-m" else args[i + 1:]
            return " ".join(["aigap", *rest])[:120]
    return " ".join(args)[:120] or None


def open_store(home: Path | str | None = None, *, read_only: bool = False) -> Store:
    """Open the store of the given (or configured) data directory. A writable store from
    here is ``brief``: it takes the write lock only while an import writes."""
    from aigap.config import get_settings

    return Store(get_settings(home).store_path, read_only=read_only, brief=True)
