"""``leitai bank lint PATH|SLUG``: what an examiner would query, for a file or a draft."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import click

from engine.adapters.lintconfig import LintConfigFileError, load_lint_config
from engine.domain.lint import Finding, LintConfig, Severity, lint_bank
from engine.services.errors import ServiceError
from web.bank_cli import bank, load_all
from web.cli import app_of, describe
from web.config import zh_hant_conversion


@bank.command(
    help="Lint a bank file or folder (PATH) or a bank's draft (SLUG). Exit 1 on an error, "
    "or with --strict on a warning too."
)
@click.argument("target")
@click.option("--strict", is_flag=True, help="fail on warnings as well as errors")
@click.option("--config", "config_file", type=click.Path(), help="a YAML file of thresholds")
@click.pass_context
def lint(ctx: click.Context, target: str, strict: bool, config_file: str | None) -> None:
    try:
        config = load_lint_config(config_file) if config_file else LintConfig()
    except LintConfigFileError as error:
        raise click.ClickException(str(error)) from error
    where, findings = _findings(ctx, target, config)
    for finding in findings:
        click.echo(_line(where, finding))
    counts = Counter(finding.severity for finding in findings)
    click.echo(
        f"{where}: {counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
        f"{counts[Severity.INFO]} notes"
    )
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if failing & set(counts):
        raise SystemExit(1)


def _findings(ctx: click.Context, target: str, config: LintConfig) -> tuple[str, list[Finding]]:
    if Path(target).exists():
        (loaded,) = load_all((target,))
        if loaded.content is None:
            raise SystemExit(1)  # not a valid bank: its problems are printed
        return loaded.file, lint_bank(loaded.content, config, zh_hant_conversion(os.environ))
    banks = app_of(ctx).extensions["leitai"].banks
    try:
        return target, banks.lint(target, config)
    except ServiceError as error:
        raise click.ClickException(describe(error)) from error


def _line(where: str, finding: Finding) -> str:
    item = f" {finding.question}" if finding.question else ""
    at = f" ({finding.path})" if finding.path else ""
    return f"{where}:{item} {finding.severity} [{finding.rule}] {finding.message}{at}"
