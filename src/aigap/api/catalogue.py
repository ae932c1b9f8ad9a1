"""The Python API: one function per CLI command, returning pandas objects or result objects.

    import aigap
    china_2025 = aigap.models(country="China", since="2025-01-01", until="2025-12-31")

Functions take ``home`` (the data directory; default ``$AIGAP_HOME`` or the platform data
folder) or an open ``store``. They never print.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from aigap.analysis.common import parse_as_of, parse_date
from aigap.api.context import analysis_store
from aigap.errors import QueryError
from aigap.store import Store
from aigap.store.frames import Selection, load_models

#: Columns of :func:`models` output, in order.
MODEL_COLUMNS = [
    "name", "organizations", "countries", "release_date", "open_weights", "accessibility",
    "parameters", "training_compute_flop", "domain", "notable", "frontier_list",
    "country_source", "weight", "dataset", "vintage_id", "training_hardware",
]


def _org_filter(frame: pd.DataFrame, org: str) -> pd.Series:
    from aigap.attribution.organizations import load_registry, normalize_names

    registry = load_registry()
    target = registry.by_name([org]).iloc[0]
    flat = frame["organizations"].explode()
    if target is not None:
        hit = registry.by_name(flat) == target
    else:
        hit = normalize_names(flat) == normalize_names(pd.Series([org])).iloc[0]
    any_hit: pd.Series = hit.groupby(level=0).any().reindex(frame.index, fill_value=False)
    return any_hit


def models(
    country: str | None = None,
    *,
    org: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    open_weights: bool | None = None,
    attribution: str = "inclusive",
    as_of: str | date | None = None,
    home: str | Path | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """The model catalogue, filtered and attributed to a country or group.

    Args:
        country: a group: ISO3 code, country name, or configured group ("China", "EU27",
            "US+allies"); None for every model.
        org: only models with this organisation among their developers (name or alias).
        since, until: release dates, inclusive (YYYY-MM-DD).
        open_weights: True for open-weight models only, False for closed only.
        attribution: inclusive | exclusive | hq | fractional (see docs/attribution.md).
        as_of: use the data as it stood on that date (vintages and releases).

    Returns:
        One row per model (columns :data:`MODEL_COLUMNS`); ``weight`` is the model's share
        in the group (1 except under the fractional rule). ``.attrs["selection"]`` records
        the vintages used.

    Raises:
        QueryError: unknown group or rule, bad dates, since after until.
    """
    from aigap.attribution.groups import resolve_group
    from aigap.attribution.rules import check_rule, membership

    rule = check_rule(attribution)
    d_since = parse_date(since, "since")
    d_until = parse_date(until, "until")
    d_as_of = parse_as_of(as_of)
    if d_since and d_until and d_since > d_until:
        raise QueryError(f"since {d_since} is after until {d_until}")
    group = resolve_group(country) if country else None
    with analysis_store(home, store) as st:
        frame, sel = load_models(st, as_of=d_as_of)
    if frame.empty:
        out = pd.DataFrame(columns=MODEL_COLUMNS)
        out.attrs["selection"] = sel
        return out
    keep = pd.Series(True, index=frame.index)
    if d_since:
        keep &= frame["release_date"] >= pd.Timestamp(d_since)
    if d_until:
        keep &= frame["release_date"] <= pd.Timestamp(d_until)
    if open_weights is not None:
        keep &= frame["open_weights"].astype("boolean").fillna(not open_weights) == open_weights
    if org:
        keep &= _org_filter(frame, org)
    frame = frame[keep].copy()
    frame["weight"] = membership(frame, group, rule) if group else 1.0
    frame = frame[frame["weight"] > 0]
    out = frame.reindex(columns=MODEL_COLUMNS).reset_index(drop=True)
    out.attrs["selection"] = sel
    out.attrs["group"] = group.name if group else None
    out.attrs["attribution"] = rule
    return out


def selection_of(frame: pd.DataFrame) -> Selection | None:
    """The :class:`~aigap.store.frames.Selection` attached to a result frame, if any."""
    sel = frame.attrs.get("selection")
    return sel if isinstance(sel, Selection) else None


def metrics(*, home: str | Path | None = None, store: Store | None = None) -> pd.DataFrame:
    """Score metrics in the store: models scored, first and last release date, sources."""
    from aigap.store.frames import metrics as stored_metrics

    with analysis_store(home, store) as st:
        return stored_metrics(st)


def data_sources(*, home: str | Path | None = None, store: Store | None = None) -> pd.DataFrame:
    """Every registered source: publisher, URL, licence, credit, datasets and vintages
    stored, rows and the newest data date (``.attrs["datasets"]``: one row per dataset)."""
    from aigap.sources.base import all_sources

    with analysis_store(home, store) as st:
        stored = st.summary()
    rows = []
    for src in all_sources():
        mine = stored[stored["source"] == src.name]
        newest = pd.to_datetime(mine["data_as_of"]).dropna()
        rows.append({
            "source": src.name, "publisher": src.publisher, "title": src.title,
            "url": src.urls[0] if src.urls else src.homepage, "licence": src.licence,
            "credit": src.credit, "datasets": len(mine),
            "vintages": int(mine["vintages"].sum()) if len(mine) else 0,
            "rows": int(mine["rows"].fillna(0).sum()) if len(mine) else 0,
            "newest_data": newest.max().date() if len(newest) else None,
        })
    out = pd.DataFrame(rows)
    out.attrs["datasets"] = stored
    return out


def scores(
    metric: str,
    *,
    as_of: str | date | None = None,
    group: str | None = None,
    attribution: str = "inclusive",
    per_model: bool = True,
    home: str | Path | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """Scores on one metric as of a date, attributed to countries.

    Args:
        metric: a metric id (``aigap metrics``).
        as_of: only models released (and ratings observed) by then, from the vintages of then.
        group: keep only members of this group (under ``attribution``; fractional counts as
            inclusive membership).
        per_model: one row per model key (its best score; the latest rating); False for
            every stored row (all settings, sources and snapshots).

    Returns:
        A frame with model_key, model_name, release_date, value, lower, upper, setting,
        countries... and ``.attrs["selection"]``.
    """
    from aigap.attribution.groups import resolve_group
    from aigap.attribution.rules import lag_rule, membership
    from aigap.store.frames import load_observations, load_scores

    d_as_of = parse_as_of(as_of)
    load = load_scores if per_model else load_observations
    with analysis_store(home, store) as st:
        frame, sel = load(st, metric, as_of=d_as_of)
    if group is not None:
        weight = membership(frame, resolve_group(group), lag_rule(attribution))
        frame = frame.loc[weight.to_numpy() > 0].reset_index(drop=True)
    frame.attrs["selection"] = sel
    return frame


def unmapped(*, home: str | Path | None = None, store: Store | None = None) -> pd.DataFrame:
    """Rated model keys that no table, registry row or model family attributes to a country
    (listed, never dropped)."""
    from aigap.store.frames import unmapped_keys

    with analysis_store(home, store) as st:
        return unmapped_keys(st)


def group(name: str) -> Any:
    """A group by name (ISO3 code, country name, EU27, US+allies, ROW, open, closed): its
    display ``name`` and ``contains(code)`` test.

    Raises:
        QueryError: the name is no country or configured group.
    """
    from aigap.attribution.groups import resolve_group

    return resolve_group(name)


def groups() -> pd.DataFrame:
    """The configured groups (China, EU27, US+allies, ROW, open, closed...): name, kind,
    label, n_countries, members, aliases. Any ISO3 code or country name works as a group too.
    """
    from aigap.attribution.groups import groups_table

    return groups_table()


def named_group(name: str, parameter: str = "group") -> Any:
    """:func:`group`, with a refusal naming the parameter and the closest group names
    ("leader: unknown group 'chna'; did you mean China?").

    Raises:
        QueryError: the name is no country or configured group.
    """
    from aigap.analysis.names import suggestions
    from aigap.attribution.groups import groups_table, resolve_group

    table = groups_table()
    group_candidates = {str(n): str(lab) for n, lab in zip(table["name"], table["label"],
                                                             strict=True)}
    try:
        return resolve_group(name)
    except QueryError as exc:
        close = suggestions(name, group_candidates)
        guess = f"; did you mean {' or '.join(close)}?" if close else ""
        raise QueryError(f"{parameter}: {exc}{guess}", parameter=parameter) from exc


def metric_id(name: str, *, home: str | Path | None = None, store: Store | None = None
              ) -> str:
    """The stored metric id a name means, case- and separator-blind, by id or readable name
    ("ECI" -> eci, "GPQA Diamond" -> gpqa_diamond).

    Raises:
        QueryError: no stored metric matches (the closest ids and ``aigap metrics``, or the
            command that brings data not yet imported).
    """
    from aigap.store.frames import resolve_metric

    with analysis_store(home, store) as st:
        return resolve_metric(st, name)


def source_name(name: str, parameter: str = "source") -> str:
    """The registered source a name means (case-blind, by name or title).

    Raises:
        QueryError: no source matches (the closest names and ``aigap sources``).
    """
    from aigap.api.data import resolve_source

    return resolve_source(name, parameter).name


def attribution_rule(name: str) -> str:
    """The attribution rule's canonical name (inclusive, exclusive, hq, fractional).

    Raises:
        QueryError: an unknown rule.
    """
    from aigap.attribution.rules import check_rule

    return check_rule(name)


def group_candidates() -> dict[str, str]:
    """Configured group names -> their labels (countries are resolved by name elsewhere)."""
    from aigap.attribution.groups import groups_table

    table = groups_table()
    return {str(n): str(lab) for n, lab in zip(table["name"], table["label"], strict=True)}


def source_candidates() -> dict[str, str]:
    """Registered source names -> their titles."""
    from aigap.sources.base import all_sources

    return {s.name: s.title for s in all_sources()}
