"""More evidence beside the capability lag: arena rating gaps (overall and by prompt
language), the Open LLM Leaderboard as it stood on a date, and country indicators.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aigap.analysis.common import check_seed, parse_as_of, parse_date
from aigap.errors import QueryError
from aigap.store import Store
from aigap.store.frames import load_observations, read_table


def _metric(category: str) -> str:
    return "arena_text" if category in ("", "full", "overall") else f"arena_text:{category}"


def _observations(st: Store, category: str, as_of: date | None, leader: Any, follower: Any,
                  rule: str) -> tuple[pd.DataFrame, Any]:
    from aigap.attribution.rules import membership

    obs, sel = load_observations(st, _metric(category), as_of=as_of)
    obs = obs[obs["observed_on"].notna()].copy()
    obs["leader"] = membership(obs, leader, rule).to_numpy() > 0
    obs["follower"] = membership(obs, follower, rule).to_numpy() > 0
    obs["model"] = obs["model_key"]
    return obs, sel


def arena_gap(
    leader: str = "USA",
    follower: str = "China",
    *,
    category: str = "full",
    as_of: str | date | None = None,
    since: str | date | None = None,
    attribution: str = "inclusive",
    n: int = 1000,
    seed: int = 0,
    level: float = 0.9,
    home: str | Path | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """AI-Index-style arena gap per snapshot: (top leader - top follower) / top follower.

    One row per rating snapshot where both groups are rated, with the top model of each,
    the gap in rating points and %, a percentile interval from the ratings' own 95%
    intervals (where the source gives them) and P(leader's top > follower's top).
    """
    from aigap.analysis.arena import top_gap_series
    from aigap.api.context import analysis_store
    from aigap.attribution.groups import resolve_group
    from aigap.attribution.rules import check_rule

    rule = check_rule(attribution)
    lead_g, foll_g = resolve_group(leader), resolve_group(follower)
    d_since = parse_date(since, "since")
    seed = check_seed(seed)
    with analysis_store(home, store) as st:
        obs, sel = _observations(st, category, parse_as_of(as_of), lead_g, foll_g,
                                 rule)
    if d_since:
        obs = obs[obs["observed_on"] >= pd.Timestamp(d_since)]
    out = top_gap_series(obs, rng=np.random.default_rng(seed), n=n, level=level)
    if out.empty:
        raise QueryError(f"no {_metric(category)} snapshot rates both {lead_g.name} and "
                         f"{foll_g.name}")
    out.attrs["selection"] = sel
    out.attrs["groups"] = (lead_g.name, foll_g.name)
    return out


def arena_languages(
    leader: str = "USA",
    follower: str = "China",
    *,
    as_of: str | date | None = None,
    attribution: str = "inclusive",
    n: int = 1000,
    seed: int = 0,
    level: float = 0.9,
    home: str | Path | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """Per snapshot with both categories: the top-model gap on English and on Chinese
    prompts, and their difference (negative: the follower is closer on Chinese prompts)."""
    from aigap.analysis.arena import language_gap
    from aigap.api.context import analysis_store
    from aigap.attribution.groups import resolve_group
    from aigap.attribution.rules import check_rule

    rule = check_rule(attribution)
    lead_g, foll_g = resolve_group(leader), resolve_group(follower)
    d_as_of = parse_as_of(as_of)
    seed = check_seed(seed)
    with analysis_store(home, store) as st:
        en, sel = _observations(st, "english", d_as_of, lead_g, foll_g, rule)
        zh, _ = _observations(st, "chinese", d_as_of, lead_g, foll_g, rule)
    rng = np.random.default_rng(seed)
    rows = []
    for day in sorted(set(en["observed_on"]) & set(zh["observed_on"])):
        e = en[en["observed_on"] == day].reset_index(drop=True)
        z = zh[zh["observed_on"] == day].reset_index(drop=True)
        try:
            rows.append({"date": day, **language_gap(e, z, rng=rng, n=n, level=level)})
        except QueryError:
            continue
    if not rows:
        raise QueryError("no snapshot has English and Chinese ratings for both groups")
    out = pd.DataFrame(rows)
    out.attrs["selection"] = sel
    return out


def leaderboard(
    board: str = "hf-open-llm",
    *,
    as_of: str | date | None = None,
    official_only: bool = False,
    top: int = 10,
    by: str = "uploader",
    home: str | Path | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """The Open LLM Leaderboard as it stood on a date, each model with a country.

    ``by="uploader"`` attributes a model to the organisation owning its Hugging Face
    namespace; ``by="base"`` to the developer of its base model (fine-tunes and merges of
    Qwen are built on Alibaba's model, but are not Alibaba's). The registry row used is
    shown (``country_source``); unknown namespaces are listed with an empty country.
    """
    from aigap.analysis.leaderboard import leaderboard_ranking
    from aigap.attribution.organizations import load_registry
    from aigap.sources.hf_leaderboard import AVG_V1, AVG_V2

    boards = {"hf-open-llm": ("hf-open-llm", AVG_V2), "hf-open-llm-v1": ("hf-open-llm-v1",
                                                                         AVG_V1)}
    if board not in boards:
        raise QueryError(f"unknown leaderboard {board!r}; expected one of {', '.join(boards)}")
    if by not in ("uploader", "base"):
        raise QueryError(f"by: expected uploader or base, got {by!r}")
    source, metric = boards[board]
    from aigap.api.context import analysis_store

    d_as_of = parse_as_of(as_of)
    with analysis_store(home, store) as st:
        models, sel = read_table(st, "model", source=source, as_of=d_as_of)
        scores, _ = read_table(st, "score", source=source, as_of=d_as_of)
        stored = [b for b, (src, _) in boards.items()
                  if b != board and len(st.vintages(source=src))]
    if scores.empty:
        other = (f"; the store has {stored[0]}: `aigap leaderboard {stored[0]}`"
                 if stored else "")
        raise QueryError(f"no {board} data in the store{other}; `aigap update --source "
                         f"{source}` brings it (or `aigap import {source} FILE` for its "
                         "`contents` table)")
    ranked = leaderboard_ranking(models, scores, as_of=d_as_of,
                                 official_only=official_only, top=top,
                                 by=by,  # type: ignore[arg-type]
                                 metric=metric)
    registry = load_registry()
    if by == "base":
        found = [_base_developer(str(r.base_model) if isinstance(r.base_model, str)
                                 else str(r.name), models, registry)
                 for r in ranked.itertuples()]
        org = pd.Series([f[0] for f in found], index=ranked.index, dtype="object")
        how = [f[1] for f in found]
    else:
        org = registry.by_hf_namespace(ranked["attribution_namespace"])
        how = ["namespace" if isinstance(o, str) else "" for o in org]
    names = registry.frame.set_index("org_id")["name"]
    ranked["organization"] = org.map(lambda o: names.get(o) if isinstance(o, str) else None)
    ranked["countries"] = registry.countries_for(org).to_numpy()
    ranked["country_source"] = [
        f"registry: {o} ({h})" if isinstance(o, str) else
        ("unknown namespace (an individual uploader? try --by base)" if by == "uploader"
         else f"unknown ({h})")
        for o, h in zip(org, how, strict=True)]
    ranked.attrs["selection"] = sel
    return ranked


def _base_developer(repo: str, models: pd.DataFrame, registry: Any,
                    max_hops: int = 6) -> tuple[str | None, str]:
    """The registry organisation behind a model's base, following the leaderboard's own
    base-model links (a merge of a fine-tune of Qwen2 is Alibaba's model at the root), then
    the model-family prefix of the last name. Returns (org_id or None, how it was found)."""
    from aigap.attribution.families import family_org

    bases: dict[str, str] = {}
    if {"name", "base_model"} <= set(models.columns):
        known = models.dropna(subset=["base_model"])
        bases = {str(n).lower(): str(b) for n, b in zip(known["name"], known["base_model"],
                                                        strict=True)}
    chain = [repo]
    current = repo
    for _ in range(max_hops):
        ns = current.split("/", 1)[0] if "/" in current else ""
        org = registry.by_hf_namespace(pd.Series([ns])).iloc[0] if ns else None
        if isinstance(org, str):
            return org, "base chain " + " -> ".join(chain)
        nxt = bases.get(current.lower())
        if not nxt or nxt.lower() == current.lower() or nxt in chain:
            break
        chain.append(nxt)
        current = nxt
    family = family_org(pd.Series([current.rsplit("/", 1)[-1]])).iloc[0]
    if isinstance(family, str):
        return family, "model family of " + " -> ".join(chain)
    return None, "base chain " + " -> ".join(chain)


def indicators(
    ids: Iterable[str] | None = None,
    countries: Iterable[str] | None = None,
    *,
    as_of: str | date | None = None,
    exact: bool = False,
    home: str | Path | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """Country indicators (OWID/CSET, TOP500, recorded figures) from the current vintages
    (or those of ``as_of``; rows dated after it are left out).

    ``ids`` match indicator ids exactly or by prefix (e.g. ``owid:private-investment``;
    ``exact=True`` for exact ids only); ``countries`` are ISO3 codes or names.
    """
    from aigap.api.context import analysis_store
    from aigap.store.frames import select_vintages

    d_as_of = parse_as_of(as_of)
    with analysis_store(home, store) as st:
        sel = select_vintages(st, d_as_of, table="indicator")
        frame = st.read("indicator", sel.vintages.values())
    if d_as_of is not None and len(frame):
        frame = frame[pd.to_datetime(frame["date"]) <= pd.Timestamp(d_as_of)]
    if frame.empty:
        raise QueryError("no indicators in the store; run `aigap update`")
    if ids:
        wanted = list(ids)
        keep = frame["indicator_id"].map(lambda i: any(
            i == w or (not exact and i.startswith(w)) for w in wanted))
        frame = frame[keep]
    if countries:
        codes = [c.upper() if len(c) == 3 and c.isalpha() else _country(c) for c in countries]
        frame = frame[frame["country"].isin(codes)]
    frame = frame.sort_values(["indicator_id", "country", "date"]).reset_index(drop=True)
    frame.attrs["selection"] = sel
    return frame


#: Model keys that name anonymous or pre-release entries rather than released models
#: (regular expressions, matched against the arena key). The AI Index and most trackers
#: leave these out when comparing released models.
PRERELEASE_PATTERNS: tuple[str, ...] = (
    r"^early-", r"anonymous", r"^im-a(?:lso)?-good-", r"-chatbot$", r"^gpt2-chatbot",
    r"^experimental-", r"^test-",
)


def arena_snapshot(
    leader: str = "USA",
    follower: str = "China",
    *,
    at: str | date,
    category: str = "full",
    data_as_of: str | date | None = None,
    exclude: Iterable[str] = PRERELEASE_PATTERNS,
    assumed_halfwidth: float | None = None,
    attribution: str = "inclusive",
    n: int = 1000,
    seed: int = 0,
    level: float = 0.9,
    home: str | Path | None = None,
    store: Store | None = None,
) -> dict[str, Any]:
    """The top-model arena gap in the latest snapshot on or before ``at``, leaving out
    entries whose key matches ``exclude`` (anonymous and pre-release models by default).

    Rating histories without intervals would give a point gap that any difference
    "contradicts"; with ``assumed_halfwidth`` (rating points, a 95% half-width) each rating
    of such a snapshot is given that uncertainty, and the result says so (``interval``).
    ``data_as_of`` picks the data vintages (default the current ones). Returns the row of
    :func:`arena_gap` for that snapshot plus ``excluded`` (keys left out that day).

    Raises:
        QueryError: no snapshot on or before ``at`` rates both groups.
    """
    import re

    from aigap.analysis.arena import top_gap_snapshot
    from aigap.api.context import analysis_store
    from aigap.attribution.groups import resolve_group
    from aigap.attribution.rules import check_rule

    rule = check_rule(attribution)
    d_at = parse_date(at, "at")
    if d_at is None:
        raise QueryError("at: expected a date (YYYY-MM-DD)")
    lead_g, foll_g = resolve_group(leader), resolve_group(follower)
    with analysis_store(home, store) as st:
        obs, sel = _observations(st, category, parse_date(data_as_of, "data_as_of"), lead_g,
                                 foll_g, rule)
    obs = obs[obs["observed_on"] <= pd.Timestamp(d_at)]
    pattern = "|".join(f"(?:{p})" for p in exclude)
    drop = (obs["model"].astype(str).str.contains(pattern, flags=re.IGNORECASE, regex=True)
            if pattern else pd.Series(False, index=obs.index))
    kept = obs[~drop]
    both = kept.groupby("observed_on").agg(lead=("leader", "any"), foll=("follower", "any"))
    days = both.index[both["lead"] & both["foll"]]
    if len(days) == 0:
        raise QueryError(f"at: no {_metric(category)} snapshot on or before {d_at} rates both "
                         f"{lead_g.name} and {foll_g.name}")
    day = days.max()
    snap = kept[kept["observed_on"] == day].reset_index(drop=True)
    note = None
    has_iv = ({"lower", "upper"} <= set(snap.columns)
              and bool((snap["upper"] - snap["lower"]).gt(0).any()))
    if not has_iv and assumed_halfwidth:
        snap = snap.assign(lower=snap["value"] - assumed_halfwidth,
                           upper=snap["value"] + assumed_halfwidth)
        note = (f"assumed: the source gives no rating intervals; each rating taken as "
                f"+/-{assumed_halfwidth:g} points (95%)")
    row = top_gap_snapshot(snap, snap["leader"].to_numpy(bool), snap["follower"].to_numpy(bool),
                           rng=np.random.default_rng(seed), n=n, level=level)
    if note:
        row["interval"] = note
    excluded = sorted(set(obs.loc[drop & (obs["observed_on"] == day), "model"].astype(str)))
    return {"date": day.date(), "n_models": len(snap), **row, "excluded": excluded,
            "selection": sel, "groups": (lead_g.name, foll_g.name)}


def arena_rating_halfwidth(*, category: str = "full", top: int = 10,
                           home: str | Path | None = None,
                           store: Store | None = None) -> float | None:
    """The median 95% half-width (rating points) of the top-``top`` models' intervals over
    the snapshots that publish intervals; None when no snapshot does. A data-derived stand-in
    for the uncertainty of rating histories published without intervals."""
    from aigap.api.context import analysis_store

    with analysis_store(home, store) as st:
        obs, _ = load_observations(st, _metric(category))
    if not {"lower", "upper"} <= set(obs.columns):
        return None
    obs = obs[obs["observed_on"].notna() & (obs["upper"] - obs["lower"]).gt(0)]
    if obs.empty:
        return None
    obs = obs.assign(rank=obs.groupby("observed_on")["value"].rank(ascending=False))
    half = (obs.loc[obs["rank"] <= top, "upper"] - obs.loc[obs["rank"] <= top, "lower"]) / 2
    return float(half.median())


def _country(text: str) -> str:
    """The ISO3 code of a country name for the ``countries`` parameter (``--country``)."""
    from aigap.attribution.countries import to_iso3
    from aigap.errors import AttributionError

    try:
        return str(to_iso3(text, column="country"))
    except AttributionError:
        raise QueryError(f"countries: unknown country {text!r}; expected an ISO3 code "
                         "(USA, CHN...) or a country name", parameter="countries") from None
