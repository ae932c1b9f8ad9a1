"""Research questions: which institutions publish most at top AI conferences, and where
they are (CSRankings), from :func:`aigap.analysis.research.institution_table`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from aigap.analysis.common import parse_as_of
from aigap.analysis.research import AI_AREAS
from aigap.errors import QueryError
from aigap.store import Store
from aigap.store.frames import read_table

__all__ = ["institutions"]


def institutions(
    areas: Iterable[str] | None = None,
    *,
    since: int | None = None,
    until: int | None = None,
    countries: Iterable[str] | None = None,
    as_of: str | date | None = None,
    home: str | Path | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """Institutions ranked by papers at the top conferences of ``areas`` (CSRankings'
    area codes; None for its AI areas, :data:`~aigap.analysis.research.AI_AREAS`) published
    in the years ``since`` to ``until``.

    Every institution keeps its rank among all countries; ``countries`` (ISO3) only
    filters the rows returned. ``frame.attrs["selection"]`` holds the vintages read.

    Raises:
        QueryError: no CSRankings data in the store (the message says how to add it), or
            no paper in those areas and years.
    """
    from aigap.analysis.research import institution_table
    from aigap.api.context import analysis_store

    areas = tuple(areas) if areas else AI_AREAS
    d_as_of = parse_as_of(as_of)
    with analysis_store(home, store) as st:
        output, sel = read_table(st, "research_output", source="csrankings", as_of=d_as_of)
        where = st.read("institution", sel.vintages.values())  # same vintages, other table
    if output.empty or where.empty:
        missing = "generated-author-info.csv" if output.empty else "country-info.csv"
        raise QueryError(f"no CSRankings {missing} in the store; `aigap update --source "
                         "csrankings` downloads it (or `aigap import csrankings FILE`)")
    if d_as_of is not None:
        output = output[output["year"] <= d_as_of.year]
    table = institution_table(output, where, areas=areas, first_year=since,
                              last_year=until)
    if table.empty:
        raise QueryError(f"no CSRankings paper in areas {', '.join(areas)} from "
                         f"{since or 'the start'} to {until or 'the end'}")
    if countries:
        table = table[table["country"].isin([c.upper() for c in countries])]
    table.attrs["selection"] = sel
    return table.reset_index(drop=True)
