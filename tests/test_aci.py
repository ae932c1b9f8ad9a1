"""The capability index as a metric: raw rows in the store, ``aigap.index``, ``lag --metric
aci`` with its ``fit``, the as-of rule through the API, the fit cache, the CLI.

Fast tests use a small Benchmarking Hub folder written here: simulated models with known
capabilities scored on six benchmarks by the item-response model itself (no real rows).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

#: (file stem, score column, chance, difficulty, slope, benchmark release date, Epoch-run)
BENCHES = (
    ("wino_grande_external", "Accuracy", 0.5, 0.0, 1.0, "2019-07-24", False),
    ("mmlu_external", "EM", 0.25, 0.5, 1.3, "2020-09-07", False),
    ("gpqa_diamond", "mean_score", 0.25, 1.5, 1.6, "2023-11-20", True),
    ("math_level_5", "mean_score", 0.0, 1.2, 1.1, "2021-03-05", True),
    ("hle_external", "Accuracy", 0.0, 3.0, 1.8, "2025-01-23", False),
    ("frontiermath", "mean_score", 0.0, 3.5, 2.0, "2024-11-07", True),
)
EPOCH_NAMES = {"wino_grande_external": "Winogrande", "mmlu_external": "MMLU",
               "gpqa_diamond": "GPQA diamond", "math_level_5": "MATH level 5",
               "hle_external": "HLE", "frontiermath": "FrontierMath-2025-02-28-Private"}


def _models(rng: np.random.Generator) -> pd.DataFrame:
    """24 models, 12 US and 12 Chinese; capability rises over time, China trails."""
    rows = []
    start = pd.Timestamp("2023-02-01")
    for i in range(12):
        for country, delay, name in (("United States", 0, f"US Model {i}"),
                                     ("China", 150, f"CN Model {i}")):
            day = start + pd.Timedelta(days=75 * i + delay + int(rng.integers(0, 20)))
            cap = -0.5 + (day - start).days / 365.25 * 1.2 - (0.3 if country == "China" else 0)
            rows.append({"name": name, "country": country, "date": day, "cap": cap})
    frame = pd.DataFrame(rows)
    # The two anchor models of the default scale, by name.
    frame.loc[frame["name"] == "US Model 5", "name"] = "Claude 3.5 Sonnet"
    frame.loc[frame["name"] == "US Model 10", "name"] = "GPT-5"
    return frame


def write_hub(folder: Path, seed: int = 7) -> pd.DataFrame:
    """Write a small Benchmarking Hub folder; returns the simulated models."""
    rng = np.random.default_rng(seed)
    models = _models(rng)
    folder.mkdir(parents=True, exist_ok=True)
    version = models["name"].str.lower().str.replace(" ", "-") + "-v1"
    eci = pd.DataFrame({"Model version": version, "ECI Score": 130 + 20 * models["cap"],
                        "Release date": models["date"].dt.strftime("%Y-%m-%d"),
                        "Model name": models["name"], "Country": models["country"],
                        "Organization": "Lab"})
    eci.to_csv(folder / "epoch_capabilities_index.csv", index=False)
    for stem, col, chance, diff, slope, _, epoch_run in BENCHES:
        p = 1 / (1 + np.exp(-slope * (models["cap"] - diff)))
        noisy = np.clip(p + rng.normal(0, 0.02, len(p)), 0, 1)
        score = chance + (1 - chance) * noisy
        frame = pd.DataFrame({"Model version": version, col: score.round(4),
                              "Release date": models["date"].dt.strftime("%Y-%m-%d")})
        if epoch_run:  # Epoch's own runs: run 40 days after release
            frame["Started at"] = (models["date"] + pd.Timedelta(days=40)).dt.strftime(
                "%Y-%m-%dT10:00:00.000Z")
        frame.to_csv(folder / f"{stem}.csv", index=False)
    extra = folder / "additional_eci_data"
    extra.mkdir(exist_ok=True)
    pd.DataFrame({"benchmark_name": [EPOCH_NAMES[b[0]] for b in BENCHES],
                  "is_anchor": [b[0] == "wino_grande_external" for b in BENCHES],
                  "benchmark_release_date": [b[5] for b in BENCHES],
                  "edi": [100.0] * len(BENCHES), "estimated_slope_scaled": [0.05] * len(BENCHES)}
                 ).to_csv(extra / "eci_benchmark_difficulties_and_slopes.csv", index=False)
    return models


@pytest.fixture
def hub_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data home holding the simulated hub, imported the way `aigap update --from` does."""
    from aigap.api import open_store, update_from_dir
    from aigap.api.aci import clear_memo

    clear_memo()
    home = tmp_path / "home"
    monkeypatch.setenv("AIGAP_HOME", str(home))
    write_hub(tmp_path / "hub")
    with open_store(home) as st:
        update_from_dir(st, tmp_path / "hub", workers=1)
    return home


def test_import_stores_the_raw_rows_and_they_read_back_as_the_folder_reader_reads_them(
        tmp_path: Path, hub_home: Path) -> None:
    from aigap.api import open_store
    from aigap.sources.epoch_irt import IRT_BENCHMARKS, read_irt_rows
    from aigap.store.frames import load_index_rows

    with open_store(hub_home) as st:
        counts = dict(st.con.execute(
            "SELECT 'rows', count(*) FROM benchmark_row UNION ALL "
            "SELECT 'groups', count(*) FROM model_group UNION ALL "
            "SELECT 'info', count(*) FROM benchmark_info").fetchall())
        assert counts == {"rows": 24 * len(BENCHES), "groups": 24, "info": len(BENCHES)}
        stored, sel = load_index_rows(st)
    stems = {b[0] for b in BENCHES}
    direct = read_irt_rows(tmp_path / "hub",
                           benchmarks=tuple(b for b in IRT_BENCHMARKS if b.stem in stems))
    key = ["model_key", "benchmark"]
    a = stored.sort_values(key).reset_index(drop=True)
    b = direct.sort_values(key).reset_index(drop=True)
    for col in ("model_key", "model_name", "benchmark"):
        assert a[col].tolist() == b[col].tolist()
    np.testing.assert_allclose(a["score"], b["score"])
    for col in ("release_date", "run_date", "benchmark_release_date"):
        assert pd.to_datetime(a[col]).astype("datetime64[ns]").equals(
            pd.to_datetime(b[col]).astype("datetime64[ns]")), col
    assert a["countries"].map(tuple).tolist() == b["countries"].map(tuple).tolist()
    assert sel.coverage_end == pd.Timestamp(direct["release_date"].max()).date()


def test_index_lists_every_model_with_interval_eci_and_fit(hub_home: Path) -> None:
    import aigap

    res = aigap.index(n_boot=10)
    d = res.to_dict()
    assert d["kind"] == "index" and len(d["models"]) == 24
    first = d["models"][0]
    assert {"model", "release_date", "aci", "lower", "upper", "eci"} <= set(first)
    assert all(m["lower"] <= m["aci"] + 1e-6 or m["model"] in ("GPT-5", "Claude 3.5 Sonnet")
               for m in d["models"])
    fit = d["fit"]
    assert fit["n_models"] == 24 and fit["n_benchmarks"] == len(BENCHES)
    assert fit["settings"]["n_boot"] == 10 and fit["scale"] == "anchor models"
    assert d["data"]["fit"] == fit
    # The simulated "ECI" is linear in the true capability, so agreement is near perfect.
    assert d["agreement"]["pearson_r"] > 0.97
    json.dumps(d)  # JSON-ready


def test_lag_on_aci_carries_the_fit_and_matches_the_true_lag(hub_home: Path,
                                                             tmp_path: Path) -> None:
    import aigap
    from aigap.analysis.lag import lag_analysis

    r = aigap.lag("USA", "China", "aci", since="2023-06-01", bootstrap=200, seed=1)
    d = r.to_dict(include_series=False)
    fit = d["data"]["fit"]
    assert fit["n_models"] == 24 and fit["as_of"] is None
    h = d["headline"]
    assert h["lower"] is not None and h["lower"] <= h["estimate"] <= h["upper"]
    # The same lag on the simulated true capabilities, on the same anchored scale.
    true = _models(np.random.default_rng(7))
    lo, hi = (true.loc[true["name"] == n, "cap"].item() for n in ("Claude 3.5 Sonnet", "GPT-5"))
    true["value"] = 130 + 20 * (true["cap"] - lo) / (hi - lo)
    frames = [pd.DataFrame({"model": g["name"], "date": g["date"], "value": g["value"]})
              for _, g in true.groupby("country", sort=False)]
    truth = lag_analysis(frames[0], frames[1], tau=1.0, since="2023-06-01",
                         end=r.series["date"].iloc[-1], labels=("USA", "CHN"))
    assert h["estimate"] == pytest.approx(truth.summary["lag_window"]["mean"], abs=0.75)


def test_as_of_refits_without_later_models_or_runs(hub_home: Path) -> None:
    import aigap

    cut = "2024-06-01"
    then = aigap.index(cut, n_boot=0)
    assert then.fit.fit_info["as_of"] == cut
    newest = pd.Timestamp(then.fit.fit_info["newest_model_date"])
    assert newest <= pd.Timestamp(cut)
    assert (pd.to_datetime(then.fit.models["release_date"]) <= pd.Timestamp(cut)).all()
    # HLE (released 2025-01-23) and FrontierMath (2024-11-07) did not exist yet.
    assert set(then.fit.benchmarks["benchmark"]) == {
        "Winogrande", "MMLU", "GPQA diamond", "MATH level 5"}
    today = aigap.index(n_boot=0)
    assert len(today.fit.models) > len(then.fit.models)
    lag_then = aigap.lag("USA", "China", "aci", as_of=cut, bootstrap=0)
    assert lag_then.to_dict()["data"]["fit"]["as_of"] == cut
    assert lag_then.to_dict()["data"]["fit"]["newest_model_date"] <= cut


def test_fit_is_cached_in_process_and_in_the_store(hub_home: Path) -> None:
    import aigap
    from aigap.api import open_store
    from aigap.api.aci import clear_memo

    t = time.perf_counter()
    first = aigap.index(n_boot=20)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    again = aigap.index(n_boot=20)
    warm = time.perf_counter() - t
    assert warm < cold  # the 0.5 s target is measured by benchmarks/bench_index.py
    assert again.fit is first.fit
    with open_store(hub_home) as st:
        stored = st.con.execute("SELECT fit_key FROM index_fit").fetchall()
    assert (first.selection.fit or {})["cache_key"] in {k for (k,) in stored}
    clear_memo()  # a new process: the fit comes back from the store, identical
    reread = aigap.index(n_boot=20)
    pd.testing.assert_frame_equal(reread.models, first.models, check_dtype=False)
    # Different settings are a different fit.
    other = aigap.index(n_boot=20, penalty=0.01)
    assert other.selection.fit != first.selection.fit


def test_settings_are_checked_and_named(hub_home: Path) -> None:
    import aigap
    from aigap.errors import QueryError

    with pytest.raises(QueryError) as exc:
        aigap.index(anchor_low="no equals sign")
    assert exc.value.parameter == "anchor_low"
    with pytest.raises(QueryError, match=r"^penalty: must be") as exc:
        aigap.index(penalty=-1)
    assert exc.value.parameter == "penalty"
    with pytest.raises(QueryError, match="anchor model anchor_high 'Nobody'") as exc:
        aigap.index(anchor_high="Nobody=150", scale_mode="models", n_boot=0)
    assert exc.value.parameter == "anchor_high"


def test_vintage_view_and_sensitivity(hub_home: Path) -> None:
    import aigap

    res = aigap.index(n_boot=0, vintages=True, sensitivity=True, since="2023-06-01")
    v = res.vintages
    assert v is not None and len(v) >= 12
    assert (v["note"] == "").all()
    assert (v["n_models_then"].diff().dropna() >= 0).all()
    last = v.iloc[-1]
    assert last["n_models_then"] <= 24
    s = res.sensitivity
    assert s is not None and s["setting"].iloc[0] == "default" and len(s) >= 8
    assert math.isfinite(float(s["lag_mean"].iloc[0]))


def test_cli_index_json_and_lag(hub_home: Path, cli: Callable[..., Any]) -> None:
    r = cli("index", "--boot", "5", "--format", "json")
    assert r.code == 0, r.err
    d = json.loads(r.out)
    assert d["fit"]["settings"]["n_boot"] == 5 and len(d["models"]) == 24
    r = cli("index", "--anchor-low", "bad")
    assert r.code == 2 and "--anchor-low" in r.err + r.out
    r = cli("lag", "--metric", "aci", "--bootstrap", "50", "--format", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["data"]["fit"]["n_models"] == 24


# -- the shared mirror (acceptance) ------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.shared
def test_acceptance_on_the_mirror(mirror_store: Any) -> None:
    import aigap

    res = aigap.index(n_boot=0, store=mirror_store)
    a = res.agreement
    assert a is not None and a.pearson_r >= 0.98 and a.median_abs_diff <= 2
    r = aigap.lag("USA", "CHN", "aci", as_of="2026-01-02", since="2023-01-01",
                  bootstrap=300, seed=1, store=mirror_store)
    d = r.to_dict(include_series=False)
    fit = d["data"]["fit"]
    assert fit["as_of"] == "2026-01-02" and fit["n_models"] > 100 and fit["n_benchmarks"] > 30
    assert fit["newest_model_date"] <= "2026-01-02" and fit["n_boot_ok"] >= 50
    h = d["headline"]
    assert h["lower"] < h["estimate"] < h["upper"]
    then = aigap.lag("USA", "CHN", "aci", as_of="2024-06-01", since="2023-01-01",
                     bootstrap=0, store=mirror_store).to_dict(include_series=False)
    assert then["data"]["fit"]["newest_model_date"] <= "2024-06-01"
    assert then["data"]["fit"]["as_of"] == "2024-06-01"
    # The same question on today's fit (models to 2024-06-01 only) gives another answer.
    view = aigap.index(n_boot=0, vintages=True, since="2023-01-01",
                       store=mirror_store).vintages
    assert view is not None
    row = view[view["date"] == pd.Timestamp("2024-05-31")].iloc[0]
    assert row["lag_end_then"] != pytest.approx(row["lag_end_today"], abs=0.05)


def test_index_json_keys_match_the_docs(hub_home: Path) -> None:
    import aigap
    from test_docs import documented_data_keys, documented_keys

    out = aigap.index(n_boot=0, vintages=False).to_dict()
    assert set(out) == documented_keys("index")
    assert set(out["data"]) <= documented_data_keys()
    lag = aigap.lag("USA", "China", "aci", bootstrap=0).to_dict()
    assert set(lag) == documented_keys("lag") - {"sensitivity"}
    assert "fit" in lag["data"] and set(lag["data"]) <= documented_data_keys()


def test_reimport_of_an_unchanged_file_backfills_the_new_tables(hub_home: Path,
                                                                 tmp_path: Path) -> None:
    """A store filled before schema v3 has no raw rows; importing the same files again
    (all "unchanged") fills them for the stored vintages, and only once."""
    from aigap.api import open_store, update_from_dir

    with open_store(hub_home) as st:
        before = st.con.execute("SELECT count(*) FROM benchmark_row").fetchone()
        with st.writing():  # a store from before schema v3: no raw rows yet
            st.con.execute("DELETE FROM benchmark_row")
            st.con.execute("DELETE FROM model_group")
            st.con.execute("DELETE FROM source_file")  # nor file records (schema v4)
        report = update_from_dir(st, tmp_path / "hub", workers=1)
        assert not report.changed
        after = st.con.execute("SELECT count(*) FROM benchmark_row").fetchone()
        groups = st.con.execute("SELECT count(*) FROM model_group").fetchone()
        update_from_dir(st, tmp_path / "hub", workers=1)
        again = st.con.execute("SELECT count(*) FROM benchmark_row").fetchone()
    assert before == after == again and groups == (24,)


def test_warm_cache_stores_todays_default_fit(hub_home: Path) -> None:
    from aigap.analysis.index import IndexSettings
    from aigap.api import open_store
    from aigap.api.aci import clear_memo, fit_aci, warm_cache

    s = IndexSettings(n_boot=5)
    with open_store(hub_home) as st:
        fit = warm_cache(st, s)
        assert fit is not None
        clear_memo()
        (n,), = st.con.execute("SELECT count(*) FROM index_fit").fetchall()
        assert n == 1
        again, _ = fit_aci(st, settings=s)  # from the table, not refitted
    pd.testing.assert_frame_equal(again.models, fit.models, check_dtype=False)


@pytest.mark.slow
def test_the_bundled_snapshot_provides_the_raw_rows(tmp_path: Path) -> None:
    """A first run (the bundled Epoch files) can fit aci: rows, groups, benchmark dates."""
    import aigap
    from aigap.api.data import store_parsed
    from aigap.sources.base import get_source
    from aigap.sources.bundled import BUNDLED_SOURCES, load_bundled
    from aigap.store import Store

    parsed = load_bundled()
    assert "benchmark_info:eci" in {d.dataset for d in parsed}
    with Store(tmp_path / "s.duckdb") as st:
        store_parsed(st, parsed, {n: get_source(n) for n in BUNDLED_SOURCES})
        res = aigap.index(n_boot=0, store=st)
        (dated,), = st.con.execute(
            "SELECT count(*) FROM benchmark_info WHERE release_date IS NOT NULL").fetchall()
    assert res.fit.fit_info["n_benchmarks"] >= 40 and dated >= 30
    assert res.agreement is not None and res.agreement.pearson_r >= 0.98
