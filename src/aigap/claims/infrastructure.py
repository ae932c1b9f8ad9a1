"""Claim families on infrastructure: AI-supercomputer shares, indicator counts (TOP500
systems) and chip specifications, from :func:`aigap.api.clusters`,
:func:`aigap.api.indicators` and :func:`aigap.api.chips`."""

from __future__ import annotations

from aigap.claims import verdict as V
from aigap.claims.evidence import (
    COME_TRUE,
    Context,
    Evidence,
    Question,
    claimed_range,
    fmt_value,
    untestable,
)
from aigap.claims.schema import Claim, ClaimTest
from aigap.errors import AigapError

__all__ = ["chip_evidence", "count_evidence", "share_evidence"]


def share_evidence(ctx: Context, claim: Claim, t: ClaimTest, q: Question) -> Evidence:
    """A country's share of AI-supercomputer performance on the date (aigap clusters)."""
    from aigap.api import clusters

    method = "share of summed 16-bit performance of GPU clusters operating on the date"
    when = t.at or q.end
    try:
        shares = ctx.cached(("clusters", when, q.data_as_of), lambda: clusters(
            [when], as_of=q.data_as_of, store=ctx.store))
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


def count_evidence(ctx: Context, claim: Claim, t: ClaimTest, q: Question) -> Evidence:
    """An indicator (e.g. TOP500 systems) in the latest edition on or before the date."""
    import pandas as pd

    from aigap.api import indicators

    method = (f"indicator {t.indicator} in the latest edition on or before the date "
              f"(untestable if more than {t.max_staleness_days} days old)")
    when = t.at or q.end
    try:
        rows = indicators([t.indicator or ""], [(t.country or "").upper()],
                          as_of=q.data_as_of or when, exact=True, store=ctx.store)
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


def chip_evidence(ctx: Context, claim: Claim, t: ClaimTest, q: Question) -> Evidence:
    """One chip's specification relative to another's (ratio, or slowdown = 1 - ratio),
    from Epoch's ML hardware table as :func:`aigap.api.chips` reads it."""
    import pandas as pd

    from aigap.api import chips

    spec = t.spec
    method = f"{spec} of {t.chip} / {spec} of {t.reference_chip} (Epoch ML hardware)"
    when = q.end if q.name != COME_TRUE else ctx.as_of
    try:
        table = ctx.cached(("chips",), lambda: chips(store=ctx.store))
    except AigapError as exc:
        return untestable(t, None, str(exc), when, method)
    values: dict[str, float] = {}
    names: dict[str, str] = {}
    for side in ("variant", "flagship"):
        for r in table.itertuples():
            key = str(getattr(r, side)).lower()
            val = getattr(r, f"{side}_{spec}", None)
            if val is not None and not pd.isna(val):
                values.setdefault(key, float(val))
            names.setdefault(key, str(getattr(r, f"{side}_name")))
    a, b = (t.chip or "").lower(), (t.reference_chip or "").lower()
    missing = [c for c in (a, b) if c not in values]
    if missing:
        return untestable(t, None, f"Epoch's ML hardware table gives no {spec} for "
                          f"{', '.join(m.upper() for m in missing)}; a specification sheet "
                          f"with it would settle this", when, method)
    ratio = values[a] / values[b]
    est = 1.0 - ratio if t.statistic == "slowdown" else ratio
    if t.unit in ("%", "percent"):
        est *= 100.0
    v = (V.value_verdict(est, est, est, t.low, t.high) if t.about
         else V.range_verdict(est, est, t.low, t.high))
    what = "slowdown" if t.statistic == "slowdown" else "ratio"
    text = (f"{names.get(a, a)} {spec} {values[a]:.3g} vs {names.get(b, b)} {values[b]:.3g}: "
            f"{what} {fmt_value(est, 2)} {t.unit}; claimed {claimed_range(t)}: {v}.")
    sel = table.attrs.get("selection")
    return Evidence(None, t.statistic or "ratio", est, est, est, t.unit, v, method, text,
                    when, 0, 0, sel.to_dict() if sel is not None else {},
                    {"chip": names.get(a), "reference": names.get(b), "spec": spec,
                     "values": [values[a], values[b]]})
