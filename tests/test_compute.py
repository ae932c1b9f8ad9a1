"""Compute trends, breakpoints, bootstrap and compute lag: planted answers and real data."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aigap.analysis.compute import (
    compute_gap,
    compute_trend,
    decimal_years,
    rolling_top,
    select_models,
    years_to_date,
)
from aigap.errors import QueryError

LOG3, LOG5 = math.log10(3), math.log10(5)


def planted(
    rng: np.random.Generator,
    *,
    start: str = "2018-01-01",
    end: str = "2025-01-01",
    n: int = 120,
    slope: float = LOG3,
    level_2020: float = 23.0,
    noise: float = 0.03,
    break_at: str | None = None,
    slope_after: float | None = None,
    jump: float = 0.0,
    prefix: str = "m",
    shift_years: float = 0.0,
) -> pd.DataFrame:
    """Models on a known log-linear (optionally broken) trend, one every few days."""
    days = np.sort(rng.integers(0, (pd.Timestamp(end) - pd.Timestamp(start)).days, n))
    dates = pd.Timestamp(start) + pd.to_timedelta(days, unit="D")
    x = decimal_years(dates)
    y = level_2020 + slope * (x - 2020.0 - shift_years)
    if break_at is not None and slope_after is not None:
        xb = decimal_years([break_at])[0]
        after = x >= xb
        y = np.where(after, level_2020 + slope * (xb - 2020) + jump + slope_after * (x - xb), y)
    y = y + rng.normal(0, noise, n)
    names = [f"{prefix}{i}" for i in range(n)]
    return pd.DataFrame(
        {
            "model_key": names,
            "name": names,
            "countries": [["USA"]] * n,
            "release_date": dates,
            "training_compute_flop": 10.0**y,
            "domain": [["Language"]] * n,
            "base_model": [None] * n,
        }
    )


def everyone(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(1.0, index=frame.index)


# ------------------------------------------------------------------- planted growth rates


@pytest.mark.parametrize(("growth", "seed"), [(3.0, 1), (5.0, 2)])
def test_planted_growth_recovered_within_2_percent(growth: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    models = planted(rng, slope=math.log10(growth))
    trend = compute_trend(models, everyone(models), rng=rng, n_boot=300)
    assert trend.break_date is None
    assert trend.growth == pytest.approx(growth, rel=0.02)
    lo, hi = trend.growth_interval
    assert lo < growth < hi
    assert trend.doubling_months == pytest.approx(12 * math.log10(2) / math.log10(growth), rel=0.03)
    assert trend.n_points == len(models)  # rising trend: every model enters the top 10


def test_planted_breakpoint_found_within_weeks() -> None:
    rng = np.random.default_rng(7)
    models = planted(rng, n=200, slope=LOG5, break_at="2021-10-01", slope_after=math.log10(2))
    trend = compute_trend(models, everyone(models), rng=rng, n_boot=200)
    assert trend.break_date is not None
    assert abs((trend.break_date - date(2021, 10, 1)).days) <= 35
    assert trend.growth == pytest.approx(2.0, rel=0.05)
    assert trend.segments[0].slope == pytest.approx(LOG5, rel=0.05)
    assert trend.bic_break < trend.bic_none


def test_discontinuous_break_with_jump() -> None:
    rng = np.random.default_rng(8)
    models = planted(
        rng, n=200, slope=LOG5, break_at="2022-03-01", slope_after=LOG3, jump=0.6, noise=0.02
    )  # an upward jump: a downward one would hide post-break models from the rolling top 10
    trend = compute_trend(models, everyone(models), rng=rng, n_boot=100, continuous=False)
    assert trend.break_date is not None
    assert abs((trend.break_date - date(2022, 3, 1)).days) <= 21
    assert trend.growth == pytest.approx(3.0, rel=0.05)


def test_no_break_in_a_straight_series_most_of_the_time() -> None:
    found = 0
    for seed in range(20):
        rng = np.random.default_rng(100 + seed)
        models = planted(rng, n=80, slope=LOG3, noise=0.15)
        trend = compute_trend(models, everyone(models), rng=rng, n_boot=0)
        found += trend.break_date is not None
    assert found <= 4


def test_min_segment_respected() -> None:
    rng = np.random.default_rng(3)
    models = planted(rng, n=30, slope=LOG5, break_at="2024-10-01", slope_after=0.0)
    trend = compute_trend(models, everyone(models), rng=rng, n_boot=0, min_segment=10)
    if trend.break_date is not None:
        counts = trend.points["segment"].value_counts()
        assert counts.min() >= 10


# --------------------------------------------------------------------------- bootstrap


def test_bootstrap_reproducible_per_seed() -> None:
    models = planted(np.random.default_rng(5), n=60)
    a = compute_trend(models, everyone(models), rng=np.random.default_rng(42), n_boot=200)
    b = compute_trend(models, everyone(models), rng=np.random.default_rng(42), n_boot=200)
    c = compute_trend(models, everyone(models), rng=np.random.default_rng(43), n_boot=200)
    np.testing.assert_array_equal(a.boot_slope, b.boot_slope)
    assert a.slope_interval == b.slope_interval
    assert not np.array_equal(a.boot_slope, c.boot_slope)


def test_refit_bootstrap_reports_break_share() -> None:
    rng = np.random.default_rng(9)
    models = planted(rng, n=150, slope=LOG5, break_at="2021-06-01", slope_after=0.1)
    trend = compute_trend(models, everyone(models), rng=rng, n_boot=200, boot="refit")
    assert trend.break_date is not None
    assert trend.boot_break_share > 0.9
    lo, hi = trend.growth_interval
    assert lo < 10**0.1 * 1.05
    assert hi > 10**0.1 * 0.95


# ------------------------------------------------------------------------------- gap/lag


def test_planted_lag_recovered() -> None:
    rng = np.random.default_rng(11)
    lead = planted(rng, n=150, slope=math.log10(4), prefix="L")
    foll = planted(rng, n=150, slope=math.log10(4), prefix="F", shift_years=1.5)
    both = pd.concat([lead, foll], ignore_index=True)
    is_lead = both["name"].str.startswith("L")
    lt = compute_trend(both, is_lead.astype(float), rng=rng, label="L", n_boot=400)
    ft = compute_trend(both, (~is_lead).astype(float), rng=rng, label="F", n_boot=400)
    gap = compute_gap(lt, ft, end=date(2025, 1, 1))
    assert gap.lag_years == pytest.approx(1.5, abs=0.08)
    assert gap.lag_interval[0] < 1.5 < gap.lag_interval[1]
    assert gap.gap_log10 == pytest.approx(1.5 * math.log10(4), abs=0.05)
    assert gap.leader == "L"
    assert gap.follower == "F"


def test_largest_so_far_ratio_and_lag() -> None:
    rng = np.random.default_rng(12)
    lead = planted(rng, n=60, slope=LOG5, prefix="L", noise=0.0)
    foll = planted(rng, n=60, slope=LOG3, prefix="F", noise=0.0)
    both = pd.concat([lead, foll], ignore_index=True)
    is_lead = both["name"].str.startswith("L")
    lt = compute_trend(both, is_lead.astype(float), rng=rng, n_boot=50)
    ft = compute_trend(both, (~is_lead).astype(float), rng=rng, n_boot=50)
    end = pd.Timestamp("2024-06-30")
    gap = compute_gap(lt, ft, end=end.date())
    lmax = lead.loc[lead.release_date <= end, "training_compute_flop"].max()
    fmax = foll.loc[foll.release_date <= end, "training_compute_flop"].max()
    assert gap.largest_ratio == pytest.approx(lmax / fmax)
    assert gap.largest_lag_years == pytest.approx(math.log10(lmax / fmax) / ft.slope)
    assert ft.slope == pytest.approx(LOG3, rel=1e-6)  # noiseless: exact fit


def test_to_dict_is_json() -> None:
    rng = np.random.default_rng(13)
    models = planted(rng, n=60)
    trend = compute_trend(models, everyone(models), rng=rng, n_boot=50, label="G")
    gap = compute_gap(trend, trend)
    text = json.dumps({"trend": trend.to_dict(), "gap": gap.to_dict()})
    assert '"group": "G"' in text
    assert gap.lag_years == pytest.approx(0.0, abs=1e-9)
    line = trend.line()
    assert {"date", "log10_flop", "flop", "segment"} <= set(line.columns)


# ------------------------------------------------------------------------ model selection


def test_rolling_top_hand_example() -> None:
    dates = pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01", "2020-04-01"])
    flop = [5.0, 3.0, 4.0, 1.0, 6.0]
    # top 2: m0 (1st), m1 (2nd of 2), m2 (4 < 5, > 3: 2nd), m3 (4 earlier-or-same larger),
    # m4 (largest)
    assert rolling_top(dates, flop, 2).tolist() == [True, True, True, False, True]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.floats(1.0, 100.0, allow_nan=False)),
        min_size=1,
        max_size=40,
    ),
    st.integers(1, 6),
)
def test_rolling_top_matches_definition(rows: list[tuple[int, float]], top: int) -> None:
    days = np.array([r[0] for r in rows])
    flop = np.array([r[1] for r in rows])
    dates = pd.Timestamp("2020-01-01") + pd.to_timedelta(days, unit="D")
    got = rolling_top(dates, flop, top, chunk=7)
    want = [((days <= d) & (flop > c)).sum() < top for d, c in zip(days, flop, strict=True)]
    assert got.tolist() == want
    # a running record is always kept; with top >= n everything is kept
    for i in range(len(rows)):
        if (flop[i] >= flop[days <= days[i]]).all():
            assert got[i]
    assert rolling_top(dates, flop, len(rows)).all()


def test_select_models_filters_in_epoch_order() -> None:
    rng = np.random.default_rng(14)
    models = planted(rng, n=40, start="2019-01-01", end="2022-01-01")
    extra = pd.DataFrame(
        {
            "model_key": ["ft", "old", "vision", "nocompute", "AlphaGo Zero"],
            "name": ["ft", "old", "vision", "nocompute", "AlphaGo Zero"],
            "countries": [["USA"]] * 5,
            "release_date": pd.to_datetime(
                ["2021-01-01", "2017-06-01", "2020-06-01", "2021-01-01", "2017-10-18"]
            ),
            "training_compute_flop": [1e30, 1e20, 1e29, None, 3.4e23],
            "domain": [["Language"], ["Language"], ["Vision"], ["Language"], ["Games"]],
            "base_model": ["m1", None, None, None, None],
        }
    )
    frame = pd.concat([models, extra], ignore_index=True)
    pts, eligible, excluded = select_models(frame, everyone(frame), top=10)
    names = set(pts["name"])
    assert not names & {"ft", "old", "vision", "nocompute", "AlphaGo Zero"}
    assert excluded["fine-tuned from another model"] == 1
    assert excluded["no training compute"] == 1
    assert excluded["named outlier"] == 1
    assert excluded["released before since"] == 1  # "old" enters the top 10 in 2017
    assert excluded["domain not Language/Multimodal"] == 1  # "vision" ranked, then dropped
    # Epoch's order: the huge vision model occupies a top-10 slot; ranking within the
    # selected domains instead keeps at least as many language models
    sel, _, _ = select_models(frame, everyone(frame), top=10, rank_scope="selected")
    assert len(sel) >= len(pts)
    assert "vision" not in set(eligible["name"])


def test_membership_weight_and_domain_text() -> None:
    rng = np.random.default_rng(15)
    models = planted(rng, n=30)
    models["domain"] = ["Multimodal,Language,Vision"] * 30  # comma-joined text is accepted
    weight = pd.Series(np.r_[np.zeros(10), np.full(20, 0.5)], index=models.index)
    pts, _, _ = select_models(models, weight)
    assert set(pts["name"]) == set(models["name"].iloc[10:])


def test_errors_are_query_errors() -> None:
    rng = np.random.default_rng(16)
    models = planted(rng, n=30)
    with pytest.raises(QueryError, match="need at least 3"):
        compute_trend(models, pd.Series(0.0, index=models.index), rng=rng)
    with pytest.raises(QueryError, match="same index"):
        compute_trend(models, pd.Series([1.0, 1.0]), rng=rng)
    with pytest.raises(QueryError, match="lacks column"):
        compute_trend(models.drop(columns="training_compute_flop"), everyone(models), rng=rng)
    with pytest.raises(QueryError, match="level"):
        compute_trend(models, everyone(models), rng=rng, level=1.5)
    with pytest.raises(QueryError, match="not a date"):
        compute_trend(models, everyone(models), rng=rng, until="soon")


# -------------------------------------------------------------------------- properties


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    shift=st.floats(-3.0, 3.0),
    growth=st.floats(1.5, 8.0),
)
def test_scaling_compute_shifts_fit_not_slope(seed: int, shift: float, growth: float) -> None:
    models = planted(np.random.default_rng(seed), n=50, slope=math.log10(growth), noise=0.1)
    scaled = models.assign(training_compute_flop=models["training_compute_flop"] * 10**shift)
    a = compute_trend(models, everyone(models), rng=np.random.default_rng(1), n_boot=30)
    b = compute_trend(scaled, everyone(scaled), rng=np.random.default_rng(1), n_boot=30)
    assert b.slope == pytest.approx(a.slope, abs=1e-8)
    assert b.break_date == a.break_date
    assert b.predict("2024-01-01") == pytest.approx(a.predict("2024-01-01") + shift, abs=1e-6)
    np.testing.assert_allclose(b.boot_slope, a.boot_slope, atol=1e-8)


@settings(max_examples=25, deadline=None)
@given(x=st.floats(1990.0, 2040.0))
def test_decimal_years_round_trip(x: float) -> None:
    d = years_to_date(x)
    assert abs(decimal_years([d])[0] - x) <= 1 / 365


# ---------------------------------------------------------------------------- real data


def _epoch_models(path: Path) -> pd.DataFrame:
    from aigap.sources import get_source
    from aigap.sources.base import SourceFile

    parsed = get_source("epoch-models").parse(SourceFile.from_path(path))
    return pd.concat([p.frames["model"] for p in parsed if "model" in p.frames])


def _is_china(models: pd.DataFrame) -> pd.Series:
    return models["countries"].map(lambda cs: any(c in ("CHN", "HKG") for c in cs))


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize(
    ("vintage", "until"),
    [("ai_models_2025-04", "2025-01-07"), ("ai_models_2025-04", None), ("ai_models_2026-03", None)],
)
def test_real_data_china_vs_rest(shared_data: Path, vintage: str, until: str | None) -> None:
    models = _epoch_models(shared_data / "epoch" / vintage / "all_ai_models.csv")
    models = models.reset_index(drop=True)
    china = _is_china(models)
    china_t = compute_trend(
        models, china.astype(float), rng=np.random.default_rng(1), label="China", until=until
    )
    rest_t = compute_trend(
        models, (~china).astype(float), rng=np.random.default_rng(2), label="Rest", until=until
    )
    gap = compute_gap(rest_t, china_t)
    print(f"\n{vintage} until={until}")
    for t in (china_t, rest_t):
        print(" ", {k: v for k, v in t.summary.items()})
    print(" ", gap.summary, gap.leader_largest, gap.follower_largest)
    # Epoch (2025-01-22): ~3x/yr for China since late 2021, ~5x/yr elsewhere, ~2 years
    assert 2.0 < china_t.growth < 4.5
    assert 4.0 < rest_t.growth < 6.5
    assert china_t.break_date is not None
    assert date(2020, 6, 1) < china_t.break_date
    assert 1.0 < gap.lag_years < 3.5
