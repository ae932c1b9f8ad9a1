"""TOP500 importer (every layout) and the per-edition indicators."""

from __future__ import annotations

import itertools
import os
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aigap.analysis.top500 import (
    INDICATORS,
    edition_country_table,
    edition_url,
    indicators,
    top500_table,
)
from aigap.errors import AttributionError, QueryError, SchemaError
from aigap.sources.base import SourceFile, get_source
from aigap.sources.top500 import decimal_style, parse, parse_systems, sniff
from aigap.store.derive import with_derived

FIX = Path(__file__).resolve().parent / "fixtures" / "top500"


def _parse(name: str) -> tuple[pd.DataFrame, pd.DataFrame, object]:
    ds = parse(SourceFile.from_path(FIX / name))
    assert len(ds) == 1
    assert "indicator" not in ds[0].frames  # parsers only parse; indicators are derived
    ds = with_derived(ds)
    return ds[0].frames["system"], ds[0].frames["indicator"], ds[0]


def _text(name: str, text: str, encoding: str = "utf-8") -> SourceFile:
    return SourceFile(name=name, data=text.encode(encoding))


def _value(ind: pd.DataFrame, ind_id: str, country: str) -> float:
    hit = ind[(ind["indicator_id"] == ind_id) & (ind["country"] == country)]
    assert len(hit) == 1, (ind_id, country, hit)
    return float(hit["value"].iloc[0])


# --------------------------------------------------------------------------- layouts


def test_sniff_by_magic_not_name() -> None:
    assert sniff((FIX / "TOP500_200006.xls").read_bytes()) == "xls"
    assert sniff((FIX / "TOP500_202106.xlsx").read_bytes()) == "xlsx"
    assert sniff((FIX / "TOP500_202411.csv").read_bytes()) == "text"
    # an .xlsx saved under a .csv name is still read as a workbook
    renamed = SourceFile("TOP500_202106.csv", (FIX / "TOP500_202106.xlsx").read_bytes())
    systems, _, _ = parse_systems(renamed)
    assert systems["rank"].tolist() == [1, 2, 3, 4]


def test_old_xls_with_title_row_gflops_and_skips() -> None:
    systems, ind, ds = _parse("TOP500_200006.xls")
    assert ds.dataset == "top500_200006"
    assert ds.source == "top500"
    assert ds.data_as_of == date(2000, 6, 1)
    assert ds.skipped == Counter({"blank row": 1, "note row (no rank, country or Rmax)": 1})
    assert systems["rank"].tolist() == [1, 2, 3, 4]
    assert systems["country"].tolist() == ["USA", "KOR", "CHN", "HKG"]
    # "RMax" without a unit in a 2000 list is GFlop/s: ASCI Red's 2,379 GFlop/s = 2.379 TFlop/s
    assert systems["rmax_tflops"].tolist() == pytest.approx([2.379, 1.2005, 0.40025, 0.04382])
    assert systems["rpeak_tflops"].iloc[0] == pytest.approx(3.207)
    assert systems["name"].iloc[0] == "ASCI Red"  # "Computer" when there is no "Name"
    assert systems["cores"].iloc[0] == 9632  # "Processors"
    assert systems["year"].iloc[0] == 1999
    assert systems["accelerator"].isna().all()  # no such column in 2000
    assert (systems["list"] == "top500").all()
    assert (systems["edition"] == pd.Timestamp("2000-06-01")).all()
    assert _value(ind, "top500_systems", "CHN") == 1
    assert _value(ind, "top500_best_rank", "KOR") == 2


def test_xlsx_layout_name_fallback_and_accelerator() -> None:
    systems, ind, ds = _parse("TOP500_202106.xlsx")
    assert ds.data_as_of == date(2021, 6, 1)
    assert systems["country"].tolist() == ["JPN", "USA", "CHN", "TWN"]  # Taiwan is not China
    assert systems["rmax_tflops"].tolist() == pytest.approx([442010, 148600, 93014.59, 9000])
    assert systems["name"].tolist()[:3] == ["Supercomputer Fugaku", "Summit", "Sunway TaihuLight"]
    assert systems["name"].iloc[3] == "Example cluster, Example CPU"  # blank Name -> Computer
    assert systems["accelerator"].iloc[1] == "NVIDIA Volta GV100"
    assert systems["cores"].iloc[0] == 7630848
    total = 442010 + 148600 + 93014.59 + 9000
    assert _value(ind, "top500_rmax_share", "JPN") == pytest.approx(442010 / total)
    assert _value(ind, "top500_systems_share", "TWN") == pytest.approx(0.25)


def test_tab_separated_with_thousands_commas() -> None:
    systems, ind, ds = _parse("TOP500_202406.csv")
    assert ds.data_as_of == date(2024, 6, 1)
    assert systems["rmax_tflops"].tolist() == [1_206_000, 1_012_000, 50_000, 20_000]
    assert systems["cores"].iloc[0] == 8_699_904
    assert systems["country"].tolist() == ["USA", "USA", "KOR", "CHN"]  # "Korea, South"
    assert _value(ind, "top500_systems", "USA") == 2
    assert _value(ind, "top500_rmax_tflops", "USA") == 2_218_000
    assert _value(ind, "top500_best_rank", "CHN") == 4


def test_semicolon_european_numbers_and_bom() -> None:
    systems, ind, _ = _parse("TOP500_202411.csv")
    assert systems["rmax_tflops"].tolist() == pytest.approx(
        [1_742_000.0, 1_353_000.0, 1_012_000.0, 9876.54, 8000.5]
    )
    assert systems["rpeak_tflops"].iloc[3] == pytest.approx(12345.6)
    assert systems["cores"].iloc[0] == 11_039_616
    assert systems["country"].tolist() == ["USA", "USA", "USA", "TWN", "HKG"]
    assert _value(ind, "top500_systems_share", "USA") == pytest.approx(0.6)
    assert set(ind["source_url"]) == {"https://www.top500.org/lists/top500/2024/11/"}


def test_comma_csv_title_row_date_from_content_and_unit_inferred() -> None:
    systems, _, ds = _parse("top500_list_export.csv")
    assert ds.dataset == "top500_200811"  # "November 2008" in the title row
    assert ds.data_as_of == date(2008, 11, 1)
    # "Rmax" (no unit) of 1,105,000 in a 2008 list is GFlop/s (Roadrunner: 1.105 PFlop/s)
    assert systems["rmax_tflops"].tolist() == pytest.approx([1105.0, 180.6, 12.5935])
    assert systems["rpeak_tflops"].iloc[0] == pytest.approx(1456.704)
    assert systems["name"].iloc[0] == "BladeCenter QS22/LS21 Cluster, PowerXCell 8i"


def test_unit_without_header_is_tflops_for_recent_lists() -> None:
    text = "Rank\tCountry\tRmax\n1\tUnited States\t1742000\n2\tJapan\t442010\n"
    systems, _, _ = parse_systems(_text("TOP500_202411.tsv", text))
    assert systems["rmax_tflops"].tolist() == [1742000, 442010]


def test_unit_that_fits_no_scale_is_an_error() -> None:
    text = "Rank\tCountry\tRmax\n1\tUnited States\t5\n"
    with pytest.raises(SchemaError, match="cannot tell the Rmax unit") as err:
        parse_systems(_text("TOP500_202411.tsv", text))
    assert err.value.column == "Rmax"


@pytest.mark.parametrize(
    ("values", "delimiter", "expected"),
    [
        (["1 742 000,00", "12"], ";", "comma"),
        (["1.742.000", "5"], "\t", "comma"),
        (["1,742,000.5"], ";", "dot"),
        (["1,234", "5"], "\t", "dot"),  # integers only: by delimiter
        (["1.234"], ";", "comma"),
        (["93014.59388"], ";", "dot"),
    ],
)
def test_decimal_style(values: list[str], delimiter: str, expected: str) -> None:
    assert decimal_style(pd.Series(values), delimiter=delimiter) == expected


def test_mixed_decimal_styles_are_an_error() -> None:
    text = "Rank;Country;Rmax [TFlop/s]\n1;Japan;1 000,50\n2;China;900.25\n"
    with pytest.raises(SchemaError, match="mix decimal commas") as err:
        parse_systems(_text("TOP500_202411.csv", text))
    assert err.value.file == "TOP500_202411.csv"


# --------------------------------------------------------------------------- bad input


def test_no_header_names_file_and_rank() -> None:
    text = "Position;Land;Rmax\n1;Japan;5\n"
    with pytest.raises(SchemaError, match="no header row") as err:
        parse(_text("TOP500_202411.csv", text))
    assert err.value.file == "TOP500_202411.csv"
    assert err.value.column == "Rank"


def test_non_numeric_rmax_names_sheet_row_and_column() -> None:
    text = (
        "TOP500 List - June 2024\n"
        "Rank\tCountry\tRmax [TFlop/s]\n"
        "1\tUnited States\t1,206,000\n"
        "2\tJapan\tn/a\n"
    )
    with pytest.raises(SchemaError, match="expected a number, got 'n/a'") as err:
        parse(_text("TOP500_202406.csv", text))
    assert (err.value.file, err.value.row, err.value.column) == (
        "TOP500_202406.csv", 4, "Rmax [TFlop/s]",
    )
    assert str(err.value).startswith("TOP500_202406.csv, row 4, column 'Rmax [TFlop/s]'")


def test_unknown_country_names_row_and_column() -> None:
    text = "Rank;Country;Rmax [TFlop/s]\n1;Japan;5\n2;Atlantis;4\n"
    with pytest.raises(AttributionError, match="Atlantis") as err:
        parse(_text("TOP500_202411.csv", text))
    assert (err.value.row, err.value.column) == (3, "Country")
    assert isinstance(err.value, SchemaError)


def test_blank_country_and_blank_rmax_are_errors() -> None:
    with pytest.raises(SchemaError, match="country name") as err:
        parse(_text("TOP500_202411.csv", "Rank;Country;Rmax\n1;Japan;5\n2;;4\n"))
    assert err.value.row == 3
    with pytest.raises(SchemaError, match="Rmax value") as err:
        parse(_text("TOP500_202411.csv", "Rank;Country;Rmax\n1;Japan;5\n2;China;\n"))
    assert (err.value.row, err.value.column) == (3, "Rmax")


def test_bad_rank_and_missing_rmax_column() -> None:
    with pytest.raises(SchemaError, match="whole-number rank") as err:
        parse(_text("TOP500_202411.csv", "Rank;Country;Rmax\n1;Japan;5\nfirst;China;4\n"))
    assert (err.value.row, err.value.column) == (3, "Rank")
    with pytest.raises(SchemaError, match="Rmax") as err:
        parse(_text("TOP500_202411.csv", "Rank;Country;Rpeak\n1;Japan;5\n"))
    assert err.value.column == "Rmax"


def test_no_edition_date_is_an_error() -> None:
    with pytest.raises(SchemaError, match="cannot tell the list edition") as err:
        parse(_text("export.csv", "Rank;Country;Rmax [TFlop/s]\n1;Japan;5\n"))
    assert err.value.file == "export.csv"


def test_corrupt_workbooks_are_schema_errors() -> None:
    with pytest.raises(SchemaError, match="xlsx"):
        parse(SourceFile("TOP500_202411.xlsx", b"PK\x03\x04 truncated"))
    with pytest.raises(SchemaError, match="xls"):
        parse(SourceFile("TOP500_201911.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100))


def test_registered_source_claims_list_files() -> None:
    src = get_source("top500")
    assert src.claims("TOP500_202406.csv")
    assert src.claims("TOP500_200006.xls")
    assert not src.claims("all_ai_models.csv")
    assert src.parse is parse


# --------------------------------------------------------------------------- analysis


def _systems(rows: list[tuple[str, int, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["edition", "rank", "country", "rmax_tflops"]).assign(
        edition=lambda f: pd.to_datetime(f["edition"]), list="top500"
    )


PLANTED = _systems([
    ("2020-06-01", 1, "JPN", 400.0),
    ("2020-06-01", 2, "USA", 100.0),
    ("2020-06-01", 3, "CHN", 60.0),
    ("2020-06-01", 4, "USA", 30.0),
    ("2020-06-01", 5, "CHN", 10.0),
    ("2020-11-01", 1, "USA", 500.0),
    ("2020-11-01", 2, "CHN", 300.0),
    ("2020-11-01", 3, "CHN", 200.0),
])


def test_planted_indicators() -> None:
    table = edition_country_table(PLANTED)
    first = table[table["edition"] == "2020-06-01"].set_index("country")
    assert first.loc["USA", "systems"] == 2
    assert first.loc["USA", "systems_share"] == pytest.approx(0.4)
    assert first.loc["USA", "rmax_tflops"] == pytest.approx(130.0)
    assert first.loc["USA", "rmax_share"] == pytest.approx(130 / 600)
    assert first.loc["CHN", "best_rank"] == 3
    assert first.loc["JPN", "rmax_share"] == pytest.approx(400 / 600)
    second = table[table["edition"] == "2020-11-01"].set_index("country")
    assert second.loc["CHN", "systems_share"] == pytest.approx(2 / 3)
    assert "JPN" not in second.index
    ind = indicators(PLANTED)
    assert set(ind["indicator_id"]) == set(INDICATORS)
    assert len(ind) == 5 * len(table)
    row = ind[(ind["indicator_id"] == "top500_rmax_share") & (ind["country"] == "CHN")
              & (ind["date"] == pd.Timestamp("2020-11-01"))]
    assert row["value"].iloc[0] == pytest.approx(0.5)
    assert row["unit"].iloc[0] == "fraction"
    assert row["source_url"].iloc[0] == "https://www.top500.org/lists/top500/2020/11/"
    assert (ind["source_name"] == "TOP500").all()
    assert ind["label"].notna().all()


def test_top500_table_filters_and_zero_fills() -> None:
    out = top500_table(PLANTED, countries=["usa", "jpn"], since="2020-11-01")
    assert out["edition"].unique().tolist() == [pd.Timestamp("2020-11-01")]
    by = out.set_index("country")
    assert by.loc["USA", "systems"] == 1
    assert by.loc["JPN", "systems"] == 0  # requested but absent: a zero row, not a gap
    assert by.loc["JPN", "rmax_share"] == 0
    assert pd.isna(by.loc["JPN", "best_rank"])
    full = top500_table(PLANTED)
    assert len(full) == 5
    assert list(full.columns) == ["edition", "country", "systems", "systems_share",
                                  "rmax_tflops", "rmax_share", "best_rank"]
    with pytest.raises(QueryError, match="ISO 3166"):
        top500_table(PLANTED, countries=["China"])
    with pytest.raises(QueryError, match="since"):
        top500_table(PLANTED, since="not a date")
    with pytest.raises(QueryError, match="lacks columns"):
        top500_table(PLANTED.drop(columns=["rmax_tflops"]))


def test_edition_url() -> None:
    assert edition_url(date(2019, 11, 1)) == "https://www.top500.org/lists/top500/2019/11/"


@st.composite
def _random_lists(draw: st.DrawFn) -> pd.DataFrame:
    n_ed = draw(st.integers(1, 3))
    rows = []
    for e in range(n_ed):
        n = draw(st.integers(1, 30))
        countries = draw(st.lists(st.sampled_from(["USA", "CHN", "JPN", "DEU", "TWN"]),
                                  min_size=n, max_size=n))
        rmax = draw(st.lists(st.floats(0.001, 1e6), min_size=n, max_size=n))
        for r, (c, v) in enumerate(zip(countries, sorted(rmax, reverse=True), strict=True)):
            rows.append((f"{2010 + e}-06-01", r + 1, c, v))
    return _systems(rows)


@settings(max_examples=60, deadline=None)
@given(_random_lists(), st.integers(0, 2**32 - 1))
def test_invariants(systems: pd.DataFrame, seed: int) -> None:
    table = edition_country_table(systems)
    per = table.groupby("edition")
    sizes = systems.groupby("edition").size()
    assert (per["systems"].sum() == sizes).all()
    assert np.allclose(per["systems_share"].sum(), 1.0)
    assert np.allclose(per["rmax_share"].sum(), 1.0)
    best = systems.groupby(["edition", "country"])["rank"].min()
    got = table.set_index(["edition", "country"])["best_rank"].astype(int)
    assert got.sort_index().tolist() == best.sort_index().tolist()
    # row order does not matter
    shuffled = systems.sample(frac=1.0, random_state=np.random.default_rng(seed).integers(2**31))
    pd.testing.assert_frame_equal(edition_country_table(shuffled), table)


# --------------------------------------------------------------------------- real data

SPOT_EDITIONS = ("200006", "201011", "201506", "201911", "202106")


def _raw_country_counts(path: Path) -> Counter[str]:
    """Count the Country column straight from the workbook, without the importer."""
    if path.suffix == ".xls":
        import xlrd

        with open(os.devnull, "w") as sink:
            sheet = xlrd.open_workbook(str(path), logfile=sink).sheet_by_index(0)
        for r in range(5):
            header = [str(v).strip() for v in sheet.row_values(r)]
            if "Rank" in header:
                col = header.index("Country")
                return Counter(str(v) for v in sheet.col_values(col, start_rowx=r + 1) if v)
        raise AssertionError("no header")
    raw = pd.read_excel(path, header=0, engine="openpyxl")
    return Counter(raw["Country"].dropna().astype(str))


@pytest.fixture(scope="module")
def real_editions(shared_data: Path) -> dict[str, tuple[pd.DataFrame, pd.DataFrame, object]]:
    folder = shared_data / "top500"
    out = {}
    for path in sorted(folder.glob("TOP500_*.xls*")):
        ds = with_derived(parse(SourceFile.from_path(path)))[0]
        out[path.stem.split("_")[1]] = (ds.frames["system"], ds.frames["indicator"], ds)
    return out


def test_real_all_editions_parse_with_500_systems(
    real_editions: dict[str, tuple[pd.DataFrame, pd.DataFrame, object]],
) -> None:
    assert len(real_editions) == 43
    for key, (systems, ind, ds) in real_editions.items():
        assert len(systems) == 500, key
        assert sorted(systems["rank"]) == list(range(1, 501)), key
        assert ds.dataset == f"top500_{key}"
        assert ds.n_skipped == 0, (key, ds.skipped)
        counts = ind[ind["indicator_id"] == "top500_systems"]["value"]
        assert counts.sum() == 500, key
        assert ind[ind["indicator_id"] == "top500_rmax_share"]["value"].sum() == pytest.approx(1)


def test_real_units_are_tflops_throughout(
    real_editions: dict[str, tuple[pd.DataFrame, pd.DataFrame, object]],
) -> None:
    best = {k: v[0]["rmax_tflops"].max() for k, v in real_editions.items()}
    # public facts: ASCI Red 2.379 TFlop/s (2000-06), Sunway TaihuLight 93.01 PFlop/s
    # (2016-06), Fugaku 442.01 PFlop/s (2020-11 and 2021-06)
    assert best["200006"] == pytest.approx(2.379)
    assert best["201606"] == pytest.approx(93014.6, rel=1e-5)
    assert best["202106"] == pytest.approx(442010)
    ordered = [best[k] for k in sorted(best)]
    # No. 1 never falls between editions (up to the lists' own rounding, 93014.594 vs
    # 93014.59388): a unit mix-up would show as a 1000x drop
    assert all(b >= a * (1 - 1e-6) for a, b in itertools.pairwise(ordered))
    # Rpeak >= Rmax everywhere except one entry the source itself gives as Rmax 1661,
    # Rpeak 181.3 (a Sugon TC6000 in China, 2019-11 and 2020-06)
    for key, (systems, _, _) in real_editions.items():
        below = systems[~(systems["rpeak_tflops"] >= systems["rmax_tflops"] * 0.999)]
        assert len(below) <= 1, key
        assert below["rmax_tflops"].tolist() in ([], [1661.0]), key


@pytest.mark.parametrize("key", SPOT_EDITIONS)
def test_real_china_us_counts_match_raw_file(
    shared_data: Path,
    real_editions: dict[str, tuple[pd.DataFrame, pd.DataFrame, object]],
    key: str,
) -> None:
    path = next((shared_data / "top500").glob(f"TOP500_{key}.xls*"))
    raw = _raw_country_counts(path)
    _, ind, _ = real_editions[key]
    got = ind[ind["indicator_id"] == "top500_systems"].set_index("country")["value"]
    assert got.get("CHN", 0) == raw.get("China", 0)
    assert got.get("USA", 0) == raw.get("United States", 0)
    assert got.get("HKG", 0) == raw.get("Hong Kong", 0)
    assert got.get("TWN", 0) == raw.get("Taiwan", 0)


def test_real_2019_counts_match_public_reports(
    real_editions: dict[str, tuple[pd.DataFrame, pd.DataFrame, object]],
) -> None:
    # TOP500 Nov 2019 reporting: China 228 systems (up from 219 in June), US 117; the June
    # 2019 highlights give China 44.0% of systems (220) and the US 23.2% (116).
    nov = real_editions["201911"][1]
    assert _value(nov, "top500_systems", "CHN") == 228
    assert _value(nov, "top500_systems", "USA") == 117
    jun = real_editions["201906"][1]
    assert _value(jun, "top500_systems_share", "CHN") == pytest.approx(0.440)
    assert _value(jun, "top500_systems_share", "USA") == pytest.approx(0.232)
    assert _value(nov, "top500_best_rank", "USA") == 1
    assert _value(nov, "top500_best_rank", "CHN") == 3


def test_store_round_trip_and_table(tmp_path: Path) -> None:
    from aigap.store import Store

    parsed = [ds for name in ("TOP500_202406.csv", "TOP500_202411.csv")
              for ds in parse(SourceFile.from_path(FIX / name))]
    with Store(tmp_path / "store.duckdb") as store:
        outcomes = store.import_datasets(parsed, licence=get_source("top500").licence)
        assert len(outcomes) == 2
        ids = store.vintages(source="top500")["vintage_id"].tolist()
        systems = store.read("system", ids)
        ind = store.read("indicator", ids)
    assert len(systems) == 9
    table = top500_table(systems, countries=["USA", "CHN"])
    assert table[table["country"] == "USA"]["systems"].tolist() == [2, 3]
    assert table[table["country"] == "CHN"]["systems"].tolist() == [1, 0]
    stored = ind[(ind["indicator_id"] == "top500_systems") & (ind["country"] == "USA")]
    assert sorted(stored["value"]) == [2.0, 3.0]
