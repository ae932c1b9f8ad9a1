"""Render results for the terminal, JSON or CSV, the same way for every command.

JSON output is stable: keys are snake_case, dates ISO 8601, NaN becomes null.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pandas as pd

from aigap.analysis.common import iso_date as iso
from aigap.analysis.common import jsonable, num

__all__ = ["FORMATS", "frame_to_csv", "frame_to_rich", "iso", "jsonable", "num", "to_json"]

FORMATS = ("table", "json", "csv")


def to_json(obj: Any) -> str:
    """Stable, indented JSON text."""
    return json.dumps(jsonable(obj), indent=2, ensure_ascii=False)


def frame_to_csv(frame: pd.DataFrame) -> str:
    """CSV text; list cells joined with ';'."""
    out = frame.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, list | tuple)).any():
            out[col] = out[col].map(
                lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple) else v
            )
    buf = io.StringIO()
    out.to_csv(buf, index=False)
    return buf.getvalue()


def frame_to_rich(frame: pd.DataFrame, title: str | None = None, max_rows: int = 200,
                  no_wrap: tuple[str, ...] = ()) -> Any:
    """A rich Table for the terminal (long frames are cut with a note).

    Columns named in ``no_wrap`` (ids people copy, such as claim ids) are never wrapped;
    the other columns give way.
    """
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for col in frame.columns:
        if str(col) in no_wrap:
            table.add_column(str(col), no_wrap=True, overflow="ignore",
                             min_width=int(frame[col].astype(str).str.len().max() or 0)
                             if len(frame) else None)
        else:
            table.add_column(str(col), overflow="fold")
    for _, row in frame.head(max_rows).iterrows():
        table.add_row(*[_cell(v) for v in row.tolist()])
    if len(frame) > max_rows:
        table.caption = f"{len(frame) - max_rows} more rows (use --format csv or json)"
    return table


def _cell(v: Any) -> str:
    if isinstance(v, list | tuple):
        return ", ".join(map(str, v))
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() else v.isoformat()
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1e6 else f"{v:.3e}"
    return str(v)
