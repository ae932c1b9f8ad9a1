"""Importers for public data sources.

Each publisher has a module that registers one or more :class:`~aigap.sources.base.Source`
objects; :func:`get_source` and :func:`all_sources` look them up.
"""

from aigap.sources.base import (
    ParsedDataset,
    Source,
    SourceFile,
    all_sources,
    get_source,
    register,
)

__all__ = [
    "ParsedDataset",
    "Source",
    "SourceFile",
    "all_sources",
    "get_source",
    "register",
]
