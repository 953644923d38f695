"""``leitai bank ...`` against real stores: bad files named by line, imports all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.adapters.bankfile import parse_bank_text
from engine.domain.canonical import bank_hash
from engine.domain.questions import MediaKind, QuestionType
from tests.contract.test_bank_repository import png_bytes, wav_bytes
from web.cli import cli

SEED_BANKS = Path(__file__).parents[2] / "question_banks"
CLIP = wav_bytes(milliseconds=400)

VALID = """\
format: leitai-bank/1
slug: cli-bank
title: {zh-Hans: 测试题库, en: Test bank}
default_locale: zh-Hans
questions:
  - key: q1
    type: single
    prompt: {zh-Hans: 问题一, en: Question one}
    choices:
      - {key: a, text: {zh-Hans: 甲, en: A}}
      - {key: b, text: {zh-Hans: 乙, en: B}}
    answer: [a]
    difficulty: 2
    tags: [history]
    media: {kind: audio, path: media/clip.wav, alt: {zh-Hans: 音频片段}}
    source: "Law of the PRC on National Defence"
  - key: q2
    type: order
    prompt: {zh-Hans: 排序, en: Order}
    choices:
      - {key: x, text: {zh-Hans: 一}}
      - {key: y, text: {zh-Hans: 二}}
    answer: [x, y]
    difficulty: 3
    source: "Encyclopedia"
"""


def invoke(app, *args):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [str(a) for a in args], obj={"app": app})


def edited(*edits: tuple[int, str | None]) -> str:
    """VALID with 1-based lines replaced (a str may hold several lines) or removed (None)."""
    lines: list[str | None] = list(VALID.splitlines())
    for number, new in edits:
        lines[number - 1] = new
    return "\n".join(line for line in lines if line is not None) + "\n"


def write_bank(folder: Path, text: str, clip: bool = True) -> Path:
    """A bank folder holding ``text`` as bank.yaml and, unless told not to, its clip."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bank.yaml").write_text(text, encoding="utf-8")
    if clip:
        (folder / "media").mkdir(exist_ok=True)
        (folder / "media" / "clip.wav").write_bytes(CLIP)
    return folder / "bank.yaml"


# -- check and import of bad files -------------------------------------------------------

BAD_FILES: dict[str, tuple[str, list[tuple[int, str]]]] = {
    "syntax-error": (
        edited((12, "    answer: [a]]")),
        [(12, "YAML syntax error: while parsing a block mapping did not find expected key")],
    ),
    "not-a-mapping": ("- just\n- a list\n", [(1, "top level must be a mapping, not a list")]),
    "empty-file": ("", [(1, "the file is empty")]),
    "wrong-format": (
        edited((1, "format: leitai-bank/2")),
        [(1, "format: must be 'leitai-bank/1', not 'leitai-bank/2'")],
    ),
    "duplicate-key": (
        edited((14, "    difficulty: 4")),
        [(14, "duplicate key 'difficulty' (first at line 13)")],
    ),
    "unknown-field": (
        edited((14, "    hint: think of 1949")),
        [(14, "questions[0].hint: unknown field 'hint'")],
    ),
    "missing-field": (
        edited((16, None)),
        [(6, "questions[0].source: missing required field 'source'")],
    ),
    "wrong-type": (
        edited((13, "    difficulty: two")),
        [(13, "questions[0].difficulty: must be a whole number, not text")],
    ),
    "unknown-type": (
        edited((18, "    type: essay")),
        [(18, "questions[1].type: must be one of single, multiple, true_false, text, order")],
    ),
    "duplicate-question-key": (
        edited((17, "  - key: q1")),
        [(17, "questions[1].key: duplicate question key 'q1'")],
    ),
    "answer-not-a-choice": (
        edited((12, "    answer: [c]")),
        [(12, "questions[0].answer[0]: no choice has the key 'c'")],
    ),
    "one-choice": (
        edited((11, None)),
        [(9, "questions[0].choices: needs at least 2 choices")],
    ),
    "difficulty-out-of-range": (
        edited((24, "    difficulty: 6")),
        [(24, "questions[1].difficulty: must be a whole number from 1 to 5")],
    ),
    "default-locale-missing": (
        edited((8, "    prompt: {en: Question one}")),
        [(8, "questions[0].prompt: missing the default locale 'zh-Hans'")],
    ),
    "unknown-locale": (
        edited((19, "    prompt: {zh-Hans: 排序, fr: Ordre}")),
        [(19, "questions[1].prompt.fr: unknown locale 'fr'")],
    ),
    "order-not-a-permutation": (
        edited((23, "    answer: [x]")),
        [(23, "questions[1].answer: must list every choice key once, in order")],
    ),
    "bad-tag": (
        edited((14, "    tags: [History]")),
        [(14, "questions[0].tags[0]: must be 1 to 32 lowercase letters, digits or hyphens")],
    ),
    "media-outside-folder": (
        edited((15, "    media: {kind: audio, path: ../clip.wav, alt: {zh-Hans: 音频}}")),
        [(15, "questions[0].media.path: must be a relative path inside the bank folder")],
    ),
    "media-without-alt": (
        edited((15, "    media: {kind: audio, path: media/clip.wav}")),
        [(15, "questions[0].media.alt: missing required field 'alt'")],
    ),
    "empty-source": (
        edited((25, '    source: "  "')),
        [(25, "questions[1].source: must say where the fact can be checked")],
    ),
    "several-problems": (
        edited((1, "format: leitai-bank/2"), (13, "    difficulty: 0"), (23, "    answer: [y]")),
        [
            (1, "format: must be 'leitai-bank/1'"),
            (13, "questions[0].difficulty: must be a whole number from 1 to 5"),
            (23, "questions[1].answer: must list every choice key once, in order"),
        ],
    ),
}


@pytest.mark.parametrize("command", ["check", "import"])
@pytest.mark.parametrize(("text", "expected"), BAD_FILES.values(), ids=BAD_FILES)
def test_a_bad_file_exits_1_naming_every_problem_by_line(
    app, wired, tmp_path, command, text, expected
):
    bank_file = write_bank(tmp_path / "bank", text)
    result = invoke(app, "bank", command, bank_file)
    assert result.exit_code == 1, result.output
    printed = result.stderr.splitlines()
    assert len(printed) == len(expected), printed
    for line, (number, message) in zip(printed, expected, strict=True):
        assert line.startswith(f"{bank_file}:{number}: {message}"), line
    assert wired.banks.list() == []


def test_a_missing_media_file_is_named_at_its_line(app, wired, tmp_path):
    bank_file = write_bank(tmp_path / "bank", VALID, clip=False)
    for command in ("check", "import"):
        result = invoke(app, "bank", command, bank_file)
        assert result.exit_code == 1
        assert result.stderr == (
            f"{bank_file}:15: questions[0].media.path: media file 'media/clip.wav' not found\n"
        )
    assert wired.banks.list() == []


def test_an_unreadable_path_is_reported(app, tmp_path):
    result = invoke(app, "bank", "check", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path / 'nowhere'}: cannot read: No such file or directory\n"


def test_one_bad_file_among_several_imports_none(app, wired, tmp_path):
    good = write_bank(tmp_path / "good", VALID)
    other = write_bank(tmp_path / "other", VALID.replace("slug: cli-bank", "slug: other-bank"))
    bad = write_bank(tmp_path / "bad", edited((13, "    difficulty: 9")))
    result = invoke(app, "bank", "import", good, bad, other)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{bad}:13: questions[0].difficulty: must be a whole number from 1 to 5\n"
    )
    assert result.stdout == ""
    assert wired.banks.list() == []
    checked = invoke(app, "bank", "check", good, bad)
    assert checked.exit_code == 1
    assert checked.stdout == ""  # no "ok" for the good file when the run fails


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png_bytes(), "q1: media/clip.wav is image, not audio."),
        (b"not a clip", "q1: media/clip.wav: Unsupported media"),
        (b"RIFF\x00\x00\x00\x00WAVEjunk", "q1: media/clip.wav: The audio file cannot be read."),
    ],
    ids=["wrong-kind", "unsupported", "unreadable-audio"],
)
def test_a_bad_media_file_among_several_banks_imports_none(app, wired, tmp_path, data, message):
    good = write_bank(tmp_path / "good", VALID.replace("slug: cli-bank", "slug: good-bank"))
    bad = write_bank(tmp_path / "bad", VALID)
    (bad.parent / "media" / "clip.wav").write_bytes(data)
    result = invoke(app, "bank", "import", good, bad)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}: {message}"), result.stderr
    assert wired.banks.list() == []


# -- good files --------------------------------------------------------------------------


def test_check_reports_each_good_file(app, wired, tmp_path):
    first = write_bank(tmp_path / "a", VALID)
    second = write_bank(tmp_path / "b", VALID.replace("slug: cli-bank", "slug: b-bank"))
    result = invoke(app, "bank", "check", first.parent, second)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{first}: ok (2 questions)\n{second}: ok (2 questions)\n"
    assert wired.banks.list() == []  # checking stores nothing


def test_import_is_idempotent_and_a_change_makes_a_new_version(app, wired, tmp_path):
    bank_file = write_bank(tmp_path / "bank", VALID)
    first = invoke(app, "bank", "import", bank_file)
    assert first.exit_code == 0, first.output
    version = wired.banks.version("cli-bank")[0]
    assert first.stdout == f"cli-bank: created version 1 (2 questions, {version.hash[:12]})\n"
    again = invoke(app, "bank", "import", bank_file.parent)
    assert again.exit_code == 0, again.output
    assert again.stdout == f"cli-bank: unchanged (version 1, {version.hash[:12]})\n"
    bank_file.write_text(edited((13, "    difficulty: 4")), encoding="utf-8")
    changed = invoke(app, "bank", "import", bank_file)
    assert changed.exit_code == 0, changed.output
    v2 = wired.banks.version("cli-bank")[0]
    assert changed.stdout == f"cli-bank: new version 2 (2 questions, {v2.hash[:12]})\n"
    assert [v.published_by for v in wired.banks.versions("cli-bank")] == ["cli", "cli"]
    media = wired.banks.version("cli-bank")[1].question("q1").media
    assert wired.banks.media_file(media.sha256)[1] == CLIP


def test_export_to_a_folder_then_import_is_unchanged(app, wired, tmp_path):
    invoke(app, "bank", "import", write_bank(tmp_path / "bank", VALID))
    info = wired.banks.version("cli-bank")[0]
    out = tmp_path / "exported"
    exported = invoke(app, "bank", "export", "cli-bank", "-o", out)
    assert exported.exit_code == 0, exported.output
    assert exported.stdout == (
        f"cli-bank version 1 written to {out / 'bank.yaml'} (1 media files)\n"
    )
    assert (out / "media" / "clip.wav").read_bytes() == CLIP
    assert invoke(app, "bank", "check", out).exit_code == 0
    again = invoke(app, "bank", "import", out)
    assert again.exit_code == 0, again.output
    assert again.stdout == f"cli-bank: unchanged (version 1, {info.hash[:12]})\n"
    assert [v.hash for v in wired.banks.versions("cli-bank")] == [info.hash]


def test_export_to_stdout_round_trips_and_refuses_media(app, wired, tmp_path):
    invoke(app, "bank", "import", write_bank(tmp_path / "bank", VALID))
    with_media = invoke(app, "bank", "export", "cli-bank")
    assert with_media.exit_code == 1
    assert "give -o FOLDER" in with_media.stderr
    assert with_media.stdout == ""
    without_media = edited((15, None)).replace("slug: cli-bank", "slug: plain")
    invoke(app, "bank", "import", write_bank(tmp_path / "plain", without_media, clip=False))
    printed = invoke(app, "bank", "export", "plain", "--version", 1, "--format", "yaml")
    assert printed.exit_code == 0, printed.output
    reread = parse_bank_text(printed.stdout)
    assert reread.problems == ()
    assert bank_hash(reread.content) == wired.banks.version("plain")[0].hash


def test_export_of_an_unknown_bank_or_version_fails(app, tmp_path):
    assert invoke(app, "bank", "export", "nope").exit_code == 1
    invoke(app, "bank", "import", write_bank(tmp_path / "bank", VALID))
    missing = invoke(app, "bank", "export", "cli-bank", "--version", 3, "-o", tmp_path / "x")
    assert missing.exit_code == 1
    assert "no version 3" in missing.stderr
    assert not (tmp_path / "x").exists()


def test_list_versions_and_diff(app, wired, tmp_path):
    bank_file = write_bank(tmp_path / "bank", VALID)
    empty = invoke(app, "bank", "list")
    assert (empty.exit_code, empty.stdout) == (0, "")
    invoke(app, "bank", "import", bank_file)
    bank_file.write_text(
        edited((13, "    difficulty: 4"), (17, "  - key: q3"), (19, "    prompt: {zh-Hans: 新}")),
        encoding="utf-8",
    )
    invoke(app, "bank", "import", bank_file)
    listed = invoke(app, "bank", "list")
    assert listed.stdout == "cli-bank\tv2\t2 versions\t测试题库\n"
    v1, v2 = wired.banks.versions("cli-bank")
    versions = invoke(app, "bank", "versions", "cli-bank").stdout.splitlines()
    assert [line.split("\t")[:3] for line in versions] == [
        ["v1", v1.hash, "2 questions"],
        ["v2", v2.hash, "2 questions"],
    ]
    assert all(line.endswith("\tcli") for line in versions)
    diff = invoke(app, "bank", "diff", "cli-bank", 1, 2)
    assert diff.stdout == "+ q3\n- q2\n~ q1: difficulty\n"
    as_json = invoke(app, "bank", "diff", "cli-bank", 1, 2, "--json")
    assert json.loads(as_json.stdout) == {
        "added": ["q3"],
        "removed": ["q2"],
        "changed": {"q1": ["difficulty"]},
        "bank_fields": [],
    }
    same = invoke(app, "bank", "diff", "cli-bank", 2, 2)
    assert same.stdout == "no differences\n"


def test_versions_and_diff_of_unknown_banks_and_versions_fail(app, tmp_path):
    assert invoke(app, "bank", "versions", "nope").exit_code == 1
    invoke(app, "bank", "import", write_bank(tmp_path / "bank", VALID))
    unknown = invoke(app, "bank", "diff", "cli-bank", 1, 7)
    assert unknown.exit_code == 1
    assert "no version 7" in unknown.stderr
    assert invoke(app, "bank", "diff", "cli-bank", 0, 1).exit_code == 2  # usage error


# -- the seed banks ----------------------------------------------------------------------


def test_the_seed_banks_check_and_import(app, wired):
    folders = [SEED_BANKS / "national-defence", SEED_BANKS / "cantonese-folk-songs"]
    checked = invoke(app, "bank", "check", *folders)
    assert checked.exit_code == 0, checked.output
    imported = invoke(app, "bank", "import", *folders)
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.count(": created version 1 (") == 2
    defence = wired.banks.version("national-defence")[1]
    songs = wired.banks.version("cantonese-folk-songs")[1]
    assert len(defence.questions) >= 149
    assert len(songs.questions) >= 107
    audio = [q for q in songs.questions if q.media and q.media.kind is MediaKind.AUDIO]
    assert len(audio) >= 3
    for question in audio:
        info, _ = wired.banks.media_file(question.media.sha256)
        assert info.mime == "audio/ogg"  # compressed, not WAV
        assert info.duration_ms > 1000
    assert any(q.type is QuestionType.ORDER for q in songs.questions)
    for question in (*defence.questions, *songs.questions):
        assert question.source.strip(), question.key
        assert {"zh-Hans", "en"} <= set(question.prompt), question.key
    again = invoke(app, "bank", "import", *folders)
    assert again.stdout.count(": unchanged (version 1, ") == 2
