"""`_best_per_key` (numpy) keeps the same rows in the same order as the pandas recipe it
replaced: latest observation per (key, setting, source), then the best value per key."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from aigap.store.frames import _best_per_key


def reference(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values(["model_key", "observed_on"], na_position="first")
    frame = frame.drop_duplicates(["model_key", "setting", "source_url"], keep="last")
    frame = frame.sort_values(["model_key", "value"], ascending=[True, False])
    return frame.drop_duplicates("model_key", keep="first")


rows = st.lists(st.tuples(
    st.sampled_from(["a", "b", "c", None]),            # model_key (missing allowed)
    st.sampled_from(["0-shot", "5-shot", None]),       # setting
    st.sampled_from(["u1", "u2", None]),               # source_url
    st.one_of(st.none(), st.integers(0, 5)),           # observed_on (day), missing allowed
    st.one_of(st.none(), st.sampled_from([1.0, 2.0, 2.0, 3.5])),  # value with ties
), min_size=0, max_size=30)


@given(rows)
def test_same_rows_and_order_as_the_pandas_recipe(data: list[tuple]) -> None:  # type: ignore[type-arg]
    frame = pd.DataFrame(data, columns=["model_key", "setting", "source_url", "day", "value"])
    frame["observed_on"] = pd.to_datetime("2024-01-01") + pd.to_timedelta(frame["day"], "D")
    frame["value"] = frame["value"].astype("float64")
    frame["model_key"] = frame["model_key"].astype("object")
    frame.index = np.arange(len(frame)) * 3 + 7  # a non-default index is kept
    pd.testing.assert_frame_equal(_best_per_key(frame), reference(frame))
