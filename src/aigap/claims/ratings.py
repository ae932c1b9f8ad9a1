"""The arena family: the AI-Index-style gap between the groups' top-rated models, from
:func:`aigap.api.arena_gap` (the same figure and interval `aigap arena` prints)."""

from __future__ import annotations

from datetime import date

from aigap.analysis.common import num
from aigap.claims import verdict as V
from aigap.claims.evidence import (
    Context,
    Evidence,
    sentence,
    untestable,
)
from aigap.claims.schema import Claim, ClaimTest
from aigap.errors import AigapError

__all__ = ["arena_evidence"]


#: A snapshot more than this many days before the claim's date does not test it.
MAX_SNAPSHOT_AGE = 45


def arena_evidence(ctx: Context, claim: Claim, t: ClaimTest, metric: str,
                   when: date) -> Evidence:
    """The % rating gap between the top models in the latest snapshot on or before the date."""
    from aigap.api import arena_gap

    method = ("(top leader rating - top follower rating) / top follower rating, latest "
              "leaderboard snapshot on or before the date, interval from the ratings' own "
              "intervals")
    at = t.at or when
    if at > when:
        return untestable(t, metric, f"the claim is about {at}, after the evaluation date",
                          when, method)
    category = metric.split(":", 1)[1] if ":" in metric else "full"
    try:
        series = arena_gap(t.leader, t.follower, category=category, as_of=at,
                           attribution=t.attribution, n=ctx.options.bootstrap,
                           seed=ctx.options.seed, level=ctx.options.level, store=ctx.store)
    except AigapError as exc:
        return untestable(t, metric, str(exc), when, method)
    snap = series.iloc[-1]
    day = snap["date"].date()
    if (at - day).days > MAX_SNAPSHOT_AGE:
        return untestable(t, metric, f"no leaderboard snapshot within {MAX_SNAPSHOT_AGE} days "
                          f"before {at}", when, method)
    est = num(snap["gap_pct"])
    lo, hi = num(snap["gap_pct_lower"]), num(snap["gap_pct_upper"])
    if lo is None or hi is None:
        lo = hi = est
    v = V.range_verdict(lo, hi, t.low, t.high)
    text = sentence(t, metric, f"The rating gap between the top models "
                    f"({snap['leader_model']} vs {snap['follower_model']}) in the {day} "
                    "snapshot", est, lo, hi, "%", at, v, ctx.options.level)
    return Evidence(metric, "gap_pct", est, lo, hi, "%", v, method, text, day, 0,
                    0, series.attrs["selection"].to_dict(),
                    {"leader_top": str(snap["leader_model"]),
                     "leader_rating": num(snap["leader_rating"]),
                     "follower_top": str(snap["follower_model"]),
                     "follower_rating": num(snap["follower_rating"]),
                     "snapshot": day.isoformat(), "interval": str(snap["interval"])})
