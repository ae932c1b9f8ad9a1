"""AI-supercomputer (GPU-cluster) performance share and H100-equivalents by country over time.

Method 8 of DESIGN.md, after Epoch AI's data insight "The US hosts the majority of AI
supercomputers, followed by China" (2025-06-05,
https://epoch.ai/data-insights/ai-supercomputers-performance-share-by-country): clusters with
a known country, first-operational date and 16-bit performance; at each date the summed
16-bit OP/s per country as a share of the total of all such clusters existing then.

A cluster exists at date t when ``first_operational <= t`` and it was not decommissioned on
or before t, and its status is not "Planned" (a planned cluster with a past date has not been
confirmed as built). A cluster sited in k countries counts 1/k in each. Epoch's published
description does not mention decommissioning or planned status; both matter little (the
file has a handful of decommissioned clusters) but are stated here so the figure can be
reproduced. ``standard_only`` keeps only rows Epoch flags "Include in Standard Analysis".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from aigap.errors import QueryError

__all__ = ["cluster_shares", "eligible_clusters"]

_COLUMNS = ["date", "country", "ops_16bit", "share", "h100e", "n_clusters", "h100e_share"]


def eligible_clusters(
    clusters: pd.DataFrame, *, standard_only: bool = True, exclude_planned: bool = True
) -> tuple[pd.DataFrame, Counter[str]]:
    """Clusters usable for shares, and reason -> number of clusters left out.

    Raises:
        QueryError: the frame lacks a needed column.
    """
    need = ["countries", "first_operational", "ops_16bit"]
    missing = [c for c in need if c not in clusters.columns]
    if missing:
        raise QueryError(f"cluster frame lacks column(s) {missing} needed for cluster shares")
    excluded: Counter[str] = Counter()
    countries = clusters["countries"].map(
        lambda v: [str(c) for c in v] if isinstance(v, list | tuple | np.ndarray) else []
    )
    keep = np.ones(len(clusters), dtype=bool)

    def drop(mask: np.ndarray, reason: str) -> None:
        nonlocal keep
        hit = keep & mask
        excluded[reason] += int(hit.sum())
        keep &= ~mask

    drop((countries.map(len) == 0).to_numpy(bool), "no country")
    first = pd.to_datetime(clusters["first_operational"], errors="coerce")
    drop(first.isna().to_numpy(), "no first-operational date")
    ops = pd.to_numeric(clusters["ops_16bit"], errors="coerce")
    drop(~(ops > 0).fillna(False).to_numpy(bool), "no 16-bit performance")
    if exclude_planned and "status" in clusters.columns:
        status = clusters["status"].astype("string").str.strip().str.lower()
        drop((status == "planned").fillna(False).to_numpy(bool), "status Planned")
    if standard_only:
        if "include_standard" not in clusters.columns or clusters["include_standard"].isna().all():
            raise QueryError(
                "cluster frame has no 'include_standard' flags; pass standard_only=False"
            )
        flag = clusters["include_standard"].astype("boolean").fillna(False).to_numpy(bool)
        drop(~flag, "not in Epoch's standard analysis")
    dec = (
        pd.to_datetime(clusters["decommissioned"], errors="coerce")
        if "decommissioned" in clusters.columns
        else pd.Series(pd.NaT, index=clusters.index)
    )
    h100e = (
        pd.to_numeric(clusters["h100_equivalents"], errors="coerce")
        if "h100_equivalents" in clusters.columns
        else pd.Series(np.nan, index=clusters.index)
    )
    out = pd.DataFrame(
        {
            "name": clusters["name"].to_numpy() if "name" in clusters.columns else None,
            "countries": countries.to_numpy(),
            "first_operational": first.to_numpy(),
            "decommissioned": dec.to_numpy(),
            "ops_16bit": ops.to_numpy(float),
            "h100e": h100e.to_numpy(float),
        }
    )[keep].reset_index(drop=True)
    return out, Counter({k: v for k, v in excluded.items() if v})


def cluster_shares(
    clusters: pd.DataFrame,
    dates: Iterable[date | str | pd.Timestamp],
    *,
    standard_only: bool = True,
    exclude_planned: bool = True,
) -> pd.DataFrame:
    """Per date and country: 16-bit OP/s, its share of the total, H100-equivalents, clusters.

    Args:
        clusters: canonical cluster frame (see :data:`aigap.schema.CLUSTER`).
        dates: the dates to evaluate (e.g. ``pd.date_range("2019-01-01", "2025-05-01",
            freq="MS")``).
        standard_only: keep only clusters Epoch flags "Include in Standard Analysis" (the
            default; it reproduces Epoch's published shares, e.g. it leaves out clusters
            that are phases of, or duplicates of, another row).
        exclude_planned: drop clusters whose status is "Planned".

    Returns:
        Columns date, country, ops_16bit, share (0..1 of that date's total), h100e (H100
        equivalents; clusters without the figure add 0), n_clusters (clusters with any part
        in the country), h100e_share. One row per date and country with at least one
        cluster; sorted by date, then share descending. ``attrs["excluded"]`` holds the
        reason -> count of clusters left out.

    Raises:
        QueryError: bad dates or a frame lacking needed columns.
    """
    try:
        when = pd.DatetimeIndex([pd.Timestamp(d) for d in dates]).normalize()
    except (ValueError, TypeError, OverflowError) as exc:
        raise QueryError(f"cluster_shares: bad date in dates ({exc})") from exc
    usable, excluded = eligible_clusters(
        clusters, standard_only=standard_only, exclude_planned=exclude_planned
    )
    if len(when) == 0 or usable.empty:
        empty = pd.DataFrame({c: [] for c in _COLUMNS})
        empty.attrs["excluded"] = dict(excluded)
        return empty
    # one row per (cluster, country), weight 1/k for a cluster in k countries
    k = usable["countries"].map(len).to_numpy(float)
    long = usable.assign(weight=1.0 / k).explode("countries", ignore_index=True)
    t = when.to_numpy("datetime64[ns]")
    start = long["first_operational"].to_numpy("datetime64[ns]")
    stop = long["decommissioned"].to_numpy("datetime64[ns]")
    alive = start[:, None] <= t[None, :]
    gone = ~np.isnat(stop)[:, None] & (stop[:, None] <= t[None, :])
    alive &= ~gone  # (rows, dates)
    w = long["weight"].to_numpy(float)
    ops = long["ops_16bit"].to_numpy(float) * w
    h100 = np.nan_to_num(long["h100e"].to_numpy(float)) * w
    codes, country_idx = np.unique(long["countries"].astype(str).to_numpy(), return_inverse=True)
    n_c = len(codes)
    agg_ops = np.zeros((n_c, len(t)))
    agg_h = np.zeros((n_c, len(t)))
    agg_n = np.zeros((n_c, len(t)))
    np.add.at(agg_ops, country_idx, alive * ops[:, None])
    np.add.at(agg_h, country_idx, alive * h100[:, None])
    np.add.at(agg_n, country_idx, alive.astype(float))
    tot_ops = agg_ops.sum(axis=0)
    tot_h = agg_h.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(tot_ops > 0, agg_ops / tot_ops, np.nan)
        h_share = np.where(tot_h > 0, agg_h / tot_h, np.nan)
    ci, di = np.nonzero(agg_n > 0)
    out = pd.DataFrame(
        {
            "date": when[di],
            "country": codes[ci],
            "ops_16bit": agg_ops[ci, di],
            "share": share[ci, di],
            "h100e": agg_h[ci, di],
            "n_clusters": agg_n[ci, di].astype(int),
            "h100e_share": h_share[ci, di],
        }
    )
    out = out.sort_values(["date", "share", "country"], ascending=[True, False, True])
    out = out.reset_index(drop=True)
    out.attrs["excluded"] = dict(excluded)
    return out
