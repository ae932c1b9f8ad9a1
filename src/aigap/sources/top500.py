"""TOP500 supercomputer lists: one file per edition, in whatever layout it comes.

The format is sniffed, never assumed from the file name: OLE2 ``.xls`` (magic D0 CF 11 E0),
``.xlsx`` (zip magic ``PK``), or text exported as CSV with a tab, semicolon or comma
delimiter and either decimal style ("1,742,000.00", "1 742 000,00", "1.742.000,00"). The
header is the first row within the first ten that has a "Rank" cell and a "Country" cell
(the oldest lists have a title row above it). Columns are found by meaning, since they
vary between editions (22 to 38 columns).

Rmax/Rpeak are stored in TFlop/s. The unit comes from the column header ("Rmax
[TFlop/s]"); headers without one ("RMax", "Rmax": lists up to 2016-11 give GFlop/s) are
resolved from the content: the unit (GFlop/s or TFlop/s) that puts the list's best Rmax
within a factor 30 of the historical trend of the No. 1 system (2.4 TFlop/s in 2000-06,
x1.78 a year) is chosen; the two candidates differ by 1000x, so at most one fits.

Row numbers in errors are the sheet's own (line numbers in a text file), so a user can find
the cell: in a file whose header is its first row, the first data row is row 2.

TOP500 data: https://www.top500.org/lists/top500/ (no licence stated; see docs/top500.md).
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from aigap.errors import AttributionError, SchemaError, SourceError
from aigap.sources.base import ParsedDataset, Source, SourceFile, register

if TYPE_CHECKING:
    import pandas as pd

SOURCE = "top500"
HEADER_SCAN_ROWS = 10
#: Limits on one edition's file (real ones: 500 rows, under 1 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_SHEET_ROWS = 100_000

#: meaning -> regular expression a normalised header must match in full (first match wins)
COLUMNS: dict[str, str] = {
    "rank": r"rank",
    "country": r"country|nation|country region",
    "rmax": r"rmax( .*)?",
    "rpeak": r"rpeak( .*)?",
    "year": r"year|installation year|year of installation",
    "manufacturer": r"manufacturer|vendor",
    "accelerator": r"accelerator|accelerator co processor|co processor",
    "site": r"site|installation site",
    "segment": r"segment",
    "name": r"name|system name",
    "computer": r"computer|system",
    "cores": r"total cores|cores|processors|total processors|total cores processors",
}

_UNIT_TO_TFLOPS = {"k": 1e-9, "m": 1e-6, "g": 1e-3, "t": 1.0, "p": 1e3, "e": 1e6}
_TREND_T0 = 2000 + 5.5 / 12  # 2000-06, No. 1 at 2.379 TFlop/s (ASCI Red)
_TREND_R0 = 2.379
_TREND_GROWTH = 1.78  # per year, No. 1 Rmax 2000-06 -> 2021-06
_TREND_TOLERANCE = 30.0

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "oct": 10, "nov": 11, "dec": 12}


def _norm(text: object) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def _is_header(cells: list[str]) -> bool:
    normed = {_norm(c) for c in cells}
    return "rank" in normed and any(re.fullmatch(COLUMNS["country"], c) for c in normed)


@dataclass
class _Grid:
    """A sheet cut at its header: header cells, body cells as text, where the body starts."""

    header: list[str]
    body: pd.DataFrame  # positional columns, all str ("" = blank)
    first_row: int  # sheet row number of body row 0
    above: list[str]  # text of the rows above the header (titles), for the edition date
    kind: str  # xls | xlsx | text
    delimiter: str | None = None


# --------------------------------------------------------------------------- reading


def sniff(data: bytes) -> str:
    """The container format of a TOP500 file: ``xls``, ``xlsx`` or ``text``."""
    if data[:4] == b"\xd0\xcf\x11\xe0":
        return "xls"
    if data[:2] == b"PK":
        return "xlsx"
    return "text"


def _cells_to_frame(rows: list[list[object]], ncols: int) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame.from_records(rows, columns=range(ncols)) if rows else pd.DataFrame(
        columns=range(ncols)
    )
    return _as_text(frame)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as stripped text; blanks (None, NaN, "") become ""."""
    frame = frame.astype(object).where(frame.notna(), "")
    out: pd.DataFrame = frame.astype(str).apply(lambda col: col.str.strip())
    return out


def _grid_from_rows(rows: list[list[object]], file: SourceFile, kind: str) -> _Grid:
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = ["" if v is None else str(v).strip() for v in row]
        if _is_header(cells):
            ncols = len(cells)
            body = [list(r[:ncols]) + [None] * (ncols - len(r)) for r in rows[i + 1:]]
            above = [" ".join(str(v) for v in r if v not in (None, "")) for r in rows[:i]]
            return _Grid(cells, _cells_to_frame(body, ncols), i + 2, above, kind)
    raise SchemaError(
        f"no header row with 'Rank' and 'Country' in the first {HEADER_SCAN_ROWS} rows",
        file=file.name, column="Rank",
    )


def _read_xls(file: SourceFile) -> _Grid:
    import os

    import xlrd

    _check_size(file)
    try:
        with open(os.devnull, "w") as sink:  # xlrd prints OLE2 warnings to its logfile
            book = xlrd.open_workbook(file_contents=file.data, logfile=sink, on_demand=True)
            sheet = book.sheet_by_index(0)
            if sheet.nrows > MAX_SHEET_ROWS:
                raise SchemaError(f"{sheet.nrows} rows, more than the {MAX_SHEET_ROWS} a "
                                  "TOP500 sheet may have", file=file.name)
            rows = [sheet.row_values(r) for r in range(sheet.nrows)]
            title = sheet.name
    except SchemaError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct.error, KeyError...
        raise SchemaError(f"cannot read as an .xls workbook ({type(exc).__name__}: "
                          f"{_one_line(exc)})", file=file.name) from exc
    grid = _grid_from_rows(rows, file, "xls")
    grid.above.append(title)
    return grid


def _read_xlsx(file: SourceFile) -> _Grid:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    from aigap.sources.readers import check_zip, open_zip

    _check_size(file)
    try:
        archive = open_zip(file)
    except SourceError as exc:
        raise SchemaError("cannot read as an .xlsx workbook (not a readable zip container)",
                          file=file.name) from exc
    with archive:  # the workbook is a zip: the same bomb limits as archives
        check_zip(file, archive.infolist())
    try:
        book = openpyxl.load_workbook(io.BytesIO(file.data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()
            rows = []
            for r in sheet.iter_rows(min_row=1, max_row=MAX_SHEET_ROWS + 1, values_only=True):
                rows.append(list(r))
            if len(rows) > MAX_SHEET_ROWS:
                raise SchemaError(f"more than the {MAX_SHEET_ROWS} rows a TOP500 sheet may "
                                  "have", file=file.name)
            title = sheet.title
        finally:
            book.close()
    except SchemaError:
        raise
    except MemoryError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, Exception) as exc:  # ParseError, KeyError..
        raise SchemaError(f"cannot read as an .xlsx workbook ({type(exc).__name__}: "
                          f"{_one_line(exc)})", file=file.name) from exc
    grid = _grid_from_rows(rows, file, "xlsx")
    grid.above.append(title)
    return grid


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:150] or type(exc).__name__


def _check_size(file: SourceFile) -> None:
    """A TOP500 edition is a few hundred kilobytes; refuse anything absurdly large."""
    if len(file.data) > MAX_FILE_BYTES:
        raise SourceError(f"{file.name}: {len(file.data)} bytes, more than the "
                          f"{MAX_FILE_BYTES} a TOP500 file may have")


def _decode(file: SourceFile) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return file.data.decode(enc)
        except UnicodeDecodeError:
            continue
    return file.data.decode("latin-1")


def _read_text(file: SourceFile) -> _Grid:
    import pandas as pd

    _check_size(file)
    text = _decode(file)
    lines = re.split(r"\r\n|\r|\n", text, maxsplit=HEADER_SCAN_ROWS)[:HEADER_SCAN_ROWS]
    for i, line in enumerate(lines):
        best: tuple[int, str] | None = None
        for delim in ("\t", ";", ","):
            cells = [c.strip().strip('"').strip() for c in line.split(delim)]
            if len(cells) >= 2 and _is_header(cells) and (best is None or len(cells) > best[0]):
                best = (len(cells), delim)
        if best is None:
            continue
        delim = best[1]
        try:
            frame = pd.read_csv(
                io.StringIO(text), sep=delim, header=None, skiprows=i, dtype=str,
                keep_default_na=False, skip_blank_lines=False, engine="c",
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise SchemaError(f"cannot read as delimited text: {exc}".splitlines()[0],
                              file=file.name) from exc
        header = [str(c).strip() for c in frame.iloc[0].tolist()]
        body = _as_text(frame.iloc[1:].reset_index(drop=True))
        body.columns = pd.RangeIndex(body.shape[1])
        return _Grid(header, body, i + 2, lines[:i], "text", delim)
    raise SchemaError(
        f"no header row with 'Rank' and 'Country' in the first {HEADER_SCAN_ROWS} lines "
        "(expected a tab-, semicolon- or comma-separated header)",
        file=file.name, column="Rank",
    )


def read_grid(file: SourceFile) -> _Grid:
    """Sniff the format of ``file`` and cut it at its header row."""
    kind = sniff(file.data)
    if kind == "xls":
        return _read_xls(file)
    if kind == "xlsx":
        return _read_xlsx(file)
    return _read_text(file)


# --------------------------------------------------------------------------- values


def map_columns(header: list[str]) -> dict[str, int]:
    """Meaning -> column position, for the meanings found in ``header``."""
    found: dict[str, int] = {}
    normed = [_norm(h) for h in header]
    for meaning, pattern in COLUMNS.items():
        for pos, h in enumerate(normed):
            if re.fullmatch(pattern, h):
                found[meaning] = pos
                break
    return found


_COMMA_DEC = r",\d{1,2}$|,\d{4,}$|\.\d{3}\.\d{3}|\.\d{3},\d+$"
_DOT_DEC = r"\.\d{1,2}$|\.\d{4,}$|,\d{3},\d{3}|,\d{3}\.\d+$"


def decimal_style(values: pd.Series, *, delimiter: str | None) -> str:
    """``"comma"`` or ``"dot"``: which character is the decimal mark in these numbers.

    Evidence: a separator followed by other than three digits at the end is a decimal mark;
    a separator repeated between groups of three digits is a thousands separator. With no
    evidence (only integers like "1,234"), semicolon-separated files (European Excel
    exports) are taken as decimal comma and all others as decimal point.

    Raises:
        SchemaError: the values show both styles.
    """
    text = values[values != ""]
    comma = bool(text.str.contains(_COMMA_DEC, regex=True).any())
    dot = bool(text.str.contains(_DOT_DEC, regex=True).any())
    if comma and dot:
        first_c = text[text.str.contains(_COMMA_DEC, regex=True)].iloc[0]
        first_d = text[text.str.contains(_DOT_DEC, regex=True)].iloc[0]
        raise SchemaError(
            f"numbers mix decimal commas ({first_c!r}) and decimal points ({first_d!r})"
        )
    if comma:
        return "comma"
    if dot:
        return "dot"
    return "comma" if delimiter == ";" else "dot"


def to_float(values: pd.Series, *, style: str, file: str, column: str,
             first_row: int) -> pd.Series:
    """Text numbers -> float64 (blank -> NaN) in the given decimal style.

    Raises:
        SchemaError: naming the first row (sheet numbering) whose value is not a number.
    """
    import pandas as pd

    thousands = r"[\s\u00a0\u202f'.]" if style == "comma" else r"[\s\u00a0\u202f',]"
    cleaned = values.str.replace(thousands, "", regex=True)
    if style == "comma":
        cleaned = cleaned.str.replace(",", ".", regex=False)
    import numpy as np

    ok = cleaned.str.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
    nums = pd.to_numeric(cleaned.where((cleaned != "") & ok), errors="coerce")
    bad = (nums.isna() | ~np.isfinite(nums.fillna(0.0))) & (values != "")
    if bad.any():
        pos = int(bad.to_numpy().argmax())
        raise SchemaError(f"expected a number, got {values.iloc[pos]!r}", file=file,
                          row=first_row + pos, column=column)
    return nums.astype("float64")


def _trend_tflops(edition: date) -> float:
    years = edition.year + (edition.month - 0.5) / 12 - _TREND_T0
    return float(_TREND_R0 * _TREND_GROWTH**years)


def rmax_factor(header: str, rmax: pd.Series, edition: date, *, file: str) -> float:
    """Multiplier that turns this file's Rmax values into TFlop/s.

    An explicit unit in the header ("[TFlop/s]", "GFlops") wins; otherwise see the module
    docstring (GFlop/s vs TFlop/s, chosen against the No. 1 trend).

    Raises:
        SchemaError: no unit in the header and neither GFlop/s nor TFlop/s is plausible.
    """
    match = re.search(r"([kmgtpe])\s*flop", header, flags=re.IGNORECASE)
    if match:
        return _UNIT_TO_TFLOPS[match.group(1).lower()]
    top = float(rmax.max())
    if not top > 0:
        raise SchemaError("all Rmax values are zero or blank", file=file, column=header)
    trend = _trend_tflops(edition)
    for factor in (1e-3, 1.0):  # GFlop/s, then TFlop/s
        if abs(math.log10(top * factor / trend)) <= math.log10(_TREND_TOLERANCE):
            return factor
    raise SchemaError(
        f"cannot tell the Rmax unit: the header gives none and the best Rmax {top:g} fits "
        f"neither GFlop/s nor TFlop/s for a {edition:%Y-%m} list (expected near "
        f"{trend:.3g} TFlop/s); put the unit in the header, e.g. 'Rmax [TFlop/s]'",
        file=file, column=header,
    )


def edition_date(file: SourceFile, above: list[str]) -> date:
    """The edition date: YYYYMM in the file name, else a month and year in the title rows.

    Raises:
        SchemaError: neither gives a date.
    """
    base = file.basename
    match = re.search(r"(?<!\d)((?:19|20)\d{2})[-_.]?(0[1-9]|1[0-2])(?!\d)", base)
    if match:
        return date(int(match.group(1)), int(match.group(2)), 1)
    text = " ".join(above)
    match = re.search(
        r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+((?:19|20)\d{2})\b",
        text, flags=re.IGNORECASE,
    )
    if match:
        return date(int(match.group(2)), _MONTHS[match.group(1).lower()], 1)
    match = re.search(r"\b((?:19|20)\d{2})[-/](0[1-9]|1[0-2])\b", text)
    if match:
        return date(int(match.group(1)), int(match.group(2)), 1)
    raise SchemaError(
        "cannot tell the list edition: expected YYYYMM in the file name (e.g. "
        "TOP500_202406.xlsx) or a month and year (e.g. 'June 2024') above the header",
        file=file.name,
    )


def _countries(values: pd.Series, *, file: str, column: str, first_row: int) -> pd.Series:
    from aigap.attribution.countries import to_iso3

    codes: dict[str, str] = {}
    for raw in values.unique():
        pos = int((values == raw).to_numpy().argmax())
        row = first_row + pos
        if raw == "":
            raise SchemaError("expected a country name, got a blank cell", file=file,
                              row=row, column=column)
        code = to_iso3(str(raw), file=file, row=row, column=column)
        if code is None:
            raise AttributionError(f"expected the country a system is sited in, got {raw!r}",
                                   file=file, row=row, column=column)
        codes[str(raw)] = code
    return values.map(codes)


def _text(grid: _Grid, cols: dict[str, int], meaning: str, keep: pd.Series) -> pd.Series | None:
    if meaning not in cols:
        return None
    s = grid.body.loc[keep, cols[meaning]]
    return s.where(s != "")


# --------------------------------------------------------------------------- parse


def parse_systems(file: SourceFile) -> tuple[pd.DataFrame, date, Counter[str]]:
    """The canonical ``system`` rows of one TOP500 file, its edition date, skipped rows.

    Raises:
        SchemaError: unreadable file, no Rank/Country header, a missing Rmax column, a
            non-numeric Rank/Rmax/Rpeak/Year/Cores value, a blank or unknown country.
    """
    import pandas as pd

    grid = read_grid(file)
    cols = map_columns(grid.header)
    if "rmax" not in cols:
        raise SchemaError(f"required column for Rmax is missing; header is {grid.header}",
                          file=file.name, column="Rmax")
    edition = edition_date(file, grid.above)
    body = grid.body
    skipped: Counter[str] = Counter()
    rank_txt = body[cols["rank"]]
    country_txt = body[cols["country"]]
    rmax_txt = body[cols["rmax"]]
    blank = (body == "").all(axis=1)
    skipped["blank row"] = int(blank.sum())
    rank_is_num = rank_txt.str.fullmatch(r"\d+(?:\.0*)?")
    # A row with neither a country nor an Rmax and no numeric rank is a note/footer line.
    note = ~blank & ~rank_is_num & (country_txt == "") & (rmax_txt == "")
    skipped["note row (no rank, country or Rmax)"] = int(note.sum())
    keep = ~blank & ~note
    skipped = +skipped

    name = file.name
    first = grid.first_row
    kept_pos = pd.Series(range(len(body)), index=body.index)[keep]

    def row_of(pos_in_kept: int) -> int:
        return first + int(kept_pos.iloc[pos_in_kept])

    bad_rank = ~rank_is_num[keep]
    if bad_rank.any():
        pos = int(bad_rank.to_numpy().argmax())
        raise SchemaError(f"expected a whole-number rank, got {rank_txt[keep].iloc[pos]!r}",
                          file=name, row=row_of(pos), column=grid.header[cols["rank"]])
    kept_country = country_txt[keep].reset_index(drop=True)
    try:
        countries = _countries(kept_country, file=name,
                               column=grid.header[cols["country"]], first_row=0)
    except SchemaError as exc:
        cls = type(exc)
        raise cls(exc.detail, file=name, row=row_of(int(exc.row or 0)),
                  column=exc.column) from None

    numeric = [m for m in ("rmax", "rpeak", "cores", "year") if m in cols]
    try:
        style = decimal_style(
            pd.concat([body.loc[keep, cols[m]] for m in numeric], ignore_index=True)
            if grid.kind == "text" else pd.Series([], dtype=str),
            delimiter=grid.delimiter,
        )
    except SchemaError as exc:
        raise SchemaError(exc.detail, file=name) from None

    def number(meaning: str) -> pd.Series | None:
        if meaning not in cols:
            return None
        col = body.loc[keep, cols[meaning]].reset_index(drop=True)
        try:
            return to_float(col, style=style, file=name,
                            column=grid.header[cols[meaning]], first_row=0)
        except SchemaError as exc:
            raise SchemaError(exc.detail, file=name, row=row_of(int(exc.row or 0)),
                              column=exc.column) from None

    rmax = number("rmax")
    assert rmax is not None
    rmax_header = grid.header[cols["rmax"]]
    if rmax.isna().any():
        pos = int(rmax.isna().to_numpy().argmax())
        raise SchemaError("expected an Rmax value, got a blank cell", file=name,
                          row=row_of(pos), column=rmax_header)
    factor = rmax_factor(rmax_header, rmax, edition, file=name)
    rpeak = number("rpeak")
    if rpeak is not None:
        rpeak_header = grid.header[cols["rpeak"]]
        has_unit = re.search(r"[kmgtpe]\s*flop", rpeak_header, flags=re.IGNORECASE)
        rpeak = rpeak * (rmax_factor(rpeak_header, rpeak, edition, file=name)
                         if has_unit else factor)

    def text(meaning: str) -> pd.Series | None:
        s = _text(grid, cols, meaning, keep)
        return None if s is None else s.reset_index(drop=True)

    names = text("name")
    computer = text("computer")
    if names is None:
        names = computer
    elif computer is not None:
        names = names.fillna(computer)
    year = number("year")
    frame = pd.DataFrame({
        "list": SOURCE,
        "edition": pd.Timestamp(edition),
        "rank": rank_txt[keep].reset_index(drop=True).astype(float).astype("int64"),
        "country": countries,
        "rmax_tflops": rmax * factor,
        "rpeak_tflops": rpeak,
        "name": names,
        "site": text("site"),
        "manufacturer": text("manufacturer"),
        "accelerator": text("accelerator"),
        "segment": text("segment"),
        "year": year.round().astype("Int64") if year is not None else None,
        "cores": number("cores"),
    })
    if frame.empty:
        raise SchemaError("the list has a header but no systems; an edition without rows "
                          "is not imported", file=name)
    sheet_rows = pd.Series([row_of(i) for i in range(len(frame))], index=frame.index)
    _check_values(frame, grid, cols, edition, name, sheet_rows)
    from aigap.sources.readers import drop_duplicates

    frame, n_dup = drop_duplicates(frame, ["rank"], file=name, rows=sheet_rows,
                                   what="rank")
    if n_dup:
        skipped["exact duplicate row"] += n_dup
    return frame.reset_index(drop=True), edition, skipped


def _check_values(frame: pd.DataFrame, grid: _Grid, cols: dict[str, int], edition: date,
                  file: str, rows: pd.Series) -> None:
    """Declared ranges: rank >= 1, Rmax > 0, Rpeak and cores >= 0, year 1950 to edition."""
    from aigap.sources.readers import check_range

    checks = [("rank", "rank", 1.0, None, "a rank of 1 or more"),
              ("rmax_tflops", "rmax", 1e-9, None, "a positive Rmax"),
              ("rpeak_tflops", "rpeak", 0.0, None, "a non-negative Rpeak"),
              ("cores", "cores", 0.0, None, "a non-negative core count"),
              ("year", "year", 1950.0, float(edition.year + 1),
               f"an installation year between 1950 and {edition.year + 1}")]
    for col, meaning, lo, hi, what in checks:
        if meaning in cols and frame[col].notna().any():
            check_range(frame[col].astype("float64"), lo=lo, hi=hi, file=file,
                        column=grid.header[cols[meaning]], what=what, rows=rows)


def parse(file: SourceFile) -> list[ParsedDataset]:
    """Parse one TOP500 list file into its ``system`` rows (the per-country indicators are
    derived from them when stored: :mod:`aigap.store.derive`)."""
    from aigap.schema import conform

    systems, edition, skipped = parse_systems(file)
    system = conform("system", systems, file=file.name)
    return [ParsedDataset(
        source=SOURCE,
        dataset=f"top500_{edition:%Y%m}",
        file=file,
        frames={"system": system},
        data_as_of=edition,
        skipped=skipped,
    )]


register(Source(
    name=SOURCE,
    publisher="TOP500.org (Strohmaier, Dongarra, Simon, Meuer)",
    title="TOP500 list of supercomputers, one file per edition",
    homepage="https://www.top500.org/lists/top500/",
    licence="none stated (top500.org: list freely available; credit TOP500.org)",
    credit="TOP500.org, TOP500 lists (https://www.top500.org/lists/top500/)",
    urls=(),
    patterns=("top500_*.xls", "top500_*.xlsx", "top500_*.csv", "top500_*.tsv",
              "top500_*.txt"),
    parse=parse,
    dated_by_file=True,
))
