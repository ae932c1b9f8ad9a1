"""A new user's first run: the bundled snapshot answers, names are forgiving, one's own
results join the public data, updates skip unchanged files, and the CLI reads well."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from aigap.sources.bundled import snapshot_date

FIXTURES = Path(__file__).parent / "fixtures"
MIRROR = FIXTURES / "epoch" / "mirror"

# Three models no public dataset lists, written by hand in the documented CSV format.
THREE_MODELS = """\
model,organisation,country,release_date,metric,value,evaluator,source_url,scale
Test Kestrel 1,Kestrel Test Lab,China,2026-04-10,eci,190.0,Test Newsroom,https://example.org/k,index
Test Osprey,Osprey Test Lab,USA,2026-03-01,eci,120.0,Test Newsroom,https://example.org/o,index
Test Heron,Heron Test Lab,USA,2026-02-01,eci,118.0,Test Newsroom,,index
"""


@pytest.fixture(scope="module")
def bundled_home_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store given the bundled data once (first run), copied into each test's home."""
    from aigap.api.context import ensure_bundled
    from aigap.store import Store

    path = tmp_path_factory.mktemp("bundled") / "aigap.duckdb"
    with Store(path) as st:
        assert ensure_bundled(st)
    return path


@pytest.fixture
def fresh(home: Path, bundled_home_file: Path) -> Path:
    """The test's AIGAP_HOME holding the store a first run makes."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(bundled_home_file, home / "aigap.duckdb")
    return home


Cli = Callable[..., object]


def test_lag_answers_from_the_snapshot_and_says_so(cli: Cli, fresh: Path) -> None:
    res = cli("lag", "-b", "0")
    assert res.code == 0, res.err  # type: ignore[attr-defined]
    assert f"Epoch AI snapshot of {snapshot_date().isoformat()}" in res.out  # type: ignore[attr-defined]
    data = json.loads(cli("lag", "-b", "0", "-f", "json").out)  # type: ignore[attr-defined]
    assert data["data"]["bundled_snapshot"] == snapshot_date().isoformat()
    assert data["data"]["credits"] == ['Epoch AI, "AI Benchmarking Hub", epoch.ai, CC BY 4.0']


@pytest.mark.parametrize("flags", [("--metric", "ECI"), ("--metric", "GPQA Diamond"),
                                   ("-m", "gpqa-diamond"), ("--follower", "china"),
                                   ("-t", "CHINA", "-l", "usa")])
def test_names_are_forgiving(cli: Cli, fresh: Path, flags: tuple[str, ...]) -> None:
    res = cli("lag", "-b", "0", "-f", "json", *flags)
    assert res.code == 0, res.err  # type: ignore[attr-defined]
    inputs = json.loads(res.out)["inputs"]  # type: ignore[attr-defined]
    assert inputs["metric"] in ("eci", "gpqa_diamond")
    assert inputs["follower_group"] == "China"


def test_unknown_metric_suggests_and_points_to_metrics(cli: Cli, fresh: Path) -> None:
    res = cli("lag", "--metric", "gpqa")
    assert res.code == 2  # type: ignore[attr-defined]
    err = res.err  # type: ignore[attr-defined]
    assert err.startswith("Error: --metric:") and "gpqa_diamond" in err
    assert "aigap metrics" in err and len(err.strip().splitlines()) == 1


def test_unknown_group_suggests(cli: Cli, fresh: Path) -> None:
    res = cli("lag", "--follower", "chna")
    assert res.code == 2 and "--follower:" in res.err  # type: ignore[attr-defined]
    assert "did you mean China" in res.err  # type: ignore[attr-defined]


def test_missing_data_names_the_command_that_brings_it(cli: Cli, fresh: Path) -> None:
    res = cli("arena")
    assert res.code == 2  # type: ignore[attr-defined]
    assert "aigap update --source lmarena-history" in res.err  # type: ignore[attr-defined]
    res = cli("leaderboard")
    assert res.code == 2 and "aigap update --source hf-open-llm" in res.err  # type: ignore[attr-defined]


def test_import_scores_puts_three_new_models_into_lag(cli: Cli, fresh: Path,
                                                       tmp_path: Path) -> None:
    before = json.loads(cli("lag", "-b", "0", "-f", "json").out)  # type: ignore[attr-defined]
    csv = tmp_path / "my_results.csv"
    csv.write_text(THREE_MODELS, encoding="utf-8")
    res = cli("import", "scores", str(csv))
    assert res.code == 0, res.err  # type: ignore[attr-defined]
    after = json.loads(cli("lag", "-b", "0", "-f", "json").out)  # type: ignore[attr-defined]
    assert after["n_models"]["China"] == before["n_models"]["China"] + 1
    assert after["n_models"]["USA"] == before["n_models"]["USA"] + 2
    # The new Chinese model is the follower's latest record, marked as one's own result.
    last = after["follower_records"][-1]
    assert last["model"] == "test kestrel 1" and last["own_result"] == "Test Newsroom"
    assert "user-supplied results" in " ".join(after["data"]["credits"])
    # The own scores sit beside the public data: the snapshot is still what is used.
    assert after["data"]["bundled_snapshot"] == snapshot_date().isoformat()
    models = json.loads(cli("models", "--country", "China", "--since", "2026-04-01", "-f",
                            "json").out)  # type: ignore[attr-defined]
    assert "Test Kestrel 1" in {m["name"] for m in models["models"]}


def test_import_scores_refuses_a_malformed_file(cli: Cli, fresh: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(THREE_MODELS.replace("2026-03-01", "1 March 2026"), encoding="utf-8")
    res = cli("import", "scores", str(bad))
    assert res.code == 2  # type: ignore[attr-defined]
    err = res.err  # type: ignore[attr-defined]
    assert "bad.csv" in err and "row 3" in err and "release_date" in err


def test_import_scores_log_with_options(cli: Cli, fresh: Path, tmp_path: Path) -> None:
    log = tmp_path / "run.json"
    shutil.copy(FIXTURES / "user_scores" / "lm_eval_results.json", log)
    res = cli("import", "scores", str(log))
    assert res.code == 2 and "organisation" in res.err  # type: ignore[attr-defined]
    res = cli("import", "scores", str(log), "--org", "Test Lab", "--country", "FRA",
              "--release-date", "2025-05-01", "--evaluator", "Me", "--open-weights",
              "-f", "json")
    assert res.code == 0, res.err  # type: ignore[attr-defined]
    assert json.loads(res.out)["imported"] == 1  # type: ignore[attr-defined]


def test_import_folder_skips_unrelated_files(cli: Cli, fresh: Path, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(MIRROR / "benchmark_data" / "epoch_capabilities_index.csv", folder)
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    res = cli("import", "EPOCH-Benchmarks", str(folder), "-f", "json")  # any case
    assert res.code == 0, res.err  # type: ignore[attr-defined]
    out = json.loads(res.out)  # type: ignore[attr-defined]
    assert out["imported"] == 1
    assert sorted(out["unrecognised_files"]) == ["notes.csv", "photo.jpg"]


def test_repeat_update_skips_unchanged_files_without_parsing(
        cli: Cli, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = cli("update", "--from", str(MIRROR), "-f", "json")
    assert first.code == 0, first.err  # type: ignore[attr-defined]
    n = json.loads(first.out)["imported"]  # type: ignore[attr-defined]
    assert n > 0

    def no_parsing(task: object) -> object:
        raise AssertionError(f"parsed an unchanged file: {task}")

    monkeypatch.setattr("aigap.api.data._parse_task", no_parsing)
    again = cli("update", "--from", str(MIRROR), "-f", "json")
    assert again.code == 0, again.err  # type: ignore[attr-defined]
    out = json.loads(again.out)  # type: ignore[attr-defined]
    assert out["imported"] == 0 and out["unchanged"] == n
    assert out["unchanged_files"]


def test_update_table_is_a_short_summary(cli: Cli, home: Path) -> None:
    res = cli("update", "--from", str(MIRROR))
    assert res.code == 0, res.err  # type: ignore[attr-defined]
    lines = res.out.splitlines()  # type: ignore[attr-defined]
    assert len(lines) <= 30 and "--verbose" in res.out  # type: ignore[attr-defined]
    assert "Datasets per source" in res.out  # type: ignore[attr-defined]
    full = cli("update", "--from", str(MIRROR), "--verbose")
    assert "benchmark:" in full.out and "Datasets per source" not in full.out  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", ["lag", "models", "import", "update", "claims", "report"])
def test_help_shows_no_type_placeholder_for_flags(cli: Cli, home: Path, command: str) -> None:
    res = cli(command, "--help")
    assert res.code == 0 and "<bool>" not in res.out  # type: ignore[attr-defined]


def test_own_results_do_not_hide_the_starter_data(tmp_path: Path) -> None:
    """A store with only the starter data and one's own results: the starter data still
    answers (own scores are no public data), and the own models join the catalogue."""
    import aigap
    from aigap.api.data import import_path, store_parsed
    from aigap.sources.base import get_source
    from aigap.sources.starter import starter_files
    from aigap.store import Store

    csv = tmp_path / "mine.csv"
    csv.write_text(THREE_MODELS.replace(",eci,", ",mmlu,").replace("190.0", "0.9")
                   .replace("120.0", "0.8").replace("118.0", "0.7").replace(",index", ","),
                   encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as st:
        starter = get_source("starter")
        store_parsed(st, [d for f in starter_files() for d in starter.parse(f)],
                     {"starter": starter}, origin="starter")
        n_starter = len(aigap.models(store=st))
        import_path(st, "scores", csv)
        models = aigap.models(store=st)
        scores = aigap.scores("mmlu", store=st)
    assert len(models) == n_starter + 3
    assert models.attrs["selection"].starter
    assert {"starter", "scores"} <= set(scores["source"])
    assert scores.attrs["selection"].starter


def test_the_same_bytes_from_a_mirror_are_no_longer_labelled_bundled(
        cli: Cli, fresh: Path, tmp_path: Path) -> None:
    """After the user imports Epoch's file themselves (here: the very bytes bundled), the
    answer no longer tells them to run `aigap update`."""
    from aigap.sources.bundled import bundled_files

    eci = next(f for f in bundled_files("epoch-benchmarks")["epoch-benchmarks"]
               if f.basename == "epoch_capabilities_index.csv")
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / eci.basename).write_bytes(eci.data)
    before = json.loads(cli("lag", "-b", "0", "-f", "json").out)  # type: ignore[attr-defined]
    assert before["data"]["bundled_snapshot"] == snapshot_date().isoformat()
    res = cli("update", "--from", str(mirror), "-f", "json")
    assert json.loads(res.out)["imported"] == 0  # type: ignore[attr-defined]
    after = json.loads(cli("lag", "-b", "0", "-f", "json").out)  # type: ignore[attr-defined]
    assert after["data"]["bundled_snapshot"] is None
    assert after["data"]["vintage_ids"] == before["data"]["vintage_ids"]


def test_leaderboard_points_to_the_board_that_is_stored(cli: Cli, fresh: Path) -> None:
    res = cli("import", "hf-open-llm-v1", str(FIXTURES / "hf" / "20230712.csv"))
    assert res.code == 0, res.err  # type: ignore[attr-defined]
    res = cli("leaderboard")
    assert res.code == 2  # type: ignore[attr-defined]
    assert "`aigap leaderboard hf-open-llm-v1`" in res.err  # type: ignore[attr-defined]
    assert cli("leaderboard", "hf-open-llm-v1").code == 0  # type: ignore[attr-defined]


def test_an_older_store_is_migrated_parsed_once_more_then_skipped(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store written before file records existed (schema v3): opening it adds the table;
    the next update parses its files once more (so tables added since are backfilled) and
    records them; the one after skips them without parsing."""
    from aigap.api.data import update_from_dir
    from aigap.schema import SCHEMA_VERSION
    from aigap.store import Store

    path = home / "aigap.duckdb"
    with Store(path) as st:
        first = update_from_dir(st, MIRROR)
        st.con.execute("DROP TABLE source_file")
        st.con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with Store(path) as st:
        assert st.schema_version() == SCHEMA_VERSION and st.known_files() == {}
        again = update_from_dir(st, MIRROR)  # parsed, nothing new stored
        assert len(again.unchanged) == len(first.imported) and not again.imported
        assert st.known_files()

        def no_parsing(task: object) -> object:
            raise AssertionError(f"parsed an unchanged file: {task}")

        monkeypatch.setattr("aigap.api.data._parse_task", no_parsing)
        third = update_from_dir(st, MIRROR)
    assert len(third.unchanged) == len(first.imported) and not third.imported


def test_too_few_compute_models_is_said_in_words() -> None:
    """No Python dict in the message: the models left out are counted in words."""
    import numpy as np
    import pandas as pd

    from aigap.analysis.compute import compute_trend
    from aigap.errors import QueryError

    n = 12
    names = [f"m{i}" for i in range(n)]
    flop = [1e24, 2e24] + [float("nan")] * (n - 2)
    models = pd.DataFrame({
        "model_key": names, "name": names, "countries": [["USA"]] * n,
        "release_date": pd.date_range("2020-01-01", periods=n, freq="30D"),
        "training_compute_flop": flop, "domain": [["Language"]] * n,
        "base_model": [None] * n})
    with pytest.raises(QueryError) as info:
        compute_trend(models, pd.Series(1.0, index=models.index),
                      rng=np.random.default_rng(0))
    message = str(info.value)
    assert "{" not in message and f"left out: {n - 2} no training compute" in message
