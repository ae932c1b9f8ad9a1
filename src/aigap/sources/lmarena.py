"""LMArena (Chatbot Arena): rating history, arena-catalog snapshots and leaderboard tables.

Three file families, three sources:

- ``lmarena-history``: a wide CSV, one row per leaderboard date (``YYYYMMDD`` in the first,
  unnamed column) and one column per arena model key; the text-arena overall rating.
  Blank cells and ``0.0`` (the publisher's export writes 0.0 for "not on the leaderboard that
  date"; no real arena rating is 0) are not scores and are not counted as skips.
- ``lmarena-catalog``: ``leaderboard-text_<YYYY-MM-DD>_<hash>.json`` snapshots of
  https://github.com/lmarena/arena-catalog, ``{category: {model_key: {rating, rating_q025,
  rating_q975}}}``.
- ``lmarena-tables``: ``leaderboard_table_YYYYMMDD.csv`` from the leaderboard's Hugging Face
  Space: display name, organisation, licence, MMLU and MT-bench per arena key. Their
  "Arena Elo rating" column (2023 tables only) is not imported: the rating history covers
  those dates under the arena's own keys.

Arena ratings measure human chat preference (pairwise votes), not task accuracy.
Model keys are normalised with :func:`aigap.sources.readers.model_key` (lower case); the
arena's own spelling is kept in ``score.model_version``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd

from aigap.errors import SchemaError, SourceError
from aigap.sources.base import ParsedDataset, Source, SourceFile, register
from aigap.sources.readers import (
    check_range,
    drop_duplicates,
    find_column,
    import_day,
    model_key,
    read_csv,
    to_numbers,
)

PUBLISHER = "LMArena"
SOURCE_NAME = "LMArena"
HOMEPAGE = "https://lmarena.ai/leaderboard"
SPACE_URL = "https://huggingface.co/spaces/lmarena-ai/chatbot-arena-leaderboard"
CATALOG_URL = "https://github.com/lmarena/arena-catalog"
CREDIT = (
    "LMArena (formerly LMSYS Chatbot Arena), lmarena.ai; Chiang et al., "
    "'Chatbot Arena: An Open Platform for Evaluating LLMs by Human Preference' (2024)"
)
ARENA_METRIC = "arena_text"
#: Declared range of an arena rating (Elo-style scores sit around 800-1500).
RATING_MIN, RATING_MAX = 100.0, 4000.0
#: Largest catalog snapshot read (the real ones are a few hundred kilobytes).
MAX_JSON_BYTES = 256 * 1024 * 1024

# Licence labels in the leaderboard tables -> open weights. Lower-cased, whitespace-collapsed.
# "Non-commercial" and research licences still publish weights, so they count as open.
CLOSED_LICENCES = frozenset({"proprietary", "propretary", "closed", "api"})
UNKNOWN_LICENCES = frozenset({"", "-", "other", "unknown", "n/a", "na"})
OPEN_LICENCE_PATTERN = re.compile(
    r"apache|\bmit\b|llama|gemma|qwen|qianwen|deepseek|\byi\b|falcon|cc-by|cc by|creative"
    r"|non-commercial|noncommercial|research|\bmrl\b|dbrx|jamba|nvidia open|cogvlm|impact"
    r"|nexusflow|openrail|\bgpl\b|\bbsd\b",
)


def licence_open_weights(licences: pd.Series) -> pd.Series:
    """Open weights (True/False/<NA>) from the tables' ``License`` labels.

    ``Proprietary`` (and its misspelling ``Propretary``) -> False; a recognised open or
    research licence (Apache 2.0, MIT, Llama * Community, Gemma, Qwen/Qianwen, DeepSeek, Yi,
    CC-BY*, Non-commercial, Mistral Research (MRL), DBRX, Jamba Open, NVIDIA Open Model,
    CogVLM2, AI2 ImpACT, NexusFlow, OpenRAIL, GPL, BSD) -> True; ``Other``, ``-`` and
    anything unrecognised -> <NA> (unknown), never guessed.
    """
    text = (
        licences.astype("string").fillna("").str.strip().str.lower()
        .str.replace(r"\s+", " ", regex=True)
    )
    out = pd.Series(pd.NA, index=licences.index, dtype="boolean")
    out[text.str.contains(OPEN_LICENCE_PATTERN, na=False)] = True
    out[text.isin(CLOSED_LICENCES)] = False
    out[text.isin(UNKNOWN_LICENCES)] = pd.NA
    return out


def _date_in_name(file: SourceFile, pattern: str, fmt: str) -> date:
    match = re.search(pattern, file.basename)
    if match is None:
        raise SchemaError(
            f"file name has no snapshot date; expected a name like {fmt}", file=file.name
        )
    try:
        day = pd.Timestamp(match.group(1)).date()
    except ValueError as exc:
        raise SchemaError(f"bad date {match.group(1)!r} in file name", file=file.name) from exc
    if not date(2023, 1, 1) <= day <= import_day():
        raise SchemaError(f"snapshot date {day} in the file name is out of range; expected "
                          "a date between 2023-01-01 and the import day", file=file.name)
    return day


# --------------------------------------------------------------------------- history


def parse_history(file: SourceFile) -> list[ParsedDataset]:
    """Parse the wide rating-history CSV into ``arena_text`` score rows."""
    wide = read_csv(file)
    if wide.shape[1] < 2:
        raise SchemaError("expected a date column followed by one column per model key",
                          file=file.name)
    date_col = wide.columns[0]
    text = wide[date_col].astype("string").str.strip()
    compact = text.str.fullmatch(r"\d{8}").fillna(False)
    dashed = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False)
    dates = pd.to_datetime(text.where(compact), format="%Y%m%d", errors="coerce")
    iso = pd.to_datetime(text.where(dashed), format="%Y-%m-%d", errors="coerce")
    dates = dates.fillna(iso)
    dates = dates.mask((dates < pd.Timestamp("2023-01-01"))
                       | (dates > pd.Timestamp(import_day())))
    if dates.isna().any():
        pos = int(dates.isna().to_numpy().argmax())
        raise SchemaError(f"expected a date like 20240520 between 2023 and the import day, "
                          f"got {text.iloc[pos]!r}",
                          file=file.name, row=pos + 2, column=date_col or "(date)")
    keys = [c for c in wide.columns[1:]]
    long = wide[keys].copy()
    long.columns = pd.RangeIndex(len(keys))
    stacked = pd.Series(long.stack(future_stack=True))
    stacked = stacked[stacked.notna()]
    rows = stacked.index.get_level_values(0).to_numpy()
    cols = stacked.index.get_level_values(1).to_numpy()
    text = stacked.astype("string").str.strip()
    ok = text.str.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?").fillna(False)
    values = pd.to_numeric(text.where(ok), errors="coerce")
    # 0.0 means "not on the leaderboard that date"; any other rating must be plausible.
    bad = (values.isna() | ~((values == 0) | values.between(RATING_MIN, RATING_MAX))
           ).to_numpy(dtype=bool)
    if bad.any():
        pos = int(bad.argmax())
        raise SchemaError(f"expected a rating between {RATING_MIN:g} and {RATING_MAX:g} "
                          f"(or 0 for not rated), got {stacked.iloc[pos]!r}", file=file.name,
                          row=int(rows[pos]) + 2, column=keys[int(cols[pos])])
    rated = (values != 0).to_numpy()
    key_arr = pd.Series(keys, dtype="string")
    versions = key_arr.iloc[cols[rated]].reset_index(drop=True)
    score = pd.DataFrame({
        "model_key": model_key(versions),
        "model_version": versions,
        "model_name": versions,
        "metric": ARENA_METRIC,
        "value": values.to_numpy()[rated],
        "scale": "rating",
        "provenance": "leaderboard",
        "source_name": SOURCE_NAME,
        "source_url": SPACE_URL,
        "observed_on": dates.to_numpy()[rows[rated]],
    })
    as_of = None if dates.empty else dates.max().date()
    return [ParsedDataset(source="lmarena-history", dataset="arena_text_history", file=file,
                          frames={"score": score}, data_as_of=as_of)]


# --------------------------------------------------------------------------- catalog


class _Obj(dict[str, Any]):
    """A JSON object that remembers keys listed more than once (first value kept)."""

    dups: list[tuple[str, Any, Any]]


def _pairs(pairs: list[tuple[str, Any]]) -> _Obj:
    obj = _Obj()
    obj.dups = []
    for k, v in pairs:
        if k in obj:
            obj.dups.append((k, obj[k], v))
        else:
            obj[k] = v
    return obj


def _num(value: Any, *, file: str, where: str, required: bool) -> float | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemaError(f"{where}: expected a number, got {value!r}", file=file)
    out = float(value)
    if not math.isfinite(out) or not RATING_MIN <= out <= RATING_MAX:
        raise SchemaError(f"{where}: expected a rating between {RATING_MIN:g} and "
                          f"{RATING_MAX:g}, got {value!r}", file=file)
    return out


def _catalog_date(file: SourceFile) -> date:
    """The snapshot date: from a dated name (``leaderboard-text_2025-04-07_<hash>.json``), or
    the import day for the file as the publisher names it (``leaderboard-text.json``)."""
    if re.search(r"\d{4}-\d{2}-\d{2}", file.basename):
        return _date_in_name(file, r"(\d{4}-\d{2}-\d{2})",
                             "leaderboard-text_2025-04-07_f973ec23.json")
    if file.basename.lower() == "leaderboard-text.json":
        return import_day()
    raise SchemaError("file name has no snapshot date; expected leaderboard-text.json (dated "
                      "by the import day) or a name like "
                      "leaderboard-text_2025-04-07_f973ec23.json", file=file.name)


def parse_catalog(file: SourceFile) -> list[ParsedDataset]:
    """Parse one arena-catalog ``leaderboard-text_<date>_<hash>.json`` snapshot."""
    observed = _catalog_date(file)
    if len(file.data) > MAX_JSON_BYTES:
        raise SourceError(f"{file.name}: {len(file.data)} bytes, more than the "
                          f"{MAX_JSON_BYTES} a catalog snapshot may have")
    try:
        doc = json.loads(file.data.decode("utf-8-sig"), object_pairs_hook=_pairs)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SchemaError(f"not readable JSON: {exc}", file=file.name) from exc
    except RecursionError as exc:
        raise SchemaError("not a catalog snapshot: JSON nested too deeply",
                          file=file.name) from exc
    if not isinstance(doc, dict):
        raise SchemaError("expected a JSON object of categories at the top level",
                          file=file.name)
    skipped: Counter[str] = Counter()
    for cat, first, second in getattr(doc, "dups", []):
        if first != second:
            raise SchemaError(f"category {cat!r} is listed twice with different contents",
                              file=file.name)
        skipped["category listed twice (identical)"] += 1
    records: list[tuple[str, str, float | None, float | None, float | None]] = []
    for cat, models in doc.items():
        if not isinstance(models, dict):
            raise SchemaError(f"category {cat!r}: expected an object of model keys, got "
                              f"{type(models).__name__}", file=file.name)
        for key, first, second in getattr(models, "dups", []):
            if first != second:
                raise SchemaError(f"category {cat!r}, model {key!r}: listed twice with "
                                  f"different ratings", file=file.name)
            skipped["model key listed twice in a category (identical)"] += 1
        for key, entry in models.items():
            where = f"category {cat!r}, model {key!r}"
            if not isinstance(entry, dict):
                raise SchemaError(f"{where}: expected an object with 'rating'", file=file.name)
            records.append((
                str(cat), str(key),
                _num(entry.get("rating"), file=file.name, where=f"{where}, field 'rating'",
                     required=True),
                _num(entry.get("rating_q025"), file=file.name,
                     where=f"{where}, field 'rating_q025'", required=False),
                _num(entry.get("rating_q975"), file=file.name,
                     where=f"{where}, field 'rating_q975'", required=False),
            ))
    frame = pd.DataFrame(records, columns=["category", "key", "value", "lower", "upper"])
    lo, hi, v = (frame[c].astype("float64") for c in ("lower", "upper", "value"))
    inverted = ((lo > v) | (v > hi)).to_numpy(dtype=bool)
    if inverted.any():
        pos = int(inverted.argmax())
        raise SchemaError(f"category {frame['category'].iloc[pos]!r}, model "
                          f"{frame['key'].iloc[pos]!r}: the interval [{lo.iloc[pos]:g}, "
                          f"{hi.iloc[pos]:g}] does not contain the rating {v.iloc[pos]:g}",
                          file=file.name)
    versions = frame["key"].astype("string")
    metric = ARENA_METRIC + (":" + frame["category"]).where(frame["category"] != "full", "")
    score = pd.DataFrame({
        "model_key": model_key(versions),
        "model_version": versions,
        "model_name": versions,
        "metric": metric,
        "value": frame["value"].astype("float64"),
        "lower": frame["lower"].astype("float64"),
        "upper": frame["upper"].astype("float64"),
        "scale": "rating",
        "provenance": "leaderboard",
        "source_name": SOURCE_NAME,
        "source_url": CATALOG_URL,
        "observed_on": pd.Timestamp(observed),
    })
    return [ParsedDataset(source="lmarena-catalog", dataset=f"arena_catalog_{observed}",
                          file=file, frames={"score": score}, data_as_of=observed,
                          skipped=skipped)]


def catalog_categories(score: pd.DataFrame) -> list[str]:
    """Categories present in catalog score rows (``full`` for the plain ``arena_text``)."""
    metrics = score["metric"].astype("string")
    cats = metrics.str.partition(":")[2].replace("", "full")
    return sorted(cats[metrics.str.startswith(ARENA_METRIC)].unique().tolist())


# --------------------------------------------------------------------------- tables


def _setting(column: str) -> str | None:
    """The evaluation setting a column header states, e.g. ``MMLU (5-shot)`` -> ``5-shot``."""
    match = re.search(r"\(([^)]*shot[^)]*)\)", column, flags=re.IGNORECASE)
    return match.group(1).strip() if match else None


def _mmlu(values: pd.Series, file: str, column: str) -> pd.Series:
    """MMLU as a 0-1 fraction, the scale the tables publish.

    A table written wholly in percent (every value above 1, none above 100) is read as
    percent; a table mixing the two, or with a value outside 0-100, is refused naming the
    row: one cell never decides the scale of the others.
    """
    check_range(values, lo=0.0, hi=100.0, file=file, column=column,
                what="an MMLU accuracy (0-1, or 0-100 for a table in percent)")
    present = values.notna().to_numpy(dtype=bool)
    above = present & (values > 1.0).to_numpy(dtype=bool)
    if not above.any():
        return values
    if above[present].all():
        return values / 100.0
    below = int((present & ~above).argmax())
    first = int(above.argmax())
    raise SchemaError(f"MMLU mixes fractions (row {below + 2}: {values.iloc[below]:g}) and "
                      f"percentages (row {first + 2}: {values.iloc[first]:g}); expected one "
                      "scale for the whole column", file=file, row=first + 2, column=column)


def parse_table(file: SourceFile) -> list[ParsedDataset]:
    """Parse ``leaderboard_table_YYYYMMDD.csv`` into model rows plus MMLU/MT-bench scores."""
    as_of = _date_in_name(file, r"(\d{8})", "leaderboard_table_20240520.csv")
    raw = read_csv(file)
    name_col = find_column(raw, ["Model"], file=file.name, required=True, meaning="model name")
    assert name_col is not None
    key_col = find_column(raw, ["key"], file=file.name)
    org_col = find_column(raw, ["Organization", "Organisation"], file=file.name)
    lic_col = find_column(raw, ["License", "Licence"], file=file.name, required=True,
                          meaning="licence")
    assert lic_col is not None
    mmlu_col = find_column(raw, ["MMLU"], file=file.name)
    mt_col = find_column(raw, ["MT-bench (score)", "MT-bench"], file=file.name)

    names = raw[name_col].astype("string").str.strip()
    versions = (raw[key_col].astype("string").str.strip() if key_col else names)
    blank = versions.isna() | (versions == "")
    if blank.any():
        pos = int(blank.to_numpy().argmax())
        raise SchemaError("model key is empty", file=file.name, row=pos + 2,
                          column=key_col or name_col)
    keys = model_key(versions)
    orgs = (raw[org_col].astype("string").str.strip() if org_col else
            pd.Series(pd.NA, index=raw.index, dtype="string"))
    org_lists = orgs.map(lambda o: [] if pd.isna(o) or o in ("", "-") else [str(o)])
    stamp = pd.Timestamp(as_of)

    def _na_dash(col: str) -> pd.Series:
        text = raw[col].astype("string").str.strip()
        return text.mask(text == "-")

    skipped: Counter[str] = Counter()
    model = pd.DataFrame({
        "model_key": keys, "name": names, "organizations": org_lists,
        "countries": [[] for _ in range(len(raw))],
        "release_date": pd.NaT,
        "open_weights": licence_open_weights(raw[lic_col]),
        "accessibility": raw[lic_col].astype("string").str.strip(),
        "source_url": SPACE_URL,
        "last_modified": stamp,
    })
    dup = keys.duplicated(keep="first").to_numpy()
    if dup.any():
        # A key listed twice must be the same row twice (dropped, counted); a key with two
        # different rows (e.g. two MMLU values) is refused, naming both rows.
        values = raw.drop(columns=[c for c in raw.columns if c.startswith("Unnamed")])
        _, n = drop_duplicates(values.assign(_key=keys), ["_key"], file=file.name,
                               compare=list(values.columns), what="model key")
        skipped["duplicate key, identical row"] += n
    keep = ~dup

    frames: list[pd.DataFrame] = []
    base = {"model_key": keys, "model_version": versions, "model_name": names,
            "provenance": "leaderboard", "source_name": SOURCE_NAME, "source_url": SPACE_URL,
            "organizations": org_lists, "observed_on": stamp}
    if mmlu_col:
        mmlu = _mmlu(to_numbers(_na_dash(mmlu_col), file=file.name, column=mmlu_col),
                     file.name, mmlu_col)
        frames.append(pd.DataFrame({**base, "metric": "mmlu", "value": mmlu,
                                    "scale": "fraction", "setting": _setting(mmlu_col)}))
    if mt_col:
        mt = to_numbers(_na_dash(mt_col), file=file.name, column=mt_col)
        check_range(mt, lo=0.0, hi=10.0, file=file.name, column=mt_col,
                    what="an MT-bench score between 0 and 10")
        frames.append(pd.DataFrame({**base, "metric": "mt_bench", "value": mt,
                                    "scale": "points"}))
    if frames:
        score = pd.concat([f[keep] for f in frames], ignore_index=True)
        score = score[score["value"].notna()].reset_index(drop=True)
    else:
        score = pd.DataFrame(columns=["model_key", "metric", "value"])
    return [ParsedDataset(source="lmarena-tables", dataset=f"leaderboard_table_{as_of}",
                          file=file,
                          frames={"model": model[keep].reset_index(drop=True),
                                  "score": score},
                          data_as_of=as_of, skipped=skipped)]


# --------------------------------------------------------------------------- key mapping


def arena_key_organizations(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Arena model key -> organisation, from leaderboard-table model frames.

    The latest table wins: rows are ordered by ``last_modified`` (the table's date; frames
    without it count as older, in the order given) and the newest non-empty organisation
    of each key is kept.

    Returns:
        DataFrame with columns ``model_key``, ``organization``, ``table_date``.
    """
    parts = []
    for order, frame in enumerate(tables):
        if frame.empty:
            continue
        orgs = frame["organizations"].astype("object").str[0]
        stamp = (pd.to_datetime(frame["last_modified"]) if "last_modified" in frame
                 else pd.Series(pd.NaT, index=frame.index))
        parts.append(pd.DataFrame({"model_key": frame["model_key"].astype("string"),
                                   "organization": orgs.astype("string"),
                                   "table_date": stamp, "_order": order}))
    if not parts:
        return pd.DataFrame({"model_key": pd.Series(dtype="string"),
                             "organization": pd.Series(dtype="string"),
                             "table_date": pd.Series(dtype="datetime64[ns]")})
    allrows = pd.concat(parts, ignore_index=True)
    allrows = allrows[allrows["organization"].notna() & (allrows["organization"] != "")]
    allrows = allrows.sort_values(["table_date", "_order"], na_position="first", kind="stable")
    latest = allrows.drop_duplicates("model_key", keep="last")
    return (latest.drop(columns="_order").sort_values("model_key")
            .reset_index(drop=True))


def unmapped_keys(score_frame: pd.DataFrame, key_org_frame: pd.DataFrame) -> pd.DataFrame:
    """Model keys that have scores but no organisation in ``key_org_frame``.

    Returns:
        DataFrame with ``model_key``, ``model_version`` (one spelling seen), ``n_scores``,
        ``first_observed``, ``last_observed``; most recently seen first.
    """
    known = set(key_org_frame["model_key"].astype("string").dropna())
    scores = score_frame.assign(
        model_key=score_frame["model_key"].astype("string"),
        observed_on=(pd.to_datetime(score_frame["observed_on"]) if "observed_on" in score_frame
                     else pd.Series(pd.NaT, index=score_frame.index)),
    )
    if "model_version" not in scores:
        scores["model_version"] = scores["model_key"]
    missing = scores[~scores["model_key"].isin(known)]
    out = missing.groupby("model_key", as_index=False).agg(
        model_version=("model_version", "first"),
        n_scores=("value", "size"),
        first_observed=("observed_on", "min"),
        last_observed=("observed_on", "max"),
    )
    return out.sort_values(["last_observed", "model_key"], ascending=[False, True],
                           na_position="last").reset_index(drop=True)


register(Source(
    name="lmarena-history",
    publisher=PUBLISHER,
    title="Text arena overall rating history (wide table by date)",
    homepage=HOMEPAGE,
    licence="Derived table (MIT, nakasyou/lmarena-history) from LMArena's published ratings",
    credit=CREDIT,
    urls=(),
    patterns=("*elo*by_date*.csv", "arena_text*history*.csv", "*elo*history*.csv"),
    parse=parse_history,
))
register(Source(
    name="lmarena-catalog",
    publisher=PUBLISHER,
    title="Arena catalog text leaderboard snapshots (ratings with 95% intervals by category)",
    homepage=CATALOG_URL,
    licence="No licence stated (github.com/lmarena/arena-catalog)",
    credit=CREDIT,
    urls=(),
    patterns=("leaderboard-text_*.json", "leaderboard-text.json"),
    parse=parse_catalog,
    dated_by_file=True,
))
register(Source(
    name="lmarena-tables",
    publisher=PUBLISHER,
    title="Chatbot Arena leaderboard tables (organisation, licence, MMLU, MT-bench)",
    homepage=SPACE_URL,
    licence="Space card: Apache-2.0; no separate data licence stated",
    credit=CREDIT,
    urls=(),
    patterns=("leaderboard_table_*.csv",),
    header=("Model", "License"),
    parse=parse_table,
    dated_by_file=True,
))
