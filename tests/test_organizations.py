"""Tests for the organisation registry: validation, look-ups and the packaged CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aigap.attribution.countries import to_iso3
from aigap.attribution.organizations import (
    REGISTRY_COLUMNS,
    Registry,
    load_registry,
    normalize_names,
)
from aigap.errors import AttributionError, SchemaError
from aigap.schema import ORGANIZATION

HEADER = ",".join(REGISTRY_COLUMNS)
GOOD_ROWS = [
    'acme,Acme AI,"Acme;ACME Labs",acme-ai,USA,Industry,https://example.org/acme,',
    'panda,Panda Lab,"Panda;Xiongmao",panda-lab;PandaOrg,CHN;HKG,Academia,https://example.org/panda,',
]


def write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "orgs.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def test_small_registry_loads_and_looks_up(tmp_path: Path) -> None:
    reg = load_registry(write(tmp_path, GOOD_ROWS))
    assert len(reg) == 2
    names = pd.Series(["ACME  labs", "acme-ai", "panda lab", "Xiong mao", "Unknown", None],
                      index=list("abcdef"))
    got = reg.by_name(names)
    assert list(got.index) == list("abcdef")
    assert got.tolist() == ["acme", "acme", "panda", "panda", None, None]
    ns = reg.by_hf_namespace(pd.Series(["ACME-AI", "pandaorg/some-model", "nobody", None]))
    assert ns.tolist() == ["acme", "panda", None, None]
    assert reg.countries_for(pd.Series(["panda", None, "acme"])).tolist() == [
        ["CHN", "HKG"], [], ["USA"]]


def test_countries_for_unknown_id_is_an_error(tmp_path: Path) -> None:
    reg = load_registry(write(tmp_path, GOOD_ROWS))
    with pytest.raises(AttributionError, match="unknown org_id 'zzz'"):
        reg.countries_for(["acme", "zzz"])


def test_countries_for_lists_keeps_lead_first_and_reports_unmatched(tmp_path: Path) -> None:
    reg = load_registry(write(tmp_path, GOOD_ROWS))
    lists = pd.Series([["Panda", "Acme AI"], ["Acme", "Mystery Co", "Panda"], [], None],
                      index=[10, 11, 12, 13])
    countries, unmatched = reg.countries_for_lists(lists)
    assert countries.tolist() == [["CHN", "HKG", "USA"], ["USA", "CHN", "HKG"], [], []]
    assert unmatched.tolist() == [[], ["Mystery Co"], [], []]
    assert list(countries.index) == [10, 11, 12, 13]


def test_to_frame_has_canonical_columns(tmp_path: Path) -> None:
    frame = load_registry(write(tmp_path, GOOD_ROWS)).to_frame()
    assert list(frame.columns) == ORGANIZATION.names
    assert frame.loc[1, "countries"] == ["CHN", "HKG"]
    assert frame.loc[0, "aliases"] == ["Acme", "ACME Labs"]


@pytest.mark.parametrize(
    ("rows", "row", "column", "message"),
    [
        # an alias claimed by two organisations (case/punctuation-insensitive)
        ([GOOD_ROWS[0], 'other,Other,"A.C.M.E labs",,USA,Industry,https://example.org/o,'],
         3, "aliases", "already a name or alias of 'acme'"),
        # a name equal to another organisation's alias
        ([GOOD_ROWS[0], "other,Acme,,,USA,Industry,https://example.org/o,"],
         3, "name", "already a name or alias of 'acme'"),
        # a namespace claimed twice
        ([GOOD_ROWS[0], "other,Other,,Acme-AI,USA,Industry,https://example.org/o,"],
         3, "hf_namespaces", "already claimed by 'acme'"),
        # an unknown country
        ([GOOD_ROWS[0], "other,Other,,,Atlantis,Industry,https://example.org/o,"],
         3, "countries", "unknown country name 'Atlantis'"),
        # a country name instead of a code
        ([GOOD_ROWS[0], "other,Other,,,France,Industry,https://example.org/o,"],
         3, "countries", "did you mean 'FRA'"),
        # Multinational is not a country
        (["other,Other,,,Multinational,Industry,https://example.org/o,"],
         2, "countries", "not a country"),
        # a duplicate org_id
        ([GOOD_ROWS[0], "acme,Another,,,USA,Industry,https://example.org/o,"],
         3, "org_id", "duplicate org_id 'acme' (first on row 2)"),
        # not a slug
        (["Bad ID,Other,,,USA,Industry,https://example.org/o,"], 2, "org_id", "slug"),
        # missing source
        (["other,Other,,,USA,Industry,,"], 2, "source_url", "is empty"),
        # not an http URL
        (["other,Other,,,USA,Industry,ftp://example.org,"], 2, "source_url", "http(s)"),
        # bad org type
        (["other,Other,,,USA,Company,https://example.org/o,"], 2, "org_type", "org_type"),
        # no countries
        (["other,Other,,,,Industry,https://example.org/o,"], 2, "countries", "is empty"),
    ],
)
def test_validation_errors_name_row_and_column(
    tmp_path: Path, rows: list[str], row: int, column: str, message: str
) -> None:
    path = write(tmp_path, rows)
    with pytest.raises(SchemaError) as info:
        load_registry(path)
    err = info.value
    assert err.file == str(path)
    assert err.row == row
    assert err.column == column
    assert message in str(err)
    assert "\n" not in str(err)


def test_missing_column_and_missing_file(tmp_path: Path) -> None:
    path = write(tmp_path, ["acme,Acme,,USA"], header="org_id,name,aliases,countries")
    with pytest.raises(SchemaError, match="missing column") as info:
        load_registry(path)
    assert info.value.column == "hf_namespaces"
    with pytest.raises(SchemaError, match="file not found"):
        load_registry(tmp_path / "absent.csv")


def test_notes_column_is_optional(tmp_path: Path) -> None:
    header = ",".join(c for c in REGISTRY_COLUMNS if c != "notes")
    path = write(tmp_path, ["acme,Acme,,,USA,,https://example.org/acme"], header=header)
    assert load_registry(path).by_name(["ACME"]).tolist() == ["acme"]


@given(st.text(max_size=30))
def test_normalize_is_idempotent_and_ignores_case_and_punctuation(text: str) -> None:
    once = normalize_names(pd.Series([text]))[0]
    if once is None:
        return
    assert normalize_names(pd.Series([once]))[0] == once
    assert normalize_names(pd.Series([f" {text.upper()}. "]))[0] == normalize_names(
        pd.Series([text.upper()]))[0]


# ---- the packaged registry ----

def test_packaged_registry_size_and_urls(registry: Registry) -> None:
    frame = registry.frame
    assert len(frame) >= 120
    assert frame["source_url"].str.match(r"https?://[^\s]+$").all()


def test_packaged_countries_are_valid_iso3(registry: Registry) -> None:
    codes = {c for cs in registry.frame["countries"] for c in cs}
    for code in codes:
        assert len(code) == 3 and code.isupper()
        assert to_iso3(code) == code


@pytest.mark.parametrize(
    ("name", "org_id", "hq"),
    [
        ("Z.ai (Zhipu AI)", "zhipu", "CHN"),
        ("zhipu ai", "zhipu", "CHN"),
        ("01 AI", "01-ai", "CHN"),
        ("Meta AI", "meta", "USA"),
        ("Facebook AI Research", "meta", "USA"),
        ("google deepmind", "google-deepmind", "USA"),
        ("DeepMind", "deepmind", "GBR"),
        ("Cohere For AI", "cohere-labs", "CAN"),
        ("Technology Innovation Institute", "tii", "ARE"),
        ("Academia Sinica", "academia-sinica", "TWN"),
        ("HKUST", "hkust", "HKG"),
        ("Hugging Face", "hugging-face", "USA"),
        ("Mistral", "mistral-ai", "FRA"),
        ("Aliaba", "alibaba", "CHN"),
    ],
)
def test_packaged_lookups(registry: Registry, name: str, org_id: str, hq: str) -> None:
    got = registry.by_name([name]).iloc[0]
    assert got == org_id
    assert registry.countries_for([got]).iloc[0][0] == hq


@pytest.mark.parametrize(
    ("ns", "org_id"),
    [("Qwen", "alibaba"), ("deepseek-ai", "deepseek"), ("THUDM", "zhipu"),
     ("zai-org", "zhipu"), ("internlm", "shanghai-ai-lab"), ("META-LLAMA", "meta"),
     ("facebook", "meta"), ("CohereLabs", "cohere-labs"), ("tiiuae", "tii"),
     ("moonshotai", "moonshot"), ("01-ai", "01-ai"), ("MiniMaxAI", "minimax")],
)
def test_packaged_namespaces(registry: Registry, ns: str, org_id: str) -> None:
    assert registry.by_hf_namespace([ns]).iloc[0] == org_id


def test_taiwan_is_never_china_in_registry(registry: Registry) -> None:
    frame = registry.frame
    taiwan = frame[frame["countries"].map(lambda cs: "TWN" in cs)]
    assert len(taiwan) >= 3
    assert not taiwan["countries"].map(lambda cs: "CHN" in cs).any()


@pytest.mark.shared
def test_registry_hq_agrees_with_epoch(shared_data: Path, registry: Registry) -> None:
    """For every organisation Epoch also lists, our HQ is among Epoch's countries for it."""
    from aigap.attribution.countries import map_country_lists

    path = shared_data / "epoch" / "benchmark_runs_2025-11" / "organizations.csv"
    epoch = pd.read_csv(path, dtype=str)
    epoch["org_id"] = registry.by_name(epoch["Organization"].str.strip())
    codes, _ = map_country_lists(epoch["Country"], file=str(path), column="Country")
    epoch["codes"] = codes
    matched = epoch[epoch["org_id"].notna() & epoch["codes"].map(len).gt(0)]
    assert matched["org_id"].nunique() >= 100
    hq = registry.countries_for(matched["org_id"]).str[0]
    ok = [h in cs for h, cs in zip(hq, matched["codes"], strict=True)]
    mismatches = matched.loc[[not x for x in ok], ["Organization", "Country", "org_id"]]
    print(mismatches.to_string())
    assert mismatches.empty
