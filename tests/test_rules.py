"""Tests for attribution rules: planted memberships plus invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aigap.attribution.groups import resolve_group
from aigap.attribution.rules import RULES, check_rule, membership, select
from aigap.errors import QueryError

MODELS = pd.DataFrame(
    {
        "name": ["us", "cn", "us+cn", "cn+us", "hk", "tw", "none", "null", "gb+fr", "dup"],
        "countries": [["USA"], ["CHN"], ["USA", "CHN"], ["CHN", "USA"], ["HKG"], ["TWN"],
                      [], None, ["GBR", "FRA"], ["USA", "USA", "CHN"]],
        "open_weights": pd.array([True, False, None, True, False, True, None, False, True,
                                  None], dtype="boolean"),
    },
    index=[100 + i for i in range(10)],
)


def weights(group: str, rule: str) -> dict[str, float]:
    w = membership(MODELS, resolve_group(group), rule)
    assert list(w.index) == list(MODELS.index)
    assert w.dtype == np.float64
    return dict(zip(MODELS["name"], w, strict=True))


def test_inclusive() -> None:
    usa = weights("USA", "inclusive")
    china = weights("China", "inclusive")
    assert usa == {"us": 1, "cn": 0, "us+cn": 1, "cn+us": 1, "hk": 0, "tw": 0, "none": 0,
                   "null": 0, "gb+fr": 0, "dup": 1}
    assert china == {"us": 0, "cn": 1, "us+cn": 1, "cn+us": 1, "hk": 1, "tw": 0,
                     "none": 0, "null": 0, "gb+fr": 0, "dup": 1}


def test_exclusive() -> None:
    usa = weights("USA", "exclusive")
    china = weights("China", "exclusive")
    assert usa["us"] == 1 and usa["us+cn"] == 0 and usa["cn+us"] == 0 and usa["dup"] == 0
    assert china["cn"] == 1 and china["hk"] == 1 and china["us+cn"] == 0
    assert usa["none"] == usa["null"] == china["none"] == china["null"] == 0
    assert weights("ROW", "exclusive")["none"] == 0  # no known country: never a member
    assert weights("EU27", "exclusive")["gb+fr"] == 0
    assert weights("US+allies", "exclusive")["gb+fr"] == 1


def test_hq_uses_first_listed_country() -> None:
    usa = weights("USA", "hq")
    china = weights("China", "hq")
    assert usa["us+cn"] == 1 and china["us+cn"] == 0
    assert usa["cn+us"] == 0 and china["cn+us"] == 1
    assert usa["dup"] == 1
    assert usa["none"] == usa["null"] == 0


def test_fractional() -> None:
    usa = weights("USA", "fractional")
    china = weights("China", "fractional")
    assert usa["us+cn"] == pytest.approx(0.5) and china["us+cn"] == pytest.approx(0.5)
    assert usa["dup"] == pytest.approx(0.5)  # duplicates count once: k = 2 distinct
    assert weights("EU27", "fractional")["gb+fr"] == pytest.approx(0.5)
    assert usa["none"] == usa["null"] == 0


def test_hong_kong_counts_to_china_and_taiwan_never_does() -> None:
    for rule in RULES:
        china = weights("China", rule)
        assert china["hk"] == 1
        assert china["tw"] == 0
        assert weights("CHN-mainland", rule)["hk"] == 0
        assert weights("ROW", rule)["tw"] == 1


def test_open_closed_ignore_rule_and_na_is_neither() -> None:
    for rule in RULES:
        op = weights("open", rule)
        cl = weights("closed", rule)
        assert [op[n] for n in ("us", "cn", "us+cn", "none")] == [1, 0, 0, 0]
        assert [cl[n] for n in ("us", "cn", "us+cn", "none")] == [0, 1, 0, 0]


def test_plain_bool_and_object_open_weights_columns() -> None:
    frame = pd.DataFrame({"open_weights": [True, False, None, np.nan]}, dtype="object")
    assert membership(frame, resolve_group("open")).tolist() == [1, 0, 0, 0]
    assert membership(frame, resolve_group("closed")).tolist() == [0, 1, 0, 0]


def test_numpy_array_country_cells_work() -> None:
    """DuckDB returns VARCHAR[] cells as numpy arrays."""
    frame = pd.DataFrame({"countries": [np.array(["USA", "CHN"]), np.array([], dtype=object)]})
    assert membership(frame, resolve_group("China"), "fractional").tolist() == [0.5, 0.0]


def test_empty_frame() -> None:
    frame = pd.DataFrame({"countries": pd.Series([], dtype=object)})
    assert membership(frame, resolve_group("USA"), "hq").empty


def test_select_adds_weight() -> None:
    out = select(MODELS, resolve_group("USA"), "fractional")
    assert list(out["name"]) == ["us", "us+cn", "cn+us", "dup"]
    assert out["weight"].tolist() == [1.0, 0.5, 0.5, 0.5]
    assert list(out.index) == [100, 102, 103, 109]


def test_check_rule() -> None:
    assert check_rule(" HQ ") == "hq"
    with pytest.raises(QueryError) as info:
        check_rule("majority")
    assert "majority" in str(info.value)
    for rule in RULES:
        assert rule in str(info.value)


def test_missing_columns_are_query_errors() -> None:
    with pytest.raises(QueryError, match="countries"):
        membership(pd.DataFrame({"x": [1]}), resolve_group("USA"))
    with pytest.raises(QueryError, match="open_weights"):
        membership(pd.DataFrame({"countries": [["USA"]]}), resolve_group("open"))
    with pytest.raises(QueryError, match="unknown attribution rule"):
        membership(MODELS, resolve_group("USA"), "nope")


CODES = ["USA", "CHN", "HKG", "MAC", "TWN", "GBR", "FRA", "DEU", "JPN", "KOR", "ARE", "IND"]
country_lists = st.lists(st.lists(st.sampled_from(CODES), max_size=5), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(country_lists, st.sampled_from(["USA", "China", "EU27", "US+allies", "ROW", "TWN"]))
def test_rule_ordering_invariants(lists: list[list[str]], name: str) -> None:
    frame = pd.DataFrame({"countries": pd.Series(lists, dtype=object)})
    group = resolve_group(name)
    inc, exc, hq, frac = (membership(frame, group, r).to_numpy() for r in RULES)
    assert ((inc == 0) | (inc == 1)).all() and ((exc == 0) | (exc == 1)).all()
    assert (exc <= frac + 1e-12).all() and (frac <= inc + 1e-12).all()
    assert (exc <= hq).all() and (hq <= inc).all()
    assert ((frac >= 0) & (frac <= 1)).all()
    # brute-force reference for each rule
    members = group.countries or frozenset()
    for i, cs in enumerate(lists):
        distinct = list(dict.fromkeys(cs))
        m = sum(c in members for c in distinct)
        assert inc[i] == (m > 0)
        assert exc[i] == (bool(distinct) and m == len(distinct))
        assert hq[i] == (bool(distinct) and distinct[0] in members)
        assert frac[i] == pytest.approx(m / len(distinct) if distinct else 0.0)


@settings(max_examples=100, deadline=None)
@given(country_lists)
def test_fractional_weights_of_a_partition_sum_to_one(lists: list[list[str]]) -> None:
    frame = pd.DataFrame({"countries": pd.Series(lists, dtype=object)})
    china = membership(frame, resolve_group("China"), "fractional").to_numpy()
    row = membership(frame, resolve_group("ROW"), "fractional").to_numpy()
    has = np.array([len(x) > 0 for x in lists])
    np.testing.assert_allclose((china + row)[has], 1.0)
    np.testing.assert_allclose((china + row)[~has], 0.0)
    # hq too: every model with a country belongs to exactly one side
    hq = (membership(frame, resolve_group("China"), "hq")
          + membership(frame, resolve_group("ROW"), "hq")).to_numpy()
    np.testing.assert_array_equal(hq, has.astype(float))
