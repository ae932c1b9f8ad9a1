"""Forgiving name matching for what users type: metric, group and source names.

``match_name("GPQA Diamond", {"gpqa_diamond": "GPQA Diamond", ...}, what="metric",
parameter="--metric")`` returns ``"gpqa_diamond"``. Matching ignores case and the
separators people use interchangeably (spaces, underscores, hyphens, dots), and accepts a
candidate's id or its readable name. A name that matches nothing is refused with the closest
candidates ("did you mean ...?") and the command that lists them all, never a cut-off list.

Pure: no store, no I/O.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from aigap.errors import QueryError

__all__ = [
    "LISTING_COMMANDS",
    "METRIC_NAMES",
    "match_name",
    "metric_candidates",
    "normalise_name",
    "suggestions",
]

#: The command that lists every valid name, per kind of name.
LISTING_COMMANDS: dict[str, str] = {
    "metric": "aigap metrics",
    "source": "aigap sources",
    "group": "aigap lag --help",
}

#: How many suggestions a refusal names at most.
MAX_SUGGESTIONS = 3

#: Readable names of metrics whose id is not simply the name with underscores.
METRIC_NAMES: dict[str, str] = {
    "eci": "Epoch Capabilities Index",
    "gpqa_diamond": "GPQA Diamond",
    "math_level_5": "MATH Level 5",
    "math_500": "MATH-500",
    "swe_bench_verified": "SWE-bench Verified",
    "hle": "Humanity's Last Exam",
    "otis_mock_aime_2024_2025": "OTIS Mock AIME",
    "mmlu": "MMLU",
    "humaneval": "HumanEval",
}

_SEPARATORS = re.compile(r"[\s_\-.]+")


def normalise_name(text: str) -> str:
    """The form names are compared in: case-folded, separators (space _ - .) removed."""
    return _SEPARATORS.sub("", str(text).casefold())


def metric_candidates(ids: Iterable[str]) -> dict[str, str]:
    """Candidates for :func:`match_name` from the metric ids in the store."""
    return {str(i): METRIC_NAMES.get(str(i), str(i)) for i in ids}


def _index(candidates: Mapping[str, str]) -> dict[str, set[str]]:
    """normalised id or readable name -> the ids it denotes."""
    index: dict[str, set[str]] = {}
    for ident, readable in candidates.items():
        for form in (ident, readable):
            if form:
                index.setdefault(normalise_name(form), set()).add(ident)
    return index


def suggestions(query: str, candidates: Mapping[str, str], *,
                limit: int = MAX_SUGGESTIONS) -> list[str]:
    """The ids closest to ``query``: prefix/substring hits first, then difflib's closest.

    Compared on normalised ids and readable names; at most ``limit`` ids, best first.
    """
    q = normalise_name(query)
    if not q:
        return []
    index = _index(candidates)
    found: list[str] = []

    def add(ids: set[str]) -> None:
        for ident in sorted(ids):
            if ident not in found:
                found.append(ident)

    # "gpqa" -> gpqa_diamond: the query starts (or is contained in) a longer name.
    for form in sorted(index, key=lambda f: (not f.startswith(q), len(f), f)):
        if form.startswith(q) or (len(q) >= 3 and q in form):
            add(index[form])
    for form in difflib.get_close_matches(q, list(index), n=limit * 2, cutoff=0.6):
        add(index[form])
    return found[:limit]


def match_name(query: str, candidates: Mapping[str, str], *, what: str,
               parameter: str, hint: str | None = None) -> str:
    """The id in ``candidates`` that ``query`` names, case- and separator-blind.

    Args:
        query: what the user typed ("ECI", "GPQA Diamond", "gpqa-diamond").
        candidates: id -> readable name (the name may equal the id).
        what: the kind of name, for the message ("metric", "group", "source").
        parameter: the flag or argument it came from ("--metric"), for the message.
        hint: the command listing every valid name; default from :data:`LISTING_COMMANDS`.

    Returns:
        The matching id, exactly as a key of ``candidates``.

    Raises:
        QueryError: nothing matches (the message names the closest ids, at most
            :data:`MAX_SUGGESTIONS`, and the listing command), or the query names several
            candidates equally (the message lists them).
    """
    if query in candidates:
        return query
    index = _index(candidates)
    hits = index.get(normalise_name(query), set())
    if len(hits) == 1:
        return next(iter(hits))
    see = hint or LISTING_COMMANDS.get(what)
    tail = f" (see `{see}`)" if see else ""
    if len(hits) > 1:
        raise QueryError(f"{parameter}: {what} {query!r} is ambiguous; it could be "
                         f"{_or(sorted(hits))}{tail}")
    close = suggestions(query, candidates)
    if not candidates:
        raise QueryError(f"{parameter}: unknown {what} {query!r}; none are available{tail}")
    guess = f"; did you mean {_or(close)}?" if close else ""
    raise QueryError(f"{parameter}: unknown {what} {query!r}{guess}{tail}")


def _or(ids: list[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    if len(ids) <= 1:
        return "".join(ids)
    return ", ".join(ids[:-1]) + " or " + ids[-1]
