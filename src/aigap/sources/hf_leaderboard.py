"""Hugging Face Open LLM Leaderboard: v2 ``contents`` table and v1 (2023) table scrapes.

v2 (source ``hf-open-llm``): the ``open-llm-leaderboard/contents`` dataset as the hub serves
it (parquet) or a CSV dump of it (a leading unnamed index column is ignored). One row per
evaluation (``eval_name``: repo + precision); the same repo can be evaluated more than once.
Normalised benchmark scores (0-100) are imported, not the ``Raw`` ones.

v1 (source ``hf-open-llm-v1``): daily scrapes of the 2023 leaderboard named ``YYYYMMDD.csv``
(Model, Average, ARC (25-shot), HellaSwag (10-shot), MMLU (5-shot), TruthfulQA (0-shot),
Parameters, URL). The scrapes' ``Parameters`` column is not a parameter count (it holds
values such as 100.0 for llama-65b) and is ignored.

Leaderboard rows are *uploads*: the namespace is whoever uploaded the repo, often not the
developer of the base model. ``organizations`` holds the uploader namespace; the base
model's repo id is kept in ``base_model`` so attribution can use either.

Flags needed for filters such as ``--official-only`` are encoded in ``score.setting`` as
``precision=bfloat16;official=true;merged=false;flagged=false;available=true``.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from aigap.errors import SchemaError
from aigap.sources.base import ParsedDataset, Source, SourceFile, register
from aigap.sources.readers import (
    check_range,
    find_column,
    import_day,
    max_date,
    missing_column,
    model_key,
    read_csv,
    to_numbers,
)

SOURCE_NAME = "Hugging Face Open LLM Leaderboard"
V2_URL = "https://huggingface.co/spaces/open-llm-leaderboard/open_llm_leaderboard"
V1_URL = "https://huggingface.co/spaces/HuggingFaceH4/open_llm_leaderboard"
CREDIT = (
    "Hugging Face Open LLM Leaderboard (Fourrier et al., 2024), "
    "huggingface.co/spaces/open-llm-leaderboard"
)
AVG_V2 = "hf_open_llm_v2_avg"
AVG_V1 = "hf_open_llm_v1_avg"

# v2 normalised benchmark columns -> metric suffix.
V2_BENCHMARKS: dict[str, str] = {
    "IFEval": "ifeval",
    "BBH": "bbh",
    "MATH Lvl 5": "math_lvl_5",
    "GPQA": "gpqa",
    "MUSR": "musr",
    "MMLU-PRO": "mmlu_pro",
}
# v1 benchmark column (as found by meaning) -> metric suffix.
V1_BENCHMARKS: dict[str, str] = {
    "ARC": "arc",
    "HellaSwag": "hellaswag",
    "MMLU": "mmlu",
    "TruthfulQA": "truthfulqa",
}


def _read_table(file: SourceFile) -> pd.DataFrame:
    """The contents table from parquet or CSV, without a dump's unnamed index column."""
    if file.data[:4] == b"PAR1":
        try:
            frame = pd.read_parquet(io.BytesIO(file.data))
        except Exception as exc:  # pyarrow raises several unrelated types
            raise SchemaError(f"cannot read as parquet: {exc}".splitlines()[0],
                              file=file.name) from exc
    else:
        frame = read_csv(file)
    first = str(frame.columns[0]) if len(frame.columns) else ""
    if first == "" or first.startswith("Unnamed: 0"):
        frame = frame.drop(columns=frame.columns[0])
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _text(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def _numbers(frame: pd.DataFrame, col: str, file: str) -> pd.Series:
    values = frame[col]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        out = values.astype("float64")
        inf = np.isinf(out.to_numpy())
        if inf.any():
            pos = int(inf.argmax())
            raise SchemaError(f"expected a finite number, got {out.iloc[pos]}", file=file,
                              row=pos + 2, column=col)
        return out
    return to_numbers(values.astype("string"), file=file, column=col)


def _points(frame: pd.DataFrame, col: str, file: str) -> pd.Series:
    """A leaderboard score column: finite numbers on the declared 0-100 scale."""
    values = _numbers(frame, col, file)
    check_range(values, lo=0.0, hi=100.0, file=file, column=col,
                what="a leaderboard score between 0 and 100")
    return values


def _name_date(text: str, file: str) -> date:
    """The snapshot date a file name carries (YYYYMMDD), between 2023 and the import day."""
    try:
        day = pd.Timestamp(text).date()
    except ValueError as exc:
        raise SchemaError(f"bad date {text!r} in file name", file=file) from exc
    if not date(2023, 1, 1) <= day <= import_day():
        raise SchemaError(f"snapshot date {day} in the file name is out of range; expected "
                          "a date between 2023-01-01 and the import day", file=file)
    return day


def _flags(frame: pd.DataFrame, col: str | None, file: str) -> pd.Series:
    """A boolean flag column (parquet bools or CSV True/False text) as 'true'/'false'/''."""
    if col is None:
        return pd.Series("", index=frame.index, dtype="string")
    values = frame[col]
    if pd.api.types.is_bool_dtype(values):
        flags = values.astype("boolean")
    else:
        text = values.astype("string").str.strip().str.lower()
        mapping = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False,
                   "1.0": True, "0.0": False}
        flags = text.map(mapping).astype("boolean")
        bad = flags.isna() & text.notna() & (text != "")
        if bad.any():
            pos = int(bad.to_numpy().argmax())
            raise SchemaError(f"expected True/False, got {values.iloc[pos]!r}", file=file,
                              row=pos + 2, column=col)
    return flags.map({True: "true", False: "false"}).astype("string").fillna("")


def _dates(frame: pd.DataFrame, col: str | None, file: str) -> pd.Series:
    if col is None:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    values = frame[col]
    if pd.api.types.is_datetime64_any_dtype(values):
        out = pd.to_datetime(values, utc=True).dt.tz_localize(None)
        return out.dt.normalize()
    text = _text(values)
    parsed = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna() & text.notna()
    if bad.any():
        pos = int(bad.to_numpy().argmax())
        raise SchemaError(f"expected a date like 2024-06-26, got {text.iloc[pos]!r}",
                          file=file, row=pos + 2, column=col)
    return parsed


def _namespace(repo_ids: pd.Series) -> pd.Series:
    """The namespace of ``namespace/name`` repo ids (<NA> when there is none)."""
    return repo_ids.astype("string").str.extract(r"^([^/]+)/", expand=False)


def _long_scores(base: pd.DataFrame, values: dict[str, pd.Series],
                 skipped: Counter[str]) -> pd.DataFrame:
    """Stack one score column per metric into score rows; blank scores are counted."""
    frames = []
    for metric, vals in values.items():
        blank = vals.isna()
        if blank.any():
            skipped[f"blank {metric} score"] += int(blank.sum())
        frames.append(base[~blank].assign(metric=metric, value=vals[~blank]))
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- v2


def parse_v2(file: SourceFile) -> list[ParsedDataset]:
    """Parse the v2 ``contents`` table (parquet or CSV) into model and score rows."""
    raw = _read_table(file)
    name = file.name
    full_col = find_column(raw, ["fullname"], file=name, required=True, meaning="repo id")
    eval_col = find_column(raw, ["eval_name"], file=name, required=True,
                           meaning="evaluation name")
    avg_col = find_column(raw, ["Average ⬆️", "Average"], file=name, required=True,
                          meaning="average score")
    assert full_col and eval_col and avg_col
    bench_cols = {
        suffix: find_column(raw, [col], file=name, required=True, meaning=f"{col} score")
        for col, suffix in V2_BENCHMARKS.items()
    }
    full = _text(raw[full_col])
    if full.isna().any():
        pos = int(full.isna().to_numpy().argmax())
        raise SchemaError("repo id is empty", file=name, row=pos + 2, column=full_col)
    namespace = _namespace(full)
    base_col = find_column(raw, ["Base Model"], file=name)
    base_model = _text(raw[base_col]) if base_col else pd.Series(pd.NA, index=raw.index,
                                                                dtype="string")
    params_col = find_column(raw, ["#Params (B)"], file=name)
    params = None
    if params_col:
        params = _numbers(raw, params_col, name)
        check_range(params, lo=0.0, hi=1e7, file=name, column=params_col,
                    what="billions of parameters between 0 and 1e7")
        params = params * 1e9
    upload = _dates(raw, find_column(raw, ["Upload To Hub Date"], file=name), name)
    submitted = _dates(raw, find_column(raw, ["Submission Date"], file=name), name)
    release = upload.fillna(submitted)
    precision_col = find_column(raw, ["Precision"], file=name)
    precision = (_text(raw[precision_col]).fillna("") if precision_col else
                 pd.Series("", index=raw.index, dtype="string"))
    setting = (
        "precision=" + precision
        + ";official=" + _flags(raw, find_column(raw, ["Official Providers"], file=name), name)
        + ";merged=" + _flags(raw, find_column(raw, ["Merged"], file=name), name)
        + ";flagged=" + _flags(raw, find_column(raw, ["Flagged"], file=name), name)
        + ";available=" + _flags(raw, find_column(raw, ["Available on the hub"], file=name),
                                 name)
    )
    keys = model_key(full)
    orgs = namespace.map(lambda n: [] if pd.isna(n) else [str(n)])
    avg = _points(raw, avg_col, name)

    model = pd.DataFrame({
        "model_key": keys, "name": full, "organizations": orgs,
        "countries": [[] for _ in range(len(raw))],
        "release_date": release, "open_weights": True,
        "parameters": params, "base_model": base_model, "hf_developer": namespace,
        "source_url": "https://huggingface.co/" + full,
        "_avg": avg,
    })
    skipped: Counter[str] = Counter()
    model = model.sort_values("_avg", ascending=False, na_position="last", kind="stable")
    dup = model["model_key"].duplicated(keep="first")
    if dup.any():
        skipped["model row for a repo evaluated more than once (best average kept)"] += int(
            dup.sum())
    model = model[~dup].sort_index().drop(columns="_avg").reset_index(drop=True)

    base = pd.DataFrame({
        "model_key": keys, "model_version": _text(raw[eval_col]), "model_name": full,
        "scale": "points", "setting": setting, "provenance": "leaderboard",
        "source_name": SOURCE_NAME, "source_url": V2_URL, "release_date": release,
        "organizations": orgs, "open_weights": True, "observed_on": submitted,
    })
    values = {AVG_V2: avg}
    for suffix, col in bench_cols.items():
        assert col is not None
        values[f"hf_open_llm_v2:{suffix}"] = _points(raw, col, name)
    score = _long_scores(base, values, skipped)
    return [ParsedDataset(source="hf-open-llm", dataset="contents", file=file,
                          frames={"model": model, "score": score},
                          data_as_of=max_date(submitted, upload), skipped=skipped)]


# --------------------------------------------------------------------------- v1


def parse_v1(file: SourceFile) -> list[ParsedDataset]:
    """Parse a v1 leaderboard scrape ``YYYYMMDD.csv`` (four benchmarks and the average)."""
    match = re.search(r"(\d{8})", file.basename)
    if match is None:
        raise SchemaError("file name has no snapshot date; expected a name like 20230915.csv",
                          file=file.name)
    as_of = _name_date(match.group(1), file.name)
    raw = read_csv(file)
    name = file.name
    if raw.empty:
        raise SchemaError("the scrape has a header but no rows; a leaderboard day without "
                          "models is not imported", file=name)
    model_col = find_column(raw, ["Model"], file=name, required=True, meaning="model repo id")
    avg_col = find_column(raw, ["Average"], file=name, required=True, meaning="average")
    assert model_col and avg_col
    bench: dict[str, tuple[str, str | None]] = {}
    for label, suffix in V1_BENCHMARKS.items():
        # The whole header must be the benchmark, optionally with its shots: "MMLU (5-shot)"
        # is MMLU, "MMLU-Pro" is not.
        hits = [c for c in raw.columns
                if re.fullmatch(rf"\s*{label}\s*(\([^)]*\))?\s*", c, flags=re.IGNORECASE)]
        if not hits:
            raise missing_column([label], raw.columns, file=name, meaning=f"{label} scores")
        if len(hits) > 1:
            raise SchemaError(f"{len(hits)} columns could be {label}: {hits}; cannot tell "
                              "which one to read", file=name, row=1, column=hits[1])
        shot = re.search(r"\(([^)]*shot[^)]*)\)", hits[0], flags=re.IGNORECASE)
        bench[suffix] = (hits[0], shot.group(1).strip() if shot else None)
    url_col = find_column(raw, ["URL", "Link"], file=name)

    models = _text(raw[model_col])
    if models.isna().any():
        pos = int(models.isna().to_numpy().argmax())
        raise SchemaError("model repo id is empty", file=name, row=pos + 2, column=model_col)
    keys = model_key(models)
    namespace = _namespace(models)
    orgs = namespace.map(lambda n: [] if pd.isna(n) else [str(n)])
    avg = _points(raw, avg_col, name)
    scores = {suffix: _points(raw, col, name) for suffix, (col, _) in bench.items()}
    url = _text(raw[url_col]) if url_col else pd.Series(pd.NA, index=raw.index, dtype="string")
    url = url.fillna(("https://huggingface.co/" + models).where(namespace.notna(), pd.NA))

    skipped: Counter[str] = Counter()
    order = avg.sort_values(ascending=False, na_position="last", kind="stable").index
    dup = keys.loc[order].duplicated(keep="first")
    keep = pd.Series(True, index=raw.index)
    keep.loc[dup[dup].index] = False
    if dup.any():
        skipped["repo listed more than once (best average kept)"] += int(dup.sum())

    stamp = pd.Timestamp(as_of)
    model = pd.DataFrame({
        "model_key": keys, "name": models, "organizations": orgs,
        "countries": [[] for _ in range(len(raw))], "open_weights": True,
        "hf_developer": namespace, "source_url": url, "last_modified": stamp,
    })[keep].reset_index(drop=True)
    base = pd.DataFrame({
        "model_key": keys, "model_version": models, "model_name": models, "scale": "points",
        "provenance": "leaderboard", "source_name": SOURCE_NAME, "source_url": V1_URL,
        "organizations": orgs, "open_weights": True, "observed_on": stamp,
    })[keep]
    frames = [base.assign(metric=AVG_V1, value=avg[keep], setting=None)]
    for suffix, (_, shot_setting) in bench.items():
        frames.append(base.assign(metric=f"hf_open_llm_v1:{suffix}",
                                  value=scores[suffix][keep], setting=shot_setting))
    score = pd.concat(frames, ignore_index=True)
    blank = score["value"].isna()
    if blank.any():
        for metric, n in score.loc[blank, "metric"].value_counts().items():
            skipped[f"blank {metric} score"] += int(n)
        score = score[~blank].reset_index(drop=True)
    return [ParsedDataset(source="hf-open-llm-v1", dataset="leaderboard_v1", file=file,
                          frames={"model": model, "score": score}, data_as_of=as_of,
                          skipped=skipped)]


# The ranking is an analysis, kept importable from here for existing callers.


def combine(datasets: Sequence[ParsedDataset], table: str) -> pd.DataFrame:
    """Concatenate one canonical table over several parsed datasets (helper for callers)."""
    frames = [d.frames[table] for d in datasets if table in d.frames]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


register(Source(
    name="hf-open-llm",
    publisher="Hugging Face",
    title="Open LLM Leaderboard v2 (contents table)",
    homepage=V2_URL,
    licence="No licence stated on the contents dataset; cite the leaderboard",
    credit=CREDIT,
    urls=(),
    patterns=("*open*llm*leaderboard*.parquet", "*open*llm*leaderboard*.csv", "contents*.csv",
              "contents*.parquet"),
    header=("eval_name", "fullname"),
    parse=parse_v2,
))
register(Source(
    name="hf-open-llm-v1",
    publisher="Hugging Face",
    title="Open LLM Leaderboard v1 (2023 table scrapes)",
    homepage=V1_URL,
    licence="No licence stated; scrapes by dsdanielpark/open-llm-leaderboard-report",
    credit="Hugging Face Open LLM Leaderboard v1 (Beeching et al., 2023)",
    urls=(),
    patterns=("[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9].csv",),
    header=("Model", "Average", "HellaSwag", "TruthfulQA"),
    parse=parse_v1,
    dated_by_file=True,
))
