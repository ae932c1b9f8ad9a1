"""Report and dashboard commands: ``report`` and ``serve``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aigap.cli.app import app, print_store_note, state


@app.command("report")
def report_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path(
        "report.html"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="Use the data as it stood on "
                                              "this date (YYYY-MM-DD).")] = None,
    leader: Annotated[str, typer.Option("--leader", "-l", help="Leader group (ISO3, name or "
                                        "configured group).")] = "USA",
    follower: Annotated[str, typer.Option("--follower", "-t", help="Follower (trailing) "
                                          "group.")] = "China",
    metric: Annotated[list[str] | None, typer.Option(
        "--metric", "-m", help="Metrics to compare (repeatable; default eci, gpqa_diamond, "
        "mmlu where present).")] = None,
    attribution: Annotated[str, typer.Option("--attribution", "-a", help="inclusive, "
                                             "exclusive, hq or fractional.")] = "inclusive",
    bootstrap: Annotated[int, typer.Option("--bootstrap", help="Bootstrap resamples for the "
                                           "intervals.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator.")] = 0,
    png: Annotated[Path | None, typer.Option("--png", help="Also write every chart as PNG, "
                                             "SVG and CSV into this folder.")] = None,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse a report built "
                                        "earlier from the same code, settings and data "
                                        "vintages.")] = True,
) -> None:
    """Write the self-contained HTML report (opens offline; no request leaves the page).

    Example: aigap report -o report.html --as-of 2025-06-30 --png charts/
    """
    from concurrent.futures import ThreadPoolExecutor

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from aigap.api.context import check_seed, parse_as_of
    from aigap.config import get_settings
    from aigap.present.vega import vega_bundle
    from aigap.report.build import build_report
    from aigap.report.html import export_charts, write_report

    parse_as_of(as_of, "--as-of")  # refused before any work (sections would only note it)
    check_seed(seed, "--seed")
    # Building the inline Vega bundle takes ~2 s in vl-convert (native code); start it now so
    # it overlaps with the analyses.
    prefetch = ThreadPoolExecutor(max_workers=1)
    bundle = prefetch.submit(vega_bundle, get_settings(state.home).cache_dir)
    prefetch.shutdown(wait=False)
    console = Console(stderr=True)
    steps = 4 + len(metric or [1, 2, 3]) + 6
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("Building the report", total=steps)

        def step(text: str) -> None:
            bar.update(task, description=text, advance=1)

        data = build_report(leader, follower, as_of=as_of, metrics=metric,
                            attribution=attribution, n_boot=bootstrap, seed=seed,
                            home=state.home, progress=step, cache=cache)
        step("Writing HTML")
        bundle.result()
        path = write_report(data, output)
        written = []
        if png is not None:
            step("Exporting charts")
            written = export_charts(data.figures(), png)
        bar.update(task, completed=steps)
    missing = [s.title for s in data.sections if s.unavailable]
    typer.echo(f"Wrote {path} ({path.stat().st_size / 1e6:.1f} MB)"
               + (f" and {len(written)} chart files in {png}" if png is not None else ""))
    print_store_note()
    if missing:
        typer.echo("Sections not available: " + "; ".join(missing), err=True)


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to bind (default: this "
                                      "machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8765,
) -> None:
    """Run the local dashboard and JSON API (http://127.0.0.1:8765/ by default).

    The store is opened read-only; stop the server with Ctrl+C.
    """
    import uvicorn

    from aigap.api.context import analysis_store
    from aigap.web.app import create_app

    with analysis_store(state.home):  # writes only to give an empty store the bundled data
        pass
    application = create_app(state.home, warm=True)
    typer.echo(f"aigap dashboard on http://{host}:{port}/ (API under /api/)", err=True)
    uvicorn.run(application, host=host, port=port, log_level="warning")
