"""Claim evaluation on a planted store (every verdict kind) and on the real shared data."""

from __future__ import annotations

import importlib.util
import math
from datetime import date
from pathlib import Path

import pytest

from aigap.claims.evaluate import Options, evaluate_claim_at, evaluate_claims
from aigap.claims.registry import load_claims, load_file
from aigap.claims.schema import Claim
from aigap.store import Store

FIX = Path(__file__).resolve().parent / "fixtures" / "claims"
OPTS = Options(bootstrap=60, seed=1, compute_boot=60)


def _planted_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("claims_planted", FIX / "planted.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = _planted_module().build(tmp_path_factory.mktemp("claims") / "planted.duckdb")
    st = Store(path)
    yield st
    st.close()


def _claim(**test: object) -> Claim:
    return Claim.model_validate({
        "id": "t", "speaker": "s", "publication": "p", "date": test.pop("date", "2024-01-01"),
        "claim": "a planted test claim", "tests": [test]})


def test_each_verdict_kind_on_planted_data(store: Store) -> None:
    claims = load_file(FIX / "planted_claims.yaml", today=date(2026, 1, 1))
    res = {r.claim.id: r for r in evaluate_claims(claims, store=store, as_of=date(2024, 3, 1),
                                                  options=OPTS)}
    assert res["planted-supported"].at_claim.verdict == "supported"
    assert res["planted-contradicted"].at_claim.verdict == "contradicted"
    assert res["planted-inconclusive"].at_claim.verdict == "inconclusive"
    assert res["planted-untestable"].at_claim.verdict == "untestable"
    assert res["planted-recorded"].at_claim.verdict == "recorded"
    assert res["planted-recorded"].at_as_of.verdict == "recorded"
    # the untestable claim becomes testable later (as of 2024-03-01, data end 2024-01-01)
    assert res["planted-untestable"].at_as_of.verdict == "contradicted"


def test_planted_lag_recovered_with_evidence(store: Store) -> None:
    dv = evaluate_claim_at(store, _claim(family="capability_lag", metrics=["eci"], low=5,
                                         high=7), date(2024, 1, 1), OPTS)
    ev = dv.tests[0].evidence[0]
    assert ev.estimate == pytest.approx(185 / 30.44, abs=0.01)
    assert ev.lower is not None and ev.upper is not None
    assert ev.lower <= ev.estimate <= ev.upper
    assert ev.verdict == "supported" and ev.metric == "eci"
    assert "6.1 months" in ev.explanation and "2024-01-01" in ev.explanation
    assert "inclusive attribution" in ev.explanation
    d = dv.to_dict()
    assert d["tests"][0]["headline_metric"] == "eci"
    assert d["tests"][0]["evidence"][0]["data"]["vintage_ids"]


def test_default_metrics_each_shown_and_headline_is_eci(store: Store) -> None:
    dv = evaluate_claim_at(store, _claim(family="capability_lag", low=5, high=7),
                           date(2024, 1, 1), OPTS)
    t = dv.tests[0]
    assert [e.metric for e in t.evidence] == ["eci", "gpqa_diamond", "mmlu", "arena_text"]
    assert t.evidence[1].verdict == "untestable"  # no gpqa_diamond scores planted
    assert t.headline_evidence is not None and t.headline_evidence.metric == "eci"
    assert "eci" in t.reason


def test_arena_gap_interval(store: Store) -> None:
    dv = evaluate_claim_at(store, _claim(family="arena_pct_gap", low=2, high=6, date="2024-03-01"),
                           date(2024, 3, 1), OPTS)
    ev = dv.tests[0].evidence[0]
    assert ev.estimate == pytest.approx(4.0)
    # The interval simulates the ratings (as `aigap arena` does): inside the worst/best case.
    assert 100 * 30 / 1260 < ev.lower < 4.0 < ev.upper < 100 * 70 / 1240
    assert ev.verdict == "supported"
    from aigap.api import arena_gap

    row = arena_gap("USA", "China", as_of="2024-03-01", n=OPTS.bootstrap, seed=OPTS.seed,
                    level=OPTS.level, store=store).iloc[-1]
    assert (ev.lower, ev.upper) == (row["gap_pct_lower"], row["gap_pct_upper"])
    far = evaluate_claim_at(store, _claim(family="arena_pct_gap", low=10, high=20,
                                          date="2024-03-01"), date(2024, 3, 1), OPTS)
    assert far.verdict == "contradicted"


def test_parity_as_of_dates(store: Store) -> None:
    kw = dict(family="parity", reference_models=["gpt-3"], reference_date="2020-05-28",
              metrics=["mmlu"], low=18, high=24)
    later = evaluate_claim_at(store, _claim(**kw), date(2023, 6, 1), OPTS)
    ev = later.tests[0].evidence[0]
    assert ev.estimate == pytest.approx(610 / 30.44)
    assert ev.detail["same_setting"] is True and ev.detail["setting"] == "5-shot"
    assert later.verdict == "supported"
    early = evaluate_claim_at(store, _claim(**kw), date(2021, 12, 31), OPTS)
    ev = early.tests[0].evidence[0]
    assert ev.estimate is None and ev.upper == math.inf
    assert early.verdict == "inconclusive"  # not reached yet; could still fall in range
    kw.update(low=6, high=12)
    assert evaluate_claim_at(store, _claim(**kw), date(2023, 6, 1), OPTS).verdict == \
        "contradicted"


def test_count_uses_current_edition_or_untestable(store: Store) -> None:
    kw = dict(family="count", indicator="top500_systems", country="CHN", low=186, high=186)
    ok = evaluate_claim_at(store, _claim(**kw, date="2021-09-01"), date(2021, 9, 1), OPTS)
    assert ok.verdict == "supported"
    assert ok.tests[0].evidence[0].detail["edition"] == "2021-06-01"
    stale = evaluate_claim_at(store, _claim(**kw, date="2023-07-01"), date(2023, 7, 1), OPTS)
    assert stale.verdict == "untestable"
    assert "2021-06-01" in stale.explanation


def test_trend_needs_90_days(store: Store) -> None:
    dv = evaluate_claim_at(store, _claim(family="trend", metrics=["eci"], direction="closing",
                                         date="2024-01-01"), date(2024, 1, 1), OPTS)
    assert dv.verdict == "untestable"
    assert "days of data after the claim" in dv.explanation


@pytest.mark.slow
def test_real_data_every_testable_claim_gets_a_verdict(shared_data: Path,
                                                       tmp_path: Path) -> None:
    import warnings

    from aigap.api.data import update_from_dir
    from aigap.claims.evaluate import results_frame

    with Store(tmp_path / "real.duckdb") as st:
        for sub in ("epoch", "lmarena", "top500"):
            update_from_dir(st, shared_data / sub)
        claims = [c for c in load_claims() if c.testable]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = evaluate_claims(claims, store=st, as_of=date(2026, 6, 1),
                                  options=Options(bootstrap=30, compute_boot=30))
    frame = results_frame(res)
    print(frame.drop(columns=["claim"]).to_string())
    assert len(res) == len(claims) >= 15
    valid = {"supported", "contradicted", "inconclusive", "untestable"}
    for r in res:
        for dv in (r.at_claim, r.at_as_of):
            assert dv.verdict in valid
            assert dv.explanation
            for t in dv.tests:
                for e in t.evidence:
                    assert e.explanation and e.method
    # the best-covered claims get a real verdict at the later date
    assert {r.claim.id: r.at_as_of.verdict for r in res}["economist-2023-2to3y"] != "untestable"
