"""The arena family: the AI-Index-style gap between the groups' top-rated models in the
snapshot the claim refers to, from :func:`aigap.api.ratings.arena_snapshot`.

The snapshot is the latest on or before the date the part names; anonymous and
pre-release entries (keys such as ``early-grok-3``) are left out, as the AI Index did, unless
the part lists its own exclusions. Rating histories published without intervals get the
typical 95% half-width of the snapshots that publish them, so a difference within rating
noise is not read as a contradiction.
"""

from __future__ import annotations

from aigap.analysis.common import num
from aigap.claims.capability import part_verdict
from aigap.claims.evidence import (
    COME_TRUE,
    Context,
    Evidence,
    Question,
    later_vintage_note,
    sentence,
    untestable,
)
from aigap.claims.schema import Claim, ClaimTest

__all__ = ["arena_evidence"]

#: A snapshot more than this many days before the claim's date does not test it.
MAX_SNAPSHOT_AGE = 45
#: 95% half-width (rating points) used when no snapshot publishes intervals.
DEFAULT_HALFWIDTH = 5.0


def _halfwidth(ctx: Context, category: str) -> tuple[float, str]:
    from aigap.api.ratings import arena_rating_halfwidth

    hw = ctx.cached(("arena-halfwidth", category),
                    lambda: arena_rating_halfwidth(category=category, store=ctx.store))
    if hw is None:
        return DEFAULT_HALFWIDTH, "a default, no snapshot publishes intervals"
    return float(hw), "the median of the top-10 models' published intervals"


def arena_evidence(ctx: Context, claim: Claim, t: ClaimTest, metric: str,
                   q: Question) -> Evidence:
    """The % rating gap between the top models in the snapshot the part refers to."""
    from aigap.api.ratings import PRERELEASE_PATTERNS, arena_snapshot

    method = ("(top leader rating - top follower rating) / top follower rating, latest "
              "leaderboard snapshot on or before the date, anonymous/pre-release entries "
              "left out; interval from the ratings' uncertainty")
    at = q.end if q.name == COME_TRUE else (t.at or q.end)
    category = metric.split(":", 1)[1] if ":" in metric else "full"
    hw, hw_why = _halfwidth(ctx, category)
    exclude = tuple(t.exclude_models) if t.exclude_models is not None else PRERELEASE_PATTERNS
    snap = ctx.cached(
        ("arena", t.leader, t.follower, category, at, q.data_as_of, exclude, t.attribution),
        lambda: arena_snapshot(t.leader, t.follower, at=at, category=category,
                               data_as_of=q.data_as_of, exclude=exclude,
                               assumed_halfwidth=hw, attribution=t.attribution,
                               n=max(ctx.options.bootstrap, 200), seed=ctx.options.seed,
                               level=ctx.options.level, store=ctx.store))
    day = snap["date"]
    if (at - day).days > MAX_SNAPSHOT_AGE:
        return untestable(t, metric, f"no leaderboard snapshot within {MAX_SNAPSHOT_AGE} days "
                          f"before {at} (the latest is {day})", at, method)
    est = num(snap["gap_pct"])
    lo, hi = num(snap["gap_pct_lower"]), num(snap["gap_pct_upper"])
    v = part_verdict(t, est, lo, hi)
    left_out = (f"; left out: {', '.join(snap['excluded'])}" if snap["excluded"] else "")
    iv = str(snap["interval"])
    if iv.startswith("assumed"):
        iv += f" ({hw_why})"
    text = sentence(t, metric, f"The rating gap between the top models "
                    f"({snap['leader_model']} {num(snap['leader_rating']) or 0:.0f} vs "
                    f"{snap['follower_model']} {num(snap['follower_rating']) or 0:.0f}) in "
                    f"the {day} snapshot{left_out}", est, lo, hi, "%", day, v,
                    ctx.options.level)
    text = f"{later_vintage_note(snap['selection'], q)} {text} Interval: {iv}.".strip()
    return Evidence(metric, "gap_pct", est, lo, hi, "%", v, method, text, day, 0, 0,
                    snap["selection"].to_dict(),
                    {"leader_top": str(snap["leader_model"]),
                     "leader_rating": num(snap["leader_rating"]),
                     "follower_top": str(snap["follower_model"]),
                     "follower_rating": num(snap["follower_rating"]),
                     "snapshot": day.isoformat(), "interval": iv,
                     "excluded": list(snap["excluded"])})
