"""The layer contracts and the lint rules are part of the test suite."""

from __future__ import annotations

import ast
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


def imported_packages(package: Path) -> dict[str, set[str]]:
    """Each top-level package the modules below ``package`` import, and where."""
    found: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_domain_imports_the_standard_library_and_opencc_only():
    """What the purity contract states, for every library: its forbidden list names the
    runtime dependencies, this catches one added later (or a test-only one)."""
    outside = {
        name: sorted(paths)
        for name, paths in imported_packages(ROOT / "engine" / "domain").items()
        if name not in sys.stdlib_module_names and name not in ("engine", "opencc")
    }
    assert outside == {}
    assert "opencc" in imported_packages(ROOT / "engine" / "domain")


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
