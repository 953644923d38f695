"""Regions a contestant can stand for: data, so a competition can bring its own list.

The default is Guangdong's 21 prefecture-level cities. Codes are ASCII slugs because
they end up in leaderboard scope strings (``region:shenzhen``) and Redis keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    code: str
    name: dict[str, str]  # by locale


def _guangdong(*pairs: tuple[str, str]) -> tuple[Region, ...]:
    return tuple(Region(code, {"zh-Hans": name}) for code, name in pairs)


GUANGDONG: tuple[Region, ...] = _guangdong(
    ("guangzhou", "广州"),
    ("shenzhen", "深圳"),
    ("zhuhai", "珠海"),
    ("shantou", "汕头"),
    ("foshan", "佛山"),
    ("shaoguan", "韶关"),
    ("zhanjiang", "湛江"),
    ("zhaoqing", "肇庆"),
    ("jiangmen", "江门"),
    ("maoming", "茂名"),
    ("huizhou", "惠州"),
    ("meizhou", "梅州"),
    ("shanwei", "汕尾"),
    ("heyuan", "河源"),
    ("yangjiang", "阳江"),
    ("qingyuan", "清远"),
    ("dongguan", "东莞"),
    ("zhongshan", "中山"),
    ("chaozhou", "潮州"),
    ("jieyang", "揭阳"),
    ("yunfu", "云浮"),
)


def region_codes(regions: Iterable[Region] = GUANGDONG) -> frozenset[str]:
    return frozenset(region.code for region in regions)
