"""Model-family prefixes -> organisations, for rated models no table attributes.

LMArena keys such as ``claude-3-7-sonnet-20250219`` or ``deepseek-v3-0324`` appear in
ratings before (or without) any leaderboard table naming their developer. A reviewed table
(``model_families.csv``: prefix, org_id, note) maps a key's family prefix to an organisation
in the registry; the longest matching prefix wins. Rows attributed this way are marked
``country_source = "model family"`` so readers can tell.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

from aigap.errors import SchemaError


@lru_cache(maxsize=1)
def family_table() -> pd.DataFrame:
    """The packaged prefix table, longest prefixes first, validated against the registry.

    Raises:
        SchemaError: a prefix repeats or names an org_id the registry does not have.
    """
    from aigap.attribution.organizations import load_registry

    with resources.files("aigap.attribution").joinpath("model_families.csv").open(
            "r", encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    ids = set(load_registry().org_ids)
    for i, row in enumerate(table.itertuples(), start=2):
        if row.org_id and row.org_id not in ids:
            raise SchemaError(f"unknown org_id {row.org_id!r}", file="model_families.csv",
                              row=i, column="org_id")
    if table["prefix"].duplicated().any():
        dup = table.loc[table["prefix"].duplicated(), "prefix"].iloc[0]
        raise SchemaError(f"prefix {dup!r} listed twice", file="model_families.csv",
                          column="prefix")
    table = table[table["org_id"] != ""]
    order = table["prefix"].str.len().sort_values(ascending=False).index
    return table.loc[order].reset_index(drop=True)


@lru_cache(maxsize=1)
def _prefix_index() -> tuple[dict[str, str], tuple[int, ...]]:
    """prefix -> org_id, and the prefix lengths, longest first."""
    table = family_table()
    index = dict(zip(table["prefix"], table["org_id"], strict=True))
    return index, tuple(sorted({len(p) for p in index}, reverse=True))


def _longest_prefix_org(key: str) -> str | None:
    index, lengths = _prefix_index()
    for n in lengths:
        if n <= len(key) and (org := index.get(key[:n])) is not None:
            return org
    return None


def family_org(keys: pd.Series) -> pd.Series:
    """The org_id whose family prefix (longest first) starts each key, else None."""
    low = keys.astype("string").str.strip().str.lower()
    found = {k: _longest_prefix_org(k) for k in low.dropna().unique()}  # each key once
    out = low.astype("object").map(found)
    return out.where(out.notna(), None).astype("object")
