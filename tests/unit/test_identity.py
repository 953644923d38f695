"""Identities and nicknames compared after folding, and UTS #39 skeletons."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.identity import (
    CONFUSABLES,
    CONFUSABLES_VERSION,
    fold,
    invisible,
    nickname_keys,
    skeleton,
    visible,
)

FORMAT_CHARS = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u2066"]
#: Any text a phone could send, lone surrogates aside (JSON decoding refuses those).
texts = st.text(st.characters(blacklist_categories=["Cs"]), max_size=24)


def same_nickname(a: str, b: str) -> bool:
    return any(x == y for x, y in zip(nickname_keys(a), nickname_keys(b), strict=True))


# --- the hostile cases ---------------------------------------------------------------


def test_an_identity_in_full_width_digits_is_the_same_identity() -> None:
    assert fold("４４０１０６１９９００１０１１２３４") == fold("440106199001011234")


def test_an_identity_with_a_zero_width_character_is_the_same_identity() -> None:
    assert fold("4401\u200b0619900101\ufeff1234") == fold("440106199001011234")


def test_identities_ignore_case_and_spaces_but_not_confusables() -> None:
    assert fold(" 44010619900101123x ") == fold("44010619900101123X")
    assert fold("138 0013 8000") == fold("13800138000")
    assert fold("O1") != fold("01")  # an identity is typed, not read: 0 and O differ


def test_a_nickname_with_a_cyrillic_a_is_the_latin_one() -> None:
    assert "\u0430" != "a"
    assert same_nickname("Ann\u0430", "Anna")
    assert same_nickname("\u0440\u0430ypal", "paypal")  # Cyrillic р and а


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Bill", "BiIl"),  # capital I for l
        ("B0B", "bob"),  # digit zero for O
        ("player1", "playerl"),
        ("modern", "rnodern"),  # rn for m
        ("ＡＢＣ", "abc"),  # full width
        ("张三", "张三"),
        ("Zhang San", "zhangsan"),
        ("小明\u200b", "小明"),
    ],
)
def test_look_alike_nicknames_are_the_same(one: str, other: str) -> None:
    assert same_nickname(one, other)


@pytest.mark.parametrize(("one", "other"), [("Anna", "Anne"), ("张三", "张四"), ("bob", "rob")])
def test_different_nicknames_stay_different(one: str, other: str) -> None:
    assert not same_nickname(one, other)


@pytest.mark.parametrize(
    "text", ["", " ", "\u200b", "\u200b\ufeff\u2060", "\u3164", "\u115f\u1160", "\ufe0f"]
)
def test_nothing_visible(text: str) -> None:
    assert not visible(text)


def test_invisible_characters() -> None:
    assert all(invisible(ch) for ch in FORMAT_CHARS)
    assert not any(invisible(ch) for ch in "a1张 ")


# --- the skeleton against Unicode's own data -----------------------------------------


def test_the_data_file_is_the_version_we_say() -> None:
    text = CONFUSABLES.read_text(encoding="utf-8-sig")
    assert f"# Version: {CONFUSABLES_VERSION}\n" in text
    mappings = [line for line in text.splitlines() if line[:1].isalnum()]
    assert f"# total: {len(mappings)}" in text


@pytest.mark.parametrize(
    ("source", "prototype"),
    [
        ("\u0430", "a"),  # 0430 ; 0061  CYRILLIC SMALL LETTER A
        ("\u0435", "e"),  # 0435 ; 0065  CYRILLIC SMALL LETTER IE
        ("\u0440", "p"),  # 0440 ; 0070  CYRILLIC SMALL LETTER ER
        ("\u03bf", "o"),  # 03BF ; 006F  GREEK SMALL LETTER OMICRON
        ("1", "l"),  # 0031 ; 006C  DIGIT ONE
        ("I", "l"),  # 0049 ; 006C  LATIN CAPITAL LETTER I
        ("0", "O"),  # 0030 ; 004F  DIGIT ZERO
        ("m", "rn"),  # 006D ; 0072 006E
        ("\uff41", "a"),  # FF41 ; 0061  FULLWIDTH LATIN SMALL LETTER A
        ("\u01c6", "dz\u030c"),  # 01C6 ; 0064 017E, then NFD
    ],
)
def test_skeleton_maps_as_confusables_txt(source: str, prototype: str) -> None:
    assert skeleton(source) == prototype


def test_skeleton_of_every_mapped_character_is_its_prototype() -> None:
    """Every line of confusables.txt whose character NFD leaves alone (the skeleton
    decomposes first) and which is visible (the skeleton drops default ignorables)."""
    text = CONFUSABLES.read_text(encoding="utf-8-sig")
    checked = 0
    for line in text.splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, target, _ = (part.strip() for part in data.split(";"))
        one = chr(int(source, 16))
        prototype = "".join(chr(int(c, 16)) for c in target.split())
        if unicodedata.normalize("NFD", one) != one or invisible(one):
            continue
        assert skeleton(one) == unicodedata.normalize("NFD", prototype), (source, target)
        checked += 1
    assert checked > 5400


def test_skeleton_drops_default_ignorables() -> None:
    assert skeleton("pa\u200by\u034fpal") == skeleton("paypal")


# --- properties ------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(texts)
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 24), st.sampled_from(FORMAT_CHARS)), max_size=4))
def test_format_characters_change_nothing(text: str, inserted: list[tuple[int, str]]) -> None:
    spiked = text
    for at, ch in inserted:
        spiked = spiked[:at] + ch + spiked[at:]
    assert fold(spiked) == fold(text)
    assert nickname_keys(spiked) == nickname_keys(text)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_nfkc_equivalent_texts_are_equal(text: str) -> None:
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        assert fold(unicodedata.normalize(form, text)) == fold(text)
        assert nickname_keys(unicodedata.normalize(form, text)) == nickname_keys(text)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_case_does_not_matter(text: str) -> None:
    assert fold(text.upper()) == fold(text.lower()) == fold(text.casefold())
