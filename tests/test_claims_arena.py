"""Arena parts read the snapshot the claim refers to, leave out anonymous/pre-release
entries, and carry rating uncertainty when the history publishes none (planted store)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from aigap.claims.evaluate import Options, evaluate_claim_at
from aigap.claims.schema import Claim
from aigap.errors import QueryError
from aigap.sources.base import ParsedDataset, SourceFile
from aigap.store import Store

OPTS = Options(bootstrap=200, seed=3, compute_boot=40)


def _rows() -> pd.DataFrame:
    rows = []

    def rate(key: str, country: str, day: str, value: float,
             half: float | None = None) -> None:
        rows.append({"model_key": key, "model_name": key, "metric": "arena_text",
                     "value": value, "scale": "rating", "release_date": "2024-01-01",
                     "organizations": [f"Lab {country}"], "countries": [country],
                     "observed_on": day, "lower": None if half is None else value - half,
                     "upper": None if half is None else value + half})

    # 2025-02-01: a history snapshot without intervals: 1220 vs 1200 -> 1.667%
    rate("us-b", "USA", "2025-02-01", 1220)
    rate("cn-a", "CHN", "2025-02-01", 1200)
    # 2025-02-20: an anonymous pre-release entry tops the US side
    rate("us-b", "USA", "2025-02-20", 1220)
    rate("early-us-x", "USA", "2025-02-20", 1260)
    rate("cn-a", "CHN", "2025-02-20", 1200)
    # 2025-03-10: a snapshot with intervals (+/-4), used for the typical half-width
    rate("us-b", "USA", "2025-03-10", 1222, 4)
    rate("cn-a", "CHN", "2025-03-10", 1201, 4)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("arena") / "arena.duckdb"
    with Store(path) as st:
        st.import_datasets([ParsedDataset("planted", "planted_arena",
                                          SourceFile("a.csv", b"a"), {"score": _rows()},
                                          data_as_of=date(2025, 3, 10))])
    st = Store(path)
    yield st
    st.close()


def test_snapshot_leaves_out_prerelease_entries(store: Store) -> None:
    from aigap.api.ratings import arena_snapshot

    snap = arena_snapshot(at="2025-02-28", store=store, n=200)
    assert snap["date"] == date(2025, 2, 20) and snap["leader_model"] == "us-b"
    assert snap["excluded"] == ["early-us-x"]
    assert snap["gap_pct"] == pytest.approx(100 * 20 / 1200)
    kept = arena_snapshot(at="2025-02-28", exclude=(), store=store, n=200)
    assert kept["leader_model"] == "early-us-x" and kept["gap_pct"] > snap["gap_pct"]
    with pytest.raises(QueryError, match="at: no"):
        arena_snapshot(at="2025-01-15", store=store)


def test_rating_uncertainty_assumed_where_the_history_has_none(store: Store) -> None:
    from aigap.api.ratings import arena_rating_halfwidth, arena_snapshot

    assert arena_rating_halfwidth(store=store) == pytest.approx(4.0)
    bare = arena_snapshot(at="2025-02-01", store=store, n=200)
    assert math.isnan(bare["gap_pct_lower"])
    snap = arena_snapshot(at="2025-02-01", assumed_halfwidth=4.0, store=store, n=400)
    assert snap["gap_pct_lower"] < snap["gap_pct"] < snap["gap_pct_upper"]
    assert "assumed" in snap["interval"]


def _claim(**test: object) -> Claim:
    return Claim.model_validate({
        "id": "arena-part", "speaker": "s", "publication": "p", "date": "2025-04-01",
        "claim": "the arena gap was about 1.7% in February",
        "tests": [{"family": "arena_pct_gap", "at": "2025-02-28", "value": 1.7, "low": 1.65,
                   "high": 1.75, "unit": "%", **test}]})


def test_arena_part_supported_only_without_the_prerelease_entry(store: Store) -> None:
    dv = evaluate_claim_at(store, _claim(), date(2025, 4, 1), OPTS)
    part = dv.tests[0]
    assert part.verdict == "supported"
    ev = part.headline_evidence
    assert ev is not None and ev.detail["excluded"] == ["early-us-x"]
    assert "assumed" in ev.explanation  # the history gave no intervals: it says so
    counted = evaluate_claim_at(store, _claim(exclude_models=[]), date(2025, 4, 1), OPTS)
    assert counted.tests[0].verdict == "contradicted"  # 5.0% with early-us-x on top
