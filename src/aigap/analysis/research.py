"""Research output per institution: papers at top venues summed over areas and years, each
institution with its country (pure functions over the ``research_output`` and
``institution`` tables)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

__all__ = ["AI_AREAS", "UNLISTED_COUNTRY", "institution_table"]

#: CSRankings' "AI" areas: artificial intelligence (AAAI, IJCAI), computer vision (CVPR, ECCV,
#: ICCV), machine learning and data mining (ICML, ICLR, KDD, NeurIPS), natural language
#: processing (ACL, EMNLP, NAACL) and the web and information retrieval (SIGIR, WWW).
AI_AREAS: tuple[str, ...] = ("ai", "vision", "mlmining", "nlp", "inforet")
#: CSRankings lists only non-US institutions with a country: an unlisted one is in the US.
UNLISTED_COUNTRY = "USA"


def institution_table(output: pd.DataFrame, countries: pd.DataFrame, *,
                      areas: Iterable[str] = AI_AREAS, first_year: int | None = None,
                      last_year: int | None = None) -> pd.DataFrame:
    """One row per institution with a paper in ``areas`` from ``first_year`` to
    ``last_year``: country, papers, adjusted papers (credit split among co-authors) and
    rank by adjusted papers (CSRankings' measure; 1 = most, ties broken by papers, name).

    An institution that ``countries`` does not list gets :data:`UNLISTED_COUNTRY`, with
    ``country_listed`` False so the reader can see which rows rest on that convention.
    """
    wanted = {a.lower() for a in areas}
    rows = output[output["area"].str.lower().isin(wanted)]
    if first_year is not None:
        rows = rows[rows["year"] >= first_year]
    if last_year is not None:
        rows = rows[rows["year"] <= last_year]
    rows = rows[rows["papers"] > 0]
    table = rows.groupby("institution", sort=True).agg(
        papers=("papers", "sum"), adjusted=("adjusted", "sum"),
        first_year=("year", "min"), last_year=("year", "max"))
    where = dict(zip(countries["institution"], countries["country"], strict=True))
    table["country"] = table.index.map(where)
    table["country_listed"] = table["country"].notna()
    table["country"] = table["country"].fillna(UNLISTED_COUNTRY)
    table = table.reset_index().sort_values(["adjusted", "papers", "institution"],
                                            ascending=[False, False, True])
    table["rank"] = range(1, len(table) + 1)
    return table.reset_index(drop=True)[
        ["rank", "institution", "country", "country_listed", "papers", "adjusted",
         "first_year", "last_year"]]
