"""LMArena importers: rating history, arena-catalog snapshots, leaderboard tables, key maps."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aigap.errors import SchemaError
from aigap.schema import conform
from aigap.sources.base import SourceFile, get_source
from aigap.sources.lmarena import (
    arena_key_organizations,
    catalog_categories,
    licence_open_weights,
    parse_catalog,
    parse_history,
    parse_table,
    unmapped_keys,
)


def _file(path: Path) -> SourceFile:
    return SourceFile.from_path(path)


def _lm(fixtures: Path, name: str) -> SourceFile:
    return _file(fixtures / "lmarena" / name)


# ----------------------------------------------------------------------------- history


def test_history_long_rows_skip_blank_and_zero(fixtures: Path) -> None:
    (ds,) = parse_history(_lm(fixtures, "arena_text_elo_by_date_wide.csv"))
    score = conform("score", ds.frames["score"], file=ds.file.name)
    # 5 keys x 4 dates = 20 cells; 3 zeros + 2 blanks are "not rated".
    assert len(score) == 15
    assert ds.n_skipped == 0
    assert ds.data_as_of == date(2024, 1, 18)
    assert set(score["metric"]) == {"arena_text"}
    assert set(score["scale"]) == {"rating"}
    assert set(score["provenance"]) == {"leaderboard"}
    assert set(score["source_name"]) == {"LMArena"}
    row = score[(score["model_key"] == "gpt-4-0314")
                & (score["observed_on"] == pd.Timestamp("2023-05-22"))]
    assert row["value"].tolist() == [1260.5]
    yi = score[score["model_version"] == "Yi-34B-Chat"]
    assert set(yi["model_key"]) == {"yi-34b-chat"}
    assert yi["value"].tolist() == [1110.0, 1112.0]
    assert not ((score["model_key"] == "claude-1")
                & (score["observed_on"] == pd.Timestamp("2024-01-18"))).any()


def test_history_bad_rating_names_row_and_column(fixtures: Path) -> None:
    with pytest.raises(SchemaError) as err:
        parse_history(_lm(fixtures, "arena_text_elo_bad.csv"))
    assert err.value.row == 3
    assert err.value.column == "claude-1"
    assert "arena_text_elo_bad.csv" in str(err.value)


def test_history_bad_date(fixtures: Path) -> None:
    with pytest.raises(SchemaError) as err:
        parse_history(_lm(fixtures, "arena_text_elo_bad_date.csv"))
    assert err.value.row == 3


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.one_of(st.just(0.0), st.none(),
                                   st.floats(800, 1500, allow_nan=False)),
                         min_size=3, max_size=3), min_size=1, max_size=6))
def test_history_property_every_rated_cell_once(cells: list[list[float | None]]) -> None:
    keys = ["a-1", "b-2", "c-3"]
    lines = ["," + ",".join(keys)]
    for i, row in enumerate(cells):
        day = pd.Timestamp("2024-01-01") + pd.Timedelta(days=i)
        lines.append(f"{day:%Y%m%d}," + ",".join("" if v is None else repr(v) for v in row))
    (ds,) = parse_history(SourceFile("h.csv", ("\n".join(lines) + "\n").encode()))
    score = ds.frames["score"]
    expected = sorted(v for row in cells for v in row if v is not None and v != 0)
    assert sorted(score["value"].tolist()) == pytest.approx(expected)


# ----------------------------------------------------------------------------- catalog


def test_catalog_metrics_bounds_and_date(fixtures: Path) -> None:
    (ds,) = parse_catalog(_lm(fixtures, "leaderboard-text_2025-04-07_0a1b2c3d.json"))
    score = conform("score", ds.frames["score"], file=ds.file.name)
    assert ds.dataset == "arena_catalog_2025-04-07"
    assert ds.data_as_of == date(2025, 4, 7)
    assert len(score) == 2 + 3 + 4 + 1
    assert ds.skipped["model key listed twice in a category (identical)"] == 1
    assert catalog_categories(score) == ["chinese", "coding", "english", "full"]
    full = score[score["metric"] == "arena_text"]
    assert len(full) == 4
    r1 = score[(score["metric"] == "arena_text:chinese") & (score["model_key"] == "deepseek-r1")]
    assert r1[["value", "lower", "upper"]].iloc[0].tolist() == [1380.5, 1369.1, 1392.0]
    qwen = score[score["model_version"] == "Qwen2.5-Max"]
    assert set(qwen["model_key"]) == {"qwen2.5-max"}
    assert (score["observed_on"] == pd.Timestamp("2025-04-07")).all()


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("leaderboard-text_2025-04-08_dupdiff.json", "deepseek-r1"),
        ("leaderboard-text_2025-04-09_list.json", "top level"),
        ("leaderboard-text_2025-04-10_badcat.json", "'full'"),
        ("leaderboard-text_2025-04-11_badrating.json", "'rating'"),
        ("leaderboard-text_nodate.json", "no snapshot date"),
    ],
)
def test_catalog_bad_input(fixtures: Path, name: str, needle: str) -> None:
    with pytest.raises(SchemaError) as err:
        parse_catalog(_lm(fixtures, name))
    assert needle in str(err.value)
    assert name in str(err.value)


def test_catalog_bad_rating_names_key_and_field(fixtures: Path) -> None:
    with pytest.raises(SchemaError, match=r"model 'deepseek-r1', field 'rating'"):
        parse_catalog(_lm(fixtures, "leaderboard-text_2025-04-11_badrating.json"))


def test_catalog_not_json() -> None:
    with pytest.raises(SchemaError, match="not readable JSON"):
        parse_catalog(SourceFile("leaderboard-text_2025-01-01_x.json", b"{not json"))


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["full", "english", "chinese", "math"]),
    st.dictionaries(st.from_regex(r"[a-z][a-z0-9.-]{0,10}", fullmatch=True),
                    st.floats(500, 1600, allow_nan=False), min_size=1, max_size=5),
    min_size=1))
def test_catalog_property_roundtrip(doc: dict[str, dict[str, float]]) -> None:
    body = {c: {k: {"rating": v, "rating_q025": v - 5, "rating_q975": v + 5}
                for k, v in models.items()} for c, models in doc.items()}
    (ds,) = parse_catalog(SourceFile("leaderboard-text_2025-05-01_ab.json",
                                     json.dumps(body).encode()))
    score = ds.frames["score"]
    assert len(score) == sum(len(m) for m in doc.values())
    assert (score["lower"] < score["value"]).all()
    assert (score["value"] < score["upper"]).all()
    assert catalog_categories(score) == sorted(doc)


# ----------------------------------------------------------------------------- tables


def test_table_models_and_scores(fixtures: Path) -> None:
    (ds,) = parse_table(_lm(fixtures, "leaderboard_table_20241222.csv"))
    model = conform("model", ds.frames["model"], file=ds.file.name)
    score = conform("score", ds.frames["score"], file=ds.file.name)
    assert ds.dataset == "leaderboard_table_2024-12-22"
    assert ds.data_as_of == date(2024, 12, 22)
    assert len(model) == 8
    assert ds.skipped["duplicate key, identical row"] == 1
    by_key = model.set_index("model_key")
    assert by_key.loc["qwen-14b-chat", "organizations"] == ["Alibaba"]
    assert by_key.loc["qwen-14b-chat", "name"] == "Qwen-14B-Chat"
    assert by_key.loc["gpt-4-0314", "countries"] == []
    assert bool(by_key.loc["gpt-4-0314", "open_weights"]) is False
    assert bool(by_key.loc["claude-3-5-haiku-20241022", "open_weights"]) is False
    assert bool(by_key.loc["qwen-14b-chat", "open_weights"]) is True
    assert bool(by_key.loc["mixtral-8x7b-instruct-v0.1", "open_weights"]) is True
    assert pd.isna(by_key.loc["internlm2_5-20b-chat", "open_weights"])
    assert by_key["release_date"].isna().all()
    mmlu = score[score["metric"] == "mmlu"].set_index("model_key")
    assert mmlu.loc["gpt-4-0314", "value"] == pytest.approx(0.864)
    assert set(mmlu["scale"]) == {"fraction"}
    # "-" cells are not scores; the duplicated yi row gives one score.
    assert len(mmlu) == 6
    mt = score[score["metric"] == "mt_bench"]
    assert set(mt["scale"]) == {"points"}
    assert len(mt) == 5


def test_table_percent_mmlu_normalised(fixtures: Path) -> None:
    (ds,) = parse_table(_lm(fixtures, "leaderboard_table_percent_20240402.csv"))
    mmlu = ds.frames["score"].query("metric == 'mmlu'").set_index("model_key")["value"]
    assert mmlu["gpt-4-0314"] == pytest.approx(0.864)


def test_old_table_without_key_or_org(fixtures: Path) -> None:
    (ds,) = parse_table(_lm(fixtures, "leaderboard_table_20230717.csv"))
    model = conform("model", ds.frames["model"])
    assert model["model_key"].tolist() == ["gpt-4", "vicuna-13b", "chatglm-6b"]
    assert model["organizations"].map(len).sum() == 0
    assert model["open_weights"].tolist() == [False, True, True]
    assert "arena_text" not in set(ds.frames["score"]["metric"])


def test_table_bad_number(fixtures: Path) -> None:
    with pytest.raises(SchemaError) as err:
        parse_table(_lm(fixtures, "leaderboard_table_20240401_bad.csv"))
    assert (err.value.row, err.value.column) == (3, "MT-bench (score)")


def test_table_name_without_date() -> None:
    with pytest.raises(SchemaError, match="no snapshot date"):
        parse_table(SourceFile("leaderboard_table.csv", b"Model,License\nA,MIT\n"))


def test_licence_mapping() -> None:
    labels = pd.Series(["Proprietary", "Propretary", "Apache 2.0", "MIT", "Llama 3.1 Community",
                        "CC-BY-NC-4.0", "Non-commercial", "Other", "-", "Some EULA", None])
    got = licence_open_weights(labels).tolist()
    assert got[:7] == [False, False, True, True, True, True, True]
    assert all(pd.isna(v) for v in got[7:])


def test_key_organizations_latest_wins_and_unmapped(fixtures: Path) -> None:
    tables = [parse_table(_lm(fixtures, n))[0].frames["model"] for n in
              ("leaderboard_table_20241222.csv", "leaderboard_table_20240301.csv",
               "leaderboard_table_20230717.csv")]
    orgs = arena_key_organizations(tables).set_index("model_key")
    assert orgs.loc["gpt-4-0314", "organization"] == "OpenAI"  # 2024-12 beats 2024-03
    assert orgs.loc["gpt-4-0314", "table_date"] == pd.Timestamp("2024-12-22")
    assert "gpt-4" not in orgs.index  # the 2023 table has no organisations
    (hist,) = parse_history(_lm(fixtures, "arena_text_elo_by_date_wide.csv"))
    (cat,) = parse_catalog(_lm(fixtures, "leaderboard-text_2025-04-07_0a1b2c3d.json"))
    scores = pd.concat([hist.frames["score"], cat.frames["score"]], ignore_index=True)
    missing = unmapped_keys(scores, arena_key_organizations(tables))
    assert set(missing["model_key"]) == {"deepseek-r1", "gpt-4o-2024-05-13", "qwen2.5-max",
                                         "claude-3-opus-20240229"}
    r1 = missing.set_index("model_key").loc["deepseek-r1"]
    assert r1["n_scores"] == 4
    assert r1["last_observed"] == pd.Timestamp("2025-04-07")


def test_sources_registered_and_claim_files() -> None:
    assert get_source("lmarena-history").claims("arena_text_overall_elo_by_date_wide.csv")
    assert get_source("lmarena-catalog").claims("leaderboard-text_2025-04-07_f973ec23.json")
    tables = get_source("lmarena-tables")
    assert tables.claims("leaderboard_table_20240520.csv", b"key,Model,MMLU,License\n")
    assert not get_source("lmarena-catalog").claims("leaderboard-vision_2025-04-07_x.json")


# ----------------------------------------------------------------------------- real data


def test_real_lmarena_files_parse(shared_data: Path) -> None:
    root = shared_data / "lmarena"
    (hist,) = parse_history(_file(root / "elo_history" / "arena_text_overall_elo_by_date_wide.csv"))
    hs = conform("score", hist.frames["score"])
    print(f"history: {len(hs)} ratings, {hs['model_key'].nunique()} keys, "
          f"{hs['observed_on'].nunique()} dates, as of {hist.data_as_of}")
    assert hs["observed_on"].nunique() == 98
    assert hist.data_as_of == date(2025, 2, 27)
    assert hs["value"].between(700, 1600).all()

    lacking = {}
    cats_seen = set()
    catalog_scores = []
    for path in sorted((root / "arena_catalog_history").glob("leaderboard-text_*.json")):
        (ds,) = parse_catalog(_file(path))
        sc = conform("score", ds.frames["score"])
        cats = catalog_categories(sc)
        cats_seen.update(cats)
        catalog_scores.append(sc)
        print(f"{path.name}: {len(sc)} rows, {len(cats)} categories, skipped {dict(ds.skipped)}")
        missing = {"chinese", "english", "full"} - set(cats)
        if missing:
            lacking[path.name] = missing
        assert (sc["lower"] <= sc["value"]).all()
        assert (sc["value"] <= sc["upper"]).all()
    print("categories:", sorted(cats_seen))
    assert lacking == {}, f"snapshots lacking categories: {lacking}"

    tables = []
    n_models = n_scores = 0
    for path in sorted((root / "leaderboard_tables").glob("leaderboard_table_*.csv")):
        (ds,) = parse_table(_file(path))
        m = conform("model", ds.frames["model"])
        s = conform("score", ds.frames["score"])
        assert s.loc[s["metric"] == "mmlu", "value"].between(0, 1).all()
        tables.append(ds.frames["model"])
        n_models += len(m)
        n_scores += len(s)
    print(f"tables: {len(tables)} files, {n_models} model rows, {n_scores} score rows")
    assert len(tables) == 79
    orgs = arena_key_organizations(tables)
    allscores = pd.concat([hist.frames["score"], *catalog_scores], ignore_index=True)
    missing = unmapped_keys(allscores, orgs)
    print(f"keys with an organisation: {len(orgs)}; unmapped rated keys: {len(missing)}")
    assert len(orgs) > 200
