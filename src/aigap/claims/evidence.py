"""What a claim's evaluation produces, and the helpers every claim family shares.

:class:`Evidence` is one metric's measurement of one test at one date; :class:`TestOutcome`
a test's verdict; :class:`DateVerdict` a claim's verdict at one date; :class:`ClaimResult`
a claim with both dates. :class:`Context` carries the store and settings of one run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from aigap.analysis.common import fmt, num
from aigap.api.capability import DEFAULT_BOOTSTRAP, DEFAULT_LEVEL
from aigap.claims import verdict as V
from aigap.claims.schema import Claim, ClaimTest
from aigap.errors import AigapError

if TYPE_CHECKING:
    from aigap.api import Store

__all__ = ["MIN_TREND_DAYS", "ClaimResult", "Context", "DateVerdict", "Evidence", "Options",
           "TestOutcome", "claimed_range", "fmt_value", "sentence", "untestable"]

MIN_TREND_DAYS = 90


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

    def to_dict(self) -> dict[str, Any]:
        h = self.headline_evidence
        return {
            "label": self.test.label, "family": self.test.family,
            "claimed": {"low": self.test.low, "high": self.test.high,
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

    @property
    def explanation(self) -> str:
        if not self.tests:
            return "Recorded figure(s) only: no data source can test this claim yet."
        return " ".join(t.explanation for t in self.tests)

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "verdict": self.verdict,
                "explanation": self.explanation,
                "tests": [t.to_dict() for t in self.tests]}


@dataclass
class ClaimResult:
    """A claim with its verdict as of its own date and as of the evaluation date."""

    claim: Claim
    at_claim: DateVerdict
    at_as_of: DateVerdict

    def row(self) -> dict[str, Any]:
        """One flat row for tables and CSV."""
        def head(dv: DateVerdict) -> str:
            metrics = [t.headline_evidence.metric for t in dv.tests
                       if t.headline_evidence is not None and t.headline_evidence.metric]
            return ", ".join(dict.fromkeys(metrics))

        return {"id": self.claim.id, "speaker": self.claim.speaker,
                "date": self.claim.date.isoformat(), "claim": self.claim.claim,
                "verdict_at_claim": self.at_claim.verdict,
                "metric_at_claim": head(self.at_claim),
                "as_of": self.at_as_of.as_of.isoformat(),
                "verdict_as_of": self.at_as_of.verdict,
                "metric_as_of": head(self.at_as_of)}

    def to_dict(self) -> dict[str, Any]:
        c = self.claim
        return {
            "id": c.id, "speaker": c.speaker, "publication": c.publication, "url": c.url,
            "date": c.date.isoformat(), "date_note": c.date_note, "claim": c.claim,
            "note": c.note, "testable": c.testable,
            "record": [r.model_dump(mode="json") for r in c.record],
            "at_claim_date": self.at_claim.to_dict(),
            "as_of": self.at_as_of.to_dict(),
        }


@dataclass
class Options:
    """Evaluation settings: the same defaults as ``aigap lag`` and ``aigap compute``, so a
    claim's evidence is the very number those commands print."""

    bootstrap: int = DEFAULT_BOOTSTRAP
    seed: int = 0
    level: float = DEFAULT_LEVEL
    compute_boot: int = DEFAULT_BOOTSTRAP


# --------------------------------------------------------------------------------- helpers


def fmt_value(v: float | None, digits: int = 1) -> str:
    """A number in an explanation ("?" unknown, "∞" infinite)."""
    return fmt(v, digits)


def claimed_range(t: ClaimTest) -> str:
    """The claimed value as text: a direction, a range or a bound."""
    if t.direction:
        return t.direction
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
    """The store plus caches shared by every claim of one evaluation run."""

    def __init__(self, store: Store, options: Options) -> None:
        self.store = store
        self.options = options
        self._ends: dict[tuple[str, date], date | None] = {}

    def data_end(self, metric: str, when: date) -> date | None:
        """Newest release date among ``metric`` scores available as of ``when``."""
        from aigap.api.catalogue import scores

        key = (metric, when)
        if key not in self._ends:
            try:
                frame = scores(metric, as_of=when, store=self.store)
            except AigapError:
                self._ends[key] = None
            else:
                self._ends[key] = (frame["release_date"].max().date()
                                   if len(frame) else None)
        return self._ends[key]


