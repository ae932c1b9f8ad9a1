"""Units helper and as-of hygiene."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from aigap.analysis import trend
from aigap.analysis.units import DAYS_PER_YEAR, effective_end, gap_in_units
from aigap.errors import QueryError


def test_gap_units_per_scale() -> None:
    assert gap_in_units(0.135, "fraction") == pytest.approx((13.5, "percentage points"))
    assert gap_in_units(13.5, "percent") == (13.5, "percentage points")
    assert gap_in_units(7.7, "index") == (7.7, "points")
    assert gap_in_units(40.0, "rating") == (40.0, "rating points")
    assert gap_in_units(1.0, None) == (1.0, "points")
    assert math.isnan(gap_in_units(math.nan, "fraction")[0])


def test_one_days_per_year() -> None:
    assert DAYS_PER_YEAR == 365.2425
    assert trend.DAYS_PER_YEAR == DAYS_PER_YEAR


def test_effective_end() -> None:
    today = "2026-05-01"
    assert effective_end(None, "2026-04-08", today=today) == (pd.Timestamp("2026-04-08"), None)
    assert effective_end("2025-01-01", "2026-04-08", today=today) == (
        pd.Timestamp("2025-01-01"), None)
    end, note = effective_end("2026-04-30", "2026-04-08", today=today)
    assert end == pd.Timestamp("2026-04-08")
    assert note == "cut to 2026-04-08, the newest data"
    with pytest.raises(QueryError, match="as_of: 2030-01-01 is in the future"):
        effective_end("2030-01-01", "2026-04-08", today=today)
    with pytest.raises(QueryError, match="as_of"):
        effective_end("not a date", "2026-04-08", today=today)
