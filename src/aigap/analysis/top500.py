"""TOP500 indicators per list edition and country: counts, shares and the best rank.

Pure functions over a canonical ``system`` frame (columns as in :mod:`aigap.schema`): no
files, no network. The TOP500 parser calls :func:`indicators` so the figures are stored with
each edition; :func:`top500_table` serves the ``aigap top500`` command and the Python API.

Definitions (per edition ``e`` and country ``c``; ``S_e`` = systems listed in ``e``):

- ``top500_systems``: number of systems in ``S_e`` sited in ``c``.
- ``top500_systems_share``: that number divided by ``|S_e|`` (a fraction, normally /500).
- ``top500_rmax_tflops``: sum of Rmax (HPL, TFlop/s) of those systems.
- ``top500_rmax_share``: that sum divided by the sum of Rmax over ``S_e``.
- ``top500_best_rank``: the smallest (best) rank among those systems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from aigap.errors import QueryError

if TYPE_CHECKING:
    import pandas as pd

SOURCE_NAME = "TOP500"
LIST_URL = "https://www.top500.org/lists/top500/"

#: indicator id -> (column of :func:`edition_country_table`, unit, label)
INDICATORS: dict[str, tuple[str, str, str]] = {
    "top500_systems": ("systems", "systems", "TOP500 systems sited in the country"),
    "top500_systems_share": (
        "systems_share", "fraction", "Share of the edition's TOP500 systems",
    ),
    "top500_rmax_tflops": (
        "rmax_tflops", "TFlop/s", "Sum of HPL Rmax of the country's TOP500 systems",
    ),
    "top500_rmax_share": (
        "rmax_share", "fraction", "Share of the edition's total TOP500 Rmax",
    ),
    "top500_best_rank": ("best_rank", "rank", "Rank of the country's best TOP500 system"),
}

TABLE_COLUMNS = ["edition", "country", "systems", "systems_share", "rmax_tflops",
                 "rmax_share", "best_rank"]

_NEEDED = ("edition", "country", "rank", "rmax_tflops")


def edition_url(edition: date | pd.Timestamp) -> str:
    """The TOP500 page of one list edition, e.g. ``.../lists/top500/2019/11/``."""
    return f"{LIST_URL}{edition.year:04d}/{edition.month:02d}/"


def _check(systems: pd.DataFrame) -> None:
    missing = [c for c in _NEEDED if c not in systems.columns]
    if missing:
        raise QueryError(f"system frame lacks columns {missing}; expected {list(_NEEDED)}")


def edition_country_table(systems: pd.DataFrame) -> pd.DataFrame:
    """One row per edition x country present in it, with the five indicators as columns.

    Args:
        systems: canonical ``system`` rows of one list (``list`` == "top500"), any editions.

    Returns:
        Columns ``edition, country, systems, systems_share, rmax_tflops, rmax_share,
        best_rank``, sorted by edition then systems (descending) then country.

    Raises:
        QueryError: a needed column is missing.
    """
    import pandas as pd

    _check(systems)
    frame = systems.loc[:, list(_NEEDED)].copy()
    frame["edition"] = pd.to_datetime(frame["edition"]).dt.normalize()
    frame["rmax_tflops"] = pd.to_numeric(frame["rmax_tflops"]).astype("float64")
    frame["rank"] = pd.to_numeric(frame["rank"]).astype("float64")
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in TABLE_COLUMNS})
    grouped = frame.groupby(["edition", "country"], sort=True, observed=True)
    out = grouped.agg(
        systems=("rank", "size"),
        rmax_tflops=("rmax_tflops", lambda s: s.sum(min_count=1)),
        best_rank=("rank", "min"),
    ).reset_index()
    totals = frame.groupby("edition").agg(n=("rank", "size"), rmax=("rmax_tflops", "sum"))
    n = out["edition"].map(totals["n"])
    rmax = out["edition"].map(totals["rmax"])
    out["systems"] = out["systems"].astype("int64")
    out["systems_share"] = out["systems"] / n
    out["rmax_share"] = out["rmax_tflops"] / rmax.where(rmax > 0)
    out["best_rank"] = out["best_rank"].astype("Int64")
    out = out.sort_values(["edition", "systems", "country"], ascending=[True, False, True])
    return out.loc[:, TABLE_COLUMNS].reset_index(drop=True)


def indicators(systems: pd.DataFrame) -> pd.DataFrame:
    """Canonical ``indicator`` rows (long form) for every edition x country in ``systems``.

    The date of each row is the edition date; ``source_url`` is that edition's list page.
    """
    import pandas as pd

    table = edition_country_table(systems)
    parts = []
    for ind_id, (col, unit, label) in INDICATORS.items():
        part = pd.DataFrame({
            "indicator_id": ind_id,
            "country": table["country"],
            "date": table["edition"],
            "value": table[col].astype("float64"),
            "unit": unit,
            "label": label,
        })
        parts.append(part)
    if not parts or table.empty:
        cols = ["indicator_id", "country", "date", "value", "unit", "label", "source_name",
                "source_url"]
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    out = pd.concat(parts, ignore_index=True)
    out = out[out["value"].notna()].reset_index(drop=True)
    out["source_name"] = SOURCE_NAME
    out["source_url"] = (LIST_URL + out["date"].dt.strftime("%Y/%m")) + "/"
    return out


_ISO3 = re.compile(r"^[A-Z]{3}$")


def _parse_since(since: object) -> pd.Timestamp | None:
    import pandas as pd

    if since is None:
        return None
    try:
        ts = pd.Timestamp(since)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        raise QueryError(f"since: expected a date like 2015-06-01, got {since!r}") from None
    if pd.isna(ts):
        raise QueryError(f"since: expected a date like 2015-06-01, got {since!r}")
    return ts.normalize()


def top500_table(
    systems: pd.DataFrame,
    countries: Iterable[str] | None = None,
    since: date | str | None = None,
) -> pd.DataFrame:
    """The five indicators per edition x country, for display or export.

    Args:
        systems: canonical ``system`` rows; rows whose ``list`` is not "top500" are ignored.
        countries: ISO3 codes to keep. A requested country with no system in an edition
            gets a row with 0 systems, 0 Rmax, zero shares and no best rank, so series are
            complete. ``None`` keeps every country present.
        since: keep editions on or after this date.

    Returns:
        Columns ``edition, country, systems, systems_share, rmax_tflops, rmax_share,
        best_rank``, sorted by edition, then systems (descending), then country.

    Raises:
        QueryError: a country is not an ISO3 code, ``since`` is not a date, or a needed
            column is missing.
    """
    import pandas as pd

    _check(systems)
    if "list" in systems.columns:
        systems = systems[systems["list"].astype("string").fillna("top500") == "top500"]
    table = edition_country_table(systems)
    start = _parse_since(since)
    if start is not None:
        table = table[table["edition"] >= start]
    if countries is None:
        return table.reset_index(drop=True)
    codes = []
    for raw in countries:
        code = str(raw).strip().upper()
        if not _ISO3.match(code):
            raise QueryError(f"country: expected an ISO 3166 alpha-3 code such as CHN, "
                             f"got {raw!r}")
        if code not in codes:
            codes.append(code)
    editions = pd.Index(pd.unique(table["edition"]), name="edition")
    grid = pd.MultiIndex.from_product([editions, codes], names=["edition", "country"])
    full = table.set_index(["edition", "country"]).reindex(grid).reset_index()
    zero = ["systems", "systems_share", "rmax_tflops", "rmax_share"]
    full[zero] = full[zero].fillna(0)
    full["systems"] = full["systems"].astype("int64")
    full["best_rank"] = full["best_rank"].astype("Int64")
    full = full.sort_values(["edition", "systems", "country"], ascending=[True, False, True])
    return full.loc[:, TABLE_COLUMNS].reset_index(drop=True)
