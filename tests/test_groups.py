"""Tests for group resolution: countries, configured groups and open/closed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aigap.attribution.groups import (
    CHINA,
    EU27,
    US_ALLIES,
    Group,
    all_country_codes,
    group_names,
    groups_table,
    resolve_group,
)
from aigap.errors import QueryError


@pytest.mark.parametrize("text", ["China", "CHN", "chn", " china ", "PRC",
                                  "People's Republic of China"])
def test_china_means_the_china_group(text: str) -> None:
    group = resolve_group(text)
    assert group.name == "China"
    assert group.countries == frozenset({"CHN", "HKG", "MAC"})
    assert group.kind == "countries"
    assert group.open_weights is None


def test_mainland_china_only() -> None:
    group = resolve_group("CHN-mainland")
    assert group.countries == frozenset({"CHN"})
    assert resolve_group("mainland China") == group


@pytest.mark.parametrize(
    ("text", "code"),
    [("US", "USA"), ("usa", "USA"), ("United States", "USA"), ("UK", "GBR"),
     ("Taiwan", "TWN"), ("TWN", "TWN"), ("HKG", "HKG"), ("Hong Kong", "HKG"),
     ("France", "FRA"), ("KOR", "KOR"), ("South Korea", "KOR"), ("ARE", "ARE")],
)
def test_single_countries(text: str, code: str) -> None:
    group = resolve_group(text)
    assert group.name == code
    assert group.countries == frozenset({code})
    assert group.label  # a readable name


def test_taiwan_is_never_china() -> None:
    assert "TWN" not in CHINA
    assert not resolve_group("China").contains("TWN")
    assert resolve_group("ROW").contains("TWN")
    assert resolve_group("Hong Kong").countries == frozenset({"HKG"})


def test_eu27() -> None:
    group = resolve_group("eu27")
    assert group.countries == EU27
    assert len(EU27) == 27
    assert "GBR" not in EU27 and "DEU" in EU27 and "HRV" in EU27
    assert resolve_group("EU") == group


def test_us_allies_convention() -> None:
    group = resolve_group("US+allies")
    assert group.countries == US_ALLIES
    assert {"USA", "GBR", "CAN", "AUS", "NZL", "JPN", "KOR", "TWN"} <= US_ALLIES
    assert EU27 <= US_ALLIES
    assert len(US_ALLIES) == 35
    assert not US_ALLIES & CHINA


def test_rest_of_world_is_the_complement_of_china() -> None:
    row = resolve_group("rest-of-world")
    assert row == resolve_group("ROW") == resolve_group("non-China")
    assert row.countries is not None
    assert not row.countries & CHINA
    assert row.countries | CHINA == all_country_codes()
    non_us = resolve_group("non-US")
    assert non_us.countries == all_country_codes() - {"USA"}


@pytest.mark.parametrize(("text", "flag"), [("open", True), ("OPEN-WEIGHTS", True),
                                            ("closed", False), ("Closed weights", False)])
def test_open_and_closed(text: str, flag: bool) -> None:
    group = resolve_group(text)
    assert group.kind == "open_weights"
    assert group.open_weights is flag
    assert group.countries is None
    assert not group.contains("USA")


@pytest.mark.parametrize("text", ["Atlantis", "", "EU28", "Multinational", "XYZ"])
def test_unknown_group_lists_valid_names(text: str) -> None:
    with pytest.raises(QueryError) as info:
        resolve_group(text)
    message = str(info.value)
    assert "unknown group" in message
    for name in ("China", "EU27", "US+allies", "ROW", "open", "closed"):
        assert name in message
    assert "ISO3" in message
    assert "\n" not in message


def test_groups_table() -> None:
    table = groups_table()
    assert list(table["name"]) == group_names()
    assert {"name", "kind", "label", "n_countries", "members", "aliases"} <= set(table.columns)
    china = table.set_index("name").loc["China"]
    assert china["members"] == "CHN, HKG, MAC"
    assert china["n_countries"] == 3
    row = table.set_index("name").loc["ROW"]
    assert row["members"] == "every country except CHN, HKG, MAC"
    assert table.set_index("name").loc["open", "n_countries"] is not None


def test_group_is_frozen() -> None:
    group = resolve_group("USA")
    assert isinstance(group, Group)
    with pytest.raises(AttributeError):
        group.name = "X"  # type: ignore[misc]


@given(st.sampled_from(sorted(all_country_codes())))
def test_every_iso3_code_resolves(code: str) -> None:
    group = resolve_group(code.lower())
    assert group.contains(code)
    if code in ("CHN",):
        assert group.name == "China"
    else:
        assert group.countries == frozenset({code})
