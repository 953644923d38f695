"""``leitai bank check|import|export`` with workbooks, Word, text, GIFT, Moodle XML, Aiken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.adapters.bankformats import BankHeader, read_bank
from tests.integration.test_bank_cli import invoke

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bankformats"
HEADER = ("--slug", "imported", "--title", "导入的题库", "--source", "书")


@pytest.mark.parametrize(
    ("name", "extra", "count"),
    [
        ("layout.txt", (), 8),
        ("handmade.docx", (), 4),
        ("questions.gift", (), 8),
        ("questions.xml", (), 5),
        ("questions.aiken", (), 2),
        ("questions.aiken", ("--format", "aiken"), 2),
    ],
)
def test_each_format_checks_and_imports_by_its_name(app, wired, name, extra, count):
    checked = invoke(app, "bank", "check", FIXTURES / name, *HEADER, *extra)
    assert checked.exit_code == 0, checked.output
    assert checked.stdout == f"{FIXTURES / name}: ok ({count} questions)\n"
    imported = invoke(app, "bank", "import", FIXTURES / name, *HEADER, *extra)
    assert imported.exit_code == 0, imported.output
    version = wired.banks.version("imported")[0]
    assert imported.stdout == (
        f"imported: created version 1 ({count} questions, {version.hash[:12]})\n"
    )
    assert version.published_by == "cli"


def test_a_workbook_names_its_bank_on_its_bank_sheet(app, wired):
    imported = invoke(app, "bank", "import", FIXTURES / "handmade.xlsx")
    assert imported.exit_code == 0, imported.output
    info, content = wired.banks.version("handmade-xlsx")
    assert (info.question_count, content.title["en"]) == (7, "A hand-made bank")


def test_a_bad_file_prints_file_line_problems_and_imports_nothing(app, wired, tmp_path):
    good = FIXTURES / "layout.txt"
    result = invoke(
        app, "bank", "import", good, FIXTURES / "layout-bad.txt", FIXTURES / "unsupported.xml",
        *HEADER,
    )  # fmt: skip
    assert result.exit_code == 1
    bad, xml = FIXTURES / "layout-bad.txt", FIXTURES / "unsupported.xml"
    assert result.stderr.splitlines() == [
        f"{bad}:1: the question has no answer line (答案：...)",
        f"{bad}:8: answer: no choice has the key 'e'",
        f"{bad}:11: answer: must be exactly one of true or false",
        f"{bad}:17: difficulty: must be a whole number, not text",
        f"{xml}:9: question type 'matching' is not supported by Leitai",
        f"{xml}:14: question type 'numerical' is not supported by Leitai",
        f"{xml}:19: partial credit in a single-choice question is not supported",
        f"{xml}:26: question type 'essay' is not supported by Leitai",
    ]
    assert wired.banks.list() == []  # one bad file: nothing stored, the good one neither


def test_a_file_without_a_bank_header_asks_for_slug_title_and_source(app, wired):
    result = invoke(app, "bank", "check", FIXTURES / "questions.aiken")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    file = FIXTURES / "questions.aiken"
    assert lines[:2] == [
        f"{file}: the file names no bank: give --slug (and --title)",
        f"{file}: title (--title): missing the default locale 'zh-Hans'",
    ]
    assert (
        f"{file}:1: source (来源, or --source for every question): missing required field 'source'"
        in lines
    )


def test_a_name_that_says_no_format_is_read_as_yaml_unless_told(app, tmp_path):
    odd = tmp_path / "bank.dat"
    shutil.copy(FIXTURES / "questions.gift", odd)
    result = invoke(app, "bank", "check", odd, *HEADER)
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"{odd}:2: YAML syntax error: mapping values are not allowed in this context\n"
    )
    assert invoke(app, "bank", "check", odd, *HEADER, "--format", "gift").exit_code == 0


@pytest.mark.parametrize("fmt", ["xlsx", "gift", "moodle-xml"])
def test_export_then_import_is_unchanged_for_what_the_format_carries(app, wired, tmp_path, fmt):
    source = FIXTURES / "questions.gift"
    assert invoke(app, "bank", "import", source, *HEADER).exit_code == 0
    exported = invoke(app, "bank", "export", "imported", "--format", fmt, "-o", tmp_path)
    assert exported.exit_code == 0, exported.output
    suffix = {"xlsx": ".xlsx", "gift": ".gift.txt", "moodle-xml": ".xml"}[fmt]
    target = tmp_path / f"imported{suffix}"
    assert exported.stdout == f"imported version 1 written to {target}\n"
    if fmt == "moodle-xml":  # difficulty, time limits and sources stay behind
        assert "warning: not exported: difficulty, source and time limits" in exported.stderr
    again = invoke(app, "bank", "import", target, *HEADER, "--format", fmt)
    assert again.exit_code == 0, again.output
    versions = wired.banks.versions("imported")
    if fmt == "moodle-xml":
        assert again.stdout.startswith("imported: new version 2")
    else:
        assert again.stdout == f"imported: unchanged (version 1, {versions[0].hash[:12]})\n"


def test_export_to_stdout_and_the_binary_workbook_needs_a_file(app, wired):
    assert invoke(app, "bank", "import", FIXTURES / "layout.txt", *HEADER).exit_code == 0
    gift = invoke(app, "bank", "export", "imported", "--format", "gift")
    assert gift.exit_code == 0, gift.output
    reread = read_bank(gift.stdout.encode(), "x.gift", "gift", BankHeader("imported", "导入的题库"))
    assert reread.problems == ()
    assert "// [id:q0008]" not in gift.stdout  # the ordering question is left out...
    assert "q0008: left out (GIFT has no ordering question)" in gift.stderr  # ...and named
    xlsx = invoke(app, "bank", "export", "imported", "--format", "xlsx")
    assert xlsx.exit_code == 1
    assert "give -o FILE" in xlsx.stderr


def test_the_template_imports_with_the_cli(app, wired):
    template = Path(__file__).parents[2] / "web" / "static" / "console" / "bank-template.xlsx"
    result = invoke(app, "bank", "import", template)
    assert result.exit_code == 0, result.output
    info, content = wired.banks.version("my-bank")
    assert (info.question_count, content.default_locale) == (5, "zh-Hans")
    assert [q.key for q in content.questions] == ["q0001", "q0002", "q0003", "q0004", "q0005"]
