"""The bank linter: what an examiner would query in a valid bank (see docs/bank-lint.md)."""

from engine.domain.lint.config import RULES, Finding, InvalidLintConfig, LintConfig, Severity
from engine.domain.lint.rules import lint_bank

__all__ = ["RULES", "Finding", "InvalidLintConfig", "LintConfig", "Severity", "lint_bank"]
