"""Lint settings from a YAML file (the fields of ``engine.domain.lint.LintConfig``)."""

from __future__ import annotations

from pathlib import Path

import yaml

from engine.domain.lint import InvalidLintConfig, LintConfig


class LintConfigFileError(ValueError):
    """A config file that cannot be read or names a bad setting; the message says where."""


def load_lint_config(path: str | Path) -> LintConfig:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise LintConfigFileError(f"{path}: cannot read: {error}") from error
    try:
        return LintConfig.from_dict({} if data is None else data)
    except InvalidLintConfig as error:
        raise LintConfigFileError(f"{path}: {error}") from error
