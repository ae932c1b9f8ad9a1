"""OpenAlex group_by-by-country importer and the claim it tests (hand-written answers)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from aigap.api import import_path, indicators
from aigap.claims.evaluate import Options, evaluate_claims
from aigap.claims.registry import load_claims
from aigap.errors import SchemaError
from aigap.schema import conform
from aigap.sources.base import SourceFile
from aigap.sources.openalex import parse_openalex, query_url
from aigap.store import Store

FIX = Path(__file__).resolve().parent / "fixtures" / "openalex"
Y2019 = (FIX / "openalex-ai-top1pct-cited-2019.json").read_text()


def _parse(text: str, name: str = "openalex-ai-top1pct-cited-2019.json") -> list:  # type: ignore[type-arg]
    return parse_openalex(SourceFile(name=name, data=text.encode()))


def test_answer_becomes_country_rows_for_the_year_in_the_name() -> None:
    (ds,) = _parse(Y2019)
    ind = conform("indicator", ds.frames["indicator"])
    assert ds.source == "openalex" and ds.dataset == "ai-top1pct-cited-2019"
    assert dict(zip(ind["country"], ind["value"], strict=True)) == {
        "CHN": 910.0, "USA": 880.0, "DEU": 90.0}
    assert set(ind["indicator_id"]) == {"openalex:ai-top1pct-cited"}
    assert set(ind["date"].dt.year) == {2019}
    assert set(ind["source_url"]) == {query_url("ai-top1pct-cited", 2019)}
    assert "publication_year:2019" in query_url("ai-top1pct-cited", 2019)


def test_bare_two_letter_keys_are_read_and_hong_kong_stays_apart() -> None:
    text = json.dumps({"group_by": [{"key": "cn", "count": 1}, {"key": "HK", "count": 2}]})
    (ds,) = _parse(text)
    assert ds.frames["indicator"]["country"].tolist() == ["CHN", "HKG"]


@pytest.mark.parametrize(("text", "name", "words", "column"), [
    (Y2019, "openalex-ai-top1pct-cited.json", "file name like", None),
    (Y2019, "openalex-ai-top1pct-cited-2999.json", "publication year", None),
    ("{not json", None, "not an OpenAlex JSON answer", None),
    (json.dumps({"results": []}), None, "group_by", "group_by"),
    (Y2019.replace("countries/DE", "countries/ZZ"), None, "country key", "group_by[2].key"),
    (Y2019.replace("https://openalex.org/countries/DE", "https://openalex.org/I123"), None,
     "authorships.countries", "group_by[2].key"),
    (Y2019.replace('"count": 90', '"count": -90'), None, "whole number", "group_by[2].count"),
    (Y2019.replace('"count": 90', '"count": 90.5'), None, "whole number",
     "group_by[2].count"),
    (Y2019.replace('"count": 90', '"count": "90"'), None, "whole number",
     "group_by[2].count"),
    (Y2019.replace("countries/DE", "countries/CN"), None, "more than once", None),
])
def test_bad_answers_are_refused_naming_file_and_entry(text: str, name: str | None,
                                                       words: str, column: str | None) -> None:
    with pytest.raises(SchemaError) as exc:
        _parse(text, name or "openalex-ai-top1pct-cited-2019.json")
    assert words in str(exc.value)
    assert exc.value.file == (name or "openalex-ai-top1pct-cited-2019.json")
    if column:
        assert exc.value.column == column


def _store(tmp_path: Path, flip: bool) -> Store:
    folder = tmp_path / ("flip" if flip else "as-is")
    folder.mkdir()
    for p in FIX.glob("*.json"):
        text = p.read_text()
        if flip:  # the US ahead in 2019: the claim's overtaking did not happen then
            text = text.replace('"count": 910', '"count": 800')
        (folder / p.name).write_text(text)
    st = Store(tmp_path / f"{folder.name}.duckdb")
    import_path(st, "openalex", folder)
    return st


@pytest.mark.parametrize(("flip", "verdict"), [(False, "supported"), (True, "partly supported")])
def test_the_economist_citation_claim_on_planted_answers(tmp_path: Path, flip: bool,
                                                         verdict: str) -> None:
    st = _store(tmp_path, flip)
    assert len(indicators(["openalex:ai-top1pct-cited"], store=st)) == 7
    (claim,) = [c for c in load_claims(today=date(2026, 12, 1)) if c.id == "economist-2023-cited"]
    (res,) = evaluate_claims([claim], store=st, as_of=date(2026, 1, 1),
                             options=Options(bootstrap=20, seed=1))
    assert res.today.verdict == verdict
    parts = {p.test.year: p for p in res.today.parts}
    assert parts[2018].verdict == "supported"  # 700/820 < 1 in both stores
    assert parts[2019].verdict == ("contradicted" if flip else "supported")
    assert parts[2019].evidence[0].estimate == pytest.approx((800 if flip else 910) / 880)
    st.close()


def test_without_openalex_answers_the_claim_is_untestable(tmp_path: Path) -> None:
    st = Store(tmp_path / "e.duckdb")
    (claim,) = [c for c in load_claims(today=date(2026, 12, 1)) if c.id == "economist-2023-cited"]
    (res,) = evaluate_claims([claim], store=st, as_of=date(2026, 1, 1),
                             options=Options(bootstrap=20, seed=1))
    assert res.today.verdict == "untestable"
    why = res.today.parts[0].evidence[0].explanation
    assert "aigap import openalex" in why and "publication_year:2019" in why  # how to add it
    st.close()
