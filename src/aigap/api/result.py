"""The protocol every question's result follows, so each door can show any of them."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import pandas as pd

__all__ = ["Result"]


@runtime_checkable
class Result(Protocol):
    """What a question returns: its inputs, the data it used, a summary table, a sentence,
    the stable JSON of docs/json.md, and the frames its charts need."""

    @property
    def inputs(self) -> dict[str, Any]:
        """The validated parameters."""

    @property
    def data(self) -> dict[str, Any]:
        """The data used: as-of date, vintage ids, data dates, warnings, credits."""

    @property
    def summary(self) -> pd.DataFrame:
        """One row per figure with its interval and unit."""

    def sentence(self) -> str:
        """The headline in one plain sentence."""

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON (docs/json.md)."""

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames the result's charts draw."""
