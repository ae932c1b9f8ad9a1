"""Shared, vectorised helpers for parsers: reading CSV and zip files, finding columns by
meaning, and converting text to dates and numbers with errors that name row and column.

Rows are numbered as in a spreadsheet: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date

import pandas as pd

from aigap.errors import SchemaError, SourceError
from aigap.sources.base import SourceFile

MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_MEMBER_BYTES = 512 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 2 * 1024 * 1024 * 1024


def read_csv(file: SourceFile, *, sep: str = ",") -> pd.DataFrame:
    """Read a CSV as text columns (no type guessing), with a clear error if it is not CSV."""
    try:
        frame: pd.DataFrame = pd.read_csv(
            io.BytesIO(file.data),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8-sig",
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise SchemaError(f"cannot read as CSV: {exc}".splitlines()[0], file=file.name) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def iter_zip(file: SourceFile, suffixes: Sequence[str] = (".csv",)) -> list[SourceFile]:
    """The members of a zip archive with one of ``suffixes``, after safety checks.

    Member names must be relative and stay inside the archive; sizes are checked before any
    member is read, so a zip bomb or a truncated download is refused up front.

    Raises:
        SourceError: the archive is truncated, not a zip, or fails a safety check.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(file.data))
    except zipfile.BadZipFile as exc:
        raise SourceError(
            f"{file.name}: not a readable zip archive (truncated download?): {exc}"
        ) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise SourceError(f"{file.name}: {len(infos)} members, more than {MAX_ZIP_MEMBERS}")
        total = 0
        chosen = []
        for info in infos:
            name = info.filename
            if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
                raise SourceError(f"{file.name}: unsafe member name {name!r}")
            if info.file_size > MAX_ZIP_MEMBER_BYTES:
                raise SourceError(f"{file.name}!{name}: member too large ({info.file_size} B)")
            total += info.file_size
            if total > MAX_ZIP_TOTAL_BYTES:
                raise SourceError(f"{file.name}: archive expands to more than 2 GiB")
            base = name.rsplit("/", 1)[-1]
            if info.is_dir() or base.startswith((".", "__MACOSX")) or "__MACOSX" in name:
                continue
            if base.lower().endswith(tuple(s.lower() for s in suffixes)):
                chosen.append(info)
        members = []
        for info in chosen:
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise SourceError(
                    f"{file.name}!{info.filename}: cannot be read (truncated archive?): {exc}"
                ) from exc
            members.append(
                SourceFile(name=f"{file.name}!{info.filename}", data=data, url=file.url,
                           path=file.path)
            )
    return members


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def find_column(
    frame: pd.DataFrame,
    candidates: Iterable[str],
    *,
    file: str,
    required: bool = False,
    meaning: str = "",
) -> str | None:
    """The first column of ``frame`` matching one of ``candidates`` (case/punctuation-blind).

    Raises:
        SchemaError: ``required`` and none matches; the message lists what was looked for.
    """
    cands = list(candidates)
    by_norm = {_norm(c): c for c in frame.columns}
    for cand in cands:
        hit = by_norm.get(_norm(cand))
        if hit is not None:
            return hit
    if required:
        what = meaning or cands[0]
        raise SchemaError(
            f"required column for {what} is missing; expected one of {cands}",
            file=file,
            column=cands[0],
        )
    return None


def to_dates(
    values: pd.Series, *, file: str, column: str, dayfirst: bool = False
) -> pd.Series:
    """Parse a text column of dates (ISO, or year-month, or year); blanks become NaT.

    Raises:
        SchemaError: naming the first row whose date cannot be read.
    """
    text = values.astype("string").str.strip()
    # Full ISO dates (optionally with time) first; then YYYY-MM and YYYY.
    parsed = pd.to_datetime(text.str.slice(0, 10), errors="coerce", format="%Y-%m-%d")
    rest = parsed.isna() & text.notna()
    if rest.any():
        ym = pd.to_datetime(text[rest], errors="coerce", format="%Y-%m")
        parsed[rest] = ym
        rest = parsed.isna() & text.notna()
    if rest.any():
        yy = pd.to_datetime(text[rest], errors="coerce", format="%Y")
        parsed[rest] = yy
        rest = parsed.isna() & text.notna()
    if rest.any():
        other = pd.to_datetime(text[rest], errors="coerce", dayfirst=dayfirst, format="mixed")
        parsed[rest] = other
        rest = parsed.isna() & text.notna()
    if rest.any():
        pos = int(rest.to_numpy().argmax())
        raise SchemaError(
            f"expected a date like 2024-05-13, got {text.iloc[pos]!r}",
            file=file,
            row=pos + 2,
            column=column,
        )
    return parsed.dt.normalize()


def to_numbers(values: pd.Series, *, file: str, column: str) -> pd.Series:
    """Parse a text column of numbers; blanks become NaN.

    Accepts thousands separators (",", spaces, thin spaces) and a trailing "%".

    Raises:
        SchemaError: naming the first row whose value is not a number.
    """
    text = values.astype("string").str.strip()
    cleaned = text.str.replace(r"[\s\u00a0\u202f,]", "", regex=True).str.rstrip("%")
    nums = pd.to_numeric(cleaned, errors="coerce")
    bad = nums.isna() & text.notna() & (text != "")
    if bad.any():
        pos = int(bad.to_numpy().argmax())
        raise SchemaError(
            f"expected a number, got {text.iloc[pos]!r}", file=file, row=pos + 2, column=column
        )
    return nums.astype("float64")


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
    return (
        names.astype("string")
        .str.strip()
        .str.lower()
        .str.replace(r"\s+", " ", regex=True)
    )
