"""The DuckDB store: migrations, atomic imports, no-op re-imports, vintages and as-of."""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import pytest

from aigap.api.data import import_path, update_from_dir
from aigap.schema import SCHEMA_VERSION, TABLES
from aigap.sources import SourceFile, get_source
from aigap.store import Store, VintageFallbackWarning

EPOCH = Path(__file__).parent / "fixtures" / "epoch"
MIRROR = EPOCH / "mirror"


def snapshot(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, for 'store unchanged' assertions."""
    out = {}
    for name in ["vintage", *TABLES]:
        rows = store.con.execute(f'SELECT * FROM "{name}"').fetchall()
        out[name] = sorted(map(repr, rows))  # type: ignore[arg-type]
    return out


def test_new_store_is_migrated_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "a" / "aigap.duckdb"
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION
        tables = {r[0] for r in s.con.execute("SELECT table_name FROM information_schema.tables"
                                              ).fetchall()}
        assert {"vintage", "model", "score", "indicator", "organization"} <= tables
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION


def test_store_newer_than_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "aigap.duckdb"
    with Store(path) as s:
        s.con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(Exception, match="newer than this aigap"):
        Store(path)


def test_reimport_identical_file_is_a_noop(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as s:
        first = update_from_dir(s, MIRROR)
        assert first.changed
        before = snapshot(s)
        second = update_from_dir(s, MIRROR)
        assert not second.changed
        assert {o.status for o in second.outcomes} == {"unchanged"}
        assert snapshot(s) == before
        assert "No changes" in second.summary_line()


def test_new_vintage_supersedes_and_as_of_picks_vintages(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as s:
        old = import_path(s, "epoch-models", EPOCH / "all_ai_models_2025_schema.csv")
        new = import_path(s, "epoch-models", MIRROR / "ai_models" / "all_ai_models.csv")
        old_id = old.outcomes[0].vintage_id
        new_id = new.outcomes[0].vintage_id
        assert s.vintage_ids()["all_ai_models"] == new_id
        assert s.vintage_ids(as_of=date(2025, 1, 1))["all_ai_models"] == old_id
        assert s.vintage_ids(as_of=date(2030, 1, 1))["all_ai_models"] == new_id
        with pytest.warns(VintageFallbackWarning, match="oldest"):
            assert s.vintage_ids(as_of=date(2020, 1, 1))["all_ai_models"] == old_id
        # Old vintages stay queryable by id.
        rows = s.read("model", [old_id])
        assert set(rows["name"]) >= {"Qwen-72B", "Yi-34B"}
        # Importing the older file again afterwards does not make it current.
        import_path(s, "epoch-models", EPOCH / "all_ai_models_2025_schema.csv")
        assert s.vintage_ids()["all_ai_models"] == new_id
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            s.vintage_ids(as_of=date(2025, 1, 1))


def test_failed_parse_leaves_store_unchanged(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    import shutil

    shutil.copytree(MIRROR, mirror)
    with Store(tmp_path / "s.duckdb") as s:
        update_from_dir(s, mirror)
        before = snapshot(s)
        # A new, valid file plus a broken one: neither may land.
        (mirror / "frontier_ai_models.csv").write_text(
            "Model,Organization,Publication date,Country\nNew,OpenAI,2025-01-01,United States\n")
        (mirror / "large_scale_ai_models.csv").write_text(
            "Model,Organization,Publication date,Country\nBroken,OpenAI,not-a-date,France\n")
        with pytest.raises(Exception, match=r"large_scale_ai_models\.csv, row 2"):
            update_from_dir(s, mirror)
        assert snapshot(s) == before


class FailingStore(Store):
    """A real store whose second table insert fails, to prove the transaction rolls back."""

    calls = 0

    def _insert(self, table, frame):  # type: ignore[no-untyped-def]
        FailingStore.calls += 1
        if FailingStore.calls == 2:
            raise RuntimeError("disk full (simulated)")
        super()._insert(table, frame)


def test_failure_midway_through_writing_rolls_back(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        before = snapshot(s)
    with FailingStore(path) as s, pytest.raises(RuntimeError, match="disk full"):
        update_from_dir(s, MIRROR)
    with Store(path) as s:
        assert snapshot(s) == before


def test_read_only_store_requires_existing_file(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="aigap update"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_vintage_provenance(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as s:
        update_from_dir(s, MIRROR)
        v = s.vintages()
        row = v[v["dataset"] == "all_ai_models"].iloc[0]
        assert row["licence"] == "CC BY 4.0"
        assert len(row["sha256"]) == 64
        assert row["n_skipped"] == 2
        assert '"no publication date": 1' in row["skipped"]
        assert str(row["data_as_of"])[:10] == "2025-07-02"
        sha = SourceFile.from_path(MIRROR / "ai_models" / "all_ai_models.csv").sha256
        assert row["sha256"] == sha


def test_unknown_source_lists_valid_names() -> None:
    with pytest.raises(Exception, match=r"unknown source 'nope'.*epoch-models"):
        get_source("nope")
