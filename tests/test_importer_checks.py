"""Issue 16, parser level: every numbered case of "importers that never store a wrong number".

Each test feeds a hand-written file in the publisher's real format, modified the way the
issue describes, and asserts that the importer refuses it with a one-line aigap error naming
the file (and row/column where there is one), or reads the right column. The mapping from
the issue's cases to these tests is in docs/data.md ("What the importers check").
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from aigap.errors import AigapError, SchemaError, SourceError
from aigap.sources import SourceFile, get_source

FIX = Path(__file__).parent / "fixtures"

MMLU_EXT = (
    "Model version,EM,Release date,Organization,Country,Training compute (FLOP),"
    "Training compute notes,Name,Shots,Source,Source link,Notes,id\n"
    "gpt-4-0314,0.864,2023-03-14,OpenAI,United States of America,2.1e+25,,GPT-4,5,"
    "GPT-4 Technical Report,https://arxiv.org/abs/2303.08774,,rec1\n"
    "qwen-72b,0.773,2023-11-30,Alibaba,China,6e+24,,Qwen-72B,5,Qwen Technical Report,"
    "https://arxiv.org/abs/2309.16609,,rec2\n"
)
ECI = (
    "Model version,ECI Score,Release date,Organization,Country,Model accessibility,"
    "Training compute (FLOP),Confidence,Model name,Description,Display name\n"
    "gpt-4-0314,126.0,2023-03-14,OpenAI,United States of America,API access,2.1e+25,"
    "Confident,GPT-4,,GPT-4\n"
    "deepseek-v3,133.0,2024-12-26,DeepSeek,China,Open weights (restricted use),3.4e+24,"
    "Confident,DeepSeek-V3,,DeepSeek-V3\n"
)
GPQA = (
    "Model version,mean_score,Best score (across scorers),Release date,Organization,Country,"
    "Training compute (FLOP),Training compute notes,stderr,Log viewer,Logs,Started at,id\n"
    "gpt-4o-2024-05-13,0.51,0.51,2024-05-13,OpenAI,United States of America,,,0.035,,,"
    "2024-06-01T10:00:00.000Z,run1\n"
    "deepseek-v3,0.59,0.59,2024-12-26,DeepSeek,China,,,0.034,,,2025-01-05T10:00:00.000Z,run2\n"
)
MODELS = (
    "Model,Organization,Publication date,Parameters,Training compute (FLOP),"
    "Country (of organization),Last modified\n"
    "GPT-4,OpenAI,2023-03-15,,2.1e+25,United States of America,2025-01-10 10:00:00+00:00\n"
    "DeepSeek-V3,DeepSeek,2024-12-26,671000000000,3.4e+24,China,2025-02-01 10:00:00+00:00\n"
)
HF_V1 = (
    "Model,Average,ARC (25-shot),HellaSwag (10-shot),MMLU (5-shot),TruthfulQA (0-shot),URL\n"
    "upstage/llama-30b-instruct-2048,67.0,64.9,84.9,61.9,56.3,https://huggingface.co/x\n"
    "tiiuae/falcon-40b-instruct,63.5,61.6,84.4,54.1,52.5,https://huggingface.co/y\n"
)
TABLE = (
    "key,Model,MT-bench (score),MMLU,License,Organization,Link\n"
    "gpt-4-0314,GPT-4-0314,8.96,0.864,Proprietary,OpenAI,https://openai.com\n"
    "vicuna-13b,Vicuna-13B,6.57,0.558,Llama 2 Community,LMSYS,https://huggingface.co/v\n"
)
TOP500 = (
    "Rank\tName\tCountry\tYear\tRmax [TFlop/s]\tRpeak [TFlop/s]\n"
    "1\tFrontier\tUnited States\t2021\t1206000\t1714810\n"
    "2\tAurora\tUnited States\t2023\t1012000\t1980010\n"
    "3\tExample-C\tChina\t2023\t20000\t30000\n"
)


def import_day() -> date:
    from datetime import UTC, datetime

    return datetime.now(UTC).date()


def src(name: str, file_name: str, text: str | bytes) -> list:
    data = text.encode() if isinstance(text, str) else text
    return get_source(name).parse(SourceFile(file_name, data))


def edit(text: str, fn) -> str:  # type: ignore[no-untyped-def]
    """Apply ``fn`` to the CSV's rows (a list of lists, header first) and write it back."""
    rows = list(csv.reader(io.StringIO(text)))
    rows = fn(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def drop_col(name: str):  # type: ignore[no-untyped-def]
    def fn(rows: list[list[str]]) -> list[list[str]]:
        i = rows[0].index(name)
        return [r[:i] + r[i + 1:] for r in rows]
    return fn


def insert_col(before: str, name: str, values: list[str]):  # type: ignore[no-untyped-def]
    def fn(rows: list[list[str]]) -> list[list[str]]:
        i = rows[0].index(before)
        return [[*rows[0][:i], name, *rows[0][i:]]] + [
            [*r[:i], v, *r[i:]] for r, v in zip(rows[1:], values, strict=True)]
    return fn


def set_cell(row: int, col: str, value: str):  # type: ignore[no-untyped-def]
    """Row numbered as in a spreadsheet (header = 1)."""
    def fn(rows: list[list[str]]) -> list[list[str]]:
        rows[row - 1][rows[0].index(col)] = value
        return rows
    return fn


def refused(exc: pytest.ExceptionInfo[AigapError], file: str) -> str:
    msg = str(exc.value)
    assert file in msg
    assert "\n" not in msg
    return msg


# ---------------------------------------------------------------- 1. columns by name


def test_case1_dropped_em_column_is_refused_not_read_from_training_compute() -> None:
    with pytest.raises(SchemaError) as exc:
        src("epoch-benchmarks", "mmlu_external.csv", edit(MMLU_EXT, drop_col("EM")))
    msg = refused(exc, "mmlu_external.csv")
    assert "'EM'" in msg and exc.value.column == "EM"


def test_case1_numeric_rank_column_never_becomes_the_score() -> None:
    text = edit(MMLU_EXT, insert_col("EM", "Rank", ["1", "2"]))
    (ds,) = src("epoch-benchmarks", "mmlu_external.csv", text)
    assert sorted(ds.frames["score"]["value"]) == [0.773, 0.864]


def test_case1_hf_v1_mmlu_pro_is_not_mmlu() -> None:
    text = edit(HF_V1, insert_col("MMLU (5-shot)", "MMLU-Pro", ["30.1", "25.0"]))
    (ds,) = src("hf-open-llm-v1", "20230712.csv", text)
    mmlu = ds.frames["score"].query("metric == 'hf_open_llm_v1:mmlu'")
    assert sorted(mmlu["value"]) == [54.1, 61.9]


def test_case1_missing_column_names_close_matches() -> None:
    text = edit(HF_V1, lambda rows: [[("MMLU 5shot" if c == "MMLU (5-shot)" else c)
                                      for c in rows[0]], *rows[1:]])
    with pytest.raises(SchemaError) as exc:
        src("hf-open-llm-v1", "20230712.csv", text)
    assert "MMLU 5shot" in refused(exc, "20230712.csv")


# ---------------------------------------------------------------- 2. decimal commas


@pytest.mark.parametrize(("source", "name", "text", "row", "col"), [
    ("epoch-benchmarks", "gpqa_diamond.csv", GPQA, 2, "mean_score"),
    ("epoch-models", "all_ai_models.csv", MODELS, 3, "Parameters"),
    ("hf-open-llm-v1", "20230712.csv", HF_V1, 2, "MMLU (5-shot)"),
    ("lmarena-tables", "leaderboard_table_20240402.csv", TABLE, 2, "MMLU"),
])
def test_case2_decimal_comma_is_refused_never_a_thousands_separator(
        source: str, name: str, text: str, row: int, col: str) -> None:
    with pytest.raises(SchemaError) as exc:
        src(source, name, edit(text, set_cell(row, col, "0,8358")))
    assert "decimal comma" in refused(exc, name)
    assert (exc.value.row, exc.value.column) == (row, col)


def test_case2_grouped_thousands_still_read() -> None:
    (ds,) = src("epoch-models", "all_ai_models.csv",
                edit(MODELS, set_cell(3, "Parameters", "671,000,000,000")))
    assert ds.frames["model"]["parameters"].max() == 671e9


# ---------------------------------------------------------------- 3. one bad cell


@pytest.mark.parametrize("cell", ["85%", "inf", "-inf", "1e400", "1e9", "-0.2", "NaN", "nan"])
def test_case3_one_bad_cell_in_a_fraction_column_is_refused(cell: str) -> None:
    with pytest.raises(SchemaError) as exc:
        src("epoch-benchmarks", "gpqa_diamond.csv", edit(GPQA, set_cell(3, "mean_score", cell)))
    refused(exc, "gpqa_diamond.csv")
    assert (exc.value.row, exc.value.column) == (3, "mean_score")


def test_case3_scale_is_declared_per_metric_not_inferred() -> None:
    (ds,) = src("epoch-benchmarks", "gpqa_diamond.csv", GPQA)
    assert set(ds.frames["score"]["scale"]) == {"fraction"}
    # a writing grade out of 10 is points, not "percent" because values exceed 1
    text = ("Model version,Mean score,Release date,Organization,Country,Training compute "
            "(FLOP),Training compute notes,ID,Notes,Source,Source link\n"
            "gpt-4o,8.2,2024-05-13,OpenAI,United States of America,,,a,,x,\n")
    (ds,) = src("epoch-benchmarks", "lech_mazur_writing_external.csv", text)
    assert set(ds.frames["score"]["scale"]) == {"points"}


def test_case3_eci_of_a_billion_is_refused() -> None:
    with pytest.raises(SchemaError) as exc:
        src("epoch-benchmarks", "epoch_capabilities_index.csv",
            edit(ECI, set_cell(3, "ECI Score", "1e9")))
    assert exc.value.column == "ECI Score"


def test_case3_lower_above_upper_is_refused() -> None:
    text = ("Model version,Time horizon,Release date,Organization,Country,Training compute "
            "(FLOP),Training compute notes,CI_high,CI_low,Source,Source link,average_score,"
            "Notes,Time Horizon (80%),METR version,id\n"
            "gpt-4o,10.5,2024-05-13,OpenAI,United States of America,,,5.0,20.0,METR,,,,,1,r1\n")
    with pytest.raises(SchemaError) as exc:
        src("epoch-benchmarks", "metr_time_horizons_external.csv", text)
    assert "lower bound" in refused(exc, "metr_time_horizons_external.csv")


def test_case3_lmarena_table_one_percent_cell_never_rescales_the_others() -> None:
    with pytest.raises(SchemaError):
        src("lmarena-tables", "leaderboard_table_20240402.csv",
            edit(TABLE, set_cell(2, "MMLU", "85%")))
    with pytest.raises(SchemaError) as exc:
        src("lmarena-tables", "leaderboard_table_20240402.csv",
            edit(TABLE, set_cell(2, "MMLU", "85")))
    assert "mixes fractions" in str(exc.value)


def test_case3_nan_arena_rating_names_category_and_model() -> None:
    doc = {"full": {"deepseek-r1": {"rating": float("nan")}}}
    with pytest.raises(SchemaError) as exc:
        src("lmarena-catalog", "leaderboard-text_2025-04-07_ab.json", json.dumps(doc))
    assert "category 'full', model 'deepseek-r1'" in str(exc.value)


# ---------------------------------------------------------------- 4. duplicates


def test_case4_conflicting_duplicate_eci_row_names_both_rows() -> None:
    text = ECI + ("deepseek-v3,200.0,2024-12-26,DeepSeek,China,Open weights (restricted "
                  "use),3.4e+24,Confident,DeepSeek-V3,,DeepSeek-V3\n")
    with pytest.raises(SchemaError) as exc:
        src("epoch-benchmarks", "epoch_capabilities_index.csv", text)
    assert "rows 3 and 4" in refused(exc, "epoch_capabilities_index.csv")


def test_case4_exact_duplicate_rows_are_dropped_and_counted() -> None:
    extra = ECI.splitlines(keepends=True)[2]
    (ds,) = src("epoch-benchmarks", "epoch_capabilities_index.csv", ECI + extra * 3)
    assert len(ds.frames["score"]) == 2
    assert ds.skipped["exact duplicate row"] == 3


def test_case4_top500_two_rank_one_rows_refused_exact_copies_counted() -> None:
    with pytest.raises(SchemaError) as exc:
        src("top500", "TOP500_202406.tsv", TOP500 + "1\tOther\tChina\t2023\t5000\t6000\n")
    assert "rows 2 and 5" in refused(exc, "TOP500_202406.tsv")
    copies = TOP500.splitlines(keepends=True)[3] * 50
    (ds,) = src("top500", "TOP500_202406.tsv", TOP500 + copies)
    assert len(ds.frames["system"]) == 3
    assert ds.skipped["exact duplicate row"] == 50


# ---------------------------------------------------------------- 5. dates


@pytest.mark.parametrize("value", ["2999-01-01", "1500-01-01", "today", "2025-01-01garbage",
                                   "1949-12-31"])
def test_case5_release_dates_outside_1950_to_today_are_refused(value: str) -> None:
    with pytest.raises(SchemaError) as exc:
        src("epoch-benchmarks", "gpqa_diamond.csv",
            edit(GPQA, set_cell(2, "Release date", value)))
    assert value in refused(exc, "gpqa_diamond.csv")
    assert (exc.value.row, exc.value.column) == (2, "Release date")
    with pytest.raises(SchemaError):
        src("epoch-models", "all_ai_models.csv",
            edit(MODELS, set_cell(3, "Publication date", value)))


def test_case5_future_last_modified_cannot_date_a_vintage() -> None:
    with pytest.raises(SchemaError) as exc:
        src("epoch-models", "all_ai_models.csv",
            edit(MODELS, set_cell(2, "Last modified", "2999-01-01 00:00:00+00:00")))
    assert exc.value.column == "Last modified"


# ---------------------------------------------------------------- 6. header-only, catalog name


def test_case6_header_only_files_of_dated_datasets_are_refused() -> None:
    with pytest.raises(SchemaError) as exc:
        src("top500", "TOP500_202406.tsv", TOP500.splitlines(keepends=True)[0])
    assert "no systems" in refused(exc, "TOP500_202406.tsv")
    with pytest.raises(SchemaError):
        src("hf-open-llm-v1", "20230712.csv", HF_V1.splitlines(keepends=True)[0])


def test_case6_catalog_file_as_the_publisher_names_it() -> None:
    doc = (FIX / "lmarena" / "leaderboard-text_2025-04-07_0a1b2c3d.json").read_bytes()
    assert get_source("lmarena-catalog").claims("leaderboard-text.json")
    (ds,) = src("lmarena-catalog", "leaderboard-text.json", doc)
    assert ds.data_as_of == import_day()
    assert len(ds.frames["score"]) == 10


# ---------------------------------------------------------------- 7. renamed country column


def test_case7_renamed_country_column_is_refused() -> None:
    text = MODELS.replace("Country (of organization)", "Country of org.")
    with pytest.raises(SchemaError) as exc:
        src("epoch-models", "all_ai_models.csv", text)
    msg = refused(exc, "all_ai_models.csv")
    assert "country" in msg and "Country of org." in msg


# ---------------------------------------------------------------- 8. short rows


def test_case8_short_row_is_refused_not_padded() -> None:
    lines = HF_V1.splitlines(keepends=True)
    short = lines[2].split(",", 1)[1]  # the row without its first cell
    with pytest.raises(SchemaError) as exc:
        src("hf-open-llm-v1", "20230712.csv", lines[0] + lines[1] + short)
    assert "63.5" in refused(exc, "20230712.csv")


# ---------------------------------------------------------------- bounds


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_refused_before_reading() -> None:
    bomb = _zip({"gpqa_diamond.csv": GPQA.encode() + b" " * (64 << 20)})
    assert len(bomb) < 200_000
    with pytest.raises(SourceError, match="zip bomb"):
        src("epoch-benchmarks", "benchmark_data.zip", bomb)


def test_xlsx_bomb_refused() -> None:
    bomb = _zip({"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b"<" * (64 << 20)})
    with pytest.raises(SourceError, match="zip bomb"):
        src("top500", "TOP500_202406.xlsx", bomb)


def test_corrupt_deflate_in_zip_is_a_source_error() -> None:
    data = bytearray(_zip({"gpqa_diamond.csv": (GPQA * 200).encode()}))
    start = data.index(b"gpqa_diamond.csv") + len("gpqa_diamond.csv")
    for i in range(start + 10, start + 60):
        data[i] ^= 0x5A
    with pytest.raises(SourceError, match="corrupt or truncated"):
        src("epoch-benchmarks", "benchmark_data.zip", bytes(data))


@pytest.mark.parametrize("data", [
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8,
])
def test_malformed_xls_is_a_schema_error(data: bytes) -> None:
    with pytest.raises(SchemaError, match=r"cannot read as an \.xls workbook"):
        src("top500", "TOP500_200006.xls", data)


def test_malformed_xlsx_is_a_schema_error() -> None:
    data = _zip({"[Content_Types].xml": b"<not xml", "xl/workbook.xml": b"\x00\x01"})
    with pytest.raises(SchemaError, match=r"cannot read as an \.xlsx workbook"):
        src("top500", "TOP500_202106.xlsx", data)


# ---------------------------------------------------------------- no tracebacks


@pytest.mark.parametrize("year", ["1", "999", "1500"])
def test_owid_early_years_are_refused(year: str) -> None:
    text = f"Entity,Code,Year,Value (US$)\nChina,CHN,{year},5\n"
    with pytest.raises(SchemaError) as exc:
        src("owid", "private-investment.csv", text)
    assert (exc.value.row, exc.value.column) == (2, "Year")


def test_deeply_nested_json_is_refused() -> None:
    with pytest.raises(SchemaError, match="nested too deeply"):
        src("lmarena-catalog", "leaderboard-text_2025-04-07_ab.json", "[" * 100_000)


def test_utf16_file_is_named_as_such() -> None:
    with pytest.raises(SchemaError, match="UTF-16"):
        src("epoch-benchmarks", "gpqa_diamond.csv", GPQA.encode("utf-16"))


@pytest.mark.parametrize(("sep", "label"), [(";", "semicolons"), ("\t", "tabs")])
def test_other_delimiters_are_named(sep: str, label: str) -> None:
    with pytest.raises(SchemaError, match=label) as exc:
        src("epoch-benchmarks", "gpqa_diamond.csv", GPQA.replace(",", sep))
    refused(exc, "gpqa_diamond.csv")


def test_gzip_encoded_download_cannot_inflate_the_cache(tmp_path: Path) -> None:
    from aigap.sources.fetch import Downloader
    from httpserver import LocalHTTPServer, ServerConfig

    site = tmp_path / "site"
    site.mkdir()
    (site / "ai_models.csv").write_bytes(gzip.compress(b"\x00" * (64 << 20), 9))
    cfg = ServerConfig(encoding={"/ai_models.csv": "gzip"})
    with (LocalHTTPServer(site, cfg) as server,
          Downloader(tmp_path / "cache", timeout=10, offline=False) as dl,
          pytest.raises(SourceError, match="expands more than")):
        dl.fetch(server.url("ai_models.csv"))
    assert sum(p.stat().st_size for p in (tmp_path / "cache").iterdir()) == 0


def test_download_cache_follows_home(tmp_path: Path) -> None:
    from aigap.sources.fetch import Downloader

    assert Downloader(home=tmp_path / "h", timeout=1).cache_dir == tmp_path / "h" / "cache"


def test_import_day_is_today() -> None:
    from aigap.sources.readers import import_day as reader_day

    assert reader_day() == import_day()
