"""Bank files: every class of bad file is reported at the line the YAML parser saw."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.adapters.bankfile import (
    FileProblem,
    LoadedBank,
    dump_bank,
    load_bank_file,
    parse_bank_text,
)
from engine.domain.canonical import bank_hash, bank_to_dict
from engine.domain.questions import MediaKind, QuestionType
from tests.unit.strategies import banks

VALID = """\
format: leitai-bank/1
slug: national-defence
title: {zh-Hans: 国防知识, en: National defence literacy}
default_locale: zh-Hans
questions:
  - key: nd-0001
    type: single
    prompt: {zh-Hans: 问题, en: Question}
    choices:
      - {key: a, text: {zh-Hans: 甲}}
      - {key: b, text: {zh-Hans: 乙}}
    answer: [a]
    difficulty: 2
    tags: [history]
    time_limit_s: 20
    media: {kind: audio, path: media/clip.ogg, alt: {zh-Hans: 15 秒音频片段}}
    explanation: {zh-Hans: 解释, en: Why}
    source: "where the fact can be checked"
  - key: nd-0002
    type: true_false
    prompt:
      zh-Hans: 对吗？
    answer: [true]
    difficulty: 1
    source: 国防法
"""


def edited(*edits: tuple[int, str | None]) -> str:
    """VALID with 1-based lines replaced (a str may hold several lines) or removed (None)."""
    lines = VALID.splitlines()
    for number, new in edits:
        lines[number - 1] = new
    return "\n".join(line for line in lines if line is not None) + "\n"


def write_bank(folder: Path, text: str | bytes, media: bool = True) -> Path:
    if media:
        (folder / "media").mkdir(exist_ok=True)
        (folder / "media" / "clip.ogg").write_bytes(b"OggS")
    path = folder / "bank.yaml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def problems(tmp_path: Path, text: str | bytes, media: bool = True) -> list[tuple[int | None, str]]:
    loaded = load_bank_file(write_bank(tmp_path, text, media))
    assert loaded.content is None
    assert all(p.file == str(tmp_path / "bank.yaml") for p in loaded.problems)
    return [(p.line, p.message) for p in loaded.problems]


def test_a_valid_file_loads(tmp_path):
    loaded = load_bank_file(write_bank(tmp_path, VALID))
    assert loaded.problems == ()
    content = loaded.content
    assert content.slug == "national-defence"
    assert dict(content.title) == {"zh-Hans": "国防知识", "en": "National defence literacy"}
    first, second = content.questions
    assert first.answer == ("a",)
    assert first.media.kind is MediaKind.AUDIO
    assert first.media.path == "media/clip.ogg"
    assert second.type is QuestionType.TRUE_FALSE
    assert second.answer == (True,)


def test_a_bank_folder_means_its_bank_yaml(tmp_path):
    write_bank(tmp_path, VALID)
    loaded = load_bank_file(tmp_path)
    assert loaded.file == str(tmp_path / "bank.yaml")
    assert loaded.problems == ()


def test_an_unreadable_file_is_a_problem_without_a_line(tmp_path):
    missing = tmp_path / "nowhere.yaml"
    assert load_bank_file(missing) == LoadedBank(
        str(missing),
        None,
        (FileProblem(str(missing), None, "cannot read: No such file or directory"),),
    )
    assert str(FileProblem("b.yaml", None, "x")) == "b.yaml: x"
    assert str(FileProblem("b.yaml", 3, "x")) == "b.yaml:3: x"


def test_invalid_utf8_names_its_line(tmp_path):
    raw = VALID.encode("utf-8").replace("问题".encode(), b"\xff\xfe")
    assert problems(tmp_path, raw) == [(8, f"not valid UTF-8 (byte {raw.index(bytes([0xFF]))})")]


def syntax_error(tmp_path: Path, text: str) -> tuple[int, str]:
    [(line, message)] = problems(tmp_path, text)
    return line, message.split(" expected")[0].split(" did not")[0]


def test_an_unclosed_bracket_is_a_syntax_error_at_the_parsers_line(tmp_path):
    found = syntax_error(tmp_path, edited((12, "    answer: [a")))
    assert found == (13, "YAML syntax error: while parsing a flow sequence")


def test_bad_indentation_is_a_syntax_error_at_the_parsers_line(tmp_path):
    line, message = syntax_error(tmp_path, edited((13, "   difficulty: 2")))
    assert line == 13
    assert message.startswith("YAML syntax error: while parsing a block")


def test_two_documents_are_a_syntax_error(tmp_path):
    assert problems(tmp_path, VALID + "---\nslug: again\n") == [
        (
            26,
            "YAML syntax error: expected a single document in the stream"
            " but found another document",
        )
    ]


def test_an_empty_file(tmp_path):
    assert problems(tmp_path, "# nothing yet\n") == [(1, "the file is empty")]


def test_a_top_level_that_is_not_a_mapping(tmp_path):
    assert problems(tmp_path, "\n- slug: nd\n- title: x\n") == [
        (2, "top level must be a mapping, not a list")
    ]


def test_a_wrong_format(tmp_path):
    assert problems(tmp_path, edited((1, "format: leitai-bank/2"))) == [
        (1, "format: must be 'leitai-bank/1', not 'leitai-bank/2'")
    ]


def test_duplicate_keys_are_reported_where_pyyaml_would_hide_them(tmp_path):
    text = edited(
        (4, "default_locale: zh-Hans\nslug: again"), (13, "    difficulty: 2\n    difficulty: 3")
    )
    assert problems(tmp_path, text) == [
        (5, "duplicate key 'slug' (first at line 2)"),
        (15, "duplicate key 'difficulty' (first at line 14)"),
    ]


def test_duplicate_keys_in_flow_mappings(tmp_path):
    assert problems(tmp_path, edited((8, "    prompt: {zh-Hans: 问题, zh-Hans: 问}"))) == [
        (8, "duplicate key 'zh-Hans' (first at line 8)")
    ]


def test_unknown_fields(tmp_path):
    text = edited(
        (14, "    tags: [history]\n    colour: red"), (3, "title: {zh-Hans: 国防知识}\nauthor: me")
    )
    assert problems(tmp_path, text) == [
        (4, "author: unknown field 'author'"),
        (16, "questions[0].colour: unknown field 'colour'"),
    ]


def test_missing_fields_point_at_the_closest_line(tmp_path):
    text = edited((2, None), (25, None), (12, None))
    assert problems(tmp_path, text) == [
        (1, "slug: missing required field 'slug'"),
        (5, "questions[0].answer: missing required field 'answer'"),
        (17, "questions[1].source: missing required field 'source'"),
    ]


def test_wrong_types(tmp_path):
    text = edited(
        (13, "    difficulty: hard"),
        (12, "    answer: a"),
        (14, "    tags: [history, 3]"),
        (23, "    answer: [true, {x: 1}]"),
        (2, "slug: 7"),
    )
    assert problems(tmp_path, text) == [
        (2, "slug: must be a string, not a number"),
        (12, "questions[0].answer: must be a list, not text"),
        (13, "questions[0].difficulty: must be a whole number, not text"),
        (14, "questions[0].tags[1]: must be a string, not a number"),
        (23, "questions[1].answer[1]: must be a string or true/false, not a mapping"),
    ]


def test_an_empty_required_value_is_null_not_missing(tmp_path):
    assert problems(tmp_path, edited((25, "    source:"))) == [
        (25, "questions[1].source: must be a string, not null")
    ]


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        (
            [(2, "slug: National Defence")],
            [(2, "slug: must be 2 to 64 lowercase letters, digits or inner hyphens")],
        ),
        (
            [(4, "default_locale: fr")],
            [(4, "default_locale: must be one of zh-Hans, zh-Hant, yue-jyutping, en")],
        ),
        ([(3, "title: {en: Defence}")], [(3, "title: missing the default locale 'zh-Hans'")]),
        (
            [(10, "      - {key: a, text: {zh-Hans: 甲, fr: A}}")],
            [(10, "questions[0].choices[0].text.fr: unknown locale 'fr'")],
        ),
        (
            [(11, "      - {key: b, text: {zh-Hans: ' '}}")],
            [(11, "questions[0].choices[1].text.zh-Hans: must not be empty")],
        ),
        ([(19, "  - key: nd-0001")], [(19, "questions[1].key: duplicate question key 'nd-0001'")]),
        (
            [(6, "  - key: ND 1")],
            [
                (
                    6,
                    "questions[0].key: must be 1 to 64 lowercase letters, digits,"
                    " '.', '_' or '-', starting alphanumeric",
                )
            ],
        ),
        (
            [(11, "      - {key: a, text: {zh-Hans: 乙}}")],
            [(11, "questions[0].choices[1].key: duplicate choice key 'a'")],
        ),
        ([(11, None)], [(9, "questions[0].choices: needs at least 2 choices")]),
        ([(12, "    answer: [a, b]")], [(12, "questions[0].answer: must name exactly one choice")]),
        (
            [(12, "    answer:\n      - z")],
            [(13, "questions[0].answer[0]: no choice has the key 'z'")],
        ),
        (
            [(23, "    answer: [yes, no]")],
            [(23, "questions[1].answer: must be exactly one of true or false")],
        ),
        (
            [(21, "    choices: [{key: a, text: {zh-Hans: 甲}}]\n    prompt:")],
            [(21, "questions[1].choices: a true_false question has none")],
        ),
        (
            [(13, "    difficulty: 6")],
            [(13, "questions[0].difficulty: must be a whole number from 1 to 5")],
        ),
        (
            [(15, "    time_limit_s: 4")],
            [(15, "questions[0].time_limit_s: must be from 5 to 600 seconds")],
        ),
        (
            [(14, "    tags: [history, History]")],
            [(14, "questions[0].tags[1]: must be 1 to 32 lowercase letters, digits or hyphens")],
        ),
        (
            [(14, "    tags:\n      - history\n      - history")],
            [(16, "questions[0].tags[1]: duplicate tag 'history'")],
        ),
        (
            [(16, "    media: {kind: audio, path: ../clip.ogg, alt: {zh-Hans: 音频}}")],
            [
                (
                    16,
                    "questions[0].media.path:"
                    " must be a relative path inside the bank folder, without '..'",
                )
            ],
        ),
        (
            [(16, "    media:\n      kind: image\n      path: media/clip.ogg\n      alt: {}")],
            [(19, "questions[0].media.alt: alt text is required")],
        ),
        (
            [(16, "    media: {kind: video, path: media/clip.ogg, alt: {zh-Hans: 音频}}")],
            [(16, "questions[0].media.kind: must be audio or image, not 'video'")],
        ),
        (
            [(17, "    explanation: {en: Why}")],
            [(17, "questions[0].explanation: missing the default locale 'zh-Hans'")],
        ),
        (
            [(18, '    source: "  "')],
            [(18, "questions[0].source: must say where the fact can be checked")],
        ),
        (
            [(20, "    type: essay")],
            [
                (
                    20,
                    "questions[1].type:"
                    " must be one of single, multiple, true_false, text, order, not 'essay'",
                )
            ],
        ),
    ],
)
def test_each_rule_is_reported_at_its_line(tmp_path, edits, expected):
    assert problems(tmp_path, edited(*edits)) == expected


def test_the_rules_of_each_question_type(tmp_path):
    text = (
        VALID
        + "\n".join(
            [
                "  - {key: t1, type: text, prompt: {zh-Hans: 哪年？}, answer: ['1949', ''],"
                " difficulty: 1, source: s}",
                "  - {key: t2, type: text, prompt: {zh-Hans: 哪年？}, answer: [],"
                " difficulty: 1, source: s}",
                "  - key: o1",
                "    type: order",
                "    prompt: {zh-Hans: 排序}",
                "    choices: [{key: a, text: {zh-Hans: 一}}, {key: b, text: {zh-Hans: 二}}]",
                "    answer: [b]",
                "    difficulty: 3",
                "    source: s",
                "  - {key: m1, type: multiple, prompt: {zh-Hans: 多选},"
                " choices: [{key: a, text: {zh-Hans: 一}}, {key: b, text: {zh-Hans: 二}}],"
                " answer: [], difficulty: 3, source: s}",
            ]
        )
        + "\n"
    )
    assert problems(tmp_path, text) == [
        (26, "questions[2].answer[1]: must not be empty"),
        (27, "questions[3].answer: needs at least one accepted answer"),
        (32, "questions[4].answer: must list every choice key once, in order"),
        (35, "questions[5].answer: must name at least one choice"),
    ]


def test_a_missing_media_file_is_reported_at_its_path(tmp_path):
    text = edited(
        (
            16,
            "    media:\n      kind: audio\n      path: media/missing.ogg\n"
            "      alt: {zh-Hans: 音频}",
        )
    )
    assert problems(tmp_path, text) == [
        (18, "questions[0].media.path: media file 'media/missing.ogg' not found")
    ]


def test_media_is_not_looked_up_outside_the_bank_folder(tmp_path):
    (tmp_path / "secret.ogg").write_bytes(b"x")
    bank_folder = tmp_path / "bank"
    bank_folder.mkdir()
    text = edited((16, "    media: {kind: audio, path: ../secret.ogg, alt: {zh-Hans: 音频}}"))
    assert problems(bank_folder, text) == [
        (
            16,
            "questions[0].media.path: must be a relative path inside the bank folder, without '..'",
        )
    ]


def test_aliases_are_refused(tmp_path):
    text = edited(
        (17, "    explanation: &why {zh-Hans: 解释}"),
        (25, "    source: 国防法\n    explanation: *why"),
    )
    assert problems(tmp_path, text) == [(26, "anchors and aliases are not supported in bank files")]


def test_tags_that_build_objects_are_refused_once_without_a_follow_on_null(tmp_path):
    text = edited((25, "    source: !!python/object/apply:os.system [echo hacked]"))
    assert problems(tmp_path, text) == [
        (25, "unsupported tag 'tag:yaml.org,2002:python/object/apply:os.system'")
    ]
    assert problems(tmp_path, edited((25, "    source: !!python/name:os.system"))) == [
        (
            25,
            "cannot read value: could not determine a constructor for the tag"
            " 'tag:yaml.org,2002:python/name:os.system'",
        )
    ]
    assert problems(tmp_path, edited((8, "    prompt: !thing {zh-Hans: 问题}"))) == [
        (8, "unsupported tag '!thing'")
    ]


def test_dates_are_not_text(tmp_path):
    assert problems(tmp_path, edited((25, "    source: 2024-02-30"))) == [
        (25, "cannot read value: day is out of range for month")
    ]
    assert problems(tmp_path, edited((25, "    source: 2024-02-03"))) == [
        (25, "questions[1].source: must be a string, not a date")
    ]


def test_deep_nesting_is_refused_not_a_crash(tmp_path):
    text = edited((25, "    source: " + "[" * 900 + "]" * 900))
    assert problems(tmp_path, text) == [
        (25, "nested too deeply for a bank file"),
        (25, "questions[1].source: must be a string, not a list"),
    ]


def test_keys_must_be_plain_text(tmp_path):
    assert problems(tmp_path, edited((2, "slug: national-defence\n? [a]\n: 1"))) == [
        (3, "a key must be plain text")
    ]


def test_every_problem_in_one_file_in_line_order(tmp_path):
    text = edited(
        (1, "format: leitai-bank/1\nformat: leitai-bank/1"),
        (13, "    difficulty: 0"),
        (16, "    media: {kind: audio, path: media/none.ogg, alt: {zh-Hans: 音频}}"),
        (22, "      en: True?"),
    )
    assert problems(tmp_path, text) == [
        (2, "duplicate key 'format' (first at line 1)"),
        (14, "questions[0].difficulty: must be a whole number from 1 to 5"),
        (17, "questions[0].media.path: media file 'media/none.ogg' not found"),
        (22, "questions[1].prompt: missing the default locale 'zh-Hans'"),
    ]


def test_the_dump_follows_the_contract_field_order(tmp_path):
    content = load_bank_file(write_bank(tmp_path, VALID)).content
    dumped = dump_bank(content)
    top = [line.split(":")[0] for line in dumped.splitlines() if line[:1].isalpha()]
    assert top == ["format", "slug", "title", "default_locale", "questions"]
    assert "国防知识" in dumped
    first = dumped.split("- key: nd-0001\n")[1].split("- key: nd-0002")[0]
    fields = [line.split(":")[0].strip() for line in first.splitlines() if line[2].isalpha()]
    assert fields == [
        *("type", "prompt", "choices", "answer", "difficulty", "tags"),
        *("time_limit_s", "media", "explanation", "source"),
    ]
    assert "  answer: [a]\n" in first


def test_export_then_import_gives_the_same_hash(tmp_path):
    content = load_bank_file(write_bank(tmp_path, VALID)).content
    again = parse_bank_text(dump_bank(content))
    assert again.problems == ()
    assert again.content == content


@settings(max_examples=60)
@given(banks())
def test_dump_load_round_trip_keeps_the_hash(content):
    loaded = parse_bank_text(dump_bank(content))
    assert loaded.problems == ()
    assert loaded.content == content
    assert bank_hash(loaded.content) == bank_hash(content)


@settings(max_examples=40)
@given(banks(), st.booleans(), st.integers(2, 6), st.booleans())
def test_yaml_layout_does_not_change_the_hash(content, flow, indent, sort_keys):
    text = yaml.safe_dump(
        bank_to_dict(content),
        allow_unicode=True,
        default_flow_style=flow,
        indent=indent,
        sort_keys=sort_keys,
        width=40,
    )
    loaded = parse_bank_text(text)
    assert loaded.problems == ()
    assert bank_hash(loaded.content) == bank_hash(content)


def test_parsing_text_without_a_folder_skips_the_media_check():
    text = edited((16, "    media: {kind: audio, path: media/none.ogg, alt: {zh-Hans: 音频}}"))
    loaded = parse_bank_text(text, "upload.yaml")
    assert loaded.problems == ()
    assert loaded.file == "upload.yaml"


def media_at(path: str) -> str:
    return edited((16, f"    media: {{kind: audio, path: {path}, alt: {{zh-Hans: 音频}}}}"))


def test_a_media_symlink_is_refused_wherever_it_points(tmp_path):
    secret = tmp_path.parent / f"{tmp_path.name}-secret.ogg"
    secret.write_bytes(b"OggS secret")
    write_bank(tmp_path, VALID)
    (tmp_path / "media" / "out.ogg").symlink_to(secret)
    (tmp_path / "media" / "in.ogg").symlink_to(tmp_path / "media" / "clip.ogg")
    (tmp_path / "linked").symlink_to(tmp_path / "media", target_is_directory=True)
    for path, link in [
        ("media/out.ogg", "media/out.ogg"),  # outside the folder
        ("media/in.ogg", "media/in.ogg"),  # inside: refused too, see media_file_problem
        ("linked/clip.ogg", "linked"),  # a linked folder on the way
    ]:
        message = f"media file {path!r}: {link!r} is a symbolic link; copy the file in instead"
        assert problems(tmp_path, media_at(path)) == [(16, f"questions[0].media.path: {message}")]


def test_media_must_be_a_regular_file(tmp_path):
    write_bank(tmp_path, VALID)
    os.mkfifo(tmp_path / "media" / "pipe.ogg")
    (tmp_path / "media" / "folder.ogg").mkdir()
    for path in ("media/pipe.ogg", "media/folder.ogg"):
        message = f"questions[0].media.path: media file {path!r} is not a regular file"
        assert problems(tmp_path, media_at(path)) == [(16, message)]


def test_a_lone_surrogate_in_a_bank_file_is_refused_at_its_line(tmp_path):
    text = edited((8, '    prompt: {zh-Hans: "问\\ud800题"}'))
    [(line, message)] = problems(tmp_path, text)
    assert line == 8
    assert "surrogate" in message or "Unicode" in message  # libyaml refuses it first


def test_texts_have_a_length_limit(tmp_path):
    text = edited(
        (8, f"    prompt: {{zh-Hans: {'问' * 2001}}}"),
        (10, f"      - {{key: a, text: {{zh-Hans: {'甲' * 501}}}}}"),
        (18, f'    source: "{"s" * 501}"'),
    )
    assert problems(tmp_path, text) == [
        (8, "questions[0].prompt.zh-Hans: must be at most 2000 characters"),
        (10, "questions[0].choices[0].text.zh-Hans: must be at most 500 characters"),
        (18, "questions[0].source: must be at most 500 characters"),
    ]
