"""The tables organisers export, built once for every format (CSV, .xlsx).

A :class:`~engine.domain.tables.Table` holds cells as values, its columns' machine names
(CSV headers, which scripts read) and their headers in the reader's language (.xlsx).
Sheet and column names are localised here, in zh-Hans, zh-Hant and en.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from engine.domain.certificates import localised
from engine.domain.tables import Table

LANGUAGES = ("zh-Hans", "zh-Hant", "en")

#: column -> (zh-Hans, zh-Hant, en)
HEADERS: dict[str, tuple[str, str, str]] = {
    "rank": ("名次", "名次", "Rank"),
    "contestant": ("选手编号", "選手編號", "Contestant"),
    "nickname": ("昵称", "暱稱", "Nickname"),
    "region": ("地区", "地區", "Region"),
    "team": ("队伍", "隊伍", "Team"),
    "points": ("得分", "得分", "Points"),
    "total_ms": ("总用时（毫秒）", "總用時（毫秒）", "Total time (ms)"),
    "banned": ("已禁赛", "已禁賽", "Banned"),
    "key": ("题号", "題號", "Question"),
    "type": ("题型", "題型", "Type"),
    "prompt": ("题目", "題目", "Prompt"),
    "asked": ("已出题", "已出題", "Asked"),
    "skipped": ("已跳过", "已跳過", "Skipped"),
    "answers": ("作答数", "作答數", "Answers"),
    "correct": ("答对数", "答對數", "Correct"),
    "mean_response_ms": ("平均用时（毫秒）", "平均用時（毫秒）", "Mean response (ms)"),
    "p_value": ("难度（通过率）", "難度（通過率）", "Difficulty (p)"),
    "point_biserial": ("点二列相关", "點二列相關", "Point-biserial"),
    "item_rest": ("题目-其余相关", "題目-其餘相關", "Item-rest"),
    "discrimination": ("区分度 D", "區分度 D", "Discrimination D"),
    "kind": ("类型", "類型", "Kind"),
    "contestants": ("涉及选手", "涉及選手", "Contestants"),
    "detail": ("说明", "說明", "Detail"),
    "measure": ("指标", "指標", "Measure"),
    "value": ("数值", "數值", "Value"),
    "prize": ("奖项", "獎項", "Prize"),
    "reason": ("原因", "原因", "Reason"),
    "serial": ("证书编号", "證書編號", "Serial"),
    "holder": ("持有人", "持有人", "Holder"),
    "template": ("证书模板", "證書模板", "Template"),
    "award": ("奖项名称", "獎項名稱", "Award"),
    "date": ("证书日期", "證書日期", "Date"),
    "issued_at": ("颁发时间（UTC）", "頒發時間（UTC）", "Issued at (UTC)"),
    "revoked_at": ("撤销时间（UTC）", "撤銷時間（UTC）", "Revoked at (UTC)"),
    "revoke_reason": ("撤销原因", "撤銷原因", "Revocation reason"),
}
SHEETS: dict[str, tuple[str, str, str]] = {
    "standings": ("排名", "排名", "Standings"),
    "questions": ("题目统计", "題目統計", "Questions"),
    "statistics": ("整体统计", "整體統計", "Round statistics"),
    "signals": ("异常信号", "異常信號", "Signals"),
    "winners": ("中奖名单", "中獎名單", "Winners"),
    "disqualified": ("取消资格", "取消資格", "Disqualified"),
    "certificates": ("证书", "證書", "Certificates"),
}
STANDING_COLUMNS = (
    "rank",
    "contestant",
    "nickname",
    "region",
    "team",
    "points",
    "total_ms",
    "banned",
)
QUESTION_COLUMNS = (
    "key",
    "type",
    "prompt",
    "asked",
    "skipped",
    "answers",
    "correct",
    "mean_response_ms",
    "p_value",
    "point_biserial",
    "item_rest",
    "discrimination",
)
CERTIFICATE_COLUMNS = (
    "serial", "contestant", "holder", "template", "award", "points", "rank", "date",
    "issued_at", "revoked_at", "revoke_reason",
)  # fmt: skip
STATISTICS = ("n_takers", "k_items", "mean", "sd", "kr20", "alpha", "sem")


def table(name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], lang: str) -> Table:
    at = LANGUAGES.index(lang)
    return Table(
        name,
        SHEETS[name][at],
        tuple(columns),
        tuple(HEADERS[column][at] for column in columns),
        tuple(tuple(row) for row in rows),
    )


def standings_table(standings: Iterable[Mapping[str, Any]], lang: str = "en") -> Table:
    rows = ([s.get(column) for column in STANDING_COLUMNS] for s in standings)
    return table("standings", STANDING_COLUMNS, rows, lang)


def results_tables(report: Mapping[str, Any], lang: str) -> list[Table]:
    """A round's results report (``GET /rounds/{id}/results``) as one table a sheet."""
    questions = [
        [_prompt(q["prompt"], lang) if c == "prompt" else q[c] for c in QUESTION_COLUMNS]
        for q in report["questions"]
    ]
    statistics = [[measure, report["statistics"][measure]] for measure in STATISTICS]
    signals = [[s["kind"], ", ".join(s["contestants"]), s["detail"]] for s in report["signals"]]
    return [
        standings_table(report["standings"], lang),
        table("questions", QUESTION_COLUMNS, questions, lang),
        table("statistics", ("measure", "value"), statistics, lang),
        table("signals", ("kind", "contestants", "detail"), signals, lang),
    ]


def draw_tables(published: Mapping[str, Any], lang: str) -> list[Table]:
    """A drawn draw's winners and disqualifications (``GET /draws/{id}``)."""
    winners = [[w["prize"], w["contestant"], w["nickname"]] for w in published["winners"] or []]
    out = [[d["contestant"], d["reason"]] for d in published["disqualified"]]
    return [
        table("winners", ("prize", "contestant", "nickname"), winners, lang),
        table("disqualified", ("contestant", "reason"), out, lang),
    ]


def certificates_table(certificates: Iterable[Mapping[str, Any]], lang: str) -> Table:
    """Issued certificates, a round's or a campaign's (``GET .../certificates``), revoked
    ones included; the award in ``lang``, times in UTC as ISO 8601."""
    rows = (
        [
            c["serial"],
            c["contestant"],
            c["content"]["holder"],
            c["template"],
            localised(c["content"]["award"], lang),
            c["content"]["points"],
            c["content"]["rank"],
            c["content"]["date"],
            _iso(c["issued_at_ms"]),
            None if c["revoked_at_ms"] is None else _iso(c["revoked_at_ms"]),
            c["revoke_reason"],
        ]
        for c in certificates
    )
    return table("certificates", CERTIFICATE_COLUMNS, rows, lang)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def _prompt(prompt: Mapping[str, str], lang: str) -> str:
    """The prompt in ``lang``, else in the bank's first language."""
    return prompt.get(lang) or next(iter(prompt.values()), "")
