"""Hypothesis invariants of records and the daily lag."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aigap.analysis.frontier import records
from aigap.analysis.lag import daily_lag
from aigap.errors import QueryError

D0 = pd.Timestamp("2023-01-01")

points = st.lists(
    st.tuples(st.integers(0, 500), st.integers(0, 200).map(lambda v: v / 2.0)),
    min_size=2,
    max_size=25,
)


def group(prefix: str, pts: list[tuple[int, float]], shift: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "model": [f"{prefix}{i}" for i in range(len(pts))],
            "date": D0 + pd.to_timedelta([d + shift for d, _ in pts], unit="D"),
            "value": [v for _, v in pts],
        }
    )


def lag_or_none(leader: pd.DataFrame, follower: pd.DataFrame, **kw: object) -> pd.DataFrame | None:
    try:
        return daily_lag(leader, follower, **kw)  # type: ignore[arg-type]
    except QueryError:
        return None


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(points)
def test_records_strictly_increase_in_value_and_date(pts: list[tuple[int, float]]) -> None:
    rec = records(group("A", pts))
    assert rec["value"].is_monotonic_increasing and rec["value"].is_unique
    assert rec["date"].is_monotonic_increasing and rec["date"].is_unique
    # The last record holds the group's best score.
    assert rec["value"].iloc[-1] == max(v for _, v in pts)


@FAST
@given(points, points, st.sampled_from([0.0, 0.5, 1.0, 3.0]), st.booleans())
def test_lag_is_never_negative(
    lp: list[tuple[int, float]], fp: list[tuple[int, float]], tau: float, drop: bool
) -> None:
    s = lag_or_none(group("L", lp), group("F", fp), tau=tau, drop_first=drop)
    if s is not None:
        assert (s["lag_days"] >= 0).all()
        # Lag 0 exactly when the follower is within tau of the leader.
        within = s["leader_best"] <= s["follower_best"] + tau
        assert ((s["lag_days"] == 0) == within).all()


@FAST
@given(points, points, st.integers(0, 500), st.floats(0, 1), st.booleans())
def test_adding_a_worse_follower_model_never_raises_the_lag(
    lp: list[tuple[int, float]],
    fp: list[tuple[int, float]],
    new_day: int,
    frac: float,
    drop: bool,
) -> None:
    leader, follower = group("L", lp), group("F", fp)
    worst = min(v for _, v in fp)
    extra = pd.DataFrame({"model": ["new"], "date": [D0 + pd.Timedelta(days=new_day)],
                          "value": [worst - 1.0 - frac]})
    end = D0 + pd.Timedelta(days=520)
    before = lag_or_none(leader, follower, end=end, drop_first=drop)
    after = lag_or_none(leader, pd.concat([follower, extra], ignore_index=True), end=end,
                        drop_first=drop)
    if before is None:
        return
    assert after is not None
    both = before.merge(after, on="date", suffixes=("_b", "_a"))
    assert len(both) == len(before)
    assert (both["follower_best_a"] >= both["follower_best_b"]).all()
    assert (both["lag_days_a"] <= both["lag_days_b"]).all()


@FAST
@given(points, points, st.integers(-400, 400), st.booleans())
def test_shifting_both_groups_leaves_the_lag_unchanged(
    lp: list[tuple[int, float]], fp: list[tuple[int, float]], shift: int, drop: bool
) -> None:
    a = lag_or_none(group("L", lp), group("F", fp), drop_first=drop)
    b = lag_or_none(group("L", lp, shift), group("F", fp, shift), drop_first=drop)
    assert (a is None) == (b is None)
    if a is not None and b is not None:
        np.testing.assert_array_equal(a["lag_days"].to_numpy(), b["lag_days"].to_numpy())
        assert (b["date"] - a["date"] == pd.Timedelta(days=shift)).all()
