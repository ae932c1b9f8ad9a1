"""Data commands: ``update``, ``import``, ``sources``."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aigap.cli.app import FormatOption, app, check_format, echo_json, print_store_note, state

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID
    from rich.table import Table



def _console(stderr: bool = True):  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=stderr)


#: Rows of the per-dataset table shown without --verbose (the rest are summarised).
SUMMARY_SOURCES_MAX = 12


def _print_report(report, fmt: str, *, verbose: bool = False) -> None:  # type: ignore[no-untyped-def]
    """JSON/CSV: every dataset. Table: one row per source (the full per-dataset table with
    ``verbose``), the summary line and the unrecognised files, in at most ~30 lines."""
    if fmt == "json":
        echo_json(report.to_dict())
        return
    if fmt == "csv" or (verbose and report.outcomes):
        import pandas as pd

        from aigap.present.output import frame_to_csv, frame_to_rich

        rows = pd.DataFrame([o.to_dict() for o in report.outcomes])
        if fmt == "csv":
            typer.echo(frame_to_csv(rows), nl=False)
            return
        rows["skipped"] = rows["skipped"].map(
            lambda d: "; ".join(f"{v} {k}" for k, v in d.items()) if d else "")
        _console(stderr=False).print(frame_to_rich(
            rows[["source", "dataset", "status", "rows", "skipped", "data_as_of"]],
            no_wrap=("dataset",)))
    console = _console(stderr=False)
    if report.outcomes and not verbose:
        console.print(_per_source(report.outcomes))
    console.print(report.summary_line(), markup=False)
    for line in report.not_downloaded:
        console.print(line, markup=False)
    if report.unrecognised:
        shown = ", ".join(report.unrecognised[:3])
        more = len(report.unrecognised) - 3
        console.print(f"{len(report.unrecognised)} files not recognised by any source (not "
                      f"imported): {shown}" + (f" and {more} more" if more > 0 else ""),
                      markup=False)
    if report.outcomes and not verbose:
        console.print("Run with --verbose for every dataset.", markup=False)


def _per_source(outcomes: list[Any]) -> Table:
    """A table of one row per source: datasets imported and unchanged, rows imported, the
    newest data date (at most :data:`SUMMARY_SOURCES_MAX` rows; the rest summed)."""
    from rich.table import Table

    per: dict[str, list[Any]] = {}
    for o in outcomes:
        row = per.setdefault(o.source, [0, 0, 0, None])
        new = o.status == "imported"
        row[0] += new
        row[1] += not new
        row[2] += o.rows if new else 0
        if o.data_as_of and (row[3] is None or o.data_as_of > row[3]):
            row[3] = o.data_as_of
    items = sorted(per.items())
    if len(items) > SUMMARY_SOURCES_MAX:
        rest = items[SUMMARY_SOURCES_MAX - 1:]
        dates = [r[3] for _, r in rest if r[3]]
        items = [*items[:SUMMARY_SOURCES_MAX - 1],
                 (f"{len(rest)} more sources", [sum(r[i] for _, r in rest) for i in range(3)]
                  + [max(dates) if dates else None])]
    table = Table(title="Datasets per source")
    for col in ("source", "imported", "unchanged", "rows", "newest_data"):
        table.add_column(col, no_wrap=col == "source", justify="left" if col == "source"
                         else "right")
    for name, (imp, same, rows, newest) in items:
        table.add_row(name, str(imp), str(same), f"{rows:,}",
                      newest.isoformat() if newest else "")
    return table


class _Bar:
    """A rich progress bar with counts and time left, fed ``(done, total, label)``."""

    def __init__(self, what: str, enabled: bool) -> None:
        self.what = what
        self.enabled = enabled
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> _Bar:
        if self.enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TextColumn("files"),
                                TimeRemainingColumn(), TextColumn("{task.fields[label]}"),
                                console=_console(), transient=True)
            self.bar.__enter__()
            self.task = self.bar.add_task(self.what, total=None, label="")
        return self

    def __call__(self, done: int, total: int, label: str) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=done, total=total or None,
                            label=label[:24])

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="List every dataset, not "
                                       "only one line per source.")]
Warm = Annotated[bool, typer.Option(
    "--warm/--no-warm", envvar="AIGAP_WARM", help="When data changed, evaluate the claims "
    "registry on it now (about 10 s on the full mirror), so `aigap claims`, the report and "
    "the dashboard answer from the cache kept by data vintage. AIGAP_WARM=0 sets "
    "--no-warm.")]


@app.command("update")
def update(
    from_dir: Annotated[Path | None, typer.Option(
        "--from", help="Import from a local mirror folder (laid out like the publishers' "
        "files, e.g. ../shared/data) instead of downloading.")] = None,
    source: Annotated[list[str] | None, typer.Option(
        "--source", "-s", help="Only these sources (repeatable); see `aigap sources`.")] = None,
    warm: Warm = True,
    verbose: Verbose = False,
    fmt: FormatOption = "table",
) -> None:
    """Download the latest public data (or import a mirror with --from) into the store.

    Files already stored (same size and sha256) are recognised before parsing and left
    alone, so running it twice is quick and reports no changes the second time. Fresh
    vintages supersede the Epoch AI snapshot bundled with aigap. When data changed, the
    claims registry is evaluated on it before the command ends (skip with --no-warm).
    Examples:

        aigap update --from ../shared/data

        aigap update --source epoch-models --source epoch-benchmarks
    """
    from aigap.api import open_store
    from aigap.api.data import update_from_dir

    fmt = check_format(fmt)
    with open_store(state.home) as store:
        if source:  # a partial update keeps the bundled data for the other sources
            from aigap.api.context import ensure_bundled

            ensure_bundled(store, updating=source)
        if from_dir is not None:
            with _Bar("Importing", fmt == "table") as bar:
                report = update_from_dir(store, from_dir, sources=source, progress=bar)
        else:
            from aigap.api.data import update_live

            report = update_live(store, sources=source, show_progress=fmt == "table")
    _print_report(report, fmt, verbose=verbose)
    if warm and report.changed:
        _warm_claims(fmt == "table")


def _warm_claims(show: bool) -> None:
    """Evaluate the claims registry on the new data (results cached by data vintage), and
    build the report's chart bundle if it is not cached yet (in a thread, at the same
    time); a failure leaves the update as it is and says so on stderr."""
    from concurrent.futures import ThreadPoolExecutor

    from aigap.config import get_settings
    from aigap.present.vega import vega_bundle

    console = _console(stderr=True)
    with ThreadPoolExecutor(max_workers=1) as pool:
        bundle = pool.submit(vega_bundle, get_settings(state.home).cache_dir)
        _evaluate_claims(console, show)
        try:
            bundle.result()
        except Exception as exc:  # the report builds it when asked; say why it could not
            typer.echo(f"note: the chart bundle was not built ahead ({exc})", err=True)


def _evaluate_claims(console: Any, show: bool) -> None:
    """The claims half of :func:`_warm_claims`."""
    from aigap.api.context import analysis_store
    from aigap.claims.cache import warm_cache

    try:
        status = (console.status("Evaluating the claims registry on the new data...",
                                 spinner="dots") if show else nullcontext())
        with status, analysis_store(state.home) as store:
            n = warm_cache(store)
    except Exception as exc:  # the update itself succeeded: say why, never a traceback
        typer.echo(f"note: the claims were not evaluated ahead ({type(exc).__name__}: "
                   f"{exc}); `aigap claims` will evaluate them when asked", err=True)
        return
    if show:
        console.print(f"Evaluated {n} claims on the new data (cached for `aigap claims`, "
                      "the report and the dashboard).")


@app.command("import")
def import_(
    source: Annotated[str, typer.Argument(help="Source name, e.g. epoch-models, or scores "
                                          "for your own results (see `aigap sources`).")],
    path: Annotated[Path, typer.Argument(help="File (CSV, JSON, zip, xls...) or folder to "
                                         "import; in a folder, files the source does not "
                                         "read are skipped.")],
    org: Annotated[str | None, typer.Option("--org", help="scores: the organisation that "
                                            "made the model, for logs that do not say.")
                   ] = None,
    country: Annotated[str | None, typer.Option("--country", "-c", help="scores: the "
                                                "developer's country (ISO3 or name).")
                       ] = None,
    release_date: Annotated[str | None, typer.Option("--release-date", help="scores: the "
                                                     "model's release date (YYYY-MM-DD).")
                            ] = None,
    evaluator: Annotated[str | None, typer.Option("--evaluator", help="scores: who ran the "
                                                  "evaluation (shown with every score).")
                         ] = None,
    open_weights: Annotated[bool | None, typer.Option(
        "--open-weights/--closed-weights", help="scores: whether the model's weights are "
        "published.", show_default=False)] = None,
    model: Annotated[str | None, typer.Option("--model", help="scores: the model's name, "
                                              "replacing the log's own.")] = None,
    warm: Warm = True,
    verbose: Verbose = False,
    fmt: FormatOption = "table",
) -> None:
    """Import one file (or folder) for a named source.

    Your own results: `aigap import scores results.csv` (columns in docs/data.md), or an
    Inspect AI / lm-evaluation-harness log with the facts it lacks:

        aigap import scores run.json --org "Acme AI" --country FRA --release-date 2026-05-01

    When data changed, the claims registry is evaluated on it before the command ends
    (skip with --no-warm). Example: aigap import epoch-models ~/Downloads/all_ai_models.csv
    """
    from aigap.api import open_store
    from aigap.api.data import import_path

    fmt = check_format(fmt)
    given = {"organisation": org, "country": country, "release_date": release_date,
             "evaluator": evaluator, "open_weights": open_weights, "model": model}
    defaults = {k: v for k, v in given.items() if v is not None}
    from aigap.api.context import ensure_bundled

    with open_store(state.home) as store, _Bar("Importing", fmt == "table") as bar:
        # One's own results (or another source's file) sit beside the bundled public data;
        # importing a bundled source's own file brings that data itself.
        ensure_bundled(store, updating=[source])
        report = import_path(store, source, path, defaults=defaults or None, progress=bar)
    _print_report(report, fmt, verbose=verbose)
    if warm and report.changed:
        _warm_claims(fmt == "table")


@app.command("sources")
def sources(
    unmapped: Annotated[bool, typer.Option("--unmapped", help="List rated models (LMArena "
                                           "keys...) that no table, registry row or model "
                                           "family attributes to a country.")] = False,
    fmt: FormatOption = "table",
) -> None:
    """List every source: publisher, URL, licence, vintages stored, rows and newest date.

    A new store first receives the data bundled with aigap (the Epoch AI snapshot and the
    starter data); the last line says so while that is what answers.
    """
    from aigap.api import data_sources as source_table
    from aigap.api import unmapped as unmapped_keys
    from aigap.present.output import frame_to_csv, frame_to_rich

    fmt = check_format(fmt)
    if unmapped:
        frame = unmapped_keys(home=state.home)
        if fmt == "json":
            echo_json({"unmapped": frame, "count": len(frame)})
        elif fmt == "csv":
            typer.echo(frame_to_csv(frame), nl=False)
        else:
            _console(stderr=False).print(frame_to_rich(
                frame, title=f"{frame['model_key'].nunique()} rated models without a country"))
        return
    frame = source_table(home=state.home)
    if fmt == "json":
        echo_json({"sources": frame, "datasets": frame.attrs["datasets"]})
    elif fmt == "csv":
        typer.echo(frame_to_csv(frame), nl=False)
    else:
        _console(stderr=False).print(frame_to_rich(
            frame[["source", "publisher", "url", "licence", "vintages", "rows", "newest_data"]],
            title="aigap sources"))
        print_store_note()


@app.command("models")
def models_cmd(
    country: Annotated[str | None, typer.Option(
        "--country", "-c", help="Country or group: ISO3 (USA, CHN, GBR...), a name "
        "('China', 'United States') or a group (EU27, US+allies, ROW). CHN/China include "
        "Hong Kong and Macao; Taiwan is never China.")] = None,
    org: Annotated[str | None, typer.Option("--org", help="Only models with this "
                                            "organisation (name or alias).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Released on or after "
                                              "(YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Released on or before "
                                              "(YYYY-MM-DD).")] = None,
    open_: Annotated[bool | None, typer.Option("--open/--closed", help="Only open-weight "
                                               "(or only closed) models.",
                                               show_default=False)] = None,
    attribution: Annotated[str, typer.Option(
        "--attribution", "-a", help="inclusive (any developer in the group; Epoch's rule), "
        "exclusive (all developers), hq (lead developer), fractional (1/k weights).")
    ] = "inclusive",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Use the data as it stood "
                                              "on this date.")] = None,
    fmt: FormatOption = "table",
) -> None:
    """List models, attributed to a country or group under an explicit rule.

    Example: aigap models --country CHN --since 2025-01-01 --until 2025-12-31
    """
    from aigap.api.catalogue import models, selection_of
    from aigap.present.output import frame_to_csv, frame_to_rich

    fmt = check_format(fmt)
    frame = models(country, org=org, since=since, until=until, open_weights=open_,
                   attribution=attribution, as_of=as_of, home=state.home)
    sel = selection_of(frame)
    if fmt == "json":
        echo_json({
            "query": {"country": country, "group": frame.attrs.get("group"), "org": org,
                      "since": since, "until": until, "open_weights": open_,
                      "attribution": frame.attrs.get("attribution", attribution),
                      "as_of": as_of},
            "data": sel.to_dict() if sel else None,
            "count": len(frame),
            "weighted_count": float(frame["weight"].sum()) if len(frame) else 0.0,
            "models": frame,
        })
    elif fmt == "csv":
        typer.echo(frame_to_csv(frame), nl=False)
    else:
        console = _console(stderr=False)
        cols = ["name", "organizations", "countries", "release_date", "open_weights",
                "training_compute_flop"]
        if attribution == "fractional":
            cols.append("weight")
        console.print(frame_to_rich(frame[cols], title=f"{len(frame)} models"))
        note = sel.data_note() if sel else None
        if note:
            console.print(note, markup=False)
        for w in (sel.warnings if sel else []):
            console.print(f"[yellow]Warning:[/] {w}")
