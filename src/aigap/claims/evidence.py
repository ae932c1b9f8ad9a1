"""What a claim's evaluation produces, and the helpers every claim family shares.

:class:`Evidence` is one metric's measurement of one test at one date; :class:`TestOutcome`
a part's verdict (each test of a claim is one part it states: a mean, a range, a direction,
a count...); :class:`DateVerdict` a claim's verdict for one :class:`Question`;
:class:`ClaimResult` a claim with its questions. :class:`Context` carries the store, the
settings and the caches of one run.

The questions, named as such:

- ``at_the_time``: the data as it stood on the claim's date (the vintages of that date;
  where only a later vintage exists the verdict says so), about the period the claim names;
- ``today_same_period``: today's data (the vintages of ``--as-of``), about the same period;
- ``come_true``: for claims about the future only ("will only widen", "for a long time"):
  what happened after the claim, up to the newest data (never extrapolated past it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from aigap.analysis.common import fmt, num
from aigap.api.capability import DEFAULT_LEVEL
from aigap.claims import verdict as V
from aigap.claims.schema import Claim, ClaimTest
from aigap.errors import AigapError

if TYPE_CHECKING:
    from aigap.api import Store

__all__ = ["AT_THE_TIME", "COME_TRUE", "MIN_TREND_DAYS", "QUESTIONS", "TODAY",
           "ClaimResult", "Context", "DateVerdict", "Evidence", "Options", "Question",
           "TestOutcome", "claimed_range", "fmt_value", "later_vintage_note", "sentence",
           "untestable"]

AT_THE_TIME = "at_the_time"
TODAY = "today_same_period"
COME_TRUE = "come_true"
#: Question id -> the words tables and reports use for it.
QUESTIONS: dict[str, str] = {
    AT_THE_TIME: "at the time (data as it stood on the claim's date)",
    TODAY: "with today's data, about the same period",
    COME_TRUE: "has it come true (after the claim, to the newest data)",
}


@dataclass(frozen=True)
class Question:
    """Which data a claim is tested on and which period it is about.

    ``data_as_of``: the date whose data vintages are read (None: the current ones);
    ``end``: the date the claim is about (its own date, or the date a test names), or for
    ``come_true`` the evaluation date (capped at the newest data by each family).
    """

    name: str
    data_as_of: date | None
    end: date

    @property
    def title(self) -> str:
        return QUESTIONS[self.name]

MIN_TREND_DAYS = 90
#: Bootstrap resamples per estimate in claim evaluations (every door's default).
CLAIMS_BOOTSTRAP = 300


@dataclass
class Evidence:
    """One metric's measurement of one test at one date, with its verdict."""

    metric: str | None
    statistic: str
    estimate: float | None
    lower: float | None
    upper: float | None
    unit: str
    verdict: str
    method: str
    explanation: str
    evaluated_at: date | None = None
    n_leader: int = 0
    n_follower: int = 0
    data: dict[str, Any] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)
    #: the api result behind the figure (for charts; not part of the JSON)
    report: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric, "statistic": self.statistic,
            "estimate": num(self.estimate), "lower": num(self.lower),
            "upper": num(self.upper), "unit": self.unit, "verdict": self.verdict,
            "method": self.method, "explanation": self.explanation,
            "evaluated_at": self.evaluated_at.isoformat() if self.evaluated_at else None,
            "n_models": {"leader": self.n_leader, "follower": self.n_follower},
            "data": self.data, "detail": self.detail,
        }


@dataclass
class TestOutcome:
    """A test's verdict at one date: the headline metric and every metric's evidence."""

    test: ClaimTest
    verdict: str
    headline: int | None
    reason: str
    evidence: list[Evidence]
    why: str = ""

    @property
    def kind(self) -> str:
        """What part of the claim this is: mean, min, max, value, range, direction..."""
        t = self.test
        if t.family == "trend" or t.direction:
            return "direction"
        stat = t.statistic or ""
        for k in ("mean", "min", "max"):
            if stat.endswith(k) or f"_{k}" in stat:
                return k
        if t.family in ("count", "model_count"):
            return "count"
        if t.horizon == "since_claim":
            return "range held"
        return "value" if t.about else ("range" if t.low is not None and t.high is not None
                                        else "bound")

    @property
    def tolerance(self) -> str:
        """The tolerance used and why (the claim's reading, in words)."""
        t = self.test
        if t.tolerance:
            return t.tolerance
        if t.family == "trend":
            return ("the trend test's interval must lie wholly on the claimed side of zero "
                    "(aigap trend)")
        if t.about:
            return ("the stated figure plus half a unit of its rounding; supported when the "
                    "measured interval overlaps it")
        return "none beyond the stated range; supported when the whole interval lies inside"

    @property
    def disagreement(self) -> str:
        """Metrics whose verdict differs from the headline's ('' when all agree)."""
        h = self.headline_evidence
        if h is None:
            return ""
        other = [f"{e.verdict} on {e.metric}" for e in self.evidence
                 if e is not h and e.verdict not in (V.UNTESTABLE, h.verdict)]
        return "; ".join(other)

    @property
    def headline_evidence(self) -> Evidence | None:
        return None if self.headline is None else self.evidence[self.headline]

    @property
    def explanation(self) -> str:
        """The headline metric's sentence, or every metric's reason when none has data."""
        h = self.headline_evidence
        if h is not None:
            return h.explanation
        return " ".join(e.explanation for e in self.evidence) or self.reason

    def part(self) -> dict[str, Any]:
        """The part in one flat mapping: claimed, measured with interval, tolerance, verdict."""
        h = self.headline_evidence
        t = self.test
        return {
            "part": t.label or self.kind, "kind": self.kind,
            "claimed": {"text": claimed_range(t), "value": t.value, "low": t.low,
                        "high": t.high, "direction": t.direction, "unit": t.unit},
            "measured": {"metric": h.metric if h else None,
                         "estimate": num(h.estimate) if h else None,
                         "lower": num(h.lower) if h else None,
                         "upper": num(h.upper) if h else None,
                         "unit": h.unit if h else t.unit,
                         "evaluated_at": (h.evaluated_at.isoformat()
                                          if h and h.evaluated_at else None)},
            "tolerance": self.tolerance, "verdict": self.verdict,
            "why": self.why or self.explanation,
            "metrics_disagree": self.disagreement or None,
        }

    def to_dict(self) -> dict[str, Any]:
        h = self.headline_evidence
        return {
            **self.part(),
            "label": self.test.label, "family": self.test.family,
            "test": {"low": self.test.low, "high": self.test.high,
                        "direction": self.test.direction, "unit": self.test.unit,
                        "statistic": self.test.statistic, "horizon": self.test.horizon,
                        "at": self.test.at.isoformat() if self.test.at else None},
            "groups": {"leader": self.test.leader, "follower": self.test.follower},
            "attribution": self.test.attribution,
            "verdict": self.verdict,
            "headline_metric": h.metric if h else None,
            "headline_reason": self.reason,
            "explanation": self.explanation,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass
class DateVerdict:
    """A claim's verdict as of one date."""

    as_of: date
    verdict: str
    tests: list[TestOutcome]
    question: str = AT_THE_TIME
    note: str = ""
    needs: str | None = None

    @property
    def parts(self) -> list[TestOutcome]:
        return self.tests

    @property
    def explanation(self) -> str:
        if not self.tests:
            return ("Recorded figure(s) only: no data source aigap imports can test this "
                    f"claim yet{f' (it would need {self.needs})' if self.needs else ''}.")
        text = " ".join(t.explanation for t in self.tests)
        return f"{self.note} {text}".strip()

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "question_text": QUESTIONS[self.question],
                "as_of": self.as_of.isoformat(), "verdict": self.verdict,
                "note": self.note or None, "explanation": self.explanation,
                "parts": [t.to_dict() for t in self.tests]}


@dataclass
class ClaimResult:
    """A claim with its verdict as of its own date and as of the evaluation date."""

    claim: Claim
    at_time: DateVerdict
    today: DateVerdict
    come_true: DateVerdict | None = None

    @property
    def at_claim(self) -> DateVerdict:
        """Alias of :attr:`at_time` (the first question)."""
        return self.at_time

    @property
    def at_as_of(self) -> DateVerdict:
        """Alias of :attr:`today` (today's data about the claim's period)."""
        return self.today

    @property
    def verdict(self) -> str:
        """The headline verdict: has it come true (claims about the future), else today's
        data about the claim's period."""
        return (self.come_true or self.today).verdict

    def parts_text(self) -> str:
        """The parts' verdicts in a few words, for tables ("mean: supported; min: ...")."""
        dv = self.come_true or self.today

        def one(t: TestOutcome) -> str:
            h = t.headline_evidence
            split = (f" ({h.metric}; {t.disagreement})" if h is not None and t.disagreement
                     else "")
            return f"{t.test.label or t.kind}: {t.verdict}{split}"

        return "; ".join(one(t) for t in dv.tests)

    def row(self) -> dict[str, Any]:
        """One flat row for tables and CSV."""
        def head(dv: DateVerdict) -> str:
            metrics = [t.headline_evidence.metric for t in dv.tests
                       if t.headline_evidence is not None and t.headline_evidence.metric]
            return ", ".join(dict.fromkeys(metrics))

        return {"id": self.claim.id, "speaker": self.claim.speaker,
                "date": self.claim.date.isoformat(), "claim": self.claim.claim,
                "verdict_at_claim": self.at_time.verdict,
                "metric_at_claim": head(self.at_time),
                "as_of": self.today.as_of.isoformat(),
                "verdict_as_of": self.today.verdict,
                "metric_as_of": head(self.today),
                "verdict_today": self.today.verdict,
                "verdict_come_true": self.come_true.verdict if self.come_true else "",
                "verdict": self.verdict, "parts": self.parts_text()}

    def to_dict(self) -> dict[str, Any]:
        c = self.claim
        return {
            "id": c.id, "speaker": c.speaker, "publication": c.publication, "url": c.url,
            "date": c.date.isoformat(), "date_note": c.date_note, "claim": c.claim,
            "note": c.note, "testable": c.testable,
            "record": [r.model_dump(mode="json") for r in c.record],
            "needs": c.needs, "verdict": self.verdict,
            "questions": {q.question: q.to_dict() for q in
                          (self.at_time, self.today, self.come_true) if q is not None},
            "at_claim_date": self.at_time.to_dict(),
            "as_of": self.today.to_dict(),
        }


@dataclass
class Options:
    """Evaluation settings. The defaults are those of ``aigap claims`` (300 resamples), shared
    by every door (CLI, web, report) so they share one cached result; a claim's lag evidence
    is the number ``aigap lag --bootstrap 300`` prints for the same request."""

    bootstrap: int = CLAIMS_BOOTSTRAP
    seed: int = 0
    level: float = DEFAULT_LEVEL
    compute_boot: int = CLAIMS_BOOTSTRAP


# --------------------------------------------------------------------------------- helpers


def fmt_value(v: float | None, digits: int = 1) -> str:
    """A number in an explanation ("?" unknown, "∞" infinite)."""
    return fmt(v, digits)


def claimed_range(t: ClaimTest) -> str:
    """The claimed value as text: a direction, a range or a bound."""
    if t.direction:
        return t.direction
    if t.value is not None:
        band = (f" (read as {fmt_value(t.low, 2)} to {fmt_value(t.high, 2)})"
                if t.low is not None and t.high is not None else "")
        return f"about {fmt_value(t.value, 2)} {t.unit}{band}".replace("  ", " ")
    if t.low is not None and t.high is not None:
        return f"[{fmt_value(t.low)}, {fmt_value(t.high)}] {t.unit}".strip()
    if t.low is not None:
        return f">= {fmt_value(t.low)} {t.unit}".strip()
    return f"<= {fmt_value(t.high)} {t.unit}".strip()


def untestable(t: ClaimTest, metric: str | None, why: str, when: date,
               method: str) -> Evidence:
    """Evidence with no estimate: the reason the data cannot test the claim then."""
    return Evidence(metric, t.statistic or "", None, None, None, t.unit, V.UNTESTABLE,
                    method, f"Untestable{f' on {metric}' if metric else ''} as of {when}: "
                    f"{why}", evaluated_at=when)


def sentence(t: ClaimTest, metric: str | None, what: str, est: float | None,
             lo: float | None, hi: float | None, unit: str, when: date, verdict: str,
             level: float) -> str:
    """The one-sentence explanation of a measured value against the claim."""
    iv = "" if lo is None or hi is None or lo == hi else (
        f" ({int(level * 100)}% interval {fmt_value(lo)} to {fmt_value(hi)})")
    on = f" on {metric}" if metric else ""
    return (f"{what}{on} was {fmt_value(est)} {unit}{iv} as of {when} ({t.follower} vs "
            f"{t.leader}, {t.attribution} attribution); claimed {claimed_range(t)}: {verdict}.")


class Context:
    """The store, the settings and the caches shared by every claim of one run.

    ``as_of`` is the evaluation date (the data of ``today_same_period`` and the end of
    ``come_true``). Each family asks :mod:`aigap.api` identical requests where the question
    is the same, so the api's memo (``store.cache``) computes each lag once per run.
    """

    def __init__(self, store: Store, options: Options, as_of: date | None = None) -> None:
        self.store = store
        self.options = options
        self.as_of = as_of or date.today()
        self._dates: dict[tuple[str, date | None], Any] = {}
        self.memo: dict[tuple[Any, ...], Any] = {}

    def data_end(self, metric: str, q: Question) -> date | None:
        """Newest release date among ``metric`` scores in the data of ``q`` on or before
        its end date (None: no such scores)."""
        import pandas as pd

        from aigap.api.catalogue import scores

        key = (metric, q.data_as_of)
        if key not in self._dates:
            try:
                frame = scores(metric, as_of=q.data_as_of, store=self.store)
            except AigapError:
                self._dates[key] = None
            else:
                self._dates[key] = frame["release_date"].dropna().sort_values().to_numpy()
        dates = self._dates[key]
        if dates is None:
            return None
        dates = dates[dates <= pd.Timestamp(q.end).to_datetime64()]
        return pd.Timestamp(dates[-1]).date() if len(dates) else None

    def cached(self, key: tuple[Any, ...], build: Any) -> Any:
        """Compute ``build()`` once per run for ``key``."""
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]


def later_vintage_note(selection: Any, q: Question) -> str:
    """For the first question: say so when the data read is newer than the claim's date
    (no stored vintage is that old)."""
    if q.name != AT_THE_TIME or selection is None:
        return ""
    late = sorted({d for d in selection.data_dates.values()
                   if d is not None and d > q.end})
    if not late:
        return ""
    return (f"No stored vintage is as old as {q.end}: the oldest available (data to "
            f"{late[-1]}) is used, restricted to models and ratings dated by then.")
