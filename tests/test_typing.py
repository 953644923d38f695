"""The type checker is part of the test suite: mypy on ``engine`` and ``web`` with the
settings in pyproject.toml (strict on the domain and the ports), and on the fakes and the
service tests, which hold each fake to its port by wiring it into a service."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_mypy_finds_no_errors():
    result = subprocess.run(
        [str(BIN / "mypy"), "engine", "web", "tests/fakes", "tests/services"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
