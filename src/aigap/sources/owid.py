"""Our World in Data grapher CSV exports -> the ``indicator`` table.

Layout: ``Entity, Code, Year|Day, <value columns>...``. Rules:

- indicator_id ``owid:<file slug>``, plus ``:<value column slug>`` when the file has several
  value columns; label = the value column name; unit from the column name where it says
  (a trailing ``(petaFLOP)``-style unit, ``US$``/``USD``, ``%``), else empty.
- country = ``Code`` (ISO3, or OWID aggregate codes such as ``OWID_WRL`` kept as they are).
  Rows with a blank ``Code`` are regions OWID did not code (e.g. "ASEAN (CSET)"): they are
  kept, with country ``OWID:<Entity>``, so nothing is dropped; they are not skips.
- date = 1 January of ``Year``, or the ``Day``.
- Blank value cells are not figures (a wide file leaves a column blank where the series has
  no value) and are not counted; a non-numeric value is an error naming file, row, column.
- Text columns (most cells non-numeric, e.g. ``Domain``, ``World region``) are annotations,
  not values: they go into ``note`` as ``Column=value``.
- Files without a ``Code`` column are per-entity charts (e.g. one row per AI system with a
  ``Day``), not country indicators: all their rows are counted as skipped with that reason.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pandas as pd

from aigap.errors import SchemaError
from aigap.sources.base import ParsedDataset, Source, SourceFile, register
from aigap.sources.readers import (
    find_column,
    header_of,
    max_date,
    read_csv,
    to_dates,
    to_numbers,
)

SOURCE_NAME = "Our World in Data"
GRAPHER = "https://ourworldindata.org/grapher/"
CREDIT = "Our World in Data (ourworldindata.org), CC BY 4.0, and the underlying sources it cites"

#: Years an OWID series may cover (projections run ahead of today; nothing AI-related
#: predates 1700, and pandas timestamps end in 2262).
YEAR_MIN, YEAR_MAX = 1700, 2200
_CODE = re.compile(r"^(?:[A-Z]{3}|OWID_[A-Z0-9_]+)$")
_UNIT_WORDS = re.compile(
    r"flop|usd|us\$|\$|€|%|percent|kg|tonnes|tons|watt|\bw\b|kwh|mwh|gwh|bytes|\bgb\b"
    r"|parameters|tokens|people|persons|hours|years|days|dollars|euros|yuan",
    flags=re.IGNORECASE,
)


def slugify(text: str) -> str:
    """Lower-case slug with hyphens, as OWID uses in grapher URLs."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def unit_from_name(column: str) -> str | None:
    """The unit a column name states: its last parenthesis if that names a unit, or '%'."""
    groups = re.findall(r"\(([^()]*)\)", column)
    if groups and _UNIT_WORDS.search(groups[-1]):
        return str(groups[-1]).strip()
    if "%" in column or re.search(r"\b(?:share|percentage)\b", column, flags=re.IGNORECASE):
        return "%"
    if re.search(r"\bUS\$|\bUSD\b", column):
        return "US$"
    return None


def _is_text_column(values: pd.Series) -> bool:
    """Most non-blank cells are not numbers: an annotation column, not a value column."""
    present = values.dropna()
    present = present[present.str.strip() != ""]
    if present.empty:
        return False
    nums = pd.to_numeric(present.str.replace(",", "", regex=False).str.strip(),
                         errors="coerce")
    return bool(nums.isna().mean() > 0.5)


def parse_owid(file: SourceFile) -> list[ParsedDataset]:
    """Parse one OWID grapher CSV into indicator rows (one dataset per file slug)."""
    name = file.name
    header = header_of(file)
    has_code = any(h.strip().lower() == "code" for h in header)
    # A per-entity chart (no Code column) is only counted, so a malformed row in one (a
    # real OWID export has an entity name broken over two lines) does not stop an import.
    raw = read_csv(file, skip_bad_rows=not has_code)
    slug = slugify(re.sub(r"\.csv$", "", file.basename, flags=re.IGNORECASE))
    entity_col = find_column(raw, ["Entity"], file=name, required=True, meaning="entity")
    assert entity_col is not None
    code_col = find_column(raw, ["Code"], file=name)
    year_col = find_column(raw, ["Year"], file=name)
    day_col = None if year_col else find_column(raw, ["Day", "Date"], file=name)
    if year_col is None and day_col is None:
        raise SchemaError("required column for the date is missing; expected Year or Day",
                          file=name, column="Year")
    time_col = year_col or day_col
    assert time_col is not None
    rest = [c for c in raw.columns if c not in (entity_col, code_col, time_col)]
    text_cols = [c for c in rest if _is_text_column(raw[c])]
    value_cols = [c for c in rest if c not in text_cols]
    skipped: Counter[str] = Counter()
    if code_col is None:
        empty = pd.DataFrame(columns=["indicator_id", "country", "date", "value"])
        skipped["per-entity chart without a Code column (not country-level)"] += len(raw)
        if raw.attrs.get("bad_rows"):
            skipped["malformed row in a per-entity chart"] += int(raw.attrs["bad_rows"])
        return [ParsedDataset(source="owid", dataset=slug, file=file,
                              frames={"indicator": empty}, data_as_of=None, skipped=skipped)]
    if not value_cols:
        raise SchemaError("no numeric value column after Entity, Code and Year/Day",
                          file=name)

    entity = raw[entity_col].astype("string").str.strip()
    code = raw[code_col].astype("string").str.strip()
    code = code.mask(code == "")
    bad_code = code.notna() & ~code.fillna("").str.match(_CODE)
    if bad_code.any():
        pos = int(bad_code.to_numpy().argmax())
        raise SchemaError(f"expected an ISO3 or OWID_* code, got {code.iloc[pos]!r}",
                          file=name, row=pos + 2, column=code_col)
    no_entity = entity.isna() | (entity == "")
    if (code.isna() & no_entity).any():
        pos = int((code.isna() & no_entity).to_numpy().argmax())
        raise SchemaError("both Entity and Code are empty", file=name, row=pos + 2,
                          column=code_col)
    country = code.fillna("OWID:" + entity)

    ttext = raw[time_col].astype("string").str.strip()
    if year_col:
        years = pd.to_numeric(ttext.where(ttext.str.fullmatch(r"-?\d{1,5}").fillna(False)),
                              errors="coerce")
        bad = years.isna() | (years < YEAR_MIN) | (years > YEAR_MAX)
        if bad.any():
            pos = int(bad.to_numpy().argmax())
            raise SchemaError(f"expected a year between {YEAR_MIN} and {YEAR_MAX}, got "
                              f"{ttext.iloc[pos]!r}", file=name, row=pos + 2, column=time_col)
        dates = pd.to_datetime(years.astype("int64").astype(str) + "-01-01", format="%Y-%m-%d")
    else:
        iso = ttext.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False)
        if not iso.all():
            pos = int((~iso).to_numpy().argmax())
            raise SchemaError(f"expected a date like 2023-06-30, got {ttext.iloc[pos]!r}",
                              file=name, row=pos + 2, column=time_col)
        dates = to_dates(ttext, file=name, column=time_col, earliest=date(YEAR_MIN, 1, 1),
                         latest=date(YEAR_MAX, 12, 31))

    if text_cols:
        parts = [(c + "=" + raw[c].astype("string").str.strip()).fillna("") for c in text_cols]
        note = parts[0]
        for p in parts[1:]:
            note = note.str.cat(p, sep="; ")
        note = note.str.strip("; ")
        note = note.mask(note == "")
    else:
        note = pd.Series(pd.NA, index=raw.index, dtype="string")

    frames = []
    several = len(value_cols) > 1
    for col in value_cols:
        values = to_numbers(raw[col], file=name, column=col)
        keep = values.notna()
        ind_id = f"owid:{slug}" + (f":{slugify(col)}" if several else "")
        frames.append(pd.DataFrame({
            "indicator_id": ind_id,
            "country": country[keep],
            "date": dates[keep],
            "value": values[keep],
            "unit": unit_from_name(col),
            "label": col,
            "source_name": SOURCE_NAME,
            "source_url": GRAPHER + slug,
            "note": note[keep],
        }))
    indicator = pd.concat(frames, ignore_index=True)
    dup = indicator.duplicated(["indicator_id", "country", "date"], keep=False)
    if dup.any():
        first = indicator[dup].iloc[0]
        raise SchemaError(
            f"{first['country']} on {first['date']:%Y-%m-%d} appears more than once for "
            f"{first['label']!r}", file=name, column=str(first["label"]))
    return [ParsedDataset(source="owid", dataset=slug, file=file,
                          frames={"indicator": indicator},
                          data_as_of=max_date(indicator["date"]), skipped=skipped)]


register(Source(
    name="owid",
    publisher=SOURCE_NAME,
    title="Our World in Data grapher charts (AI investment, publications, systems...)",
    homepage="https://ourworldindata.org/artificial-intelligence",
    licence="CC BY 4.0 (check the underlying source's terms)",
    credit=CREDIT,
    urls=(),
    patterns=("*.csv",),
    header=("Entity,",),
    parse=parse_owid,
))
