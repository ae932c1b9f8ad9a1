"""Arena rating gaps (pure functions): the AI-Index-style top-model gap per snapshot and the
English-versus-Chinese-prompt comparison.

Inputs are observation frames with columns ``observed_on``, ``model``, ``value`` (rating),
optional ``lower``/``upper`` (the source's 95% interval) and a boolean membership column per
group. Uncertainty: every model's rating is drawn from a normal with sd = (upper - lower) /
(2 * 1.96) (zero where the source gives no interval), the groups' top ratings are recomputed
per draw, and percentile intervals are taken over draws. Randomness only through the passed
``numpy.random.Generator``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from aigap.errors import QueryError

Z95 = 1.959963984540054


def _sd(frame: pd.DataFrame) -> np.ndarray:
    if "lower" in frame and "upper" in frame:
        lo = pd.to_numeric(frame["lower"], errors="coerce").to_numpy(float)
        hi = pd.to_numeric(frame["upper"], errors="coerce").to_numpy(float)
        sd = (hi - lo) / (2 * Z95)
        return np.where(np.isfinite(sd) & (sd > 0), sd, 0.0)
    return np.zeros(len(frame))


def _group_tops(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Max over models in ``mask`` for each row of ``values`` (draws x models)."""
    masked: np.ndarray = np.where(mask[None, :], values, -np.inf)
    tops: np.ndarray = masked.max(axis=1)
    return tops


def top_gap_snapshot(
    snap: pd.DataFrame, leader: np.ndarray, follower: np.ndarray, *,
    rng: np.random.Generator, n: int = 1000, level: float = 0.9,
) -> dict[str, Any]:
    """Gap between the groups' top-rated models in one snapshot.

    Returns estimate of (top leader - top follower) in rating points and in % of the
    follower's top, percentile intervals, and P(leader's top > follower's top) over draws.
    """
    if not leader.any() or not follower.any():
        raise QueryError("a group has no rated model in this snapshot")
    values = snap["value"].to_numpy(float)
    sd = _sd(snap)
    li, fi = int(np.argmax(np.where(leader, values, -np.inf))), int(
        np.argmax(np.where(follower, values, -np.inf)))
    top_l, top_f = values[li], values[fi]
    out: dict[str, Any] = {
        "leader_model": snap["model"].iloc[li], "leader_rating": top_l,
        "follower_model": snap["model"].iloc[fi], "follower_rating": top_f,
        "gap_points": top_l - top_f, "gap_pct": 100.0 * (top_l - top_f) / top_f,
    }
    if sd.any():
        draws = values[None, :] + rng.standard_normal((n, len(values))) * sd[None, :]
        tl, tf = _group_tops(draws, leader), _group_tops(draws, follower)
        gap_pct = 100.0 * (tl - tf) / tf
        a = (1 - level) / 2
        out.update(
            gap_pct_lower=float(np.quantile(gap_pct, a)),
            gap_pct_upper=float(np.quantile(gap_pct, 1 - a)),
            gap_points_lower=float(np.quantile(tl - tf, a)),
            gap_points_upper=float(np.quantile(tl - tf, 1 - a)),
            p_leader_ahead=float((tl > tf).mean()),
            interval="rating intervals",
        )
    else:
        out.update(gap_pct_lower=np.nan, gap_pct_upper=np.nan, gap_points_lower=np.nan,
                   gap_points_upper=np.nan, p_leader_ahead=float(top_l > top_f),
                   interval="none (the source gives no rating intervals)")
    return out


def top_gap_series(
    obs: pd.DataFrame, *, rng: np.random.Generator, n: int = 1000, level: float = 0.9
) -> pd.DataFrame:
    """:func:`top_gap_snapshot` for every ``observed_on`` date where both groups are rated.

    ``obs`` needs columns observed_on, model, value, leader (bool), follower (bool).
    """
    rows = []
    for day, snap in obs.groupby("observed_on", sort=True):
        lead = snap["leader"].to_numpy(bool)
        foll = snap["follower"].to_numpy(bool)
        if not lead.any() or not foll.any():
            continue
        rows.append({"date": day, "n_models": len(snap),
                     **top_gap_snapshot(snap.reset_index(drop=True), lead, foll, rng=rng, n=n,
                                        level=level)})
    return pd.DataFrame(rows)


def language_gap(
    english: pd.DataFrame, chinese: pd.DataFrame, *, rng: np.random.Generator,
    n: int = 1000, level: float = 0.9,
) -> dict[str, Any]:
    """Is the follower closer to the leader on Chinese prompts than on English ones?

    Both frames are one snapshot's ratings in the two categories (columns model, value,
    lower, upper, leader, follower). Returns each category's top-model gap in points and %,
    the difference (Chinese minus English, in points; negative = the follower is closer on
    Chinese prompts) with a percentile interval, and P(difference < 0).
    """
    res = {}
    draws = {}
    for name, frame in (("english", english), ("chinese", chinese)):
        lead = frame["leader"].to_numpy(bool)
        foll = frame["follower"].to_numpy(bool)
        if not lead.any() or not foll.any():
            raise QueryError(f"a group has no rated model in the {name} category")
        values = frame["value"].to_numpy(float)
        d = values[None, :] + rng.standard_normal((n, len(values))) * _sd(frame)[None, :]
        tl, tf = _group_tops(d, lead), _group_tops(d, foll)
        top_l = values[lead].max()
        top_f = values[foll].max()
        res[f"{name}_gap_points"] = top_l - top_f
        res[f"{name}_gap_pct"] = 100.0 * (top_l - top_f) / top_f
        draws[name] = tl - tf
    diff = draws["chinese"] - draws["english"]
    a = (1 - level) / 2
    res.update(
        difference_points=res["chinese_gap_points"] - res["english_gap_points"],
        difference_lower=float(np.quantile(diff, a)),
        difference_upper=float(np.quantile(diff, 1 - a)),
        p_follower_closer_on_chinese=float((diff < 0).mean()),
    )
    return res
