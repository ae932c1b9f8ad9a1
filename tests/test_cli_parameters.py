"""Bad parameters on every command are refused in one line naming the flag (issue 16):
``--seed -1`` (a numpy traceback before), ``--as-of`` in the future (48 s of work before),
``--country XX`` (named "column 'country'" before)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from aigap.cli.app import app, load_commands

#: Arguments a command needs before its options.
REQUIRED = {"import": ["epoch-models", "x.csv"], "claims show": ["some-claim"]}


def commands() -> Iterator[tuple[tuple[str, ...], set[str]]]:
    """Every CLI command (and the ``claims`` group itself) with its option flags."""
    import typer

    load_commands()

    def walk(c: Any, prefix: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], set[str]]]:
        opts = {o for p in c.params for o in p.opts}
        if prefix:
            yield prefix, opts
        for name, sub in getattr(c, "commands", {}).items():
            yield from walk(sub, (*prefix, name))

    yield from walk(typer.main.get_command(app), ())


def with_flag(flag: str) -> list[tuple[str, ...]]:
    return [path for path, opts in commands() if flag in opts]


def test_every_seeded_and_dated_command_is_covered() -> None:
    seeded = {" ".join(p) for p in with_flag("--seed")}
    assert {"lag", "trend", "compute", "arena", "report", "claims"} <= seeded
    dated = {" ".join(p) for p in with_flag("--as-of")}
    assert {"models", "lag", "trend", "compute", "top500", "clusters", "arena",
            "leaderboard", "report", "claims"} <= dated


@pytest.mark.parametrize("path", with_flag("--seed"), ids=" ".join)
def test_negative_seed_is_refused_naming_the_flag(cli, path: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    args = [*path, *REQUIRED.get(" ".join(path), [])] if path != ("claims",) else ["claims"]
    res = cli(*args, "--seed", "-1") if path != ("claims",) else cli("claims", "--seed", "-1")
    assert res.code == 2, (res.out, res.err)
    assert len(res.err.strip().splitlines()) == 1
    assert "--seed" in res.err and "-1" in res.err


@pytest.mark.parametrize("path", with_flag("--as-of"), ids=" ".join)
def test_future_as_of_is_refused_quickly(cli, path: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    res = cli(*path, *REQUIRED.get(" ".join(path), []), "--as-of", "9999-12-31")
    took = time.monotonic() - start
    assert res.code == 2, (res.out, res.err)
    assert len(res.err.strip().splitlines()) == 1
    assert "--as-of" in res.err and "future" in res.err
    assert took < 15  # the bundled-data import on first use, never a computation


def test_unknown_country_names_the_flag(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("indicators", "--country", "XX")
    assert res.code == 2
    assert res.err.startswith("Error: --country:") and "'XX'" in res.err
    assert "column" not in res.err


def test_web_compute_negative_seed_is_http_400(home) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from aigap.api.context import analysis_store
    from aigap.web.app import create_app

    with analysis_store(home):
        pass
    client = TestClient(create_app(home))
    for url in ("/api/compute?seed=-1", "/api/lag?seed=-1&metric=mmlu"):
        resp = client.get(url)
        assert resp.status_code == 400, resp.text
        assert resp.json()["error"].startswith("seed:")
    resp = client.get("/api/compute?as_of=9999-12-31")
    assert resp.status_code == 400 and resp.json()["error"].startswith("as_of:")
