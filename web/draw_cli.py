"""``leitai draw run`` and ``leitai draw verify``: run a committed lucky draw, and check
a published one from its JSON alone (no database: anyone can)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from engine.domain.lucky_draw import differences
from engine.services.errors import ServiceError
from web.api.draws import DrawSchema
from web.cli import app_of, cli, describe


@cli.group(help="Lucky draws: committed before they run, verifiable after.")
def draw() -> None:
    pass


@draw.command("run", help="Run a committed draw and print it as published (JSON).")
@click.argument("draw_id", type=click.IntRange(min=1))
@click.pass_context
def run(ctx: click.Context, draw_id: int) -> None:
    wired = app_of(ctx).extensions["leitai"]
    try:
        drawn = wired.draws.run(draw_id)
    except ServiceError as error:
        raise click.ClickException(describe(error)) from error
    click.echo(json.dumps(DrawSchema().dump(drawn), ensure_ascii=False, indent=2))


@draw.command(
    help="Recompute a published draw's hashes and winners from its seed and pool; "
    "exit 0 if they match, 1 naming each difference."
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(file: Path) -> None:
    try:
        published = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        click.echo(f"{file}: not JSON: {error}", err=True)
        sys.exit(1)
    if not isinstance(published, dict) or published.get("seed") is None:
        click.echo(f"{file}: not a drawn draw (no seed revealed yet)", err=True)
        sys.exit(1)
    found = differences(published)
    for difference in found:
        click.echo(f"{file}: {difference}", err=True)
    if found:
        sys.exit(1)
    winners = [w["contestant"] for w in published["winners"]]
    click.echo(f"{file}: verified: {len(published['pool'])} in the pool, winners {winners}")
