"""Assemble the self-contained HTML report and export its charts as PNG/SVG.

The page carries its styles, the Vega/Vega-Lite/vega-embed bundle (from vl-convert) and
every chart's spec inline, and a Content-Security-Policy that forbids any request, so it
opens offline and never phones home.
"""

from __future__ import annotations

import html
import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from aigap.present.charts import Figure
from aigap.present.vega import vega_bundle, vega_lite_version
from aigap.report.build import ReportData, Section

CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
       "style-src 'unsafe-inline'; img-src data:; font-src data:")
MAX_TABLE_ROWS = 300

ABBREVIATIONS = {
    "ECI": "Epoch Capabilities Index (Epoch AI's combined benchmark score)",
    "GPQA": "Graduate-level Google-proof question answering benchmark",
    "MMLU": "Massive Multitask Language Understanding benchmark",
    "FLOP": "floating-point operations",
    "tau": "tolerance: a follower within tau points of the leader counts as caught up",
}


def _asset(name: str) -> str:
    return resources.files("aigap.report").joinpath("assets", name).read_text(encoding="utf-8")


def _e(v: Any) -> str:
    return html.escape("" if v is None else str(v))


def _script_json(obj: Any) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(obj).replace("</", "<\\/").replace("<!--", "<\\!--")


def _cell(v: Any) -> tuple[str, bool]:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return "", False
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat(), False
    if isinstance(v, bool):
        return ("yes" if v else "no"), False
    if isinstance(v, int):
        return f"{v:,}", True
    if isinstance(v, float):
        if math.isinf(v):
            return "∞", True
        a = abs(v)
        text = f"{v:.3g}" if a >= 1e6 or (0 < a < 0.01) else f"{v:,.2f}"
        return text, True
    if isinstance(v, dict):
        return ", ".join(f"{k}: {x}" for k, x in v.items()), False
    if isinstance(v, list | tuple):
        return ", ".join(map(str, v)), False
    return str(v), False


def table_html(frame: pd.DataFrame, caption: str = "", max_rows: int = MAX_TABLE_ROWS) -> str:
    """An accessible HTML table (header cells with scope, numbers right-aligned)."""
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in frame.columns)
    body = []
    for row in frame.head(max_rows).itertuples(index=False):
        cells = []
        for v in row:
            text, num = _cell(v.item() if hasattr(v, "item") and not isinstance(v, str)
                              else v)
            cells.append(f'<td class="num">{_e(text)}</td>' if num else f"<td>{_e(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = (f"<p class=meta>{len(frame) - max_rows} more rows not shown.</p>"
            if len(frame) > max_rows else "")
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return (f'<div class="table-wrap"><table>{cap}<thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + f"</tbody></table></div>{more}")


def figure_html(fig: Figure) -> str:
    """A chart with its kit: the finding and what is drawn (wrapping text above the chart),
    the chart (as wide as the page), the dated source line, warnings, downloads (PNG, SVG,
    CSV of the chart's data), the "cite this" line and the data table behind it."""
    import textwrap
    from urllib.parse import quote

    key = _e(fig.key)
    sid = f"spec-{fig.key}"
    spec = _script_json(fig.spec())
    meta = _script_json({"key": fig.key,
                         "title": textwrap.wrap(fig.title, width=80) or [""],
                         "subtitle": textwrap.wrap(fig.subtitle, width=100),
                         "source": textwrap.wrap(fig.source, width=110) or [""]})
    note = f"<p class=meta>{_e(fig.note)}</p>" if fig.note else ""
    warn = "".join(f'<p class="warning">{_e(w)}</p>' for w in fig.warnings)
    sub = f'<p class="subtitle">{_e(fig.subtitle)}</p>' if fig.subtitle else ""
    csv = "data:text/csv;charset=utf-8," + quote(fig.csv())
    cite = (f'<p class="cite"><b>Cite this:</b> <span>{_e(fig.cite)}</span></p>'
            if fig.cite else "")
    return (
        f'<figure id="fig-{key}" class="fig" aria-label="{_e(fig.title)}">'
        f'<h3 class="finding">{_e(fig.title)}</h3>{sub}{warn}'
        f'<script type="application/json" id="{sid}">{spec}</script>'
        f'<script type="application/json" id="meta-{key}">{meta}</script>'
        f'<div class="chart loading" role="img" aria-label="{_e(fig.title)}" '
        f'data-spec="{sid}" data-key="{key}"></div>'
        f"<figcaption>{_e(fig.source)}</figcaption>{note}"
        f'<p class="kit">Download: <button type="button" data-export="png" '
        f'data-key="{key}">PNG</button> <button type="button" data-export="svg" '
        f'data-key="{key}">SVG</button> <a class="csv" download="{key}.csv" '
        f'href="{_e(csv)}">CSV (data)</a></p>{cite}'
        f"<details><summary>Data table for this chart</summary>"
        f"{table_html(fig.table, fig.title)}</details></figure>")


def _fmt(v: Any) -> str:
    return "?" if v is None or (isinstance(v, float) and not math.isfinite(v)) else f"{v:.1f}"


def headline_html(data: ReportData) -> str:
    """The headline box: months behind per metric with intervals, the trend, and the date
    of the data each figure rests on ("ahead" when the follower leads)."""
    from aigap.present.labels import metric_label

    lvl = int(data.level * 100)
    if not data.headline:
        return ('<div class="unavailable">No capability lag could be computed: no metric has '
                "enough scored models for both groups (see the sections below).</div>")
    parts = []
    for h in data.headline:
        verdict = _e(h["verdict"])
        start = pd.Timestamp(h["window_start"]).date() if h["window_start"] else "?"
        end = pd.Timestamp(h["end"]).date()
        dated = f" (data as of {h['data_date']})" if h.get("data_date") else ""
        if h.get("ahead"):
            lead = (f'{_e(data.follower)} is <b>ahead of</b> {_e(data.leader)}: '
                    f'{_e(h.get("ahead_text"))} since {_e(start)}; it trailed by '
                    f'{_fmt(h["lag_mean"])} months on average '
                    f'({lvl}% interval {_fmt(h["lag_lower"])}–{_fmt(h["lag_upper"])}). ')
        else:
            lead = (f'{_e(data.follower)} trails {_e(data.leader)} by '
                    f'<b>{_fmt(h["lag_mean"])} months</b> on average '
                    f'({lvl}% interval {_fmt(h["lag_lower"])}–{_fmt(h["lag_upper"])}) since '
                    f'{_e(start)}; {_fmt(h["lag_end"])} months on {_e(end)} '
                    f'({_fmt(h["lag_end_lower"])}–{_fmt(h["lag_end_upper"])}). ')
        parts.append(
            f'<p class="big"><b>{_e(metric_label(h["metric"]))}</b>{_e(dated)}: {lead}'
            f'The lag changes by {_fmt(h["slope"])} months per year '
            f'({_fmt(h["slope_lower"])} to {_fmt(h["slope_upper"])}): '
            f'<span class="verdict-{verdict.replace(" ", "-")}">{verdict}</span>.</p>')
    return '<div class="headline" id="headline">' + "".join(parts) + (
        f"<p class=meta>Intervals: {lvl}% ranges from resampling the models (lag) and "
        "from comparing how fast each group's frontier rises, over three windows (trend); "
        "\"closing\" only when the whole range says the follower's frontier rises faster, "
        "and \"depends on the window\" when the windows disagree. "
        '<a href="#methods">How to read this report</a>.</p></div>')


def section_html(sec: Section) -> str:
    """One section: its heading, then the notice, or its sentences, figures and tables."""
    out = [f'<section id="{_e(sec.key)}"><h2>{_e(sec.title)}</h2>']
    if sec.data_date and not sec.unavailable:
        out.append(f'<p class="meta dated">Newest data in this section: '
                   f'{_e(sec.data_date.isoformat())}.</p>')
    out += [f'<div class="warning" role="note">{_e(w)}</div>' for w in sec.warnings]
    if sec.unavailable:
        out.append(f'<div class="unavailable">Not available: {_e(sec.unavailable)}</div>')
        return "".join(out) + "</section>"
    out += [f"<p>{_e(t)}</p>" for t in sec.text]
    out += [figure_html(f) for f in sec.figures]
    for title, frame in sec.tables:
        out.append(f"<h3>{_e(title)}</h3>{table_html(frame)}")
    if sec.items:
        out.append(_claims_html(sec.items))
    return "".join(out) + "</section>"


def _claims_html(items: list[dict[str, Any]]) -> str:
    head = ("<table><thead><tr><th scope=col>claim</th><th scope=col>who, when</th>"
            "<th scope=col>verdict then</th><th scope=col>verdict now</th></tr></thead><tbody>")
    rows = "".join(
        f"<tr><td>{_e(i['claim'])}</td><td>{_e(i['who'])}, {_e(i['date'])}</td>"
        f"<td>{_e(i['verdict_then'])}</td><td>{_e(i['verdict_now'])}</td></tr>" for i in items)
    details = "".join(
        f'<details class="claim" id="claim-{_e(i["id"])}"><summary>{_e(i["id"])}: '
        f'{_e(i["claim"])}<span class="pill">then: {_e(i["verdict_then"])}</span>'
        f'<span class="pill">now: {_e(i["verdict_now"])}</span></summary>'
        f'<p>{_e(i["evidence_text"])}</p>'
        + (figure_html(i["figure"]) if i.get("figure") is not None else "")
        + "</details>" for i in items)
    return head + rows + "</tbody></table><h3>Evidence, claim by claim</h3>" + details


def methods_html(data: ReportData) -> str:
    """A short methods section with the abbreviations used, linking docs/methods.md."""
    abbr = "".join(f"<li><b>{_e(k)}</b>: {_e(v)}</li>" for k, v in ABBREVIATIONS.items())
    return (
        '<details id="methods" class="methods"><summary>How to read this report: methods '
        "and abbreviations</summary>"
        "<p>Records: per group, a model is a record if it beats every earlier day's best. "
        "Daily lag (Epoch AI's method): on each day, how long ago the leader's frontier was "
        "at the follower's current level (within tau), in months of 30.44 days; days "
        "measured from the leader's first record in the data are only lower bounds and are "
        "left out of the averages. Intervals: bootstrap over models within each group "
        "(keys that are one model drawn together; seeded). Trend: each group's frontier "
        "records are fitted by a line per window (from the start, last 24 and 12 months) "
        "and the growth rates compared with a model bootstrap; \"closing\" only when the "
        "whole interval says the follower's frontier rises faster. "
        f"Attribution rule used: <b>{_e(data.attribution)}</b>. Full definitions: "
        '<a href="docs/methods.md">docs/methods.md</a> and <a href="docs/report.md">'
        f"docs/report.md</a>.</p><ul>{abbr}</ul></details>")


def header_html(data: ReportData) -> str:
    """The report's date, settings, version and every source's data date."""
    as_of = (f"as of {data.as_of.isoformat()}" if data.as_of else
             f"latest data, report date {data.report_date.isoformat()}"
             if data.report_date else "latest data")
    rows = "".join(
        f"<li><b>{_e(r['publisher'])}</b>, {_e(r['title'])}: data as of "
        f"<b>{_e(r['newest_data'].isoformat() if r['newest_data'] else 'unknown')}</b>"
        f" <span class=meta>({_e(r['licence'])})</span></li>" for r in data.source_dates)
    return (
        f'<p class="meta">{_e(as_of)} · attribution rule {_e(data.attribution)} · '
        f"generated {_e(data.generated.strftime('%Y-%m-%d %H:%M UTC'))} by aigap "
        f"{_e(data.version)} · seed {data.seed}, {data.n_boot} bootstrap resamples</p>"
        f'<details class="sources" open><summary>Data dates by source</summary>'
        f'<ul id="source-dates">{rows}</ul><p class="meta">Reproduce this report: '
        f"<code>{_e(data.command)}</code></p></details>")


def render_html(data: ReportData) -> str:
    """The whole report as one HTML string (no external resources)."""
    title = f"aigap: how far {data.follower} is behind {data.leader} in generative AI"
    nav = "".join(f'<li><a href="#{_e(s.key)}">{_e(s.title)}</a></li>' for s in data.sections)
    warn = "".join(f'<p class="warning">{_e(w)}</p>' for w in data.warnings)
    if data.bundled_snapshot:
        warn += (f'<p class="warning">This report uses the Epoch AI snapshot of '
                 f"{data.bundled_snapshot.isoformat()} bundled with aigap; run "
                 "<code>aigap update</code> for the latest public data.</p>")
    if data.starter:
        warn += ('<p class="warning">This report uses the small starter dataset bundled with '
                 "aigap; run <code>aigap update</code> for the full public data.</p>")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_asset('report.css')}</style></head><body><main>"
        f"<h1>{_e(title)}</h1>{header_html(data)}{warn}{headline_html(data)}"
        f'<nav aria-label="Sections"><ul>{nav}<li><a href="#methods">How to read this '
        "report</a></li></ul></nav>" + methods_html(data)
        + "".join(section_html(s) for s in data.sections)
        + f'</main><script type="module">{vega_bundle()}</script>'
        f'<script type="module">{_asset("render.js")}</script></body></html>')


def write_report(data: ReportData, path: str | Path) -> Path:
    """Write the report to ``path`` (UTF-8) and return it."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(data), encoding="utf-8")
    return out


def export_charts(figures: list[Figure], directory: str | Path, *, scale: float = 2.0
                  ) -> list[Path]:
    """Write every figure as ``<key>.png``, ``<key>.svg`` (with its finding and source
    line) and ``<key>.csv`` (its data)."""
    import vl_convert as vlc

    out_dir = Path(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    version = vega_lite_version()
    written = []
    for fig in figures:
        spec = fig.export_spec()
        png = out_dir / f"{fig.key}.png"
        png.write_bytes(vlc.vegalite_to_png(spec, scale=scale, vl_version=version))
        svg = out_dir / f"{fig.key}.svg"
        svg.write_text(vlc.vegalite_to_svg(spec, vl_version=version), encoding="utf-8")
        csv = out_dir / f"{fig.key}.csv"
        csv.write_text(fig.csv(), encoding="utf-8")
        written += [png, svg, csv]
    return written
