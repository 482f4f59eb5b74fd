"""docs/cli.md is generated from the parser and names every command and option."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "cli.md"


def test_the_reference_in_docs_cli_md_is_up_to_date() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_cli_docs.py"), "--check"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr


def test_every_command_and_option_is_in_docs_cli_md() -> None:
    from rarepassport.cli import build_parser, subcommands

    page = PAGE.read_text(encoding="utf-8")
    parser = build_parser()
    missing = []
    for words, sub in subcommands(parser):
        heading = f"### rarepassport {' '.join(words)}"
        if heading not in page and sub.get_default("handler") is not None and words != ["plugin"]:
            missing.append(heading)
        section = page.split(heading, 1)[-1].split("\n### ", 1)[0]
        for action in sub._actions:
            for flag in action.option_strings:
                if flag in ("-h", "--help"):
                    continue
                where = section if f"`{flag}" in section else page
                if f"`{flag}" not in where:
                    missing.append(f"{' '.join(words)} {flag}")
    assert not missing


def test_a_missing_option_makes_the_check_fail() -> None:
    # The check is a real comparison: a page whose reference lost a line is out of date.
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_cli_docs
    finally:
        sys.path.pop(0)
    page = PAGE.read_text(encoding="utf-8")
    damaged = page.replace("`--allow-invalid`", "`--allow-broken`")
    assert damaged != page
    assert make_cli_docs.page_with_reference(damaged) == page
