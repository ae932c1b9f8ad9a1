"""Claim families on infrastructure: AI-supercomputer shares and indicator counts (TOP500
systems), from :func:`aigap.api.clusters` and :func:`aigap.api.indicators`."""

from __future__ import annotations

from datetime import date

from aigap.claims import verdict as V
from aigap.claims.evidence import (
    Context,
    Evidence,
    claimed_range,
    fmt_value,
    untestable,
)
from aigap.claims.schema import Claim, ClaimTest
from aigap.errors import AigapError

__all__ = ["count_evidence", "share_evidence"]


def share_evidence(ctx: Context, claim: Claim, t: ClaimTest, when: date) -> Evidence:
    """A country's share of AI-supercomputer performance on the date (aigap clusters)."""
    from aigap.api import clusters

    method = "share of summed 16-bit performance of GPU clusters operating on the date"
    try:
        shares = clusters([when], as_of=when, store=ctx.store)
    except AigapError as exc:
        return untestable(t, None, str(exc), when, method)
    newest = shares.attrs["selection"].newest_data()
    if newest is not None and (when - newest).days > t.max_staleness_days:
        return untestable(t, None, f"the newest cluster data is from {newest}, more than "
                          f"{t.max_staleness_days} days earlier", when, method)
    codes = [c.strip().upper() for c in (t.country or "").split(",")]
    mine = shares["country"].isin(codes)
    est = 100.0 * float(shares.loc[mine, "share"].sum())
    v = V.range_verdict(est, est, t.low, t.high)
    text = (f"{'+'.join(codes)} held {fmt_value(est)}% of GPU-cluster 16-bit performance on "
            f"{when} ({int(shares['n_clusters'].sum())} clusters operating, newest data "
            f"{newest}); claimed {claimed_range(t)}: {v}.")
    return Evidence(None, "share", est, est, est, "%", v, method, text, when, 0,
                    int(shares.loc[mine, "n_clusters"].sum()),
                    shares.attrs["selection"].to_dict(),
                    {"excluded": shares.attrs.get("excluded", {})})


def count_evidence(ctx: Context, claim: Claim, t: ClaimTest, when: date) -> Evidence:
    """An indicator (e.g. TOP500 systems) in the latest edition on or before the date."""
    import pandas as pd

    from aigap.api import indicators

    method = (f"indicator {t.indicator} in the latest edition on or before the date "
              f"(untestable if more than {t.max_staleness_days} days old)")
    try:
        rows = indicators([t.indicator or ""], [(t.country or "").upper()], as_of=when,
                          exact=True, store=ctx.store)
    except AigapError as exc:
        return untestable(t, None, str(exc), when, method)
    sel = rows.attrs["selection"]
    rows = rows[pd.to_datetime(rows["date"]) <= pd.Timestamp(when)]
    if rows.empty:
        return untestable(t, None, f"no {t.indicator} figure for {t.country} on or before "
                          "the date", when, method)
    row = rows.assign(_d=pd.to_datetime(rows["date"])).sort_values("_d").iloc[-1]
    edition = pd.Timestamp(row["date"]).date()
    if (when - edition).days > t.max_staleness_days:
        return untestable(t, None, f"the latest {t.indicator} edition on or before it is "
                          f"{edition}, more than {t.max_staleness_days} days earlier", when,
                          method)
    est = float(row["value"])
    v = V.range_verdict(est, est, t.low, t.high)
    text = (f"{t.country} had {fmt_value(est, 0)} ({t.indicator}) in the {edition} edition, "
            f"the latest on or before {when}; claimed {claimed_range(t)}: {v}.")
    return Evidence(None, "count", est, est, est, t.unit or "count", v, method, text, edition,
                    0, 0, sel.to_dict(), {"edition": edition.isoformat(),
                                          "source_url": row.get("source_url")})
