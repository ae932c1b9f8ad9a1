"""Vintages that cannot go wrong (issue 16, store level): dated by the publisher's date or
the import order, never by a row's value; empty files never replace data; a kill -9 at any
point leaves the old or the new vintage, whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

from aigap.api.data import import_path, update_from_dir
from aigap.schema import TABLES
from aigap.sources import SourceFile, get_source
from aigap.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
EPOCH = FIXTURES / "epoch"
MODELS_NEW = EPOCH / "mirror" / "ai_models" / "all_ai_models.csv"
MODELS_OLD = EPOCH / "all_ai_models_2025_schema.csv"
SRC = Path(__file__).resolve().parents[1] / "src"


def parsed(source: str, path: Path):  # type: ignore[no-untyped-def]
    return get_source(source).parse(SourceFile.from_path(path))


def current(store: Store, dataset: str) -> int:
    return store.vintage_ids()[dataset]


def test_far_future_row_date_never_pins_the_current_vintage(tmp_path: Path) -> None:
    """Case 5: a vintage claiming data as of 2999 is stored as of the import day at most, and
    a corrected file imported later becomes current."""
    with Store(tmp_path / "s.duckdb") as s:
        bad = parsed("epoch-models", MODELS_NEW)
        bad[0].data_as_of = date(2999, 1, 1)
        bad_id = s.import_datasets(bad)[0].vintage_id
        stamp = s.data_dates([bad_id])["all_ai_models"]
        assert stamp is not None and stamp <= date.today()
        fixed = import_path(s, "epoch-models", MODELS_OLD).outcomes[0].vintage_id
        assert current(s, "all_ai_models") == fixed
        shown = s.summary().set_index("dataset").loc["all_ai_models", "data_as_of"]
        assert str(shown)[:10] <= date.today().isoformat()


def test_publisher_dated_source_keeps_the_newest_edition_current(tmp_path: Path) -> None:
    """For files that carry the publisher's date (here an Open LLM Leaderboard v1 day), an
    older day imported later does not replace a newer one."""
    day = tmp_path / "20230801.csv"
    day.write_bytes((FIXTURES / "hf" / "20230712.csv").read_bytes().replace(b"67.0", b"67.5"))
    with Store(tmp_path / "s.duckdb") as s:
        newer = import_path(s, "hf-open-llm-v1", day).outcomes[0].vintage_id
        import_path(s, "hf-open-llm-v1", FIXTURES / "hf" / "20230712.csv")
        assert current(s, "leaderboard_v1") == newer


def test_empty_vintage_never_replaces_data(tmp_path: Path) -> None:
    """Case 6: a dataset vintage with no rows, dated later than the stored data, is kept
    (provenance) but does not become current."""
    with Store(tmp_path / "s.duckdb") as s:
        full = import_path(s, "epoch-models", MODELS_NEW).outcomes[0].vintage_id
        empty = parsed("epoch-models", MODELS_NEW)
        empty[0].frames = {t: f.iloc[:0] for t, f in empty[0].frames.items()}
        empty[0].data_as_of = date.today()
        empty[0].file = SourceFile(name="all_ai_models.csv", data=b"header only\n")
        out = s.import_datasets(empty)
        assert out[0].status == "imported" and out[0].rows == 0
        assert current(s, "all_ai_models") == full


def test_header_only_file_is_refused_by_import(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """``aigap import`` of a header-only file: exit 2 naming the file; nothing changes."""
    header = tmp_path / "all_ai_models.csv"
    header.write_text(MODELS_NEW.read_text(encoding="utf-8-sig").splitlines()[0] + "\n")
    assert cli("import", "epoch-models", str(MODELS_NEW)).code == 0
    res = cli("import", "epoch-models", str(header))
    assert res.code == 2
    assert "all_ai_models.csv" in res.err and "header-only" in res.err
    assert len(res.err.strip().splitlines()) == 1


# -- kill -9 at several points of an import ------------------------------------------------

CHILD = textwrap.dedent("""
    import os, signal, sys
    from aigap.store import Store
    from aigap.api.data import import_path

    point = sys.argv[2]

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    class Dying(Store):
        inserts = 0

        def _insert(self, table, frame):
            if point == "before-insert":
                die()
            super()._insert(table, frame)
            if point == "insert":
                die()

        def _refresh_current(self, datasets):
            super()._refresh_current(datasets)
            if point == "refresh":
                die()

    with Dying(sys.argv[1]) as st:
        if point == "slow":
            print("ready", flush=True)
        import_path(st, "epoch-models", sys.argv[3])
        if point == "committed":
            die()
    print("done", flush=True)
""")


def check_whole(path: Path, old_id: int) -> str:
    """The store opens; each dataset has exactly one current vintage; every vintage holds
    exactly its rows and its licence; the current model vintage is the old or a whole new
    one. Returns which."""
    with Store(path, read_only=True) as s:
        v = s.vintages()
        assert (v.groupby("dataset")["is_current"].sum() == 1).all()
        assert v["licence"].notna().all()
        counts: dict[int, int] = {}
        for table in TABLES:
            for vid, n in s.con.execute(
                    f'SELECT vintage_id, count(*) FROM "{table}" GROUP BY 1').fetchall():
                counts[int(vid)] = counts.get(int(vid), 0) + int(n)
        assert set(counts) <= set(v["vintage_id"].astype(int))  # no orphan rows
        for _, row in v.iterrows():
            assert counts.get(int(row["vintage_id"]), 0) == int(row["n_rows"])
        now = current(s, "all_ai_models")
        models = set(s.read("model", [now])["name"])
        if now == old_id:
            return "old"
        assert "Qwen-72B" in models or len(models) > 0
        return "new"


@pytest.mark.slow
@pytest.mark.parametrize("point", ["before-insert", "insert", "refresh", "committed"])
def test_kill_during_import_leaves_old_or_new_whole(tmp_path: Path, point: str) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        old_id = import_path(s, "epoch-models", MODELS_OLD).outcomes[0].vintage_id
        update_from_dir(s, EPOCH / "mirror" / "benchmark_data")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), point, str(MODELS_NEW)],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    state = check_whole(path, old_id)
    assert state == ("new" if point == "committed" else "old")
    # And the store still takes the import afterwards.
    with Store(path) as s:
        out = import_path(s, "epoch-models", MODELS_NEW)
        assert out.outcomes[0].status == ("unchanged" if point == "committed" else "imported")
    assert check_whole(path, old_id) == "new"


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.05, 0.3, 0.8])
def test_kill_at_a_random_moment_leaves_old_or_new_whole(tmp_path: Path, delay: float) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        old_id = import_path(s, "epoch-models", MODELS_OLD).outcomes[0].vintage_id
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path), "slow", str(MODELS_NEW)],
                            env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert check_whole(path, old_id) in {"old", "new"}
