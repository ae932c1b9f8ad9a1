"""The bundled starter dataset: curated models, self-reported scores and indicator figures.

Three small CSV files ship inside the package (``aigap/data/starter``) so that aigap gives a
real answer on a machine with no network. Every row carries a primary-source URL and the
date it was checked. This module turns them into canonical frames (:mod:`aigap.schema`)
and registers the source ``starter``.

Validation is strict because the files are edited by hand: an unknown model in
``scores.csv``, a value outside [0, 1], a bad date, an unknown country code or a missing
source URL is a :class:`~aigap.errors.SchemaError` naming the file, row and column.
"""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from aigap.errors import SchemaError
from aigap.schema import conform
from aigap.sources.base import ParsedDataset, Source, SourceFile, register
from aigap.sources.readers import (
    header_of,
    max_date,
    model_key,
    read_csv,
    to_bools,
    to_dates,
    to_numbers,
)

SOURCE_NAME = "starter"
FILES = ("models.csv", "scores.csv", "indicators.csv")
METRICS = frozenset({"mmlu", "gpqa_diamond", "math", "math_500", "humaneval", "ceval", "cmmlu"})
# Region codes allowed in indicators.csv besides ISO 3166 alpha-3 country codes.
REGIONS = frozenset({"WLD"})

MODEL_COLUMNS = (
    "model", "organization", "country", "release_date", "open_weights", "parameters",
    "training_compute_flop", "source_url", "accessed", "notes",
)
SCORE_COLUMNS = ("model", "metric", "value", "setting", "source_url", "accessed", "notes")
INDICATOR_COLUMNS = (
    "indicator_id", "country", "date", "value", "unit", "label", "source_name", "source_url",
    "accessed", "note",
)

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def starter_files() -> list[SourceFile]:
    """The packaged starter files (models, scores, indicators), read with importlib.resources.

    The lead's ingest code feeds these to :func:`parse` (or :func:`parse_all`).
    """
    folder = resources.files("aigap").joinpath("data", "starter")
    out = []
    for name in FILES:
        res = folder.joinpath(name)
        out.append(SourceFile(name=name, data=res.read_bytes(), url=None,
                              path=Path(str(res))))
    return out


def load_starter() -> list[ParsedDataset]:
    """Parse the packaged starter files into three datasets (models, scores, indicators)."""
    return parse_all(*starter_files())


def parse_all(
    models: SourceFile, scores: SourceFile, indicators: SourceFile
) -> list[ParsedDataset]:
    """Parse the three starter files; scores are checked against and enriched from models.

    Returns:
        ``starter_models``, ``starter_scores`` and ``starter_indicators`` datasets.

    Raises:
        SchemaError: naming the file, row and column of the first bad value.
    """
    model_frame, model_as_of = _parse_models(models)
    score_frame, score_as_of = _parse_scores(scores, model_frame)
    indicator_frame, ind_as_of = _parse_indicators(indicators)
    return [
        ParsedDataset(SOURCE_NAME, "starter_models", models,
                      {"model": conform("model", model_frame, file=models.name)}, model_as_of),
        ParsedDataset(SOURCE_NAME, "starter_scores", scores,
                      {"score": conform("score", score_frame, file=scores.name)}, score_as_of),
        ParsedDataset(SOURCE_NAME, "starter_indicators", indicators,
                      {"indicator": conform("indicator", indicator_frame,
                                            file=indicators.name)}, ind_as_of),
    ]


def parse(file: SourceFile) -> list[ParsedDataset]:
    """Registry parser: one starter file in, its one dataset out.

    ``scores.csv`` needs the models it refers to: they are read from ``models.csv`` next to
    it when the file has a local path, else from the packaged copy.

    Raises:
        SchemaError: the file is not one of the starter files, or a value is bad.
    """
    base = file.basename.lower()
    if base not in FILES:
        raise SchemaError(f"not a starter file; expected one of {list(FILES)}", file=file.name)
    if base == "models.csv":
        frame, as_of = _parse_models(file)
        return [ParsedDataset(SOURCE_NAME, "starter_models", file,
                              {"model": conform("model", frame, file=file.name)}, as_of)]
    if base == "indicators.csv":
        frame, as_of = _parse_indicators(file)
        return [ParsedDataset(SOURCE_NAME, "starter_indicators", file,
                              {"indicator": conform("indicator", frame, file=file.name)}, as_of)]
    sibling = file.path.with_name("models.csv") if file.path is not None else None
    if sibling is not None and sibling.is_file():
        models = SourceFile.from_path(sibling)
    else:
        models = starter_files()[0]
    model_frame, _ = _parse_models(models)
    frame, as_of = _parse_scores(file, model_frame)
    return [ParsedDataset(SOURCE_NAME, "starter_scores", file,
                          {"score": conform("score", frame, file=file.name)}, as_of)]


# --- helpers ------------------------------------------------------------------------------


def _read(file: SourceFile, columns: tuple[str, ...]) -> pd.DataFrame:
    """Read a starter CSV and check that its header has exactly the expected columns."""
    header = header_of(file)
    missing = [c for c in columns if c not in header]
    if missing:
        raise SchemaError(f"missing column(s) {missing}; expected header {list(columns)}",
                          file=file.name, row=1, column=missing[0])
    extra = [c for c in header if c not in columns]
    if extra:
        raise SchemaError(f"unexpected column(s) {extra}; expected header {list(columns)}",
                          file=file.name, row=1, column=extra[0])
    frame = read_csv(file)
    for col in frame.columns:
        frame[col] = frame[col].astype("string").str.strip()
    return frame


def _first_bad(mask: pd.Series) -> int:
    """Spreadsheet row of the first True in ``mask`` (header is row 1)."""
    return int(mask.to_numpy().argmax()) + 2


def _require(frame: pd.DataFrame, columns: tuple[str, ...], file: str) -> None:
    """Every listed column must be filled in on every row."""
    for col in columns:
        empty = frame[col].isna() | (frame[col] == "")
        if empty.any():
            raise SchemaError(f"{col} is empty; every row needs one", file=file,
                              row=_first_bad(empty), column=col)


def _iso_dates(values: pd.Series, *, file: str, column: str) -> pd.Series:
    """Parse a column of YYYY-MM-DD dates (blanks allowed; the caller requires them)."""
    text = values.astype("string")
    bad = text.notna() & ~text.fillna("").str.match(_ISO_DAY)
    if bad.any():
        pos = _first_bad(bad)
        raise SchemaError(f"expected a date like 2024-05-13, got {text.iloc[pos - 2]!r}",
                          file=file, row=pos, column=column)
    return to_dates(values, file=file, column=column)


def _accessed(frame: pd.DataFrame, file: str) -> pd.Series:
    """The ``accessed`` dates, which must not lie in the future."""
    acc = _iso_dates(frame["accessed"], file=file, column="accessed")
    future = acc > pd.Timestamp(date.today())
    if future.any():
        pos = _first_bad(future)
        raise SchemaError(f"accessed date {frame['accessed'].iloc[pos - 2]} is in the future",
                          file=file, row=pos, column="accessed")
    return acc


def _urls(frame: pd.DataFrame, file: str) -> None:
    """Every source_url must be an absolute http(s) URL with a host."""
    urls = frame["source_url"].fillna("")
    ok = urls.str.match(r"^https?://[^\s/]+\.[^\s/]+\S*$")
    if not ok.all():
        bad = ~ok
        pos = _first_bad(bad)
        raise SchemaError(f"expected an http(s) URL, got {urls.iloc[pos - 2]!r}",
                          file=file, row=pos, column="source_url")


def _split(values: pd.Series) -> pd.Series:
    """Semicolon-separated text -> list of trimmed, non-empty parts."""
    text = values.astype("object").where(values.notna(), "")
    return pd.Series([[p.strip() for p in str(v).split(";") if p.strip()] for v in text],
                     index=values.index, dtype="object")


def _known_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries)


def _check_codes(values: pd.Series, *, file: str, column: str, extra: frozenset[str]) -> None:
    """Each entry (a list of codes, or one code) must be an ISO 3166 alpha-3 code or ``extra``."""
    known = _known_codes() | extra
    lists = pd.Series([[v] if isinstance(v, str) else list(v) if v is not None else []
                       for v in values.astype("object")], index=values.index, dtype="object")
    uniques = {tuple(v) for v in lists}
    bad_sets = {u for u in uniques if any(c not in known for c in u)}
    if not bad_sets:
        return
    mask = lists.map(lambda v: tuple(v) in bad_sets)
    pos = _first_bad(mask)
    codes = lists.iloc[pos - 2]
    bad = next(c for c in codes if c not in known)
    raise SchemaError(
        f"unknown country code {bad!r}; expected ISO 3166 alpha-3 codes such as "
        "USA, CHN, GBR, TWN, HKG" + (f" or {sorted(extra)}" if extra else ""),
        file=file, row=pos, column=column,
    )


def _host(url: str) -> str:
    """A short source label: the URL's host, plus the owner for code-hosting sites."""
    parsed = urlparse(url)
    host = parsed.netloc.lower()
    host = host[4:] if host.startswith("www.") else host
    if host in ("github.com", "huggingface.co"):
        owner = parsed.path.strip("/").split("/", 1)[0]
        return f"{host}/{owner}" if owner else host
    return host


# --- the three files -----------------------------------------------------------------------


def _parse_models(file: SourceFile) -> tuple[pd.DataFrame, date | None]:
    """models.csv -> canonical ``model`` frame (not yet conformed) and its as-of date."""
    name = file.name
    raw = _read(file, MODEL_COLUMNS)
    _require(raw, ("model", "organization", "country", "release_date", "open_weights",
                   "source_url", "accessed"), name)
    _urls(raw, name)
    keys = model_key(raw["model"])
    dup = keys.duplicated()
    if dup.any():
        pos = _first_bad(dup)
        raise SchemaError(f"model {raw['model'].iloc[pos - 2]!r} is listed twice",
                          file=name, row=pos, column="model")
    orgs = _split(raw["organization"])
    countries = pd.Series([list(dict.fromkeys(v)) for v in _split(raw["country"])],
                          index=raw.index, dtype="object")
    _check_codes(countries, file=name, column="country", extra=frozenset())
    release = _iso_dates(raw["release_date"], file=name, column="release_date")
    accessed = _accessed(raw, name)
    frame = pd.DataFrame({
        "model_key": keys,
        "name": raw["model"],
        "organizations": orgs,
        "countries": countries,
        "release_date": release,
        "open_weights": to_bools(raw["open_weights"], file=name, column="open_weights"),
        "parameters": to_numbers(raw["parameters"], file=name, column="parameters"),
        "training_compute_flop": to_numbers(raw["training_compute_flop"], file=name,
                                            column="training_compute_flop"),
        "domain": [["Language"] for _ in range(len(raw))],
        "source_url": raw["source_url"],
    })
    for col in ("parameters", "training_compute_flop"):
        neg = frame[col] <= 0
        if neg.any():
            raise SchemaError(f"{col} must be positive", file=name, row=_first_bad(neg),
                              column=col)
    return frame, max_date(accessed)


def _parse_scores(file: SourceFile, models: pd.DataFrame) -> tuple[pd.DataFrame, date | None]:
    """scores.csv -> canonical ``score`` frame, with model facts copied from ``models``."""
    name = file.name
    raw = _read(file, SCORE_COLUMNS)
    _require(raw, ("model", "metric", "value", "setting", "source_url", "accessed"), name)
    _urls(raw, name)
    keys = model_key(raw["model"])
    known = keys.isin(set(models["model_key"]))
    if not known.all():
        pos = _first_bad(~known)
        raise SchemaError(f"model {raw['model'].iloc[pos - 2]!r} is not in models.csv",
                          file=name, row=pos, column="model")
    metric = raw["metric"].str.lower()
    bad_metric = ~metric.isin(METRICS)
    if bad_metric.any():
        pos = _first_bad(bad_metric)
        raise SchemaError(f"unknown metric {raw['metric'].iloc[pos - 2]!r}; expected one of "
                          f"{sorted(METRICS)}", file=name, row=pos, column="metric")
    value = to_numbers(raw["value"], file=name, column="value")
    out_of_range = (value < 0) | (value > 1)
    if out_of_range.any():
        pos = _first_bad(out_of_range)
        raise SchemaError(f"expected a fraction between 0 and 1, got {raw['value'].iloc[pos - 2]}",
                          file=name, row=pos, column="value")
    dup = pd.DataFrame({"k": keys, "m": metric, "s": raw["setting"].str.lower()}).duplicated()
    if dup.any():
        pos = _first_bad(dup)
        raise SchemaError("duplicate (model, metric, setting)", file=name, row=pos,
                          column="setting")
    accessed = _accessed(raw, name)
    info = models.set_index("model_key")
    urls = raw["source_url"]
    hosts = urls.map({u: _host(u) for u in pd.unique(urls)})
    frame = pd.DataFrame({
        "model_key": keys,
        "model_name": keys.map(info["name"]),
        "metric": metric,
        "value": value,
        "scale": "fraction",
        "setting": raw["setting"],
        "provenance": "self_reported",
        "source_name": hosts,
        "source_url": urls,
        "release_date": keys.map(info["release_date"]),
        "organizations": keys.map(info["organizations"]),
        "countries": keys.map(info["countries"]),
        "open_weights": keys.map(info["open_weights"]).astype("boolean"),
    })
    return frame, max_date(accessed)


def _parse_indicators(file: SourceFile) -> tuple[pd.DataFrame, date | None]:
    """indicators.csv -> canonical ``indicator`` frame and its as-of date."""
    name = file.name
    raw = _read(file, INDICATOR_COLUMNS)
    _require(raw, ("indicator_id", "country", "date", "value", "unit", "source_name",
                   "source_url", "accessed"), name)
    _urls(raw, name)
    _check_codes(raw["country"], file=name, column="country", extra=REGIONS)
    accessed = _accessed(raw, name)
    frame = pd.DataFrame({
        "indicator_id": raw["indicator_id"],
        "country": raw["country"],
        "date": _iso_dates(raw["date"], file=name, column="date"),
        "value": to_numbers(raw["value"], file=name, column="value"),
        "unit": raw["unit"],
        "label": raw["label"],
        "source_name": raw["source_name"],
        "source_url": raw["source_url"],
        "note": raw["note"],
    })
    dup = frame[["indicator_id", "country", "date"]].duplicated()
    if dup.any():
        raise SchemaError("duplicate (indicator_id, country, date)", file=name,
                          row=_first_bad(dup), column="indicator_id")
    return frame, max_date(accessed)


STARTER = register(
    Source(
        name=SOURCE_NAME,
        publisher="aigap contributors (curated from primary sources)",
        title="Bundled starter data: notable language models, self-reported benchmark "
        "scores and indicator figures",
        homepage="aigap/data/starter/README.md (inside the installed package)",
        licence="CC BY 4.0 (facts with primary-source links)",
        credit="aigap starter data (each row links its primary source)",
        urls=(),
        patterns=(),
        parse=parse,
    )
)
