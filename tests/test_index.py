"""aigap Capability Index: planted-answer recovery, intervals, as-of, anchors, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import expit

from aigap.analysis.index import (
    IndexSettings,
    agreement,
    fit_index,
    fit_index_as_of,
    fit_key,
    rows_as_of,
    score_frame,
)
from aigap.errors import QueryError, SchemaError

LOW, HIGH = "Model 000", "Model 001"


def simulate(seed: int, n_models: int = 60, n_bench: int = 14, per_model: int = 9,
             noise: float = 0.02) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """Rows from the model itself; returns (rows, true index per model, true benchmarks).

    Benchmark "B00" is the anchor (difficulty 0, slope 1). True index values use the same
    anchors as the fit: Model 000 = 130, Model 001 = 150.
    """
    rng = np.random.default_rng(seed)
    cap = rng.normal(0.0, 1.5, n_models)
    cap[0], cap[1] = -0.5, 1.0
    diff = rng.uniform(-2.5, 2.5, n_bench)
    slope = rng.uniform(0.7, 2.5, n_bench)
    diff[0], slope[0] = 0.0, 1.0
    models = [f"Model {i:03d}" for i in range(n_models)]
    benches = [f"B{j:02d}" for j in range(n_bench)]
    mi = np.repeat(np.arange(n_models), per_model)
    bi = np.concatenate([rng.choice(n_bench, per_model, replace=False) for _ in models])
    # every model is scored on the anchor benchmark so the scale is well tied
    bi[::per_model] = 0
    score = expit(slope[bi] * (cap[mi] - diff[bi])) + rng.normal(0, noise, len(mi))
    dates = pd.Timestamp("2023-06-01") + pd.to_timedelta(rng.integers(0, 900, n_models), "D")
    rows = pd.DataFrame({
        "model_key": [m.lower() for m in np.array(models)[mi]],
        "model_name": np.array(models)[mi],
        "release_date": dates[mi],
        "benchmark": np.array(benches)[bi],
        "score": np.clip(score, 0, 1),
    })
    b = 20.0 / (cap[1] - cap[0])
    truth = pd.Series(130.0 + b * (cap - cap[0]), index=[m.lower() for m in models])
    true_b = pd.DataFrame({"benchmark": benches, "edi": 130.0 + b * (diff - cap[0]),
                           "slope": slope / b})
    return rows, truth, true_b


SETTINGS = IndexSettings(penalty=1e-4, anchor_benchmark="B00", anchor_low=(LOW, 130.0),
                         anchor_high=(HIGH, 150.0), min_benchmarks=4, min_date=None,
                         n_boot=0)


def test_planted_capabilities_difficulties_and_slopes_are_recovered() -> None:
    rows, truth, true_b = simulate(1)
    fit = fit_index(rows, SETTINGS)
    got = fit.models.set_index("model_key")["aci"]
    err = (got - truth.reindex(got.index)).abs()
    # extreme models (near 0 or 1 on most of their benchmarks) are less well pinned down
    assert err.median() < 1.0 and err.quantile(0.9) < 3.0 and err.max() < 8.0
    b = fit.benchmarks.merge(true_b, on="benchmark", suffixes=("", "_true"))
    assert (b["edi"] - b["edi_true"]).abs().median() < 1.5
    assert ((b["slope"] / b["slope_true"]) - 1).abs().median() < 0.15
    # anchors hold exactly
    assert got[LOW.lower()] == pytest.approx(130.0)
    assert got[HIGH.lower()] == pytest.approx(150.0)


def test_bootstrap_intervals_cover_roughly_nominally() -> None:
    covered, total = 0, 0
    for seed in (2, 3):
        rows, truth, _ = simulate(seed, noise=0.04)
        settings = IndexSettings(**{**SETTINGS.to_dict(), "anchor_low": (LOW, 130.0),
                                    "anchor_high": (HIGH, 150.0), "fixed_scale": (0.0, 1.0),
                                    "n_boot": 60, "level": 0.9})
        fit = fit_index(rows, settings, rng=np.random.default_rng(seed))
        m = fit.models.set_index("model_key")
        m = m.drop(index=[LOW.lower(), HIGH.lower()])
        t = truth.reindex(m.index)
        covered += int(((m["lower"] <= t) & (t <= m["upper"])).sum())
        total += len(m)
        assert (m["upper"] >= m["aci"] - 1e-9).mean() > 0.9
    assert 0.75 <= covered / total <= 1.0


def test_bootstrap_is_reproducible_with_the_same_seed() -> None:
    rows, _, _ = simulate(4, n_models=25)
    s = IndexSettings(**{**SETTINGS.to_dict(), "anchor_low": (LOW, 130.0),
                         "anchor_high": (HIGH, 150.0), "fixed_scale": (0.0, 1.0),
                         "n_boot": 10})
    a = fit_index(rows, s, rng=np.random.default_rng(7)).models
    b = fit_index(rows, s, rng=np.random.default_rng(7)).models
    pd.testing.assert_frame_equal(a, b)


def _dated_rows(seed: int) -> pd.DataFrame:
    rows, _, _ = simulate(seed, n_models=30)
    rng = np.random.default_rng(seed)
    rows["run_date"] = rows["release_date"] + pd.to_timedelta(
        rng.integers(0, 400, len(rows)), "D")
    rows.loc[rng.random(len(rows)) < 0.3, "run_date"] = pd.NaT
    rel = {b: pd.Timestamp("2022-01-01") + pd.Timedelta(days=int(d))
           for b, d in zip(sorted(rows["benchmark"].unique()),
                           rng.integers(0, 1200, rows["benchmark"].nunique()), strict=True)}
    rows["benchmark_release_date"] = rows["benchmark"].map(rel)
    return rows


@given(seed=st.integers(0, 50), days=st.integers(0, 1500))
def test_as_of_rows_never_postdate_the_as_of_date(seed: int, days: int) -> None:
    rows = _dated_rows(seed)
    d = pd.Timestamp("2023-01-01") + pd.Timedelta(days=days)
    cut = rows_as_of(rows, d)
    assert (cut["release_date"] <= d).all()
    assert (cut["run_date"].isna() | (cut["run_date"] <= d)).all()
    assert (cut["benchmark_release_date"] <= d).all()
    # and nothing that could have been seen is dropped
    ok = ((rows["release_date"] <= d) & (rows["run_date"].isna() | (rows["run_date"] <= d))
          & (rows["benchmark_release_date"] <= d))
    assert len(cut) == int(ok.sum())


@given(days=st.integers(500, 1100))
def test_as_of_fit_contains_no_model_released_after_the_date(days: int) -> None:
    rows = _dated_rows(5)
    rows["benchmark_release_date"] = pd.NaT
    d = pd.Timestamp("2023-06-01") + pd.Timedelta(days=days)
    s = IndexSettings(**{**SETTINGS.to_dict(), "anchor_low": (LOW, 130.0),
                         "anchor_high": (HIGH, 150.0), "fixed_scale": (100.0, 20.0),
                         "min_benchmarks": 3, "scale_mode": "auto"})
    try:
        fit = fit_index_as_of(rows, d, s)
    except QueryError:
        return  # too little data that early is a refusal, never a hindsight fit
    assert (fit.models["release_date"] <= d).all()
    info = fit.fit_info
    assert info["as_of"] == d.date().isoformat()
    assert pd.Timestamp(info["newest_model_date"]) <= d


def test_as_of_fit_differs_from_todays_fit() -> None:
    rows = _dated_rows(6)
    rows["benchmark_release_date"] = pd.NaT
    s = IndexSettings(**{**SETTINGS.to_dict(), "anchor_low": (LOW, 130.0),
                         "anchor_high": (HIGH, 150.0), "fixed_scale": (100.0, 20.0),
                         "min_benchmarks": 3})
    today = fit_index(rows, s)
    early = fit_index_as_of(rows, "2025-01-01", s)
    assert early.fit_info["n_models"] < today.fit_info["n_models"]
    assert fit_key(rows, s) != fit_key(rows, s, as_of="2025-01-01")


def test_anchor_models_are_matched_loosely_and_must_exist() -> None:
    rows, _, _ = simulate(8, n_models=20)
    loose = IndexSettings(**{**SETTINGS.to_dict(), "anchor_low": ("model-000", 100.0),
                             "anchor_high": ("MODEL 001", 200.0), "fixed_scale": (0.0, 1.0)})
    m = fit_index(rows, loose).models.set_index("model_name")["aci"]
    assert m[LOW] == pytest.approx(100.0) and m[HIGH] == pytest.approx(200.0)
    missing = IndexSettings(**{**SETTINGS.to_dict(), "anchor_low": ("GPT-9", 130.0),
                               "anchor_high": (HIGH, 150.0), "fixed_scale": (0.0, 1.0),
                               "scale_mode": "models"})
    with pytest.raises(QueryError, match="GPT-9"):
        fit_index(rows, missing)
    # auto falls back to the benchmark scale and says so
    auto = IndexSettings(**{**missing.to_dict(), "anchor_low": ("GPT-9", 130.0),
                            "anchor_high": (HIGH, 150.0), "fixed_scale": (100.0, 20.0),
                            "scale_mode": "auto"})
    fit = fit_index(rows, auto)
    assert fit.fit_info["scale"] == "anchor benchmark"
    assert fit.benchmarks.set_index("benchmark").loc["B00", "edi"] == pytest.approx(100.0)


def test_bad_input_is_refused() -> None:
    rows, _, _ = simulate(9, n_models=12)
    with pytest.raises(SchemaError, match="score"):
        fit_index(rows.assign(score=rows["score"] * 100), SETTINGS)
    with pytest.raises(SchemaError, match="benchmark"):
        fit_index(rows.drop(columns="benchmark"), SETTINGS)
    with pytest.raises(QueryError, match="penalty"):
        fit_index(rows, IndexSettings(penalty=-1.0))
    with pytest.raises(QueryError, match="Generator"):
        fit_index(rows, SETTINGS, rng=42)
    with pytest.raises(QueryError, match="anchor benchmark"):
        fit_index(rows, IndexSettings(**{**SETTINGS.to_dict(), "anchor_benchmark": "Nope",
                                         "anchor_low": (LOW, 130.0),
                                         "anchor_high": (HIGH, 150.0),
                                         "fixed_scale": (0.0, 1.0)}))
    with pytest.raises(QueryError, match="benchmarks"):
        fit_index(rows, IndexSettings(**{**SETTINGS.to_dict(), "min_benchmarks": 99,
                                         "anchor_low": (LOW, 130.0),
                                         "anchor_high": (HIGH, 150.0),
                                         "fixed_scale": (0.0, 1.0)}))
    with pytest.raises(QueryError, match="as_of"):
        rows_as_of(rows, "not a date")


def test_fit_key_ignores_row_order_and_tracks_settings() -> None:
    rows, _, _ = simulate(10, n_models=12)
    shuffled = rows.sample(frac=1.0, random_state=1)
    assert fit_key(rows, SETTINGS) == fit_key(shuffled, SETTINGS)
    other = IndexSettings(**{**SETTINGS.to_dict(), "penalty": 0.5,
                             "anchor_low": (LOW, 130.0), "anchor_high": (HIGH, 150.0),
                             "fixed_scale": (0.0, 1.0)})
    assert fit_key(rows, SETTINGS) != fit_key(rows, other)
    changed = rows.copy()
    changed.loc[changed.index[0], "score"] = 0.123456
    assert fit_key(rows, SETTINGS) != fit_key(changed, SETTINGS)


def test_agreement_and_score_frame() -> None:
    rows, truth, _ = simulate(11)
    fit = fit_index(rows, SETTINGS)
    pub = pd.DataFrame({"model_key": truth.index, "eci": truth.to_numpy()})
    agr = agreement(fit, pub, n_worst=5)
    assert agr.n == len(fit.models) and agr.pearson_r > 0.99
    assert len(agr.worst) == 5 and agr.worst["diff"].abs().is_monotonic_decreasing
    sf = score_frame(fit)
    assert list(sf.columns) == ["model_key", "model_name", "metric", "value", "lower", "upper",
                                "stderr", "release_date", "countries"]
    assert (sf["metric"] == "aci").all() and len(sf) == len(fit.models)
    assert sf["stderr"].isna().all()  # no bootstrap, no stderr
    boot = fit_index(rows, IndexSettings(**{**SETTINGS.to_dict(), "anchor_low": (LOW, 130.0),
                                            "anchor_high": (HIGH, 150.0),
                                            "fixed_scale": (0.0, 1.0), "n_boot": 5}),
                     rng=np.random.default_rng(0))
    sb = score_frame(boot)
    # a 90% interval of half-width h gives sd h / 1.645
    half = (sb["upper"] - sb["lower"]) / 2
    assert np.allclose(sb["stderr"], half / 1.6448536, rtol=1e-6)
    d = fit.to_dict()
    assert d["fit"]["n_models"] == len(fit.models) and "settings" in d["fit"]


@pytest.mark.slow
def test_reproduces_epochs_published_eci(shared_data: Path) -> None:
    from aigap.sources.epoch_irt import read_irt_rows, read_published_eci
    from aigap.sources.readers import model_key

    folder = shared_data / "epoch" / "benchmark_data_2026-04"
    rows = read_irt_rows(folder)
    eci = read_published_eci(folder)
    eci["model_key"] = model_key(eci["group_name"])
    fit = fit_index(rows, IndexSettings(n_boot=0))
    agr = agreement(fit, eci)
    assert agr.n >= 140
    assert agr.pearson_r >= 0.98
    assert agr.median_abs_diff <= 2.0
    early = fit_index_as_of(rows, "2024-06-01", IndexSettings(n_boot=0))
    assert pd.Timestamp(early.fit_info["newest_model_date"]) <= pd.Timestamp("2024-06-01")
    assert early.fit_info["scale"] == "anchor benchmark"


def _write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_reader_groups_versions_normalises_and_keeps_run_dates(tmp_path: Path) -> None:
    from aigap.sources.epoch_irt import IrtBenchmark, read_irt_rows, read_published_eci

    _write(tmp_path, "epoch_capabilities_index.csv",
           "Model version,ECI Score,Release date,Country,Model name\n"
           "alpha-1_high,140,2025-01-10,United States of America,Alpha 1\n"
           "alpha-1_low,140,2025-01-10,United States of America,Alpha 1\n"
           "beta-a,120,2024-02-01,China,Beta\n"
           "beta-b,125,2024-09-01,China,Beta\n")
    _write(tmp_path, "quiz.csv",
           "Model version,mean_score,Release date,Started at\n"
           "alpha-1_high,0.75,2025-01-10,2025-02-01T10:00:00.000Z\n"
           "alpha-1_low,0.55,2025-01-10,2025-02-02T10:00:00.000Z\n"
           "beta-a,0.20,2024-02-01,2025-03-01T10:00:00.000Z\n"
           "beta-b,,2024-09-01,\n")
    _write(tmp_path, "essay_external.csv",
           "Model version,Percent,Release date,Name\n"
           "beta-b,40,2024-09-01,Beta B\n"
           "gamma,80,2024-05-05,Gamma\n")
    _write(tmp_path, "additional_eci_data/eci_benchmark_difficulties_and_slopes.csv",
           "benchmark_name,benchmark_release_date\nQuiz,2023-06-01\nEssay,\n")
    benches = (IrtBenchmark("quiz", "Quiz", "mean_score", 0.5),
               IrtBenchmark("essay_external", "Essay", "Percent"))
    rows = read_irt_rows(tmp_path, benchmarks=benches)
    # two-option quiz (chance 0.5): 0.75 -> 0.5, 0.20 -> 0 (clipped); blank scores dropped
    quiz = rows[rows["benchmark"] == "Quiz"].set_index("model_version")
    assert quiz.loc["alpha-1_high", "score"] == pytest.approx(0.5)
    assert quiz.loc["beta-a", "score"] == 0.0
    assert "beta-b" not in quiz.index
    # same name + same date -> one model; same name, different dates -> dated models
    assert set(rows["model_name"]) == {"Alpha 1", "Beta (2024-02-01)", "Beta (2024-09-01)",
                                       "gamma"}
    assert quiz.loc["alpha-1_low", "run_date"] == pd.Timestamp("2025-02-02")
    essay = rows[rows["benchmark"] == "Essay"].set_index("model_version")
    assert essay.loc["gamma", "score"] == pytest.approx(0.8)  # percent detected
    assert pd.isna(essay.loc["gamma", "run_date"])
    assert quiz["benchmark_release_date"].eq(pd.Timestamp("2023-06-01")).all()
    assert essay.loc["beta-b", "countries"] == ["CHN"]
    eci = read_published_eci(tmp_path)
    assert eci["group_name"].tolist() == ["Alpha 1", "Alpha 1", "Beta (2024-02-01)",
                                          "Beta (2024-09-01)"]


def test_reader_names_the_missing_file_and_column(tmp_path: Path) -> None:
    from aigap.errors import SourceError
    from aigap.sources.epoch_irt import IrtBenchmark, read_irt_rows

    with pytest.raises(SourceError, match=r"epoch_capabilities_index\.csv"):
        read_irt_rows(tmp_path)
    _write(tmp_path, "epoch_capabilities_index.csv",
           "Model version,ECI Score,Release date\nx,100,2024-01-01\n")
    _write(tmp_path, "quiz.csv", "Model version,Score,Release date\nx,0.5,2024-01-01\n")
    with pytest.raises(SchemaError, match="mean_score"):
        read_irt_rows(tmp_path, benchmarks=(IrtBenchmark("quiz", "Quiz", "mean_score"),))
