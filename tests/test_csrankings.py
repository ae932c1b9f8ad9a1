"""CSRankings importer, the institutions query and the claims it tests (hand-written
fixtures in CSRankings' layout; a local HTTP server for the download)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from aigap.api import import_path, institutions
from aigap.claims.evaluate import Options, evaluate_claims
from aigap.claims.schema import Claim
from aigap.errors import QueryError, SchemaError
from aigap.schema import conform
from aigap.sources.base import SourceFile
from aigap.sources.csrankings import parse_csrankings
from aigap.store import Store
from httpserver import LocalHTTPServer

FIX = Path(__file__).resolve().parent / "fixtures" / "csrankings"
AUTHORS = (FIX / "generated-author-info.csv").read_text()
COUNTRIES = (FIX / "country-info.csv").read_text()


def _parse(name: str, text: str) -> list:  # type: ignore[type-arg]
    return parse_csrankings(SourceFile(name=name, data=text.encode()))


def test_author_info_is_summed_per_institution_area_venue_year() -> None:
    (ds,) = _parse("generated-author-info.csv", AUTHORS)
    out = conform("research_output", ds.frames["research_output"])
    assert ds.dataset == "generated-author-info" and ds.data_as_of == date(2022, 1, 1)
    nlp = out[(out["institution"] == "Tsinghua University") & (out["area"] == "nlp")]
    assert nlp[["venue", "year", "authors", "papers", "adjusted"]].values.tolist() == [
        ["acl", 2021, 2, 3.0, 1.3]]
    assert out["venue"].isna().sum() == 3  # no subarea: mlmining, plan, mlmining


def test_old_layout_without_subarea() -> None:
    old = "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != 3)
                    for line in AUTHORS.splitlines())
    (ds,) = _parse("generated-author-info.csv", old)
    assert ds.frames["research_output"]["venue"].isna().all()
    assert ds.frames["research_output"]["papers"].sum() == 21.0


def test_country_info_codes_become_iso3() -> None:
    (ds,) = _parse("country-info.csv", COUNTRIES)
    got = dict(zip(ds.frames["institution"]["institution"], ds.frames["institution"]["country"],
                   strict=True))
    assert got == {"ETH Zurich": "CHE", "Tsinghua University": "CHN",
                   "Zhejiang University": "CHN", "University of Oxford": "GBR"}  # uk -> GBR


@pytest.mark.parametrize(("name", "text", "row", "column", "words"), [
    ("generated-author-info.csv", AUTHORS.replace(",2021\n", ",20x1\n", 1), 2, "year",
     "expected a number"),
    ("generated-author-info.csv", AUTHORS.replace(",2021\n", ",2021.5\n", 1), 2, "year",
     "expected a year"),
    ("generated-author-info.csv", AUTHORS.replace(",2016\n", ",2999\n"), 9, "year",
     "expected a year"),
    ("generated-author-info.csv", AUTHORS.replace(",4.0,", ",-4.0,"), 5, "count",
     "non-negative"),
    ("generated-author-info.csv", AUTHORS.replace("0.75", "0,75"), None, None,
     "8 cells where the header has 7"),
    ("generated-author-info.csv", AUTHORS.replace("Ben Oakes,Northfield University",
                                                  "Ben Oakes,"), 4, "dept", "empty cell"),
    ("generated-author-info.csv", AUTHORS.replace('"adjustedcount"', '"adjusted"'), None,
     None, "not a CSRankings file"),
    ("generated-author-info.csv", AUTHORS.replace('"year"', '"yr"'), None, "year",
     "missing"),
    ("country-info.csv", COUNTRIES.replace(",ch\n", ",zz\n"), 2, "countryabbrv",
     "two-letter"),
    ("country-info.csv", COUNTRIES.replace(",ch\n", ",\n"), 2, "countryabbrv", "empty cell"),
    ("country-info.csv", COUNTRIES + "ETH Zurich,europe,ch\n", 6, "institution", "twice"),
])
def test_bad_files_are_refused_naming_row_and_column(name: str, text: str, row: int | None,
                                                     column: str | None, words: str) -> None:
    with pytest.raises(SchemaError) as exc:
        _parse(name, text)
    assert words in str(exc.value)
    assert exc.value.file == name
    if row is not None:
        assert exc.value.row == row
    if column is not None:
        assert exc.value.column == column


@pytest.fixture
def loaded(tmp_path: Path) -> Store:
    st = Store(tmp_path / "s.duckdb")
    import_path(st, "csrankings", FIX)
    yield st
    st.close()


def test_institutions_ranked_with_countries(loaded: Store) -> None:
    table = institutions(since=2018, until=2022, store=loaded)
    assert table[["rank", "institution", "country", "country_listed"]].values.tolist() == [
        [1, "Tsinghua University", "CHN", True],     # 1.5 + 0.8 + 0.5 adjusted
        [2, "Northfield University", "USA", False],  # 0.75 + 0.5 + 1.25
        [3, "ETH Zurich", "CHE", True]]
    # planning (not an AI area) and 2016 papers are left out
    assert "Westbrook Institute of Technology" not in set(table["institution"])
    assert "Zhejiang University" not in set(table["institution"])
    wider = institutions(since=2016, until=2022, store=loaded)
    assert "Zhejiang University" in set(wider["institution"])
    every = institutions(["ai", "plan"], store=loaded)
    assert set(every["institution"]) == {"Northfield University", "Tsinghua University",
                                         "Westbrook Institute of Technology"}
    # every year: Zhejiang (2016) enters, and keeps its rank among all countries
    assert institutions(countries=["CHN"], store=loaded)["rank"].tolist() == [1, 4]


def test_no_csrankings_data_is_a_query_error_saying_how(tmp_path: Path) -> None:
    st = Store(tmp_path / "e.duckdb")
    with pytest.raises(QueryError, match="aigap update --source csrankings"):
        institutions(store=st)
    st.close()


def _claim(**test: object) -> Claim:
    base = {"family": "institutions", "since": "2018-01-01", "year": 2022,
            "unit": "institutions"}
    return Claim.model_validate({"id": "t", "speaker": "s", "publication": "p",
                                 "date": "2023-06-01", "claim": "a planted test claim",
                                 "tests": [base | test]})


@pytest.mark.parametrize(("test", "verdict", "estimate"), [
    ({"country": "CHN", "value": 1, "low": 1, "high": 1}, "supported", 1.0),
    ({"country": "CHN", "value": 3, "low": 2, "high": 4}, "contradicted", 1.0),
    ({"country": "USA", "statistic": "top_n", "top": 2, "value": 1, "low": 1, "high": 1},
     "supported", 1.0),
    ({"country": "USA", "statistic": "top_n", "top": 1, "value": 1, "low": 1, "high": 1},
     "contradicted", 0.0),
])
def test_planted_institution_claims(loaded: Store, test: dict[str, object], verdict: str,
                                    estimate: float) -> None:
    (res,) = evaluate_claims([_claim(**test)], store=loaded, as_of=date(2026, 1, 1),
                             options=Options(bootstrap=20, seed=1))
    part = res.today.tests[0]
    assert part.verdict == verdict
    assert part.evidence[0].estimate == estimate


def test_without_the_data_the_claim_is_untestable_and_says_which(tmp_path: Path) -> None:
    st = Store(tmp_path / "e.duckdb")
    (res,) = evaluate_claims([_claim(country="CHN", value=1, low=1, high=1)], store=st,
                             as_of=date(2026, 1, 1), options=Options(bootstrap=20, seed=1))
    assert res.today.verdict == "untestable"
    assert "CSRankings" in res.today.tests[0].evidence[0].explanation
    st.close()


def test_update_downloads_csrankings_from_the_publisher_url(cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for name in ("generated-author-info.csv", "country-info.csv"):
        (site / name).write_text((FIX / name).read_text())
    with LocalHTTPServer(site) as server:
        monkeypatch.setenv("AIGAP_MIRROR_URL", server.url(""))
        r = cli("update", "--source", "csrankings", "--format", "json")
    assert r.code == 0, r.err
    datasets = {d["dataset"]: d for d in json.loads(r.out)["datasets"]}
    assert datasets["generated-author-info"]["status"] == "imported"
    assert datasets["country-info"]["rows"] == 4


def test_institutions_command_json_and_errors(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", "csrankings", str(FIX)).code == 0
    r = cli("institutions", "--since", "2018", "--until", "2022", "-c", "CHN", "--format",
            "json")
    assert r.code == 0, r.err
    rows = json.loads(r.out)["rows"]
    assert [(x["rank"], x["institution"]) for x in rows] == [(1, "Tsinghua University")]
    r = cli("institutions", "--since", "2030")
    assert r.code == 2 and "no CSRankings paper" in r.err and "Traceback" not in r.err
    r = cli("institutions", "--top", "0")
    assert r.code == 2 and "--top" in r.err


def test_newer_layout_with_conferences_in_the_area_column() -> None:
    """Newer files name the conference in ``area`` (``nips``, ``acl``) and older ones call
    information retrieval ``ir``: both are stored as CSRankings' area + conference."""
    text = ('"name","dept","area","count","adjustedcount","year"\n'
            "Ada Quill,Northfield University,nips,2.0,0.5,2022\n"
            "Ada Quill,Northfield University,acl,1.0,0.5,2022\n"
            "Ben Oakes,Northfield University,ir,1.0,0.25,2022\n"
            "Ben Oakes,Northfield University,popl,1.0,0.25,2022\n")
    (ds,) = _parse("generated-author-info.csv", text)
    out = ds.frames["research_output"].sort_values("area")
    assert out[["area", "venue"]].fillna("").values.tolist() == [
        ["inforet", ""], ["mlmining", "nips"], ["nlp", "acl"], ["popl", ""]]
