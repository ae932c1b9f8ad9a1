"""Dates and credits printed next to every number of the report.

From the ``Selection`` a result carries (the vintages it read and each dataset's data date)
and the store's source catalogue, this module writes: the source line under a chart
(publisher, licence, data date), the warnings a reader must see (data more than six months
older than the report, an as-of answer that had to use a later vintage), and the "cite
this" line (aigap version, data dates, vintages, seed, the command that reproduces it).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

#: A section's newest data older than this (in days) before the report's date is flagged.
STALE_DAYS = 183


@dataclass
class Catalogue:
    """What the store knows about each source: publisher, licence, title, newest data."""

    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    dataset_source: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> Catalogue:
        """Build from :func:`aigap.api.sources` output (its ``datasets`` attribute maps
        each dataset to its source)."""
        rows = {str(r["source"]): {str(k): v for k, v in r.items()}
                for r in table.to_dict("records")}
        ds = table.attrs.get("datasets")
        mapping = ({} if ds is None else
                   dict(zip(ds["dataset"].astype(str), ds["source"].astype(str), strict=False)))
        return cls(rows, mapping)

    def used(self) -> list[dict[str, Any]]:
        """Sources with data in the store, with their newest data date (for the header)."""
        out = []
        for name, r in self.sources.items():
            if not r.get("vintages"):
                continue
            out.append({"source": name, "publisher": r.get("publisher") or name,
                        "title": r.get("title") or name, "licence": r.get("licence") or "",
                        "newest_data": _date(r.get("newest_data"))})
        return out


def _date(v: Any) -> date | None:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
        return None
    try:
        ts = pd.Timestamp(v)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(ts) else ts.date()


def source_dates(selection: Any, catalogue: Catalogue) -> list[tuple[str, date | None]]:
    """(source name, newest data date among its datasets the selection read), per source."""
    dates = getattr(selection, "data_dates", {}) or {}
    per: dict[str, date | None] = {}
    for dataset, d in dates.items():
        src = catalogue.dataset_source.get(dataset, dataset)
        cur = per.get(src)
        d = _date(d)
        per[src] = d if cur is None else (max(cur, d) if d else cur)
    return sorted(per.items())


def source_line(selection: Any, catalogue: Catalogue, fallback: str = "") -> str:
    """"Source: Epoch AI, AI Benchmarking Hub (CC BY 4.0), data as of 2026-04-08. Analysis:
    aigap." for the sources a result read."""
    parts = []
    for src, d in source_dates(selection, catalogue):
        info = catalogue.sources.get(src, {})
        publisher = info.get("publisher") or src
        title = info.get("title") or ""
        licence = _short_licence(str(info.get("licence") or ""))
        text = f"{publisher}, {title}" if title and title not in publisher else publisher
        text += f" ({licence})" if licence else ""
        text += f", data as of {d.isoformat()}" if d else ", data date unknown"
        parts.append(text)
    if not parts and fallback.startswith("Source:"):
        return fallback
    body = "; ".join(dict.fromkeys(parts)) or fallback or "aigap store"
    return f"Source: {body}. Analysis: aigap."


def _short_licence(text: str) -> str:
    """The licence's first clause ("CC BY 4.0 (check ...)" -> "CC BY 4.0")."""
    short = text.split(";")[0].split(" (")[0].strip()
    return short[:60]


def newest(selection: Any) -> date | None:
    """The newest data date a selection read."""
    dates = [_date(d) for d in (getattr(selection, "data_dates", {}) or {}).values()]
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def stale_warning(what: str, newest_date: date | None, report_date: date) -> str | None:
    """A warning when ``newest_date`` is more than six months before ``report_date``."""
    if newest_date is None:
        return None
    days = (report_date - newest_date).days
    if days <= STALE_DAYS:
        return None
    months = days / 30.44
    return (f"Old data: the newest {what} data are from {newest_date.isoformat()}, "
            f"{months:.0f} months before this report's date ({report_date.isoformat()}). "
            "Treat these figures as describing that date, not today.")


def hindsight_warnings(selection: Any) -> list[str]:
    """Warnings that an as-of answer had to read a vintage published after the as-of date."""
    out = []
    for w in getattr(selection, "warnings", []) or []:
        if "no vintage" in w or "using the oldest" in w:
            out.append("Hindsight: " + w + ". Figures for this date use data published "
                       "later, so they know more than a reader could have known then.")
    return out


def vintage_text(selection: Any) -> str:
    """The vintage ids a result read, compactly ("20" or "36, 90–168 (80 vintages)")."""
    ids = sorted(set((getattr(selection, "vintages", {}) or {}).values()))
    if not ids:
        return "none"
    if len(ids) <= 4:
        return ", ".join(map(str, ids))
    return f"{ids[0]}–{ids[-1]} ({len(ids)} vintages)"


def command(name: str, **flags: Any) -> str:
    """The CLI command with its flags, shell-quoted (None flags left out)."""
    parts = ["aigap", name]
    for k, v in flags.items():
        if v is None or v is False:
            continue
        flag = "--" + k.replace("_", "-")
        if isinstance(v, list | tuple):
            for x in v:
                parts += [flag, str(x)]
        else:
            parts += [flag] if v is True else [flag, str(v)]
    return " ".join(shlex.quote(p) for p in parts)


def cite_line(title: str, *, version: str, selection: Any, catalogue: Catalogue,
              seed: int | None, n_boot: int | None, cmd: str) -> str:
    """The "cite this" line: aigap version, figure, data sources and dates, vintages, seed,
    resamples and the exact command that reproduces the figure."""
    dates = "; ".join(f"{catalogue.sources.get(s, {}).get('publisher') or s} "
                      f"{d.isoformat() if d else 'date unknown'}"
                      for s, d in source_dates(selection, catalogue)) or "see Data sources"
    extra = ""
    if seed is not None:
        extra += f" Seed {seed}"
        extra += f", {n_boot} bootstrap resamples." if n_boot else "."
    return (f"aigap {version}, \u201c{title}\u201d. Data as of: {dates}; vintages "
            f"{vintage_text(selection)}.{extra} Reproduce: {cmd}")
