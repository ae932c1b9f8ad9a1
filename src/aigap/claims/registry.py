"""Load and validate claim registries: the YAML files shipped in the package and user files.

Every mistake in a claim is reported as one :class:`~aigap.errors.ClaimError` naming the
file, the claim id and the field (``column="<claim id>.<field>"``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from aigap.claims.schema import Claim
from aigap.errors import ClaimError

#: Metric ids accepted without a store to check against (the store's metrics are added
#: when the CLI has one).
KNOWN_METRICS: frozenset[str] = frozenset({
    "eci", "gpqa_diamond", "mmlu", "arena_text", "hella_swag", "lambada", "trivia_qa",
    "wino_grande", "piqa", "bool_q", "arc_ai2", "open_book_qa", "science_qa", "superglue",
    "gsm8k", "bbh", "math_level_5", "frontiermath", "swe_bench_verified", "simpleqa_verified",
    "otis_mock_aime_2024_2025", "mt_bench", "hf_open_llm_v1_avg", "hf_open_llm_v2_avg",
    "live_bench", "hle", "mmmu", "math", "human_eval",
})


def _yaml_load(text: str, file: str) -> Any:
    import yaml

    class _Loader(yaml.SafeLoader):
        """Leaves dates as text so pydantic validates them (and names the field)."""

    _Loader.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ClaimError(f"not valid YAML ({problem})", file=file, row=row) from None


def _entries(data: Any, file: str) -> list[Any]:
    if data is None:
        return []
    if isinstance(data, dict) and "claims" in data:
        data = data["claims"]
    if not isinstance(data, list):
        raise ClaimError("expected a list of claims (or a mapping with a 'claims' list)",
                         file=file)
    return data


def _field_path(loc: Sequence[Any]) -> str:
    return ".".join(str(p) for p in loc) or "claim"


def parse_claim(raw: Any, file: str, index: int) -> Claim:
    """Validate one raw YAML mapping into a :class:`Claim`.

    Raises:
        ClaimError: naming the file, the claim id (or its position) and the field.
    """
    from pydantic import ValidationError

    if not isinstance(raw, dict):
        raise ClaimError(f"claim #{index + 1} is not a mapping", file=file,
                         column=f"#{index + 1}")
    cid = str(raw.get("id") or f"#{index + 1}")
    try:
        return Claim.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = str(err["msg"]).removeprefix("Value error, ")
        loc = list(err["loc"])
        # A model-level check (loc ends at a claim or a test) names its field first.
        m = re.match(r"^([a-z_/]+): (.*)$", msg)
        if m and (not loc or isinstance(loc[-1], int)):
            loc.append(m.group(1))
            msg = m.group(2)
        fld = _field_path(loc)
        raise ClaimError(msg, file=file, column=f"{cid}.{fld}") from None


def check_claim(claim: Claim, file: str, *, today: date | None = None,
                known_metrics: Iterable[str] | None = None) -> None:
    """Checks that need context: dates not in the future, known groups and metrics.

    Raises:
        ClaimError: naming the file, the claim id and the field.
    """
    from aigap.api.catalogue import attribution_rule, group
    from aigap.errors import AigapError

    now = today or date.today()
    metrics = set(KNOWN_METRICS) | set(known_metrics or ())

    def bad(field: str, message: str) -> ClaimError:
        return ClaimError(message, file=file, column=f"{claim.id}.{field}")

    if claim.date > now:
        raise bad("date", f"date {claim.date} is in the future (today is {now})")
    for i, rec in enumerate(claim.record):
        if rec.date > now:
            raise bad(f"record.{i}.date", f"date {rec.date} is in the future")
    for i, t in enumerate(claim.tests):
        for name in ("at", "since", "reference_date"):
            d = getattr(t, name)
            if d is not None and d > now:
                raise bad(f"tests.{i}.{name}", f"date {d} is in the future (today is {now})")
        for name in ("leader", "follower"):
            try:
                group(getattr(t, name))
            except AigapError as exc:
                raise bad(f"tests.{i}.{name}", str(exc)) from None
        try:
            attribution_rule(t.attribution)
        except AigapError as exc:
            raise bad(f"tests.{i}.attribution", str(exc)) from None
        for m in t.metrics or ():
            if m not in metrics:
                raise bad(f"tests.{i}.metrics",
                          f"unknown metric {m!r}; expected one such as eci, gpqa_diamond, "
                          "mmlu, arena_text (see `aigap metrics`)")


def load_file(path: Path | str, *, today: date | None = None,
              known_metrics: Iterable[str] | None = None) -> list[Claim]:
    """Read and validate one YAML claims file.

    Raises:
        ClaimError: the file cannot be read, is not valid YAML, or a claim is invalid.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ClaimError(f"cannot read claims file ({exc.strerror or exc})",
                         file=str(p)) from None
    return parse_text(text, str(p), today=today, known_metrics=known_metrics)


def parse_text(text: str, file: str, *, today: date | None = None,
               known_metrics: Iterable[str] | None = None) -> list[Claim]:
    """Validate the claims in a YAML text (``file`` names it in errors)."""
    out = []
    for i, raw in enumerate(_entries(_yaml_load(text, file), file)):
        claim = parse_claim(raw, file, i)
        check_claim(claim, file, today=today, known_metrics=known_metrics)
        out.append(claim)
    return out


def shipped_files() -> list[tuple[str, str]]:
    """(name, text) of every YAML file shipped in ``aigap/claims/registry``."""
    root = resources.files("aigap.claims") / "registry"
    return sorted((f"registry/{f.name}", f.read_text(encoding="utf-8"))
                  for f in root.iterdir() if f.name.endswith((".yaml", ".yml")))


def load_claims(paths: Iterable[Path | str] = (), *, shipped: bool = True,
                today: date | None = None,
                known_metrics: Iterable[str] | None = None) -> list[Claim]:
    """The shipped registry plus user files (a folder means every *.yaml in it).

    A user claim with the id of a shipped one replaces it.

    Raises:
        ClaimError: any invalid claim, or the same id twice within the loaded files.
    """
    known = list(known_metrics or ())
    sources: list[tuple[str, list[Claim]]] = []
    if shipped:
        for name, text in shipped_files():
            sources.append((name, parse_text(text, name, today=today, known_metrics=known)))
    for raw in paths:
        p = Path(raw)
        files = sorted([*p.glob("*.yaml"), *p.glob("*.yml")]) if p.is_dir() else [p]
        if p.is_dir() and not files:
            raise ClaimError("no *.yaml claims files in this folder", file=str(p))
        for f in files:
            sources.append((str(f), load_file(f, today=today, known_metrics=known)))
    by_id: dict[str, Claim] = {}
    origin: dict[str, str] = {}
    for file, claims in sources:
        seen_here: set[str] = set()
        for c in claims:
            if c.id in seen_here:
                raise ClaimError("claim id appears twice in this file", file=file,
                                 column=f"{c.id}.id")
            seen_here.add(c.id)
            by_id[c.id] = c
            origin[c.id] = file
    return list(by_id.values())
