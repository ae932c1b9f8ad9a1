"""Country names from sources -> ISO 3166 alpha-3 codes.

Names are looked up in pycountry (ISO 3166 names, official names, codes), after a small
reviewed override table for spellings the sources use that ISO does not ("Korea (Republic
of)", "Russia", "Philippines (the)"...). Taiwan maps to TWN and Hong Kong to HKG: they are
never merged into CHN here; the default "China" *group* includes HKG (see groups).

An unmappable name is an error, never a silent drop. "Multinational" (Epoch's label for
organisations spanning countries) is not a country: it is reported as a flag instead.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from aigap.errors import AttributionError

MULTINATIONAL = "multinational"

# Reviewed spellings -> ISO3. Keys are lower-case. Each entry is a spelling seen in a source
# (Epoch AI, TOP500, OWID, LMArena) or a common short name users type.
OVERRIDES: dict[str, str] = {
    "korea (republic of)": "KOR",
    "republic of korea": "KOR",
    "south korea": "KOR",
    "korea, south": "KOR",
    "korea": "KOR",
    "korea (democratic people's republic of)": "PRK",
    "north korea": "PRK",
    "iran (islamic republic of)": "IRN",
    "iran": "IRN",
    "philippines (the)": "PHL",
    "russia": "RUS",
    "russian federation": "RUS",
    "taiwan": "TWN",
    "taiwan, province of china": "TWN",
    "chinese taipei": "TWN",
    "hong kong": "HKG",
    "hong kong sar": "HKG",
    "hong kong, china": "HKG",
    "macau": "MAC",
    "macao": "MAC",
    "china": "CHN",
    "prc": "CHN",
    "people's republic of china": "CHN",
    "mainland china": "CHN",
    "united states": "USA",
    "united states of america": "USA",
    "us": "USA",
    "u.s.": "USA",
    "usa": "USA",
    "america": "USA",
    "uk": "GBR",
    "u.k.": "GBR",
    "united kingdom": "GBR",
    "great britain": "GBR",
    "britain": "GBR",
    "england": "GBR",
    "scotland": "GBR",
    "united kingdom of great britain and northern ireland": "GBR",
    "uae": "ARE",
    "vietnam": "VNM",
    "viet nam": "VNM",
    "turkey": "TUR",
    "türkiye": "TUR",
    "czech republic": "CZE",
    "czechia": "CZE",
    "the netherlands": "NLD",
    "netherlands": "NLD",
    "slovak republic": "SVK",
    "moldova": "MDA",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "syria": "SYR",
    "laos": "LAO",
    "brunei": "BRN",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "côte d'ivoire": "CIV",
    "saudia arabia": "SAU",
    "kosovo": "XKX",
}


@lru_cache(maxsize=4096)
def _lookup(name: str) -> str | None:
    import pycountry

    key = " ".join(name.strip().lower().split())
    if key == MULTINATIONAL:
        return None
    if key in OVERRIDES:
        return OVERRIDES[key]
    try:
        return str(pycountry.countries.lookup(name.strip()).alpha_3)
    except LookupError:
        raise KeyError(name) from None


def to_iso3(name: str, *, file: str | None = None, row: int | None = None,
            column: str | None = None) -> str | None:
    """The ISO3 code for a country name; ``None`` for "Multinational".

    Raises:
        AttributionError: the name is not a known country spelling.
    """
    try:
        return _lookup(name)
    except KeyError:
        raise AttributionError(
            f"unknown country name {name!r}; expected an ISO 3166 country name or code "
            "(add a spelling to aigap.attribution.countries.OVERRIDES if it is a real country)",
            file=file, row=row, column=column,
        ) from None


_LIST_SEP = re.compile(r",(?!\s)")


def split_names(value: object) -> list[str]:
    """Split a comma-joined list of names, dropping blanks (Epoch leaves trailing commas).

    Sources join entries with a bare comma; a comma followed by a space belongs to a name
    ("Hangzhou EZVIZ Software Co., Ltd.", "Korea, South"), so it does not split.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return []
    return [p.strip() for p in _LIST_SEP.split(str(value)) if p.strip()]


def map_country_lists(
    values: pd.Series, *, file: str, column: str
) -> tuple[pd.Series, pd.Series]:
    """Map a column of comma-joined country names to de-duplicated ISO3 lists.

    Works on unique values, so it costs one lookup per distinct spelling, not per row.

    Returns:
        (lists of ISO3 codes in first-seen order, whether "Multinational" was listed).

    Raises:
        AttributionError: naming the first row with an unknown country name.
    """
    obj = values.astype("object").where(values.notna(), "")
    uniques = pd.unique(obj)
    mapped: dict[object, tuple[list[str], bool]] = {}
    for raw in uniques:
        names = split_names(raw)
        codes: list[str] = []
        multi = False
        for n in names:
            try:
                code = _lookup(n)
            except KeyError:
                pos = int((obj == raw).to_numpy().argmax())
                to_iso3(n, file=file, row=pos + 2, column=column)
                raise  # pragma: no cover - to_iso3 raised already
            if code is None:
                multi = True
            elif code not in codes:
                codes.append(code)
        mapped[raw] = (codes, multi)
    # One list object per distinct spelling, shared by its rows (a million rows of a few
    # spellings must not become a million lists); treat them as read-only.
    lists = obj.map({k: v[0] for k, v in mapped.items()})
    flags = obj.map({k: v[1] for k, v in mapped.items()}).astype(bool)
    return lists, flags
