"""The Python API: one function per CLI command, returning pandas objects or result objects.

    import aigap
    china_2025 = aigap.models(country="China", since="2025-01-01", until="2025-12-31")

Functions take ``home`` (the data directory; default ``$AIGAP_HOME`` or the platform data
folder) or an open ``store``. They never print.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pandas as pd

from aigap.errors import QueryError
from aigap.query import Selection, load_models, parse_date
from aigap.store import Store, open_store

#: Columns of :func:`models` output, in order.
MODEL_COLUMNS = [
    "name", "organizations", "countries", "release_date", "open_weights", "accessibility",
    "parameters", "training_compute_flop", "domain", "notable", "frontier_list",
    "country_source", "weight", "dataset", "vintage_id",
]


@contextmanager
def analysis_store(home: str | Path | None = None, store: Store | None = None
                   ) -> Iterator[Store]:
    """An open store for analyses; an empty store is first given the bundled starter data.

    The starter data steps aside (is ignored by queries) once any real source is imported.
    """
    if store is not None:
        yield store
        return
    with open_store(home) as st:
        ensure_starter(st)
        yield st


def ensure_starter(store: Store) -> bool:
    """Import the bundled starter dataset into an empty store. Returns True if it did."""
    if store.read_only:
        return False
    row = store.con.execute("SELECT count(*) FROM vintage").fetchone()
    if row and row[0]:
        return False
    try:
        from aigap.sources.starter import starter_files
    except ImportError:  # pragma: no cover - the starter module ships with the package
        return False
    from aigap.ingest import store_parsed
    from aigap.sources.base import get_source

    src = get_source("starter")
    parsed = [d for f in starter_files() for d in src.parse(f)]
    store_parsed(store, parsed, {src.name: src})
    return True


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
    d_since = parse_date(since, "--since")
    d_until = parse_date(until, "--until")
    d_as_of = parse_date(as_of, "--as-of")
    if d_since and d_until and d_since > d_until:
        raise QueryError(f"--since {d_since} is after --until {d_until}")
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
    """The :class:`~aigap.query.Selection` attached to a result frame, if any."""
    sel = frame.attrs.get("selection")
    return sel if isinstance(sel, Selection) else None
