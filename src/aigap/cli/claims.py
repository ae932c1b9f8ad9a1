"""Claims commands: ``aigap claims`` (verdict table) and ``aigap claims show ID``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aigap.cli.app import FormatOption, app, check_format, echo_json, print_store_note, state

if TYPE_CHECKING:
    from aigap.claims.evaluate import ClaimResult

claims_app = typer.Typer(help="Dated public claims about the gap, with verdicts and evidence.",
                         invoke_without_command=True, no_args_is_help=False)
app.add_typer(claims_app, name="claims")

ClaimsPath = Annotated[list[Path] | None, typer.Option(
    "--claims", help="Extra claims file (YAML) or folder; repeatable. A claim with a shipped "
    "claim's id replaces it.")]
AsOf = Annotated[str | None, typer.Option(
    "--as-of", help="Second evaluation date (YYYY-MM-DD; default today).")]
Bootstrap = Annotated[int, typer.Option("--bootstrap", help="Bootstrap resamples per "
                                        "estimate.")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of the random generator.")]


def _run(ids: list[str] | None, as_of: str | None, claims: list[Path] | None,
         bootstrap: int, seed: int) -> list[ClaimResult]:
    from aigap.api import metrics
    from aigap.api.context import analysis_store, check_seed, parse_as_of
    from aigap.claims.cache import evaluate_cached
    from aigap.claims.evaluate import Options
    from aigap.claims.registry import load_claims
    from aigap.errors import ClaimError, QueryError

    when = parse_as_of(as_of, "--as-of")
    seed = check_seed(seed, "--seed")
    if bootstrap < 0:
        raise QueryError(f"--bootstrap: expected a number >= 0, got {bootstrap}")
    with analysis_store(state.home) as store:
        known = metrics(store=store)["metric"].tolist()
        found = load_claims(claims or (), known_metrics=known)
        if ids:
            have = {c.id for c in found}
            missing = [i for i in ids if i not in have]
            if missing:
                raise ClaimError(f"--id: no claim {missing[0]!r}; see `aigap claims`")
            found = [c for c in found if c.id in ids]
        return evaluate_cached(found, store=store, as_of=when or date.today(),
                               options=Options(bootstrap=bootstrap, seed=seed,
                                               compute_boot=bootstrap))


@claims_app.callback()
def claims_cmd(
    ctx: typer.Context,
    claim_id: Annotated[list[str] | None, typer.Option("--id", help="Only this claim "
                                                       "(repeatable).")] = None,
    as_of: AsOf = None,
    claims: ClaimsPath = None,
    bootstrap: Bootstrap = 1000,
    seed: Seed = 0,
    fmt: FormatOption = "table",
) -> None:
    """Every claim with its verdict as of its own date and as of --as-of (default today).

    Verdicts: supported, contradicted, inconclusive, untestable (no data then), recorded
    (figures kept without a test). Example: aigap claims --id economist-2023-2to3y
    """
    if ctx.invoked_subcommand is not None:
        return
    from aigap.claims.evaluate import results_frame
    from aigap.present.output import frame_to_csv

    fmt = check_format(fmt)
    results = _run(claim_id, as_of, claims, bootstrap, seed)
    if fmt == "json":
        echo_json({"kind": "claims", "claims": [r.to_dict() for r in results]})
        return
    frame = results_frame(results)
    if fmt == "csv":
        typer.echo(frame_to_csv(frame), nl=False)
        return

    _print_table(frame)
    print_store_note()


def _print_table(frame: object) -> None:
    """The verdict table: ids never wrap or shorten (the id column is as wide as the
    longest id); one column per question; the parts when the terminal is wide enough
    (`aigap claims show ID` always has them)."""
    from rich.console import Console
    from rich.table import Table

    con = Console()
    ids = [str(i) for i in frame["id"]]  # type: ignore[index]
    wide = con.width >= 120
    table = Table(title="aigap claims", expand=False, padding=(0, 1))
    table.add_column("id", no_wrap=True, overflow="ignore",
                     min_width=max(map(len, ids), default=2))
    table.add_column("at the time", overflow="fold")
    table.add_column("today's data, same period", overflow="fold")
    table.add_column("come true?", overflow="fold")
    if wide:
        table.add_column("date", no_wrap=True)
        table.add_column("parts (the headline question)", overflow="fold")
    for r in frame.itertuples():  # type: ignore[attr-defined]
        cells = [r.id, r.verdict_at_claim, r.verdict_today, r.verdict_come_true or "-"]
        table.add_row(*cells, *([r.date, r.parts] if wide else []))
    con.print(table)


@claims_app.command("show")
def show(
    claim_id: Annotated[str, typer.Argument(help="Claim id (see `aigap claims`).")],
    as_of: AsOf = None,
    claims: ClaimsPath = None,
    bootstrap: Bootstrap = 1000,
    seed: Seed = 0,
    fmt: FormatOption = "table",
) -> None:
    """Full evidence for one claim: every metric's estimate, interval, data and reason."""
    fmt = check_format(fmt)
    result = _run([claim_id], as_of, claims, bootstrap, seed)[0]
    if fmt == "json":
        echo_json(result.to_dict())
        return
    import pandas as pd

    rows = []
    answers = [("at the time", result.at_time), ("today's data, same period", result.today)]
    if result.come_true is not None:
        answers.append(("has it come true", result.come_true))
    for label, dv in answers:
        for t in dv.tests:
            for e in t.evidence:
                rows.append({"when": f"{label} {dv.as_of}", "test": t.test.label or t.test.family,
                             "metric": e.metric, "estimate": e.estimate, "lower": e.lower,
                             "upper": e.upper, "unit": e.unit, "verdict": e.verdict,
                             "explanation": e.explanation})
    frame = pd.DataFrame(rows)
    if fmt == "csv":
        from aigap.present.output import frame_to_csv

        typer.echo(frame_to_csv(frame), nl=False)
        return
    from rich.console import Console

    c = result.claim
    con = Console()
    con.print(f"[b]{c.id}[/b] — {c.speaker}, {c.publication}, {c.date}\n{c.claim}\n{c.url or ''}")
    con.print(f"At the time: [b]{result.at_time.verdict}[/b]; with today's data about the "
              f"same period: [b]{result.today.verdict}[/b]"
              + (f"; has it come true: [b]{result.come_true.verdict}[/b]"
                 if result.come_true else ""))
    from aigap.claims.evidence import QUESTIONS, claimed_range, fmt_value

    for _label, dv in answers:
        con.print(f"\n[b]{QUESTIONS[dv.question]}[/b] (as of {dv.as_of}): [b]{dv.verdict}[/b]")
        if dv.note:
            con.print(dv.note)
        for t in dv.tests:
            h = t.headline_evidence
            measured = ("no estimate" if h is None or h.estimate is None else
                        f"{fmt_value(h.estimate, 2)} {h.unit}"
                        + ("" if h.lower is None or h.upper is None or h.lower == h.upper
                           else f" ({fmt_value(h.lower, 2)} to {fmt_value(h.upper, 2)})")
                        + (f" on {h.metric}" if h.metric else ""))
            con.print(f"  [b]{t.test.label or t.kind}[/b]: {t.verdict}. Claimed "
                      f"{claimed_range(t.test)}; measured {measured}. Tolerance: "
                      f"{t.tolerance}.")
            con.print(f"    {t.why or t.explanation}", soft_wrap=False)
            others = [e for e in t.evidence if e is not h]
            for e in others:
                con.print(f"    - {e.metric or e.statistic}: {e.verdict}. {e.explanation}")
    if c.needs:
        con.print(f"\nWould be tested by: {c.needs}")
    for r in c.record:
        con.print(f"recorded: {r.indicator_id} {r.country} {r.date} = {r.value:g} {r.unit} "
                  f"({r.source_name}{', ' + r.source_url if r.source_url else ''})")
    print_store_note()
