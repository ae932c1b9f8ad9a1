"""Acceptance checks on the real shared mirror (skipped when ../shared/data is absent):
importing twice changes nothing; arena lags, gaps and the language comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = [pytest.mark.shared, pytest.mark.slow]


def test_update_epoch_twice_reports_no_changes(cli, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    first = json.loads(cli("update", "--from", str(shared_data / "epoch"), "--format",
                           "json").out)
    assert first["imported"] >= 55
    second = cli("update", "--from", str(shared_data / "epoch"), "--format", "json")
    assert second.code == 0
    out = json.loads(second.out)
    assert out["imported"] == 0
    # every vintage stored by the first run is recognised (files already seen are not even
    # parsed again, so a copy the first run met twice is counted once)
    assert first["imported"] <= out["unchanged"] <= first["imported"] + first["unchanged"]


def test_arena_lag_gap_and_languages(cli, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("update", "--from", str(shared_data / "lmarena"), "--format", "json")
    assert r.code == 0, r.err
    lag = json.loads(cli("lag", "--metric", "arena_text", "--bootstrap", "200", "--format",
                         "json").out)
    stats = {s["statistic"]: s for s in lag["summary"]}
    assert stats["lag_mean"]["lower"] <= stats["lag_mean"]["estimate"] <= stats["lag_mean"][
        "upper"]
    assert lag["n_models"]["USA"] > 50
    assert lag["n_models"]["China"] > 10
    gap = json.loads(cli("arena", "--format", "json", "--draws", "300").out)["rows"]
    assert len(gap) > 50
    with_ci = [g for g in gap if g["gap_pct_lower"] is not None]
    assert with_ci  # the catalog snapshots carry rating intervals
    for g in with_ci:
        assert g["gap_pct_lower"] <= g["gap_pct"] <= g["gap_pct_upper"]
        assert 0.0 <= g["p_leader_ahead"] <= 1.0
    lang = json.loads(cli("arena", "--languages", "--format", "json", "--draws", "300").out)
    snapshots = sorted(p.name[17:27] for p in
                       (shared_data / "lmarena/arena_catalog_history").glob("*.json"))
    assert [row["date"] for row in lang["rows"]] == snapshots
    for row in lang["rows"]:
        assert row["difference_lower"] <= row["difference_points"] <= row["difference_upper"]
    print(lag["sentence"])
