"""The parity family: months from a reference model to the first follower model scoring
at or above it on the same benchmark.

Absence is not evidence: benchmark files cover only the models someone evaluated (GLM-130B,
2022-08, is not in Epoch's MMLU file), so a claim that parity came within a window is
supported by a match inside it, contradicted by a match before it, and otherwise
untestable, with the first match the data does hold and the data that would settle it."""

from __future__ import annotations

import math
from datetime import timedelta

from aigap.analysis.units import DAYS_PER_MONTH
from aigap.claims import verdict as V
from aigap.claims.evidence import (
    Context,
    Evidence,
    Question,
    claimed_range,
    fmt_value,
    untestable,
)
from aigap.claims.schema import Claim, ClaimTest
from aigap.errors import AigapError

__all__ = ["parity_evidence"]


def parity_evidence(ctx: Context, claim: Claim, t: ClaimTest, metric: str,
                    q: Question) -> Evidence:
    """Months from the reference model's release to the follower's first model at or above
    its score (same setting where possible), from :func:`aigap.api.scores`."""
    import pandas as pd

    from aigap.api import scores

    ref_date = t.reference_date or claim.date
    method = ("months from the reference model's release to the first follower model "
              "scoring at or above it on the same benchmark (same setting where possible)")
    try:
        raw = ctx.cached(("scores-raw", metric, q.data_as_of), lambda: scores(
            metric, as_of=q.data_as_of, per_model=False, store=ctx.store))
        members = ctx.cached(("scores-group", metric, q.data_as_of, t.follower,
                              t.attribution), lambda: scores(
            metric, as_of=q.data_as_of, group=t.follower, attribution=t.attribution,
            store=ctx.store))
    except AigapError as exc:
        return untestable(t, metric, str(exc), q.end, method)
    when = q.end
    sel = raw.attrs["selection"]
    refs = {r.strip().lower() for r in t.reference_models or ()}
    # Epoch files the GPT-3 paper's results under a later API version (text-davinci-001) with
    # the name "GPT-3": match the reference by key or by name.
    names = raw["model_name"].astype("string").str.strip().str.lower()
    ref = raw[raw["model_key"].str.lower().isin(refs) | names.isin(refs).fillna(False)]
    if ref.empty:
        return untestable(t, metric, "the reference model has no score on it", when, method)
    members = members[["model_key", "model_name", "release_date"]]
    members = members[members["release_date"] >= pd.Timestamp(ref_date)]
    cand = raw.drop(columns=["release_date", "model_name"]).merge(members, on="model_key")
    best: tuple[pd.Timestamp, str, float, float, str] | None = None
    same = True
    for setting, grp in ref.dropna(subset=["setting"]).groupby("setting"):
        target = float(grp["value"].max())
        hit = cand[(cand["setting"] == setting) & (cand["value"] >= target)]
        if len(hit):
            row = hit.sort_values("release_date").iloc[0]
            if best is None or row["release_date"] < best[0]:
                best = (row["release_date"], str(row["model_name"]), float(row["value"]),
                        target, str(setting))
    if best is None:  # no same-setting match: compare with the reference's best score
        same = False
        target = float(ref["value"].max())
        hit = cand[cand["value"] >= target]
        if len(hit):
            row = hit.sort_values("release_date").iloc[0]
            best = (row["release_date"], str(row["model_name"]), float(row["value"]),
                    target, "any setting")
    n_f = int(members["model_key"].nunique())
    data = sel.to_dict()
    window_end = ref_date + _months(t.high) if t.high is not None else None
    in_window = members if window_end is None else members[
        members["release_date"] <= pd.Timestamp(window_end)]
    n_window = int(in_window["model_key"].nunique())
    settle = (f"scores on {metric} for {t.follower} models released "
              f"{ref_date} to {window_end or 'later'}")
    if best is None:
        lower = (when - ref_date).days / DAYS_PER_MONTH
        text = (f"No {t.follower} model in this data scores at or above the reference "
                f"({fmt_value(target, 3)}) on {metric} by {when} ({n_window} {t.follower} "
                f"models released in the window have a score). Absence from a benchmark "
                f"file is not evidence that no such model existed: untestable; {settle} "
                "would settle it.")
        return Evidence(metric, "months_to_parity", None, lower, math.inf, "months",
                        V.UNTESTABLE, method, text, when, 1, n_f, data,
                        {"reference_score": target, "follower_models_in_window": n_window,
                         "would_settle": settle})
    first, name, value, target, setting = best
    months = (first.date() - ref_date).days / DAYS_PER_MONTH
    v = V.range_verdict(months, months, t.low, t.high)
    if t.high is not None and months > t.high:
        v = V.UNTESTABLE
    how = (f"same setting ({setting})" if same
           else "no same-setting score, compared with the reference's best in any setting")
    text = (f"The first {t.follower} model at or above the reference on {metric} was {name} "
            f"({first.date()}, {fmt_value(value, 3)} vs {fmt_value(target, 3)}, {how}): "
            f"{fmt_value(months)} months after {ref_date}; claimed {claimed_range(t)}: {v}.")
    if v == V.UNTESTABLE:
        text += (f" A first match after the window does not show there was none inside it "
                 f"({n_window} {t.follower} models from the window have a score); {settle} "
                 "would settle it.")
    return Evidence(metric, "months_to_parity", months, months, months, "months", v, method,
                    text, when, 1, n_f, data,
                    {"first_model": name, "first_release": first.date().isoformat(),
                     "score": value, "reference_score": target, "setting": setting,
                     "same_setting": same})


def _months(m: float) -> timedelta:
    return timedelta(days=round(m * DAYS_PER_MONTH))
