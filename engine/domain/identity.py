"""When two entries are the same person: identities and nicknames compared after folding.

A phone can type the same identity in full-width digits, slip a zero-width space into
it, or take a nickname with a Cyrillic "а" beside someone's Latin "a". Both compare
equal here:

- an identity by :func:`fold`: NFKC, invisible (format and default-ignorable) characters
  removed, case folded, and white space removed;
- a nickname by :func:`nickname_keys`: the same folding, then the confusable skeleton of
  Unicode's UTS #39 (``confusables.txt``, shipped in ``data/``). Two nicknames are the
  same if any of their keys are.

The nickname people see stays as they typed it (see ``contest.clean_nickname``).
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

CONFUSABLES = Path(__file__).parent / "data" / "confusables.txt"
CONFUSABLES_VERSION = "17.0.0"

#: Default_Ignorable_Code_Point characters that are not in category Cf (Unicode's
#: DerivedCoreProperties.txt: fillers, variation selectors, tag and reserved ranges).
#: Python's unicodedata has no such property; with Cf these make it up.
_OTHER_IGNORABLE = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors
    (0x2065, 0x2065),
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),  # half-width Hangul filler
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),  # tags, variation selectors supplement, reserved
)


def invisible(ch: str) -> bool:
    """Whether ``ch`` is a format or default-ignorable character: nothing to see."""
    if unicodedata.category(ch) == "Cf":
        return True
    code = ord(ch)
    return any(low <= code <= high for low, high in _OTHER_IGNORABLE)


def _step(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if not invisible(ch))
    return unicodedata.normalize("NFKC", text.casefold())


def fold(text: str) -> str:
    """``text`` as compared: NFKC, invisible characters removed, case folded, no white
    space. Repeated until nothing changes (case folding can undo NFKC), so folding a
    folded text changes nothing."""
    text = "".join(text.split())
    for _ in range(4):
        folded = "".join(_step(text).split())
        if folded == text:
            break
        text = folded
    return text


def visible(text: str) -> bool:
    """Whether ``text`` shows anything: not only white space and invisible characters."""
    return bool(fold(text))


@cache
def _prototypes() -> dict[str, str]:
    """confusables.txt as a table: character -> its prototype (one or more characters)."""
    table: dict[str, str] = {}
    for line in CONFUSABLES.read_text(encoding="utf-8-sig").splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, target, _ = (part.strip() for part in data.split(";"))
        table[chr(int(source, 16))] = "".join(chr(int(c, 16)) for c in target.split())
    return table


def skeleton(text: str) -> str:
    """The UTS #39 skeleton: NFD, default-ignorable characters removed, each character
    replaced by its prototype, NFD again. Confusable strings share a skeleton."""
    table = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    mapped = "".join(table.get(ch, ch) for ch in decomposed if not invisible(ch))
    return unicodedata.normalize("NFD", mapped)


def nickname_keys(nickname: str) -> tuple[str, str]:
    """What a nickname holds in a round: two nicknames are the same if they share a key.

    The skeleton of the folded nickname catches look-alikes in lower case (Cyrillic "а"
    for "a"); the folded skeleton of the nickname as typed catches those that only upper
    case or digits have ("I" for "l", "0" for "O"), which folding first would lose.
    """
    typed = "".join(ch for ch in unicodedata.normalize("NFKC", nickname) if not invisible(ch))
    return skeleton(fold(nickname)), fold(skeleton(typed))
