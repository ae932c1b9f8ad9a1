"""Shared, vectorised helpers for parsers: reading CSV and zip files, finding columns by
meaning, and converting text to dates and numbers with errors that name row and column.

Rows are numbered as in a spreadsheet: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from aigap.errors import SchemaError, SourceError
from aigap.sources.base import SourceFile

MAX_ZIP_MEMBERS = 2_000
#: Largest archive member read into memory, and the most all members may expand to.
MAX_ZIP_MEMBER_BYTES = 256 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 1024 * 1024 * 1024
#: Largest expansion a member may claim over its compressed size (CSV text compresses
#: about 5-20 times; a zip bomb claims thousands).
MAX_ZIP_RATIO = 200
#: Largest text file a CSV reader accepts.
MAX_CSV_BYTES = 1024 * 1024 * 1024
#: Earliest date any importer accepts for a release, publication or snapshot.
EARLIEST_DATE = date(1950, 1, 1)

_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def check_text(file: SourceFile) -> None:
    """Refuse bytes that are not UTF-8 text before a CSV reader sees them.

    UTF-16/32 files (a byte-order mark, or NUL bytes among the first bytes) get a message
    saying so instead of "no header row".

    Raises:
        SchemaError: naming the file and the encoding found.
        SourceError: the file is larger than :data:`MAX_CSV_BYTES`.
    """
    head = file.data[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SchemaError("the file is UTF-16 encoded (byte-order mark); save it as UTF-8 "
                          "CSV", file=file.name)
    if b"\x00" in head:
        raise SchemaError("the file contains NUL bytes: it is binary or UTF-16/32 encoded, "
                          "not UTF-8 CSV text", file=file.name)
    if len(file.data) > MAX_CSV_BYTES:
        raise SourceError(f"{file.name}: {len(file.data)} bytes, more than the "
                          f"{MAX_CSV_BYTES} a CSV file may have")
    _check_utf8(file)


def _check_utf8(file: SourceFile) -> None:
    """Refuse bytes that are not UTF-8, naming the line; read in blocks, nothing kept."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(file.data)
    block = 1 << 20
    for start in range(0, len(view), block):
        try:
            decoder.decode(view[start:start + block], final=start + block >= len(view))
        except UnicodeDecodeError as exc:
            offset = start + exc.start
            line = file.data.count(b"\n", 0, offset) + 1
            raise SchemaError(f"not UTF-8 text: byte 0x{file.data[offset]:02x} at line "
                              f"{line}; save the file as UTF-8", file=file.name) from None


def _header(file: SourceFile, sep: str) -> list[str]:
    """The header row of a CSV (its first record), decoded as UTF-8."""
    import csv

    text = file.data[: 1 << 20].decode("utf-8-sig", errors="replace")
    try:
        first = next(csv.reader(io.StringIO(text, newline=""), delimiter=sep), None)
    except csv.Error as exc:
        raise SchemaError(f"cannot read the header row as CSV: {exc}", file=file.name) from exc
    if not first or all(not c.strip() for c in first):
        raise SchemaError("no header row (the file is empty or starts with a blank line)",
                          file=file.name)
    if sep == "," and len(first) == 1:
        for delim, label in _DELIMITERS.items():
            if delim in first[0]:
                raise SchemaError(
                    f"the header is separated by {label}, not commas "
                    f"({first[0][:60]!r}); export the file as comma-separated CSV",
                    file=file.name, row=1)
    return first


def _column_names(header: list[str], file: str) -> list[str]:
    """Stripped header names; blanks become ``Unnamed: i``; a repeated name is refused."""
    names = [c.strip() or f"Unnamed: {i}" for i, c in enumerate(header)]
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        if n in seen:
            raise SchemaError(f"column {n!r} appears twice in the header (columns "
                              f"{seen[n] + 1} and {i + 1}); cannot tell which one to read",
                              file=file, row=1, column=n)
        seen[n] = i
    return names


def header_of(file: SourceFile, *, sep: str = ",") -> list[str]:
    """The column names of a CSV's header row, as :func:`read_csv` names them.

    Raises:
        SchemaError: not UTF-8 text, no header, another delimiter, a repeated name.
    """
    check_text(file)
    return _column_names(_header(file, sep), file.name)


def read_csv(file: SourceFile, *, sep: str = ",", skip_bad_rows: bool = False,
             keep: Callable[[str], bool] | None = None) -> pd.DataFrame:
    """Read a CSV as text columns (no type guessing), strictly.

    Every row must have exactly as many cells as the header: a short row is not padded
    (that would shift every value one column) and a long row is not cut; either is refused
    quoting the row. The file must be UTF-8 and use ``sep`` (a semicolon- or tab-separated
    file is refused naming the delimiter found). Blank cells are nulls. The text is parsed
    by Arrow's streaming CSV reader, so no per-row Python runs.

    With ``skip_bad_rows`` (for files whose rows are only counted, never imported), rows
    with the wrong number of cells are left out and counted in ``frame.attrs["bad_rows"]``.
    ``keep`` selects the columns to convert (a parser that never reads free-text columns
    saves their memory); every row is still checked against the full header.

    Raises:
        SchemaError: naming the file (and row) of the first problem.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    check_text(file)
    names = _column_names(_header(file, sep), file.name)
    data = memoryview(file.data)
    if file.data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    bad_rows: list[str] = []

    def on_bad(row: Any) -> str:
        bad_rows.append(f"{row.actual_columns} cells where the header has "
                        f"{row.expected_columns}: {str(row.text)[:80]!r}")
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1,
                                           use_threads=False, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True,
                                             invalid_row_handler=on_bad),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, null_values=[""],
                strings_can_be_null=True, quoted_strings_can_be_null=True,
                include_columns=[n for n in names if keep(n)] if keep else None),
        )
    except pa.ArrowException as exc:
        text = " ".join(str(exc).split())[:200]
        raise SchemaError(f"cannot read as UTF-8 CSV: {text}", file=file.name) from exc
    if bad_rows and not skip_bad_rows:
        more = f" ({len(bad_rows)} such rows)" if len(bad_rows) > 1 else ""
        raise SchemaError(f"a row has {bad_rows[0]}{more}; rows are never padded or cut",
                          file=file.name)
    frame: pd.DataFrame = table.to_pandas()
    frame.columns = pd.Index(table.column_names)
    frame.attrs["bad_rows"] = len(bad_rows)
    return frame


def check_zip(file: SourceFile, infos: Sequence[zipfile.ZipInfo]) -> None:
    """Refuse an archive whose members are unsafe or expand too much, before reading any.

    Checks member names (relative, no ``..``), the member count, each member's declared
    size and compression ratio, and the total; sizes are enforced again while reading
    (see :func:`read_member`), since a header can lie.

    Raises:
        SourceError: naming the archive (and member) and the limit exceeded.
    """
    if len(infos) > MAX_ZIP_MEMBERS:
        raise SourceError(f"{file.name}: {len(infos)} members, more than {MAX_ZIP_MEMBERS}")
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
            raise SourceError(f"{file.name}: unsafe member name {name!r}")
        if info.file_size > MAX_ZIP_MEMBER_BYTES:
            raise SourceError(f"{file.name}!{name}: member too large ({info.file_size} B, "
                              f"limit {MAX_ZIP_MEMBER_BYTES} B)")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > (1 << 20) and ratio > MAX_ZIP_RATIO:
            raise SourceError(f"{file.name}!{name}: expands {ratio:.0f} times (limit "
                              f"{MAX_ZIP_RATIO}); refusing a possible zip bomb")
        total += info.file_size
        if total > MAX_ZIP_TOTAL_BYTES:
            raise SourceError(f"{file.name}: archive expands to more than "
                              f"{MAX_ZIP_TOTAL_BYTES >> 20} MiB")


def read_member(file: SourceFile, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One member's bytes, read in blocks and stopped at its declared size and the limits.

    Raises:
        SourceError: the member is corrupt (bad deflate data, CRC) or larger than declared.
    """
    import zlib

    limit = min(info.file_size, MAX_ZIP_MEMBER_BYTES)
    where = f"{file.name}!{info.filename}"
    out = io.BytesIO()
    try:
        with archive.open(info) as fh:
            while block := fh.read(1 << 20):
                if out.tell() + len(block) > limit:
                    raise SourceError(f"{where}: expands beyond its declared size "
                                      f"({info.file_size} B); refusing it")
                out.write(block)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            RuntimeError, ValueError) as exc:
        raise SourceError(f"{where}: cannot be read (corrupt or truncated archive?): "
                          f"{' '.join(str(exc).split())[:120]}") from exc
    return out.getvalue()


def open_zip(file: SourceFile) -> zipfile.ZipFile:
    """Open an archive held in memory.

    Raises:
        SourceError: not a zip, or truncated.
    """
    try:
        return zipfile.ZipFile(io.BytesIO(file.data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise SourceError(
            f"{file.name}: not a readable zip archive (truncated download?): {exc}"
        ) from exc


def iter_zip_members(file: SourceFile,
                     suffixes: Sequence[str] = (".csv",)) -> Iterator[SourceFile]:
    """The members of a zip archive with one of ``suffixes``, read one at a time.

    The whole archive is checked first (:func:`check_zip`); each member is read only when
    the caller asks for it, so one member's bytes are in memory at a time.

    Raises:
        SourceError: the archive is truncated, not a zip, or fails a safety check.
    """
    with open_zip(file) as archive:
        infos = archive.infolist()
        check_zip(file, infos)
        for info in infos:
            name = info.filename
            base = name.rsplit("/", 1)[-1]
            if info.is_dir() or base.startswith((".", "__MACOSX")) or "__MACOSX" in name:
                continue
            if base.lower().endswith(tuple(x.lower() for x in suffixes)):
                yield SourceFile(name=f"{file.name}!{name}",
                                 data=read_member(file, archive, info), url=file.url,
                                 path=file.path)


def iter_zip(file: SourceFile, suffixes: Sequence[str] = (".csv",)) -> list[SourceFile]:
    """The members of a zip archive with one of ``suffixes``, after safety checks.

    Member names must be relative and stay inside the archive; sizes and compression
    ratios are checked before any member is read, so a zip bomb or a truncated download is
    refused up front. Prefer :func:`iter_zip_members`, which holds one member at a time.

    Raises:
        SourceError: the archive is truncated, not a zip, or fails a safety check.
    """
    return list(iter_zip_members(file, suffixes))


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def close_matches(wanted: str, columns: Iterable[object], n: int = 3) -> list[str]:
    """Header names that look like ``wanted`` (for "did you mean" in messages)."""
    import difflib

    cols = [str(c) for c in columns]
    by_norm = {_norm(c): c for c in cols}
    want = _norm(wanted)
    hits = difflib.get_close_matches(want, list(by_norm), n=n, cutoff=0.6)
    # also names that contain the wanted one as a word ("MMLU 5shot" for "MMLU")
    hits += [k for k in by_norm if want and k not in hits
             and re.search(rf"\b{re.escape(want)}\b", k)][: max(0, n - len(hits))]
    return [by_norm[h] for h in hits]


def missing_column(wanted: Sequence[str], columns: Iterable[object], *, file: str,
                   meaning: str = "") -> SchemaError:
    """The error for a required column that is not in the header: names it and look-alikes."""
    cols = list(columns)
    near: list[str] = []
    for cand in wanted:
        near += [c for c in close_matches(cand, cols) if c not in near]
    hint = f"; close matches in the header: {near}" if near else ""
    what = meaning or wanted[0]
    return SchemaError(f"required column for {what} is missing; expected one of "
                       f"{list(wanted)}{hint}", file=file, column=wanted[0])


def find_column(
    frame: pd.DataFrame,
    candidates: Iterable[str],
    *,
    file: str,
    required: bool = False,
    meaning: str = "",
) -> str | None:
    """The first column of ``frame`` matching one of ``candidates`` (case/punctuation-blind).

    The whole header name must match (``MMLU-Pro`` is not ``MMLU``); nothing is found by
    position.

    Raises:
        SchemaError: ``required`` and none matches; the message lists what was looked for
            and the header names that look like it.
    """
    cands = list(candidates)
    by_norm = {_norm(str(c)): str(c) for c in frame.columns}
    for cand in cands:
        hit = by_norm.get(_norm(cand))
        if hit is not None:
            return hit
    if required:
        raise missing_column(cands, frame.columns, file=file, meaning=meaning)
    return None


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}"
                  r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?(?:Z|UTC|[+-]\d{2}:?\d{2}))?)?$")
_YM = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
_NUMERIC_DATE = re.compile(r"^\d{1,4}[/.]\d{1,2}[/.]\d{1,4}$")


def _matches(text: pd.Series, pattern: re.Pattern[str]) -> np.ndarray:
    """Whole-value regex match of a string column as a plain bool array (blanks False)."""
    return text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)


def import_day() -> date:
    """Today (UTC): the latest date an importer accepts for a past event."""
    from datetime import UTC, datetime

    return datetime.now(UTC).date()


def _on_uniques(fn: Callable[..., pd.Series], values: pd.Series, **kw: Any) -> pd.Series:
    """Run a text parser once per distinct value and spread the results back over the rows.

    Columns repeat (dates, model names, scores): parsing the distinct values keeps the
    temporary text copies small. An error's row is moved to the first row holding the bad
    value; distinct values come in order of first appearance, so it is the first bad row.
    """
    codes, uniq = pd.factorize(values.astype("object"), use_na_sentinel=True)
    try:
        out = fn(pd.Series(uniq, dtype="object"), **kw)
    except SchemaError as exc:
        if exc.row is None:
            raise
        row = int((codes == exc.row - 2).argmax()) + 2
        raise type(exc)(exc.detail, file=exc.file, row=row, column=exc.column) from None
    arr = out.to_numpy()
    if arr.dtype.kind == "M":
        filler = np.array(["NaT"], dtype=arr.dtype)
    else:
        filler = np.array([np.nan if arr.dtype.kind == "f" else pd.NA], dtype=arr.dtype)
    return pd.Series(np.concatenate([arr, filler])[codes], index=values.index,
                     dtype=out.dtype, name=values.name)


def to_dates(
    values: pd.Series, *, file: str, column: str, dayfirst: bool = False,
    earliest: date | None = EARLIEST_DATE, latest: date | str | None = "today",
) -> pd.Series:
    """Parse a text column of dates (ISO, or year-month, or year); blanks become NaT.

    Only whole values are read: ``2025-01-01garbage``, ``today`` or ``soon`` are refused,
    never cut or guessed. Dates must lie between ``earliest`` (default 1950-01-01) and
    ``latest`` (default: the import day; None for columns that may hold plans).

    Raises:
        SchemaError: naming the first row whose date cannot be read or is out of range.
    """
    return _on_uniques(_to_dates, values, file=file, column=column, dayfirst=dayfirst,
                       earliest=earliest, latest=latest)


def _to_dates(
    values: pd.Series, *, file: str, column: str, dayfirst: bool = False,
    earliest: date | None = EARLIEST_DATE, latest: date | str | None = "today",
) -> pd.Series:
    """Parse a text column of dates (ISO, or year-month, or year); blanks become NaT.

    Only whole values are read: ``2025-01-01garbage``, ``today`` or ``soon`` are refused,
    never cut or guessed. Dates must lie between ``earliest`` (default 1950-01-01) and
    ``latest`` (default: the import day; None for columns that may hold plans).

    Raises:
        SchemaError: naming the first row whose date cannot be read or is out of range.
    """
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    present = text.notna().to_numpy(dtype=bool)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    # Years a timestamp can hold (1678-2261): anything else is out of range, not a crash.
    year = pd.to_numeric(text.str.extract(r"^(\d{4})", expand=False), errors="coerce")
    storable = (year.between(1678, 2261) | year.isna()).to_numpy(dtype=bool)
    if not storable.all():
        pos = int((~storable).argmax())
        when = "in the future" if year.iloc[pos] > 2261 else "too early"
        raise SchemaError(f"date {text.iloc[pos]!r} is {when}; expected a date between "
                          f"{earliest or 1678} and the import day", file=file,
                          row=pos + 2, column=column)
    for pattern, fmt, cut in ((_ISO, "%Y-%m-%d", 10), (_YM, "%Y-%m", None),
                              (_YEAR, "%Y", None)):
        m = present & parsed.isna().to_numpy() & _matches(text, pattern)
        if m.any():
            part = text[m] if cut is None else text[m].str.slice(0, cut)
            parsed[m] = pd.to_datetime(part, errors="coerce", format=fmt)
    rest = present & parsed.isna().to_numpy() & _matches(text, _NUMERIC_DATE)
    if rest.any():
        parsed[rest] = pd.to_datetime(text[rest], errors="coerce", dayfirst=dayfirst,
                                      format="mixed")
    bad = present & parsed.isna().to_numpy()
    if bad.any():
        pos = int(bad.argmax())
        raise SchemaError(
            f"expected a date like 2024-05-13, got {text.iloc[pos]!r}",
            file=file,
            row=pos + 2,
            column=column,
        )
    parsed = parsed.dt.normalize()
    last = import_day() if latest == "today" else latest
    lo = pd.Timestamp(earliest) if earliest is not None else None
    hi = pd.Timestamp(last) if isinstance(last, date) else None
    out = (parsed < lo) if lo is not None else pd.Series(False, index=parsed.index)
    if hi is not None:
        out |= parsed > hi
    if out.any():
        pos = int(out.to_numpy().argmax())
        span = f"between {earliest or 'any date'} and {last or 'any date'}"
        if isinstance(last, date) and latest == "today":
            span += " (the import day)"
        when = ("in the future" if hi is not None and parsed.iloc[pos] > hi
                else "out of range")
        raise SchemaError(f"date {text.iloc[pos]!r} is {when}; expected a date {span}",
                          file=file, row=pos + 2, column=column)
    result: pd.Series = parsed
    return result


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
# Thousands separators only in well-formed groups: 1,234,567.8 (never 0,8358 or 1,23).
_GROUPED = re.compile(r"^[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def to_numbers(values: pd.Series, *, file: str, column: str,
               percent_sign: bool = False) -> pd.Series:
    """Parse a text column of finite numbers; blanks become NaN (see :func:`_to_numbers`).

    Raises:
        SchemaError: naming the first bad row.
    """
    return _on_uniques(_to_numbers, values, file=file, column=column,
                       percent_sign=percent_sign)


def _to_numbers(values: pd.Series, *, file: str, column: str,
                percent_sign: bool = False) -> pd.Series:
    """Parse a text column of finite numbers; blanks become NaN.

    Accepts plain and scientific notation and thousands separators in proper groups of
    three (``1,234,567``). Refused, naming row and column: a decimal comma (``0,8358``,
    which must not become 8358), ``inf``/``nan`` written as text, numbers too large for a
    double (``1e400``), anything else that is not a number, and a trailing ``%`` unless
    ``percent_sign`` says the column may carry one (it is then dropped, value unchanged).

    Raises:
        SchemaError: naming the first bad row.
    """
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    present = text.notna()
    cleaned = text.str.replace(r"[\u00a0\u202f ]", "", regex=True)
    if percent_sign:
        cleaned = cleaned.str.replace(r"%$", "", regex=True)
    plain = cleaned.str.fullmatch(_NUMBER).fillna(False)
    grouped = ~plain & cleaned.str.fullmatch(_GROUPED).fillna(False)
    if grouped.any():
        cleaned = cleaned.where(~grouped, cleaned.str.replace(",", "", regex=False))
    ok = plain | grouped
    nums = pd.to_numeric(cleaned.where(ok & present), errors="coerce").astype("float64")
    bad = present & ~(ok & np.isfinite(nums.fillna(0.0)))
    if bad.any():
        pos = int(bad.to_numpy().argmax())
        got = str(text.iloc[pos])
        if _DECIMAL_COMMA.match(got.replace(" ", "")):
            why = "a decimal comma (write 0.8358, not 0,8358)"
        elif got.endswith("%"):
            why = "a percent sign in a column whose scale is not percent"
        elif ok.iloc[pos]:
            why = "a number too large to store"
        else:
            why = "not a finite number"
        raise SchemaError(f"expected a number, got {got!r}: {why}", file=file,
                          row=pos + 2, column=column)
    return nums


def check_range(values: pd.Series, *, lo: float | None, hi: float | None, file: str,
                column: str, what: str, rows: pd.Series | None = None) -> None:
    """Refuse the first value outside ``[lo, hi]`` (NaN passes; blanks are checked apart).

    Args:
        values: parsed numbers, positionally aligned with the file's data rows unless
            ``rows`` gives each value's spreadsheet row.
        what: the declared meaning, e.g. "a fraction between 0 and 1".

    Raises:
        SchemaError: naming file, row, column and the value.
    """
    arr = values.to_numpy(dtype="float64", na_value=np.nan)
    out = np.zeros(len(arr), dtype=bool)
    with np.errstate(invalid="ignore"):
        if lo is not None:
            out |= arr < lo
        if hi is not None:
            out |= arr > hi
    if out.any():
        pos = int(out.argmax())
        row = int(rows.iloc[pos]) if rows is not None else pos + 2
        raise SchemaError(f"value {arr[pos]:g} is out of range; expected {what}", file=file,
                          row=row, column=column)


def drop_duplicates(frame: pd.DataFrame, key: Sequence[str], *, file: str,
                    rows: pd.Series | None = None, compare: Sequence[str] | None = None,
                    what: str = "key") -> tuple[pd.DataFrame, int]:
    """Drop exact repeats of a key; refuse a key listed twice with different values.

    Args:
        frame: parsed rows.
        key: columns that identify a row.
        rows: spreadsheet row of each frame row (default: position + 2).
        compare: columns whose values must agree between repeats (default: all).
        what: how to name the key in the message.

    Returns:
        The frame without exact repeats, and how many were dropped.

    Raises:
        SchemaError: naming both rows of the first conflicting pair.
    """
    if frame.empty:
        return frame, 0
    cols = list(compare) if compare is not None else list(frame.columns)
    cols = list(dict.fromkeys([*key, *cols]))
    # 64-bit row hashes (vectorised, 8 bytes a row) instead of comparing text copies.
    whole = _row_hash(frame[cols])
    exact = whole.duplicated(keep="first").to_numpy()
    if not (exact.any() or _row_hash(frame[list(key)]).duplicated().any()):
        return frame, 0
    rest = frame[cols][~exact].astype("string").fillna("\x00")
    clash = rest.duplicated(list(key), keep=False).to_numpy()
    if clash.any():
        idx = rest.index[clash]
        first_key = rest.loc[idx[0], list(key)]
        pair = idx[(rest.loc[idx, list(key)] == first_key).all(axis=1).to_numpy()][:2]
        pos = [int(p) for p in frame.index.get_indexer(pair)]
        nums = [int(rows.iloc[p]) if rows is not None else p + 2 for p in pos]
        differ = [c for c in cols if c not in key
                  and rest.loc[pair[0], c] != rest.loc[pair[1], c]]
        shown = ", ".join(f"{k}={first_key[k]!r}" for k in key)
        raise SchemaError(f"{what} {shown} appears in rows {nums[0]} and {nums[1]} with "
                          f"different values (columns {differ[:4]}); keep one row",
                          file=file, row=nums[1], column=differ[0] if differ else None)
    n = int(exact.sum())
    return (frame[~exact] if n else frame), n


def _row_hash(frame: pd.DataFrame) -> pd.Series:
    """One 64-bit hash per row over the given columns (lists hashed as their text).

    Column by column, so only one column's hashes are alive at a time; a list column's
    text is made once per distinct list object (parsers share equal lists), not per row.
    """
    import numpy as np

    total = np.zeros(len(frame), dtype=np.uint64)
    for c in frame.columns:
        col = frame[c]
        if col.dtype == object and col.map(lambda v: isinstance(v, list)).any():
            codes, _ = pd.factorize(col.map(id))
            first = np.unique(codes, return_index=True)[1]
            text = col.iloc[first].map(repr)
            hashed = pd.util.hash_pandas_object(text, index=False).to_numpy(np.uint64)[codes]
        else:
            hashed = pd.util.hash_pandas_object(col, index=False).to_numpy(np.uint64)
        total = (total * np.uint64(1_000_003)) ^ hashed.astype(np.uint64, copy=False)
    return pd.Series(total, index=frame.index)


def to_bools(values: pd.Series, *, file: str, column: str) -> pd.Series:
    """Parse yes/no/true/false/1/0 text; blanks become <NA>.

    Raises:
        SchemaError: naming the first row whose value is neither.
    """
    text = values.astype("string").str.strip().str.lower()
    mapping = {"yes": True, "y": True, "true": True, "1": True, "checked": True,
               "no": False, "n": False, "false": False, "0": False}
    out = text.map(mapping).astype("boolean")
    bad = out.isna() & text.notna() & (text != "")
    if bad.any():
        pos = int(bad.to_numpy().argmax())
        raise SchemaError(
            f"expected yes/no, got {values.iloc[pos]!r}", file=file, row=pos + 2, column=column
        )
    return out


def max_date(*series: pd.Series) -> date | None:
    """The latest non-null date over several series (used for ``data_as_of``)."""
    best: pd.Timestamp | None = None
    for s in series:
        if s is None or len(s) == 0:
            continue
        m = pd.to_datetime(s, errors="coerce", utc=True).max()
        if pd.notna(m) and (best is None or m > best):
            best = m
    return None if best is None else best.date()


def model_key(names: pd.Series) -> pd.Series:
    """Stable model key: lower-case, trimmed, inner whitespace collapsed."""
    return _on_uniques(_model_key, names).astype("string")


def _model_key(names: pd.Series) -> pd.Series:
    return (
        names.astype("string")
        .str.strip()
        .str.lower()
        .str.replace(r"\s+", " ", regex=True)
    )
