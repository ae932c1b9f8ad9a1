"""Records and the step frontier (method 1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aigap.analysis.frontier import best_on, frontier_steps, per_model_best, records
from aigap.errors import QueryError


def frame(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "model": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "value": [r[2] for r in rows],
        }
    )


GROUP = frame(
    [
        ("a", "2023-01-10", 50.0),
        ("b", "2023-02-01", 48.0),  # worse: not a record
        ("c", "2023-03-01", 55.0),  # record
        ("d", "2023-03-01", 57.0),  # same day, better: the day's record
        ("e", "2023-04-01", 57.0),  # ties the best: not strictly better
        ("f", "2023-05-01", 60.0),  # record
        ("f", "2023-05-01", 58.0),  # second row of f: its best value is kept
    ]
)


def test_records_are_strict_per_day_bests() -> None:
    rec = records(GROUP)
    assert rec["model"].tolist() == ["a", "d", "f"]
    assert rec["value"].tolist() == [50.0, 57.0, 60.0]
    assert rec["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2023-01-10", "2023-03-01", "2023-05-01",
    ]


def test_drop_first_removes_only_the_first_record() -> None:
    rec = records(GROUP, drop_first=True)
    assert rec["model"].tolist() == ["d", "f"]


def test_unsorted_input_gives_the_same_records() -> None:
    shuffled = GROUP.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(records(shuffled), records(GROUP))


def test_per_model_best_keeps_best_row_and_counts_missing() -> None:
    g = pd.concat([GROUP, frame([("z", "2023-06-01", float("nan"))])], ignore_index=True)
    best = per_model_best(g)
    assert best.attrs["skipped_missing"] == 1
    assert best.set_index("model").loc["f", "value"] == 60.0
    assert "z" not in set(best["model"])


def test_best_on_is_a_step_function() -> None:
    rec = records(GROUP)
    days = ["2023-01-09", "2023-01-10", "2023-02-28", "2023-03-01", "2024-01-01"]
    got = best_on(rec, days)
    assert np.isnan(got[0])
    assert got[1:].tolist() == [50.0, 50.0, 57.0, 60.0]
    dates, values = frontier_steps(rec)
    assert dates.dtype == np.dtype("datetime64[D]")
    assert values.tolist() == [50.0, 57.0, 60.0]


def test_missing_column_is_a_query_error() -> None:
    with pytest.raises(QueryError, match=r"missing column.*value"):
        records(GROUP.drop(columns=["value"]), group="CHN")
