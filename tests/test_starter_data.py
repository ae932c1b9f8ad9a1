"""Tests for the bundled starter dataset (aigap/data/starter) and its loader.

Three groups: the packaged files parse and are internally consistent; hand-written bad
files raise SchemaError naming file, row and column; and the curated facts agree with
Epoch AI's independently collected data where both have them (skipped without
../shared/data).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aigap.errors import SchemaError
from aigap.sources.base import SourceFile
from aigap.sources.starter import (
    METRICS,
    load_starter,
    parse,
    parse_all,
    starter_files,
)

MODELS_HEADER = (
    "model,organization,country,release_date,open_weights,parameters,"
    "training_compute_flop,source_url,accessed,notes\n"
)
SCORES_HEADER = "model,metric,value,setting,source_url,accessed,notes\n"
INDICATORS_HEADER = (
    "indicator_id,country,date,value,unit,label,source_name,source_url,accessed,note\n"
)
GOOD_MODELS = MODELS_HEADER + (
    "Alpha-1,Lab A,USA,2023-03-14,false,,,https://example.org/alpha,2026-01-02,\n"
    'Beta 7B,Lab B;Lab C,CHN;HKG,2023-09-01,true,7e9,,https://example.org/beta,2026-01-03,"a, b"\n'
)
GOOD_SCORES = SCORES_HEADER + (
    "Alpha-1,mmlu,0.864,5-shot,https://example.org/alpha,2026-01-02,\n"
    "beta 7b,gpqa_diamond,0.41,0-shot CoT,https://github.com/lab-b/beta,2026-01-05,\n"
)
GOOD_INDICATORS = INDICATORS_HEADER + (
    "top500_systems,CHN,2017-11-01,202,systems,TOP500 systems,ICL,https://example.org/t,"
    "2026-01-01,\n"
    "web_share,WLD,2023-05-09,0.56,share,Web share,W3Techs,https://example.org/w,2026-01-04,\n"
)


def _sf(name: str, text: str, folder: Path | None = None) -> SourceFile:
    if folder is not None:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return SourceFile.from_path(path)
    return SourceFile(name=name, data=text.encode("utf-8"))


def _parse(models: str = GOOD_MODELS, scores: str = GOOD_SCORES,
           indicators: str = GOOD_INDICATORS) -> list:
    return parse_all(_sf("models.csv", models), _sf("scores.csv", scores),
                     _sf("indicators.csv", indicators))


# --- the packaged files ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def packaged() -> dict[str, pd.DataFrame]:
    out = {}
    for ds in load_starter():
        ((_table, frame),) = ds.frames.items()
        out[ds.dataset] = frame
        assert ds.source == "starter"
        assert ds.data_as_of is not None and ds.data_as_of <= date.today()
        assert ds.n_skipped == 0
    return out


@pytest.fixture(scope="module")
def raw() -> dict[str, pd.DataFrame]:
    return {f.name: pd.read_csv(f.path, dtype=str, keep_default_na=False)  # type: ignore[arg-type]
            for f in starter_files()}


def test_packaged_files_parse_completely(packaged: dict[str, pd.DataFrame],
                                         raw: dict[str, pd.DataFrame]) -> None:
    assert len(packaged["starter_models"]) == len(raw["models.csv"]) >= 60
    assert len(packaged["starter_scores"]) == len(raw["scores.csv"]) >= 150
    assert len(packaged["starter_indicators"]) == len(raw["indicators.csv"]) >= 20


def test_every_score_model_exists(packaged: dict[str, pd.DataFrame]) -> None:
    models = packaged["starter_models"]
    scores = packaged["starter_scores"]
    assert scores["model_key"].isin(set(models["model_key"])).all()
    # facts are copied from the model row
    merged = scores.merge(models, on="model_key", suffixes=("", "_m"))
    assert (merged["release_date"] == merged["release_date_m"]).all()
    assert [list(c) for c in merged["countries"]] == [list(c) for c in merged["countries_m"]]


def test_urls_and_accessed_dates(raw: dict[str, pd.DataFrame]) -> None:
    for name, frame in raw.items():
        assert frame["source_url"].str.match(r"^https?://\S+$").all(), name
        acc = pd.to_datetime(frame["accessed"], format="%Y-%m-%d")
        assert (acc <= pd.Timestamp(date.today())).all(), name


def test_no_duplicate_model_metric_setting(raw: dict[str, pd.DataFrame]) -> None:
    s = raw["scores.csv"]
    key = pd.DataFrame({"m": s["model"].str.lower(), "k": s["metric"],
                        "s": s["setting"].str.lower()})
    assert not key.duplicated().any()


def test_values_are_fractions_and_metrics_known(packaged: dict[str, pd.DataFrame]) -> None:
    s = packaged["starter_scores"]
    assert s["value"].between(0, 1).all()
    assert set(s["metric"]) <= METRICS
    assert (s["scale"] == "fraction").all() and (s["provenance"] == "self_reported").all()


def test_coverage_of_countries_and_families(packaged: dict[str, pd.DataFrame]) -> None:
    m = packaged["starter_models"]
    codes = {c for cs in m["countries"] for c in cs}
    assert {"USA", "CHN", "FRA", "GBR", "CAN", "ARE", "KOR"} <= codes
    names = " ".join(m["name"]).lower()
    for family in ("llama", "qwen", "deepseek", "yi-", "glm", "mistral", "falcon", "gemma",
                   "kimi", "minimax", "internlm", "baichuan"):
        assert family in names, family
    assert m["release_date"].min() >= pd.Timestamp("2019-01-01")


def test_known_facts_spot_check(packaged: dict[str, pd.DataFrame]) -> None:
    """A few facts re-read from primary sources while curating (planted known answers)."""
    s = packaged["starter_scores"].set_index(["model_key", "metric", "setting"])["value"]
    assert s[("gpt-4", "mmlu", "5-shot")] == pytest.approx(0.864)
    assert s[("deepseek-r1", "gpqa_diamond", "0-shot pass@1")] == pytest.approx(0.715)
    assert s[("qwen-72b", "cmmlu", "5-shot base")] == pytest.approx(0.836)
    m = packaged["starter_models"].set_index("model_key")
    assert m.loc["deepseek-v3", "parameters"] == pytest.approx(671e9)
    assert m.loc["llama 3.1 405b", "release_date"] == pd.Timestamp("2024-07-23")
    assert m.loc["gemini 1.0 ultra", "countries"] == ["USA", "GBR"]


def test_registered_source() -> None:
    from aigap.sources import base
    from aigap.sources.starter import STARTER

    assert "aigap.sources.starter" in base.SOURCE_MODULES
    src = base._REGISTRY["starter"]
    assert src is STARTER
    assert src.publisher == "aigap contributors (curated from primary sources)"
    assert src.licence == "CC BY 4.0 (facts with primary-source links)"
    assert src.urls == () and src.patterns == ()
    names = [f.name for f in starter_files()]
    assert names == ["models.csv", "scores.csv", "indicators.csv"]


def test_registry_parse_one_file_at_a_time(tmp_path: Path) -> None:
    _sf("models.csv", GOOD_MODELS, tmp_path)
    scores = _sf("scores.csv", GOOD_SCORES, tmp_path)
    (ds,) = parse(scores)  # reads models.csv next to it
    assert ds.dataset == "starter_scores"
    frame = ds.frames["score"]
    assert list(frame["model_name"]) == ["Alpha-1", "Beta 7B"]
    assert list(frame["source_name"]) == ["example.org", "github.com/lab-b"]
    assert frame["open_weights"].tolist() == [False, True]
    assert ds.data_as_of == date(2026, 1, 5)
    (ind,) = parse(_sf("indicators.csv", GOOD_INDICATORS))
    assert ind.frames["indicator"]["country"].tolist() == ["CHN", "WLD"]
    with pytest.raises(SchemaError, match="not a starter file"):
        parse(_sf("other.csv", GOOD_MODELS))


def test_good_fixture_parses() -> None:
    models, scores, indicators = _parse()
    m = models.frames["model"]
    assert m["organizations"].tolist() == [["Lab A"], ["Lab B", "Lab C"]]
    assert m["countries"].tolist() == [["USA"], ["CHN", "HKG"]]
    assert m["parameters"].iloc[1] == 7e9 and pd.isna(m["parameters"].iloc[0])
    assert m["domain"].tolist() == [["Language"], ["Language"]]
    assert models.data_as_of == date(2026, 1, 3)
    assert indicators.data_as_of == date(2026, 1, 4)
    assert scores.frames["score"]["countries"].tolist() == [["USA"], ["CHN", "HKG"]]


# --- bad input -------------------------------------------------------------------------------


def _expect(exc: pytest.ExceptionInfo[SchemaError], file: str, row: int, column: str) -> None:
    err = exc.value
    assert (err.file, err.row, err.column) == (file, row, column)
    assert "\n" not in str(err)


def test_unknown_model_in_scores() -> None:
    bad = GOOD_SCORES + "Gamma,mmlu,0.5,5-shot,https://example.org/g,2026-01-02,\n"
    with pytest.raises(SchemaError, match=r"not in models\.csv") as exc:
        _parse(scores=bad)
    _expect(exc, "scores.csv", 4, "model")


@pytest.mark.parametrize("value", ["86.4", "-0.1", "1.01"])
def test_value_outside_unit_interval(value: str) -> None:
    bad = SCORES_HEADER + f"Alpha-1,mmlu,{value},5-shot,https://example.org/a,2026-01-02,\n"
    with pytest.raises(SchemaError, match="fraction") as exc:
        _parse(scores=bad)
    _expect(exc, "scores.csv", 2, "value")


def test_value_not_a_number() -> None:
    bad = SCORES_HEADER + "Alpha-1,mmlu,high,5-shot,https://example.org/a,2026-01-02,\n"
    with pytest.raises(SchemaError, match="number") as exc:
        _parse(scores=bad)
    _expect(exc, "scores.csv", 2, "value")


@pytest.mark.parametrize("bad_date", ["2023-13-01", "14/03/2023", "2023-03", "March 2023"])
def test_bad_release_date(bad_date: str) -> None:
    bad = GOOD_MODELS.replace("2023-09-01", bad_date)
    with pytest.raises(SchemaError, match="date") as exc:
        _parse(models=bad)
    _expect(exc, "models.csv", 3, "release_date")


def test_bad_indicator_date() -> None:
    bad = GOOD_INDICATORS.replace("2023-05-09", "2023/05/09")
    with pytest.raises(SchemaError, match="date") as exc:
        _parse(indicators=bad)
    _expect(exc, "indicators.csv", 3, "date")


def test_accessed_in_future() -> None:
    bad = GOOD_SCORES.replace("2026-01-05", "2999-01-01")
    with pytest.raises(SchemaError, match="future") as exc:
        _parse(scores=bad)
    _expect(exc, "scores.csv", 3, "accessed")


@pytest.mark.parametrize("code", ["XXX", "China", "UK"])
def test_unknown_country_in_models(code: str) -> None:
    bad = GOOD_MODELS.replace("CHN;HKG", f"CHN;{code}")
    with pytest.raises(SchemaError, match="unknown country code") as exc:
        _parse(models=bad)
    _expect(exc, "models.csv", 3, "country")


def test_unknown_country_in_indicators() -> None:
    bad = GOOD_INDICATORS.replace("WLD", "EUR")
    with pytest.raises(SchemaError, match="unknown country code") as exc:
        _parse(indicators=bad)
    _expect(exc, "indicators.csv", 3, "country")


@pytest.mark.parametrize("url", ["", "example.org/x", "ftp://example.org/x"])
def test_missing_or_bad_source_url(url: str) -> None:
    bad = GOOD_MODELS.replace("https://example.org/beta", url)
    with pytest.raises(SchemaError, match=r"source_url|URL") as exc:
        _parse(models=bad)
    _expect(exc, "models.csv", 3, "source_url")


def test_missing_source_url_in_scores_and_indicators() -> None:
    with pytest.raises(SchemaError) as exc:
        _parse(scores=GOOD_SCORES.replace("https://github.com/lab-b/beta", ""))
    _expect(exc, "scores.csv", 3, "source_url")
    with pytest.raises(SchemaError) as exc:
        _parse(indicators=GOOD_INDICATORS.replace("https://example.org/t", ""))
    _expect(exc, "indicators.csv", 2, "source_url")


def test_duplicate_score_and_model_rows() -> None:
    dup = GOOD_SCORES + "ALPHA-1,mmlu,0.87,5-Shot,https://example.org/a,2026-01-02,\n"
    with pytest.raises(SchemaError, match="duplicate") as exc:
        _parse(scores=dup)
    _expect(exc, "scores.csv", 4, "setting")
    dup_m = GOOD_MODELS + "alpha-1,Lab A,USA,2023-03-15,false,,,https://example.org/a,2026-01-02,\n"
    with pytest.raises(SchemaError, match="twice") as exc:
        _parse(models=dup_m)
    _expect(exc, "models.csv", 4, "model")


def test_unknown_metric_and_missing_column() -> None:
    with pytest.raises(SchemaError, match="unknown metric") as exc:
        _parse(scores=GOOD_SCORES.replace("gpqa_diamond", "gpqa"))
    _expect(exc, "scores.csv", 3, "metric")
    with pytest.raises(SchemaError, match="missing column") as exc:
        _parse(models=GOOD_MODELS.replace(",notes\n", "\n", 1))
    _expect(exc, "models.csv", 1, "notes")


def test_bad_open_weights_flag() -> None:
    with pytest.raises(SchemaError) as exc:
        _parse(models=GOOD_MODELS.replace(",true,", ",maybe,"))
    _expect(exc, "models.csv", 3, "open_weights")


# --- comparison with Epoch AI --------------------------------------------------------------


def _norm(name: str) -> str:
    """Normalised model name for matching across sources."""
    text = str(name).lower().replace("α", "alpha")
    return re.sub(r"[^a-z0-9]+", "", text)


def _shots(setting: str) -> float | None:
    hit = re.match(r"^\s*(\d+)-shot", setting)
    return float(hit.group(1)) if hit else None


def test_release_dates_agree_with_epoch(shared_data: Path,
                                        packaged: dict[str, pd.DataFrame]) -> None:
    path = shared_data / "epoch" / "ai_models_2026-03" / "all_ai_models.csv"
    epoch = pd.read_csv(path, usecols=["Model", "Publication date"], dtype=str)
    epoch["key"] = epoch["Model"].map(_norm)
    epoch["date"] = pd.to_datetime(epoch["Publication date"], errors="coerce")
    epoch = epoch.dropna(subset=["date"]).drop_duplicates("key")
    ours = packaged["starter_models"].assign(key=lambda f: f["name"].map(_norm))
    both = ours.merge(epoch, on="key")
    assert len(both) >= 30, "too few models matched by name; check _norm"
    both["days"] = (both["release_date"] - both["date"]).dt.days.abs()
    off = both[both["days"] > 31]
    for _, r in off.iterrows():
        print(f"release date differs: {r['name']}: ours {r['release_date'].date()}, "
              f"Epoch {r['date'].date()} ({r['Model']})")
    agree = 1 - len(off) / len(both)
    print(f"{len(both)} models matched; {agree:.1%} within 31 days")
    assert agree >= 0.95


def test_mmlu_scores_agree_with_epoch_external(shared_data: Path,
                                               packaged: dict[str, pd.DataFrame]) -> None:
    path = shared_data / "epoch" / "benchmark_data_2026-04" / "mmlu_external.csv"
    epoch = pd.read_csv(path, dtype=str)
    epoch["key"] = epoch["Name"].fillna(epoch["Model version"]).map(_norm)
    epoch["value"] = pd.to_numeric(epoch["EM"], errors="coerce")
    epoch["shots"] = pd.to_numeric(epoch["Shots"], errors="coerce")
    ours = packaged["starter_scores"]
    ours = ours[ours["metric"] == "mmlu"].assign(
        key=lambda f: f["model_name"].map(_norm), shots=lambda f: f["setting"].map(_shots))
    both = ours.merge(epoch, on=["key", "shots"], suffixes=("", "_epoch"))
    assert len(both) >= 5, "too few MMLU scores matched; check _norm"
    # Epoch lists several sources per model; a score agrees when any of them matches.
    both["diff"] = (both["value"] - both["value_epoch"]).abs()
    best = both.sort_values("diff").drop_duplicates(["model_key", "setting"])
    bad = best[best["diff"] > 0.005]
    for _, r in bad.iterrows():
        print(f"MMLU differs: {r['model_key']} [{r['setting']}]: ours {r['value']}, "
              f"closest Epoch entry {r['value_epoch']} ({r['Source']})")
    print(f"{len(best)} MMLU scores compared; {len(bad)} differ by more than 0.005")
    notes = _scores_notes()
    unexplained = [(k, s) for k, s in zip(bad["model_key"], bad["setting"], strict=True)
                   if "epoch" not in notes.get((k, "mmlu", s), "").lower()]
    assert not unexplained, f"disagreements without an explanation in notes: {unexplained}"


def _scores_notes() -> dict[tuple[str, str, str], str]:
    f = starter_files()[1]
    frame = pd.read_csv(f.path, dtype=str, keep_default_na=False)  # type: ignore[arg-type]
    keys = frame["model"].str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    index = zip(keys, frame["metric"], frame["setting"], strict=True)
    return dict(zip(index, frame["notes"], strict=True))


# --- properties ----------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-2.0, max_value=3.0, allow_nan=False).map(lambda v: round(v, 4)))
def test_value_range_property(value: float) -> None:
    """Any value in [0, 1] loads unchanged; anything outside is refused at its row."""
    text = SCORES_HEADER + f"Alpha-1,mmlu,{value},5-shot,https://example.org/a,2026-01-02,\n"
    if 0 <= value <= 1:
        (_, scores, _) = _parse(scores=text)
        assert scores.frames["score"]["value"].iloc[0] == pytest.approx(value)
    else:
        with pytest.raises(SchemaError) as exc:
            _parse(scores=text)
        _expect(exc, "scores.csv", 2, "value")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["USA", "CHN", "GBR", "TWN", "HKG", "FRA"]), min_size=1,
                max_size=4))
def test_country_lists_roundtrip(codes: list[str]) -> None:
    """Country lists keep their order and lose only duplicates."""
    text = MODELS_HEADER + (
        f"Alpha-1,Lab A,{';'.join(codes)},2023-03-14,false,,,https://example.org/a,2026-01-02,\n"
    )
    (models, _, _) = _parse(models=text, scores=SCORES_HEADER)
    assert list(models.frames["model"]["countries"].iloc[0]) == list(dict.fromkeys(codes))
