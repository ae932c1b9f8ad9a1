"""The Typer application, its global options and the shared output/exit-code helpers."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from aigap.errors import AigapError, QueryError

app = typer.Typer(
    name="aigap",
    help=(
        "Measure the generative-AI gap between countries and groups of labs from public "
        "data (Epoch AI, LMArena, TOP500, OWID...), with uncertainty, and test dated claims "
        "about it.\n\nData lives in one DuckDB file under AIGAP_HOME (or --home). A new one "
        "starts with the Epoch AI snapshot bundled with aigap, so the main commands answer "
        "offline; `aigap update` (or `aigap update --from DIR` for an offline mirror) "
        "brings the latest public data."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Command modules; each registers its commands on `app` when imported.
COMMAND_MODULES: tuple[str, ...] = (
    "aigap.cli.data",
    "aigap.cli.gap",
    "aigap.cli.index",
    "aigap.cli.infra",
    "aigap.cli.evidence",
    "aigap.cli.claims",
    "aigap.cli.report",
)


class State:
    """Options shared by every command."""

    home: Path | None = None


state = State()


@app.callback()
def _global(
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            help="Data directory holding the store and download cache "
            "(default: $AIGAP_HOME, else the platform's user data folder).",
            show_default=False,
        ),
    ] = None,
) -> None:
    state.home = home


FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="Output format: table (for people), json (stable, for scripts) or csv.",
        case_sensitive=False,
    ),
]


#: Output formats (as aigap.present.output.FORMATS, without importing pandas for a flag).
FORMATS = ("table", "json", "csv")


def check_format(fmt: str) -> str:
    """The lower-cased format, or an error naming the flag and the formats."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise AigapError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    return fmt


def echo_json(obj: Any) -> None:
    from aigap.present.output import to_json

    typer.echo(to_json(obj))


def bundled_note(data: dict[str, Any] | None) -> str | None:
    """The line naming the bundled data an answer used (a Selection's ``to_dict()``)."""
    if not data:
        return None
    parts = []
    if data.get("bundled_snapshot"):
        parts.append(f"the Epoch AI snapshot of {data['bundled_snapshot']} bundled with aigap")
    if data.get("bundled_starter_data"):
        parts.append("the bundled starter dataset")
    if not parts:
        return None
    return ("Data: " + " and ".join(parts)
            + " (run `aigap update` for the latest public data).")


def print_store_note() -> None:
    """Print which bundled data the store's current answers come from (if any)."""
    from aigap.api.context import data_note

    note = data_note(state.home)
    if note:
        typer.echo(note)


def fail(message: str, code: int = 2) -> None:
    """Print one line to stderr and exit with ``code``."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


#: API parameters whose CLI flag is not simply ``--name-with-dashes``.
PARAMETER_FLAGS = {"countries": "--country", "dates": "--date", "open_weights": "--open",
                   "n_boot": "--bootstrap", "ids": "--id"}


def flag_name(parameter: str) -> str:
    """The CLI flag of an API parameter (``as_of`` -> ``--as-of``)."""
    return PARAMETER_FLAGS.get(parameter, "--" + parameter.replace("_", "-"))


def flag_message(exc: AigapError) -> str:
    """An API error in the CLI's words: parameter names that open the message or stand
    before a value (``as_of: expected...``, ``since 2025-01-01 is after as_of ...``)
    become the flags that set them."""
    import re

    text = str(exc)
    if not isinstance(exc, QueryError):
        return text
    pattern = r"(^|(?<=is after ))([a-z][a-z0-9_]*)(?=:| \d{4}-\d{2}-\d{2})"
    return re.sub(pattern, lambda m: m.group(1) + flag_name(m.group(2)), text)


def load_commands() -> None:
    """Import every command module so its commands are registered."""
    _plain_flags_in_help()
    for mod in COMMAND_MODULES:
        importlib.import_module(mod)


def _plain_flags_in_help() -> None:
    """On/off flags show no ``<bool>`` type placeholder in ``--help`` (a flag takes no
    value; typer >= 0.20 prints one anyway)."""
    try:
        from typer.core import TyperOption
    except ImportError:  # pragma: no cover - older typer prints no placeholder
        return
    original = getattr(TyperOption, "display_type_rich", None)
    if original is None or getattr(original, "_aigap_plain", False):
        return

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False) or getattr(self, "is_bool_flag", False):
            return None
        result: str | None = original(self, ctx)
        return result

    display_type_rich._aigap_plain = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``aigap`` script (``argv`` defaults to ``sys.argv[1:]``).

    Exit codes: 0 success, 2 bad input (one line on stderr), 130 interrupted.
    """
    load_commands()
    state.home = None
    try:
        result = app(args=argv, standalone_mode=False, prog_name="aigap")
        if isinstance(result, int) and result:
            sys.exit(result)
    except AigapError as exc:
        typer.echo(f"Error: {flag_message(exc)}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:
        # Typer/click's own exceptions (typer >= 0.16 vendors click, older uses click): handled
        # by name so both work.
        kind = type(exc).__name__
        if kind == "Exit":
            sys.exit(int(getattr(exc, "exit_code", 0) or 0))
        if kind == "Abort":
            typer.echo("Aborted.", err=True)
            sys.exit(130)
        if kind == "NoArgsIsHelpError":
            typer.echo(exc.format_message())  # type: ignore[attr-defined]
            sys.exit(0)
        if hasattr(exc, "format_message"):
            # Usage errors (unknown flag, bad value): one line, exit 2.
            message = " ".join(str(exc.format_message()).split())
            typer.echo(f"Error: {message}", err=True)
            sys.exit(2)
        raise
