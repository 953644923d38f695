"""``leitai campaign create|units import|participation|advance|purge`` (docs/campaigns.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from engine.domain.attempts import DAY_MS, day_start_ms
from engine.services.errors import ServiceError
from engine.services.participation import GROUPINGS
from web import clock
from web.api.campaigns import CampaignSchema, CampaignUnitSchema
from web.cli import TEXT, app_of, cli, describe


@cli.group(help="Campaigns: stages of rounds, units, registration, participation.")
def campaign() -> None:
    pass


def _day(value: str) -> int:
    """Days since 1970-01-01 of an ISO date (a calendar day in Asia/Shanghai)."""
    try:
        return (date.fromisoformat(value) - date(1970, 1, 1)).days
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date like 2026-12-01") from error


@campaign.command("create", help="Create a campaign owned by an organiser; prints it as JSON.")
@click.argument("title", type=TEXT)
@click.option("--owner", required=True, type=TEXT, help="The organiser who owns it.")
@click.option("--opens", required=True, help="First day (Asia/Shanghai), e.g. 2026-12-01.")
@click.option("--closes", required=True, help="Last day (Asia/Shanghai), e.g. 2026-12-31.")
@click.option(
    "--rules",
    "rules_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A UTF-8 text file of the published rules.",
)
@click.option("--place", "places", multiple=True, help="A Guangdong place code; default all.")
@click.pass_context
def create(
    ctx: click.Context,
    title: str,
    owner: str,
    opens: str,
    closes: str,
    rules_file: Path | None,
    places: tuple[str, ...],
) -> None:
    wired = app_of(ctx).extensions["leitai"]
    found = wired.accounts.users.find(owner)
    if found is None:
        raise click.ClickException(f"There is no organiser {owner!r}.")
    settings = {
        "title": title,
        "opens_at": day_start_ms(_day(opens)),
        "closes_at": day_start_ms(_day(closes)) + DAY_MS,  # the end of the last day
        "rules": rules_file.read_text(encoding="utf-8") if rules_file else "",
        "places": list(places) or None,
    }
    try:
        made = wired.campaigns.create(found[0].organiser, settings)
    except ServiceError as error:
        raise click.ClickException(describe(error)) from error
    click.echo(json.dumps(CampaignSchema().dump(made), ensure_ascii=False, indent=2))


@campaign.group(help="A campaign's unit roster.")
def units() -> None:
    pass


@units.command("import", help="Replace a campaign's roster with an .xlsx or CSV file.")
@click.argument("campaign_id", type=click.IntRange(min=1))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_(ctx: click.Context, campaign_id: int, file: Path) -> None:
    wired = app_of(ctx).extensions["leitai"]
    try:
        imported = wired.campaigns.import_units(campaign_id, file.read_bytes(), file.name)
    except ServiceError as error:
        for where, problems in error.fields.items():
            for problem in problems if isinstance(problems, list) else [problems]:
                click.echo(f"{where}: {problem}", err=True)
        raise click.ClickException(error.message) from error
    click.echo(f"Imported {len(imported)} units into campaign {campaign_id}.")
    for unit in CampaignUnitSchema(many=True).dump(imported):
        click.echo(f"{unit['id']}\t{unit['name']}\t{unit['place_name']}\t{unit['headcount']}")


@campaign.command(
    help="After a campaign closes, delete its personal data: names, phones, the other "
    "registration fields, identity hashes and the member list (nicknames, places and "
    "units stay for participation)."
)
@click.argument("campaign_id", type=click.IntRange(min=1))
@click.pass_context
def purge(ctx: click.Context, campaign_id: int) -> None:
    wired = app_of(ctx).extensions["leitai"]
    try:
        purged = wired.registrations.purge(campaign_id, clock.now_ms())
    except ServiceError as error:
        raise click.ClickException(describe(error)) from error
    click.echo(f"Purged the personal data of {purged} registrations of campaign {campaign_id}.")


@campaign.command(help="Participation per unit, district or city (tab-separated).")
@click.argument("campaign_id", type=click.IntRange(min=1))
@click.option("--by", type=click.Choice(GROUPINGS), default="unit", show_default=True)
@click.option("--stage", type=click.IntRange(min=1), default=1, show_default=True)
@click.option(
    "--recount",
    is_flag=True,
    help="Compute the table from the record (every attempt) and exit 1 unless it equals "
    "the live counts.",
)
@click.pass_context
def participation(ctx: click.Context, campaign_id: int, by: str, stage: int, recount: bool) -> None:
    wired = app_of(ctx).extensions["leitai"]
    try:
        table = wired.participation.participation(campaign_id, by, stage)
        if recount:
            live, table = (
                table,
                wired.participation.participation(campaign_id, by, stage, recount=True),
            )
    except ServiceError as error:
        raise click.ClickException(describe(error)) from error
    click.echo("code\tname\tparticipants\theadcount\trate")
    for row in [*table["rows"], {"code": "", "name": "total", **table["campaign"]}]:
        rate = "" if row["rate"] is None else f"{row['rate']:.2%}"
        click.echo(
            f"{row['code']}\t{row['name']}\t{row['participants']}\t{row['headcount']}\t{rate}"
        )
    if recount and live != table:
        raise click.ClickException("The live counts differ from the record's recount.")


@campaign.command(
    help="The qualifiers of a stage under its advancement rule, as things stand "
    "(tab-separated; * marks a tie at the cut); with --confirm, confirm them all "
    "(as the campaign's owner) once the stage's rounds have finished."
)
@click.argument("campaign_id", type=click.IntRange(min=1))
@click.argument("stage", type=click.IntRange(min=1))
@click.option("--confirm", is_flag=True, help="Confirm every qualifier listed.")
@click.pass_context
def advance(ctx: click.Context, campaign_id: int, stage: int, confirm: bool) -> None:
    wired = app_of(ctx).extensions["leitai"]
    wired.drainer.drain_all()  # standings from the SQL record
    try:
        owner_name = wired.campaigns.view(campaign_id)["owner"]  # NotFound first
        found = wired.advancement.qualifiers(campaign_id, stage)
        if confirm:
            owner = wired.accounts.users.find(owner_name or "")
            if owner is None:
                raise click.ClickException("The campaign has no owner to confirm as.")
            confirmed = wired.advancement.confirm_qualifiers(
                owner[0].organiser, campaign_id, stage, None
            )["confirmed"]
    except ServiceError as error:
        raise click.ClickException(describe(error)) from error
    click.echo("registration\tnickname\tgroup\trank\tpoints\ttime_ms\ttie")
    for q in found["qualifiers"]:
        click.echo(
            f"{q['registration']}\t{q['nickname']}\t{q['group_name']}\t{q['rank']}"
            f"\t{q['points']}\t{q['total_ms']}\t{'*' if q['tied_at_cut'] else ''}"
        )
    if found["ungrouped"]:
        click.echo(f"{len(found['ungrouped'])} with no group (unit or city) are not ranked.")
    if confirm:
        click.echo(f"Confirmed {len(confirmed)} qualifiers of stage {stage}.")
