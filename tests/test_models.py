"""`aigap models` / aigap.models: filters and attribution rules, on fixtures and real data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

MIRROR = Path(__file__).parent / "fixtures" / "epoch" / "mirror"


def names(cli, *args: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    r = cli("models", *args, "--format", "json")
    assert r.code == 0, r.err
    return {m["name"]: m["weight"] for m in json.loads(r.out)["models"]}


@pytest.fixture
def loaded(cli):  # type: ignore[no-untyped-def]
    assert cli("update", "--from", str(MIRROR)).code == 0
    return cli


def test_rules_on_fixture(loaded) -> None:  # type: ignore[no-untyped-def]
    china_any = {"DeepSeek-V3", "Qwen2.5-72B", "Joint Model A", "Joint Model B", "HK Model",
                 "Comma Org Model", "Qwen2.5-72B-Instruct-FT"}
    assert set(names(loaded, "--country", "CHN")) == china_any
    assert set(names(loaded, "--country", "China", "-a", "exclusive")) == (
        china_any - {"Joint Model A", "Joint Model B"})
    assert set(names(loaded, "--country", "CHN", "-a", "hq")) == china_any - {"Joint Model A"}
    frac = names(loaded, "--country", "CHN", "-a", "fractional")
    assert frac["Joint Model A"] == pytest.approx(0.5)
    assert frac["DeepSeek-V3"] == pytest.approx(1.0)
    # Taiwan is never China; Hong Kong alone is its own country.
    assert "Taiwan Model" not in names(loaded, "--country", "CHN")
    assert set(names(loaded, "--country", "HKG")) == {"HK Model"}
    us = names(loaded, "--country", "US")
    assert {"GPT-4", "Gemini 1.5 Pro", "Joint Model A", "Joint Model B"} <= set(us)
    assert "Gemini 1.5 Pro" in names(loaded, "--country", "GBR")


def test_filters_on_fixture(loaded) -> None:  # type: ignore[no-untyped-def]
    got = names(loaded, "--country", "CHN", "--since", "2025-01-01", "--until", "2025-05-31")
    assert set(got) == {"Joint Model A", "Joint Model B", "Comma Org Model",
                        "Qwen2.5-72B-Instruct-FT"}
    assert set(names(loaded, "--country", "CHN", "--open")) == {
        "DeepSeek-V3", "Qwen2.5-72B", "HK Model", "Qwen2.5-72B-Instruct-FT"}
    assert set(names(loaded, "--closed", "--country", "USA")) == {
        "GPT-4", "Gemini 1.5 Pro", "Joint Model A", "Joint Model B"}
    assert set(names(loaded, "--org", "deepseek")) == {"DeepSeek-V3"}
    assert set(names(loaded, "--org", "Mistral")) == {"Mistral Large 2"}  # registry alias
    assert set(names(loaded, "--as-of", "2024-01-01")) == {"GPT-4"}


def test_json_carries_query_and_data(loaded) -> None:  # type: ignore[no-untyped-def]
    r = loaded("models", "--country", "CHN", "--format", "json")
    out = json.loads(r.out)
    assert out["query"]["group"] == "China"
    assert out["query"]["attribution"] == "inclusive"
    assert "all_ai_models" in out["data"]["vintage_ids"]
    assert out["count"] == len(out["models"])
    r = loaded("models", "--country", "CHN", "--format", "csv")
    frame = pd.read_csv(__import__("io").StringIO(r.out))
    assert len(frame) == out["count"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--country", "Atlantis"), "unknown group 'Atlantis'"),
        (("--since", "2025-12-01", "--until", "2025-01-01"), "is after --until"),
        (("--since", "01/02/2025"), "--since: expected a date"),
        (("--attribution", "majority"), "unknown attribution rule 'majority'"),
    ],
)
def test_bad_flags_exit_2(loaded, args: tuple[str, ...], needle: str) -> None:  # type: ignore[no-untyped-def]
    r = loaded("models", *args)
    assert r.code == 2
    assert needle in r.err
    assert len(r.err.strip().splitlines()) == 1


CHINA_NAMES = {"China", "Hong Kong", "Macao", "Macau"}


def _independent(path: Path) -> pd.DataFrame:
    """China attribution computed straight from the raw CSV, without aigap's code."""
    raw = pd.read_csv(path, dtype=str)
    country_col = next(c for c in raw.columns if c.startswith("Country"))
    raw = raw[raw["Publication date"].between("2025-01-01", "2025-12-31")]
    raw = raw.assign(name=raw["Model"].str.strip())
    raw = raw.drop_duplicates("name")
    lists = raw[country_col].fillna("").map(
        lambda s: [p.strip() for p in re.split(r",(?!\s)", s) if p.strip()
                   and p.strip() != "Multinational"])
    raw["any_cn"] = lists.map(lambda xs: any(x in CHINA_NAMES for x in xs))
    raw["all_cn"] = lists.map(lambda xs: bool(xs) and all(x in CHINA_NAMES for x in xs))
    raw["hq_cn"] = lists.map(lambda xs: bool(xs) and xs[0] in CHINA_NAMES)
    return raw


@pytest.mark.shared
@pytest.mark.slow
def test_real_2026_vintage_china_2025(cli, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    path = shared_data / "epoch/ai_models_2026-03/all_ai_models.csv"
    assert cli("import", "epoch-models", str(path)).code == 0
    ref = _independent(path)
    base = ("--country", "CHN", "--since", "2025-01-01", "--until", "2025-12-31")
    inclusive = set(names(cli, *base))
    exclusive = set(names(cli, *base, "--attribution", "exclusive"))
    hq = set(names(cli, *base, "--attribution", "hq"))
    assert inclusive == set(ref.loc[ref["any_cn"], "name"])
    assert exclusive == set(ref.loc[ref["all_cn"], "name"])
    assert hq == set(ref.loc[ref["hq_cn"], "name"])
    assert exclusive <= hq <= inclusive
    assert len(inclusive) > 150
    print(f"China 2025: inclusive {len(inclusive)}, hq {len(hq)}, exclusive {len(exclusive)}")
