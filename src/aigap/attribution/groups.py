"""Groups that analyses compare: a country, a set of countries, or open vs closed weights.

``resolve_group`` turns what a user types ("US", "China", "EU27", "open") into a
:class:`Group`. Choices made here (documented in docs/attribution.md):

- "China", "CHN" and any spelling that maps to CHN mean the **China group**
  {CHN, HKG, MAC}, as Epoch AI counts Hong Kong toward China. "CHN-mainland" means {CHN}
  alone. Taiwan (TWN) is never part of China.
- Any other ISO 3166 country (code or name) is a one-country group ("HKG" alone is
  {HKG}).
- "EU27": the 27 EU member states after the UK left on 2020-02-01.
- "US+allies": a convention, not a treaty list: USA, the other Five Eyes (GBR, CAN, AUS,
  NZL), JPN, KOR, TWN and the EU27.
- "ROW" / "rest-of-world" / "non-China": every country not in the China group;
  "non-US": every country except USA.
- "open" / "closed": models with open / closed weights (countries are ignored).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CHINA",
    "EU27",
    "US_ALLIES",
    "Group",
    "all_country_codes",
    "group_names",
    "groups_table",
    "resolve_group",
]

GroupKind = Literal["countries", "open_weights"]

#: The China group: mainland China, Hong Kong and Macao (Epoch AI counts HKG toward China).
CHINA: frozenset[str] = frozenset({"CHN", "HKG", "MAC"})

#: EU member states from 2020-02-01 (after the UK's withdrawal). Source:
#: https://european-union.europa.eu/principles-countries-history/eu-countries_en
EU27: frozenset[str] = frozenset({
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
    "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK",
    "SVN", "ESP", "SWE",
})

#: "US+allies": a convention chosen for aigap (USA, Five Eyes, JPN, KOR, TWN, EU27).
US_ALLIES: frozenset[str] = frozenset({"USA", "GBR", "CAN", "AUS", "NZL", "JPN", "KOR", "TWN"}
                                      ) | EU27

# Codes that to_iso3 can return but pycountry does not list (Kosovo's user-assigned code).
_EXTRA_CODES = frozenset({"XKX"})


@dataclass(frozen=True)
class Group:
    """A set of models to compare: by country (under an attribution rule) or by weights.

    Attributes:
        name: canonical name ("China", "USA", "EU27", "open").
        kind: "countries" (membership from a model's countries) or "open_weights".
        countries: ISO3 codes in the group (``None`` for open/closed groups).
        open_weights: True for "open", False for "closed", ``None`` for country groups.
        label: human-readable description for tables and charts.
    """

    name: str
    kind: GroupKind
    countries: frozenset[str] | None
    open_weights: bool | None
    label: str

    def contains(self, code: str) -> bool:
        """Whether an ISO3 code is in the group (always False for open/closed groups)."""
        return self.countries is not None and code in self.countries


@lru_cache(maxsize=1)
def all_country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-3 code pycountry knows, plus XKX (Kosovo)."""
    import pycountry

    return frozenset(str(c.alpha_3) for c in pycountry.countries) | _EXTRA_CODES


def _configured() -> dict[str, tuple[Group, tuple[str, ...]]]:
    """Configured groups: canonical name -> (group, accepted spellings, lower-case)."""
    world = all_country_codes()
    return {
        "China": (
            Group("China", "countries", CHINA, None,
                  "China (mainland China, Hong Kong, Macao)"),
            ("china", "chn", "prc", "china group", "greater china"),
        ),
        "CHN-mainland": (
            Group("CHN-mainland", "countries", frozenset({"CHN"}), None,
                  "Mainland China only (excludes Hong Kong and Macao)"),
            ("chn-mainland", "mainland china", "china-mainland", "mainland"),
        ),
        "EU27": (
            Group("EU27", "countries", EU27, None,
                  "European Union, 27 member states (from 2020-02-01)"),
            ("eu27", "eu", "eu-27", "european union"),
        ),
        "US+allies": (
            Group("US+allies", "countries", US_ALLIES, None,
                  "US and allies (convention: USA, GBR, CAN, AUS, NZL, JPN, KOR, TWN, EU27)"),
            ("us+allies", "us-allies", "us_allies", "us and allies", "usa+allies"),
        ),
        "ROW": (
            Group("ROW", "countries", world - CHINA, None,
                  "Rest of world: every country outside the China group"),
            ("row", "rest-of-world", "rest of world", "non-china", "non china"),
        ),
        "non-US": (
            Group("non-US", "countries", world - {"USA"}, None,
                  "Every country except the United States"),
            ("non-us", "non us", "non-usa", "rest-of-world-us"),
        ),
        "open": (
            Group("open", "open_weights", None, True, "Open-weight models"),
            ("open", "open-weights", "open weights", "open-weight", "open_weights"),
        ),
        "closed": (
            Group("closed", "open_weights", None, False, "Closed-weight models"),
            ("closed", "closed-weights", "closed weights", "closed-weight", "proprietary"),
        ),
    }


def group_names() -> list[str]:
    """Canonical names of the configured groups (ISO3 codes work as well)."""
    return list(_configured())


def resolve_group(text: str) -> Group:
    """Resolve a group name, ISO3 code or country name (case-insensitive) to a Group.

    Raises:
        QueryError: the text is neither a configured group nor a country.
    """
    from aigap.attribution.countries import to_iso3
    from aigap.errors import AigapError, QueryError

    key = " ".join(str(text).strip().casefold().split())
    configured = _configured()
    for group, spellings in configured.values():
        if key in spellings:
            return group
    code: str | None = key.upper() if key.upper() in all_country_codes() else None
    if code is None and key:
        try:
            code = to_iso3(key)
        except AigapError:
            code = None
    if code is None or (code not in all_country_codes()):
        raise QueryError(
            f"unknown group {text!r}; expected one of {', '.join(configured)} "
            "or a country (ISO3 code such as USA, GBR, TWN, or a name such as 'France')"
        )
    if code == "CHN":
        return configured["China"][0]
    return Group(code, "countries", frozenset({code}), None, _country_name(code))


def _country_name(code: str) -> str:
    """A short English name for an ISO3 code (the code itself if pycountry lacks it)."""
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def groups_table() -> pd.DataFrame:
    """The configured groups, their members and accepted spellings (for docs and the CLI).

    Columns: name, kind, label, n_countries, members (ISO3 codes joined by ", ", or a
    description for the large complement groups), aliases.
    """
    import pandas as pd

    world = all_country_codes()
    rows = []
    for group, spellings in _configured().values():
        if group.countries is None:
            members = "models with open_weights = " + str(group.open_weights).lower()
            n: int | None = None
        else:
            n = len(group.countries)
            outside = sorted(world - group.countries)
            if n > len(world) // 2:
                members = "every country except " + ", ".join(outside)
            else:
                members = ", ".join(sorted(group.countries))
        rows.append({
            "name": group.name,
            "kind": group.kind,
            "label": group.label,
            "n_countries": n,
            "members": members,
            "aliases": ", ".join(spellings),
        })
    out = pd.DataFrame(rows)
    out["n_countries"] = out["n_countries"].astype("Int64")
    return out
