"""The Open LLM Leaderboard as it stood on a date: rank models by a score (pure function).

Works on the canonical frames the ``hf-open-llm`` / ``hf-open-llm-v1`` parsers produce;
the flags (official, merged, flagged) travel in ``score.setting``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import pandas as pd

from aigap.errors import QueryError

AVG_V2 = "hf_open_llm_v2_avg"


def _namespace(repo_ids: pd.Series) -> pd.Series:
    """The namespace of ``namespace/name`` repo ids (<NA> when there is none)."""
    return repo_ids.astype("string").str.extract(r"^([^/]+)/", expand=False)


def leaderboard_ranking(
    models: pd.DataFrame,
    scores: pd.DataFrame,
    *,
    as_of: date | str | None = None,
    official_only: bool = False,
    include_flagged: bool = False,
    top: int = 10,
    by: Literal["uploader", "base"] = "uploader",
    metric: str = AVG_V2,
) -> pd.DataFrame:
    """The leaderboard as it stood on ``as_of``: models submitted on or before it, ranked.

    Each model counts once, with its best evaluation of ``metric``. Flagged evaluations are
    left out unless ``include_flagged`` (the leaderboard hides them by default);
    ``official_only`` keeps evaluations marked ``official=true`` in ``setting``.

    Args:
        models: model rows (``model_key``, ``name``, ``base_model``, ``hf_developer``).
        scores: score rows from :func:`parse_v2` (or v1 with ``metric=AVG_V1``).
        as_of: the date; ``None`` means every submission.
        official_only: only official providers' models.
        include_flagged: keep evaluations the leaderboard flagged.
        top: how many ranks to return (ties share a rank and may return more rows).
        by: which namespace ``attribution_namespace`` holds: the uploader's or the base
            model's (falling back to the uploader when there is no base model).
        metric: the score metric to rank by.

    Returns:
        Columns ``rank``, ``model_key``, ``name``, ``value``, ``observed_on``,
        ``namespace``, ``base_model``, ``base_namespace``, ``attribution_namespace``,
        ``official``, ``merged``, ``flagged``.

    Raises:
        QueryError: ``by`` or ``top`` is invalid.
    """
    if by not in ("uploader", "base"):
        raise QueryError(f"by must be 'uploader' or 'base', got {by!r}")
    if top < 1:
        raise QueryError(f"top must be at least 1, got {top}")
    sel = scores[scores["metric"] == metric].copy()
    sel["observed_on"] = pd.to_datetime(sel["observed_on"])
    setting = sel["setting"].astype("string").fillna("")
    sel["official"] = setting.str.contains("official=true", regex=False)
    sel["merged"] = setting.str.contains("merged=true", regex=False)
    sel["flagged"] = setting.str.contains("flagged=true", regex=False)
    if as_of is not None:
        sel = sel[sel["observed_on"] <= pd.Timestamp(as_of)]
    if official_only:
        sel = sel[sel["official"]]
    if not include_flagged:
        sel = sel[~sel["flagged"]]
    sel = sel.sort_values(["value", "observed_on"], ascending=[False, True], kind="stable")
    best = sel.drop_duplicates("model_key", keep="first")
    best = best.assign(rank=best["value"].rank(method="min", ascending=False).astype("int64"))
    best = best[best["rank"] <= top]
    info_cols = [c for c in ("model_key", "name", "base_model", "hf_developer")
                 if c in models.columns]
    info = models[info_cols].drop_duplicates("model_key")
    out = best[["rank", "model_key", "value", "observed_on", "official", "merged", "flagged",
                "model_name"]].merge(info, on="model_key", how="left")
    if "name" not in out:
        out["name"] = out["model_name"]
    out["name"] = out["name"].fillna(out["model_name"])
    if "base_model" not in out:
        out["base_model"] = pd.NA
    if "hf_developer" not in out:
        out["hf_developer"] = pd.NA
    out["namespace"] = out["hf_developer"].astype("string").fillna(
        _namespace(out["name"].astype("string")))
    base = out["base_model"].astype("string")
    out["base_namespace"] = _namespace(base)
    out["attribution_namespace"] = (
        out["namespace"] if by == "uploader" else out["base_namespace"].fillna(out["namespace"])
    )
    cols = ["rank", "model_key", "name", "value", "observed_on", "namespace", "base_model",
            "base_namespace", "attribution_namespace", "official", "merged", "flagged"]
    return out[cols].sort_values(["rank", "model_key"]).reset_index(drop=True)
