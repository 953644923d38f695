"""Units a campaign counts participation by, and the member lists identities match.

A **unit** is a work unit, a school, a village or community: a name, the place it is
in (a district or city of the campaign's :class:`~engine.domain.places.PlaceTree`), its
**headcount** (everyone expected to take part, its sub-units' members included) and
optionally a parent unit (a school under a district's education bureau, the bureau
under the city's) and the organiser's own code. A roster is read from a sheet's rows
(see ``sheets``) with Chinese or English headers, checked whole, and refused with every
problem named by row: nothing of it is kept unless it is all right.

A **member list** (member id, name, optionally unit) is what the roster-match identity
rule compares a registration with: a member id and name typed on a phone match when
they equal a listed pair after folding (full-width digits, spaces, case).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from engine.domain.identity import fold, visible
from engine.domain.places import PlaceTree
from engine.domain.sheets import Cells, Columns, RowProblem, blank, find_columns, text, whole_number

UNIT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("单位名称", "单位", "名称", "name", "unit", "unit name"),
    "place": ("所属地区", "所在地区", "地区", "区县", "place", "region", "district"),
    "headcount": ("应参与人数", "应参加人数", "应参赛人数", "人数", "headcount"),
    "parent": ("上级单位", "主管单位", "parent", "parent unit"),
    "code": ("单位编码", "单位代码", "code", "unit code"),
}
MEMBER_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "工号", "学号", "成员编号", "member id", "id"),
    "name": ("姓名", "name"),
    "unit": ("单位", "单位名称", "所属单位", "unit"),
}


@dataclass(frozen=True)
class Unit:
    name: str
    place: str  # the code of a place in the campaign's tree
    headcount: int
    #: The position of the parent unit in ``Roster.units``; parents come first.
    parent: int | None
    code: str | None
    row: int  # where the roster file had it


@dataclass(frozen=True)
class Roster:
    units: tuple[Unit, ...]
    _codes: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)
    _names: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)
    _children: dict[int, tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes: dict[str, list[int]] = {}
        names: dict[str, list[int]] = {}
        children: dict[int, list[int]] = {}
        for index, unit in enumerate(self.units):
            if unit.code:
                codes.setdefault(fold(unit.code), []).append(index)
            names.setdefault(fold(unit.name), []).append(index)
            if unit.parent is not None:
                children.setdefault(unit.parent, []).append(index)
        object.__setattr__(self, "_codes", {k: tuple(v) for k, v in codes.items()})
        object.__setattr__(self, "_names", {k: tuple(v) for k, v in names.items()})
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    def children(self, index: int) -> tuple[int, ...]:
        return self._children.get(index, ())

    def lineage(self, index: int) -> tuple[int, ...]:
        """The unit and every unit above it, itself first."""
        chain = [index]
        while (parent := self.units[chain[-1]].parent) is not None:
            chain.append(parent)
        return tuple(chain)

    def matches(self, name: str) -> tuple[int, ...]:
        """The units ``name`` may mean: by code, else by name (folded)."""
        key = fold(name)
        return self._codes.get(key) or self._names.get(key, ())


@dataclass(frozen=True)
class _Entry:
    """A roster row read but not yet linked to its parent."""

    name: str
    place: str
    headcount: int
    parent: str
    code: str | None
    row: int


def read_roster(
    rows: Sequence[tuple[int, Cells]], places: PlaceTree
) -> tuple[Roster | None, list[RowProblem]]:
    """The units in a sheet's rows; None and the problems, row by row, if any."""
    columns, problems = find_columns(rows, UNIT_COLUMNS, ("name", "place", "headcount"))
    if columns is None:
        return None, problems
    entries: list[_Entry] = []
    seen: dict[tuple[str, ...], int] = {}
    refused: set[str] = set()  # names and codes of refused rows: their children wait
    for number, cells in rows:
        if number <= columns.row or blank(cells):
            continue
        entry, wrong = _entry(number, cells, columns, places)
        for key in _identities(entry):
            if key in seen:
                wrong.append(f"{_what(key)} repeats row {seen[key]}")
        if wrong:
            problems.extend(RowProblem(number, message) for message in wrong)
            refused |= {fold(text(columns.value(cells, f))) for f in ("name", "code")}
            continue
        assert entry is not None
        for key in _identities(entry):
            seen[key] = number
        entries.append(entry)
    if not entries and not problems:
        problems.append(RowProblem(None, "no units below the header"))
    parents = _parents(entries, places, refused, problems)
    if problems:
        return None, sorted(problems, key=lambda p: p.row or 0)
    roster = _ordered(entries, parents)
    problems.extend(_headcount_problems(roster))
    return (None, problems) if problems else (roster, [])


def _entry(
    number: int, cells: Cells, columns: Columns, places: PlaceTree
) -> tuple[_Entry | None, list[str]]:
    name, place_name, parent, code = (
        text(columns.value(cells, field)) for field in ("name", "place", "parent", "code")
    )
    headcount = columns.value(cells, "headcount")
    wrong = []
    if not name:
        wrong.append("no unit name")
    found = places.matches(place_name) if place_name else ()
    if not place_name:
        wrong.append("no place")
    elif not found:
        wrong.append(f"unknown place {place_name!r}")
    elif len(found) > 1:
        wrong.append(f"place {place_name!r} may be {' or '.join(p.code for p in found)}")
    count = whole_number(headcount)
    if count is None:
        shown = text(headcount)
        wrong.append(
            f"headcount {shown!r} is not a positive whole number" if shown else "no headcount"
        )
    if wrong:
        return None, wrong
    assert count is not None
    return _Entry(name, found[0].code, count, parent, code or None, number), []


def _identities(entry: _Entry | None) -> list[tuple[str, ...]]:
    """What two rows must not share: a code, or a name in one place under one parent."""
    if entry is None:
        return []
    same = ("unit", fold(entry.name), entry.place, fold(entry.parent))
    return [same] if entry.code is None else [same, ("code", fold(entry.code))]


def _what(key: tuple[str, ...]) -> str:
    return f"code {key[1]!r}" if key[0] == "code" else f"unit {key[1]!r} in {key[2]}"


def _parents(
    entries: list[_Entry], places: PlaceTree, refused: set[str], problems: list[RowProblem]
) -> list[int | None]:
    """Each entry's parent entry, by code or else by name; a name that several units
    share is narrowed to those whose place holds the unit's. A parent that is a refused
    row is not reported again."""
    codes = {fold(e.code): i for i, e in enumerate(entries) if e.code}
    names: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        names.setdefault(fold(entry.name), []).append(i)
    parents: list[int | None] = []
    for entry in entries:
        if not entry.parent:
            parents.append(None)
            continue
        key = fold(entry.parent)
        found = [codes[key]] if key in codes else names.get(key, [])
        if len(found) > 1:
            found = [i for i in found if places.within(entry.place, entries[i].place)] or found
        if len(found) == 1:
            parents.append(found[0])
            continue
        parents.append(None)
        if not found and key in refused:
            continue
        if not found:
            problems.append(
                RowProblem(entry.row, f"parent unit {entry.parent!r} is not in the roster")
            )
        else:
            rows = ", ".join(str(entries[i].row) for i in found)
            message = f"parent unit {entry.parent!r} may be the unit of rows {rows}: give its code"
            problems.append(RowProblem(entry.row, message))
    for i, entry in enumerate(entries):
        if (cycle := _cycle(i, parents)) is not None:
            names_ = " → ".join(entries[j].name for j in cycle)
            problems.append(RowProblem(entry.row, f"parent units go round in a cycle: {names_}"))
        elif (parent := parents[i]) is not None and not places.within(
            entry.place, entries[parent].place
        ):
            inner, outer = places.get(entry.place), places.get(entries[parent].place)
            message = (
                f"place {inner.name['zh-Hans']} is not within {outer.name['zh-Hans']}, "
                f"the place of parent unit {entries[parent].name!r}"
            )
            problems.append(RowProblem(entry.row, message))
    return parents


def _cycle(start: int, parents: list[int | None]) -> list[int] | None:
    """The cycle from ``start`` back to itself if following parents leads there."""
    path, at = [start], parents[start]
    while at is not None and at not in path:
        path.append(at)
        at = parents[at]
    return [*path, start] if at == start else None


def _ordered(entries: list[_Entry], parents: list[int | None]) -> Roster:
    """Units with each parent before its children, otherwise in the file's order."""
    order: list[int] = []
    placed: set[int] = set()

    def place(i: int) -> None:
        if i in placed:
            return
        if (parent := parents[i]) is not None:
            place(parent)
        placed.add(i)
        order.append(i)

    for i in range(len(entries)):
        place(i)
    position = {old: new for new, old in enumerate(order)}
    units = []
    for i in order:
        entry, parent = entries[i], parents[i]
        at = None if parent is None else position[parent]
        units.append(Unit(entry.name, entry.place, entry.headcount, at, entry.code, entry.row))
    return Roster(tuple(units))


def _headcount_problems(roster: Roster) -> list[RowProblem]:
    """A unit's headcount counts its sub-units' members: theirs cannot add up to more."""
    problems = []
    for index, unit in enumerate(roster.units):
        within = sum(roster.units[child].headcount for child in roster.children(index))
        if within > unit.headcount:
            message = (
                f"headcount {unit.headcount} is less than its sub-units' {within}: "
                "a unit's headcount counts its sub-units' members too"
            )
            problems.append(RowProblem(unit.row, message))
    return sorted(problems, key=lambda p: p.row or 0)


# -- member lists -------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    id: str  # as the list wrote it
    name: str
    unit: int | None  # the position of the unit in the campaign's roster
    row: int


@dataclass(frozen=True)
class MemberList:
    members: tuple[Member, ...]
    _by_id: dict[str, Member] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {folded(m.id): m for m in self.members})

    def match(self, member_id: str, name: str) -> Member | None:
        """The listed member with this id and name as typed, after folding; else None."""
        member = self._by_id.get(folded(member_id))
        return member if member is not None and fold(member.name) == fold(name) else None


def folded(text: str) -> str:
    """``identity.fold``, at a fraction of its cost for ASCII text (most member ids, read
    by the million): NFKC changes no ASCII character, none is invisible, and ASCII case
    folding is ``lower``."""
    return "".join(text.split()).lower() if text.isascii() else fold(text)


def read_members(
    rows: Sequence[tuple[int, Cells]], roster: Roster | None = None
) -> tuple[MemberList | None, list[RowProblem]]:
    """The members in a sheet's rows; None and the problems, row by row, if any.

    A unit column needs the campaign's roster: each unit must be one of it."""
    columns, problems = find_columns(rows, MEMBER_COLUMNS, ("id", "name"))
    if columns is None:
        return None, problems
    if "unit" in columns.index and roster is None:
        message = f"column {columns.header['unit']!r} names units, but the campaign has no roster"
        return None, [*problems, RowProblem(columns.row, message)]
    members: list[Member] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        if number <= columns.row or blank(cells):
            continue
        member_id, name, unit_name = (
            text(columns.value(cells, field)) for field in ("id", "name", "unit")
        )
        key = folded(member_id)
        wrong = []
        if not key:
            wrong.append("no member id")
        elif key in seen:
            wrong.append(f"member id {member_id!r} repeats row {seen[key]}")
        if not visible(name):
            wrong.append("no name")
        unit = None
        if unit_name and roster is not None:
            found = roster.matches(unit_name)
            if len(found) == 1:
                unit = found[0]
            elif not found:
                wrong.append(f"unknown unit {unit_name!r}")
            else:
                wrong.append(f"unit {unit_name!r} is the name of several units: give its code")
        if wrong:
            problems.extend(RowProblem(number, message) for message in wrong)
            continue
        seen[key] = number
        members.append(Member(member_id, name, unit, number))
    if not members and not problems:
        problems.append(RowProblem(None, "no members below the header"))
    return (None, problems) if problems else (MemberList(tuple(members)), [])
