"""Claim charts: each part of a claim, the claimed value (a band, or a line) against the
measured value and its interval, for each question the claim was asked.

Pure functions from the JSON form of a claim result (``ClaimResult.to_dict()``), so a report,
the dashboard or a notebook can draw a claim from cached results without the store.
"""

from __future__ import annotations

import math
import re
import textwrap
from typing import Any

import altair as alt
import pandas as pd

from aigap.present.charts import OKABE_ITO, Figure

__all__ = ["claim_figure", "claim_parts_frame", "claim_source_line"]

#: Question id -> the label on the chart's y axis (and its colour).
QUESTION_LABELS = {
    "at_the_time": "at the time",
    "today_same_period": "today's data, same period",
    "come_true": "has it come true",
}
_COLOURS = [OKABE_ITO[3], OKABE_ITO[2], OKABE_ITO[0]]


def _heading(finding: str, subtitle: list[str]) -> alt.TitleParams:
    return alt.TitleParams(finding, subtitle=subtitle, anchor="start", fontSize=14)


def _finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def claim_parts_frame(claim: dict[str, Any]) -> pd.DataFrame:
    """One row per part and question: claimed value/band, measured estimate and interval,
    unit, verdict and tolerance (the data behind :func:`claim_figure`)."""
    rows = []
    for qid, answer in (claim.get("questions") or {}).items():
        for part in answer.get("parts", []):
            c, m = part.get("claimed", {}), part.get("measured", {})
            rows.append({
                "part": str(part.get("part")), "question": QUESTION_LABELS.get(qid, qid),
                "claimed": c.get("text"), "claimed_value": _finite(c.get("value")),
                "claimed_low": _finite(c.get("low")), "claimed_high": _finite(c.get("high")),
                "estimate": _finite(m.get("estimate")), "lower": _finite(m.get("lower")),
                "upper": _finite(m.get("upper")), "unit": m.get("unit") or c.get("unit") or "",
                "metric": m.get("metric"), "verdict": part.get("verdict"),
                "tolerance": part.get("tolerance"),
            })
    return pd.DataFrame(rows, columns=[
        "part", "question", "claimed", "claimed_value", "claimed_low", "claimed_high",
        "estimate", "lower", "upper", "unit", "metric", "verdict", "tolerance"])


def claim_source_line(claim: dict[str, Any]) -> str:
    """The datasets behind the claim's figures with their data dates, as a source line."""
    seen: dict[str, str] = {}
    credits: list[str] = []
    for answer in (claim.get("questions") or {}).values():
        for part in answer.get("parts", []):
            for ev in part.get("evidence", []):
                credits += [c for c in (ev.get("data") or {}).get("credits") or []
                            if c not in credits]
                for raw, day in ((ev.get("data") or {}).get("data_as_of") or {}).items():
                    name = re.sub(r"[_-]\d{4}-\d{2}(-\d{2})?$", "", str(raw))
                    if day and (name not in seen or day > seen[name]):
                        seen[name] = day
    if not seen and not credits:
        return "Source: no data could test this claim. Analysis: aigap."
    newest = max(seen.values()) if seen else None
    used = "; ".join(credits) if credits else ", ".join(sorted(seen))
    to = f" (data to {newest})" if newest else ""
    return f"Source: {used}{to}. Analysis: aigap (claims registry)."


def _part_chart(frame: pd.DataFrame, part: str, order: list[str]) -> Any:
    f = frame[frame["part"] == part].copy()
    unit = str(f["unit"].dropna().iloc[0]) if f["unit"].notna().any() else ""
    y = alt.Y("question:N", title=None, sort=order)
    colour = alt.Color("question:N", title=None,
                       scale=alt.Scale(domain=order, range=_COLOURS[: len(order)]),
                       legend=None)
    layers = []
    band = f.dropna(subset=["claimed_low", "claimed_high"]).head(1)
    if len(band):
        layers.append(alt.Chart(band).mark_rect(opacity=0.18, color=OKABE_ITO[4]).encode(
            x=alt.X("claimed_low:Q"), x2="claimed_high:Q",
            tooltip=[alt.Tooltip("claimed:N", title="claimed"), "tolerance:N"]))
    line = f.dropna(subset=["claimed_value"]).head(1)
    if len(line):
        layers.append(alt.Chart(line).mark_rule(color=OKABE_ITO[4], strokeDash=[4, 3],
                                                strokeWidth=2).encode(
            x=alt.X("claimed_value:Q"), tooltip=[alt.Tooltip("claimed:N", title="claimed")]))
    meas = f.dropna(subset=["estimate"])
    if len(meas):
        iv = meas.dropna(subset=["lower", "upper"])
        if len(iv):
            layers.append(alt.Chart(iv).mark_rule(strokeWidth=2).encode(
                x=alt.X("lower:Q"), x2="upper:Q", y=y, color=colour))
        layers.append(alt.Chart(meas).mark_point(filled=True, size=80).encode(
            x=alt.X("estimate:Q", title=f"measured (point: estimate, line: interval) {unit}"),
            y=y, color=colour,
            tooltip=["question:N", "metric:N", alt.Tooltip("estimate:Q", format=".2f"),
                     alt.Tooltip("lower:Q", format=".2f"), alt.Tooltip("upper:Q", format=".2f"),
                     "verdict:N"]))
    verdicts = "; ".join(f"{q}: {v}" for q, v in zip(f["question"], f["verdict"], strict=True))
    if not layers:
        layers.append(alt.Chart(f).mark_text(text="no data could test this part"))
    return alt.layer(*layers).properties(
        width=440, height=24 * max(len(order), 1) + 20,
        title=alt.TitleParams(f"{part} — {verdicts}", anchor="start", fontSize=12))


def claim_figure(claim: dict[str, Any], *, source: str | None = None) -> Figure | None:
    """One claim as a figure: a panel per part showing the claimed band (shaded) and value
    (dashed line) against the measured estimate and interval for each question.

    Args:
        claim: the claim's JSON (``ClaimResult.to_dict()``).
        source: the source line (default: the datasets and data dates the figures used).

    Returns None when the claim has no part with a measured value or a claimed band (a
    recorded figure, or nothing testable).
    """
    frame = claim_parts_frame(claim)
    if frame.empty or not (frame["estimate"].notna().any()
                           or frame["claimed_low"].notna().any()):
        return None
    order = [q for q in QUESTION_LABELS.values() if q in set(frame["question"])]
    parts = list(dict.fromkeys(frame["part"]))
    speaker, day = claim.get("speaker", ""), claim.get("date", "")
    finding = f"{speaker} ({day}): claim {claim.get('verdict', '')}"
    lines = textwrap.wrap(str(claim.get("claim", "")).strip(), 100)
    lines.append("Shaded: the claimed range read with its tolerance; dashed: the stated "
                 "figure; points and lines: aigap's measurement and interval.")
    chart = alt.vconcat(*[_part_chart(frame, p, order) for p in parts]).properties(
        title=_heading(finding, lines))
    return Figure(f"claim-{claim.get('id', 'claim')}", finding, chart,
                  source or claim_source_line(claim), frame)
