"""The parity family: months from a reference model to the first follower model scoring
at or above it on the same benchmark."""

from __future__ import annotations

import math
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

__all__ = ["parity_evidence"]

DAYS_PER_MONTH = 30.44


def parity_evidence(ctx: Context, claim: Claim, t: ClaimTest, metric: str,
                     when: date) -> Evidence:
    """Months from the reference model's release to the follower's first model at or above
    its score (same setting where possible), from :func:`aigap.api.scores`."""
    import pandas as pd

    from aigap.api import scores

    ref_date = t.reference_date or claim.date
    method = ("months from the reference model's release to the first follower model "
              "scoring at or above it on the same benchmark (same setting where possible)")
    try:
        raw = scores(metric, as_of=when, per_model=False, store=ctx.store)
        members = scores(metric, as_of=when, group=t.follower, attribution=t.attribution,
                         store=ctx.store)
    except AigapError as exc:
        return untestable(t, metric, str(exc), when, method)
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
    if best is None:
        lower = (when - ref_date).days / DAYS_PER_MONTH
        v = V.range_verdict(lower, math.inf, t.low, t.high)
        text = (f"No {t.follower} model matched the reference ({', '.join(sorted(refs))[:60]}"
                f", best {fmt_value(target, 3)}) on {metric} by {when}: parity took more than "
                f"{fmt_value(lower)} months; claimed {claimed_range(t)}: {v}.")
        return Evidence(metric, "months_to_parity", None, lower, math.inf, "months", v,
                        method, text, when, 1, n_f, data, {"reference_score": target})
    first, name, value, target, setting = best
    months = (first.date() - ref_date).days / DAYS_PER_MONTH
    v = V.range_verdict(months, months, t.low, t.high)
    how = (f"same setting ({setting})" if same
           else "no same-setting score, compared with the reference's best in any setting")
    text = (f"The first {t.follower} model at or above the reference on {metric} was {name} "
            f"({first.date()}, {fmt_value(value, 3)} vs {fmt_value(target, 3)}, {how}): "
            f"{fmt_value(months)} months after {ref_date}; claimed {claimed_range(t)}: {v}.")
    return Evidence(metric, "months_to_parity", months, months, months, "months", v, method,
                    text, when, 1, n_f, data,
                    {"first_model": name, "first_release": first.date().isoformat(),
                     "score": value, "reference_score": target, "setting": setting,
                     "same_setting": same})
