"""Tables derived from stored rows rather than read from a file: the TOP500 per-country
counts and shares (``indicator`` rows) computed from each edition's ``system`` rows.

Parsers only parse; this step runs inside the import's transaction, so a derived table is
always the one its rows imply.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aigap.sources.base import ParsedDataset

__all__ = ["with_derived"]


def with_derived(parsed: Sequence[ParsedDataset]) -> list[ParsedDataset]:
    """The datasets with their derived frames added (TOP500: per-country indicators)."""
    from aigap.analysis.top500 import indicators
    from aigap.schema import conform

    out = []
    for p in parsed:
        system = p.frames.get("system")
        if system is not None and "indicator" not in p.frames:
            p.frames["indicator"] = conform("indicator", indicators(system), file=p.file.name)
        out.append(p)
    return out
