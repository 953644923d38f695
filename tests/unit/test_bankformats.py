"""Reading banks from sheets, documents, GIFT, Moodle XML and Aiken, and their problems.

The fixtures under tests/fixtures/bankformats/ were written from each format's own
documentation (and, for the workbook and the Word document, laid out by hand as
organisers lay theirs out: see make_handmade.py).
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from engine.adapters.bankfile import LoadedBank, parse_bank_text
from engine.adapters.bankformats import BankHeader, archive, format_of, read_bank
from engine.adapters.bankformats.xlsx import write_xlsx
from engine.domain.questions import BankContent, Question

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bankformats"
HEADER = BankHeader(slug="t-bank", title="测试", source="书")


def load(name: str, fmt: str | None = None, header: BankHeader = HEADER) -> LoadedBank:
    fmt = fmt or format_of(name)
    assert fmt is not None
    return read_bank((FIXTURES / name).read_bytes(), name, fmt, header)


def content_of(loaded: LoadedBank) -> BankContent:
    assert loaded.problems == (), [str(p) for p in loaded.problems]
    assert loaded.content is not None
    return loaded.content


def plain(question: Question) -> dict[str, Any]:
    """A question as comparable plain values."""
    return {
        "key": question.key,
        "type": question.type.value,
        "prompt": dict(question.prompt),
        "choices": [dict(choice.text) for choice in question.choices],
        "answer": list(question.answer),
        "difficulty": question.difficulty,
        "tags": list(question.tags),
        "time_limit_s": question.time_limit_s,
        "explanation": dict(question.explanation) if question.explanation else None,
        "source": question.source,
        "enemies": list(question.enemies),
        "normalise": list(question.normalise),
    }


def problems(loaded: LoadedBank) -> list[tuple[int | None, str]]:
    assert loaded.content is None
    return [(p.line, p.message) for p in loaded.problems]


def zh(text: str) -> dict[str, str]:
    return {"zh-Hans": text}


# -- the common layout (plain text and Word) ----------------------------------------------


def test_the_text_layout_with_sections_markers_and_full_width_punctuation():
    bank = content_of(load("layout.txt"))
    got = [plain(q) for q in bank.questions]
    assert [q["type"] for q in got] == [
        "single",
        "single",
        "multiple",
        "single",
        "true_false",
        "true_false",
        "text",
        "order",
    ]
    first = got[0]
    assert first["choices"] == [zh("7月1日"), zh("8月1日"), zh("10月1日"), zh("5月4日")]
    assert first["answer"] == ["b"]
    assert first["explanation"] == zh(
        "1927年8月1日南昌起义，\n打响了武装反抗国民党反动派的第一枪。"
    )
    assert (first["difficulty"], first["tags"], first["source"]) == (1, ["history", "army"], "书")
    # "A." inside a stem and inside an option is text, not a new option.
    assert got[1]["prompt"] == zh("下列说法中，与“选项 A. 所述”一致的是")
    assert got[1]["choices"][0] == zh("见 A. 项：国防是国家生存与发展的安全保障")
    assert (got[1]["key"], got[1]["answer"]) == ("nd-extra-2", ["a"])
    assert got[1]["source"] == "《中华人民共和国国防法》（2020年修订）"
    assert got[2]["answer"] == ["a", "b", "c"]  # 答案：A，B，C
    assert got[3]["prompt"] == zh("以下哪一项是人民防空的警报信号？")  # "（单选）" read and removed
    assert [got[4]["answer"], got[5]["answer"]] == [[True], [False]]
    assert got[5]["explanation"] == zh("国防教育是全民教育。")
    assert got[6]["answer"] == ["南昌", "南昌市", "Nanchang"]
    assert got[6]["time_limit_s"] == 30
    # Q7's stem holds Q1's answer (8月1日): the author made them enemies.
    assert [q["enemies"] for q in got] == [["army-day"], *[[]] * 5, ["army-day"], []]
    assert got[6]["normalise"] == ["strip_suffix:市", "digit_grouping"]
    assert got[7]["answer"] == ["a", "b", "c"]
    assert [q["key"] for q in got if q["key"] != "nd-extra-2"][:2] == ["q0001", "q0003"]


def test_text_saved_as_gb18030_by_chinese_windows_reads_the_same():
    utf8 = (FIXTURES / "layout.txt").read_text("utf-8")
    loaded = read_bank(utf8.encode("gb18030"), "layout.txt", "text", HEADER)
    assert content_of(loaded) == content_of(load("layout.txt"))


def test_each_problem_in_a_text_file_is_named_by_its_line():
    assert problems(load("layout-bad.txt")) == [
        (1, "the question has no answer line (答案：...)"),
        (8, "answer: no choice has the key 'e'"),
        (11, "answer: must be exactly one of true or false"),
        (17, "difficulty: must be a whole number, not text"),
    ]


TYPES = "single, multiple, true_false, text, order"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A. 甲\n1. 题\nA. 甲\nB. 乙\n答案：A\n",
            [(1, "'A. 甲' belongs to no question: number it '1. ...'")],
        ),
        (
            "1. 题\nA. 甲\nB. 乙\n答案：A\n多余的一行\n",
            [(5, "cannot tell what '多余的一行' belongs to (after the answer)")],
        ),
        ("1. 题\nA. 甲\n答案：A\n", [(1, "choices: needs at least 2 choices")]),
        ("1. 没有选项就是填空题\n答案：A\n", []),
        ("1. 题\n题型：问答\n答案：A\n", [(2, f"type: must be one of {TYPES}, not '问答'")]),
        ("", [(None, "no questions found")]),
    ],
)
def test_text_layout_problems(text: str, expected: list[tuple[int | None, str]]):
    loaded = read_bank(text.encode(), "q.txt", "text", HEADER)
    assert (problems(loaded) if expected else [p.message for p in loaded.problems]) == expected


def test_without_slug_title_or_source_the_file_says_what_to_give():
    loaded = load("layout.txt", header=BankHeader())
    found = problems(loaded)
    assert found[:2] == [
        (None, "the file names no bank: give --slug (and --title)"),
        (None, "title (--title): missing the default locale 'zh-Hans'"),
    ]
    assert (
        4,
        "source (来源, or --source for every question): missing required field 'source'",
    ) in found
    assert not any(line == 13 and "source" in message for line, message in found)  # 来源：line


def test_a_line_that_starts_with_a_decimal_number_continues_the_stem():
    text = "1. 圆周率约为多少？\n3.14 还是 3.15？\nA. 3.14\nB. 3.15\n答案：A\n"
    question = content_of(read_bank(text.encode(), "q.txt", "text", HEADER)).questions[0]
    assert question.prompt == zh("圆周率约为多少？\n3.14 还是 3.15？")
    assert [dict(c.text) for c in question.choices] == [zh("3.14"), zh("3.15")]


def test_a_true_false_question_written_with_options_reads_through_them():
    text = "一、判断题\n1. 天是蓝的。\nA. 正确\nB. 错误\n答案：B\n"
    question = content_of(read_bank(text.encode(), "q.txt", "text", HEADER)).questions[0]
    assert (question.type.value, question.answer, question.choices) == ("true_false", (False,), ())


def test_a_word_document_laid_out_by_hand():
    bank = content_of(load("handmade.docx"))
    got = [plain(q) for q in bank.questions]
    assert got[0]["prompt"] == zh("建军节是每年的\n哪一天？")  # a soft line break
    assert got[0]["choices"] == [zh("7月1日"), zh("8月1日"), zh("10月1日"), zh("5月4日")]
    assert got[0]["explanation"] == zh("1927年8月1日南昌起义。")
    assert [(q["type"], q["answer"]) for q in got] == [
        ("single", ["b"]),
        ("multiple", ["a", "c"]),
        ("true_false", [True]),
        ("true_false", [False]),  # written in a table cell
    ]


def test_a_word_document_problem_names_its_paragraph():
    document = docx.Document()
    for line in ("练习", "1. 题", "A. 甲", "B. 乙", "答案：C"):
        document.add_paragraph(line)
    out = BytesIO()
    document.save(out)
    loaded = read_bank(out.getvalue(), "q.docx", "docx", HEADER)
    assert problems(loaded) == [(5, "answer: no choice has the key 'c'")]


def test_word_automatic_numbering_counts_as_typed_numbers():
    document = docx.Document()
    document.add_paragraph("一、单选题")
    for stem, options in (
        ("建军节是哪一天？", "A. 7月1日  B. 8月1日"),
        ("几月？", "A. 8月  B. 9月"),
    ):
        document.add_paragraph(stem, style="List Number")  # "1." shown by Word, not typed
        document.add_paragraph(options)
        document.add_paragraph("答案：B")
    out = BytesIO()
    document.save(out)
    bank = content_of(read_bank(out.getvalue(), "q.docx", "docx", HEADER))
    assert [(dict(q.prompt), q.answer) for q in bank.questions] == [
        (zh("建军节是哪一天？"), ("b",)),
        (zh("几月？"), ("b",)),
    ]


def test_damaged_list_numbers_in_word_do_not_crash_the_reader():
    document = docx.Document()
    document.add_paragraph("题？", style="List Number")
    document.add_paragraph("答案：对")
    numbering = document.part.numbering_part.element
    for start in numbering.iter(qn("w:start")):
        start.set(qn("w:val"), "²")  # a digit to str.isdigit, not to int()
    out = BytesIO()
    document.save(out)
    bank = content_of(read_bank(out.getvalue(), "q.docx", "docx", HEADER))
    assert [(dict(q.prompt), q.answer) for q in bank.questions] == [(zh("题？"), (True,))]


def test_text_and_word_share_one_layout_reader():
    document = docx.Document()
    text = (FIXTURES / "layout.txt").read_text("utf-8")
    for line in text.splitlines():
        document.add_paragraph(line)
    out = BytesIO()
    document.save(out)
    from_word = content_of(read_bank(out.getvalue(), "layout.docx", "docx", HEADER))
    assert from_word == content_of(load("layout.txt"))


# -- workbooks ----------------------------------------------------------------------------


def test_a_workbook_laid_out_by_hand_with_a_merged_type_and_an_empty_row():
    bank = content_of(load("handmade.xlsx", header=BankHeader()))
    assert (bank.slug, dict(bank.title)) == (
        "handmade-xlsx",
        {"zh-Hans": "手工题库", "en": "A hand-made bank"},
    )
    got = [plain(q) for q in bank.questions]
    assert [(q["type"], q["answer"]) for q in got] == [
        ("single", ["b"]),
        ("single", ["b"]),  # 题型 merged over two rows; answer "b" in lowercase
        ("multiple", ["a", "c"]),  # "A，C"
        ("true_false", [True]),  # 对
        ("true_false", [False]),  # an Excel FALSE cell
        ("text", ["1852"]),  # a number cell
        ("order", ["b", "a", "c"]),
    ]
    assert got[0]["prompt"] == {"zh-Hans": "建军节是哪一天？", "en": "When is Army Day?"}
    assert (got[0]["tags"], got[0]["time_limit_s"], got[5]["time_limit_s"]) == (
        ["history", "army"],
        20,
        30,
    )
    assert {q["source"] for q in got} == {"《中华人民共和国国防教育法》（2024年修订）"}
    assert len(got[1]["choices"]) == 3  # 选项D left empty


def workbook(*rows: list[Any], bank: list[list[Any]] | None = None, merge: str = "") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    if bank is not None:
        info = book.create_sheet("bank")
        for row in bank:
            info.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


ENGLISH = ["key", "Type", "Prompt", "Option A", "Option B", "Answer", "Explanation", "Source"]


def test_english_headers_and_a_bank_sheet():
    data = workbook(
        ENGLISH,
        ["q1", "single", "Pick B", "a", "b", "B", "because", "book"],
        ["q2", "true_false", "Yes?", None, None, "TRUE", None, "book"],
        bank=[["slug", "english"], ["title", "English"], ["default_locale", "en"]],
    )
    bank = content_of(read_bank(data, "e.xlsx", "xlsx", BankHeader()))
    assert (bank.slug, dict(bank.title), bank.default_locale) == (
        "english",
        {"en": "English"},
        "en",
    )
    assert [(q.key, q.answer) for q in bank.questions] == [("q1", ("b",)), ("q2", (True,))]
    assert bank.questions[0].explanation == {"en": "because"}


def test_options_and_answers_numbered_as_many_quiz_sheets_are():
    data = workbook(
        ["Question", "Option1", "Option2", "Option3", "CorrectAnswer", "source"],
        ["Capital of France?", "London", "Paris", "Berlin", 2, "atlas"],
        ["Which are rivers?", "Rhine", "Alps", "Danube", "1,3", "atlas"],
    )
    bank = content_of(read_bank(data, "q.xlsx", "xlsx", HEADER))
    assert [(q.type.value, q.answer) for q in bank.questions] == [
        ("single", ("b",)),
        ("multiple", ("a", "c")),
    ]
    assert [dict(c.text) for c in bank.questions[0].choices][1] == zh("Paris")


def test_the_command_line_header_wins_over_the_bank_sheet():
    data = workbook(
        ENGLISH,
        ["q1", "single", "Pick B", "a", "b", "B", None, "book"],
        bank=[["slug", "from-sheet"], ["title", "Sheet"]],
    )
    bank = content_of(read_bank(data, "e.xlsx", "xlsx", BankHeader(slug="from-cli")))
    assert (bank.slug, dict(bank.title)) == ("from-cli", {"zh-Hans": "Sheet"})


def test_workbook_problems_are_named_by_row_and_column_header():
    data = workbook(
        ["题库标题"],
        ["题型", "题干", "选项A", "选项B", "答案", "难度", "解折"],
        ["单选", "题一", "甲", "乙", "C", 2],
        [],
        ["多选", "题二", "甲", "乙", "A,B", "很难"],
        ["判断", "题三", None, None, "也许", 1],
        ["单选", "题四", "甲", "乙", None, 1],
        ["问答", "题五", "甲", "乙", "A", 1],
        ["单选", None, "甲", "乙", "A", 9],
    )
    found = problems(read_bank(data, "b.xlsx", "xlsx", HEADER))
    assert found == [
        (2, "column G: unknown header '解折'"),
        (3, "答案: no choice has the key 'c'"),
        (5, "难度: must be a whole number, not text"),
        (6, "答案: must be exactly one of true or false"),
        (7, "no answer (答案) in this row"),
        (7, "answer: must name exactly one choice"),
        (8, f"题型: must be one of {TYPES}, not '问答'"),
        (9, "prompt: missing the default locale 'zh-Hans'"),
        (9, "难度: must be a whole number from 1 to 5"),
    ]


def test_a_cell_excel_turned_into_a_date_is_a_problem_not_a_wrong_text():
    data = workbook(
        ["题干", "选项A", "选项B", "答案"], ["建军节？", datetime(2024, 8, 1), "7月1日", "A"]
    )
    assert problems(read_bank(data, "b.xlsx", "xlsx", HEADER)) == [
        (
            2,
            "选项A: Excel holds 2024-08-01 00:00:00 as a date or time, not text; "
            "format the column as text and type it again",
        ),
        (2, "choices: needs at least 2 choices"),
        (2, "答案: no choice has the key 'a'"),
    ]


def test_a_workbook_without_a_header_row_or_with_a_repeated_column():
    assert problems(read_bank(workbook(["a", "b"]), "b.xlsx", "xlsx", HEADER)) == [
        (None, "sheet 'Sheet': no header row with a 题干 (prompt) column")
    ]
    repeated = workbook(["题干", "prompt", "答案"], ["x", "y", "z"])
    assert (1, "column B: 'prompt' repeats column A") in problems(
        read_bank(repeated, "b.xlsx", "xlsx", HEADER)
    )


def test_locale_columns_in_either_bracket_and_an_unknown_locale():
    data = workbook(
        ["题干", "题干（en）", "选项A", "选项A[zh-Hant]", "选项B", "答案", "解析[fr]"],
        ["题", "Q", "甲", "甲", "乙", "A", "x"],
    )
    assert problems(read_bank(data, "b.xlsx", "xlsx", HEADER)) == [
        (1, "column G: unknown locale 'fr' in '解析[fr]'")
    ]


def test_exported_text_that_looks_like_a_formula_stays_text():
    yaml = """\
format: leitai-bank/1
slug: formulas
title: {zh-Hans: 公式}
default_locale: zh-Hans
questions:
  - {key: q1, type: text, prompt: {zh-Hans: "=1+1 等于几？"}, answer: ["=2"], difficulty: 1,
     source: '=HYPERLINK("http://example.com")'}
"""
    bank = parse_bank_text(yaml).content
    assert bank is not None
    data = write_xlsx(bank).data
    assert content_of(read_bank(data, "b.xlsx", "xlsx", BankHeader())) == bank


def test_not_a_workbook_and_a_zip_bomb_are_refused_before_opening(monkeypatch):
    monkeypatch.setattr(archive, "MAX_INFLATED_BYTES", 100_000)  # a small bomb
    limit = archive.MAX_INFLATED_BYTES
    assert problems(read_bank(b"hello", "b.xlsx", "xlsx", HEADER)) == [
        (None, "not a workbook (.xlsx): the file is not a zip archive")
    ]
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", b"\0" * (limit + 1))
    found = problems(read_bank(out.getvalue(), "b.xlsx", "xlsx", HEADER))
    assert found == [
        (
            None,
            f"the workbook (.xlsx) unpacks to {limit + 1} bytes, over {limit}",
        )
    ]
    assert problems(read_bank(out.getvalue(), "b.docx", "docx", HEADER))[0][1].startswith(
        "the Word document (.docx) unpacks to"
    )


def test_a_workbook_with_exploding_entities_is_refused():
    """A billion laughs in a sheet's XML: the XML parser refuses it, nothing expands."""
    plain_book = BytesIO(workbook(["题干", "答案"], ["x", "y"]))
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    out = BytesIO()
    with zipfile.ZipFile(plain_book) as source, zipfile.ZipFile(out, "w") as hostile:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                sheet = data.decode().replace("<t>x</t>", "<t>&lol9;</t>")
                data = f"<!DOCTYPE worksheet [{entities}]>{sheet}".encode()
            hostile.writestr(name, data)
    assert problems(read_bank(out.getvalue(), "b.xlsx", "xlsx", HEADER)) == [
        (None, "not a readable workbook (.xlsx): ParseError")
    ]


def test_one_far_away_cell_does_not_make_a_huge_grid():
    book = openpyxl.Workbook()
    book.active.append(["题干", "答案"])
    book.active["XFD3"] = "x"
    out = BytesIO()
    book.save(out)
    assert problems(read_bank(out.getvalue(), "b.xlsx", "xlsx", HEADER)) == [
        (None, "sheet 'Sheet' has 3 rows and 16384 columns, over 20000 or 200")
    ]


def test_the_shipped_template_imports_cleanly():
    template = Path(__file__).parents[2] / "web" / "static" / "console" / "bank-template.xlsx"
    headers = [cell.value for cell in openpyxl.load_workbook(template)["题目"][1]]
    assert [h for h in headers if h.startswith("选项") and "[" not in h] == [
        f"选项{letter}" for letter in "ABCDEFGH"
    ]
    assert {
        "题型",
        "题干",
        "答案",
        "解析",
        "难度",
        "标签",
        "时限",
        "题干[en]",
        "题干[zh-Hant]",
    } <= set(headers)
    bank = content_of(read_bank(template.read_bytes(), "bank-template.xlsx", "xlsx", BankHeader()))
    assert bank.slug == "my-bank"
    assert [q.type.value for q in bank.questions] == [
        "single",
        "multiple",
        "true_false",
        "text",
        "order",
    ]
    assert set(bank.questions[0].prompt) == {"zh-Hans", "zh-Hant", "en"}
    assert [q.enemies for q in bank.questions] == [("army-day",), (), (), ("army-day",), ()]
    assert bank.questions[3].normalise == ("strip_suffix:市",)


# -- GIFT ---------------------------------------------------------------------------------


def test_gift_from_moodles_documentation():
    got = [plain(q) for q in content_of(load("questions.gift")).questions]
    army = got[0]
    assert army == {
        "key": "gift-single",
        "type": "single",
        "prompt": zh("What is the date of Army Day?"),
        "choices": [zh("1 July"), zh("1 August"), zh("1 October")],
        "answer": ["b"],
        "difficulty": 1,
        "tags": ["history", "army"],
        "time_limit_s": 20,
        "explanation": zh("The Nanchang Uprising began on 1 August 1927."),
        "source": "Wikipedia: Nanchang uprising",
        "enemies": ["army-day"],
        "normalise": [],
    }
    escapes = got[1]
    assert escapes["prompt"] == zh("Which expression is written with braces { } and a colon:?")
    assert escapes["choices"] == [zh("a = b ~ c # d"), zh("a {b} c")]
    assert (got[2]["type"], got[2]["answer"]) == ("multiple", ["a", "b"])
    assert (got[3]["answer"], got[3]["source"]) == ([True], "Constitution")
    assert (got[4]["answer"], got[4]["explanation"]) == ([False], zh("Rock, mostly."))
    assert (got[5]["type"], got[5]["answer"]) == ("text", ["Nanchang", "南昌"])
    assert (got[5]["enemies"], got[5]["normalise"]) == (
        ["army-day"],
        ["strip_suffix:市", "ignore_spaces"],
    )
    assert got[6]["prompt"] == zh(
        "The Nanchang Uprising took place in ____ and is remembered on Army Day."
    )
    assert got[6]["answer"] == ["1927"]
    assert got[7]["prompt"] == zh("Which is a colour? & why?")  # [html]


def test_gift_types_leitai_lacks_are_reported_at_their_line():
    assert problems(load("unsupported.gift")) == [
        (3, "a matching question (a -> b) is not supported"),
        (8, "a numerical question ({#...}) is not supported; use a text question"),
        (10, "an essay question ({}) is not supported"),
        (12, "a description (no answer block {...}) is not a question"),
        (14, "partial credit (%n%) in a single-choice question is not supported"),
    ]


def test_gift_unclosed_block_and_a_bad_id():
    text = "// [id:Bad Key]\n::t::Q {=a ~b}\n\n::u::Q {=a ~b\n"
    assert problems(read_bank(text.encode(), "q.gift", "gift", HEADER)) == [
        (
            2,
            "key: must be 1 to 64 lowercase letters, digits, '.', '_' or '-', "
            "starting alphanumeric",
        ),
        (4, "the answer block has no closing '}'"),
    ]


# -- Moodle XML ---------------------------------------------------------------------------


def test_moodle_xml_from_its_documentation():
    got = [plain(q) for q in content_of(load("questions.xml")).questions]
    assert [q["key"] for q in got] == [
        "xml-army-day",
        "laws-by-npc",
        "q0003",
        "city",
        "order-events",
    ]
    assert got[0]["prompt"] == zh("What is the date of Army Day?")
    assert got[0]["explanation"] == zh("The Nanchang Uprising\xa0began on 1\xa0August\xa01927.")
    assert (got[0]["answer"], got[0]["tags"]) == (["b"], ["history", "army"])
    assert got[1]["prompt"] == zh(
        "Which of these are laws adopted by the NPC & its Standing Committee?"
    )
    assert (got[1]["type"], got[1]["answer"], got[1]["explanation"]) == (
        "multiple",
        ["a", "b"],
        None,
    )
    assert got[2]["prompt"] == {
        "zh-Hans": "全民国防教育日在九月。",
        "en": "National Defence Education Day is in September.",
    }
    assert (got[2]["type"], got[2]["answer"]) == ("true_false", [True])
    assert (got[3]["type"], got[3]["answer"]) == ("text", ["Nanchang", "南昌"])
    assert got[4]["choices"] == [
        zh("Zunyi Conference"),
        zh("Nanchang Uprising"),
        zh("Founding ceremony"),
    ]
    assert (got[4]["type"], got[4]["answer"]) == ("order", ["b", "a", "c"])


def test_moodle_xml_types_leitai_lacks_are_reported_at_their_line():
    assert problems(load("unsupported.xml")) == [
        (9, "question type 'matching' is not supported by Leitai"),
        (14, "question type 'numerical' is not supported by Leitai"),
        (19, "partial credit in a single-choice question is not supported"),
        (26, "question type 'essay' is not supported by Leitai"),
    ]


NINE = "".join(f'<answer fraction="{i}"><text>{i}</text></answer>' for i in range(1, 10))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<quiz><question", [(1, "XML error: unclosed token")]),
        (
            f'<quiz>\n<question type="ordering"><questiontext><text>Q</text></questiontext>'
            f"{NINE}</question></quiz>".encode(),
            [(2, "9 answers: Leitai takes at most 8")],
        ),
        (b"<other/>", [(1, "not Moodle XML: the root element must be <quiz>")]),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<quiz>&b;</quiz>',
            [(None, "a DOCTYPE is not allowed in a Moodle XML file")],
        ),
    ],
)
def test_broken_or_hostile_xml(data: bytes, expected: list[tuple[int | None, str]]):
    assert problems(read_bank(data, "q.xml", "moodle-xml", HEADER)) == expected


# -- Aiken --------------------------------------------------------------------------------


def test_aiken():
    got = [plain(q) for q in content_of(load("questions.aiken")).questions]
    assert [(q["type"], q["answer"], len(q["choices"])) for q in got] == [
        ("single", ["b"], 4),
        ("single", ["a"], 2),
    ]
    assert got[0]["choices"][2] == zh("1 October")  # "C)" as well as "C."


def test_aiken_problems():
    text = "Q1?\nA. x\nB. y\nANSWER: C\n\nQ2?\nA. x\nstray\nANSWER: A\nQ3?\nA. x\n"
    assert problems(read_bank(text.encode(), "q.aiken", "aiken", HEADER)) == [
        (4, "ANSWER: no choice has the key 'c'"),
        (8, "expected an option or ANSWER:, not 'stray'"),
        (9, "ANSWER: needs a question and at least two options before it"),
        (10, "the last question has no ANSWER: line"),
    ]


def test_a_yaml_upload_that_is_not_utf8_names_its_line_and_byte_as_a_bank_file_does():
    data = b"format: leitai-bank/1\nslug: t-bank\ntitle: \xff\n"
    loaded = read_bank(data, "bank.yaml", "yaml", HEADER)
    assert loaded.content is None
    assert [(p.file, p.line, p.message) for p in loaded.problems] == [
        ("bank.yaml", 3, f"not valid UTF-8 (byte {len(data) - 2})")
    ]
