"""CSRankings' public data files -> the ``research_output`` and ``institution`` tables.

CSRankings (csrankings.org, Emery Berger) counts papers by faculty at selected top
conferences, per area. Two of its files, as published in its GitHub repository:

- ``generated-author-info.csv``: ``name, dept, area[, subarea], count, adjustedcount, year``,
  one row per researcher, institution, area (or conference: see :data:`AI_CONFERENCES`) and
  year. Rows are summed per institution, area, venue and year: ``authors`` (distinct names),
  ``papers`` (``count``) and ``adjusted`` (``adjustedcount``, credit split among co-authors).
- ``country-info.csv``: ``institution, region, countryabbrv`` for institutions outside the
  United States. CSRankings lists no US institution there: an institution absent from it is
  a US one (its convention, applied by :func:`aigap.api.institutions`, not here). The code is
  ISO 3166 alpha-2, lower case, with ``uk`` for the United Kingdom.

A year, count or code that cannot be read is refused naming the file, row and column.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd

from aigap.errors import SchemaError
from aigap.sources.base import ParsedDataset, Source, SourceFile, register
from aigap.sources.readers import check_range, find_column, header_of, read_csv, to_numbers

PUBLISHER = "CSRankings (Emery Berger)"
REPO = "https://github.com/emeryberger/CSrankings"
RAW = "https://raw.githubusercontent.com/emeryberger/CSrankings/gh-pages/"
CREDIT = "CSRankings (csrankings.org, Emery Berger), CC BY-NC-ND 4.0"
#: Publication years accepted (CSRankings starts in 1970; a year past next year is an error).
YEAR_MIN = 1950
#: Codes CSRankings writes that are not ISO 3166 alpha-2.
_ALPHA2_FIXES = {"UK": "GB", "EL": "GR"}
#: CSRankings' conference codes in its AI areas -> the area (its ``parentMap``, csrankings.ts).
#: Newer files give the conference in ``area``; older ones the area, with the conference in
#: ``subarea``. Both are stored as area + venue. Older files call information retrieval
#: ``ir``, newer ones ``inforet``.
AI_CONFERENCES: dict[str, str] = {
    "aaai": "ai", "ijcai": "ai",
    "cvpr": "vision", "eccv": "vision", "iccv": "vision",
    "icml": "mlmining", "iclr": "mlmining", "kdd": "mlmining", "nips": "mlmining",
    "acl": "nlp", "emnlp": "nlp", "naacl": "nlp",
    "sigir": "inforet", "www": "inforet",
}
_RENAMED_AREAS = {"ir": "inforet"}


def _present(nums: pd.Series, values: pd.Series, *, file: str, column: str) -> None:
    """Refuse the first blank cell of a column every row must fill."""
    if nums.isna().any():
        pos = int(nums.isna().to_numpy().argmax())
        raise SchemaError(f"expected a number, got {values.iloc[pos]!r}", file=file,
                          row=pos + 2, column=column)


def _years(values: pd.Series, *, file: str, column: str) -> pd.Series:
    """Whole years between :data:`YEAR_MIN` and next year; anything else is refused."""
    nums = to_numbers(values, file=file, column=column)
    _present(nums, values, file=file, column=column)
    latest = date.today().year + 1
    what = f"a year between {YEAR_MIN} and {latest}"
    check_range(nums, lo=YEAR_MIN, hi=latest, file=file, column=column, what=what)
    if (nums % 1 != 0).any():
        pos = int((nums % 1 != 0).to_numpy().argmax())
        raise SchemaError(f"expected {what}, got {values.iloc[pos]!r}", file=file,
                          row=pos + 2, column=column)
    return nums.astype("int64")


def _counts(values: pd.Series, *, file: str, column: str) -> pd.Series:
    """Non-negative numbers, none blank."""
    nums = to_numbers(values, file=file, column=column)
    _present(nums, values, file=file, column=column)
    check_range(nums, lo=0, hi=None, file=file, column=column, what="a non-negative number")
    return nums


def _text(values: pd.Series, *, file: str, column: str) -> pd.Series:
    """Stripped text, none blank."""
    text = values.astype("string").str.strip()
    blank = text.isna() | (text == "")
    if blank.any():
        pos = int(blank.to_numpy().argmax())
        raise SchemaError("expected a value, got an empty cell", file=file, row=pos + 2,
                          column=column)
    return text


def parse_author_info(file: SourceFile) -> list[ParsedDataset]:
    """Sum ``generated-author-info.csv`` per institution, area, venue and year."""
    name = file.name
    raw = read_csv(file)
    col = {key: find_column(raw, [key], file=name, required=True, meaning=key)
           for key in ("name", "dept", "area", "count", "adjustedcount", "year")}
    venue_col = find_column(raw, ["subarea"], file=name)
    rows = pd.DataFrame({
        "person": _text(raw[str(col["name"])], file=name, column=str(col["name"])),
        "institution": _text(raw[str(col["dept"])], file=name, column=str(col["dept"])),
        "area": _text(raw[str(col["area"])], file=name, column=str(col["area"])).str.lower(),
        "venue": (raw[venue_col].astype("string").str.strip().str.lower().fillna("")
                  if venue_col else ""),
        "year": _years(raw[str(col["year"])], file=name, column=str(col["year"])),
        "papers": _counts(raw[str(col["count"])], file=name, column=str(col["count"])),
        "adjusted": _counts(raw[str(col["adjustedcount"])], file=name,
                            column=str(col["adjustedcount"])),
    })
    conference = rows["area"].isin(list(AI_CONFERENCES))
    rows.loc[conference, "venue"] = rows.loc[conference, "area"]
    rows["area"] = rows["area"].replace({**AI_CONFERENCES, **_RENAMED_AREAS})
    keys = ["institution", "area", "venue", "year"]
    out = rows.groupby(keys, sort=True, observed=True).agg(
        authors=("person", "nunique"), papers=("papers", "sum"),
        adjusted=("adjusted", "sum")).reset_index()
    out["venue"] = out["venue"].mask(out["venue"] == "")
    out["source_url"] = REPO
    newest = date(int(out["year"].max()), 1, 1) if len(out) else None
    return [ParsedDataset(source="csrankings", dataset="generated-author-info", file=file,
                          frames={"research_output": out}, data_as_of=newest,
                          skipped=Counter())]


def _iso3(alpha2: pd.Series, *, file: str, column: str) -> pd.Series:
    """ISO3 codes for CSRankings' lower-case alpha-2 codes; an unknown code is refused."""
    import pycountry

    code = alpha2.str.upper().replace(_ALPHA2_FIXES)
    out = {}
    for c in code.unique():
        found = pycountry.countries.get(alpha_2=str(c)) if len(str(c)) == 2 else None
        if found is None:
            pos = int((code == c).to_numpy().argmax())
            raise SchemaError(f"expected an ISO 3166 two-letter country code, got "
                              f"{alpha2.iloc[pos]!r}", file=file, row=pos + 2, column=column)
        out[c] = str(found.alpha_3)
    return code.map(out)


def parse_country_info(file: SourceFile) -> list[ParsedDataset]:
    """``country-info.csv``: each listed institution's country (ISO3) and region."""
    name = file.name
    raw = read_csv(file)
    inst_col = find_column(raw, ["institution"], file=name, required=True)
    code_col = find_column(raw, ["countryabbrv"], file=name, required=True,
                           meaning="the country code")
    region_col = find_column(raw, ["region"], file=name)
    assert inst_col is not None and code_col is not None
    inst = _text(raw[inst_col], file=name, column=inst_col)
    twice = inst.duplicated()
    if twice.any():
        pos = int(twice.to_numpy().argmax())
        raise SchemaError(f"institution {inst.iloc[pos]!r} is listed twice", file=name,
                          row=pos + 2, column=inst_col)
    code = _text(raw[code_col], file=name, column=code_col)
    out = pd.DataFrame({
        "institution": inst,
        "country": _iso3(code, file=name, column=code_col),
        "region": raw[region_col].astype("string").str.strip() if region_col else None,
        "source_url": REPO,
    })
    return [ParsedDataset(source="csrankings", dataset="country-info", file=file,
                          frames={"institution": out}, data_as_of=None, skipped=Counter())]


def parse_csrankings(file: SourceFile) -> list[ParsedDataset]:
    """Either CSRankings file, told apart by its header."""
    header = {h.strip().lower() for h in header_of(file)}
    if "countryabbrv" in header:
        return parse_country_info(file)
    if {"dept", "adjustedcount"} <= header:
        return parse_author_info(file)
    raise SchemaError("not a CSRankings file: expected the header of generated-author-info"
                      ".csv (name, dept, area, count, adjustedcount, year) or of "
                      "country-info.csv (institution, region, countryabbrv)", file=file.name,
                      row=1)


register(Source(
    name="csrankings",
    publisher=PUBLISHER,
    title="CSRankings: faculty papers at top conferences per institution and area",
    homepage="https://csrankings.org",
    licence="CC BY-NC-ND 4.0",
    credit=CREDIT,
    urls=(RAW + "generated-author-info.csv", RAW + "country-info.csv"),
    patterns=("generated-author-info*.csv", "country-info*.csv"),
    parse=parse_csrankings,
    optional=True,
))
