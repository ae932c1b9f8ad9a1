"""Our World in Data grapher CSV importer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aigap.errors import SchemaError
from aigap.schema import conform
from aigap.sources.base import SourceFile, get_source
from aigap.sources.owid import parse_owid, slugify, unit_from_name


def _ow(fixtures: Path, name: str) -> SourceFile:
    return SourceFile.from_path(fixtures / "owid" / name)


def test_two_value_columns(fixtures: Path) -> None:
    (ds,) = parse_owid(_ow(fixtures, "private-investment-in-artificial-intelligence.csv"))
    ind = conform("indicator", ds.frames["indicator"], file=ds.file.name)
    assert ds.source == "owid"
    assert ds.dataset == "private-investment-in-artificial-intelligence"
    assert ds.data_as_of == date(2024, 1, 1)
    slug = "owid:private-investment-in-artificial-intelligence"
    assert set(ind["indicator_id"]) == {
        f"{slug}:private-investment-in-ai-constant-2021-us",
        f"{slug}:projected-investment-constant-2021-us"}
    assert len(ind) == 7  # 6 actual + 1 projected; blank cells are not figures
    assert ds.n_skipped == 0
    usa23 = ind[(ind["country"] == "USA") & (ind["date"] == pd.Timestamp("2023-01-01"))]
    assert usa23["value"].tolist() == [67.2e9]
    assert set(ind["unit"]) == {"constant 2021 US$"}
    assert set(ind["source_name"]) == {"Our World in Data"}
    assert set(ind["source_url"]) == {
        "https://ourworldindata.org/grapher/private-investment-in-artificial-intelligence"}
    assert {"OWID_WRL", "OWID_EU27"} <= set(ind["country"])


def test_single_column_blank_code_kept_as_region(fixtures: Path) -> None:
    (ds,) = parse_owid(_ow(fixtures,
                           "annual-scholarly-publications-on-artificial-intelligence.csv"))
    ind = conform("indicator", ds.frames["indicator"])
    assert set(ind["indicator_id"]) == {
        "owid:annual-scholarly-publications-on-artificial-intelligence"}
    assert len(ind) == 5
    assert "OWID:ASEAN (Association of Southeast Asian Nations) (CSET)" in set(ind["country"])
    by = ind.set_index("country")["value"]
    assert by["CHN"] == 101_000  # thousands separator
    assert by["TWN"] == 4200 and by["HKG"] == 3900  # never merged into CHN
    assert set(ind["label"]) == {"All"}
    assert ind["unit"].isna().all()


def test_day_column_and_text_annotation(fixtures: Path) -> None:
    (ds,) = parse_owid(_ow(fixtures, "share-of-ai-systems.csv"))
    ind = conform("indicator", ds.frames["indicator"])
    assert set(ind["indicator_id"]) == {"owid:share-of-ai-systems"}
    assert ind["date"].tolist() == [pd.Timestamp("2023-06-30")] * 2 + [
        pd.Timestamp("2023-12-31")]
    assert set(ind["unit"]) == {"%"}
    assert ind.loc[ind["country"] == "CHN", "note"].item() == (
        "World region according to OWID=Asia")
    assert ds.data_as_of == date(2023, 12, 31)


def test_per_system_chart_counted_as_skipped(fixtures: Path) -> None:
    (ds,) = parse_owid(_ow(fixtures, "artificial-intelligence-training-computation.csv"))
    assert len(ds.frames["indicator"]) == 0
    assert ds.n_skipped == 2
    assert "without a Code column" in next(iter(ds.skipped))


@pytest.mark.parametrize(
    ("name", "row", "column"),
    [("bad-value.csv", 3, "Cumulative number of large-scale AI systems"),
     ("bad-code.csv", 2, "Code"),
     ("bad-year.csv", 3, "Year")],
)
def test_bad_input_names_row_and_column(fixtures: Path, name: str, row: int,
                                        column: str) -> None:
    with pytest.raises(SchemaError) as err:
        parse_owid(_ow(fixtures, name))
    assert (err.value.row, err.value.column) == (row, column)
    assert name in str(err.value)


def test_duplicate_rows_are_an_error(fixtures: Path) -> None:
    with pytest.raises(SchemaError, match="more than once"):
        parse_owid(_ow(fixtures, "duplicate-rows.csv"))


def test_missing_entity_or_time() -> None:
    with pytest.raises(SchemaError, match="Entity"):
        parse_owid(SourceFile("x.csv", b"Country,Code,Year,Value\nChina,CHN,2023,1\n"))
    with pytest.raises(SchemaError, match="Year or Day"):
        parse_owid(SourceFile("x.csv", b"Entity,Code,Value\nChina,CHN,1\n"))


def test_units_and_slugs() -> None:
    assert unit_from_name("Training computation (petaFLOP)") == "petaFLOP"
    assert unit_from_name("All (projected) (Projected)") is None
    assert unit_from_name("Share of systems (%)") == "%"
    assert unit_from_name("All") is None
    assert slugify("AI scholarly publications - Field: All") == (
        "ai-scholarly-publications-field-all")


def test_source_claims_grapher_csv() -> None:
    src = get_source("owid")
    assert src.claims("private-investment.csv", b"Entity,Code,Year,All\n")
    assert not src.claims("other.csv", b"Model,Average\n")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["USA", "CHN", "GBR", "OWID_WRL"]),
                          st.integers(1990, 2030),
                          st.one_of(st.none(), st.floats(-1e12, 1e12, allow_nan=False))),
                min_size=1, max_size=25, unique_by=lambda t: (t[0], t[1])))
def test_property_every_value_once(rows: list[tuple[str, int, float | None]]) -> None:
    lines = ["Entity,Code,Year,Value"] + [
        f"E{c},{c},{y},{'' if v is None else repr(v)}" for c, y, v in rows]
    (ds,) = parse_owid(SourceFile("prop.csv", ("\n".join(lines) + "\n").encode()))
    ind = ds.frames["indicator"]
    expected = {(c, y): v for c, y, v in rows if v is not None}
    got = {(c, d.year): v for c, d, v in zip(ind["country"], ind["date"], ind["value"],
                                              strict=True)}
    assert got.keys() == expected.keys()
    for k, v in expected.items():
        assert got[k] == pytest.approx(v)
    assert (ind["date"].dt.month == 1).all() and (ind["date"].dt.day == 1).all()


def test_real_owid_files(shared_data: Path) -> None:
    files = sorted((shared_data / "owid").glob("*.csv"))
    assert len(files) == 12
    for path in files:
        (ds,) = parse_owid(SourceFile.from_path(path))
        ind = conform("indicator", ds.frames["indicator"])
        regions = int(ind["country"].str.startswith("OWID:").sum())
        print(f"{path.name}: {len(ind)} rows, {ind['indicator_id'].nunique()} series, "
              f"{regions} uncoded-region rows, as of {ds.data_as_of}, "
              f"skipped {dict(ds.skipped)}")
        assert len(ind) + ds.n_skipped > 0
    (pub,) = parse_owid(SourceFile.from_path(
        shared_data / "owid" / "annual-scholarly-publications-on-artificial-intelligence.csv"))
    countries = set(pub.frames["indicator"]["country"])
    assert {"USA", "CHN"} <= countries
