"""The README's install-and-run command and every command in its Examples section, run as a
new user would on a fresh machine: no network, no ../shared mirror, an empty data home. Each
must exit 0 and name the date of the Epoch AI snapshot it answered from."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from aigap.sources.bundled import snapshot_date

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _bash_blocks(section: str) -> list[str]:
    """The ```bash blocks of one ``## section`` of the README."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## )", text, re.S | re.M)
    assert match, f"README has no '## {section}' section"
    return re.findall(r"```bash\n(.*?)```", match.group(1), re.S)


def _commands(block: str) -> list[list[str]]:
    """Each ``aigap ...`` command of a block (comments dropped, ``&&`` chains split)."""
    out = []
    for line in block.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line.startswith("#") or not line:
            continue
        for part in line.split("&&"):
            words = shlex.split(part)
            if words and words[0] == "aigap":
                out.append(words[1:])
    return out


def readme_commands() -> list[list[str]]:
    """`aigap report` from the install-and-run command, then every Examples command."""
    install = [c for b in _bash_blocks("Install and run")[:1] for c in _commands(b)]
    examples = [c for b in _bash_blocks("Examples")[:1] for c in _commands(b)]
    assert install and install[0][0] == "report", install
    assert len(examples) >= 6, examples
    return install + examples


def test_readme_commands_are_found() -> None:
    cmds = readme_commands()
    assert ["report", "-o", "report.html"] in cmds
    assert any(c[:1] == ["claims"] for c in cmds) and any(c[:1] == ["lag"] for c in cmds)


@pytest.mark.slow
def test_readme_commands_answer_offline_from_the_snapshot(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "AIGAP_HOME": str(home), "AIGAP_OFFLINE": "1",
           "AIGAP_SHARED_DATA": str(tmp_path / "no-shared-data"), "COLUMNS": "80",
           "PYTHONPATH": str(ROOT / "src")}
    env.pop("AIGAP_MIRROR_URL", None)
    stamp = snapshot_date().isoformat()
    for args in readme_commands():
        run = subprocess.run([sys.executable, "-m", "aigap", *args], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=900, check=False)
        shown = " ".join(args)
        assert run.returncode == 0, f"aigap {shown}: exit {run.returncode}\n{run.stderr}"
        assert stamp in run.stdout + run.stderr, f"aigap {shown} does not name {stamp}"
        assert "{'" not in run.stdout, f"aigap {shown} prints a Python dict"
        if args == ["claims"]:
            # At 80 columns every claim id is printed whole (it can be copied into `show`).
            from aigap.claims.registry import load_claims

            for claim in load_claims(()):
                assert claim.id in run.stdout, f"claim id {claim.id} is cut at 80 columns"
    assert (tmp_path / "report.html").stat().st_size > 10_000
