"""aigap.lag / aigap.trend and the `lag` / `trend` commands, end to end through the store.

Planted answers go in as score rows of a real store; the real-data test re-implements the
daily-lag definition naively (a loop over days) and compares day by day.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aigap.api.capability import lag, trend
from aigap.errors import QueryError
from aigap.sources.base import ParsedDataset, SourceFile
from aigap.store import Store

DAYS_PER_MONTH = 30.44


def score_rows(models: list[tuple[str, str, float, list[str]]]) -> pd.DataFrame:
    return pd.DataFrame({
        "model_key": [m[0] for m in models],
        "model_name": [m[0] for m in models],
        "metric": "planted",
        "value": [m[2] for m in models],
        "scale": "index",
        "release_date": pd.to_datetime([m[1] for m in models]),
        "countries": [m[3] for m in models],
        "organizations": [["Org"] for _ in models],
        "provenance": "epoch",
    })


def planted_store(path: Path, rows: pd.DataFrame) -> Store:
    store = Store(path)
    ds = ParsedDataset("epoch-benchmarks", "benchmark:planted",
                       SourceFile("planted.csv", rows.to_csv().encode()), {"score": rows},
                       data_as_of=rows["release_date"].max().date())
    store.import_datasets([ds])
    return store


def shifted(shift_days: int, n: int = 300) -> pd.DataFrame:
    """Leader sets a record every day; follower is the leader moved ``shift_days`` later."""
    start = pd.Timestamp("2023-01-01")
    lead = [(f"us-{i}", (start + pd.Timedelta(days=i)).date().isoformat(), 100.0 + i,
             ["USA"]) for i in range(n)]
    foll = [(f"cn-{i}", (start + pd.Timedelta(days=i + shift_days)).date().isoformat(),
             100.0 + i, ["CHN"]) for i in range(n)]
    return score_rows(lead + foll)


def test_planted_shift_recovered_through_the_store(tmp_path: Path) -> None:
    with planted_store(tmp_path / "s.duckdb", shifted(180)) as st:
        r = lag("USA", "China", "planted", tau=0, bootstrap=200, seed=1, store=st)
        # After the leader's last record (day 299) the follower catches up on day 479.
        assert r.series["lag_days"].iloc[-1] == 0
        r = lag("USA", "China", "planted", tau=0, bootstrap=200, seed=1, as_of="2023-12-31",
                store=st)
    lagged = r.series["lag_days"].to_numpy()
    assert len(lagged) == 365 - 180  # the first records are kept (censored days excluded)
    assert (lagged == 180).all()
    h = r.headline
    assert h["estimate"] == pytest.approx(180 / DAYS_PER_MONTH)
    assert h["lower"] <= 180 / DAYS_PER_MONTH <= h["upper"]
    assert r.n_models == {"USA": 300, "China": 185}  # as of 2023-12-31


def test_overtaking_follower_gives_zero(tmp_path: Path) -> None:
    rows = shifted(-30)  # the follower is 30 days ahead
    with planted_store(tmp_path / "s.duckdb", rows) as st:
        r = lag("USA", "China", "planted", tau=0, bootstrap=0, store=st)
    assert (r.series["lag_days"] == 0).all()


def test_tau_and_as_of(tmp_path: Path) -> None:
    with planted_store(tmp_path / "s.duckdb", shifted(180)) as st:
        r1 = lag("USA", "China", "planted", tau=0, bootstrap=0, as_of="2023-12-31", store=st)
        r2 = lag("USA", "China", "planted", tau=10, bootstrap=0, as_of="2023-12-31", store=st)
        # Leader gains one point per day, so tau = 10 points forgives 10 days.
        assert (r2.series["lag_days"] == 170).all()
        assert r1.headline["estimate"] > r2.headline["estimate"]
        r3 = lag("USA", "China", "planted", tau=0, bootstrap=0, as_of="2023-08-01", store=st)
        assert r3.series["date"].max() == pd.Timestamp("2023-08-01")
        assert r3.to_dict()["inputs"]["as_of"] == "2023-08-01"


def test_bad_requests_raise_query_errors(tmp_path: Path) -> None:
    with planted_store(tmp_path / "s.duckdb", shifted(180)) as st:
        with pytest.raises(QueryError, match="unknown group 'Narnia'"):
            lag("Narnia", "China", "planted", store=st)
        with pytest.raises(QueryError, match=r"unknown metric 'nope'.*planted"):
            lag("USA", "China", "nope", store=st)
        with pytest.raises(QueryError, match=r"the FRA group has 0 model\(s\).*at least 2"):
            lag("USA", "France", "planted", store=st)
        with pytest.raises(QueryError, match=r"^since 2024-01-01 is after as_of"):
            lag("USA", "China", "planted", since="2024-01-01", as_of="2023-06-01", store=st)
        with pytest.raises(QueryError, match=r"^method:"):
            lag("USA", "China", "planted", method="weekly", store=st)
        with pytest.raises(QueryError, match=r"^tau:"):
            lag("USA", "China", "planted", tau=-1, store=st)


def test_trend_recovers_a_closing_gap(tmp_path: Path) -> None:
    # Follower model i copies leader model i, released 240 - 0.2 i days later: at calendar
    # time t = 240 + 0.8 i the delay is 240 - 0.25 (t - 240), a slope of -0.25 days per day.
    start = pd.Timestamp("2022-01-01")
    n = 900
    lead = [(f"us-{i}", (start + pd.Timedelta(days=i)).date().isoformat(), 100.0 + i,
             ["USA"]) for i in range(n)]
    foll = []
    for i in range(0, n, 5):
        delay = 240 - 180 * i / n
        foll.append((f"cn-{i}", (start + pd.Timedelta(days=i + delay)).date().isoformat(),
                     100.0 + i, ["CHN"]))
    with planted_store(tmp_path / "s.duckdb", score_rows(lead + foll)) as st:
        t = trend("USA", "China", "planted", tau=0, store=st)
    assert t.lag_trend.verdict == "closing"
    assert t.lag_trend.slope == pytest.approx(-0.25 * 365.25 / DAYS_PER_MONTH, rel=0.05)
    assert "closing" in t.sentence()


def test_cli_lag_json_and_sensitivity(cli, home: Path) -> None:  # type: ignore[no-untyped-def]
    planted_store(home / "aigap.duckdb", shifted(180)).close()
    r = cli("lag", "--metric", "planted", "--tau", "0", "--bootstrap", "100",
            "--as-of", "2023-12-31", "--sensitivity", "--format", "json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert out["inputs"]["metric"] == "planted"
    assert out["inputs"]["leader_group"] == "USA"
    assert out["inputs"]["follower_group"] == "China"
    assert out["inputs"]["attribution"] == "inclusive"
    assert "benchmark:planted" in out["data"]["vintage_ids"]
    stats = {s["statistic"]: s for s in out["summary"]}
    assert stats["lag_mean"]["estimate"] == pytest.approx(180 / DAYS_PER_MONTH)
    assert len(out["leader_records"]) == 300  # first record kept, its censored days left out
    assert out["series"][0].keys() >= {"date", "lag_days", "lag_months", "gap", "censored"}
    assert len(out["sensitivity"]) == 27  # 3 rules x 3 first-record rules x 3 taus
    assert {s["first_record"] for s in out["sensitivity"]} >= {
        "first record dropped (Epoch AI)", "censored days left out"}
    r = cli("lag", "--metric", "planted", "--format", "csv", "--bootstrap", "0")
    assert r.out.startswith("statistic,estimate,lower,upper")
    r = cli("lag", "--metric", "planted", "--bootstrap", "50", "--tau", "0", "--as-of",
            "2023-12-31")
    assert "China trails USA by 5.9 months" in r.out
    r = cli("trend", "--metric", "planted", "--format", "json")
    trend = json.loads(r.out)
    assert trend["lag_trend"]["verdict"] in {"closing", "widening", "no clear trend",
                                             "too few records"}
    assert [w["window"] for w in trend["windows"]] == ["from start", "last 24 months",
                                                        "last 12 months"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--leader", "Narnia"), "unknown group 'Narnia'"),
        (("--metric", "nope"), "unknown metric 'nope'"),
        (("--as-of", "2026/01/02"), "--as-of: expected a date"),
        (("--since", "2024-01-01", "--as-of", "2023-01-01"), "is after --as-of"),
        (("--attribution", "any"), "unknown attribution rule"),
    ],
)
def test_cli_lag_bad_input_exit_2(cli, home: Path, args: tuple[str, ...], needle: str) -> None:  # type: ignore[no-untyped-def]
    planted_store(home / "aigap.duckdb", shifted(180)).close()
    r = cli("lag", "--metric", "planted", *args) if "--metric" not in args else cli(
        "lag", *args)
    assert r.code == 2
    assert needle in r.err
    assert len(r.err.strip().splitlines()) == 1


# -- the real ECI file against a naive implementation of the definition -------------------

CHINA = {"China", "Hong Kong", "Macao"}


def naive_daily_lag(path: Path, end: str, tau: float) -> pd.DataFrame:
    """DESIGN method 2 written as plainly as possible: loops over days, no vectorisation."""
    raw = pd.read_csv(path)
    raw = raw[raw["ECI Score"].notna() & raw["Release date"].notna()]
    raw["date"] = pd.to_datetime(raw["Release date"])
    raw = raw[raw["date"] <= pd.Timestamp(end)]
    raw["key"] = raw["Model version"].str.strip().str.lower()
    countries = raw["Country"].fillna("").map(
        lambda s: {p.strip() for p in re.split(r",(?!\s)", s) if p.strip()})

    def recs(mask: pd.Series) -> list[tuple[pd.Timestamp, float]]:
        g = raw[mask].sort_values(["ECI Score", "date"], ascending=[False, True])
        g = g.drop_duplicates("key")
        best_per_day = g.groupby("date")["ECI Score"].max().sort_index()
        out, best = [], -np.inf
        for day, value in best_per_day.items():
            if value > best:
                out.append((day, value))
                best = value
        return out[1:]  # drop the first record

    lead = recs(countries.map(lambda c: "United States of America" in c))
    foll = recs(countries.map(lambda c: bool(c & CHINA)))

    def best_on(recs_: list[tuple[pd.Timestamp, float]], day: pd.Timestamp) -> float:
        vals = [v for d, v in recs_ if d <= day]
        return max(vals) if vals else -np.inf

    start = max(lead[0][0], foll[0][0])
    rows = []
    for day in pd.date_range(start, end, freq="D"):
        bl, bf = best_on(lead, day), best_on(foll, day)
        if bl <= bf + tau:
            lag_days = 0
        else:
            # s* is the latest day with B_leader(s*) <= target: the day before the leader's
            # first record above it (the day before its first kept record if all are above).
            later = [d for d, v in lead if v > bf + tau]
            s_star = min(later) - pd.Timedelta(days=1) if later else day
            lag_days = (day - s_star).days
        rows.append((day, lag_days))
    return pd.DataFrame(rows, columns=["date", "lag_days"])


@pytest.mark.shared
@pytest.mark.slow
def test_real_eci_matches_naive_definition(cli, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    folder = shared_data / "epoch/benchmark_data_2026-04"
    assert cli("import", "epoch-benchmarks", str(folder / "epoch_capabilities_index.csv")
               ).code == 0
    r = cli("lag", "--leader", "USA", "--follower", "CHN", "--metric", "eci", "--method",
            "daily", "--tau", "1", "--as-of", "2026-01-02", "--bootstrap", "200", "--drop-first",
            "--format", "json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    got = pd.DataFrame(out["series"])[["date", "lag_days"]]
    got["date"] = pd.to_datetime(got["date"])
    ref = naive_daily_lag(folder / "epoch_capabilities_index.csv", "2026-01-02", 1.0)
    assert len(got) == len(ref)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), ref, check_dtype=False)
    print(out["sentence"])


def test_all_censored_window_reports_lower_bounds(tmp_path: Path) -> None:
    # The follower never reaches the leader's first record in the data: every day's lag is
    # measured from that record, so it is a lower bound, and the answer says so.
    rows = score_rows([("us-0", "2023-01-01", 200.0, ["USA"]), ("us-1", "2023-06-01", 210.0,
                       ["USA"]), ("cn-0", "2023-02-01", 100.0, ["CHN"]),
                       ("cn-1", "2023-03-01", 150.0, ["CHN"])])
    with planted_store(tmp_path / "s.duckdb", rows) as st:
        r = lag("USA", "China", "planted", tau=0, bootstrap=50, as_of="2023-07-01", store=st)
        assert r.bounds_only
        assert "lower bound" in r.sentence()
        assert any("lower bound" in w for w in r.to_dict()["data"]["warnings"])
        from aigap.analysis.lag import lag_analysis

        with pytest.raises(QueryError, match="no day with a finite"):
            lag_analysis(r.leader_frame, r.follower_frame, tau=0, exclude_censored=True,
                         end=pd.Timestamp("2023-07-01"))
