"""The layer contracts and the lint rules are part of the test suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_import_contracts_keep_the_layers():
    result = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_ruff_is_clean():
    lint = subprocess.run(
        [str(BIN / "ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    style = subprocess.run(
        [str(BIN / "ruff"), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert style.returncode == 0, style.stdout + style.stderr


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    blocks = text.split("```sh\n")[1:3]
    return [block.split("\n```")[0].strip() for block in blocks]


def test_ci_runs_exactly_the_readme_test_command():
    install_and_demo, test_command = readme_commands()
    assert install_and_demo.endswith("leitai demo")
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command in ci
