"""``leitai bank ...``: check, import and export bank files; list, version and diff banks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from engine.adapters.bankfile import BANK_FILE, FileProblem, LoadedBank, dump_bank, load_bank_file
from engine.adapters.bankformats import (
    EXPORT_FORMATS,
    EXPORT_SUFFIXES,
    IMPORT_FORMATS,
    BankHeader,
    format_of,
    read_bank,
    write_bank,
)
from engine.domain.questions import BankContent
from engine.services.errors import ServiceError
from web.cli import app_of, cli, describe

F = TypeVar("F", bound=Callable[..., Any])


@cli.group(help="Question banks.")
def bank() -> None:
    pass


def file_options(command: F) -> F:
    """What a file without a bank header (a sheet, a document, GIFT...) needs."""
    options = [
        click.option(
            "--format",
            "fmt",
            type=click.Choice(IMPORT_FORMATS),
            help="default: from the file name (.xlsx .docx .txt .gift .xml .aiken), else yaml",
        ),
        click.option("--slug", help="the bank's slug, for files that do not name one"),
        click.option("--title", help="the bank's title in its default locale"),
        click.option(
            "--locale",
            "default_locale",
            default="zh-Hans",
            show_default=True,
            help="the default locale of a file without a bank header",
        ),
        click.option("--source", help="the source of every question that names none"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def load_one(path: str, fmt: str | None, header: BankHeader) -> LoadedBank:
    """A bank folder or YAML file as always; any other format read by its reader."""
    # A folder, or a name that says no other format, is YAML as it always was.
    fmt = fmt or format_of(path) or "yaml"
    if fmt == "yaml":
        return load_bank_file(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        message = f"cannot read: {error.strerror}"
        return LoadedBank(path, None, (FileProblem(path, None, message),))
    return read_bank(data, path, fmt, header)


def load_all(
    paths: tuple[str, ...], fmt: str | None = None, header: BankHeader | None = None
) -> list:
    """Every file loaded; every problem printed as file:line: message."""
    loaded = [load_one(path, fmt, header or BankHeader()) for path in paths]
    for result in loaded:
        for problem in result.problems:
            click.echo(str(problem), err=True)
    return loaded


@bank.command(help="Validate bank files; exit 1 listing every problem as file:line.")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@file_options
def check(paths: tuple[str, ...], fmt: str | None, **header: Any) -> None:
    loaded = load_all(paths, fmt, BankHeader(**header))
    if any(result.problems for result in loaded):
        raise SystemExit(1)
    for result in loaded:
        assert result.content is not None
        click.echo(f"{result.file}: ok ({len(result.content.questions)} questions)")


@bank.command("import", help="Import bank files: a new version when the content changed.")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@file_options
@click.pass_context
def import_(
    ctx: click.Context, paths: tuple[str, ...], fmt: str | None = None, **header: Any
) -> None:
    loaded = load_all(paths, fmt, BankHeader(**header))
    if any(result.problems for result in loaded):
        raise SystemExit(1)  # all or nothing: one bad file imports none
    banks = app_of(ctx).extensions["leitai"].banks
    imports = []
    for result in loaded:
        content = result.content
        assert content is not None
        folder = Path(result.file).parent
        media = {
            q.media.path: (folder / q.media.path).read_bytes()
            for q in content.questions
            if q.media is not None
        }
        try:
            banks.check_media(content, media)  # all or nothing, media included
        except ServiceError as error:
            raise click.ClickException(f"{result.file}: {describe(error)}") from error
        imports.append((result.file, content, media))
    for file, content, media in imports:
        try:
            outcome = banks.import_bank(content, media, published_by="cli")
        except ServiceError as error:
            raise click.ClickException(f"{file}: {describe(error)}") from error
        version = outcome.version
        if outcome.status == "unchanged":
            click.echo(f"{content.slug}: unchanged (version {version.number}, {version.hash[:12]})")
        else:
            made = "created" if outcome.status == "created" else "new"
            click.echo(
                f"{content.slug}: {made} version {version.number} "
                f"({version.question_count} questions, {version.hash[:12]})"
            )


@bank.command(help="Write a published version as a bank file (with its media).")
@click.argument("slug")
@click.option("--version", "number", type=click.IntRange(min=1), help="default: the latest")
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="yaml", show_default=True
)
@click.option("-o", "--output", type=click.Path(), help="a folder or a file; default stdout")
@click.pass_context
def export(ctx: click.Context, slug: str, number: int | None, fmt: str, output: str | None) -> None:
    banks = app_of(ctx).extensions["leitai"].banks
    try:
        info, content, files = banks.export(slug, number)
    except ServiceError as error:
        raise click.ClickException(describe(error)) from error
    if fmt != "yaml":
        export_other(content, fmt, output, f"{slug} version {info.number}")
        return
    text = dump_bank(content)
    if output is None:
        if files:
            raise click.ClickException("This bank has media files: give -o FOLDER to export them.")
        click.echo(text, nl=False)
        return
    target = Path(output)
    bank_file = target if target.suffix in {".yaml", ".yml"} else target / BANK_FILE
    bank_file.parent.mkdir(parents=True, exist_ok=True)
    bank_file.write_text(text, encoding="utf-8")
    for relative, data in files.items():
        (bank_file.parent / relative).parent.mkdir(parents=True, exist_ok=True)
        (bank_file.parent / relative).write_bytes(data)
    click.echo(f"{slug} version {info.number} written to {bank_file} ({len(files)} media files)")


def export_other(content: BankContent, fmt: str, output: str | None, what: str) -> None:
    """Write a version in another format, warning of everything the format cannot carry."""
    exported = write_bank(content, fmt)
    for lost in exported.lost:
        click.echo(f"warning: not exported: {lost}", err=True)
    if output is None:
        if fmt == "xlsx":
            raise click.ClickException("A workbook is binary: give -o FILE.")
        click.echo(exported.data.decode("utf-8"), nl=False)
        return
    target = Path(output)
    if target.is_dir():
        target = target / f"{content.slug}{EXPORT_SUFFIXES[fmt]}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(exported.data)
    click.echo(f"{what} written to {target}")


@bank.command("list", help="Banks with their latest version.")
@click.pass_context
def list_(ctx: click.Context) -> None:
    banks = app_of(ctx).extensions["leitai"].banks
    for summary in banks.list():
        latest = f"v{summary.latest_version}" if summary.latest_version else "unpublished"
        title = summary.title.get(summary.default_locale, "")
        click.echo(f"{summary.slug}\t{latest}\t{summary.versions} versions\t{title}")


@bank.command(help="Published versions of a bank.")
@click.argument("slug")
@click.pass_context
def versions(ctx: click.Context, slug: str) -> None:
    banks = app_of(ctx).extensions["leitai"].banks
    try:
        found = banks.versions(slug)
    except ServiceError as error:
        raise click.ClickException(describe(error)) from error
    for version in found:
        click.echo(
            f"v{version.number}\t{version.hash}\t{version.question_count} questions\t"
            f"{version.published_at or ''}\t{version.published_by or ''}"
        )


@bank.command(help="What changed between versions A and B.")
@click.argument("slug")
@click.argument("old", type=click.IntRange(min=1))
@click.argument("new", type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_context
def diff(ctx: click.Context, slug: str, old: int, new: int, as_json: bool) -> None:
    banks = app_of(ctx).extensions["leitai"].banks
    try:
        change = banks.diff(slug, old, new)
    except ServiceError as error:
        raise click.ClickException(describe(error)) from error
    if as_json:
        click.echo(
            json.dumps(
                {
                    "added": change.added,
                    "removed": change.removed,
                    "changed": {c.key: c.fields for c in change.changed},
                    "bank_fields": change.bank_fields,
                },
                ensure_ascii=False,
            )
        )
        return
    for field in change.bank_fields:
        click.echo(f"~ bank {field}")
    for key in change.added:
        click.echo(f"+ {key}")
    for key in change.removed:
        click.echo(f"- {key}")
    for question in change.changed:
        click.echo(f"~ {question.key}: {', '.join(question.fields)}")
    if change.empty:
        click.echo("no differences")
