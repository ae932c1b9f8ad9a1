"""Compute and infrastructure commands: ``compute``, ``top500``, ``clusters``, ``chips``."""

from __future__ import annotations

from typing import Annotated

import typer

from aigap.cli.app import FormatOption, app, check_format, echo_json, state
from aigap.cli.gap import AsOf, Attribution, data_lines, emit_report, print_table


def emit_frame(frame, fmt: str, title: str) -> None:  # type: ignore[no-untyped-def]
    from aigap.present.output import frame_to_csv

    sel = frame.attrs.get("selection")
    if fmt == "json":
        echo_json({"data": sel.to_dict() if sel else None, "rows": frame})
    elif fmt == "csv":
        typer.echo(frame_to_csv(frame), nl=False)
    else:
        print_table(frame, title)
        if sel:
            data_lines(sel.to_dict())


@app.command("compute")
def compute_cmd(
    leader: Annotated[str, typer.Option("--leader", "-l", help="Leading group (default ROW: "
                                        "every country but the China group).")] = "ROW",
    follower: Annotated[str, typer.Option(
        "--follower", "-t", help="Following (trailing) group.")
                        ] = "China",
    as_of: AsOf = None,
    top: Annotated[int, typer.Option("--top", help="Rolling top-N models by training "
                                     "compute.")] = 10,
    since: Annotated[str, typer.Option("--since", help="First release date.")] = "2018-01-01",
    attribution: Attribution = "inclusive",
    bootstrap: Annotated[int, typer.Option("--bootstrap", "-b", help="Resamples.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator.")] = 0,
    fmt: FormatOption = "table",
) -> None:
    """Training-compute growth per group (x/year, with intervals) and the compute lag.

    Example: aigap compute --leader ROW --follower China --as-of 2025-01-22
    """
    from aigap.api.training import compute

    fmt = check_format(fmt)
    report = compute(leader, follower, as_of=as_of, top=top, since=since,
                     attribution=attribution, n_boot=bootstrap, seed=seed, home=state.home)
    if emit_report(report, fmt, "Rolling top-N training compute trends"):
        data_lines(report.selection.to_dict())


@app.command("top500")
def top500_cmd(
    country: Annotated[list[str] | None, typer.Option("--country", "-c", help="ISO3 code or "
                                                      "country name (repeatable).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="First edition.")] = None,
    as_of: AsOf = None,
    fmt: FormatOption = "table",
) -> None:
    """TOP500 systems, share of systems, Rmax and share, and best rank per edition and country.

    Example: aigap top500 --country USA --country CHN --since 2015-01-01
    """
    from aigap.api.infrastructure import top500

    fmt = check_format(fmt)
    emit_frame(top500(country, since, as_of=as_of, home=state.home), fmt, "TOP500 by country")


@app.command("clusters")
def clusters_cmd(
    date: Annotated[list[str] | None, typer.Option("--date", "-d", help="Dates to evaluate "
                                                   "(repeatable; default quarterly).")] = None,
    as_of: AsOf = None,
    all_rows: Annotated[bool, typer.Option("--all-rows", help="Include clusters Epoch leaves "
                                           "out of its standard analysis.")] = False,
    fmt: FormatOption = "table",
) -> None:
    """AI-supercomputer 16-bit performance share and H100-equivalents by country.

    Example: aigap clusters --date 2025-05-01
    """
    from aigap.api.infrastructure import clusters

    fmt = check_format(fmt)
    frame = clusters(date, as_of=as_of, standard_only=not all_rows, home=state.home)
    emit_frame(frame, fmt, "AI supercomputers by country")


@app.command("chips")
def chips_cmd(fmt: FormatOption = "table") -> None:
    """Export-control chip variants (A800, H800, H20, Ascend) against their flagships."""
    from aigap.api.infrastructure import chips

    fmt = check_format(fmt)
    frame = chips(home=state.home)
    if fmt == "table":
        cols = [c for c in frame.columns if c in ("variant", "flagship", "fp16_ratio",
                                                  "memory_bandwidth_ratio",
                                                  "intranode_bandwidth_ratio", "missing")]
        emit_frame(frame[cols], fmt, "Chips: variant / flagship ratios")
    else:
        emit_frame(frame, fmt, "")
