"""The ``index`` command: aigap's own capability index (aci), fitted from raw benchmark rows."""

from __future__ import annotations

from typing import Annotated

import typer

from aigap.cli.app import FormatOption, app, check_format, echo_json, state
from aigap.cli.gap import AsOf, Follower, Leader, data_lines, print_table


@app.command("index")
def index_cmd(
    as_of: AsOf = None,
    penalty: Annotated[float | None, typer.Option("--penalty", help="L2 penalty strength "
                                                  "(default 0.1, Epoch's; docs/index.md).")
                       ] = None,
    min_benchmarks: Annotated[int | None, typer.Option("--min-benchmarks", help="Benchmarks a "
                                                       "model needs to be fitted (default 4).")
                              ] = None,
    anchor_low: Annotated[str | None, typer.Option("--anchor-low", help="Lower scale anchor "
                                                   "MODEL=VALUE (default 'Claude 3.5 "
                                                   "Sonnet=130').")] = None,
    anchor_high: Annotated[str | None, typer.Option("--anchor-high", help="Upper scale anchor "
                                                    "MODEL=VALUE (default 'GPT-5=150').")
                           ] = None,
    scale: Annotated[str | None, typer.Option("--scale", help="auto | models | benchmark "
                                              "(how the scale is fixed; default auto).")
                     ] = None,
    boot: Annotated[int | None, typer.Option("--boot", help="Bootstrap replicates of the fit "
                                             "for per-model intervals (default 100).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the fit's bootstrap.")
                    ] = None,
    vintages: Annotated[bool, typer.Option("--vintages", help="Also show the lag at each "
                                           "month-end since 2024 with the data of then, "
                                           "against today's fit.")] = False,
    sensitivity: Annotated[bool, typer.Option("--sensitivity", help="Also show how agreement "
                                              "and the lag move with penalty, minimum "
                                              "benchmarks, anchors and scale.")] = False,
    leader: Leader = "USA",
    follower: Follower = "China",
    since: Annotated[str, typer.Option("--since", help="Start of the lag window of the "
                                       "vintage view and sensitivity table.")] = "2023-01-01",
    fmt: FormatOption = "table",
) -> None:
    """Fit the aigap Capability Index (aci) and compare it with Epoch's published ECI.

    Lists every fitted model (aci with its bootstrap interval, Epoch's ECI), the fit's
    settings and the agreement. `aigap lag --metric aci` uses the same fit.
    Example: aigap index --as-of 2024-06-01 --vintages --format json
    """
    from aigap.api import index
    from aigap.present.output import frame_to_csv

    fmt = check_format(fmt)
    result = index(as_of, penalty=penalty, min_benchmarks=min_benchmarks,
                   anchor_low=anchor_low, anchor_high=anchor_high, scale_mode=scale,
                   n_boot=boot, seed=seed, vintages=vintages, sensitivity=sensitivity,
                   leader=leader, follower=follower, since=since, home=state.home)
    if fmt == "json":
        echo_json(result.to_dict())
        return
    if fmt == "csv":
        typer.echo(frame_to_csv(result.models), nl=False)
        return
    typer.echo(result.sentence())
    cols = ["model", "release_date", "aci", "lower", "upper", "eci", "n_benchmarks"]
    print_table(result.models[cols], "Fitted models (aci, 90% bootstrap interval, Epoch's ECI)")
    if result.agreement is not None:
        print_table(result.agreement.worst, "Largest differences from Epoch's ECI")
    if result.vintages is not None:
        print_table(result.vintages, f"{follower} behind {leader} (months) with the data of "
                    "each month-end (then) and with today's fit (today)")
    if result.sensitivity is not None:
        print_table(result.sensitivity, "Sensitivity of the fit and the lag to its choices")
    data_lines(result.data)
