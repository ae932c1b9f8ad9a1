"""Altair chart builders: pure functions from result frames to Vega-Lite charts.

Every builder returns a :class:`Figure`: the chart, a title that states the finding, the
source line and the data table a screen reader gets instead of the picture. Colours are
the Okabe–Ito palette (safe for the common colour-vision deficiencies); the leader is
always blue and the follower always vermillion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import altair as alt
import pandas as pd

from aigap.present.labels import model_label

#: Okabe–Ito colours (Okabe & Ito 2008, "Color Universal Design").
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
             "#000000")
LEADER_COLOUR, FOLLOWER_COLOUR = OKABE_ITO[0], OKABE_ITO[1]
WIDTH, HEIGHT = 640, 320
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


@dataclass
class Figure:
    """One chart with everything printed around it.

    Attributes:
        key: a stable id (used for element ids and PNG/SVG/CSV file names).
        title: the finding, in words.
        chart: the Altair chart (without the source line; :meth:`export_spec` adds it).
        source: the source line shown under the chart (publishers, licences, data dates).
        table: the data behind the chart (the screen-reader table and the CSV download).
        note: an optional sentence under the chart (method, attribution rule).
        cite: the "cite this" line (aigap version, data dates, seed, command).
        warnings: dated warnings shown next to the chart (stale data, hindsight).
    """

    key: str
    title: str
    chart: Any
    source: str
    table: pd.DataFrame
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    cite: str = ""
    warnings: list[str] = field(default_factory=list)
    _spec: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def _dict(self) -> dict[str, Any]:
        """The configured chart as a Vega-Lite dict, converted once; a shallow copy, so
        callers may replace top-level keys (never mutate nested values)."""
        if self._spec is None:
            self._spec = _configured(self.chart.to_dict(validate=False))
        return dict(self._spec)

    @property
    def subtitle(self) -> str:
        """The chart's subtitle (what is drawn), printed above the chart on the page."""
        title = self._dict().get("title")
        sub = title.get("subtitle", "") if isinstance(title, dict) else ""
        return " ".join(sub) if isinstance(sub, list) else str(sub or "")

    def spec(self) -> dict[str, Any]:
        """The page's Vega-Lite spec: as wide as its container (phones included), without
        title and source line, which the page prints as wrapping text around the chart."""
        out = self._dict()
        out.pop("title", None)
        if _resizable(out):
            out["width"] = "container"
            out["autosize"] = {"type": "fit-x", "contains": "padding"}
        return out

    def export_spec(self, width: int = WIDTH) -> dict[str, Any]:
        """The stand-alone spec for PNG/SVG files: fixed width, the finding as a wrapped
        title and the source line printed underneath."""
        import textwrap

        inner = self._dict()
        inner.pop("title", None)
        config = inner.pop("config", {})
        schema = inner.pop("$schema", None)
        if _resizable(inner):
            inner["width"] = width
        head: dict[str, Any] = {"text": textwrap.wrap(self.title, width=80) or [""],
                                "anchor": "start"}
        sub = textwrap.wrap(self.subtitle, width=100)
        if sub:
            head["subtitle"] = sub
        foot = {"text": textwrap.wrap(self.source, width=110) or [""], "orient": "bottom",
                "anchor": "start", "fontSize": 10, "fontWeight": "normal", "color": "#555",
                "offset": 8}
        out: dict[str, Any] = {"vconcat": [{"vconcat": [inner], "title": head}],
                               "title": foot, "config": config}
        if schema:
            out["$schema"] = schema
        return out

    def csv(self) -> str:
        """The chart's data as CSV (dates ISO, as drawn)."""
        return self.table.to_csv(index=False, date_format="%Y-%m-%d")


def _resizable(spec: dict[str, Any]) -> bool:
    """True for single and layered views, whose width may follow their container (Vega-Lite
    cannot size facets and concatenations to a container)."""
    return not any(k in spec for k in ("facet", "vconcat", "hconcat", "concat", "repeat"))


def _iso(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """Copy with date columns as ISO strings (Vega parses them as UTC, no time zone drift)."""
    out = frame.copy()
    for c in cols:
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    return out


#: The look shared by every chart (font, axes, legend, titles, no view border).
CONFIG: dict[str, Any] = {
    "font": FONT,
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e6e6e6"},
    "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom"},
    "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12,
              "subtitleColor": "#444"},
    "view": {"stroke": None},
}


def _configured(spec: dict[str, Any]) -> dict[str, Any]:
    """A Vega-Lite dict with :data:`CONFIG` merged over any config of its own (set on the dict:
    Altair's ``configure_*`` calls deep-copy the whole chart, data included, each time)."""
    import copy

    config = dict(spec.get("config") or {})
    for key, value in CONFIG.items():
        own = config.get(key)
        config[key] = ({**own, **copy.deepcopy(value)} if isinstance(own, dict)
                       and isinstance(value, dict) else copy.deepcopy(value))
    return {**spec, "config": config}


def _title(finding: str, subtitle: str | list[str] = "") -> alt.TitleParams:
    return alt.TitleParams(finding, subtitle=subtitle or alt.Undefined)


def _colour(leader: str, follower: str) -> alt.Scale:
    return alt.Scale(domain=[leader, follower], range=[LEADER_COLOUR, FOLLOWER_COLOUR])


def _spaced(recs: pd.DataFrame, n: int = 3, min_days: int = 150) -> pd.DataFrame:
    """Up to ``n`` of the newest records, at least ``min_days`` apart (labels would collide)."""
    keep: list[int] = []
    last: pd.Timestamp | None = None
    dates = pd.to_datetime(recs["date"])
    for i in dates.sort_values(ascending=False).index:
        if last is None or (last - dates[i]).days >= min_days:
            keep.append(i)
            last = dates[i]
        if len(keep) == n:
            break
    return recs.loc[keep]


#: Axis wording for each score scale.
UNIT_NAMES = {"index": "index points", "fraction": "% correct", "percent": "%",
              "rating": "rating points", "elo": "rating points", "points": "points"}


def metric_name(metric: str) -> str:
    """A reader-facing name for a metric id (shared with the CLI's sentences)."""
    from aigap.present.labels import metric_label

    return metric_label(metric)


def frontier_figure(
    points: pd.DataFrame,
    records: pd.DataFrame,
    *,
    leader: str,
    follower: str,
    metric: str,
    end: pd.Timestamp,
    arrows: pd.DataFrame,
    finding: str,
    source: str,
    unit: str = "score",
) -> Figure:
    """Scores against release date for both groups, step frontiers, records and lag arrows.

    Args:
        points: every scored model: group, name, date, value.
        records: the kept records: group, name, date, value (the step frontier).
        arrows: lags drawn at chosen days: date (the day t), start (s*), value (the
            follower's best at t), months.
        end: the last day of the frontier lines (the as-of date).
    """
    colour = _colour(leader, follower)
    factor = 100.0 if unit == "fraction" else 1.0  # 0-1 fractions are drawn as %
    points = points.assign(value=points["value"] * factor)
    records = records.assign(value=records["value"] * factor,
                             label=records["name"].map(model_label))
    if len(arrows):
        arrows = arrows.assign(value=arrows["value"] * factor)
    pts = _iso(points, "date")
    steps = records.copy()
    last = steps.sort_values("date").groupby("group", as_index=False).tail(1).copy()
    last["date"] = end
    last["name"] = ""
    steps = _iso(pd.concat([steps, last], ignore_index=True), "date")
    recs = _iso(records, "date")
    x = alt.X("date:T", title="Release date",
              axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True, labelSeparation=8))
    y = alt.Y("value:Q", title=f"{metric_name(metric)} ({UNIT_NAMES.get(unit, unit)})",
              scale=alt.Scale(zero=False))
    base = alt.Chart(pts).mark_circle(size=28, opacity=0.35).encode(
        x=x, y=y, color=alt.Color("group:N", scale=colour, title=None,
                                  legend=alt.Legend(symbolOpacity=1, symbolType="stroke")),
        tooltip=[alt.Tooltip("name:N", title="model"), alt.Tooltip("group:N"),
                 alt.Tooltip("date:T", title="released"),
                 alt.Tooltip("value:Q", format=".3~f")])
    line = alt.Chart(steps).mark_line(interpolate="step-after", strokeWidth=2).encode(
        x="date:T", y="value:Q", color=alt.Color("group:N", scale=colour))
    dots = alt.Chart(recs).mark_point(filled=True, size=60, opacity=1).encode(
        x="date:T", y="value:Q", color=alt.Color("group:N", scale=colour),
        tooltip=[alt.Tooltip("name:N", title="record"), alt.Tooltip("date:T"),
                 alt.Tooltip("value:Q", format=".3~f")])
    layers = [base, line, dots]
    # Leader labels above-left of their record, follower labels below-right of theirs, so
    # the two groups' labels (and the arrow labels, above the arrow tips) do not collide.
    for grp, dx, dy, align, baseline in ((leader, -4, -10, "right", "bottom"),
                                         (follower, 6, 12, "left", "top")):
        lab = _spaced(recs[recs["group"] == grp], n=3, min_days=240)
        # Hidden when the chart is narrower than 480 px (a phone): they would collide.
        layers.append(alt.Chart(lab).mark_text(
            align=align, dx=dx, dy=dy, baseline=baseline,  # type: ignore[arg-type]
            fontSize=10, opacity=alt.expr("width < 480 ? 0 : 1")).encode(
            x="date:T", y="value:Q", text="label:N",
            color=alt.Color("group:N", scale=colour)))
    if len(arrows):
        arr = _iso(arrows, "date", "start")
        arr["label"] = arr["months"].map(lambda m: f"{m:.1f} months")
        rule = alt.Chart(arr).mark_rule(color="#000", strokeDash=[4, 3]).encode(
            x="start:T", x2="date:T", y="value:Q")
        tip = alt.Chart(arr).mark_point(shape="triangle-right", filled=True, color="#000",
                                        size=50).encode(x="date:T", y="value:Q")
        txt = alt.Chart(arr).mark_text(dy=-7, dx=-6, align="right", baseline="bottom",
                                       fontSize=10, fontWeight="bold", color="#000").encode(
            x="date:T", y="value:Q", text="label:N")
        layers += [rule, tip, txt]
    chart = alt.layer(*layers).properties(
        width=WIDTH, height=HEIGHT,
        title=_title(finding, f"{metric_name(metric)}: each dot is a scored model; lines are "
                     "each group's best score so far (the frontier), big dots the models "
                     "that set a new best; dashed arrows show the lag on chosen dates"))
    table = records[["group", "name", "date", "value"]].rename(
        columns={"name": "record model", "date": "release date",
                 "value": "%" if factor != 1 else f"value ({UNIT_NAMES.get(unit, unit)})"})
    return Figure(f"frontier-{metric}", finding, chart, source, table)


def lag_figure(
    series: pd.DataFrame,
    band: pd.DataFrame,
    *,
    leader: str,
    follower: str,
    metric: str,
    finding: str,
    source: str,
    level: float = 0.9,
    trend: Any = None,
) -> Figure:
    """The daily lag over time with bootstrap intervals of the lag at chosen dates and, when
    a trend result is given, its fitted line (and its band when the result offers one).

    Args:
        series: the daily series (date, lag_months).
        band: date, estimate, lower, upper: the lag on that date and its interval from a
            bootstrap using only models released by then.
        trend: a trend result with a ``fitted`` frame (date, fitted[, lower, upper]).
    """
    s = _iso(series[["date", "lag_months"]], "date")
    lvl = int(level * 100)
    x = alt.X("date:T", title="Date",
              axis=alt.Axis(format="%b %Y", labelOverlap=True, labelSeparation=8))
    line = alt.Chart(s).mark_line(color=FOLLOWER_COLOUR, strokeWidth=1.5).encode(
        x=x, y=alt.Y("lag_months:Q", title=f"{follower} behind {leader} (months)"),
        tooltip=[alt.Tooltip("date:T"), alt.Tooltip("lag_months:Q", format=".1f",
                                                      title="lag (months)")])
    layers: list[Any] = []
    fitted = _fitted(trend)
    sub = f"Daily lag on {metric_name(metric)} (line)"
    if fitted is not None:
        f = _iso(fitted, "date")
        if {"lower", "upper"} <= set(f.columns):
            layers.append(alt.Chart(f).mark_area(color="#999", opacity=0.25).encode(
                x="date:T", y="lower:Q", y2="upper:Q"))
            sub += f"; grey: fitted trend with its {lvl}% band"
        else:
            sub += "; dashed: fitted linear trend"
        layers.append(alt.Chart(f).mark_line(color="#333", strokeDash=[6, 4],
                                             strokeWidth=2).encode(
            x="date:T", y="fitted:Q",
            tooltip=[alt.Tooltip("date:T"), alt.Tooltip("fitted:Q", format=".1f",
                                                          title="trend (months)")]))
    if len(band):
        # Intervals only at the dates they were computed: the lag is a saw-tooth, so an
        # area joining them would suggest an interval between those dates that nobody has.
        b = _iso(band, "date")
        layers.append(alt.Chart(b).mark_errorbar(color="#000", ticks=True).encode(
            x="date:T", y=alt.Y("lower:Q", title=""), y2="upper:Q"))
        layers.append(alt.Chart(b).mark_point(filled=True, color="#000", size=30).encode(
            x="date:T", y="estimate:Q",
            tooltip=[alt.Tooltip("date:T"), alt.Tooltip("estimate:Q", format=".1f"),
                     alt.Tooltip("lower:Q", format=".1f"),
                     alt.Tooltip("upper:Q", format=".1f")]))
        sub += f"; black points: the lag on that date with its {lvl}% interval (bars)"
    chart = alt.layer(*layers, line).properties(
        width=WIDTH, height=260, title=_title(finding, sub))
    table = band.rename(columns={"estimate": "lag (months)", "lower": f"{lvl}% lower",
                                 "upper": f"{lvl}% upper"}) if len(band) else (
        series[["date", "lag_months"]].iloc[::30])
    return Figure(f"lag-{metric}", finding, chart, source, table)


def _fitted(trend: Any) -> pd.DataFrame | None:
    """The fitted line of a trend result (date, fitted, optional lower/upper), if any."""
    for name in ("fitted", "line", "fit"):
        f = getattr(trend, name, None) if trend is not None else None
        if callable(f):
            try:
                f = f()
            except TypeError:
                f = None
        if isinstance(f, pd.DataFrame) and {"date", "fitted"} <= set(f.columns) and len(f):
            cols = [c for c in ("date", "fitted", "lower", "upper") if c in f.columns]
            return f[cols]
    return None


def compute_figure(
    points: pd.DataFrame,
    lines: pd.DataFrame,
    *,
    leader: str,
    follower: str,
    finding: str,
    source: str,
    top: int = 10,
) -> Figure:
    """Training compute of each group's rolling top-N models (log scale) with fitted trends.

    Args:
        points: group, name, release_date, training_compute_flop.
        lines: group, date, flop, segment (from ``ComputeTrend.line()``).
    """
    colour = _colour(leader, follower)
    pts = _iso(points, "release_date")
    ln = _iso(lines, "date")
    ln["line"] = ln["group"] + " segment " + ln["segment"].astype(str)
    y = alt.Y("training_compute_flop:Q", title="Training compute (FLOP, log scale)",
              scale=alt.Scale(type="log"),
              axis=alt.Axis(labelExpr="'10^' + round(log(datum.value) / LN10)",
                            values=[10.0 ** k for k in range(18, 30)]))
    dots = alt.Chart(pts).mark_circle(size=36, opacity=0.7).encode(
        x=alt.X("release_date:T", title="Release date",
              axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True,
                            labelSeparation=8)), y=y,
        color=alt.Color("group:N", scale=colour, title=None),
        tooltip=[alt.Tooltip("name:N", title="model"), "group:N", alt.Tooltip("release_date:T"),
                 alt.Tooltip("training_compute_flop:Q", format=".2e")])
    fit = alt.Chart(ln).mark_line(strokeWidth=2.5).encode(
        x="date:T", y=alt.Y("flop:Q", scale=alt.Scale(type="log")), detail="line:N",
        color=alt.Color("group:N", scale=colour))
    chart = alt.layer(dots, fit).properties(
        width=WIDTH, height=HEIGHT,
        title=_title(finding, f"Models in each group's rolling top {top} by training "
                     "compute (points) and fitted log-linear trends (lines)"))
    table = points.rename(columns={"release_date": "release date",
                                   "training_compute_flop": "training compute (FLOP)"})
    return Figure("compute", finding, chart, source, table)


def share_figure(
    frame: pd.DataFrame,
    *,
    key: str,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    finding: str,
    subtitle: str,
    source: str,
    order: list[str] | None = None,
) -> Figure:
    """Shares per country over time (one line per country; a share column in 0..1)."""
    f = _iso(frame, x)
    countries = list(dict.fromkeys(frame["country"]))
    if order:
        countries = [c for c in order if c in countries] + [
            c for c in countries if c not in order]
    chart = alt.Chart(f).mark_line(point=True, strokeWidth=2).encode(
        x=alt.X(f"{x}:T", title=x_title,
                axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True, labelSeparation=8)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format="%")),
        color=alt.Color("country:N", title=None,
                        scale=alt.Scale(domain=countries,
                                        range=list(OKABE_ITO[: len(countries)]))),
        tooltip=["country:N", alt.Tooltip(f"{x}:T"), alt.Tooltip(f"{y}:Q", format=".1%")],
    ).properties(width=WIDTH, height=260, title=_title(finding, subtitle))
    return Figure(key, finding, chart, source, frame)


def models_per_year_figure(
    frame: pd.DataFrame, *, finding: str, source: str, rule: str
) -> Figure:
    """Models released per year by country (one line per country; leader first)."""
    countries = list(dict.fromkeys(frame["country"]))
    chart = alt.Chart(frame).mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("year:O", title="Release year"),
        y=alt.Y("models:Q", title="Models released (count)"),
        color=alt.Color("country:N", title=None,
                        scale=alt.Scale(domain=countries,
                                        range=list(OKABE_ITO[: len(countries)]))),
        tooltip=["country:N", "year:O", alt.Tooltip("models:Q", format=".1f")],
    ).properties(width=WIDTH, height=260, title=_title(
        finding, f"Models in the catalogue per release year; attribution rule: {rule}"))
    return Figure("models-per-year", finding, chart, source, frame)


def evidence_figure(frame: pd.DataFrame, *, key: str, finding: str, source: str,
                    claimed: tuple[float | None, float | None] | None = None) -> Figure:
    """One claim's evidence: each test's estimate and interval, at the claim's date and now.

    One axis in one unit (the unit most tests use; tests in other units stay in the table),
    one row per metric with the claim's date and now side by side, so the chart can follow
    its container's width on a phone.

    Args:
        frame: when, metric, estimate, lower, upper, unit, verdict.
        claimed: the claimed range (low, high; either may be open) in the chart's unit,
            drawn as a shaded band.
    """
    f = frame.copy()
    unit = str(f["unit"].mode().iloc[0]) if f["unit"].notna().any() else ""
    shown = f[f["unit"].astype(str) == unit] if unit else f
    shown = shown.assign(label=shown["metric"].astype(str).map(metric_name))
    sub = f"Estimate (point) and interval (line) of each test, in {unit or 'its unit'}"
    if len(shown) < len(f):
        sub += "; tests in other units are in the table below"
    when = ["at the claim's date", "now"]
    y = alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=140))
    off = alt.YOffset("when:N", sort=when)
    colour = alt.Color("when:N", title=None, sort=when, scale=alt.Scale(
        domain=when, range=[OKABE_ITO[3], OKABE_ITO[2]]),
        legend=alt.Legend(orient="bottom"))
    bars = alt.Chart(shown).mark_rule(strokeWidth=2).encode(
        x=alt.X("lower:Q", title=unit or "estimate"), x2="upper:Q", y=y, yOffset=off,
        color=colour)
    pts = alt.Chart(shown).mark_point(filled=True, size=60).encode(
        x="estimate:Q", y=y, yOffset=off, color=colour,
        tooltip=["metric:N", "when:N", alt.Tooltip("estimate:Q", format=".2f"),
                 alt.Tooltip("lower:Q", format=".2f"), alt.Tooltip("upper:Q", format=".2f"),
                 "verdict:N"])
    layers: list[Any] = []
    if claimed is not None and (claimed[0] is not None or claimed[1] is not None):
        lo = claimed[0] if claimed[0] is not None else min(0.0, float(shown["lower"].min()))
        hi = claimed[1] if claimed[1] is not None else float(shown["upper"].max())
        band = pd.DataFrame({"low": [lo], "high": [hi]})
        layers.append(alt.Chart(band).mark_rect(color="#E69F00", opacity=0.18).encode(
            x="low:Q", x2="high:Q"))
        sub += "; shaded: the claimed range"
    chart = alt.layer(*layers, bars, pts).properties(
        width=WIDTH, height=alt.Step(16), title=_title(finding, sub))
    return Figure(key, finding, chart, source, frame)
