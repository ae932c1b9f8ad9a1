"""Infrastructure questions: TOP500 supercomputers, AI supercomputers (GPU clusters) and
export-control chips. Each reads the right vintages from the store and calls the pure
analyses in :mod:`aigap.analysis`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from aigap.analysis.common import parse_as_of, parse_date
from aigap.errors import QueryError
from aigap.store import Store
from aigap.store.frames import read_table


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
    from aigap.api.context import analysis_store
    from aigap.attribution.countries import to_iso3

    codes = None
    if countries:
        codes = []
        for c in countries:
            code = c.upper() if len(c) == 3 and c.isalpha() else None
            code = code or to_iso3(c, column="country")
            if code is None:
                raise QueryError(f"country: {c!r} is not a country")
            codes.append(code)
    d_since = parse_date(since, "since")
    d_as_of = parse_as_of(as_of)
    with analysis_store(home, store) as st:
        systems, sel = read_table(st, "system", source="top500", as_of=d_as_of,
                                  all_vintages=True)
        if systems.empty:
            # No lists imported (e.g. only the bundled starter data): use recorded counts.
            from aigap.api.ratings import indicators

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
    from aigap.api.context import analysis_store

    with analysis_store(home, store) as st:
        frame, sel = read_table(st, "cluster", source="epoch-clusters",
                                as_of=parse_as_of(as_of))
    if frame.empty:
        raise QueryError("no AI-supercomputer data in the store; run `aigap update`")
    if dates is None:
        end = pd.Timestamp(parse_as_of(as_of) or frame["first_operational"].max())
        when = list(pd.date_range("2019-01-01", end, freq="QS"))
    else:
        when = [pd.Timestamp(str(parse_date(d, "date"))) for d in dates]
    out = cluster_shares(frame, when, standard_only=standard_only)
    out.attrs["selection"] = sel
    return out


def chips(*, home: str | Path | None = None, store: Store | None = None) -> pd.DataFrame:
    """Export-control chip variants against their flagships (throughput, bandwidth)."""
    from aigap.analysis.chips import chip_comparison
    from aigap.api.context import analysis_store

    with analysis_store(home, store) as st:
        frame, sel = read_table(st, "hardware", source="epoch-hardware")
    if frame.empty:
        raise QueryError("no ML hardware data in the store; run `aigap update`")
    out = chip_comparison(frame)
    out.attrs["selection"] = sel
    return out
