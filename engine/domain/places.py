"""Places a campaign counts participation by: cities and the districts within them.

Guangdong's 21 prefecture-level cities and 122 county-level divisions ship as data
(``data/guangdong_divisions.csv``, its source and date in ``data/README.md``). A campaign
uses that tree, a part of it (:meth:`PlaceTree.subset`), or a list of its own
(:func:`tree_from_rows`). Each place has its GB/T 2260 code (or the campaign's own) and
an ASCII slug: slugs end up in scope strings and keys, and a city's slug is its code in
``regions.py`` (``guangzhou``). Organisers name places every way: 广州, 广州市,
越秀区, 越秀, 广州市越秀区, 廣州, Yuexiu, 440104; :meth:`PlaceTree.matches` takes all.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

from engine.domain.hant import to_traditional
from engine.domain.identity import fold
from engine.domain.sheets import Cells, Columns, RowProblem, blank, find_columns, text

GUANGDONG_FILE = Path(__file__).parent / "data" / "guangdong_divisions.csv"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
#: 越秀区 -> 越秀, 乳源瑶族自治县 -> 乳源, 广州市 -> 广州; a name of two characters
#: (城区) stays whole: one character is no name.
_SUFFIX = re.compile(r"^(.{2,}?)(?:(?:.{1,3}?族)*自治县|区|县|市)$")
_EN_SUFFIXES = (" district", " county", " city")


class PlaceKind(StrEnum):
    CITY = "city"  # 地级市, prefecture-level
    DISTRICT = "district"  # 市辖区
    COUNTY = "county"  # 县 and 自治县
    COUNTY_CITY = "county-city"  # 县级市


@dataclass(frozen=True)
class Place:
    code: str
    slug: str
    name: Mapping[str, str]  # by locale: zh-Hans, zh-Hant (OpenCC if not given), en
    kind: PlaceKind
    #: The code of the place it lies in (a district's city); None for a city.
    parent: str | None = None

    def names(self) -> set[str]:
        """Every name the place answers to, folded (see :func:`identity.fold`)."""
        found = set()
        for locale, name in self.name.items():
            found.add(fold(name))
            if locale == "en":
                short = fold(name.split(" ", 1)[0])
                if any(fold(name).endswith(fold(s)) for s in _EN_SUFFIXES):
                    found.add(short)
            elif match := _SUFFIX.match(name):
                found.add(fold(match.group(1)))
        return found


@dataclass(frozen=True)
class PlaceTree:
    """Places in file order, each after the place it lies in."""

    places: tuple[Place, ...]
    _by_code: dict[str, Place] = field(init=False, repr=False, compare=False)
    _keys: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    _names: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    _names_of: dict[str, set[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys: dict[str, set[str]] = {}
        names: dict[str, set[str]] = {}
        names_of = {place.code: place.names() for place in self.places}
        for place in self.places:
            for key in (fold(place.code), place.slug):
                keys.setdefault(key, set()).add(place.code)
            for name in names_of[place.code]:
                names.setdefault(name, set()).add(place.code)
        object.__setattr__(self, "_by_code", {place.code: place for place in self.places})
        object.__setattr__(self, "_names_of", names_of)
        object.__setattr__(self, "_keys", {k: frozenset(v) for k, v in keys.items()})
        object.__setattr__(self, "_names", {k: frozenset(v) for k, v in names.items()})

    def __len__(self) -> int:
        return len(self.places)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Place:
        return self._by_code[code]

    @property
    def cities(self) -> tuple[Place, ...]:
        return tuple(place for place in self.places if place.parent is None)

    def children(self, code: str) -> tuple[Place, ...]:
        return tuple(place for place in self.places if place.parent == code)

    def lineage(self, code: str) -> tuple[Place, ...]:
        """The place and every place it lies in, the place first and its city last."""
        chain = [self._by_code[code]]
        while chain[-1].parent is not None:
            chain.append(self._by_code[chain[-1].parent])
        return tuple(chain)

    def city_of(self, code: str) -> Place:
        return self.lineage(code)[-1]

    def within(self, code: str, outer: str) -> bool:
        """Whether place ``code`` is ``outer`` or lies in it."""
        return any(place.code == outer for place in self.lineage(code))

    def matches(self, name: str) -> tuple[Place, ...]:
        """The places ``name`` may mean: by code or slug, else by a name in any locale
        with or without its 区/县/市, else as a city's name followed by one of its
        places' (广州市越秀区, 广州越秀). More than one when the name is ambiguous."""
        key = fold(name)
        codes = self._keys.get(key) or self._names.get(key) or self._qualified(key)
        return tuple(place for place in self.places if place.code in codes)

    def find(self, name: str) -> Place | None:
        """The one place ``name`` means; None when it means none or several."""
        found = self.matches(name)
        return found[0] if len(found) == 1 else None

    def _qualified(self, key: str) -> frozenset[str]:
        found: set[str] = set()
        for outer in self.places:
            for prefix in self._names_of[outer.code]:
                if key.startswith(prefix) and len(key) > len(prefix):
                    inner = self._names.get(key[len(prefix) :], frozenset())
                    found |= {code for code in inner if self.within(code, outer.code)}
        return frozenset(found)

    def subset(self, codes: Iterable[str]) -> PlaceTree:
        """The part of the tree a campaign runs in: each given place with the places it
        lies in and the places within it. ``subset(["440100"])`` is Guangzhou and its
        11 districts; ``subset(["440104"])`` is Guangzhou with Yuexiu only."""
        wanted = set(codes)
        unknown = wanted - self._by_code.keys()
        if unknown:
            raise KeyError(f"no such places: {', '.join(sorted(unknown))}")
        return PlaceTree(
            tuple(
                place
                for place in self.places
                if any(self.within(place.code, code) for code in wanted)
                or any(self.within(code, place.code) for code in wanted)
            )
        )


@cache
def guangdong() -> PlaceTree:
    """Guangdong's cities and county-level divisions, as shipped."""
    with GUANGDONG_FILE.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(line for line in file if not line.startswith("#")))
    return PlaceTree(
        tuple(
            _place(
                row["code"],
                row["slug"],
                row["name"],
                row["en"],
                PlaceKind(row["kind"]),
                row["parent"] or None,
            )
            for row in rows
        )
    )


def _place(code: str, slug: str, name: str, en: str, kind: PlaceKind, parent: str | None) -> Place:
    names = {"zh-Hans": name, "zh-Hant": to_traditional(name)}
    if en:
        names["en"] = en
    return Place(code, slug, names, kind, parent)


#: A campaign's own list of places, as a sheet or CSV: Chinese or English headers.
PLACE_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("编码", "代码", "区划代码", "code"),
    "name": ("名称", "地区", "name"),
    "parent": ("上级", "所属城市", "上级地区", "parent", "city"),
    "slug": ("标识", "slug"),
    "en": ("英文名", "英文名称", "en", "english"),
}


def tree_from_rows(
    rows: Sequence[tuple[int, Cells]],
) -> tuple[PlaceTree | None, list[RowProblem]]:
    """A campaign's own places from a sheet: code, name, optional parent (a code or name
    of a place above it in the list), slug (the code when it is a slug) and English
    name. Every problem is named by row; no tree unless there is none."""
    columns, problems = find_columns(rows, PLACE_COLUMNS, ("code", "name"))
    if columns is None:
        return None, problems
    places: list[Place] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        if number <= columns.row or blank(cells):
            continue
        place, wrong = _place_row(cells, columns, places, seen)
        if place is None:
            problems.extend(RowProblem(number, message) for message in wrong)
            continue
        seen[place.code] = seen[place.slug] = number
        places.append(place)
    if not places and not problems:
        problems.append(RowProblem(None, "no places below the header"))
    return (None if problems else PlaceTree(tuple(places))), problems


def _place_row(
    cells: Cells, columns: Columns, above: list[Place], seen: dict[str, int]
) -> tuple[Place | None, list[str]]:
    code, name, parent_name, slug, en = (
        text(columns.value(cells, field)) for field in ("code", "name", "parent", "slug", "en")
    )
    wrong = []
    if not code:
        wrong.append("no code")
    if not name:
        wrong.append("no name")
    if slug and not SLUG.match(slug):
        wrong.append(f"slug {slug!r} is not lower-case ASCII letters, digits and hyphens")
    elif code and not slug and not SLUG.match(code.lower()):
        wrong.append(f"code {code!r} is no slug (ASCII): give a slug column")
    slug = slug or code.lower()
    for key in dict.fromkeys((code, slug)):
        if key and key in seen:
            wrong.append(f"{key!r} repeats row {seen[key]}")
    parent = PlaceTree(tuple(above)).find(parent_name) if parent_name else None
    if parent_name and parent is None:
        wrong.append(f"parent {parent_name!r} is not a place above this row")
    if wrong:
        return None, wrong
    kind = PlaceKind.CITY if parent is None else PlaceKind.DISTRICT
    return _place(code, slug, name, en, kind, None if parent is None else parent.code), []
