"""One question, one answer: every door (Python API, CLI JSON, web API, report, claims)
gives the identical estimate and interval for the same question on the real data."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.shared]

QUESTION = {"leader": "USA", "follower": "CHN", "metric": "eci", "as_of": "2026-01-02",
            "since": "2023-01-01", "seed": 0}


@pytest.fixture
def store(mirror_store: Any) -> Any:
    return mirror_store


def _mean(summary: list[dict[str, Any]]) -> tuple[float, float, float]:
    row = next(r for r in summary if r["statistic"] == "lag_mean")
    return row["estimate"], row["lower"], row["upper"]


def test_lag_is_the_same_through_every_door(store: Any, mirror_home: Path,
                                            cli: Callable[..., Any],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    import aigap
    from aigap.claims import evaluate_claims, load_claims
    from aigap.report.build import build_report
    from aigap.web.app import create_app

    q = QUESTION
    api = aigap.lag(q["leader"], q["follower"], q["metric"], as_of=q["as_of"],
                    since=q["since"], seed=q["seed"], store=store)
    expected = _mean(api.to_dict()["summary"])
    assert expected[1] < expected[0] < expected[2]

    monkeypatch.setenv("AIGAP_HOME", str(mirror_home))
    r = cli("lag", "--leader", "USA", "--follower", "CHN", "--metric", "eci", "--as-of",
            q["as_of"], "--since", q["since"], "--format", "json")
    assert r.code == 0, r.err
    assert _mean(json.loads(r.out)["summary"]) == expected

    web = TestClient(create_app(store=store)).get("/api/lag", params=q)
    assert web.status_code == 200, web.text
    assert _mean(web.json()["summary"]) == expected

    data = build_report(q["leader"], q["follower"], as_of=q["as_of"], since=q["since"],
                        metrics=["eci"], store=store)
    row = data.headline[0]
    assert (row["lag_mean"], row["lag_lower"], row["lag_upper"]) == expected

    claim = [c for c in load_claims() if c.id == "epoch-2026-7mo"]
    result = evaluate_claims(claim, store=store)[0]
    ev = [e for t in result.at_claim.tests for e in t.evidence if e.statistic == "lag_mean"]
    assert ev, result.to_dict()
    assert (ev[0].estimate, ev[0].lower, ev[0].upper) == expected


def test_trend_compute_and_arena_are_the_same_through_every_door(
        store: Any, mirror_home: Path, cli: Callable[..., Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    import aigap
    from aigap.web.app import create_app

    monkeypatch.setenv("AIGAP_HOME", str(mirror_home))
    client = TestClient(create_app(store=store))
    q = QUESTION

    tr = aigap.trend("USA", "CHN", "eci", as_of=q["as_of"], since=q["since"], store=store)
    r = cli("trend", "--leader", "USA", "--follower", "CHN", "--metric", "eci", "--as-of",
            q["as_of"], "--since", q["since"], "--format", "json")
    assert r.code == 0, r.err
    web = client.get("/api/trend", params={k: q[k] for k in
                                           ("leader", "follower", "metric", "as_of", "since")})
    assert web.status_code == 200, web.text
    assert json.loads(r.out)["lag_trend"] == web.json()["lag_trend"] \
        == json.loads(json.dumps(tr.to_dict()["lag_trend"]))

    comp = aigap.compute("ROW", "China", as_of="2025-01-22", store=store)
    r = cli("compute", "--leader", "ROW", "--follower", "China", "--as-of", "2025-01-22",
            "--format", "json")
    assert r.code == 0, r.err
    web = client.get("/api/compute", params={"leader": "ROW", "follower": "China",
                                             "as_of": "2025-01-22"})
    assert web.status_code == 200, web.text
    expected = json.loads(json.dumps(comp.to_dict()["gap"]))
    assert json.loads(r.out)["gap"] == web.json()["gap"] == expected

    arena = aigap.arena_gap("USA", "China", store=store)
    r = cli("arena", "--format", "json")
    assert r.code == 0, r.err
    cli_last = json.loads(r.out)["rows"][-1]
    last = arena.iloc[-1]
    assert (cli_last["gap_pct"], cli_last["gap_pct_lower"], cli_last["gap_pct_upper"]) == (
        last["gap_pct"], last["gap_pct_lower"], last["gap_pct_upper"])
