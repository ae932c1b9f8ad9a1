"""Model identity: one model, however many keys a source files it under.

Score files often list one model under several keys: provider copies (``chutes/deepseek-r1-0528``),
aliases (``llama-2-70b-chat`` / ``llama-2-70b-chat-hf``) and effort or thinking-budget variants
(``claude-3-7-sonnet-20250219_1k`` ... ``_64k``) that carry the *same* score and release date.
Treating each key as an independent model makes a bootstrap think it has several draws of one
model. The rule (docs/identity.md): two keys of one metric are the same model when

1. their release dates are equal, and
2. their scores are equal within a tolerance (default 1e-6 relative), and
3. their names agree: the source's model name is equal, or the keys are equal after removing
   provider prefixes (any ``xxx/``) and effort/budget suffixes (``_1k`` ... ``_128k``,
   ``_high``, ``_xhigh``, ``_low``, ``_medium``, ``_minimal``, ``_none``, ``_unknown``,
   ``_thinking``, ``-thinking``, `` (16k thinking)``).

Keys linked by a chain of such pairs form one model (connected components). Suffixes are only
ever merged when date and score also agree, so genuinely different releases (GPT-4o of 2024-05,
-08, -11: different dates) and effort levels with different scores stay separate models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from aigap.errors import QueryError

__all__ = ["ModelIdentity", "assign_model_ids", "clean_key"]

_PREFIX = re.compile(r"^(?:[^/\s]+/)+")
_SUFFIX = re.compile(
    r"(?:_\d+k|_(?:x?high|low|medium|minimal|none|unknown|thinking)|-thinking"
    r"|\s*\(\d+k thinking\))$",
    re.IGNORECASE,
)


_ID_SUFFIX = re.compile(r"_(?:\d+k|x?high|low|medium|minimal|none|unknown|thinking)$", re.I)


def clean_key(keys: pd.Series, *, keep_thinking: bool = False) -> pd.Series:
    """Lower-cased keys without provider prefixes and effort/budget suffixes (vectorised).

    Suffixes are removed repeatedly (``x_thinking_high`` -> ``x``); ``-thinking`` in the middle of
    a name (``qwen3-235b-a22b-thinking-2507``) is kept, it names a different model. With
    ``keep_thinking`` a trailing ``-thinking`` / ``(16k thinking)`` is kept too (used for ids, so
    ``kimi-k2-thinking`` is not named ``kimi-k2``).
    """
    out = keys.astype(str).str.strip().str.lower().str.replace(_PREFIX, "", regex=True)
    pattern = _ID_SUFFIX if keep_thinking else _SUFFIX
    for _ in range(3):
        out = out.str.replace(pattern, "", regex=True)
    return out


@dataclass(frozen=True)
class ModelIdentity:
    """Keys grouped into models.

    Attributes:
        frame: the input rows with two new columns, ``model_id`` (stable: the most common
            cleaned key of the model, with ``~2``, ``~3`` ... where two models share it) and
            ``display_name`` (the source's model name, else the cleaned key).
        models: one row per model: model_id, display_name, date, value, n_keys, keys
            (``|``-joined, sorted).
        n_keys: distinct keys in; n_models: models out.
    """

    frame: pd.DataFrame
    models: pd.DataFrame
    n_keys: int
    n_models: int

    def summary(self) -> str:
        """A short fragment for output: "236 keys -> 115 models"."""
        return f"{self.n_keys} keys -> {self.n_models} models"


def _check(frame: pd.DataFrame, cols: tuple[str, ...]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise QueryError(f"model identity: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise QueryError(
            f"model identity: score frame is missing column(s) {', '.join(missing)}; "
            f"expected {', '.join(cols)}"
        )


def _value_blocks(date_code: np.ndarray, values: np.ndarray, rtol: float) -> np.ndarray:
    """Block id per row: same date and values chained within ``rtol`` (relative, abs floor 1)."""
    order = np.lexsort((values, date_code))
    d, v = date_code[order], values[order]
    new = np.ones(len(order), dtype=bool)
    if len(order) > 1:
        close = np.abs(np.diff(v)) <= rtol * np.maximum(1.0, np.abs(v[1:]))
        new[1:] = (np.diff(d) != 0) | ~close
    block = np.empty(len(order), dtype="int64")
    block[order] = np.cumsum(new) - 1
    return block


def _edges(block: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges linking each row to the first row with the same (block, label)."""
    _, first, inverse = np.unique(
        np.stack([block, label]), axis=1, return_index=True, return_inverse=True
    )
    rows = np.arange(len(block))
    return rows, first[inverse.ravel()]


def assign_model_ids(
    frame: pd.DataFrame,
    *,
    key: str = "model",
    name: str | None = "name",
    date: str = "date",
    value: str = "value",
    rtol: float = 1e-6,
) -> ModelIdentity:
    """Group the keys of one metric's score frame into models (rule in the module docstring).

    Args:
        frame: one metric's rows with a key, a release date, a score and optionally the source's
            model name (rows with a missing key, date or value keep their key as model id).
        key, name, date, value: column names (``name=None``: no name column, keys only).
        rtol: relative score tolerance (absolute for scores below 1).

    Returns:
        A :class:`ModelIdentity`; ``frame`` keeps the input's order and index.

    Raises:
        QueryError: missing columns or a negative tolerance.
    """
    _check(frame, (key, date, value))
    has_name = name is not None and name in frame.columns
    if not (rtol >= 0):
        raise QueryError(f"model identity: rtol must be >= 0, got {rtol!r}")
    n = len(frame)
    keys = frame[key].astype(str)
    stem = clean_key(keys)
    dates = pd.to_datetime(frame[date], errors="coerce")
    vals = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype="float64")
    ok = (dates.notna() & np.isfinite(vals) & frame[key].notna()).to_numpy()
    date_code = dates.to_numpy("datetime64[ns]").astype("int64")
    block = _value_blocks(np.where(ok, date_code, 0), np.where(ok, vals, 0.0), rtol)
    # rows that cannot be compared get their own block each
    block = np.where(ok, block, block.max(initial=0) + 1 + np.arange(n))
    src, dst = [np.arange(n)], [pd.factorize(keys)[0]]  # same key -> same model
    key_codes = dst[0]
    r, f = _edges(block, pd.factorize(stem)[0])
    src.append(r)
    dst.append(f)
    if has_name:
        names = frame[name].astype("string").fillna(keys)
        r, f = _edges(block, pd.factorize(names.str.strip().str.lower())[0])
        src.append(r)
        dst.append(f)
    # nodes 0..n-1 are rows, n.. are keys (joins rows of one key across blocks)
    a = np.concatenate([src[0] + 0, *src[1:]])
    b = np.concatenate([key_codes + n, *dst[1:]])
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n + key_codes.max(initial=-1) + 1,) * 2)
    _, comp = connected_components(graph, directed=False)
    comp = comp[:n]
    out = frame.copy()
    id_stem = clean_key(keys, keep_thinking=True)
    work = pd.DataFrame({"comp": comp, "stem": id_stem.to_numpy(), "key": keys.to_numpy()})
    # model id: the most common cleaned key of the component (ties: shortest, then alphabetical)
    counts = work.groupby(["comp", "stem"], sort=False).size().rename("k").reset_index()
    counts["len"] = counts["stem"].str.len()
    counts = counts.sort_values(["comp", "k", "len", "stem"], ascending=[True, False, True, True])
    rep = counts.drop_duplicates("comp").set_index("comp")["stem"]
    base = rep.reindex(comp).to_numpy()
    comp_first = pd.DataFrame({"comp": comp, "base": base, "date": date_code, "value": vals})
    firsts = comp_first.drop_duplicates("comp").sort_values(["base", "date", "value", "comp"])
    rank = firsts.groupby("base").cumcount().to_numpy()
    ids = np.where(rank == 0, firsts["base"].to_numpy(), firsts["base"].to_numpy() + "~"
                   + (rank + 1).astype(str))
    id_of = pd.Series(ids, index=firsts["comp"].to_numpy())
    out["model_id"] = id_of.reindex(comp).to_numpy()
    if has_name:
        assert name is not None
        disp = frame[name].astype("string")
        fallback = pd.Series(base, index=frame.index)
        disp = disp.where(disp.notna() & (disp.str.strip() != ""), fallback)
    else:
        disp = pd.Series(base, index=frame.index, dtype="string")
    out["display_name"] = _most_common(out["model_id"].to_numpy(), disp.to_numpy()
                                       ).reindex(out["model_id"]).to_numpy()
    models = _model_table(out, key, date, value)
    return ModelIdentity(frame=out, models=models, n_keys=int(keys.nunique()),
                         n_models=int(out["model_id"].nunique()))


def _most_common(group: np.ndarray, value: np.ndarray) -> pd.Series:
    """Per group, its most common non-missing value (ties: the smallest), indexed by group."""
    pairs = pd.DataFrame({"group": group, "value": value}).dropna(subset=["value"])
    counts = pairs.groupby(["group", "value"]).size().rename("k").reset_index()
    counts = counts.sort_values(["group", "k", "value"], ascending=[True, False, True])
    return counts.drop_duplicates("group").set_index("group")["value"]


def _model_table(out: pd.DataFrame, key: str, date: str, value: str) -> pd.DataFrame:
    g = out.groupby("model_id", sort=True)
    pairs = (pd.DataFrame({"model_id": out["model_id"], "key": out[key].astype(str)})
             .drop_duplicates().sort_values(["model_id", "key"]))
    starts = np.flatnonzero(np.r_[True, pairs["model_id"].to_numpy()[1:]
                                  != pairs["model_id"].to_numpy()[:-1]])
    bounds = np.r_[starts, len(pairs)]
    key_list = pairs["key"].tolist()
    joined = pd.Series(["|".join(key_list[a:b]) for a, b in pairwise(bounds)],
                       index=pd.Index(pairs["model_id"].to_numpy()[starts], name="model_id"))
    return pd.DataFrame({
        "display_name": g["display_name"].first(),
        "date": g[date].min(),
        "value": g[value].max(),
        "n_keys": g[key].nunique(),
        "keys": joined,
    }).reset_index()
