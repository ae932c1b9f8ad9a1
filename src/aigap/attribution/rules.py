"""Attribution rules: how much of a model belongs to a group of countries.

A model carries a list of ISO3 countries (one per developing organisation, lead first,
de-duplicated). With k distinct countries, of which m are in the group:

- ``inclusive`` (default; Epoch AI's): 1 if m >= 1 (a model belongs to every country of any
  developing organisation), else 0.
- ``exclusive``: 1 if m == k >= 1 (all countries in the group), else 0. A model with no
  known country is never a member.
- ``hq``: 1 if the first listed country (the lead organisation's headquarters) is in the
  group, else 0.
- ``fractional``: m / k (0 when k == 0), so the weights of a partition of the world sum to 1.

Open/closed groups ignore the rule: open_weights True -> "open", False -> "closed",
unknown -> neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from aigap.attribution.groups import Group

__all__ = ["DEFAULT_RULE", "RULES", "check_rule", "group_scores", "lag_rule", "membership",
           "select"]

#: Valid rule names; the first is the default.
RULES: tuple[str, ...] = ("inclusive", "exclusive", "hq", "fractional")
DEFAULT_RULE = "inclusive"


def check_rule(name: str) -> str:
    """The canonical (lower-case) rule name.

    Raises:
        QueryError: the name is not one of :data:`RULES`.
    """
    from aigap.errors import QueryError

    key = str(name).strip().casefold()
    if key not in RULES:
        raise QueryError(
            f"unknown attribution rule {name!r}; expected one of {', '.join(RULES)}"
        )
    return key


def lag_rule(name: str) -> str:
    """The membership rule used for lags: fractional weights only make sense for counts, so
    ``fractional`` means inclusive membership there (docs/attribution.md)."""
    rule = check_rule(name)
    return "inclusive" if rule == "fractional" else rule


def membership(frame: pd.DataFrame, group: Group, rule: str = DEFAULT_RULE) -> pd.Series:
    """Weight in [0, 1] of each row of ``frame`` in ``group`` under ``rule``.

    Args:
        frame: needs a ``countries`` column (lists of ISO3 codes, possibly empty or null)
            for country groups, or an ``open_weights`` column (boolean or NA) for the
            open/closed groups.
        group: from :func:`aigap.attribution.groups.resolve_group`.
        rule: one of :data:`RULES`.

    Returns:
        float64 Series aligned with ``frame.index``; 0/1 except under ``fractional``.

    Raises:
        QueryError: unknown rule, or the column the group needs is missing.
    """
    import numpy as np
    import pandas as pd

    from aigap.errors import QueryError

    rule = check_rule(rule)
    if group.kind == "open_weights":
        if "open_weights" not in frame.columns:
            raise QueryError(f"group {group.name!r} needs an 'open_weights' column")
        flags = frame["open_weights"].astype("boolean")
        hit = (flags == bool(group.open_weights)).fillna(False).to_numpy(dtype=bool)
        return pd.Series(hit.astype("float64"), index=frame.index, name="weight")
    if "countries" not in frame.columns:
        raise QueryError(f"group {group.name!r} needs a 'countries' column")

    n = len(frame)
    members = group.countries or frozenset()
    flat = pd.Series(frame["countries"].to_numpy(dtype=object), dtype="object").explode()
    pairs = pd.DataFrame({"pos": flat.index.to_numpy(), "code": flat.to_numpy()})
    pairs = pairs[pairs["code"].notna()].drop_duplicates()  # keeps first-listed order
    pos = pairs["pos"].to_numpy(dtype=np.int64)
    inside = pairs["code"].isin(list(members)).to_numpy(dtype=bool)
    k = np.bincount(pos, minlength=n)
    m = np.bincount(pos[inside], minlength=n)
    if rule == "inclusive":
        weight = (m > 0).astype("float64")
    elif rule == "exclusive":
        weight = ((k > 0) & (m == k)).astype("float64")
    elif rule == "hq":
        first = ~pairs["pos"].duplicated().to_numpy(dtype=bool)
        weight = np.bincount(pos[first & inside], minlength=n).astype("float64")
    else:  # fractional
        weight = np.divide(m, k, out=np.zeros(n, dtype="float64"), where=k > 0)
    return pd.Series(weight, index=frame.index, name="weight")


def select(frame: pd.DataFrame, group: Group, rule: str = DEFAULT_RULE) -> pd.DataFrame:
    """The rows of ``frame`` with a positive weight in ``group``, with a ``weight`` column."""
    weight = membership(frame, group, rule)
    out = frame.loc[weight.to_numpy() > 0].copy()
    out["weight"] = weight[weight > 0].to_numpy()
    return out


def group_scores(scores: pd.DataFrame, group: Group, rule: str) -> pd.DataFrame:
    """One group's analysis frame (model, name, date, value, lower, upper, stderr, model_id,
    display_name) from a score frame: the members under ``rule``, one row per scored model
    key, with keys that are one model sharing a ``model_id`` (docs/identity.md)."""
    import pandas as pd

    from aigap.attribution.identity import assign_model_ids

    weight = membership(scores, group, rule)
    part = scores.loc[weight.to_numpy() > 0]
    frame = pd.DataFrame({
        "model": part["model_key"].to_numpy(),
        "name": part["model_name"].fillna(part["model_key"]).to_numpy(),
        "date": pd.to_datetime(part["release_date"]).to_numpy(),
        "value": part["value"].astype("float64").to_numpy(),
        "lower": part["lower"].astype("float64").to_numpy(),
        "upper": part["upper"].astype("float64").to_numpy(),
        "stderr": part["stderr"].astype("float64").to_numpy(),
    })
    if "model_id" in part and part["model_id"].notna().all():  # identity given by the store
        frame["model_id"] = part["model_id"].to_numpy()
        frame["display_name"] = part["display_name"].to_numpy()
        return frame
    return assign_model_ids(frame).frame
