"""Claim families on country figures: an indicator in a year (OWID/CSET investment and
publications), notable-model counts (Epoch AI Models) and a leaderboard's ranking (the Open
LLM Leaderboard as it stood on a date), from :func:`aigap.api.indicators`,
:func:`aigap.api.models` and :func:`aigap.api.leaderboard`."""

from __future__ import annotations

from datetime import date

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

__all__ = ["indicator_evidence", "leaderboard_evidence", "model_count_evidence"]

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
        return untestable(t, None, str(exc), when, method)
    year = rows[rows["date"].astype(str).str[:4] == str(t.year)]
    got = {c: float(year.loc[year["country"] == c, "value"].iloc[0])
           for c in codes if (year["country"] == c).any()}
    missing = [c for c in codes if c not in got]
    if missing:
        return untestable(t, None, f"no {t.indicator} figure for {', '.join(missing)} in "
                          f"{t.year} in this data", when, method)
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
