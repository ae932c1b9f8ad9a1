"""Epoch AI parsers on hand-written fixtures in both schema vintages, and on the real files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from aigap.errors import AttributionError, SchemaError, SourceError
from aigap.sources import SourceFile, get_source

EPOCH = Path(__file__).parent / "fixtures" / "epoch"
MIRROR = EPOCH / "mirror"


def parse(source: str, path: Path) -> list:
    return get_source(source).parse(SourceFile.from_path(path))


def csv_file(name: str, text: str) -> SourceFile:
    return SourceFile(name=name, data=text.encode())


def test_models_2026_schema_maps_columns_by_meaning() -> None:
    (ds,) = parse("epoch-models", MIRROR / "ai_models" / "all_ai_models.csv")
    assert ds.dataset == "all_ai_models"
    m = ds.frames["model"].set_index("name")
    assert m.loc["DeepSeek-V3", "countries"] == ["CHN"]
    assert m.loc["Joint Model A", "countries"] == ["USA", "CHN"]
    assert m.loc["Joint Model B", "organizations"] == ["Example China Lab", "Example US Lab"]
    # Hong Kong and Taiwan keep their own codes.
    assert m.loc["HK Model", "countries"] == ["HKG"]
    assert m.loc["Taiwan Model", "countries"] == ["TWN"]
    # "Multinational" is a flag, not a country.
    assert m.loc["Gemini 1.5 Pro", "countries"] == ["USA", "GBR"]
    assert bool(m.loc["Gemini 1.5 Pro", "multinational"]) is True
    # A comma followed by a space is part of an organisation's name.
    assert m.loc["Comma Org Model", "organizations"] == ["Hangzhou Example Software Co., Ltd."]
    # Open weights from the Yes/No column, falling back to the accessibility label.
    assert bool(m.loc["DeepSeek-V3", "open_weights"]) is True
    assert bool(m.loc["GPT-4", "open_weights"]) is False
    assert bool(m.loc["Joint Model B", "open_weights"]) is False  # "Unreleased", blank Yes/No
    assert pd.isna(m.loc["Comma Org Model", "open_weights"])
    assert m.loc["GPT-4", "training_compute_flop"] == pytest.approx(2.1e25)
    assert m.loc["GPT-4", "domain"] == ["Multimodal", "Language", "Vision"]
    assert m.loc["Qwen2.5-72B-Instruct-FT", "base_model"] == "Qwen2.5-72B"
    assert m.loc["Qwen2.5-72B", "release_date"] == pd.Timestamp("2024-09-19")


def test_models_skips_are_counted_not_silent() -> None:
    (ds,) = parse("epoch-models", MIRROR / "ai_models" / "all_ai_models.csv")
    assert ds.skipped["no publication date"] == 1
    assert ds.skipped["duplicate model name (kept the most recently modified)"] == 1
    m = ds.frames["model"]
    assert len(m) == 13 - 2
    # The duplicate kept is the most recently modified one (it has training compute).
    qwen = m[m["name"] == "Qwen2.5-72B"].iloc[0]
    assert qwen["training_compute_flop"] == pytest.approx(7.8e24)


def test_models_data_as_of_is_latest_last_modified() -> None:
    (ds,) = parse("epoch-models", MIRROR / "ai_models" / "all_ai_models.csv")
    assert ds.data_as_of.isoformat() == "2025-07-02"


def test_models_2025_schema() -> None:
    (ds,) = parse("epoch-models", EPOCH / "all_ai_models_2025_schema.csv")
    m = ds.frames["model"].set_index("name")
    assert m.loc["Joint Paper Model", "countries"] == ["HKG", "CHN"]
    assert bool(m.loc["Qwen-72B", "open_weights"]) is True
    assert pd.isna(m.loc["Yi-34B", "open_weights"])
    assert ds.data_as_of.isoformat() == "2024-11-04"


def test_models_zip_gives_one_dataset_per_member() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in (MIRROR / "ai_models").glob("*.csv"):
            z.writestr(p.name, p.read_bytes())
        z.writestr("README.md", "not data")
    out = get_source("epoch-models").parse(SourceFile("ai_models.zip", buf.getvalue()))
    assert sorted(d.dataset for d in out) == ["all_ai_models", "notable_ai_models"]
    assert all(d.file.name.startswith("ai_models.zip!") for d in out)


@pytest.mark.parametrize(
    ("text", "column", "row", "expected"),
    [
        ("Model,Publication date\nA,2024-01-01\n", "Organization", None, "missing"),
        ("Model,Organization\nA,X\n", "Publication date", None, "missing"),
        ("Organization,Publication date\nX,2024-01-01\n", "Model", None, "missing"),
        ("Model,Organization,Publication date,Country\nA,X,2024-01-01,China\n"
         "B,X,13/45/2024,China\n",
         "Publication date", 3, "expected a date"),
        ("Model,Organization,Publication date,Parameters,Country\nA,X,2024-01-01,lots,China\n",
         "Parameters", 2, "expected a number"),
    ],
)
def test_models_bad_input_names_file_row_column(
    text: str, column: str, row: int | None, expected: str
) -> None:
    with pytest.raises(SchemaError) as err:
        get_source("epoch-models").parse(csv_file("bad_ai_models.csv", text))
    msg = str(err.value)
    assert "bad_ai_models.csv" in msg
    assert column in msg
    assert expected in msg
    if row is not None:
        assert f"row {row}" in msg


def test_unknown_country_is_an_error_with_row() -> None:
    text = ("Model,Organization,Publication date,Country (of organization)\n"
            "A,X,2024-01-01,France\nB,Y,2024-01-02,Atlantis\n")
    with pytest.raises(AttributionError) as err:
        get_source("epoch-models").parse(csv_file("all_ai_models.csv", text))
    assert "row 3" in str(err.value)
    assert "Atlantis" in str(err.value)
    assert "Country (of organization)" in str(err.value)


def test_truncated_zip_is_a_source_error() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("all_ai_models.csv", (MIRROR / "ai_models" / "all_ai_models.csv").read_text()
                   * 20)
    data = buf.getvalue()[: len(buf.getvalue()) // 2]
    with pytest.raises(SourceError, match=r"ai_models\.zip.*(truncated|not a readable zip)"):
        get_source("epoch-models").parse(SourceFile("ai_models.zip", data))


def test_zip_with_unsafe_member_name_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../evil/all_ai_models.csv", "Model\n")
    with pytest.raises(SourceError, match="unsafe member"):
        get_source("epoch-models").parse(SourceFile("ai_models.zip", buf.getvalue()))


def test_benchmarks_eci_epoch_run_and_external() -> None:
    out = {d.dataset: d for p in sorted((MIRROR / "benchmark_data").glob("*.csv"))
           for d in parse("epoch-benchmarks", p)}
    eci = out["benchmark:epoch_capabilities_index"].frames["score"]
    assert set(eci["metric"]) == {"eci"}
    assert len(eci) == 4
    assert out["benchmark:epoch_capabilities_index"].skipped["no score"] == 1
    row = eci.set_index("model_name").loc["DeepSeek-V3"]
    assert row["value"] == pytest.approx(133.0)
    assert row["countries"] == ["CHN"]
    assert row["model_key"] == "deepseek-v3"
    assert row["scale"] == "index"
    gpqa = out["benchmark:gpqa_diamond"].frames["score"].set_index("model_version")
    assert gpqa.loc["deepseek-v3", "provenance"] == "epoch"
    assert gpqa.loc["deepseek-v3", "stderr"] == pytest.approx(0.034)
    assert gpqa.loc["gpt-4o-2024-05-13", "source_url"] == "https://logs.epoch.ai/example-1"
    assert out["benchmark:gpqa_diamond"].data_as_of.isoformat() == "2025-01-05"
    mmlu = out["benchmark:mmlu_external"].frames["score"].set_index("model_name")
    assert set(mmlu["metric"]) == {"mmlu"}
    assert mmlu.loc["Qwen-72B", "provenance"] == "external"
    assert mmlu.loc["Qwen-72B", "setting"] == "5-shot"
    assert mmlu.loc["Qwen-72B", "source_url"] == "https://arxiv.org/abs/2309.16609"
    assert mmlu.loc["GPT-4", "value"] == pytest.approx(0.864)
    assert out["benchmark:mmlu_external"].skipped["no score"] == 1


def test_orgs_clusters_hardware() -> None:
    (orgs,) = parse("epoch-orgs", MIRROR / "organizations.csv")
    o = orgs.frames["organization"].set_index("name")
    assert o.loc["OpenAI", "countries"] == ["USA"]  # leading space stripped
    assert o.loc["Example Multi Lab", "countries"] == ["USA", "NOR"]
    assert orgs.skipped["no country"] == 1
    (cl,) = parse("epoch-clusters", MIRROR / "gpu_clusters.csv")
    c = cl.frames["cluster"].set_index("name")
    assert c.loc["Example CN Cluster", "first_operational"] == pd.Timestamp("2023-06-01")
    assert c.loc["Old Cluster", "decommissioned"] == pd.Timestamp("2022-11-30")
    assert c.loc["Example US Cluster", "ops_16bit"] == pytest.approx(9.9e19)
    assert cl.data_as_of.isoformat() == "2024-09-01"  # planned clusters do not count
    (hw,) = parse("epoch-hardware", MIRROR / "ml_hardware.csv")
    h = hw.frames["hardware"].set_index("name")
    assert h.loc["NVIDIA H800 SXM5", "intranode_bandwidth"] == pytest.approx(4.0e11)


@pytest.mark.shared
def test_real_models_both_vintages(shared_data: Path) -> None:
    new = parse("epoch-models", shared_data / "epoch/ai_models_2026-03/all_ai_models.csv")[0]
    old = parse("epoch-models", shared_data / "epoch/ai_models_2025-04/all_ai_models.csv")[0]
    raw_new = pd.read_csv(shared_data / "epoch/ai_models_2026-03/all_ai_models.csv")
    assert new.n_rows + new.n_skipped == len(raw_new)
    assert new.data_as_of.isoformat() == "2026-03-25"
    assert old.frames["model"]["release_date"].max() == pd.Timestamp("2025-03-14")
    for ds in (new, old):
        countries = ds.frames["model"]["countries"].explode().dropna()
        assert countries.str.fullmatch(r"[A-Z]{3}").all()
        assert "TWN" in set(countries) and "HKG" in set(countries)


@pytest.mark.shared
def test_real_benchmark_folder(shared_data: Path) -> None:
    folder = shared_data / "epoch/benchmark_data_2026-04"
    src = get_source("epoch-benchmarks")
    parsed = [d for p in sorted(folder.glob("*.csv"))
              if src.claims(p.name, p.read_bytes()[:4096]) for d in parse(src.name, p)]
    metrics = {d.frames["score"]["metric"].iloc[0] for d in parsed}
    assert {"eci", "gpqa_diamond", "mmlu", "math_level_5", "frontiermath"} <= metrics
    eci = next(d for d in parsed if d.dataset == "benchmark:epoch_capabilities_index")
    raw = pd.read_csv(folder / "epoch_capabilities_index.csv")
    # exact repeats of a row are dropped and counted, never kept twice
    assert (len(eci.frames["score"]) + eci.skipped["exact duplicate row"]
            == raw["ECI Score"].notna().sum())
