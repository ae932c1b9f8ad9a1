"""Claim families on country figures: an indicator in a year (OWID/CSET investment and
publications), notable-model counts (Epoch AI Models), a leaderboard's ranking (the Open
LLM Leaderboard as it stood on a date) and institutions at top AI conferences (CSRankings),
from :func:`aigap.api.indicators`, :func:`aigap.api.models`, :func:`aigap.api.leaderboard`
and :func:`aigap.api.institutions`."""

from __future__ import annotations

from datetime import date
from typing import Any

from aigap.claims import verdict as V
from aigap.claims.evidence import (
    Context,
    Evidence,
    Question,
    claimed_range,
    fmt_value,
    later_vintage_note,
    untestable,
)
from aigap.claims.schema import Claim, ClaimTest
from aigap.errors import AigapError

__all__ = ["hardware_share_evidence", "indicator_evidence", "institution_evidence",
           "leaderboard_evidence", "model_count_evidence", "wilson_interval"]

WORLD = "OWID_WRL"


def _verdict(t: ClaimTest, est: float) -> str:
    return (V.value_verdict(est, est, est, t.low, t.high) if t.about
            else V.range_verdict(est, est, t.low, t.high))


def indicator_evidence(ctx: Context, claim: Claim, t: ClaimTest, q: Question) -> Evidence:
    """The indicator for ``country`` in ``year``: its value (scaled by the test's unit), its
    ratio to ``other``'s, or its share of ``other`` (default the world) in %."""
    from aigap.api import indicators

    stat = t.statistic or "value"
    other = (t.other or WORLD).upper()
    codes = [(t.country or "").upper()] + ([other] if stat != "value" else [])
    method = f"{t.indicator} in {t.year} ({stat}), OWID grapher data"
    when = q.end
    try:
        rows = ctx.cached(("indicator", t.indicator, q.data_as_of), lambda: indicators(
            [t.indicator or ""], as_of=q.data_as_of, exact=True, store=ctx.store))
    except AigapError as exc:
        return untestable(t, None, f"{exc}{_how_to_add(t)}", when, method)
    year = rows[rows["date"].astype(str).str[:4] == str(t.year)]
    got = {c: float(year.loc[year["country"] == c, "value"].iloc[0])
           for c in codes if (year["country"] == c).any()}
    missing = [c for c in codes if c not in got]
    if missing:
        return untestable(t, None, f"no {t.indicator} figure for {', '.join(missing)} in "
                          f"{t.year} in this data{_how_to_add(t)}", when, method)
    mine = got[codes[0]]
    scale = {"USD bn": 1e9, "bn USD": 1e9, "USD m": 1e6}.get(t.unit, 1.0)
    if stat == "value":
        est, what = mine / scale, f"{codes[0]}'s {t.indicator} in {t.year}"
    elif stat == "ratio":
        est, what = mine / got[other], f"{codes[0]}/{other} ratio of {t.indicator} in {t.year}"
    else:
        est, what = 100.0 * mine / got[other], f"{codes[0]}'s share of {other} in {t.year}"
    v = _verdict(t, est)
    sel = rows.attrs.get("selection")
    text = (f"{what} was {fmt_value(est, 2)} {t.unit}; claimed {claimed_range(t)} "
            f"(tolerance: {t.tolerance or 'none'}): {v}.")
    text = f"{later_vintage_note(sel, q)} {text}".strip()
    return Evidence(None, stat, est, est, est, t.unit, v, method, text, when, 0, 0,
                    sel.to_dict() if sel is not None else {},
                    {"values": got, "year": t.year})


def _how_to_add(t: ClaimTest) -> str:
    """Which download would settle an indicator test, for the sources aigap cannot fetch."""
    indicator = t.indicator or ""
    if not indicator.startswith("openalex:") or t.year is None:
        return ""
    from aigap.sources.openalex import QUERIES, query_url

    slug = indicator.split(":", 1)[1]
    if slug not in QUERIES:
        return ""
    return (f"; save OpenAlex's answer to {query_url(slug, t.year)} as "
            f"openalex-{slug}-{t.year}.json and run `aigap import openalex DIR` "
            "(docs/data.md, \"Research data\")")


def model_count_evidence(ctx: Context, claim: Claim, t: ClaimTest, q: Question) -> Evidence:
    """Notable models released in ``year`` by the test's ``country`` group (Epoch AI
    Models, notable flag, inclusive attribution unless the test says otherwise)."""
    from aigap.api import models

    group = t.country or t.follower
    method = f"notable models released in {t.year} with an organisation in {group} (Epoch)"
    try:
        frame = ctx.cached(("models", group, t.year, q.data_as_of, t.attribution),
                           lambda: models(group, since=date(t.year or 1, 1, 1),
                                          until=date(t.year or 1, 12, 31),
                                          attribution=t.attribution, as_of=q.data_as_of,
                                          store=ctx.store))
    except AigapError as exc:
        return untestable(t, None, str(exc), q.end, method)
    notable = frame[frame["notable"].fillna(False).astype(bool)]
    est = float(notable["name"].nunique())
    v = _verdict(t, est)
    sel = frame.attrs.get("selection")
    text = (f"Epoch's AI Models list {est:.0f} notable models from {group} released in "
            f"{t.year} ({t.attribution} attribution); claimed {claimed_range(t)}: {v}.")
    return Evidence(None, "count", est, est, est, "models", v, method,
                    f"{later_vintage_note(sel, q)} {text}".strip(), q.end, 0, int(est),
                    sel.to_dict() if sel is not None else {})


def leaderboard_evidence(ctx: Context, claim: Claim, t: ClaimTest, q: Question) -> Evidence:
    """The best rank of the named models on the leaderboard as it stood on ``at``."""
    from aigap.api import leaderboard

    at = t.at or q.end
    method = f"rank on {t.board} as it stood on {at} (official and community models)"
    try:
        board = ctx.cached(("leaderboard", t.board, at), lambda: leaderboard(
            t.board, as_of=at, top=200, store=ctx.store))
    except AigapError as exc:
        return untestable(t, None, f"{exc}. The Open LLM Leaderboard v2 `contents` table "
                          "as of its launch (2024-06-26) would test this; the shared data "
                          "holds only partial v1 scrapes", at, method)
    names = board["name"].astype(str).str.lower()
    pats = [m.lower() for m in t.models or ()]
    hit = board[names.map(lambda n: any(p in n for p in pats))]
    if hit.empty:
        return untestable(t, None, f"none of {', '.join(pats)} is on {t.board} by {at}", at,
                          method)
    best = hit.sort_values("rank").iloc[0]
    est = float(best["rank"])
    v = _verdict(t, est)
    text = (f"{best['name']} ranked {est:.0f} on {t.board} as of {at}; claimed "
            f"{claimed_range(t)}: {v}.")
    sel = board.attrs.get("selection")
    return Evidence(None, "rank", est, est, est, "rank", v, method, text, at, 0, 0,
                    sel.to_dict() if sel is not None else {},
                    {"model": str(best["name"]), "countries": str(best.get("countries"))})


def wilson_interval(k: int, n: int, level: float) -> tuple[float, float]:
    """Wilson score interval of a proportion k/n (two-sided, ``level``)."""
    import math
    from statistics import NormalDist  # (scipy.stats would cost half a second to import)

    if n == 0:
        return math.nan, math.nan
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def hardware_share_evidence(ctx: Context, claim: Claim, t: ClaimTest,
                            q: Question) -> Evidence:
    """Share (%) of a group's models released from ``since`` to the claim's date whose
    recorded training hardware names the vendor ``chip``, among those with hardware recorded
    (Epoch AI Models' "Training hardware"), with a Wilson interval."""
    import pandas as pd

    from aigap.api import models

    group = t.country or t.follower
    until = t.at or claim.date
    method = (f"share of {group} models ({t.domain or 'any domain'}) released {t.since} to "
              f"{until} with training hardware recorded that name {t.chip}; Wilson interval")
    try:
        frame = ctx.cached(("models", group, t.since, until, q.data_as_of, t.attribution),
                           lambda: models(group, since=t.since, until=until,
                                          attribution=t.attribution, as_of=q.data_as_of,
                                          store=ctx.store))
    except AigapError as exc:
        return untestable(t, None, str(exc), until, method)
    if t.domain:
        frame = frame[frame["domain"].map(_has(t.domain))]
    hw = frame["training_hardware"].astype("string") if "training_hardware" in frame else \
        pd.Series(dtype="string")
    known = hw.dropna()
    known = known[known.str.strip() != ""]
    sel = frame.attrs.get("selection")
    if known.empty:
        return untestable(t, None, f"no {group} model in the window has training hardware "
                          "recorded in this data (Epoch AI Models' 'Training hardware' "
                          "column; a store imported before aigap kept it needs the models "
                          "file re-imported)", until, method)
    k = int(known.str.contains(t.chip or "", case=False, regex=False).sum())
    n = len(known)
    lo, hi = wilson_interval(k, n, ctx.options.level)
    est, lo, hi = 100.0 * k / n, 100.0 * lo, 100.0 * hi
    v = (V.value_verdict(est, lo, hi, t.low, t.high) if t.about
         else V.range_verdict(lo, hi, t.low, t.high))
    text = (f"{k} of {n} {group} models ({t.domain or 'any domain'}) released {t.since} to "
            f"{until} with training hardware recorded name {t.chip} ({len(frame) - n} more "
            f"have none recorded): {fmt_value(est)}% ({int(ctx.options.level * 100)}% Wilson "
            f"interval {fmt_value(lo)} to {fmt_value(hi)}); claimed {claimed_range(t)}: {v}.")
    return Evidence(None, "share", est, lo, hi, "%", v, method,
                    f"{later_vintage_note(sel, q)} {text}".strip(), until, 0, n,
                    sel.to_dict() if sel is not None else {},
                    {"with_vendor": k, "with_hardware": n, "without_hardware": len(frame) - n})


def _has(value: str) -> Any:
    """A predicate: does a list-like cell (list, array, or comma-joined text) hold ``value``?"""
    def check(cell: Any) -> bool:
        if isinstance(cell, str):
            return value in [p.strip() for p in cell.split(",")]
        try:
            return value in list(cell)
        except TypeError:
            return False
    return check


def institution_evidence(ctx: Context, claim: Claim, t: ClaimTest, q: Question) -> Evidence:
    """``count``: the country's institutions with a paper at a top conference of the areas
    from ``since`` to ``year``; ``top_n``: how many of the ``top`` institutions by
    (co-author-adjusted) papers are the country's. Counts of a listing: no interval."""
    from aigap.analysis.research import AI_AREAS
    from aigap.api import institutions

    first, last = (t.since.year if t.since else None), t.year
    country = (t.country or "").upper()
    areas = tuple(t.areas) if t.areas else None
    where = f"CSRankings areas {', '.join(areas or AI_AREAS)}"
    method = (f"institutions with a faculty paper at the top conferences of {where}, "
              f"{first}-{last} (CSRankings; unlisted institutions are US, its convention)")
    try:
        table = ctx.cached(("institutions", areas, first, last, q.data_as_of),
                           lambda: institutions(areas, since=first, until=last,
                                                as_of=q.data_as_of, store=ctx.store))
    except AigapError as exc:
        return untestable(t, None, str(exc), q.end, method)
    mine = table[table["country"] == country]
    if t.statistic == "top_n":
        top = table.head(t.top)
        est = float((top["country"] == country).sum())
        what = (f"{est:.0f} of the top {t.top} institutions by adjusted papers were in "
                f"{country} ({', '.join(top['institution'].astype(str))})")
    else:
        est = float(len(mine))
        what = f"{est:.0f} institutions in {country} had at least one such paper"
    v = _verdict(t, est)
    sel = table.attrs.get("selection")
    text = (f"{what}, {first}-{last}; claimed {claimed_range(t)} (tolerance: "
            f"{t.tolerance or 'none'}): {v}.")
    return Evidence(None, t.statistic or "count", est, est, est, t.unit, v, method,
                    f"{later_vintage_note(sel, q)} {text}".strip(), q.end, 0, len(mine),
                    sel.to_dict() if sel is not None else {},
                    {"institutions": len(table), "top": table.head(t.top)[
                        ["rank", "institution", "country"]].to_dict("records")})
