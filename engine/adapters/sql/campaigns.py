"""Campaigns in SQL: the campaign, its hosts, stages, units, member list, registrations
and the entries (attempts) registrations made into the stages' rounds."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from engine.adapters.sql.database import Database
from engine.adapters.sql.models import (
    AnswerRow,
    CampaignEntryRow,
    CampaignHostRow,
    CampaignMemberRow,
    CampaignParticipantRow,
    CampaignQualifierRow,
    CampaignRegistrationRow,
    CampaignRow,
    CampaignStageRoundRow,
    CampaignStageRow,
    CampaignUnitCountRow,
    CampaignUnitRow,
)
from engine.domain.identity import fold
from engine.domain.ownership import Hosting

CAMPAIGN_FIELDS = (
    "id",
    "title",
    "opens_at_ms",
    "closes_at_ms",
    "rules_text",
    "places",
    "registration",
    "weighting",
    "owner_id",
    "created_by",
    "created_at",
)
UNIT_FIELDS = ("id", "position", "name", "place", "headcount", "parent_id", "code")
log = logging.getLogger(__name__)

#: Rounds whose campaign (or none) a process keeps, so a live join reads no SQL for it.
REMEMBERED_ROUNDS = 4096
#: How long a process trusts that a round is in no campaign: one added to a stage since
#: is gated within this in every process (at once in the one that added it).
NO_CAMPAIGN_FOR_S = 5.0

REGISTRATION_FIELDS = (
    "id",
    "nickname",
    "name",
    "phone",
    "place",
    "unit_id",
    "details",
    "registered_at_ms",
)


class SqlCampaignRepository:
    def __init__(self, database: Database) -> None:
        self._db = database
        #: round id -> (campaign id or None, monotonic time read).
        self._campaign_of: OrderedDict[int, tuple[int | None, float]] = OrderedDict()

    # -- the campaign and its hosts ---------------------------------------------------

    def add(self, **fields: Any) -> dict[str, Any]:
        with self._db.session() as session, session.begin():
            row = CampaignRow(**fields)
            session.add(row)
            session.flush()
            return _fields(row, CAMPAIGN_FIELDS)

    def campaign(self, campaign_id: int) -> dict[str, Any] | None:
        with self._db.session() as session:
            row = session.get(CampaignRow, campaign_id)
            return None if row is None else _fields(row, CAMPAIGN_FIELDS)

    def change(self, campaign_id: int, **fields: Any) -> None:
        with self._db.session() as session, session.begin():
            row = session.get(CampaignRow, campaign_id)
            assert row is not None
            for name, value in fields.items():
                setattr(row, name, value)

    def campaigns(self, host_id: int | None) -> list[dict[str, Any]]:
        """The campaigns ``host_id`` owns or co-hosts (None: all), newest first."""
        query = select(CampaignRow).order_by(CampaignRow.id.desc())
        if host_id is not None:
            cohosted = exists().where(
                CampaignHostRow.campaign_id == CampaignRow.id, CampaignHostRow.user_id == host_id
            )
            query = query.where(or_(CampaignRow.owner_id == host_id, cohosted))
        with self._db.session() as session:
            return [_fields(row, CAMPAIGN_FIELDS) for row in session.scalars(query)]

    def hosting(self, campaign_id: int) -> Hosting | None:
        with self._db.session() as session:
            owner = session.execute(
                select(CampaignRow.owner_id).where(CampaignRow.id == campaign_id)
            ).first()
            if owner is None:
                return None
            return Hosting(campaign_id, owner[0], _cohosts(session, campaign_id))

    def hostings_of_round(self, round_id: int) -> list[Hosting]:
        """The hosting of the campaign whose stage has this round (none, or one). None
        while SQL is unreachable: the round's own hosts keep hosting from their cache,
        and everyone else is refused as before, not with an outage."""
        try:
            return self._hostings_of_round(round_id)
        except OperationalError:
            log.warning(
                "SQL unreachable: round %s hosted by its competition's hosts only", round_id
            )
            return []

    def _hostings_of_round(self, round_id: int) -> list[Hosting]:
        with self._db.session() as session:
            found = session.execute(
                select(CampaignRow.id, CampaignRow.owner_id)
                .join(CampaignStageRow, CampaignStageRow.campaign_id == CampaignRow.id)
                .join(CampaignStageRoundRow, CampaignStageRoundRow.stage_id == CampaignStageRow.id)
                .where(CampaignStageRoundRow.round_id == round_id)
            ).all()
            return [Hosting(c, owner, _cohosts(session, c)) for c, owner in found]

    def campaign_of_round(self, round_id: int) -> int | None:
        """The campaign whose stage has the round, if any, as this process last read it.

        A round enters one stage at most and never leaves it, so a campaign once read is
        kept; "none" is read again after ``NO_CAMPAIGN_FOR_S``. While SQL is unreachable
        the last read stands, so live rounds in no campaign keep taking joins."""
        known = self._campaign_of.get(round_id)
        if known is not None and (
            known[0] is not None or time.monotonic() - known[1] < NO_CAMPAIGN_FOR_S
        ):
            return known[0]
        try:
            with self._db.session() as session:
                found = session.scalar(
                    select(CampaignStageRow.campaign_id)
                    .join(
                        CampaignStageRoundRow, CampaignStageRoundRow.stage_id == CampaignStageRow.id
                    )
                    .where(CampaignStageRoundRow.round_id == round_id)
                )
        except OperationalError:
            if known is None:
                raise
            log.warning("SQL unreachable: round %s's campaign as last read", round_id)
            return known[0]
        self._know_campaign(round_id, found)
        return found

    def _know_campaign(self, round_id: int, campaign_id: int | None) -> None:
        self._campaign_of[round_id] = (campaign_id, time.monotonic())
        self._campaign_of.move_to_end(round_id)
        if len(self._campaign_of) > REMEMBERED_ROUNDS:
            self._campaign_of.popitem(last=False)

    def add_cohost(self, campaign_id: int, user_id: int) -> None:
        try:
            with self._db.session() as session, session.begin():
                session.add(CampaignHostRow(campaign_id=campaign_id, user_id=user_id))
        except IntegrityError:
            pass  # a co-host already

    def remove_cohost(self, campaign_id: int, user_id: int) -> None:
        with self._db.session() as session, session.begin():
            session.execute(
                delete(CampaignHostRow).where(
                    CampaignHostRow.campaign_id == campaign_id, CampaignHostRow.user_id == user_id
                )
            )

    # -- stages ------------------------------------------------------------------------

    def add_stage(self, campaign_id: int, round_ids: Sequence[int], **fields: Any) -> bool:
        """Append a stage with its rounds; False if one of the rounds is in a stage."""
        try:
            with self._db.session() as session, session.begin():
                last = session.scalar(
                    select(func.max(CampaignStageRow.position)).where(
                        CampaignStageRow.campaign_id == campaign_id
                    )
                )
                stage = CampaignStageRow(
                    campaign_id=campaign_id, position=(last or 0) + 1, **fields
                )
                session.add(stage)
                session.flush()
                session.add_all(
                    CampaignStageRoundRow(stage_id=stage.id, round_id=r) for r in round_ids
                )
            for round_id in round_ids:  # gated at once in this process
                self._know_campaign(round_id, campaign_id)
            return True
        except IntegrityError:
            return False

    def stages(self, campaign_id: int) -> list[dict[str, Any]]:
        with self._db.session() as session:
            stages = session.scalars(
                select(CampaignStageRow)
                .where(CampaignStageRow.campaign_id == campaign_id)
                .order_by(CampaignStageRow.position)
            ).all()
            rounds: dict[int, list[int]] = {}
            for stage_id, round_id in session.execute(
                select(CampaignStageRoundRow.stage_id, CampaignStageRoundRow.round_id)
                .where(CampaignStageRoundRow.stage_id.in_([s.id for s in stages]))
                .order_by(CampaignStageRoundRow.round_id)
            ):
                rounds.setdefault(stage_id, []).append(round_id)
            return [
                {
                    "id": s.id,
                    "position": s.position,
                    "title": s.title,
                    "attempt_rule": s.attempt_rule,
                    "advancement": s.advancement,
                    "max_points": s.max_points,
                    "rounds": rounds.get(s.id, []),
                }
                for s in stages
            ]

    def rounds_in_stages(self, round_ids: Iterable[int]) -> list[int]:
        """Which of these rounds some campaign's stage has already."""
        with self._db.session() as session:
            return list(
                session.scalars(
                    select(CampaignStageRoundRow.round_id).where(
                        CampaignStageRoundRow.round_id.in_(list(round_ids))
                    )
                )
            )

    # -- units and members -------------------------------------------------------------

    def replace_units(self, campaign_id: int, units: Sequence[dict[str, Any]]) -> None:
        """The roster, whole: ``units`` in order, each ``parent`` the position of one
        before it. The member list goes too (its units are gone)."""
        with self._db.session() as session, session.begin():
            _delete_units(session, campaign_id)
            ids: list[int] = []
            for position, unit in enumerate(units):
                parent = unit["parent"]
                row = CampaignUnitRow(
                    campaign_id=campaign_id,
                    position=position,
                    name=unit["name"],
                    place=unit["place"],
                    headcount=unit["headcount"],
                    parent_id=None if parent is None else ids[parent],
                    code=unit["code"],
                    code_key=fold(unit["code"]) if unit["code"] else None,
                    name_key=fold(unit["name"]),
                )
                session.add(row)
                session.flush()
                ids.append(row.id)

    def units(self, campaign_id: int) -> list[dict[str, Any]]:
        with self._db.session() as session:
            rows = session.scalars(
                select(CampaignUnitRow)
                .where(CampaignUnitRow.campaign_id == campaign_id)
                .order_by(CampaignUnitRow.position)
            )
            return [_fields(row, UNIT_FIELDS) for row in rows]

    def units_named(self, campaign_id: int, name: str) -> list[dict[str, Any]]:
        """The units ``name`` may mean, by two indexes: by code, else by name (folded,
        as ``units.Roster.matches`` folds them)."""
        key = fold(name)
        mine = CampaignUnitRow.campaign_id == campaign_id
        with self._db.session() as session:
            for column in (CampaignUnitRow.code_key, CampaignUnitRow.name_key):
                rows = session.scalars(select(CampaignUnitRow).where(mine, column == key)).all()
                if rows:
                    return [_fields(row, UNIT_FIELDS) for row in rows]
            return []

    def unit(self, unit_id: int) -> dict[str, Any] | None:
        with self._db.session() as session:
            row = session.get(CampaignUnitRow, unit_id)
            return None if row is None else _fields(row, UNIT_FIELDS)

    def replace_members(self, campaign_id: int, members: Sequence[dict[str, Any]]) -> None:
        with self._db.session() as session, session.begin():
            session.execute(
                delete(CampaignMemberRow).where(CampaignMemberRow.campaign_id == campaign_id)
            )
            session.add_all(CampaignMemberRow(campaign_id=campaign_id, **m) for m in members)

    def member(self, campaign_id: int, id_hash: str) -> dict[str, Any] | None:
        with self._db.session() as session:
            row = session.get(CampaignMemberRow, (campaign_id, id_hash))
            return None if row is None else {"name_hash": row.name_hash, "unit_id": row.unit_id}

    # -- registrations and entries -----------------------------------------------------

    def add_registration(self, campaign_id: int, **fields: Any) -> int | None:
        """The new registration's id; None if its identity hash is registered already."""
        try:
            with self._db.session() as session, session.begin():
                row = CampaignRegistrationRow(campaign_id=campaign_id, **fields)
                session.add(row)
                session.flush()
                return row.id
        except IntegrityError:
            return None

    def registration_count(self, campaign_id: int) -> int:
        with self._db.session() as session:
            return (
                session.scalar(
                    select(func.count()).where(CampaignRegistrationRow.campaign_id == campaign_id)
                )
                or 0
            )

    def registrations(self, campaign_id: int) -> list[dict[str, Any]]:
        with self._db.session() as session:
            rows = session.scalars(
                select(CampaignRegistrationRow)
                .where(CampaignRegistrationRow.campaign_id == campaign_id)
                .order_by(CampaignRegistrationRow.id)
            )
            return [_fields(row, REGISTRATION_FIELDS) for row in rows]

    def registration_units(self, campaign_id: int) -> dict[int, int | None]:
        with self._db.session() as session:
            return dict(
                session.execute(
                    select(CampaignRegistrationRow.id, CampaignRegistrationRow.unit_id).where(
                        CampaignRegistrationRow.campaign_id == campaign_id
                    )
                ).all()
            )

    def registration_by_token(self, token_hash: str) -> dict[str, Any] | None:
        with self._db.session() as session:
            row = session.scalar(
                select(CampaignRegistrationRow).where(
                    CampaignRegistrationRow.token_hash == token_hash
                )
            )
            if row is None:
                return None
            return {**_fields(row, REGISTRATION_FIELDS), "campaign_id": row.campaign_id}

    def confirm_qualifiers(
        self, stage_id: int, registration_ids: Sequence[int], confirmed_by: str
    ) -> None:
        """The stage's qualifiers, replaced whole."""
        with self._db.session() as session, session.begin():
            session.execute(
                delete(CampaignQualifierRow).where(CampaignQualifierRow.stage_id == stage_id)
            )
            session.add_all(
                CampaignQualifierRow(
                    stage_id=stage_id, registration_id=r, confirmed_by=confirmed_by
                )
                for r in registration_ids
            )

    def confirmed_qualifiers(self, stage_id: int) -> list[int]:
        with self._db.session() as session:
            return list(
                session.scalars(
                    select(CampaignQualifierRow.registration_id)
                    .where(CampaignQualifierRow.stage_id == stage_id)
                    .order_by(CampaignQualifierRow.registration_id)
                )
            )

    def qualified(self, stage_id: int, registration_id: int) -> bool:
        with self._db.session() as session:
            return session.get(CampaignQualifierRow, (stage_id, registration_id)) is not None

    def purge(self, campaign_id: int) -> int:
        """Forget the registrations' personal data and the member list; the number of
        registrations purged. What participation needs (nickname, place, unit) stays."""
        with self._db.session() as session, session.begin():
            session.execute(
                delete(CampaignMemberRow).where(CampaignMemberRow.campaign_id == campaign_id)
            )
            mine = CampaignRegistrationRow.campaign_id == campaign_id
            session.execute(
                update(CampaignRegistrationRow)
                .where(mine)
                .values(name=None, phone=None, details={}, identity_hash=None)
            )
            return session.scalar(select(func.count()).where(mine)) or 0

    def entry_of(self, registration_id: int, round_id: int) -> str | None:
        """The contestant a registration entered the round as (its first entry)."""
        with self._db.session() as session:
            return session.scalar(
                select(CampaignEntryRow.contestant)
                .where(
                    CampaignEntryRow.registration_id == registration_id,
                    CampaignEntryRow.round_id == round_id,
                )
                .order_by(CampaignEntryRow.started_at_ms)
                .limit(1)
            )

    def add_entry(self, *, counts_in: int | None, unit_id: int | None, **fields: Any) -> None:
        """Record an attempt; one that ``counts_in`` a stage (not practice) makes its
        registration a participant of the stage, once, and adds it to its unit's count
        (``unit_id``; None: without a unit), all in the entry's transaction."""
        with self._db.session() as session, session.begin():
            session.add(CampaignEntryRow(**fields))
            session.flush()
            if counts_in is None:
                return
            try:
                with session.begin_nested():
                    session.add(
                        CampaignParticipantRow(
                            stage_id=counts_in, registration_id=fields["registration_id"]
                        )
                    )
            except IntegrityError:
                return  # a participant already: counted once
            _count_one(session, counts_in, unit_id or 0)

    def participant_counts(self, stage_id: int) -> dict[int | None, int]:
        """Each unit's own participants in the stage (None: those without a unit), as
        counted when they happened: a row per unit, not per registration."""
        with self._db.session() as session:
            return {
                unit or None: participants
                for unit, participants in session.execute(
                    select(CampaignUnitCountRow.unit_key, CampaignUnitCountRow.participants).where(
                        CampaignUnitCountRow.stage_id == stage_id
                    )
                )
            }

    def attempt_starts(
        self, registration_id: int, round_ids: Sequence[int]
    ) -> list[dict[str, Any]]:
        """A registration's entries into these rounds (``started_ms``, ``practice``), by
        the entries' key: what an attempt rule needs to allow one more."""
        with self._db.session() as session:
            return [
                {"started_ms": started, "practice": practice}
                for started, practice in session.execute(
                    select(CampaignEntryRow.started_at_ms, CampaignEntryRow.practice).where(
                        CampaignEntryRow.registration_id == registration_id,
                        CampaignEntryRow.round_id.in_(list(round_ids)),
                    )
                )
            ]

    def stage_attempts(self, campaign_id: int, round_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Every registration's entries into these rounds, with points and total time
        from the answers drained to SQL (voided answers count for nothing)."""
        which = CampaignEntryRow.registration_id.in_(
            select(CampaignRegistrationRow.id).where(
                CampaignRegistrationRow.campaign_id == campaign_id
            )
        )
        scored = (
            select(
                AnswerRow.round_id,
                AnswerRow.contestant,
                func.sum(AnswerRow.points).label("points"),
                func.sum(AnswerRow.response_ms).label("total_ms"),
            )
            .where(AnswerRow.voided.is_(False), AnswerRow.round_id.in_(list(round_ids)))
            .group_by(AnswerRow.round_id, AnswerRow.contestant)
            .subquery()
        )
        query = (
            select(
                CampaignEntryRow.registration_id,
                CampaignEntryRow.practice,
                CampaignEntryRow.started_at_ms,
                func.coalesce(scored.c.points, 0),
                func.coalesce(scored.c.total_ms, 0),
            )
            .outerjoin(
                scored,
                (scored.c.round_id == CampaignEntryRow.round_id)
                & (scored.c.contestant == CampaignEntryRow.contestant),
            )
            .where(which, CampaignEntryRow.round_id.in_(list(round_ids)))
        )
        with self._db.session() as session:
            return [
                {
                    "registration": registration,
                    "practice": practice,
                    "started_ms": started,
                    "points": int(points),
                    "total_ms": int(total_ms),
                }
                for registration, practice, started, points, total_ms in session.execute(query)
            ]

    def entries(self, campaign_id: int, registration_id: int | None = None) -> list[dict[str, Any]]:
        """Which contestant of which round each attempt was: draws and reviews follow a
        round's contestant back to its registration."""
        query = (
            select(CampaignEntryRow)
            .join(
                CampaignRegistrationRow,
                CampaignRegistrationRow.id == CampaignEntryRow.registration_id,
            )
            .where(CampaignRegistrationRow.campaign_id == campaign_id)
            .order_by(CampaignEntryRow.started_at_ms, CampaignEntryRow.round_id)
        )
        if registration_id is not None:
            query = query.where(CampaignEntryRow.registration_id == registration_id)
        with self._db.session() as session:
            return [
                {
                    "registration": row.registration_id,
                    "round_id": row.round_id,
                    "contestant": row.contestant,
                    "practice": row.practice,
                    "started_ms": row.started_at_ms,
                }
                for row in session.scalars(query)
            ]


def _count_one(session: Session, stage_id: int, unit_key: int) -> None:
    """One more participant of the unit in the stage; the unit's first makes its row (a
    racing first waits for the other's row, then adds to it)."""
    which = (CampaignUnitCountRow.stage_id == stage_id) & (
        CampaignUnitCountRow.unit_key == unit_key
    )
    more = update(CampaignUnitCountRow).where(which)
    more = more.values(participants=CampaignUnitCountRow.participants + 1)
    if session.execute(more).rowcount:  # type: ignore[attr-defined]
        return
    try:
        with session.begin_nested():
            session.add(CampaignUnitCountRow(stage_id=stage_id, unit_key=unit_key, participants=1))
    except IntegrityError:
        session.execute(more)


def _cohosts(session: Session, campaign_id: int) -> frozenset[int]:
    return frozenset(
        session.scalars(
            select(CampaignHostRow.user_id).where(CampaignHostRow.campaign_id == campaign_id)
        )
    )


def _delete_units(session: Session, campaign_id: int) -> None:
    session.execute(delete(CampaignMemberRow).where(CampaignMemberRow.campaign_id == campaign_id))
    # Children before parents: the parent key would refuse the other order.
    ids = session.scalars(
        select(CampaignUnitRow.id)
        .where(CampaignUnitRow.campaign_id == campaign_id)
        .order_by(CampaignUnitRow.position.desc())
    ).all()
    for unit_id in ids:
        session.execute(delete(CampaignUnitRow).where(CampaignUnitRow.id == unit_id))


def _fields(row: Any, names: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}
