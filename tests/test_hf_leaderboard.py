"""Open LLM Leaderboard importers (v2 contents table, v1 scrapes) and the ranking function."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aigap.analysis.leaderboard import leaderboard_ranking
from aigap.errors import QueryError, SchemaError
from aigap.schema import conform
from aigap.sources.base import SourceFile, get_source
from aigap.sources.hf_leaderboard import AVG_V1, parse_v1, parse_v2


def _hf(fixtures: Path, name: str) -> SourceFile:
    return SourceFile.from_path(fixtures / "hf" / name)


@pytest.fixture(params=["contents_v2.csv", "contents_v2.parquet"])
def v2(request: pytest.FixtureRequest, fixtures: Path) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                  object]:
    (ds,) = parse_v2(_hf(fixtures, request.param))
    model = conform("model", ds.frames["model"], file=ds.file.name)
    score = conform("score", ds.frames["score"], file=ds.file.name)
    return model, score, ds


def test_v2_models(v2: tuple[pd.DataFrame, pd.DataFrame, object]) -> None:
    model, _, ds = v2
    assert len(model) == 9  # 11 evaluations of 9 repos
    assert ds.skipped[  # type: ignore[attr-defined]
        "model row for a repo evaluated more than once (best average kept)"] == 2
    assert ds.data_as_of == date(2024, 12, 1)  # type: ignore[attr-defined]
    m = model.set_index("model_key")
    qwen = m.loc["qwen/qwen2.5-72b-instruct"]
    assert qwen["name"] == "Qwen/Qwen2.5-72B-Instruct"
    assert qwen["organizations"] == ["Qwen"]
    assert qwen["hf_developer"] == "Qwen"
    assert qwen["base_model"] == "Qwen/Qwen2.5-72B"
    assert qwen["parameters"] == pytest.approx(72.7e9)
    assert qwen["release_date"] == pd.Timestamp("2024-09-16")
    assert bool(qwen["open_weights"]) is True
    assert qwen["source_url"] == "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct"
    # no upload date -> submission date
    assert m.loc["tinyorg/tiny-base", "release_date"] == pd.Timestamp("2024-06-20")


def test_v2_scores(v2: tuple[pd.DataFrame, pd.DataFrame, object]) -> None:
    _, score, _ = v2
    assert len(score) == 11 * 7
    assert set(score["metric"]) == {
        "hf_open_llm_v2_avg", "hf_open_llm_v2:ifeval", "hf_open_llm_v2:bbh",
        "hf_open_llm_v2:math_lvl_5", "hf_open_llm_v2:gpqa", "hf_open_llm_v2:musr",
        "hf_open_llm_v2:mmlu_pro"}
    assert set(score["scale"]) == {"points"}
    assert set(score["provenance"]) == {"leaderboard"}
    row = score[(score["model_version"] == "meta-llama_Llama-3.1-70B-Instruct_bfloat16")
                & (score["metric"] == "hf_open_llm_v2:bbh")].iloc[0]
    assert row["value"] == pytest.approx(55.9)
    assert row["observed_on"] == pd.Timestamp("2024-08-15")
    assert row["setting"] == ("precision=bfloat16;official=true;merged=false;flagged=false;"
                              "available=true")
    leaky = score[score["model_key"] == "someuser/leaky-merge-7b"]
    assert leaky["setting"].str.contains("merged=true;flagged=true").all()


def test_v2_csv_and_parquet_agree(fixtures: Path) -> None:
    (a,) = parse_v2(_hf(fixtures, "contents_v2.csv"))
    (b,) = parse_v2(_hf(fixtures, "contents_v2.parquet"))
    for table in ("model", "score"):
        fa = conform(table, a.frames[table]).astype("string")
        fb = conform(table, b.frames[table]).astype("string")
        pd.testing.assert_frame_equal(fa, fb)


def test_v2_bad_score_names_row_and_column(fixtures: Path) -> None:
    with pytest.raises(SchemaError) as err:
        parse_v2(_hf(fixtures, "contents_bad_score.csv"))
    assert (err.value.row, err.value.column) == (3, "GPQA")
    assert "contents_bad_score.csv" in str(err.value)


def test_v2_missing_fullname(fixtures: Path) -> None:
    with pytest.raises(SchemaError, match="fullname"):
        parse_v2(_hf(fixtures, "contents_no_fullname.csv"))


def test_v2_missing_eval_name() -> None:
    data = b"fullname,Average \xe2\xac\x86\xef\xb8\x8f\nQwen/Qwen2-7B,23.7\n"
    with pytest.raises(SchemaError, match="eval_name"):
        parse_v2(SourceFile("contents.csv", data))


def test_v2_corrupt_parquet() -> None:
    with pytest.raises(SchemaError, match="parquet"):
        parse_v2(SourceFile("contents.parquet", b"PAR1 truncated"))


# ----------------------------------------------------------------------------- ranking


def _ranked(fixtures: Path, **kw: object) -> pd.DataFrame:
    (ds,) = parse_v2(_hf(fixtures, "contents_v2.csv"))
    return leaderboard_ranking(ds.frames["model"], ds.frames["score"], **kw)  # type: ignore[arg-type]


def test_ranking_default_hides_flagged_and_counts_models_once(fixtures: Path) -> None:
    r = _ranked(fixtures)
    assert r["model_key"].tolist()[:3] == ["maziyarpanahi/calme-2.4-rys-78b",
                                           "qwen/qwen2.5-72b-instruct",
                                           "meta-llama/llama-3.1-70b-instruct"]
    assert "someuser/leaky-merge-7b" not in set(r["model_key"])
    assert r["model_key"].is_unique
    assert r.loc[1, "value"] == pytest.approx(47.98)  # best of Qwen's two evaluations
    assert r["rank"].tolist() == list(range(1, len(r) + 1))


def test_ranking_as_of_official_and_base(fixtures: Path) -> None:
    r = _ranked(fixtures, as_of="2024-08-31", official_only=True, top=3, by="base")
    # on 2024-08-31 Qwen2.5 (2024-10-16) and calme (2024-09-03, not official) are absent
    assert r["model_key"].tolist() == ["meta-llama/llama-3.1-70b-instruct",
                                       "google/gemma-2-27b-it",
                                       "mistralai/mixtral-8x22b-instruct-v0.1"]
    assert r["attribution_namespace"].tolist() == ["meta-llama", "google", "mistralai"]
    calme = _ranked(fixtures, top=1, by="base")
    assert calme["namespace"].tolist() == ["MaziyarPanahi"]
    assert calme["attribution_namespace"].tolist() == ["dnhkng"]
    flagged = _ranked(fixtures, include_flagged=True, top=1)
    assert flagged["model_key"].tolist() == ["someuser/leaky-merge-7b"]
    assert bool(flagged.loc[0, "flagged"]) is True


def test_ranking_bad_arguments(fixtures: Path) -> None:
    with pytest.raises(QueryError):
        _ranked(fixtures, by="country")
    with pytest.raises(QueryError):
        _ranked(fixtures, top=0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.floats(0, 100, allow_nan=False),
                          st.integers(0, 60)), min_size=1, max_size=30),
       st.integers(0, 60), st.integers(1, 8))
def test_ranking_property(rows: list[tuple[int, float, int]], cut: int, top: int) -> None:
    start = pd.Timestamp("2024-06-01")
    scores = pd.DataFrame({
        "model_key": [f"ns{m}/model{m}" for m, _, _ in rows],
        "model_name": [f"ns{m}/model{m}" for m, _, _ in rows],
        "metric": "hf_open_llm_v2_avg",
        "value": [v for _, v, _ in rows],
        "observed_on": [start + pd.Timedelta(days=d) for _, _, d in rows],
        "setting": "precision=bfloat16;official=false;merged=false;flagged=false",
    })
    models = pd.DataFrame({"model_key": sorted(set(scores["model_key"]))})
    as_of = start + pd.Timedelta(days=cut)
    r = leaderboard_ranking(models, scores, as_of=as_of, top=top)
    eligible = scores[scores["observed_on"] <= as_of]
    best = eligible.groupby("model_key")["value"].max().sort_values(ascending=False)
    assert r["model_key"].is_unique
    assert (r["rank"] <= top).all()
    assert (r["observed_on"] <= as_of).all()
    for _, row in r.iterrows():
        assert row["value"] == best[row["model_key"]]
    if len(best):
        assert r["value"].max() == best.iloc[0]
        assert len(r) >= min(top, len(best))


# ----------------------------------------------------------------------------- v1


def test_v1_fixture(fixtures: Path) -> None:
    (ds,) = parse_v1(_hf(fixtures, "20230712.csv"))
    model = conform("model", ds.frames["model"])
    score = conform("score", ds.frames["score"])
    assert ds.source == "hf-open-llm-v1"
    assert ds.data_as_of == date(2023, 7, 12)
    assert len(model) == 5
    assert ds.skipped["repo listed more than once (best average kept)"] == 1
    assert len(score) == 25
    falcon = score[score["model_key"] == "tiiuae/falcon-40b-instruct"].set_index("metric")
    assert falcon.loc[AVG_V1, "value"] == pytest.approx(63.5)
    assert falcon.loc["hf_open_llm_v1:arc", "setting"] == "25-shot"
    assert falcon.loc["hf_open_llm_v1:truthfulqa", "setting"] == "0-shot"
    m = model.set_index("model_key")
    assert m.loc["llama-65b", "organizations"] == []
    assert pd.isna(m.loc["llama-65b", "source_url"])
    assert m.loc["thudm/chatglm2-6b", "organizations"] == ["THUDM"]
    assert m["parameters"].isna().all()  # the scrapes' Parameters column is not a count


def test_v1_bad_value(fixtures: Path) -> None:
    with pytest.raises(SchemaError) as err:
        parse_v1(_hf(fixtures, "20230801_bad.csv"))
    assert (err.value.row, err.value.column) == (4, "TruthfulQA (0-shot)")


def test_v1_needs_date_in_name() -> None:
    with pytest.raises(SchemaError, match="no snapshot date"):
        parse_v1(SourceFile("leaderboard.csv", b"Model,Average\n"))


def test_sources_claim() -> None:
    v2 = get_source("hf-open-llm")
    assert v2.claims("contents.csv", b",eval_name,Precision,fullname\n")
    assert v2.claims("contents.parquet")
    v1 = get_source("hf-open-llm-v1")
    assert v1.claims("20230915.csv",
                     "\ufeffModel,Average,ARC(25-shot),HellaSwag(10-shot),MMLU(5-shot),"
                     "TruthfulQA(0-shot)\n".encode())
    assert not v1.claims("hf_leaderboard.csv", b"model,arc_challenge,hellaswag\n")


# ----------------------------------------------------------------------------- real data


def test_real_v1_files(shared_data: Path) -> None:
    folder = shared_data / "hf_open_llm_leaderboard" / "v1_partial_2023"
    files = sorted(folder.glob("2*.csv"))
    assert len(files) == 18
    total = 0
    for path in files:
        (ds,) = parse_v1(SourceFile.from_path(path))
        model = conform("model", ds.frames["model"])
        score = conform("score", ds.frames["score"])
        assert score["value"].between(0, 100).all()
        total += len(score)
        print(f"{path.name}: {len(model)} models, {len(score)} scores, "
              f"skipped {dict(ds.skipped)}")
    print(f"v1 total score rows: {total}")
    # hf_leaderboard.csv is a per-task derivative, not a leaderboard table: not claimed.
    head = (folder / "hf_leaderboard.csv").read_bytes()[:300]
    assert not get_source("hf-open-llm-v1").claims("hf_leaderboard.csv", head)
