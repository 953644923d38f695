"""Write the Excel template organisers fill in: web/static/console/bank-template.xlsx.

The template is the exporter's own output for a small example bank (one question of
each type, in Simplified Chinese with English and Traditional Chinese columns), plus a
说明 sheet explaining the columns; so the template and the importer cannot disagree
(a test imports the shipped file).

    python scripts/make_bank_template.py [OUTPUT]
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from engine.adapters.bankfile import parse_bank_text
from engine.adapters.bankformats.xlsx import write_xlsx

DEFAULT = Path(__file__).resolve().parent.parent / "web/static/console/bank-template.xlsx"

EXAMPLE = """\
format: leitai-bank/1
slug: my-bank
title: {zh-Hans: 我的题库, en: My bank}
default_locale: zh-Hans
questions:
  - key: q0001
    type: single
    prompt:
      zh-Hans: 中国人民解放军建军节是每年的哪一天？
      en: When is PLA Army Day?
      zh-Hant: 中國人民解放軍建軍節是每年的哪一天？
    choices:
      - {key: a, text: {zh-Hans: 7月1日, en: 1 July}}
      - {key: b, text: {zh-Hans: 8月1日, en: 1 August}}
      - {key: c, text: {zh-Hans: 10月1日, en: 1 October}}
      - {key: d, text: {zh-Hans: 5月4日, en: 4 May}}
    answer: [b]
    difficulty: 1
    tags: [history, army]
    time_limit_s: 20
    explanation: {zh-Hans: 1927年8月1日南昌起义。, en: The Nanchang Uprising of 1 August 1927.}
    source: 示例：写明书名、版次与页码
    enemies: [army-day]
  - key: q0002
    type: multiple
    prompt: {zh-Hans: 下列哪些是全国人大常委会通过的法律？}
    choices:
      - {key: a, text: {zh-Hans: 国防教育法}}
      - {key: b, text: {zh-Hans: 兵役法}}
      - {key: c, text: {zh-Hans: 某省实施办法}}
    answer: [a, b]
    difficulty: 2
    source: 示例：国家法律法规数据库 flk.npc.gov.cn 中的法律名称
  - key: q0003
    type: true_false
    prompt: {zh-Hans: 全民国防教育日是每年9月的第三个星期六。}
    answer: [true]
    difficulty: 1
    source: 示例：《中华人民共和国国防教育法》（2024年修订）
  - key: q0004
    type: text
    prompt: {zh-Hans: 1927年8月1日的起义发生在哪座城市？}
    answer: [南昌, Nanchang]
    normalise: ["strip_suffix:市"]
    difficulty: 1
    source: 示例：写明书名、版次与页码
    enemies: [army-day]
  - key: q0005
    type: order
    prompt: {zh-Hans: 按时间先后排列：}
    choices:
      - {key: a, text: {zh-Hans: 南昌起义}}
      - {key: b, text: {zh-Hans: 遵义会议}}
      - {key: c, text: {zh-Hans: 开国大典}}
    answer: [a, b, c]
    difficulty: 3
    source: 示例：写明书名、版次与页码
"""

NOTES = [
    ("列", "说明 / Column"),
    ("编号 key", "题目的稳定编号（小写字母、数字、. _ -）；留空则按行自动编号 q0001…"),
    (
        "题型 type",
        "单选/多选/判断/填空/排序，或 single/multiple/true_false/text/order；留空则按答案推断",
    ),
    ("题干 prompt", "题目正文（默认语言）"),
    ("选项A–H", "选项文字，最多 8 个；判断题、填空题留空"),
    (
        "答案 answer",
        "选择题写字母：A；多选 A,C 或 A；C 或 AC；排序按正确顺序 C,A,B；"
        "判断 正确/错误（对/错）；填空的多个可接受答案用 | 分隔",
    ),
    ("解析 explanation", "揭晓答案时显示，可留空"),
    ("难度 difficulty", "1（最易）到 5（最难），留空为 3"),
    ("标签 tags", "小写英文标签，逗号分隔"),
    ("时限 time limit", "秒，5 到 600，可留空"),
    (
        "来源 source",
        "可核查的出处（法律名称及版本、出版物）；也可在 bank 表或导入时给出默认来源",
    ),
    (
        "互斥组 enemies",
        "互斥组名（小写英文、数字、连字符），逗号分隔；同组的题目不会出现在同一份试卷里"
        "（例如一题的题干会泄露另一题的答案）",
    ),
    (
        "答案规范 normalise",
        "仅填空题：比对前对作答与答案的处理，逗号分隔，如 strip_suffix:市（去掉末尾的“市”）、"
        "digit_grouping（1,852 即 1852）、chinese_numerals（一千八百五十二 即 1852）",
    ),
    (
        "题干[en] 选项A[en] 解析[en]",
        "其他语言列：[en] 英文、[zh-Hant] 繁体中文、[yue-jyutping] 粤拼",
    ),
    (
        "bank 表",
        "slug（题库标识）、title（名称）、title[en]…、default_locale、source（默认来源）",
    ),
    ("", "English headers work as well: key, type, prompt, A…H, answer, explanation, ..."),
]


def template() -> bytes:
    content = parse_bank_text(EXAMPLE).content
    assert content is not None
    book = openpyxl.load_workbook(BytesIO(write_xlsx(content).data))
    _all_option_columns(book["题目"])
    notes = book.create_sheet("说明")
    for row in NOTES:
        notes.append(row)
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 100
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _all_option_columns(sheet: Worksheet) -> None:
    """Empty 选项E to 选项H after the example's 选项D, so an author sees room for eight."""
    header = [cell.value for cell in sheet[1]]
    last = header.index("选项D") + 1  # 1-based column of 选项D
    sheet.insert_cols(last + 1, amount=4)
    for offset, letter in enumerate("EFGH", start=1):
        sheet.cell(row=1, column=last + offset, value=f"选项{letter}")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    target.write_bytes(template())
    print(f"wrote {target}")
