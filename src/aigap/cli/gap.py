"""Gap commands: ``lag``, ``trend`` and ``metrics``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from aigap.cli.app import (
    FormatOption,
    app,
    bundled_note,
    check_format,
    echo_json,
    print_store_note,
    state,
)

Leader = Annotated[str, typer.Option("--leader", "-l", help="Leading group: ISO3, a name "
                                     "('US'), a group (EU27, US+allies, ROW) or open/closed.")]
Follower = Annotated[str, typer.Option("--follower", "-t", help="Following (trailing) group "
                                       "(CHN/China includes Hong Kong and Macao).")]
Metric = Annotated[str, typer.Option("--metric", "-m", help="Score metric, higher is better: "
                                     "eci, gpqa_diamond, mmlu, arena_text... (`aigap metrics`)")]
Tau = Annotated[float | None, typer.Option("--tau", help="Tolerance in the metric's units "
                                           "(default: 1 point; 0.01 on 0-1 scales).")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="Use only data and models available "
                                          "on this date (YYYY-MM-DD); also the end date.")]
Since = Annotated[str | None, typer.Option("--since", help="Start of the summary window.")]
Attribution = Annotated[str, typer.Option("--attribution", "-a", help="inclusive | exclusive "
                                          "| hq (see docs/attribution.md).")]
DropFirst = Annotated[bool, typer.Option("--drop-first/--keep-first", help="Drop each group's "
                                         "first record (Epoch AI's convention).")]
Level = Annotated[float, typer.Option("--level", help="Interval level.")]


def _print_table(frame: Any, title: str) -> None:
    from rich.console import Console

    from aigap.present.output import frame_to_rich

    Console().print(frame_to_rich(frame, title=title))


def emit_report(report: Any, fmt: str, title: str) -> bool:
    """Print a result object (lag, trend, compute report) in the chosen format.

    JSON is ``report.to_dict()``, CSV its summary table; for a table the headline sentence
    and the summary are printed and True is returned so the caller can add its extras.
    """
    from aigap.present.output import frame_to_csv

    if fmt == "json":
        echo_json(report.to_dict())
        return False
    if fmt == "csv":
        typer.echo(frame_to_csv(report.summary), nl=False)
        return False
    typer.echo(report.sentence())
    _print_table(report.summary, title)
    return True


def _data_lines(data: dict[str, Any]) -> None:
    from rich.console import Console

    console = Console()
    vint = ", ".join(f"{k}#{v}" for k, v in sorted(data.get("vintage_ids", {}).items()))
    console.print(f"[dim]Data: {vint or 'none'}[/dim]")
    note = bundled_note(data)
    if note:
        console.print(note, markup=False)
    for credit in data.get("credits", []):
        console.print(f"[dim]Credit: {credit}[/dim]")
    for w in data.get("warnings", []):
        console.print(f"[yellow]Warning:[/] {w}")


@app.command("lag")
def lag_cmd(
    leader: Leader = "USA",
    follower: Follower = "China",
    metric: Metric = "eci",
    method: Annotated[str, typer.Option("--method", help="Headline: daily (Epoch's daily lag)"
                                        ", matched (matched predecessor) or vertical (points "
                                        "behind).")] = "daily",
    tau: Tau = None,
    as_of: AsOf = None,
    since: Since = None,
    attribution: Attribution = "inclusive",
    drop_first: DropFirst = True,
    bootstrap: Annotated[int, typer.Option("--bootstrap", "-b", help="Bootstrap resamples "
                                           "(0 = no intervals).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator.")] = 0,
    level: Level = 0.9,
    sensitivity: Annotated[bool, typer.Option("--sensitivity", help="Add a table over tau in "
                                              "{0,1,2}, first record dropped/kept and "
                                              "attribution rules.")] = False,
    fmt: FormatOption = "table",
) -> None:
    """How many months the follower trails the leader on a metric, with intervals.

    Example: aigap lag --leader USA --follower CHN --metric eci --as-of 2026-01-02
    --since 2023-01-01 --sensitivity
    """
    from aigap.api.capability import lag

    fmt = check_format(fmt)
    report = lag(leader, follower, metric, method=method, tau=tau, as_of=as_of, since=since,
                 attribution=attribution, drop_first=drop_first, bootstrap=bootstrap,
                 seed=seed, level=level, sensitivity=sensitivity, home=state.home)
    title = (f"{report.follower_label} behind {report.leader_label} on "
             f"{report.request.metric} "
             f"({int(level * 100)}% bootstrap intervals, {bootstrap} resamples)")
    if not emit_report(report, fmt, title):
        return
    recs = report.result.follower_records.tail(5)
    if len(recs) and report.own_results:
        recs = recs.assign(own_result=recs["model"].map(report.own_results).fillna(""))
    if len(recs):
        _print_table(recs, f"latest {report.follower_label} records")
    if report.sensitivity is not None:
        _print_table(report.sensitivity, "Sensitivity (point estimates, months / points)")
    _data_lines(report.to_dict(include_series=False)["data"])


@app.command("trend")
def trend_cmd(
    leader: Leader = "USA",
    follower: Follower = "China",
    metric: Metric = "eci",
    tau: Tau = None,
    as_of: AsOf = None,
    since: Since = None,
    attribution: Attribution = "inclusive",
    drop_first: DropFirst = True,
    level: Level = 0.9,
    maxlags: Annotated[int | None, typer.Option("--maxlags", help="Newey-West truncation lag "
                                                "in days (default ceil(1.3*sqrt(n))).")] = None,
    fmt: FormatOption = "table",
) -> None:
    """Is the gap closing? Slope of the daily lag (and vertical gap) per year, HAC interval.

    "closing" only when the whole interval is below zero.
    Example: aigap trend --leader USA --follower CHN --metric eci --since 2023-01-01
    """
    from aigap.api.capability import trend

    fmt = check_format(fmt)
    report = trend(leader, follower, metric, tau=tau, as_of=as_of, since=since,
                   attribution=attribution, drop_first=drop_first, level=level,
                   maxlags=maxlags, home=state.home)
    if emit_report(report, fmt, "Trend of the gap (OLS, Newey-West interval)"):
        _data_lines(report.to_dict(include_series=False)["data"])


@app.command("metrics")
def metrics_cmd(fmt: FormatOption = "table") -> None:
    """List the score metrics in the store with model counts and date ranges."""
    from aigap.api.context import analysis_store
    from aigap.present.output import frame_to_csv
    from aigap.store.frames import metrics

    fmt = check_format(fmt)
    with analysis_store(state.home) as st:
        frame = metrics(st)
    if fmt == "json":
        echo_json({"metrics": frame})
    elif fmt == "csv":
        typer.echo(frame_to_csv(frame), nl=False)
    else:
        _print_table(frame, "Metrics")
        print_store_note()
