"""Compute and infrastructure API: ``aigap.compute``, ``top500``, ``clusters``, ``chips``.

Thin wrappers that read the right vintages through :mod:`aigap.query`, resolve groups and
attribution, and call the pure analyses in :mod:`aigap.analysis`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aigap.errors import QueryError
from aigap.query import Selection, load_models, parse_date, read_table
from aigap.store import Store


@dataclass
class ComputeReport:
    """Training-compute trends of two groups and the compute lag (DESIGN method 7)."""

    inputs: dict[str, Any]
    selection: Selection
    leader_trend: Any
    follower_trend: Any
    gap: Any

    @property
    def summary(self) -> pd.DataFrame:
        """One row per group: growth per year with interval, doubling time, break, points."""
        rows = []
        for t in (self.leader_trend, self.follower_trend):
            s = t.summary
            rows.append(s)
        return pd.DataFrame(rows)

    def sentence(self) -> str:
        f, lead, g = self.follower_trend, self.leader_trend, self.gap
        lvl = int(self.inputs["level"] * 100)
        lo, hi = g.lag_interval
        return (f"Top-{self.inputs['top']} training compute grew {f.growth:.1f}x per year for "
                f"{f.label} and {lead.growth:.1f}x for {lead.label}; at "
                f"{g.end} {f.label}'s trend is {g.lag_years:.1f} years behind "
                f"({lvl}% interval {lo:.1f}–{hi:.1f}).")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "compute",
            "inputs": self.inputs,
            "data": self.selection.to_dict(),
            "sentence": self.sentence(),
            "leader": self.leader_trend.to_dict(),
            "follower": self.follower_trend.to_dict(),
            "gap": self.gap.to_dict(),
        }

    def _repr_html_(self) -> str:
        return f"<p><b>{html.escape(self.sentence())}</b></p>" + self.summary.to_html()


def compute(
    leader: str = "ROW",
    follower: str = "China",
    *,
    as_of: str | date | None = None,
    top: int = 10,
    since: str | date = "2018-01-01",
    attribution: str = "inclusive",
    exclude_finetunes: bool = True,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.9,
    home: str | Path | None = None,
    store: Store | None = None,
) -> ComputeReport:
    """Rolling top-N training-compute trends of two groups and the compute lag.

    Defaults follow Epoch AI's "china-compute-trends" comparison (China vs the rest of the
    world, top 10, language and multimodal models since 2018). See docs/compute.md.

    Raises:
        QueryError: unknown group or rule, bad dates, too few models with known compute.
    """
    from aigap.analysis.compute import compute_gap, compute_trend
    from aigap.api import analysis_store
    from aigap.attribution.groups import resolve_group
    from aigap.attribution.rules import check_rule, membership

    rule = check_rule(attribution)
    d_as_of = parse_date(as_of, "--as-of")
    d_since = parse_date(since, "--since")
    if top < 1:
        raise QueryError(f"--top: expected a whole number >= 1, got {top}")
    if d_as_of and d_since and d_since > d_as_of:
        raise QueryError(f"--since {d_since} is after --as-of {d_as_of}")
    lead_g, foll_g = resolve_group(leader), resolve_group(follower)
    with analysis_store(home, store) as st:
        models, sel = load_models(st, as_of=d_as_of)
    if models.empty:
        raise QueryError("no models in the store; run `aigap update` first")
    rng = np.random.default_rng(seed)
    kwargs: dict[str, Any] = {"top": top, "since": d_since, "until": d_as_of,
                              "exclude_finetunes": exclude_finetunes, "n_boot": n_boot,
                              "level": level}
    lt = compute_trend(models, membership(models, lead_g, rule), rng=rng, label=lead_g.name,
                       **kwargs)
    ft = compute_trend(models, membership(models, foll_g, rule), rng=rng, label=foll_g.name,
                       **kwargs)
    gap = compute_gap(lt, ft, d_as_of)
    inputs = {"leader": leader, "follower": follower, "leader_group": lead_g.name,
              "follower_group": foll_g.name, "as_of": d_as_of, "top": top, "since": d_since,
              "attribution": rule, "exclude_finetunes": exclude_finetunes, "n_boot": n_boot,
              "seed": seed, "level": level}
    return ComputeReport(inputs, sel, lt, ft, gap)


def top500(
    countries: Iterable[str] | None = None,
    since: str | date | None = None,
    *,
    as_of: str | date | None = None,
    home: str | Path | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """TOP500 systems, share, Rmax and best rank per edition and country.

    Args:
        countries: countries or groups ("China" counts CHN, HKG and MAC separately: pass
            ISO3 codes); None for every country.
        since: first edition date to keep.
    """
    from aigap.analysis.top500 import top500_table
    from aigap.api import analysis_store
    from aigap.attribution.countries import to_iso3

    codes = None
    if countries:
        codes = []
        for c in countries:
            code = c.upper() if len(c) == 3 and c.isalpha() else None
            code = code or to_iso3(c, column="--country")
            if code is None:
                raise QueryError(f"--country: {c!r} is not a country")
            codes.append(code)
    d_since = parse_date(since, "--since")
    d_as_of = parse_date(as_of, "--as-of")
    with analysis_store(home, store) as st:
        systems, sel = read_table(st, "system", source="top500", as_of=d_as_of,
                                  all_vintages=True)
        if systems.empty:
            # No lists imported (e.g. only the bundled starter data): use recorded counts.
            from aigap.evidence import indicators

            try:
                counts = indicators(["top500_systems"], store=st)
            except QueryError:
                counts = pd.DataFrame()
            counts = counts[counts["indicator_id"] == "top500_systems"] if len(counts) else counts
            if counts.empty:
                raise QueryError("no TOP500 lists in the store; import them with "
                                 "`aigap import top500 FILE` or `aigap update --from DIR`")
            sel = counts.attrs["selection"]
            out = pd.DataFrame({
                "edition": pd.to_datetime(counts["date"]), "country": counts["country"],
                "systems": counts["value"], "systems_share": counts["value"] / 500.0,
                "rmax_tflops": np.nan, "rmax_share": np.nan, "best_rank": pd.NA,
                "source_url": counts["source_url"]})
            if d_as_of:
                out = out[out["edition"] <= pd.Timestamp(d_as_of)]
            if d_since:
                out = out[out["edition"] >= pd.Timestamp(d_since)]
            if codes:
                out = out[out["country"].isin(codes)]
            out = out.sort_values(["edition", "country"]).reset_index(drop=True)
            out.attrs["selection"] = sel
            out.attrs["note"] = ("recorded system counts (no TOP500 lists imported): "
                                 "Rmax and ranks unknown")
            return out
    out = top500_table(systems, codes, d_since)
    out.attrs["selection"] = sel
    return out


def clusters(
    dates: Iterable[str | date] | None = None,
    *,
    as_of: str | date | None = None,
    standard_only: bool = True,
    home: str | Path | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """AI-supercomputer performance share and H100-equivalents per country at given dates.

    ``dates`` defaults to the first of each quarter from 2019 to the data's newest date.
    """
    from aigap.analysis.clusters import cluster_shares
    from aigap.api import analysis_store

    with analysis_store(home, store) as st:
        frame, sel = read_table(st, "cluster", source="epoch-clusters",
                                as_of=parse_date(as_of, "--as-of"))
    if frame.empty:
        raise QueryError("no AI-supercomputer data in the store; run `aigap update`")
    if dates is None:
        end = pd.Timestamp(parse_date(as_of, "--as-of") or frame["first_operational"].max())
        when = list(pd.date_range("2019-01-01", end, freq="QS"))
    else:
        when = [pd.Timestamp(str(parse_date(d, "--date"))) for d in dates]
    out = cluster_shares(frame, when, standard_only=standard_only)
    out.attrs["selection"] = sel
    return out


def chips(*, home: str | Path | None = None, store: Store | None = None) -> pd.DataFrame:
    """Export-control chip variants against their flagships (throughput, bandwidth)."""
    from aigap.analysis.chips import chip_comparison
    from aigap.api import analysis_store

    with analysis_store(home, store) as st:
        frame, sel = read_table(st, "hardware", source="epoch-hardware")
    if frame.empty:
        raise QueryError("no ML hardware data in the store; run `aigap update`")
    out = chip_comparison(frame)
    out.attrs["selection"] = sel
    return out
