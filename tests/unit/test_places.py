"""Guangdong's divisions as shipped, lookups by every name organisers use, own lists."""

from __future__ import annotations

from collections import Counter

import pytest

from engine.domain.places import SLUG, PlaceKind, guangdong, tree_from_rows
from engine.domain.regions import GUANGDONG
from engine.domain.sheets import RowProblem


def names(found: tuple) -> list[str]:
    return [place.name["zh-Hans"] for place in found]


# --- the shipped data --------------------------------------------------------------------


def test_guangdong_has_21_cities_and_122_county_level_divisions() -> None:
    tree = guangdong()
    assert len(tree.cities) == 21
    county_level = [place for place in tree.places if place.parent is not None]
    assert len(county_level) == 122
    assert Counter(place.kind for place in county_level) == {
        PlaceKind.DISTRICT: 65,
        PlaceKind.COUNTY: 37,
        PlaceKind.COUNTY_CITY: 20,
    }


def test_every_code_is_a_guangdong_gb2260_code_under_its_city() -> None:
    tree = guangdong()
    for place in tree.places:
        assert len(place.code) == 6
        assert place.code.isdigit()
        assert place.code[:2] == "44"
        if place.parent is None:
            assert place.kind is PlaceKind.CITY
            assert place.code.endswith("00")
        else:
            assert tree.get(place.parent).parent is None  # two levels
            assert place.code[:4] == place.parent[:4]
            assert not place.code.endswith("00")


def test_dongguan_and_zhongshan_have_no_county_level() -> None:
    tree = guangdong()
    assert tree.children("441900") == ()
    assert tree.children("442000") == ()
    assert len(tree.children("440100")) == 11  # Guangzhou's districts
    assert len(tree.children("440300")) == 9  # Shenzhen's


def test_city_slugs_are_the_region_codes() -> None:
    cities = {place.slug: place.name["zh-Hans"] for place in guangdong().cities}
    assert cities == {region.code: region.name["zh-Hans"] + "市" for region in GUANGDONG}


def test_slugs_are_unique_ascii() -> None:
    slugs = [place.slug for place in guangdong().places]
    assert len(set(slugs)) == len(slugs)
    assert all(SLUG.match(slug) for slug in slugs)


def test_every_name_of_every_place_finds_that_place_alone() -> None:
    tree = guangdong()
    for place in tree.places:
        for name in (place.code, place.slug, *place.name.values(), *place.names()):
            assert tree.matches(name) == (place,), name


def test_names_by_locale() -> None:
    yuexiu = guangdong().get("440104")
    assert yuexiu.name == {"zh-Hans": "越秀区", "zh-Hant": "越秀區", "en": "Yuexiu District"}
    assert guangdong().get("440306").name["en"] == "Bao'an District"


# --- lookups -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("广州", "广州市"),
        ("广州市", "广州市"),
        ("廣州", "广州市"),
        ("guangzhou", "广州市"),
        ("440100", "广州市"),
        ("越秀区", "越秀区"),
        ("越秀", "越秀区"),
        (" 越秀区 ", "越秀区"),
        ("Yuexiu", "越秀区"),
        ("YUEXIU DISTRICT", "越秀区"),
        ("４４０１０４", "越秀区"),
        ("广州市越秀区", "越秀区"),
        ("广州越秀", "越秀区"),
        ("深圳南山", "南山区"),
        ("城区", "城区"),
        ("汕尾市城区", "城区"),
        ("乳源", "乳源瑶族自治县"),
        ("连山", "连山壮族瑶族自治县"),
        ("梅县", "梅县区"),
        ("梅县区", "梅县区"),
        ("郁南", "郁南县"),
        ("yun-an", "云安区"),
        ("乐昌", "乐昌市"),
    ],
)
def test_a_place_is_found_by_every_name_organisers_write(name: str, found: str) -> None:
    place = guangdong().find(name)
    assert place is not None
    assert place.name["zh-Hans"] == found


@pytest.mark.parametrize(
    "name", ["北京", "北京市", "", "越", "深圳市越秀区", "440199", "广州市天河区区"]
)
def test_unknown_names_find_nothing(name: str) -> None:
    assert guangdong().matches(name) == ()
    assert guangdong().find(name) is None


def test_lineage_city_and_within() -> None:
    tree = guangdong()
    assert [p.code for p in tree.lineage("440104")] == ["440104", "440100"]
    assert tree.city_of("440104").slug == "guangzhou"
    assert tree.city_of("440100").slug == "guangzhou"
    assert tree.within("440104", "440100")
    assert tree.within("440100", "440100")
    assert not tree.within("440100", "440104")
    assert not tree.within("440305", "440100")


# --- a campaign's part of the tree, or its own --------------------------------------------


def test_a_subset_keeps_what_a_place_lies_in_and_what_lies_in_it() -> None:
    tree = guangdong()
    guangzhou = tree.subset(["440100"])
    assert len(guangzhou) == 12
    assert len(guangzhou.cities) == 1
    two = tree.subset(["440104", "440305"])
    assert names(two.places) == ["广州市", "越秀区", "深圳市", "南山区"]
    assert two.find("天河") is None
    assert two.find("越秀") is not None
    with pytest.raises(KeyError, match="999999"):
        tree.subset(["999999"])


def sheet(*rows: list[object]) -> list[tuple[int, list[object]]]:
    return list(enumerate([list(row) for row in rows], start=1))


def test_a_campaign_brings_its_own_places() -> None:
    tree, problems = tree_from_rows(
        sheet(
            ["编码", "名称", "上级", "英文名"],
            ["north", "北区", None, "North"],
            ["n1", "北一片", "北区", None],
            ["N2", "北二片", "north", None],
        )
    )
    assert problems == []
    assert tree is not None
    assert [p.code for p in tree.children("north")] == ["n1", "N2"]
    assert tree.get("N2").slug == "n2"
    assert tree.find("North") is tree.get("north")
    assert tree.find("北一片").slug == "n1"
    assert tree.get("n1").kind is PlaceKind.DISTRICT
    assert tree.get("n1").name["zh-Hant"] == "北一片"


def test_an_own_list_with_problems_is_refused_row_by_row() -> None:
    tree, problems = tree_from_rows(
        sheet(
            ["code", "name", "parent", "slug"],
            ["a", "甲", None, None],
            ["a", "乙", None, None],
            [None, "丙", None, None],
            ["d", None, "甲", None],
            ["e", "戊", "己", None],
            ["f", "己", None, "F F"],
        )
    )
    assert tree is None
    assert problems == [
        RowProblem(3, "'a' repeats row 2"),
        RowProblem(4, "no code"),
        RowProblem(5, "no name"),
        RowProblem(6, "parent '己' is not a place above this row"),
        RowProblem(7, "slug 'F F' is not lower-case ASCII letters, digits and hyphens"),
    ]


def test_an_own_list_with_chinese_codes_needs_slugs() -> None:
    tree, problems = tree_from_rows(sheet(["编码", "名称"], ["北", "北区"]))
    assert tree is None
    assert problems == [RowProblem(2, "code '北' is no slug (ASCII): give a slug column")]
    tree, problems = tree_from_rows(sheet(["编码", "名称", "标识"], ["北", "北区", "north"]))
    assert tree is not None
    assert tree.find("north") is tree.get("北")


def test_an_own_list_without_a_header_is_refused() -> None:
    tree, problems = tree_from_rows(sheet(["甲", "乙"]))
    assert tree is None
    assert problems[0].row is None
    assert "no header row" in problems[0].message
