"""Compute and infrastructure API: ``aigap.compute``, ``top500``, ``clusters``, ``chips``.

Thin wrappers that read the right vintages through :mod:`aigap.store.frames`, resolve groups and
attribution, and call the pure analyses in :mod:`aigap.analysis`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aigap.analysis.common import check_seed, parse_as_of, parse_date
from aigap.errors import QueryError
from aigap.store import Store
from aigap.store.frames import Selection, load_models


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
            "data": self.data,
            "sentence": self.sentence(),
            "leader": self.leader_trend.to_dict(),
            "follower": self.follower_trend.to_dict(),
            "gap": self.gap.to_dict(),
        }

    @property
    def data(self) -> dict[str, Any]:
        """The data used: as-of date, vintages, data dates, warnings."""
        return self.selection.to_dict()

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames the compute chart draws: each group's fitted ``points`` (name,
        release_date, training_compute_flop, group) and fitted ``lines``."""
        cols = ["name", "release_date", "training_compute_flop"]
        trends = (self.leader_trend, self.follower_trend)
        return {
            "points": pd.concat([t.points[cols].assign(group=t.label) for t in trends],
                                ignore_index=True),
            "lines": pd.concat([t.line().assign(group=t.label) for t in trends],
                               ignore_index=True),
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
    from aigap.api.context import analysis_store
    from aigap.attribution.groups import resolve_group
    from aigap.attribution.rules import check_rule

    rule = check_rule(attribution)
    resolve_group(leader), resolve_group(follower)  # unknown groups fail before any reading
    d_as_of = parse_as_of(as_of)
    seed = check_seed(seed)
    d_since = parse_date(since, "since")
    if top < 1:
        raise QueryError(f"top: expected a whole number >= 1, got {top}")
    if d_as_of and d_since and d_since > d_as_of:
        raise QueryError(f"since {d_since} is after as_of {d_as_of}")
    with analysis_store(home, store) as st:
        models, sel = load_models(st, as_of=d_as_of)
    return _fit(models, sel, leader, follower, d_as_of, top, d_since, rule,
                exclude_finetunes, n_boot, seed, level)


def _fit(models: pd.DataFrame, sel: Selection, leader: str, follower: str,
         d_as_of: date | None, top: int, d_since: date | None, rule: str,
         exclude_finetunes: bool, n_boot: int, seed: int, level: float) -> ComputeReport:
    """The two groups' compute trends and the compute lag on a models frame."""
    from aigap.analysis.compute import compute_gap, compute_trend
    from aigap.attribution.groups import resolve_group
    from aigap.attribution.rules import membership

    lead_g, foll_g = resolve_group(leader), resolve_group(follower)
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


def compute_period(
    leader: str = "ROW",
    follower: str = "China",
    *,
    end: str | date,
    data_as_of: str | date | None = None,
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
    """:func:`compute` over models released by ``end``, read from the data vintages of
    another date (``data_as_of``; default the current ones): what today's data says about a
    past period (the claims registry's second question). ``data_as_of == end`` is
    :func:`compute` with ``as_of=end``."""
    from aigap.api.context import analysis_store
    from aigap.attribution.rules import check_rule

    rule = check_rule(attribution)
    d_end = parse_date(end, "end")
    if d_end is None:
        raise QueryError("end: expected a date (YYYY-MM-DD)")
    d_since = parse_date(since, "since")
    if top < 1:
        raise QueryError(f"top: expected a whole number >= 1, got {top}")
    if d_since and d_since > d_end:
        raise QueryError(f"since {d_since} is after end {d_end}")
    with analysis_store(home, store) as st:
        models, sel = load_models(st, as_of=parse_date(data_as_of, "data_as_of"))
    if len(models):
        models = models[models["release_date"] <= pd.Timestamp(d_end)].reset_index(drop=True)
    return _fit(models, sel, leader, follower, d_end, top, d_since, rule, exclude_finetunes,
                n_boot, seed, level)
