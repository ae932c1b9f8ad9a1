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
                                         "first record (Epoch AI's convention, to reproduce "
                                         "its figures). Default: keep it and leave out the "
                                         "censored days instead.")]
Censored = Annotated[bool | None, typer.Option(
    "--exclude-censored/--include-censored", show_default=False,
    help="Leave out of the means the days whose lag is only a lower bound (measured from the "
    "first record in the data). Default: left out, unless --drop-first.")]
Bootstrap = Annotated[int, typer.Option("--bootstrap", "-b", help="Bootstrap resamples of "
                                        "models (0 = no intervals).")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of the random generator (>= 0).")]
Evaluator = Annotated[str, typer.Option("--evaluator", help="Whose scores: auto (third-party "
                                        "runs and arena ratings where the metric has any, "
                                        "else all), all, third-party, arena, reported "
                                        "(developers' own numbers) or user.")]
Level = Annotated[float, typer.Option("--level", help="Interval level.")]


def print_table(frame: Any, title: str) -> None:
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
    summary = report.summary
    notes = summary.pop("note") if "note" in summary else None
    print_table(summary, title)
    if notes is not None:
        first = summary.columns[0]
        for label, note in zip(summary[first], notes, strict=True):
            if note:
                typer.echo(f"{label}: {note}")
    return True


def data_lines(data: dict[str, Any]) -> None:
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
    drop_first: DropFirst = False,
    exclude_censored: Censored = None,
    evaluator: Evaluator = "auto",
    by_evaluator: Annotated[bool, typer.Option("--by-evaluator", help="The same lag on each "
                                               "evaluator class's scores side by side "
                                               "(third-party runs vs reported numbers...).")
                            ] = False,
    bootstrap: Bootstrap = 1000,
    seed: Seed = 0,
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
    from aigap.api.capability import lag, lag_by_evaluator

    fmt = check_format(fmt)
    if by_evaluator:
        table = lag_by_evaluator(leader, follower, metric, method=method, tau=tau,
                                 as_of=as_of, since=since, attribution=attribution,
                                 drop_first=drop_first, exclude_censored=exclude_censored,
                                 bootstrap=bootstrap, seed=seed, level=level, home=state.home)
        from aigap.present.output import frame_to_csv

        if fmt == "json":
            echo_json({"kind": "lag_by_evaluator", "metric": metric,
                       "data": table.attrs.get("data"), "rows": table})
        elif fmt == "csv":
            typer.echo(frame_to_csv(table), nl=False)
        else:
            print_table(table, f"Lag on {metric} by evaluator ({int(level * 100)}% intervals)")
            if table.attrs.get("data"):
                data_lines(table.attrs["data"])
        return
    report = lag(leader, follower, metric, method=method, tau=tau, as_of=as_of, since=since,
                 attribution=attribution, drop_first=drop_first,
                 exclude_censored=exclude_censored, evaluator=evaluator, bootstrap=bootstrap,
                 seed=seed,
                 level=level, sensitivity=sensitivity, home=state.home)
    units = ", ".join(f"{g} {n} models ({report.n_keys.get(g, n)} keys)"
                      for g, n in report.n_models.items())
    title = (f"{report.follower_label} behind {report.leader_label} on "
             f"{report.request.metric} "
             f"({int(level * 100)}% bootstrap intervals, {bootstrap} resamples of {units})")
    if not emit_report(report, fmt, title):
        return
    recs = report.frames()["records"]
    recs = recs[recs["group"] == report.follower_label]
    if report.own_results:  # one's own results, marked as such
        recs = recs.assign(own_result=recs["model"].map(report.own_results).fillna(""))
    recs = recs.drop(columns=["group", "model"]).tail(5)
    if len(recs):
        print_table(recs, f"latest {report.follower_label} records")
    if report.sensitivity is not None:
        print_table(report.sensitivity, "Sensitivity (point estimates, months / points)")
    data_lines(report.to_dict(include_series=False)["data"])


@app.command("trend")
def trend_cmd(
    leader: Leader = "USA",
    follower: Follower = "China",
    metric: Metric = "eci",
    tau: Tau = None,
    as_of: AsOf = None,
    since: Since = None,
    attribution: Attribution = "inclusive",
    drop_first: DropFirst = False,
    exclude_censored: Censored = None,
    bootstrap: Bootstrap = 1000,
    seed: Seed = 0,
    level: Level = 0.9,
    fmt: FormatOption = "table",
) -> None:
    """Is the gap closing? Compares how fast each group's frontier records rise, over the
    window from --since and the last 24 and 12 months, with a model bootstrap.

    "closing" only when the whole interval says the follower's records rise faster; windows
    that disagree give "depends on the window" (docs/methods.md).
    Example: aigap trend --leader USA --follower CHN --metric eci --since 2023-01-01
    """
    from aigap.api.capability import trend

    fmt = check_format(fmt)
    report = trend(leader, follower, metric, tau=tau, as_of=as_of, since=since,
                   attribution=attribution, drop_first=drop_first,
                   exclude_censored=exclude_censored, bootstrap=bootstrap, seed=seed,
                   level=level, home=state.home)
    if emit_report(report, fmt, "Trend of the lag by window (record growth, model bootstrap)"):
        data_lines(report.to_dict(include_series=False)["data"])


@app.command("metrics")
def metrics_cmd(fmt: FormatOption = "table") -> None:
    """List the score metrics in the store with model counts and date ranges."""
    from aigap.api import metrics
    from aigap.present.output import frame_to_csv

    fmt = check_format(fmt)
    frame = metrics(home=state.home)
    if fmt == "json":
        echo_json({"metrics": frame})
    elif fmt == "csv":
        typer.echo(frame_to_csv(frame), nl=False)
    else:
        print_table(frame, "Metrics")
        print_store_note()
