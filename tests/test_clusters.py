"""GPU-cluster performance shares by country: hand-made frames and real data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aigap.analysis.clusters import cluster_shares
from aigap.errors import QueryError


def clusters() -> pd.DataFrame:
    """Six clusters: existing, decommissioned, planned, multi-country, unknown country."""
    return pd.DataFrame(
        {
            "name": ["us-a", "us-b", "cn-a", "old-cn", "planned-us", "joint", "nowhere"],
            "status": [
                "Existing",
                "Existing",
                "Existing",
                "Decommissioned",
                "Planned",
                "Existing",
                "Existing",
            ],
            "countries": [["USA"], ["USA"], ["CHN"], ["CHN"], ["USA"], ["FRA", "DEU"], []],
            "first_operational": pd.to_datetime(
                [
                    "2020-01-01",
                    "2022-01-01",
                    "2021-01-01",
                    "2019-01-01",
                    "2020-06-01",
                    "2021-06-01",
                    "2020-01-01",
                ]
            ),
            "decommissioned": pd.to_datetime([None, None, None, "2022-01-01", None, None, None]),
            "ops_16bit": [4e18, 4e18, 2e18, 10e18, 50e18, 2e18, 9e18],
            "h100_equivalents": [4000.0, 4000.0, 2000.0, None, 50000.0, 2000.0, 9000.0],
            "include_standard": [True] * 7,
        }
    )


def at(shares: pd.DataFrame, day: str) -> dict[str, tuple[float, float, float, int]]:
    rows = shares[shares["date"] == pd.Timestamp(day)]
    return {r.country: (r.ops_16bit, r.share, r.h100e, r.n_clusters) for r in rows.itertuples()}


def test_shares_on_hand_made_frame() -> None:
    out = cluster_shares(clusters(), ["2019-06-01", "2021-12-31", "2022-01-01", "2023-01-01"])
    assert list(out.columns[:6]) == ["date", "country", "ops_16bit", "share", "h100e", "n_clusters"]
    assert at(out, "2019-06-01") == {"CHN": (10e18, 1.0, 0.0, 1)}
    d = at(out, "2021-12-31")  # us-a 4, cn-a 2 + old-cn 10, joint 1 + 1
    assert d["USA"] == pytest.approx((4e18, 4 / 18, 4000.0, 1))
    assert d["CHN"] == pytest.approx((12e18, 12 / 18, 2000.0, 2))
    assert d["FRA"] == pytest.approx((1e18, 1 / 18, 1000.0, 1))
    assert d["DEU"] == pytest.approx((1e18, 1 / 18, 1000.0, 1))
    d = at(out, "2022-01-01")  # old-cn decommissioned that day, us-b switched on
    assert d["USA"] == pytest.approx((8e18, 8 / 12, 8000.0, 2))
    assert d["CHN"] == pytest.approx((2e18, 2 / 12, 2000.0, 1))
    assert out.attrs["excluded"] == {"no country": 1, "status Planned": 1}
    shares_sum = out.groupby("date")["share"].sum()
    np.testing.assert_allclose(shares_sum.to_numpy(), 1.0)


def test_planned_can_be_kept_and_standard_flag_filters() -> None:
    frame = clusters()
    out = cluster_shares(frame, ["2023-01-01"], exclude_planned=False)
    assert at(out, "2023-01-01")["USA"][0] == pytest.approx(58e18)
    frame.loc[frame["name"] == "us-b", "include_standard"] = False
    out = cluster_shares(frame, ["2023-01-01"])
    assert at(out, "2023-01-01")["USA"][0] == pytest.approx(4e18)
    assert out.attrs["excluded"]["not in Epoch's standard analysis"] == 1


def test_errors_and_empty() -> None:
    frame = clusters().drop(columns="include_standard")
    with pytest.raises(QueryError, match="standard_only=False"):
        cluster_shares(frame, ["2023-01-01"])
    assert not cluster_shares(frame, ["2023-01-01"], standard_only=False).empty
    with pytest.raises(QueryError, match="lacks column"):
        cluster_shares(frame.drop(columns="ops_16bit"), ["2023-01-01"], standard_only=False)
    with pytest.raises(QueryError, match="bad date"):
        cluster_shares(clusters(), ["not a date"])
    assert cluster_shares(clusters(), []).empty


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["USA", "CHN", "GBR", "JPN"]),
            st.integers(0, 2000),
            st.one_of(st.none(), st.integers(0, 2000)),
            st.floats(1e15, 1e20),
        ),
        min_size=1,
        max_size=25,
    ),
    st.integers(0, 2500),
)
def test_shares_sum_to_one_and_match_direct_sum(rows: list, day: int) -> None:
    base = pd.Timestamp("2019-01-01")
    frame = pd.DataFrame(
        {
            "name": [f"c{i}" for i in range(len(rows))],
            "countries": [[r[0]] for r in rows],
            "first_operational": [base + pd.Timedelta(days=r[1]) for r in rows],
            "decommissioned": [
                None if r[2] is None else base + pd.Timedelta(days=r[1] + r[2]) for r in rows
            ],
            "ops_16bit": [r[3] for r in rows],
        }
    )
    t = base + pd.Timedelta(days=day)
    out = cluster_shares(frame, [t], standard_only=False)
    alive = [r for r in rows if r[1] <= day and (r[2] is None or r[1] + r[2] > day)]
    if not alive:
        assert out.empty
        return
    assert out["share"].sum() == pytest.approx(1.0)
    for country, ops in out.set_index("country")["ops_16bit"].items():
        assert ops == pytest.approx(sum(r[3] for r in alive if r[0] == country))


@pytest.mark.slow
@pytest.mark.shared
def test_real_clusters_may_2025(shared_data: Path) -> None:
    from aigap.sources import get_source
    from aigap.sources.base import SourceFile

    path = shared_data / "epoch" / "hardware" / "gpu_clusters.csv"
    parsed = get_source("epoch-clusters").parse(SourceFile.from_path(path))
    frame = parsed[0].frames["cluster"]
    std = cluster_shares(frame, ["2025-05-01"])
    every = cluster_shares(frame, ["2025-05-01"], standard_only=False)
    for label, out in (("standard", std), ("all", every)):
        top = out.head(4)[["country", "share", "h100e", "n_clusters", "h100e_share"]]
        print(f"\n2025-05-01 ({label}); excluded {out.attrs['excluded']}\n{top.to_string()}")
    share = std.set_index("country")["share"]
    # Epoch (June 2025): about 75% United States, 15% China as of May 2025
    assert share["USA"] == pytest.approx(0.75, abs=0.05)
    assert share["CHN"] == pytest.approx(0.15, abs=0.04)
    series = cluster_shares(frame, pd.date_range("2019-01-01", "2025-05-01", freq="MS"))
    assert series["date"].nunique() == 77
