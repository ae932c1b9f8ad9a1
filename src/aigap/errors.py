"""The exception tree of aigap.

Every error a user can cause derives from :class:`AigapError`; the CLI turns any of them into
exit code 2 and one line of text. Errors about a file carry where in the file the problem is,
so the message can say "file, row, column, what was expected".

    AigapError
    ├── SourceError        a source name, URL, download or archive is wrong
    ├── SchemaError        a file's content does not fit the format (missing column, bad value)
    ├── AttributionError   a country or organisation cannot be mapped
    ├── QueryError         an analysis request is invalid (unknown group, too few models, dates)
    └── ClaimError         a claim file is invalid
"""

from __future__ import annotations

__all__ = [
    "AigapError",
    "AttributionError",
    "ClaimError",
    "QueryError",
    "SchemaError",
    "SourceError",
]


class AigapError(Exception):
    """Base class for every error aigap raises on purpose (exit code 2 in the CLI)."""

    exit_code: int = 2


class SourceError(AigapError):
    """A source name, download, archive or file cannot be used."""


class SchemaError(AigapError):
    """A file's content does not fit the expected format.

    Args:
        message: what was expected and what was found.
        file: the file (or ``archive.zip!member``) the problem is in.
        row: the spreadsheet-style row number (the header is row 1), if known.
        column: the column or field name, if known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.detail = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.detail}" if prefix else self.detail


class AttributionError(SchemaError):
    """A country or organisation name cannot be mapped to a code."""


class QueryError(AigapError):
    """An analysis request cannot be answered (bad parameter, unknown group, too little data).

    Args:
        message: what is wrong and what was expected; starts with the parameter's name
            (``as_of: expected a date ...``) when one parameter is at fault.
        parameter: the Python/JSON parameter at fault (``as_of``), if one is; each door
            names it its own way (the CLI as ``--as-of``, the web API as ``as_of``).
    """

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        self.parameter = parameter
        super().__init__(message)


class ClaimError(SchemaError):
    """A claim in a registry file is invalid."""
