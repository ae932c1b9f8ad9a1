"""Read analysis-ready frames out of the store: the vintages to use, as-of filtering,
de-duplication and country attribution.

This is the only layer between the store and the analyses: analyses receive plain frames
and never see the store. Every frame comes with a :class:`Selection` recording which
vintages were used, so outputs can state their data.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import pandas as pd

from aigap.errors import QueryError
from aigap.store.db import Store, VintageFallbackWarning

#: Sources whose ``model`` rows form the model catalogue (others, such as leaderboard
#: tables, only map keys to organisations).
CATALOGUE_SOURCES = ("epoch-models", "scores", "starter")
STARTER = "starter"
#: The user's own results (``aigap import scores``): stored beside the public data, never
#: counted as the public data that makes the starter data step aside.
USER_SCORES = "scores"

# Preference when several datasets list the same model key (lower = preferred).
_DATASET_RANK = {"all_ai_models": 0, "notable_ai_models": 1, "frontier_ai_models": 2,
                 "large_scale_ai_models": 3}


@dataclass
class Selection:
    """Which data an analysis used: as-of date, vintages, and any warnings."""

    as_of: date | None
    vintages: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    starter: bool = False
    #: dataset -> the newest date its chosen vintage carries (its ``data_as_of``)
    data_dates: dict[str, date | None] = field(default_factory=dict)
    #: the date of the Epoch AI snapshot bundled with aigap, when the data used comes from it
    bundled_snapshot: date | None = None
    #: the newest release (or observation) date among the rows read, before any as-of cut
    coverage_end: date | None = None
    #: for scores aigap fitted itself (the ``aci`` index): which fit produced them
    fit: dict[str, Any] | None = None
    #: the evaluator classes of the scores used (third-party, arena, reported, user)
    evaluators: list[str] = field(default_factory=list)

    @property
    def hindsight(self) -> bool:
        """True when an as-of answer reads a vintage published after its as-of date (no
        vintage of then is stored): the data know things nobody knew on that date."""
        if self.as_of is None:
            return False
        return any(d is not None and d > self.as_of for d in self.data_dates.values())

    def newest_data(self) -> date | None:
        """The newest data date among the chosen vintages."""
        known = [d for d in self.data_dates.values() if d is not None]
        return max(known) if known else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "vintage_ids": self.vintages,
            "data_as_of": {k: (v.isoformat() if v else None)
                           for k, v in sorted(self.data_dates.items())},
            "warnings": self.warnings,
            "hindsight": self.hindsight,
            "evaluators": self.evaluators,
            "bundled_starter_data": self.starter,
            **({"fit": self.fit} if self.fit is not None else {}),
            "bundled_snapshot": (self.bundled_snapshot.isoformat() if self.bundled_snapshot
                                 else None),
        }

    def data_note(self) -> str | None:
        """One line saying the data is bundled (snapshot date, starter data), else None."""
        parts = []
        if self.bundled_snapshot:
            parts.append(f"the Epoch AI snapshot of {self.bundled_snapshot.isoformat()} "
                         "bundled with aigap")
        if self.starter:
            parts.append("the bundled starter dataset")
        if not parts:
            return None
        return ("Data: " + " and ".join(parts)
                + " (run `aigap update` for the latest public data).")


def choose_vintages(store: Store, as_of: date | None, sources: tuple[str, ...] | None,
                     datasets: set[str] | None = None) -> Selection:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", VintageFallbackWarning)
        ids = store.vintage_ids(as_of=as_of, sources=sources, datasets=datasets)
    sel = Selection(as_of=as_of, vintages=ids,
                    warnings=[str(w.message) for w in caught
                              if issubclass(w.category, VintageFallbackWarning)],
                    data_dates=store.data_dates(ids.values()),
                    bundled_snapshot=store.bundled_snapshot(ids.values()))
    return sel


def select_vintages(store: Store, as_of: date | None,
                    sources: tuple[str, ...] | None = None, *,
                    table: str | None = None) -> Selection:
    """The vintages to read for ``as_of`` (starter data stepping aside for real data on
    ``table``; see :func:`drop_starter_if_real`)."""
    return drop_starter_if_real(choose_vintages(store, as_of, sources), store, table=table)


def drop_starter_if_real(sel: Selection, store: Store, *, table: str | None = None
                         ) -> Selection:
    """The bundled starter data steps aside where public data answers the same question.

    Public data is any source but the starter data and the user's own results (``scores``:
    one's own numbers sit beside the starter data, they do not replace it). With ``table``,
    only public datasets holding rows of that table count, so the starter indicators stay
    when the public data stored has models and scores but no indicators. Also records
    whether the bundled Epoch snapshot is among the vintages used.
    """
    sources = store.sources_of(sel.vintages.values())
    starter = {d for d, s in sources.items() if s == STARTER}
    public = {d for d, s in sources.items() if s not in (STARTER, USER_SCORES)}
    if starter and public and table is not None:
        public = store.datasets_with(table, [sel.vintages[d] for d in public])
    if starter and public:
        sel.vintages = {d: v for d, v in sel.vintages.items() if d not in starter}
        sel.data_dates = {d: v for d, v in sel.data_dates.items() if d in sel.vintages}
        sel.warnings = [w for w in sel.warnings
                        if not any(f"of {d} is" in w for d in starter)]
    sel.starter = bool(starter) and not public
    sel.bundled_snapshot = store.bundled_snapshot(sel.vintages.values())
    return sel


def fill_countries(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill empty ``countries`` from the organisation registry (by organisation name).

    Adds ``country_source``: "source" when the data gave countries, "registry" when they
    came from the registry, "unknown" when neither did.
    """
    from aigap.attribution.organizations import load_registry

    out = frame.copy()
    if "countries" not in out:
        out["countries"] = [[] for _ in range(len(out))]
    empty = out["countries"].map(lambda v: len(v) == 0 if isinstance(v, list | tuple)
                                 else True)
    out["countries"] = out["countries"].map(
        lambda v: list(v) if isinstance(v, list | tuple | pd.Series) or hasattr(v, "tolist")
        else [])
    out["country_source"] = "source"
    if empty.any() and "organizations" in out:
        orgs = out.loc[empty, "organizations"].map(
            lambda v: list(v) if v is not None and not isinstance(v, float) else [])
        found, _ = load_registry().countries_for_lists(orgs)
        out.loc[empty, "countries"] = found
        out.loc[empty, "country_source"] = found.map(lambda v: "registry" if v else "unknown")
    elif empty.any():
        out.loc[empty, "country_source"] = "unknown"
    still = out["countries"].map(len) == 0
    if still.any():
        from aigap.attribution.families import family_org
        from aigap.attribution.organizations import load_registry

        registry = load_registry()
        names = out.loc[still, "model_name"] if "model_name" in out else out.loc[still, "name"]
        org = family_org(out.loc[still, "model_key"]).fillna(family_org(names.fillna("")))
        hit = org.notna()
        if hit.any():
            idx = org[hit].index
            out.loc[idx, "countries"] = registry.countries_for(org[hit]).to_numpy()
            names_by_id = registry.frame.set_index("org_id")["name"]
            if "organizations" in out:
                no_org = out.loc[idx, "organizations"].map(len) == 0
                fill = org[hit][no_org.to_numpy()]
                out.loc[fill.index, "organizations"] = fill.map(lambda o: [names_by_id[o]])
            out.loc[idx, "country_source"] = "model family"
    return out


def _to_list(v: Any) -> list[Any]:
    """A list from a DuckDB list cell (list, array, or null)."""
    if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return []
    return list(v)


def _as_lists(frame: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    for col in cols:
        if col in frame:
            frame[col] = frame[col].map(_to_list)
    return frame


def memo(store: Store, key: tuple[Any, ...], build: Any) -> pd.DataFrame:
    """``build()`` once per store and key; a copy is returned so callers may modify it.

    Keys include the vintage ids used, and the store clears its memo whenever it writes, so
    a memoised frame never outlives the data it came from.
    """
    if key not in store.cache:
        store.cache[key] = build()
    frame: pd.DataFrame = store.cache[key]
    return private_copy(frame)


def private_copy(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy the caller may modify without touching the memoised frame: shallow (and so
    free) under pandas' copy-on-write, always on from pandas 3; a full copy before that."""
    return frame.copy(deep=not _copy_on_write())


@lru_cache(maxsize=1)
def _copy_on_write() -> bool:
    return int(pd.__version__.split(".", 1)[0]) >= 3


def load_models(store: Store, *, as_of: date | None = None) -> tuple[pd.DataFrame, Selection]:
    """The model catalogue as of a date: one row per model key, countries filled.

    Uses each catalogue dataset's vintage for ``as_of`` (the current one by default), keeps
    models released on or before ``as_of``, and de-duplicates by model key (preferring the
    all-models dataset). Adds ``notable``, ``frontier_list`` and ``large_scale`` flags from
    membership of Epoch's sub-datasets.

    As of a date, a dataset none of whose vintages existed then is left out while another
    dataset of then remains (so a 2025-01 question never reads a 2026 file, and a model the
    later file names differently is not counted twice); if none existed, only the earliest
    published are used, and the answer is flagged as hindsight.
    """
    sel = drop_starter_if_real(choose_vintages(store, as_of, CATALOGUE_SOURCES), store,
                               table="model")
    if as_of is not None:
        late = {d for d, when in sel.data_dates.items() if when is not None and when > as_of}
        if late and late == set(sel.vintages):  # all later: keep the least hindsight
            first = min(d for d in sel.data_dates.values() if d is not None)
            late = {d for d in late if sel.data_dates[d] != first}
        if late:
            sel.vintages = {d: v for d, v in sel.vintages.items() if d not in late}
            sel.data_dates = {d: v for d, v in sel.data_dates.items() if d not in late}
            sel.warnings = [w for w in sel.warnings if not any(d in w for d in late)]
            sel.warnings.append("left out (published after the as-of date): "
                                + ", ".join(sorted(late)))
            sel.bundled_snapshot = store.bundled_snapshot(sel.vintages.values())
    ids = tuple(sorted(sel.vintages.values()))
    frame = memo(store, ("catalogue", ids), lambda: _catalogue(store, ids))
    if as_of is not None and len(frame):
        frame = frame[frame["release_date"] <= pd.Timestamp(as_of)].reset_index(drop=True)
    return frame, sel


def _catalogue(store: Store, ids: tuple[int, ...]) -> pd.DataFrame:
    frame = store.read("model", ids)
    frame = _as_lists(frame, ("organizations", "countries", "domain"))
    if frame.empty:
        return frame
    keys_in = frame.groupby("dataset")["model_key"].agg(set).to_dict()
    frame["_rank"] = frame["dataset"].map(_DATASET_RANK).fillna(9)
    frame = frame.sort_values(["model_key", "_rank"], kind="stable")
    frame = frame.drop_duplicates("model_key", keep="first").drop(columns="_rank")
    for flag, dataset in (("notable", "notable_ai_models"), ("large_scale",
                          "large_scale_ai_models"), ("frontier_list", "frontier_ai_models")):
        frame[flag] = frame["model_key"].isin(keys_in.get(dataset, set()))
    frame["release_date"] = pd.to_datetime(frame["release_date"])
    frame = fill_countries(frame)
    return frame.sort_values(["release_date", "name"]).reset_index(drop=True)


def metrics(store: Store) -> pd.DataFrame:
    """Metrics in the current vintages, with model counts and date ranges."""
    ids = list(store.vintage_ids().values())
    if not ids:
        return pd.DataFrame(columns=["metric", "models", "first", "last", "sources"])
    return store.metric_summary(ids)


#: Metric ids (or prefixes) that only a source not bundled with aigap provides: what the
#: data is and the command that brings it.
METRIC_SOURCES: dict[str, tuple[str, str]] = {
    "arena_text": ("LMArena ratings",
                   "aigap update --source lmarena-history --source lmarena-catalog "
                   "--source lmarena-tables"),
    "mt_bench": ("LMArena leaderboard tables", "aigap update --source lmarena-tables"),
    "hf_open_llm_v1": ("Open LLM Leaderboard v1 scores",
                       "aigap update --source hf-open-llm-v1"),
    "hf_open_llm": ("Open LLM Leaderboard scores", "aigap update --source hf-open-llm"),
}


#: Metrics computed from stored rows rather than stored (aigap's own capability index,
#: fitted as of the date asked): id -> readable name.
COMPUTED_METRICS: dict[str, str] = {"aci": "aigap Capability Index"}


def resolve_metric(store: Store, name: str, *, parameter: str = "metric") -> str:
    """The metric id in the store that ``name`` means ("ECI", "GPQA Diamond", "gpqa-diamond").

    Raises:
        QueryError: no stored metric matches. For data a source not yet imported provides
            (LMArena ratings...), the message names the command that brings it; otherwise
            it names the closest metric ids and ``aigap metrics``.
    """
    from aigap.analysis.names import match_name, metric_candidates, normalise_name

    if store.metric_datasets(name):
        return name
    for ident, readable in COMPUTED_METRICS.items():
        if normalise_name(name) in (normalise_name(ident), normalise_name(readable)):
            return ident
    known = metrics(store)["metric"].astype(str).tolist()
    low = str(name).strip().lower()
    for prefix, (what, command) in METRIC_SOURCES.items():
        named = low == prefix or low.startswith((prefix + ":", prefix + "_"))
        if named and not any(k == prefix or k.startswith(prefix + ":") for k in known):
            raise QueryError(f"{name!r} needs {what}, which are not in the store; "
                             f"`{command}` brings them (or `aigap update --from DIR` from a "
                             "mirror)")
    if not known:
        raise QueryError(f"{parameter}: no scores in the store; run `aigap update` first")
    try:
            return match_name(name, {**metric_candidates(known), **COMPUTED_METRICS},
                          what="metric", parameter=parameter)
    except QueryError as exc:
        if len(known) > FEW_METRICS:
            raise
        raise QueryError(f"{exc}; the store has {', '.join(known)}",
                         parameter=parameter) from exc


#: A refusal lists every metric in the store when there are no more than this.
FEW_METRICS = 8


def load_observations(
    store: Store, metric: str, *, as_of: date | None = None
) -> tuple[pd.DataFrame, Selection]:
    """Every stored score on one metric as of a date (all snapshots), attributed.

    Release dates, open-weights flags and countries missing from the score rows come from
    the model catalogue (by key, else by name), then from leaderboard key tables and the
    organisation registry; ratings with no known release date use the model's first day on
    the leaderboard (``date_source = "first rated"``). Rows released or observed after
    ``as_of`` are dropped.

    Raises:
        QueryError: the metric is not in the store (the message lists the ones that are).
    """
    metric = resolve_metric(store, metric)
    datasets = store.metric_datasets(metric)
    sel = drop_starter_if_real(choose_vintages(store, as_of, None, datasets), store,
                               table="score")
    ids = tuple(sorted(sel.vintages.values()))
    frame = memo(store, ("observations", metric, ids),
                 lambda: _observations(store, metric, ids))
    if len(frame):
        newest = pd.concat([frame["release_date"], frame["observed_on"]]).max()
        sel.coverage_end = None if pd.isna(newest) else pd.Timestamp(newest).date()
    if as_of is not None:
        ts = pd.Timestamp(as_of)
        frame = frame[(frame["release_date"] <= ts)
                      & (frame["observed_on"].isna() | (frame["observed_on"] <= ts))]
    return frame.reset_index(drop=True), sel


#: Evaluator classes: who produced a score (docs/methods.md, "Who evaluated").
EVALUATORS = ("third-party", "arena", "reported", "user")
#: Cited sources that run the models themselves (a pattern over Epoch's "Source" column).
THIRD_PARTY_SOURCES = (r"leaderboard|\bhelm\b|crfm|livebench|artificial analysis|epoch ai|"
                       r"scale ai|\bseal\b|vellum|open llm")


def evaluator_class(frame: pd.DataFrame) -> pd.Series:
    """Who produced each score row: ``third-party`` (Epoch AI's own runs, the Open LLM
    Leaderboard's harness runs), ``arena`` (human-preference ratings), ``reported`` (a
    developer's or paper's reported number, as collected by Epoch's external files, the
    arena's leaderboard tables or the starter data) or ``user`` (your own results)."""
    prov = frame["provenance"].astype("string").fillna("")
    source = frame["source"].astype("string").fillna("") if "source" in frame else prov
    metric = frame["metric"].astype("string").fillna("")
    cited = (frame["source_name"].astype("string").fillna("") if "source_name" in frame
             else prov)
    out = pd.Series("reported", index=frame.index, dtype="object")
    out[prov == "epoch"] = "third-party"
    # Epoch's external files cite where a number came from: an evaluation leaderboard that
    # runs the models itself (HELM...) is a third-party run; a report or paper is reported.
    out[(prov == "external") & cited.str.contains(THIRD_PARTY_SOURCES, case=False,
                                                  regex=True)] = "third-party"
    out[(prov == "leaderboard") & source.str.startswith("hf-open-llm")] = "third-party"
    out[(prov == "leaderboard") & metric.str.startswith("arena_")] = "arena"
    out[prov == "user_supplied"] = "user"
    return out


def select_evaluators(frame: pd.DataFrame, evaluator: str) -> tuple[pd.DataFrame, list[str]]:
    """Rows of one evaluator class: ``auto`` keeps independent evaluations (third-party runs
    and arena ratings, plus your own results) where the metric has any, else every row;
    ``all`` keeps every row; a class name keeps that class.

    Raises:
        QueryError: an unknown class, or a class with no rows on this metric.
    """
    if evaluator not in ("auto", "all", *EVALUATORS):
        raise QueryError(f"evaluator: expected auto, all or one of {', '.join(EVALUATORS)}, "
                         f"got {evaluator!r}", parameter="evaluator")
    present = sorted(set(frame["evaluator"])) if len(frame) else []
    if evaluator == "all" or not len(frame):
        return frame, present
    if evaluator == "auto":
        independent = {"third-party", "arena"} & set(present)
        if not independent:
            return frame, present
        keep = independent | {"user"}
    else:
        keep = {evaluator}
    out = frame[frame["evaluator"].isin(keep)]
    if out.empty:
        raise QueryError(f"evaluator: no {evaluator} scores on this metric (it has: "
                         f"{', '.join(present) or 'none'})", parameter="evaluator")
    return out, sorted(set(out["evaluator"]))


def _observations(store: Store, metric: str, ids: tuple[int, ...]) -> pd.DataFrame:
    frame = store.read("score", ids, equals={"metric": metric})
    frame["evaluator"] = evaluator_class(frame)
    frame = _as_lists(frame, ("organizations", "countries"))
    frame["release_date"] = pd.to_datetime(frame["release_date"])
    frame["observed_on"] = pd.to_datetime(frame["observed_on"])
    frame = _enrich_from_key_tables(store, frame)
    cat, _ = load_models(store, as_of=None)
    if len(cat):
        cat = cat.set_index("model_key")
        # Match the catalogue by the score's key, else by its model name.
        by_name = frame["model_name"].astype("string").str.strip().str.lower().str.replace(
            r"\s+", " ", regex=True)
        # (object dtype: pandas' isin over Arrow strings loops over the values in Python)
        known = frame["model_key"].astype(object).isin(cat.index.astype(object))
        key = frame["model_key"].where(known, by_name)
        missing_date = frame["release_date"].isna()
        frame.loc[missing_date, "release_date"] = key[missing_date].map(cat["release_date"])
        no_open = frame["open_weights"].isna()
        frame["open_weights"] = frame["open_weights"].astype("object")
        frame.loc[no_open, "open_weights"] = key[no_open].map(cat["open_weights"])
        no_c = frame["countries"].map(len) == 0
        frame.loc[no_c, "countries"] = key[no_c].map(cat["countries"]).map(
            lambda v: v if isinstance(v, list) else [])
    # Ratings tables give no release date: a model's first day on the leaderboard stands in.
    frame["date_source"] = "release"
    first_seen = frame["release_date"].isna() & frame["first_seen"].notna()
    frame.loc[first_seen, "release_date"] = frame.loc[first_seen, "first_seen"]
    frame.loc[first_seen, "date_source"] = "first rated"
    frame = frame[frame["release_date"].notna()]
    # Attribute once per model key, then spread to every observation.
    keys = frame.drop_duplicates("model_key")[["model_key", "model_name", "organizations",
                                               "countries"]]
    keys = fill_countries(keys).set_index("model_key")
    frame = frame.drop(columns=["countries", "organizations"]).join(
        keys[["countries", "organizations", "country_source"]], on="model_key")
    frame["open_weights"] = frame["open_weights"].astype("boolean")
    return _plain_text(frame.reset_index(drop=True))


def _plain_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects: the frames memoised here are filtered, joined and
    indexed a few thousand times a run, and taking rows of an Arrow-backed text column
    costs several times a numpy take. Values (and missing values) are unchanged."""
    text = [c for c, t in frame.dtypes.items() if isinstance(t, pd.StringDtype)]
    if text:
        frame = frame.astype(dict.fromkeys(text, object))
    return frame


def load_scores(
    store: Store, metric: str, *, as_of: date | None = None, evaluator: str = "auto",
    until: date | None = None,
) -> tuple[pd.DataFrame, Selection]:
    """Scores on one metric as of a date, one row per model key (see load_observations).

    For ratings observed over time the latest observation on or before ``as_of`` is used;
    where a model has several settings or sources, its best score among the chosen
    evaluator class (:func:`select_evaluators`; ``Selection.evaluators`` says which).
    ``until`` also leaves out models released and ratings observed after it while reading
    the vintages of ``as_of`` (a past period in another date's data).

    Memoised per store and arguments (the store forgets on every write); each call gets its
    own copy of the frame and the selection, which callers may annotate.
    """
    key = ("scores", metric, as_of, evaluator, until)
    if key not in store.cache:
        store.cache[key] = _load_scores(store, metric, as_of, evaluator, until)
    frame, sel = store.cache[key]
    return private_copy(frame), copy.deepcopy(sel)


def _load_scores(store: Store, metric: str, as_of: date | None, evaluator: str,
                 until: date | None) -> tuple[pd.DataFrame, Selection]:
    frame, sel = load_observations(store, metric, as_of=as_of)
    if until is not None:
        ts = pd.Timestamp(until)
        frame = frame[(frame["release_date"] <= ts)
                      & (frame["observed_on"].isna() | (frame["observed_on"] <= ts))]
    frame, sel.evaluators = select_evaluators(frame, evaluator)
    frame = _best_per_key(frame)
    ids = tuple(sorted(sel.vintages.values()))
    identity = memo(store, ("identity", metric, ids, evaluator),
                    lambda: _identity(store, metric, ids, evaluator))
    frame = frame.join(identity, on="model_key")
    return frame.reset_index(drop=True), sel


def _best_per_key(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per model key: the latest observation per setting and source, then the best
    of those; ordered by key, then value (highest first).

    Numpy sorts on integer codes (pandas multi-column sorts of string columns cost
    milliseconds per call, and this runs for every score request): the same rows in the
    same order as sorting by (key, observed_on) with missing dates first, keeping the last
    row per (key, setting, source), then sorting by key and value (descending; missing keys
    and values last, stable) and keeping the first row per key.
    """
    import numpy as np

    n = len(frame)
    if n == 0:
        return frame
    key, _ = pd.factorize(frame["model_key"], sort=True)  # missing -> -1
    setting, _ = pd.factorize(frame["setting"])
    source, _ = pd.factorize(frame["source_url"])
    observed = pd.to_datetime(frame["observed_on"]).to_numpy("datetime64[ns]").astype("int64")
    order = np.lexsort((observed, key))  # NaT is the smallest int64: missing dates first
    triple = ((key.astype("int64") + 1) * (setting.max() + 2) + setting + 1) \
        * (source.max() + 2) + source + 1
    rev = order[::-1]
    _, last = np.unique(triple[rev], return_index=True)
    kept = rev[last]
    rank = np.empty(n, dtype="int64")
    rank[order] = np.arange(n)
    kept = kept[np.argsort(rank[kept])]  # in the sorted order, as drop_duplicates keeps it
    key_last = np.where(key < 0, key.max() + 1, key)  # missing keys sort last here
    value = frame["value"].to_numpy(dtype="float64")
    desc = np.where(np.isnan(value), np.inf, -value)  # highest first, missing last
    kept = kept[np.lexsort((desc[kept], key_last[kept]))]
    _, first = np.unique(key_last[kept], return_index=True)
    return frame.iloc[kept[np.sort(first)]]


def _identity(store: Store, metric: str, ids: tuple[int, ...], evaluator: str
              ) -> pd.DataFrame:
    """model_key -> model_id, display_name over every key of the metric in these vintages
    (docs/identity.md), computed once and shared by every as-of question on them."""
    from aigap.attribution.identity import assign_model_ids

    frame = memo(store, ("observations", metric, ids),
                 lambda: _observations(store, metric, ids))
    frame, _ = select_evaluators(frame, evaluator)
    best = _best_per_key(frame)
    if best.empty:
        return pd.DataFrame(columns=["model_id", "display_name"],
                            index=pd.Index([], name="model_key"))
    got = assign_model_ids(best, key="model_key", name="model_name", date="release_date",
                           value="value").frame
    return _plain_text(got.set_index("model_key")[["model_id", "display_name"]])


def _enrich_from_key_tables(store: Store, frame: pd.DataFrame) -> pd.DataFrame:
    """Organisations and open weights for keys only a leaderboard's own tables describe.

    LMArena ratings name a model by its arena key; the arena's leaderboard tables (stored as
    ``model`` rows of source ``lmarena-tables``) map keys to an organisation and licence. The
    newest table that lists a key wins. Also adds ``first_seen``: the first date any rating
    of that key was observed (used when no release date is known).
    """
    keys = frame["model_key"].dropna().unique().tolist()
    out = frame.copy()
    if not keys:
        out["first_seen"] = pd.NaT
        return out
    tables = store.key_tables(keys)
    if len(tables):
        tables = tables[tables["organizations"].map(
            lambda v: v is not None and len(v) > 0)].drop_duplicates("model_key", keep="last")
        tables = tables.set_index("model_key")
        no_org = out["organizations"].map(len) == 0
        out.loc[no_org, "organizations"] = out.loc[no_org, "model_key"].map(
            tables["organizations"]).map(lambda v: list(v) if v is not None
                                         and not isinstance(v, float) else [])
        no_open = out["open_weights"].isna()
        out["open_weights"] = out["open_weights"].astype("object")
        out.loc[no_open, "open_weights"] = out.loc[no_open, "model_key"].map(
            tables["open_weights"])
    seen = store.first_observed(keys)
    if len(seen):
        out["first_seen"] = pd.to_datetime(out["model_key"].map(
            seen.set_index("model_key")["first_seen"]))
    else:
        out["first_seen"] = pd.NaT
    return out


def unmapped_keys(store: Store, metric_prefix: str = "arena_text") -> pd.DataFrame:
    """Rated model keys that cannot be attributed to any country (listed, never dropped)."""
    found = []
    for metric in metrics(store)["metric"]:
        if str(metric).startswith(metric_prefix) or metric_prefix == "":
            frame, _ = load_scores(store, str(metric))
            bad = frame[frame["countries"].map(len) == 0]
            if len(bad):
                found.append(bad.assign(metric=metric)[
                    ["metric", "model_key", "model_name", "organizations", "source_name"]])
    if not found:
        return pd.DataFrame(columns=["metric", "model_key", "model_name", "organizations",
                                     "source_name"])
    return pd.concat(found, ignore_index=True)


def read_table(
    store: Store,
    table: str,
    *,
    source: str,
    as_of: date | None = None,
    all_vintages: bool = False,
) -> tuple[pd.DataFrame, Selection]:
    """Rows of a canonical table from one source's chosen vintages.

    With ``all_vintages`` every dataset's vintage for ``as_of`` is read (TOP500: one dataset
    per edition) and editions dated after ``as_of`` are left out.
    """
    sel = choose_vintages(store, as_of, (source,))
    sel.bundled_snapshot = store.bundled_snapshot(sel.vintages.values())
    if all_vintages and as_of is not None:
        frame = store.vintages(source=source)
        late = set(frame.loc[pd.to_datetime(frame["data_as_of"]) > pd.Timestamp(as_of),
                             "dataset"])
        sel.vintages = {d: v for d, v in sel.vintages.items() if d not in late}
        sel.data_dates = {d: v for d, v in sel.data_dates.items() if d not in late}
        sel.warnings = [w for w in sel.warnings if not any(d in w for d in late)]
    return store.read(table, sel.vintages.values()), sel


def load_index_rows(store: Store, *, as_of: date | None = None
                    ) -> tuple[pd.DataFrame, Selection]:
    """The raw benchmark rows aigap's capability index (``aci``) fits, with their vintages.

    Reads ``benchmark_row`` from each benchmark dataset's vintage for ``as_of`` (current by
    default), groups versions into models by the stored ECI file's model names and release
    dates (see :func:`aigap.sources.epoch_irt.group_rows`) and adds benchmark release dates
    from ``benchmark_info``. The rows are *not* cut to ``as_of`` here: the fit's as-of rule
    (:func:`aigap.analysis.index.rows_as_of`) does that, on release, run and benchmark dates.

    Raises:
        QueryError: no raw benchmark rows are stored (run ``aigap update``).
    """
    row_sets = store.table_datasets("benchmark_row")
    if not row_sets:
        raise QueryError("metric: no raw benchmark rows for 'aci' in the store; run `aigap "
                         "update` (or `aigap update --from DIR` with Epoch's benchmark_data) "
                         "first", parameter="metric")
    datasets = (row_sets | store.table_datasets("benchmark_info")
                | store.table_datasets("model_group"))
    sel = choose_vintages(store, as_of, None, datasets)
    fallback = [w for w in sel.warnings if w.startswith("no vintage of ")]
    if len(fallback) > 1:
        sel.warnings = [w for w in sel.warnings if w not in fallback] + [
            f"no vintage of {len(fallback)} benchmark datasets is as old as {as_of}; the "
            "oldest stored are used, cut to the rows dated on or before it (no hindsight)"]
    ids = tuple(sorted(sel.vintages.values()))
    frame = memo(store, ("index_rows", ids), lambda: _index_rows(store, ids))
    if len(frame):
        newest = frame["release_date"].max()
        sel.coverage_end = None if pd.isna(newest) else pd.Timestamp(newest).date()
    return frame, sel


def load_published_eci(store: Store, selection: Selection) -> pd.DataFrame:
    """Epoch's published ECI per fitted model (DataFrame[model_key, eci]) in the vintages of
    ``selection`` (from :func:`load_index_rows`), keyed like the index's model groups."""
    from aigap.sources.readers import model_key

    ids = tuple(sorted(selection.vintages.values()))
    eci = memo(store, ("index_groups", ids), lambda: _eci_groups(store, ids))
    out = pd.DataFrame({"model_key": model_key(eci["group_name"]).astype(str),
                        "eci": eci["eci"]}).dropna(subset=["eci"])
    return out.drop_duplicates("model_key").reset_index(drop=True)


def _eci_groups(store: Store, ids: tuple[int, ...]) -> pd.DataFrame:
    from aigap.sources.epoch_irt import published_groups

    groups = _as_lists(store.read("model_group", ids), ("countries",))
    return published_groups(groups.drop(columns=["vintage_id", "dataset", "source"]))


def _index_rows(store: Store, ids: tuple[int, ...]) -> pd.DataFrame:
    from aigap.sources.epoch_irt import group_rows

    raw = _as_lists(store.read("benchmark_row", ids), ("countries",))
    raw = raw.rename(columns={"release_date": "version_date"})
    for col in ("version_date", "run_date"):
        raw[col] = pd.to_datetime(raw[col])
    eci = memo(store, ("index_groups", ids), lambda: _eci_groups(store, ids))
    info = store.read("benchmark_info", ids)
    released = pd.Series(pd.to_datetime(info["release_date"]).to_numpy(),
                         index=info["benchmark"].astype(str))
    released = released[~released.index.duplicated()]
    return group_rows(raw.drop(columns=["vintage_id", "dataset", "source"]), eci, released)
