"""``leitai results export`` and ``leitai leaderboard rebuild``: a round's record, from SQL."""

from __future__ import annotations

import json
from pathlib import Path

import click

from engine.services.errors import ServiceError
from engine.services.result_tables import LANGUAGES, results_tables
from engine.services.results import standings_csv
from web.cli import app_of, cli, describe
from web.wiring import Wiring


@cli.group(help="Round results.")
def results() -> None:
    pass


@results.command(
    help="Write a round's standings (csv), its full results (json) or every table (xlsx)."
)
@click.argument("round_id", type=click.IntRange(min=1))
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), required=True)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="zh-Hans",
    show_default=True,
    help="xlsx: the language of sheet and column names",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="default: stdout")
@click.pass_context
def export(ctx: click.Context, round_id: int, fmt: str, lang: str, output: str | None) -> None:
    wired: Wiring = app_of(ctx).extensions["leitai"]
    results = wired.results
    try:
        if fmt == "csv":
            content = standings_csv(results.standings(round_id)[1]).encode("utf-8")
        elif fmt == "xlsx":
            content = wired.workbook(results_tables(results.report(round_id), lang))
        else:
            report = json.dumps(results.report(round_id), ensure_ascii=False, indent=2)
            content = (report + "\n").encode("utf-8")
    except ServiceError as error:
        raise click.ClickException(describe(error)) from error
    if output is None:
        # Bytes as they are: the CSV keeps its BOM and CRLFs, "> file.csv" is for Excel too.
        click.echo(content, nl=False)
        return
    Path(output).write_bytes(content)
    click.echo(f"Round {round_id} results written to {output}", err=True)


@cli.group(help="Round leaderboards in Redis.")
def leaderboard() -> None:
    pass


@leaderboard.command(help="Recompute every board of a round from the SQL answer record.")
@click.argument("round_id", type=click.IntRange(min=1))
@click.pass_context
def rebuild(ctx: click.Context, round_id: int) -> None:
    wired: Wiring = app_of(ctx).extensions["leitai"]
    wired.drainer.drain_all()  # the record must hold every answer the boards have
    try:
        rebuilt = wired.results.rebuild(round_id)
    except ServiceError as error:
        raise click.ClickException(describe(error)) from error
    click.echo(
        f"Round {round_id}: rebuilt {rebuilt.contestants} contestants "
        f"from {rebuilt.answers} answers."
    )
