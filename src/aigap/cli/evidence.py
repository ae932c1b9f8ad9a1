"""Evidence commands: ``arena``, ``leaderboard`` and ``indicators``."""

from __future__ import annotations

from typing import Annotated

import typer

from aigap.cli.app import FormatOption, app, check_format, state
from aigap.cli.gap import AsOf, Attribution, Follower, Leader, Level
from aigap.cli.infra import emit_frame


@app.command("arena")
def arena_cmd(
    leader: Leader = "USA",
    follower: Follower = "China",
    category: Annotated[str, typer.Option("--category", help="Arena category: full, english, "
                                          "chinese, coding, math... (catalog snapshots).")
                        ] = "full",
    languages: Annotated[bool, typer.Option("--languages", help="Compare the gap on English "
                                            "and Chinese prompts, per snapshot.")] = False,
    as_of: AsOf = None,
    since: Annotated[str | None, typer.Option("--since", help="First snapshot date.")] = None,
    attribution: Attribution = "inclusive",
    draws: Annotated[int, typer.Option("--draws", help="Draws from the rating intervals.")
                     ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator.")] = 0,
    level: Level = 0.9,
    fmt: FormatOption = "table",
) -> None:
    """Arena (LMArena) gap between the top-rated models of two groups, per snapshot.

    Gap % = (top leader - top follower) / top follower, as in the AI Index, with an interval
    from the ratings' own 95% intervals and P(leader's top > follower's top). Ratings measure
    chat preference, not capability in general (docs/sources.md).
    Example: aigap arena --languages
    """
    from aigap.api.ratings import arena_gap, arena_languages

    fmt = check_format(fmt)
    if languages:
        frame = arena_languages(leader, follower, as_of=as_of, attribution=attribution,
                                n=draws, seed=seed, level=level, home=state.home)
        emit_frame(frame, fmt, "Top-model gap on English vs Chinese prompts (rating points)")
        return
    frame = arena_gap(leader, follower, category=category, as_of=as_of, since=since,
                      attribution=attribution, n=draws, seed=seed, level=level,
                      home=state.home)
    if fmt == "table":
        cols = ["date", "leader_model", "leader_rating", "follower_model", "follower_rating",
                "gap_pct", "gap_pct_lower", "gap_pct_upper", "p_leader_ahead"]
        out = frame[cols].copy()
        out.attrs = frame.attrs
        emit_frame(out, fmt, f"Arena gap, {category} (% of the follower's top rating)")
    else:
        emit_frame(frame, fmt, "")


@app.command("leaderboard")
def leaderboard_cmd(
    board: Annotated[str, typer.Argument(help="hf-open-llm (v2) or hf-open-llm-v1.")
                     ] = "hf-open-llm",
    as_of: AsOf = None,
    official_only: Annotated[bool, typer.Option("--official-only", help="Only models from "
                                                "official providers.")] = False,
    top: Annotated[int, typer.Option("--top", help="How many ranks.")] = 10,
    by: Annotated[str, typer.Option("--by", help="uploader (namespace owner) or base (base "
                                    "model's developer).")] = "uploader",
    fmt: FormatOption = "table",
) -> None:
    """The Open LLM Leaderboard as it stood on a date, every model with a country.

    Example: aigap leaderboard hf-open-llm --as-of 2024-06-26 --top 10 --by base
    """
    from aigap.api.ratings import leaderboard

    fmt = check_format(fmt)
    frame = leaderboard(board, as_of=as_of, official_only=official_only, top=top, by=by,
                        home=state.home)
    if fmt == "table":
        cols = ["rank", "name", "value", "observed_on", "attribution_namespace",
                "organization", "countries", "country_source"]
        out = frame[cols].copy()
        out.attrs = frame.attrs
        emit_frame(out, fmt, f"{board} top {top} (by {by})")
    else:
        emit_frame(frame, fmt, "")


@app.command("indicators")
def indicators_cmd(
    id_: Annotated[list[str] | None, typer.Option("--id", help="Indicator id or prefix "
                                                  "(repeatable), e.g. owid:private-investment"
                                                  )] = None,
    country: Annotated[list[str] | None, typer.Option("--country", "-c", help="ISO3 or name "
                                                      "(repeatable).")] = None,
    fmt: FormatOption = "table",
) -> None:
    """Country indicators: OWID/CSET investment and publications, TOP500, recorded figures.

    Example: aigap indicators --id owid:private-investment -c USA -c CHN
    """
    from aigap.api.ratings import indicators

    fmt = check_format(fmt)
    frame = indicators(id_, country, home=state.home)
    if fmt == "table":
        cols = ["indicator_id", "country", "date", "value", "unit", "source_name"]
        out = frame[cols].copy()
        out.attrs = frame.attrs
        emit_frame(out, fmt, "Indicators")
    else:
        emit_frame(frame, fmt, "")


@app.command("institutions")
def institutions_cmd(
    area: Annotated[list[str] | None, typer.Option(
        "--area", help="CSRankings area code (repeatable); default its AI areas: ai, vision, "
        "mlmining, nlp, inforet (papers at nips, acl... count under their area).")] = None,
    since: Annotated[int | None, typer.Option("--since", help="First publication year.")
                     ] = None,
    until: Annotated[int | None, typer.Option("--until", help="Last publication year.")
                     ] = None,
    country: Annotated[list[str] | None, typer.Option("--country", "-c", help="Only rows "
                                                      "of these ISO3 codes (ranks stay "
                                                      "global; repeatable).")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows shown in the table.")] = 20,
    fmt: FormatOption = "table",
) -> None:
    """Institutions ranked by faculty papers at top AI conferences (CSRankings).

    Needs CSRankings' files (`aigap update` downloads them). Example:
    aigap institutions --since 2018 --until 2022 -c CHN -c USA
    """
    from aigap.api.research import institutions

    fmt = check_format(fmt)
    frame = institutions(area, since=since, until=until, countries=country, home=state.home)
    if fmt == "table":
        out = frame.head(top).copy()
        out.attrs = frame.attrs
        emit_frame(out, fmt, "Institutions by adjusted papers at top AI conferences")
    else:
        emit_frame(frame, fmt, "")
