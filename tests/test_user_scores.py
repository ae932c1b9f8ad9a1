"""Your own results (source ``scores``): the CSV, Inspect AI and lm-evaluation-harness formats,
refusals that name file, row/field and column, and an import that reaches ``aigap.lag``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import aigap
from aigap.api.data import import_path
from aigap.errors import SchemaError
from aigap.sources import SourceFile, get_source
from aigap.sources.user_scores import PROVENANCE, metric_id, parse_results
from aigap.store import Store

HERE = Path(__file__).parent / "fixtures"
GOOD = HERE / "user_scores"
BAD = HERE / "user_scores_malformed"


def parse(path: Path) -> list:
    return get_source("scores").parse(SourceFile.from_path(path))


def scores_of(path: Path) -> pd.DataFrame:
    (ds,) = parse(path)
    ds.conform()
    return ds.frames["score"]


def test_csv_rows_become_canonical_user_supplied_scores() -> None:
    (ds,) = parse(GOOD / "scores.csv")
    assert ds.source == "scores" and ds.dataset == "scores:scores"
    assert ds.data_as_of.isoformat() == "2025-08-20"  # newest release date in the file
    ds.conform()
    s = ds.frames["score"].set_index(["model_key", "metric"])
    assert len(s) == 5
    assert (s["provenance"] == PROVENANCE).all()
    eci = s.loc[("falcon crest 2", "eci")]
    assert (eci["value"], eci["lower"], eci["upper"], eci["scale"]) == (141.5, 139.0, 144.0,
                                                                        "index")
    assert eci["source_name"] == "Example Newsroom"
    # "71.2%" is a percentage; readable metric names become ids.
    assert s.loc[("falcon crest 2", "gpqa_diamond"), "value"] == pytest.approx(0.712)
    assert s.loc[("jade dragon 3", "gpqa_diamond"), "scale"] == "fraction"
    assert s.loc[("jade dragon 3", "eci"), "source_name"] == "user-supplied"
    assert list(s.loc[("harbour mini", "eci"), "countries"]) == ["GBR", "USA"]
    assert list(s.loc[("jade dragon 3", "eci"), "countries"]) == ["CHN"]  # from "China"
    assert s.loc[("harbour mini", "eci"), "release_date"] == pd.Timestamp("2025-07-15")
    models = ds.frames["model"].set_index("model_key")
    assert sorted(models.index) == ["falcon crest 2", "harbour mini", "jade dragon 3"]
    assert list(models.loc["harbour mini", "organizations"]) == ["Example Lab UK",
                                                                 "Example Lab US"]


def test_inspect_log_with_sidecar() -> None:
    s = scores_of(GOOD / "inspect_log.json")
    (row,) = s.to_dict("records")
    assert row["model_key"] == "orca-large-2"  # provider prefix dropped
    assert row["metric"] == "gpqa_diamond"  # "inspect_evals/" prefix dropped
    assert row["value"] == pytest.approx(0.6212) and row["stderr"] == pytest.approx(0.0345)
    assert row["source_name"] == "Example Lab evals team"
    assert list(row["countries"]) == ["USA"] and row["open_weights"] is False
    assert row["release_date"] == pd.Timestamp("2025-08-28")
    (ds,) = parse(GOOD / "inspect_log.json")
    assert ds.data_as_of.isoformat() == "2025-09-03"  # eval.created


def test_lm_eval_results_with_sidecar() -> None:
    (ds,) = parse(GOOD / "lm_eval_results.json")
    assert ds.skipped == {"no accuracy-type metric (acc, exact_match...)": 1}  # perplexity
    ds.conform()
    s = ds.frames["score"].set_index("metric")
    assert sorted(s.index) == ["hellaswag", "mmlu"]
    assert s.loc["mmlu", "value"] == pytest.approx(0.7012)
    assert s.loc["mmlu", "stderr"] == pytest.approx(0.0037)
    assert s.loc["mmlu", "setting"] == "lm-eval acc,none, 5-shot"
    assert s.loc["hellaswag", "value"] == pytest.approx(0.6104)  # acc preferred to acc_norm
    assert (s["model_name"] == "Kestrel 8B").all()  # the sidecar's name wins
    assert list(s.loc["mmlu", "countries"]) == ["FRA"]


def test_defaults_argument_supplies_missing_model_facts() -> None:
    f = SourceFile.from_path(BAD / "lm_eval_no_sidecar.json")
    (ds,) = parse_results(f, defaults={"organization": "Example Org", "country": "DEU",
                                       "release_date": "2025-03-01", "evaluator": "Me"})
    ds.conform()
    (row,) = ds.frames["score"].to_dict("records")
    assert row["model_name"] == "example-org/Wren-3B"  # from config.model_args
    assert list(row["countries"]) == ["DEU"] and row["source_name"] == "Me"
    with pytest.raises(SchemaError, match="unknown key 'colour'"):
        parse_results(f, defaults={"colour": "red"})


@pytest.mark.parametrize(("name", "row", "column", "expected"), [
    ("value_out_of_range.csv", 3, "value", "expected a fraction between 0 and 1"),
    ("bad_country.csv", 3, "country", "unknown country 'Atlantis'"),
    ("bad_date.csv", 3, "release_date", "expected a date like 2025-01-31, got '02/03/2025'"),
    ("missing_column.csv", 1, "release_date", "missing column(s) ['release_date']"),
    ("unknown_column.csv", 1, "notes", "unexpected column(s) ['notes']"),
    ("inconsistent_model.csv", 3, "release_date", "differs from this model's first row"),
    ("not_a_number.csv", 3, "value", "expected a number, got 'high'"),
    ("lower_above_value.csv", 2, "lower", "lower bound 0.6 is above the value"),
    ("inspect_failed.json", None, "status", "only completed evaluations"),
    ("lm_eval_no_sidecar.json", None, "defaults['organisation']", "organisation is empty"),
    ("lm_eval_bad_value.json", None, "results.mmlu.acc,none", "expected a fraction"),
    ("not_a_log.json", None, None, "not an Inspect AI eval log"),
])
def test_malformed_files_refused_naming_file_row_column(
        name: str, row: int | None, column: str | None, expected: str) -> None:
    with pytest.raises(SchemaError) as err:
        parse(BAD / name)
    e = err.value
    assert e.file == name and e.row == row and e.column == column
    assert expected in e.detail


def test_sidecar_alone_gives_no_dataset_and_wrong_suffix_refused() -> None:
    assert parse(GOOD / "inspect_log.meta.json") == []
    with pytest.raises(SchemaError, match=r"expected a \.csv results table"):
        parse_results(SourceFile("results.txt", b"x"))
    with pytest.raises(SchemaError, match="inspect log convert"):
        parse_results(SourceFile("run.eval", b"PK"))


def test_future_release_and_duplicate_rows_refused() -> None:
    head = "model,organisation,country,release_date,metric,value\n"
    future = SourceFile("f.csv", (head + "A,L,USA,2999-01-01,mmlu,0.5\n").encode())
    with pytest.raises(SchemaError, match="in the future"):
        parse_results(future)
    dup = SourceFile("d.csv", (head + "A,L,USA,2024-01-01,mmlu,0.5\n"
                               "a,L,USA,2024-01-01,MMLU,0.6\n").encode())
    with pytest.raises(SchemaError) as err:
        parse_results(dup)
    assert err.value.row == 3 and "appear twice" in err.value.detail


def test_metric_id() -> None:
    assert metric_id("GPQA Diamond") == "gpqa_diamond"
    assert metric_id(" MMLU-Pro ") == "mmlu_pro"


def test_import_puts_three_new_models_into_lag(tmp_path: Path) -> None:
    eci = HERE / "epoch" / "mirror" / "benchmark_data" / "epoch_capabilities_index.csv"
    with Store(tmp_path / "s.duckdb") as st:
        import_path(st, "epoch-benchmarks", eci)
        before = aigap.lag("USA", "China", "eci", bootstrap=0, store=st)
        report = import_path(st, "scores", GOOD)
        after = aigap.lag("USA", "China", "eci", bootstrap=0, store=st)
        assert len(report.imported) == 3
        again = import_path(st, "scores", GOOD)
        assert len(again.unchanged) == 3 and not again.imported
    assert after.n_models["USA"] == before.n_models["USA"] + 2  # Falcon Crest 2, Harbour Mini
    assert after.n_models["China"] == before.n_models["China"] + 1  # Jade Dragon 3
    assert any("user-supplied" in c for c in after.credits)


def test_cli_import_refuses_malformed_file_with_exit_2(cli: Callable[..., object]) -> None:
    res = cli("import", "scores", str(BAD / "value_out_of_range.csv"))
    assert res.code == 2  # type: ignore[attr-defined]
    assert "row 3" in res.err and "'value'" in res.err  # type: ignore[attr-defined]


def test_sidecar_must_be_an_object(tmp_path: Path) -> None:
    log = json.loads((GOOD / "inspect_log.json").read_text())
    (tmp_path / "run.json").write_text(json.dumps(log))
    (tmp_path / "run.meta.json").write_text("[1, 2]")
    with pytest.raises(SchemaError, match="expected a JSON object of defaults"):
        parse(tmp_path / "run.json")
