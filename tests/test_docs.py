"""The docs are tested: every key docs/json.md documents for a result is in its JSON, and
every top-level key the JSON has is documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


def documented_keys(command: str) -> set[str]:
    """Top-level keys in the first column of the table under ``## `aigap COMMAND ...```."""
    text = (DOCS / "json.md").read_text(encoding="utf-8")
    match = re.search(rf"^## `aigap {command} --format json`\n(.*?)(?=^## )", text,
                      re.M | re.S)
    assert match, f"docs/json.md has no section for aigap {command}"
    keys: set[str] = set()
    for line in match.group(1).splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            keys |= set(re.findall(r"`([a-z_]+)`", first))
    assert keys, f"no keys documented for aigap {command}"
    return keys


def test_documented_keys_parser_reads_tables() -> None:
    assert {"kind", "inputs", "data", "summary", "series"} <= documented_keys("lag")


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize("command", ["lag", "trend", "compute", "index"])
def test_json_keys_match_the_docs(command: str, mirror_store: Any) -> None:
    import aigap

    if command == "lag":
        out = aigap.lag("USA", "China", "eci", bootstrap=20, sensitivity=True,
                        store=mirror_store).to_dict()
    elif command == "index":
        out = aigap.index(n_boot=0, store=mirror_store).to_dict()
    elif command == "trend":
        out = aigap.trend("USA", "China", "eci", store=mirror_store).to_dict()
    else:
        out = aigap.compute("ROW", "China", n_boot=20, store=mirror_store).to_dict()
    assert set(out) == documented_keys(command)
    assert set(out["data"]) <= documented_data_keys()


def documented_data_keys() -> set[str]:
    """The keys the "Common blocks" bullet on ``data`` names."""
    text = (DOCS / "json.md").read_text(encoding="utf-8")
    match = re.search(r"^- `data`:(.*?)(?=^- |^## )", text, re.M | re.S)
    assert match, "docs/json.md does not describe the data block"
    return set(re.findall(r"`([a-z_]+)`", match.group(1)))


def test_every_cli_option_is_documented() -> None:
    """Each long option of each command appears in README.md or docs/*.md (a new flag
    without docs fails here)."""
    from typer.main import get_command

    from aigap.cli.app import app, load_commands

    load_commands()

    root = Path(__file__).resolve().parents[1]
    docs = (root / "README.md").read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in sorted((root / "docs").glob("*.md")))
    missing: list[str] = []

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "commands"):  # a group (typer may vendor its own click)
            for name, sub in command.commands.items():
                walk(sub, [*path, name])
            return
        for param in command.params:
            for opt in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]:
                if opt.startswith("--") and opt != "--help" and opt not in docs:
                    missing.append(f"aigap {' '.join(path)} {opt}")

    root_command = get_command(app)
    walk(root_command, [])
    assert "update" in root_command.commands  # the walk saw the commands
    assert not missing, f"undocumented options: {missing}"


def test_cli_md_lists_each_commands_options_in_its_section() -> None:
    """docs/cli.md has a section per command, and each section names all of that command's
    long options (an option documented for one command does not cover another's)."""
    import re

    from typer.main import get_command

    from aigap.cli.app import app, load_commands

    load_commands()
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    parts = re.split(r"^## `aigap ([^`]+)`\s*$", text, flags=re.M)
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    missing: list[str] = []

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])
            if not command.params or not path:
                return
        body = sections.get(" ".join(path))
        if body is None:
            missing.append(f"no section for aigap {' '.join(path)}")
            return
        for param in command.params:
            for opt in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]:
                if opt.startswith("--") and opt != "--help" and f"`{opt}" not in body \
                        and f" {opt}" not in body:
                    missing.append(f"aigap {' '.join(path)} {opt}")

    walk(get_command(app), [])
    assert len(sections) > 15
    assert not missing, f"docs/cli.md misses: {missing}"
