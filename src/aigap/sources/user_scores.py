"""Your own results: scores you measured or collected, imported beside the public data.

Source ``scores`` reads three formats (spec and example in docs/data.md, "Importing your own
results"):

- **a simple CSV**: one row per model and metric, with the model's organisation, country and
  release date on each row;
- **an Inspect AI eval log** (``inspect eval`` JSON log: ``eval.model``, ``eval.task``,
  ``results.scores[].metrics``);
- **an lm-evaluation-harness results file** (``results`` {task: {"acc,none": ...}},
  ``model_name`` / ``config.model_args``).

The two evaluation-log formats do not say who made the model, where, or when it was
released: :func:`parse_results` takes them as ``defaults`` (from the command line), and the
registry parser reads them from a sidecar ``<stem>.meta.json`` next to the log. Every score is
marked user-supplied (``provenance = "user_supplied"``, ``source_name`` = the evaluator), and
every bad cell is refused with file, row (or JSON field), column and what was expected.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd

from aigap.errors import AttributionError, SchemaError
from aigap.sources.base import ParsedDataset, Source, SourceFile, register
from aigap.sources.readers import max_date, model_key, read_csv

SOURCE_NAME = "scores"
PROVENANCE = "user_supplied"
DEFAULT_EVALUATOR = "user-supplied"
SIDECAR_SUFFIX = ".meta.json"

REQUIRED = ("model", "organisation", "country", "release_date", "metric", "value")
OPTIONAL = ("lower", "upper", "stderr", "scale", "setting", "open_weights", "evaluator",
            "evaluated_on", "source_url")
#: Spellings accepted for a column, besides its own name.
ALIASES = {"organization": "organisation"}
#: Keys a ``defaults`` mapping (or a sidecar file) may carry.
DEFAULT_KEYS = ("model", "organisation", "country", "release_date", "open_weights",
                "evaluator", "source_url", "metric", "scale", "setting")

SCALES = ("fraction", "index", "rating")
#: Metrics whose values are not fractions unless the file says otherwise.
DEFAULT_SCALE = {"eci": "index"}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_METRIC_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")

#: lm-evaluation-harness metric names read as the headline, in order of preference. All are
#: higher-is-better fractions; tasks reporting none of them (perplexity...) are skipped.
LM_EVAL_METRICS = ("acc", "acc_norm", "exact_match", "em", "pass@1", "pass_at_1", "mc2",
                   "mc1", "f1", "prompt_level_strict_acc", "inst_level_strict_acc")
#: Inspect AI metric names read as the headline, in order of preference.
INSPECT_METRICS = ("accuracy", "mean", "pass_at_1")


def metric_id(text: str) -> str:
    """A metric id from a name or task: lower-case, runs of other characters as ``_``.

    ``"GPQA Diamond"`` and ``"inspect_evals/gpqa_diamond"`` (after the caller strips the
    prefix) both give ``gpqa_diamond``.
    """
    return re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_")


# --- the registry parser -----------------------------------------------------------------------


def parse(file: SourceFile) -> list[ParsedDataset]:
    """Registry parser: a CSV or JSON results file in, one ``scores:<stem>`` dataset out.

    Sidecar files (``*.meta.json``) are read with the log they describe and give no dataset
    of their own, so a folder of logs and sidecars imports as a whole.

    Raises:
        SchemaError: the file is not one of the three formats, or a value is bad.
    """
    if file.basename.lower().endswith(SIDECAR_SUFFIX):
        return []
    return parse_results(file, defaults=read_sidecar(file))


def read_sidecar(file: SourceFile) -> dict[str, Any]:
    """The defaults in ``<stem>.meta.json`` next to ``file`` (empty when there is none).

    Raises:
        SchemaError: the sidecar is not a JSON object of known keys.
    """
    if file.path is None:
        return {}
    stem = file.path.name.rsplit(".", 1)[0]
    sidecar = file.path.with_name(stem + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return {}
    side = SourceFile.from_path(sidecar)
    data = _load_json(side)
    if not isinstance(data, dict):
        raise SchemaError("expected a JSON object of defaults such as "
                          '{"organisation": "...", "country": "USA", "release_date": '
                          '"2025-01-31"}', file=side.name)
    check_defaults(data, file=side.name)
    return data


def check_defaults(defaults: Mapping[str, Any], *, file: str) -> None:
    """Refuse unknown default keys (a typo would otherwise be ignored silently).

    Raises:
        SchemaError: naming the first unknown key and the accepted ones.
    """
    for key in defaults:
        if ALIASES.get(key, key) not in DEFAULT_KEYS:
            raise SchemaError(f"unknown key {key!r}; expected some of {list(DEFAULT_KEYS)}",
                              file=file, column=key)


def parse_results(file: SourceFile, defaults: Mapping[str, Any] | None = None
                  ) -> list[ParsedDataset]:
    """Parse a results CSV, an Inspect AI JSON log or an lm-evaluation-harness results file.

    Args:
        file: the file.
        defaults: values for columns the file lacks or leaves blank (``organisation``,
            ``country``, ``release_date``, ``open_weights``, ``evaluator``, ``source_url``,
            ``scale``, ``setting``; ``model`` and ``metric`` override the log's own names).
            The CSV's own cells win over defaults; for logs, ``model``/``metric`` win.

    Returns:
        One dataset ``scores:<file stem>`` with a ``model`` and a ``score`` frame.

    Raises:
        SchemaError: naming file, row (CSV) or JSON field, column and what was expected.
    """
    defaults = dict(defaults or {})
    check_defaults(defaults, file=file.name)
    defaults = {ALIASES.get(k, k): v for k, v in defaults.items()}
    low = file.basename.lower()
    if low.endswith(".eval"):
        raise SchemaError("Inspect AI binary .eval logs are not read; convert it with "
                          "`inspect log convert --to json` and import the .json",
                          file=file.name)
    if low.endswith(".json"):
        table, skipped = _from_json(file, defaults)
    elif low.endswith(".csv"):
        table, skipped = _from_csv(file), Counter[str]()
    else:
        raise SchemaError("expected a .csv results table or a .json evaluation log",
                          file=file.name)
    models, scores, as_of = build(table, file=file.name, defaults=defaults)
    stem = re.sub(r"\.(csv|json)$", "", file.basename, flags=re.IGNORECASE)
    return [ParsedDataset(SOURCE_NAME, f"scores:{stem}", file,
                          {"model": models, "score": scores}, data_as_of=as_of,
                          skipped=skipped)]


# --- reading the three formats into one table ------------------------------------------------


@dataclass
class Table:
    """Rows in the CSV's columns (text), with where each cell came from for messages.

    ``where[col][i]`` is the (row, column) to name for row ``i``'s cell: spreadsheet rows for
    CSV; no row and a JSON path for logs.
    """

    frame: pd.DataFrame
    where: dict[str, list[tuple[int | None, str]]]

    def locate(self, column: str, position: int) -> tuple[int | None, str]:
        """(row, column) naming a cell in an error message."""
        return self.where[column][position]


def _from_csv(file: SourceFile) -> Table:
    """Read the results CSV and check its header (known columns, required ones present)."""
    frame = read_csv(file)
    frame.columns = [ALIASES.get(c.strip().lower(), c.strip().lower()) for c in frame.columns]
    known = set(REQUIRED) | set(OPTIONAL)
    extra = [c for c in frame.columns if c not in known]
    if extra:
        raise SchemaError(f"unexpected column(s) {extra}; expected {list(REQUIRED)} and "
                          f"optionally {list(OPTIONAL)}", file=file.name, row=1,
                          column=extra[0])
    dup = frame.columns[frame.columns.duplicated()].tolist()
    if dup:
        raise SchemaError(f"column {dup[0]!r} appears twice", file=file.name, row=1,
                          column=dup[0])
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise SchemaError(f"missing column(s) {missing}; expected {list(REQUIRED)} and "
                          f"optionally {list(OPTIONAL)}", file=file.name, row=1,
                          column=missing[0])
    if frame.empty:
        raise SchemaError("no data rows under the header", file=file.name, row=2)
    for col in frame.columns:
        text = frame[col].astype("string").str.strip()
        frame[col] = text.mask(text == "")
    for col in OPTIONAL:
        if col not in frame.columns:
            frame[col] = pd.Series(pd.NA, index=frame.index, dtype="string")
    n = len(frame)
    where: dict[str, list[tuple[int | None, str]]] = {
        c: [(i + 2, c) for i in range(n)] for c in (*REQUIRED, *OPTIONAL)}
    return Table(frame, where)


def _load_json(file: SourceFile) -> Any:
    try:
        return json.loads(file.data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"not valid JSON: {exc}".splitlines()[0], file=file.name) from exc


def _from_json(file: SourceFile, defaults: dict[str, Any]) -> tuple[Table, Counter[str]]:
    """Recognise an Inspect AI log or an lm-eval results file and flatten it to rows."""
    data = _load_json(file)
    if isinstance(data, dict) and isinstance(data.get("eval"), dict) and "results" in data:
        return _from_inspect(data, file), Counter()
    if (isinstance(data, dict) and isinstance(data.get("results"), dict)
            and any(k in data for k in ("config", "configs", "model_name", "versions"))):
        return _from_lm_eval(data, file)
    raise SchemaError("not an Inspect AI eval log (with 'eval' and 'results') nor an "
                      "lm-evaluation-harness results file (with 'results' and 'config')",
                      file=file.name)


def _rows_table(rows: list[dict[str, Any]], paths: list[dict[str, str]]) -> Table:
    """A Table from JSON-derived rows; cells not from the log are named as defaults."""
    frame = pd.DataFrame(rows, columns=[*REQUIRED, *OPTIONAL]).astype("string")
    where: dict[str, list[tuple[int | None, str]]] = {
        c: [(None, p.get(c, f"defaults[{c!r}]")) for p in paths] for c in (*REQUIRED, *OPTIONAL)}
    return Table(frame, where)


def _model_from_log(name: str) -> str:
    """The model name in an Inspect ``provider/model`` id: the provider prefix removed."""
    parts = name.strip().split("/", 1)
    return parts[1] if len(parts) == 2 and parts[1] else name.strip()


def _created(value: Any) -> str | None:
    """An ISO date from an ISO timestamp or a Unix time (None when absent or unreadable)."""
    if isinstance(value, int | float) and math.isfinite(value):
        return datetime.fromtimestamp(float(value), tz=UTC).date().isoformat()
    if isinstance(value, str) and _ISO_DAY.match(value[:10]):
        return value[:10]
    return None


def _from_inspect(data: dict[str, Any], file: SourceFile) -> Table:
    """Rows from an Inspect AI JSON eval log: one per scorer of the task."""
    name = file.name
    ev = data["eval"]
    status = data.get("status")
    if status is not None and status != "success":
        raise SchemaError(f"eval log status is {status!r}; only completed evaluations "
                          "('success') can be imported", file=name, column="status")
    model = ev.get("model")
    task = ev.get("task")
    if not isinstance(model, str) or not model.strip():
        raise SchemaError("expected the model id as a string", file=name, column="eval.model")
    if not isinstance(task, str) or not task.strip():
        raise SchemaError("expected the task name as a string", file=name, column="eval.task")
    results = data.get("results")
    scores = results.get("scores") if isinstance(results, dict) else None
    if not isinstance(scores, list) or not scores:
        raise SchemaError("expected a non-empty list of scores", file=name,
                          column="results.scores")
    rows: list[dict[str, Any]] = []
    paths: list[dict[str, str]] = []
    for i, score in enumerate(scores):
        at = f"results.scores[{i}]"
        metrics = score.get("metrics") if isinstance(score, dict) else None
        if not isinstance(metrics, dict) or not metrics:
            raise SchemaError("expected a metrics object", file=name, column=f"{at}.metrics")
        key = next((k for k in INSPECT_METRICS if k in metrics), None)
        if key is None:
            raise SchemaError(f"no headline metric; expected one of {list(INSPECT_METRICS)}, "
                              f"found {sorted(metrics)}", file=name, column=f"{at}.metrics")
        value = _metric_value(metrics[key])
        stderr = _metric_value(metrics["stderr"]) if "stderr" in metrics else None
        scorer = score.get("scorer") or score.get("name") or "scorer"
        rows.append({
            "model": _model_from_log(model),
            "metric": metric_id(task.rsplit("/", 1)[-1]),
            "value": _text(value),
            "stderr": _text(stderr),
            "setting": f"inspect {scorer} {key}",
            "evaluated_on": _created(ev.get("created")),
        })
        paths.append({"model": "eval.model", "metric": "eval.task",
                      "value": f"{at}.metrics.{key}.value",
                      "stderr": f"{at}.metrics.stderr.value", "evaluated_on": "eval.created"})
    return _rows_table(rows, paths)


def _metric_value(entry: Any) -> Any:
    """The value of an Inspect metric entry ({"name", "value"}) or a bare number."""
    return entry.get("value") if isinstance(entry, dict) else entry


def _text(value: Any) -> str | None:
    """A JSON scalar as cell text (None for null); lists and objects as JSON text."""
    if value is None:
        return None
    if isinstance(value, bool | dict | list):
        return json.dumps(value)
    return str(value)


def _lm_eval_model(data: dict[str, Any]) -> tuple[str | None, str]:
    """(model name, JSON path) from ``model_name`` or ``config.model_args`` pretrained=..."""
    name = data.get("model_name")
    if isinstance(name, str) and name.strip():
        return name.strip(), "model_name"
    config = data.get("config")
    args = config.get("model_args") if isinstance(config, dict) else None
    if isinstance(args, str):
        found = re.search(r"(?:^|,)\s*(?:pretrained|model|engine)=([^,]+)", args)
        if found:
            return found.group(1).strip(), "config.model_args"
    return None, "model_name"


def _from_lm_eval(data: dict[str, Any], file: SourceFile) -> tuple[Table, Counter[str]]:
    """Rows from an lm-evaluation-harness results file: one per task with a fraction metric."""
    model, model_path = _lm_eval_model(data)
    raw_shots = data.get("n-shot")
    shots: dict[str, Any] = raw_shots if isinstance(raw_shots, dict) else {}
    skipped: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    paths: list[dict[str, str]] = []
    for task, res in data["results"].items():
        at = f"results.{task}"
        if not isinstance(res, dict):
            raise SchemaError("expected an object of metrics", file=file.name, column=at)
        key = _lm_eval_key(res)
        if key is None:
            skipped["no accuracy-type metric (acc, exact_match...)"] += 1
            continue
        metric_name, _, filt = key.partition(",")
        value = res[key]
        if isinstance(value, str) and value.strip().upper() == "N/A":
            skipped["metric value N/A"] += 1
            continue
        err_key = f"{metric_name}_stderr,{filt}" if filt else f"{metric_name}_stderr"
        stderr = res.get(err_key)
        n_shot = shots.get(task)
        setting = f"lm-eval {key}" + (f", {n_shot}-shot" if n_shot is not None else "")
        rows.append({
            "model": model, "metric": metric_id(task), "value": _text(value),
            "stderr": None if isinstance(stderr, str) else _text(stderr),
            "setting": setting, "evaluated_on": _created(data.get("date")),
        })
        paths.append({"model": model_path, "metric": at, "value": f"{at}.{key}",
                      "stderr": f"{at}.{err_key}", "evaluated_on": "date"})
    if not rows:
        raise SchemaError("no task with an accuracy-type metric; expected keys such as "
                          "'acc,none' or 'exact_match,strict-match'", file=file.name,
                          column="results")
    return _rows_table(rows, paths), Counter({k: v for k, v in skipped.items() if v})


def _lm_eval_key(res: Mapping[str, Any]) -> str | None:
    """The headline metric key of one lm-eval task ("acc,none"), by preference."""
    keys = [k for k in res if isinstance(k, str) and "_stderr" not in k]
    for want in LM_EVAL_METRICS:
        for k in keys:
            if k == want or k.startswith(want + ","):
                return k
    return None


# --- validation and canonical frames ------------------------------------------------------


def _fail(table: Table, file: str, column: str, mask: pd.Series, message: str) -> None:
    """Raise SchemaError for the first True in ``mask`` (message may use {value})."""
    if not mask.any():
        return
    pos = int(mask.to_numpy().argmax())
    row, col = table.locate(column, pos)
    value = table.frame[column].iloc[pos]
    raise SchemaError(message.format(value=None if pd.isna(value) else str(value)),
                      file=file, row=row, column=col)


def _fill_defaults(table: Table, defaults: Mapping[str, Any], *, file: str) -> None:
    """Fill blank cells from ``defaults``; ``model`` and ``metric`` defaults override logs."""
    frame = table.frame
    for key, value in defaults.items():
        text = _text(value)
        if key in ("model", "metric") and table.where[key][0][1] != key:
            frame[key] = text  # a log's own name is replaced, as documented
            table.where[key] = [(None, f"defaults[{key!r}]")] * len(frame)
        elif key in frame:
            blank = frame[key].isna()
            frame.loc[blank, key] = text
            table.where[key] = [(None, f"defaults[{key!r}]") if b else w
                                for b, w in zip(blank, table.where[key], strict=True)]


def _dates(table: Table, column: str, file: str) -> pd.Series:
    """Strict YYYY-MM-DD dates (blanks stay NaT)."""
    text = table.frame[column]
    _fail(table, file, column, text.notna() & ~text.fillna("").str.match(_ISO_DAY),
          "expected a date like 2025-01-31, got {value!r}")
    parsed = pd.to_datetime(text, errors="coerce", format="%Y-%m-%d")
    _fail(table, file, column, text.notna() & parsed.isna(),
          "expected a real calendar date like 2025-01-31, got {value!r}")
    return parsed


def _countries(table: Table, file: str) -> pd.Series:
    """Country cells (ISO3 codes or names, ``;``-separated) as ISO3 lists."""
    from aigap.attribution.countries import to_iso3

    text = table.frame["country"]
    out: dict[str, list[str]] = {}
    for raw in pd.unique(text.dropna()):
        codes: list[str] = []
        for part in (p.strip() for p in str(raw).split(";")):
            if not part:
                continue
            try:
                code = to_iso3(part)
            except AttributionError:
                _fail(table, file, "country", text == raw,
                      f"unknown country {part!r}; expected ISO 3166 alpha-3 codes or "
                      "country names separated by ';' (USA; CHN; GBR or 'United States')")
                raise
            if code is not None and code not in codes:
                codes.append(code)
        out[str(raw)] = codes
    lists = text.map(lambda v: out.get(str(v), []) if pd.notna(v) else [])
    _fail(table, file, "country", lists.map(len) == 0,
          "expected at least one country (ISO3 code or name), got {value!r}")
    return lists


def _numbers(table: Table, column: str, file: str) -> pd.Series:
    """Numbers, with ``%`` meaning a percentage (``86.4%`` is 0.864); blanks are NaN."""
    text = table.frame[column]
    pct = text.fillna("").str.endswith("%")
    cleaned = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.rstrip("%")
    nums = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    _fail(table, file, column, nums.isna() & text.notna(), "expected a number, got {value!r}")
    _fail(table, file, column, nums.notna() & ~np.isfinite(nums.fillna(0.0)),
          "expected a finite number, got {value!r}")
    return nums.where(~pct, nums / 100.0)


def _bools(table: Table, column: str, file: str) -> pd.Series:
    """true/false/yes/no/1/0 cells as booleans; blanks are <NA>."""
    text = table.frame[column].str.lower()
    mapping = {"true": True, "yes": True, "y": True, "1": True,
               "false": False, "no": False, "n": False, "0": False}
    out = text.map(mapping).astype("boolean")
    _fail(table, file, column, out.isna() & text.notna(),
          "expected true or false, got {value!r}")
    return out


def build(table: Table, *, file: str, defaults: Mapping[str, Any]
          ) -> tuple[pd.DataFrame, pd.DataFrame, date | None]:
    """Validate the rows and make canonical ``model`` and ``score`` frames.

    Returns:
        (model frame, score frame, data_as_of = newest release or evaluation date).

    Raises:
        SchemaError: the first bad cell, with file, row (or JSON field) and column.
    """
    _fill_defaults(table, defaults, file=file)
    frame = table.frame
    for col in REQUIRED:
        _fail(table, file, col, frame[col].isna(),
              f"{col} is empty; every row needs one" + (
                  "" if table.where[col][0][0] is not None else
                  f" (give it as defaults[{col!r}] or in a {SIDECAR_SUFFIX} sidecar)"))
    metric = frame["metric"].map(metric_id)
    _fail(table, file, "metric", ~metric.str.match(_METRIC_ID),
          "expected a metric id such as gpqa_diamond, got {value!r}")
    release = _dates(table, "release_date", file)
    evaluated = _dates(table, "evaluated_on", file)
    today = pd.Timestamp(date.today())
    _fail(table, file, "release_date", release > today, "release date {value} is in the future")
    _fail(table, file, "evaluated_on", evaluated > today, "evaluation date {value} is in the "
          "future")
    _fail(table, file, "evaluated_on", evaluated < release, "evaluated on {value}, before the "
          "model's release date")
    countries = _countries(table, file)
    scale = frame["scale"].str.lower().fillna(metric.map(DEFAULT_SCALE)).fillna("fraction")
    _fail(table, file, "scale", ~scale.isin(SCALES),
          f"expected one of {list(SCALES)}, got {{value!r}}")
    values = {c: _numbers(table, c, file) for c in ("value", "lower", "upper", "stderr")}
    _check_values(table, file, values, scale)
    urls = frame["source_url"]
    _fail(table, file, "source_url",
          urls.notna() & ~urls.fillna("").str.match(r"^https?://[^\s/]+\.[^\s/]+\S*$"),
          "expected an http(s) URL, got {value!r}")
    open_w = _bools(table, "open_weights", file)
    keys = model_key(frame["model"])
    orgs = frame["organisation"].map(lambda v: [p.strip() for p in str(v).split(";")
                                                if p.strip()])
    _check_model_facts(table, file, keys, {"organisation": frame["organisation"],
                                           "country": frame["country"],
                                           "release_date": frame["release_date"],
                                           "open_weights": frame["open_weights"]})
    setting = frame["setting"]
    dup = pd.DataFrame({"k": keys, "m": metric, "s": setting.str.lower().fillna("")}
                       ).duplicated()
    _fail(table, file, "setting" if table.where["setting"][0][0] is not None else "metric",
          dup, "the same model, metric and setting appear twice ({value!r}); give each run a "
          "distinct setting")
    evaluator = frame["evaluator"].fillna(DEFAULT_EVALUATOR)
    scores = pd.DataFrame({
        "model_key": keys, "model_name": frame["model"], "metric": metric,
        "value": values["value"], "lower": values["lower"], "upper": values["upper"],
        "stderr": values["stderr"], "scale": scale, "setting": setting,
        "provenance": PROVENANCE, "source_name": evaluator, "source_url": urls,
        "release_date": release, "organizations": orgs, "countries": countries,
        "open_weights": open_w,
    })
    models = scores.drop_duplicates("model_key")[
        ["model_key", "model_name", "organizations", "countries", "release_date",
         "open_weights", "source_url"]].rename(columns={"model_name": "name"})
    return models.reset_index(drop=True), scores, max_date(release, evaluated)


def _check_values(table: Table, file: str, values: dict[str, pd.Series],
                  scale: pd.Series) -> None:
    """Value and bounds fit the scale (fractions in [0, 1]); lower <= value <= upper."""
    frac = scale == "fraction"
    for col in ("value", "lower", "upper"):
        v = values[col]
        _fail(table, file, col, frac & v.notna() & ((v < 0) | (v > 1)),
              "expected a fraction between 0 and 1 (86.4% is 0.864 or '86.4%'), "
              "got {value!r}; for an index or rating set the scale column")
    _fail(table, file, "stderr", values["stderr"] < 0, "expected a standard error >= 0, got "
          "{value!r}")
    v, lo, hi = values["value"], values["lower"], values["upper"]
    _fail(table, file, "lower", lo.notna() & (lo > v), "lower bound {value} is above the value")
    _fail(table, file, "upper", hi.notna() & (hi < v), "upper bound {value} is below the value")


def _check_model_facts(table: Table, file: str, keys: pd.Series,
                       facts: dict[str, pd.Series]) -> None:
    """A model's organisation, country, release date and weights agree on all its rows."""
    for col, values in facts.items():
        norm = values.fillna("").str.lower().str.replace(r"\s+", "", regex=True)
        first = norm.groupby(keys).transform("first")
        _fail(table, file, col, norm != first,
              f"{col} {{value!r}} differs from this model's first row; a model's "
              "organisation, country, release date and open_weights must agree on every row")


SCORES = register(
    Source(
        name=SOURCE_NAME,
        publisher="you (user-supplied results)",
        title="Your own results: a scores CSV, Inspect AI logs or lm-evaluation-harness "
        "results",
        homepage="docs/data.md#importing-your-own-results",
        licence="as set by whoever supplied the file",
        credit="user-supplied results (evaluator named on each score)",
        urls=(),
        patterns=(),
        parse=parse,
    )
)
