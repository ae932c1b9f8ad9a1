"""The local DuckDB store: open and migrate it, load dataset vintages atomically, read them.

One import call is one transaction: either every dataset in it lands (with its vintage row)
or the store is left exactly as it was. Re-importing a file whose bytes (sha256) are already
stored for that dataset is a no-op. The *current* vintage of a dataset is the one with the
newest ``data_as_of`` (ties: the latest imported); older vintages stay queryable by id.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
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
    1: _migration_1, 2: _migration_2, 3: _migration_3, 4: _migration_4}


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

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        import duckdb

        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise AigapError(
                f"{self.path}: no aigap store here yet; run `aigap update` (or "
                "`aigap update --from DIR`) first"
            )
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise AigapError(f"{self.path}: cannot open the store: {exc}") from exc
        self.read_only = read_only
        #: Memo of derived frames (see aigap.store.frames.cached); cleared whenever data is written.
        self.cache: dict[tuple[Any, ...], Any] = {}
        if not read_only:
            self.migrate()

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self.con.close()

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
        import pandas as pd

        now = datetime.now(UTC).replace(tzinfo=None)
        retrieved = (retrieved_at or now).replace(tzinfo=None)
        from aigap.store.derive import with_derived

        parsed = with_derived(parsed)
        for p in parsed:
            p.conform()
        self.cache.clear()
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
            batches: dict[str, list[pd.DataFrame]] = {}
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
                vintage_rows.append(
                    [vid, p.source, p.dataset, p.file.name, p.file.url,
                     (licences or {}).get(p.source, licence), p.file.sha256,
                     retrieved, now, p.data_as_of, p.n_rows, p.n_skipped,
                     json.dumps(dict(p.skipped), sort_keys=True)])
                for table, frame in p.frames.items():
                    if len(frame):
                        batches.setdefault(table, []).append(frame.assign(vintage_id=vid))
                touched.add(p.dataset)
                outcomes.append(DatasetOutcome(p.source, p.dataset, p.file.name, "imported",
                                               vid, p.n_rows, dict(p.skipped), p.data_as_of))
            if vintage_rows:
                self.con.executemany(
                    "INSERT INTO vintage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false)",
                    vintage_rows)
            for table, frames in batches.items():
                self._insert(table, pd.concat(frames, ignore_index=True))
            self._refresh_current(touched)
            self._record_files(parsed, files, origin, now)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
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

        rows = {(p.file.sha256, p.source): [p.file.sha256, p.source, len(p.file.data),
                                             p.file.name, origin_of(p.source), now]
                for p in parsed}
        for f in files:
            rows.setdefault((f.sha256, f.source), [f.sha256, f.source, f.bytes, f.file_name,
                                                   origin_of(f.source), now])
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
        if wanted:
            self.cache.clear()
            self.con.execute("UPDATE source_file SET origin = ? WHERE origin = 'bundled' "
                             "AND list_contains(?, sha256)", [origin, wanted])

    def set_meta(self, key: str, value: str) -> None:
        """Store one setting in the ``meta`` table (e.g. the bundled snapshot's date)."""
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

    def _insert(self, table: str, frame: pd.DataFrame) -> None:
        """Insert canonical rows (with a ``vintage_id`` column) in one statement."""
        spec = schema.TABLES[table]
        if frame.empty:
            return
        cols = ", ".join(f'CAST("{c.name}" AS {c.sql})' for c in spec.columns)
        self.con.register("_incoming", frame)
        try:
            # Table and column names come from the schema module, never from input.
            self.con.execute(
                f'INSERT INTO "{spec.name}" SELECT vintage_id::BIGINT, {cols} '  # noqa: S608
                "FROM _incoming"
            )
        finally:
            self.con.unregister("_incoming")

    def _refresh_current(self, datasets: set[str]) -> None:
        """Mark, for each dataset, the vintage with the newest data_as_of as current."""
        if not datasets:
            return
        self.con.execute(
            """
            UPDATE vintage SET is_current = (vintage.vintage_id = best.vintage_id)
            FROM (
                SELECT dataset, arg_max(vintage_id, struct_pack(
                    d := coalesce(data_as_of, DATE '0001-01-01'), i := imported_at,
                    v := vintage_id)) AS vintage_id
                FROM vintage WHERE list_contains(?, dataset) GROUP BY dataset
            ) best
            WHERE vintage.dataset = best.dataset
            """,
            [sorted(datasets)],
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
        :class:`VintageFallbackWarning` is issued.
        """
        where, params = ["true"], []
        if sources is not None:
            where.append("list_contains(?, source)")
            params.append(list(sources))
        if datasets is not None:
            where.append("list_contains(?, dataset)")
            params.append(list(datasets))
        cond = " AND ".join(where)
        if as_of is None:
            rows = self.con.execute(
                f"SELECT dataset, vintage_id FROM vintage WHERE is_current AND {cond}",  # noqa: S608
                params).fetchall()
            return {str(d): int(v) for d, v in sorted(rows)}
        # Newest vintage dated on or before as_of; else the oldest (a fallback, with a warning).
        rows = self.con.execute(
            f"""
            WITH v AS (SELECT * FROM vintage WHERE {cond}),
            ok AS (
                SELECT dataset, arg_max(vintage_id, struct_pack(d := data_as_of,
                       i := imported_at, v := vintage_id)) AS vid
                FROM v WHERE data_as_of <= ? GROUP BY dataset),
            oldest AS (
                SELECT dataset, arg_min(vintage_id, struct_pack(
                       d := coalesce(data_as_of, DATE '0001-01-01'), i := imported_at,
                       v := vintage_id)) AS vid,
                       arg_min(data_as_of, struct_pack(
                       d := coalesce(data_as_of, DATE '0001-01-01'), i := imported_at,
                       v := vintage_id)) AS stamp
                FROM v GROUP BY dataset)
            SELECT o.dataset, coalesce(ok.vid, o.vid), ok.vid IS NULL, o.stamp
            FROM oldest o LEFT JOIN ok USING (dataset) ORDER BY o.dataset
            """,  # noqa: S608
            [*params, as_of]).fetchall()
        chosen: dict[str, int] = {}
        for dataset, vid, fallback, stamp in rows:
            chosen[str(dataset)] = int(vid)
            if fallback:
                warnings.warn(
                    f"no vintage of {dataset} is as old as {as_of.isoformat()}; using the "
                    f"oldest stored (data as of {stamp or 'unknown'})",
                    VintageFallbackWarning,
                    stacklevel=2,
                )
        return chosen

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
        shipped with aigap (origin ``bundled``), else None."""
        row = self.con.execute(
            "SELECT count(*) FROM vintage v JOIN source_file f ON f.sha256 = v.sha256 "
            "AND f.source = v.source WHERE f.origin = 'bundled' "
            "AND list_contains(?, v.vintage_id)", [[int(v) for v in vintage_ids]]).fetchone()
        stamp = self.meta("bundled_snapshot")
        if not row or not row[0] or not stamp:
            return None
        return date.fromisoformat(stamp)

    def datasets_with(self, table: str, vintage_ids: Iterable[int]) -> set[str]:
        """The datasets among these vintages that hold rows of a canonical table."""
        if table not in schema.TABLES:
            raise SourceError(f"unknown table {table!r}")
        rows = self.con.execute(
            f'SELECT DISTINCT v.dataset FROM (SELECT DISTINCT vintage_id FROM "{table}" '  # noqa: S608
            "WHERE list_contains(?, vintage_id)) t JOIN vintage v USING (vintage_id)",
            [[int(v) for v in vintage_ids]]).fetchall()
        return {str(r[0]) for r in rows}

    def sources_of(self, vintage_ids: Iterable[int]) -> dict[str, str]:
        """Dataset -> source of the given vintages."""
        rows = self.con.execute(
            "SELECT dataset, source FROM vintage WHERE list_contains(?, vintage_id)",
            [[int(v) for v in vintage_ids]]).fetchall()
        return {str(d): str(s) for d, s in rows}

    def data_dates(self, vintage_ids: Iterable[int]) -> dict[str, date | None]:
        """Dataset -> ``data_as_of`` of the given vintages."""
        rows = self.con.execute(
            "SELECT dataset, data_as_of FROM vintage WHERE list_contains(?, vintage_id)",
            [[int(v) for v in vintage_ids]]).fetchall()
        return {str(d): a for d, a in rows}

    def metric_datasets(self, metric: str) -> set[str]:
        """Datasets (any vintage) holding scores on ``metric``."""
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


def open_store(home: Path | str | None = None, *, read_only: bool = False) -> Store:
    """Open the store of the given (or configured) data directory."""
    from aigap.config import get_settings

    return Store(get_settings(home).store_path, read_only=read_only)
