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
    # today's data about the same period (2021) still holds no follower model then: the
    # second question is about the claim's period, not a re-test on later data
    assert res["planted-untestable"].today.verdict == "untestable"
    assert res["planted-untestable"].today.question == "today_same_period"
    assert res["planted-untestable"].come_true is None  # not a claim about the future


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
    assert d["parts"][0]["headline_metric"] == "eci"
    assert d["parts"][0]["evidence"][0]["data"]["vintage_ids"]


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
    from aigap.api.ratings import arena_snapshot

    row = arena_snapshot("USA", "China", at="2024-03-01", n=max(OPTS.bootstrap, 200),
                         seed=OPTS.seed, level=OPTS.level, store=store)
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
    # absence: before the Chinese match exists in the data, the claim is untestable (a
    # benchmark file missing a model is not evidence that none existed), with the reason
    early = evaluate_claim_at(store, _claim(**kw), date(2021, 12, 31), OPTS)
    ev = early.tests[0].evidence[0]
    assert ev.estimate is None and ev.upper == math.inf
    assert early.verdict == "untestable"
    assert "not evidence" in ev.explanation and "would settle it" in ev.explanation
    # a match after the claimed window does not show there was none inside it
    kw.update(low=6, high=12)
    late = evaluate_claim_at(store, _claim(**kw), date(2023, 6, 1), OPTS)
    assert late.verdict == "untestable" and late.tests[0].evidence[0].estimate is not None
    # a match before the claimed window is evidence against it
    kw.update(low=24, high=36)
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
    claim = _claim(family="trend", metrics=["eci"], direction="closing", date="2024-01-01")
    res = evaluate_claims([claim], store=store, as_of=date(2024, 1, 15), options=OPTS)[0]
    assert res.come_true is not None  # a trend claim is about what happens next
    assert res.come_true.verdict == "untestable"
    assert "days of data" in res.come_true.explanation


@pytest.mark.slow
def test_real_data_every_testable_claim_gets_a_verdict(shared_data: Path,
                                                       tmp_path: Path) -> None:
    import warnings

    from aigap.api.data import update_from_dir
    from aigap.claims.evaluate import results_frame

    with Store(tmp_path / "real.duckdb") as st:
        for sub in ("epoch", "lmarena"):
            update_from_dir(st, shared_data / sub)
        claims = [c for c in load_claims() if c.testable]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = evaluate_claims(claims, store=st, as_of=date(2026, 6, 1),
                                  options=Options(bootstrap=30, compute_boot=30))
    frame = results_frame(res)
    print(frame.drop(columns=["claim"]).to_string())
    assert len(res) == len(claims) >= 15
    valid = {"supported", "partly supported", "contradicted", "inconclusive", "untestable"}
    for r in res:
        for dv in (r.at_claim, r.at_as_of):
            assert dv.verdict in valid
            assert dv.explanation
            for t in dv.tests:
                for e in t.evidence:
                    assert e.explanation and e.method
    by_id = {r.claim.id: r for r in res}
    # claims the issue listed as "only recorded" now have verdicts from the data
    assert by_id["economist-2023-nvidia-half"].today.verdict == "supported"
    assert by_id["economist-2023-nvidia-slower"].today.verdict != "untestable"
    assert by_id["lw-2023-h800"].today.verdict != "untestable"
    # epoch-2026-7mo: the mean part is consistent; the minimum part explains itself
    e7 = by_id["epoch-2026-7mo"].today
    assert e7.verdict != "contradicted"
    mean, minimum = e7.tests[0], e7.tests[1]
    assert mean.verdict == "supported"
    assert "saw-tooth" in minimum.explanation and "fell on" in minimum.explanation
    # ding-2023-gpt3-parity: no Chinese model at or above GPT-3 in the window -> untestable
    assert by_id["ding-2023-gpt3-parity"].today.verdict == "untestable"
    # aiindex-2025-arena: the February-2025 part reproduces 1.70% and is supported
    feb = next(t for t in by_id["aiindex-2025-arena"].today.tests
               if "February 2025" in (t.test.label or ""))
    ev = feb.headline_evidence
    assert ev is not None and abs((ev.estimate or 0) - 1.70) <= 0.05
    assert feb.verdict == "supported" and ev.lower is not None and ev.lower < ev.estimate
    # each part in the JSON carries claimed, measured, interval, tolerance and verdict
    part = by_id["epoch-2026-7mo"].to_dict()["questions"]["today_same_period"]["parts"][0]
    assert {"claimed", "measured", "tolerance", "verdict", "why"} <= set(part)
    assert {"estimate", "lower", "upper"} <= set(part["measured"])


def test_claim_after_the_evaluation_date_is_untestable(store: Store) -> None:
    claim = _claim(family="capability_lag", metrics=["eci"], low=5, high=7)  # 2024-01-01
    res = evaluate_claims([claim], store=store, as_of=date(2023, 6, 1), options=OPTS)[0]
    assert res.at_time.verdict == res.today.verdict == "untestable"
    assert "dated after the evaluation date" in res.today.explanation
