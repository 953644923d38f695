"""Resident ID numbers (居民身份号码, GB 11643-1999) as the ID-number identity rule reads them.

Eighteen characters: a six-digit GB/T 2260 place code (its first two the province's),
the date of birth as YYYYMMDD, a three-digit sequence (odd for men), and a check
character by ISO 7064 MOD 11-2 over the first seventeen, ``X`` standing for ten. The
check catches any single mistyped character and any swap of two neighbours, so a number
refused here was mistyped, not merely unknown; a number accepted may still be no one's.

What a phone sends is folded first (``identity.fold``): full-width digits, spaces and
invisible characters go, and a lower-case ``x`` is the ``X``. Numbers of the residence
permits of Hong Kong, Macau and Taiwan residents (81, 82, 83) follow the same standard
and are accepted with the provinces'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.domain.identity import fold

LENGTH = 18
#: Weight of each of the first 17 digits: 2**(17 - i) mod 11.
WEIGHTS = tuple(pow(2, LENGTH - 1 - i, 11) for i in range(LENGTH - 1))
#: The check character for each remainder of the weighted sum mod 11.
CHECK_CHARACTERS = "10X98765432"
#: The oldest date of birth taken: no one born before lives to register.
EARLIEST_BIRTH = date(1900, 1, 1)
#: GB/T 2260 provinces, autonomous regions and municipalities, and the residence permits.
PROVINCES: dict[str, str] = {
    "11": "北京",
    "12": "天津",
    "13": "河北",
    "14": "山西",
    "15": "内蒙古",
    "21": "辽宁",
    "22": "吉林",
    "23": "黑龙江",
    "31": "上海",
    "32": "江苏",
    "33": "浙江",
    "34": "安徽",
    "35": "福建",
    "36": "江西",
    "37": "山东",
    "41": "河南",
    "42": "湖北",
    "43": "湖南",
    "44": "广东",
    "45": "广西",
    "46": "海南",
    "50": "重庆",
    "51": "四川",
    "52": "贵州",
    "53": "云南",
    "54": "西藏",
    "61": "陕西",
    "62": "甘肃",
    "63": "青海",
    "64": "宁夏",
    "65": "新疆",
    "81": "香港",  # 港澳台居民居住证
    "82": "澳门",
    "83": "台湾",
}


class IdNumberRefused(ValueError):
    """Why a text is no valid ID number, in words to show the person who typed it."""


@dataclass(frozen=True)
class IdNumber:
    number: str  # 18 characters, the check character an upper-case X if ten
    birth: date

    @property
    def province(self) -> str:
        return self.number[:2]

    @property
    def place(self) -> str:
        """The GB/T 2260 code of the place the number was first issued in."""
        return self.number[:6]


def normalised(text: str) -> str:
    """The number as compared and kept: folded, the check character upper case."""
    return fold(text).upper()


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def parse_id_number(text: str, today: date) -> IdNumber:
    """The ID number ``text`` holds, checked; :class:`IdNumberRefused` says what is wrong.

    ``today`` (in Asia/Shanghai) bounds the date of birth: no one is born tomorrow."""
    number = normalised(text)
    if len(number) == 15 and number.isdigit():
        raise IdNumberRefused(
            "a 15-digit number is a first-generation card's, no longer valid: "
            "give the 18-character number"
        )
    if len(number) != LENGTH:
        raise IdNumberRefused(f"an ID number has {LENGTH} characters, not {len(number)}")
    body, check = number[:-1], number[-1]
    if not (body.isascii() and body.isdigit()) or check not in "0123456789X":
        raise IdNumberRefused("an ID number is 17 digits and a digit or X")
    if body[:2] not in PROVINCES:
        raise IdNumberRefused(f"{body[:2]} begins no province's numbers")
    birth = _birth(body[6:14], today)
    if check_character(body) != check:
        raise IdNumberRefused("the check character does not match: a character is mistyped")
    return IdNumber(number, birth)


def _birth(digits: str, today: date) -> date:
    try:
        birth = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise IdNumberRefused(f"{digits} is no date of birth") from None
    if birth > today:
        raise IdNumberRefused(f"the date of birth {birth.isoformat()} is in the future")
    if birth < EARLIEST_BIRTH:
        raise IdNumberRefused(f"the date of birth {birth.isoformat()} is before 1900")
    return birth
