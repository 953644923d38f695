"""The SQL schema as ORM rows (SQLAlchemy 2, typed ``Mapped[]``).

Rows carry data only; rules live in ``engine.domain`` and use cases in
``engine.services``. Every change here comes with an Alembic migration.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints, so migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UserRow(Base):
    """An organiser account: admin, author or host."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: Random per account, never reused: tokens name it beside the (reusable) id.
    token_key: Mapped[str] = mapped_column(String(32), unique=True)
    #: Bumped by a password, role or status change: older tokens stop working.
    token_version: Mapped[int] = mapped_column(Integer, server_default="1")
    disabled: Mapped[bool] = mapped_column(Boolean, server_default=false())


class BankRow(Base):
    """A question bank: its identity and the author's mutable draft."""

    __tablename__ = "banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    default_locale: Mapped[str] = mapped_column(String(16))
    #: The working copy in bank-file shape; always valid (checked before it is saved).
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class QuestionRow(Base):
    """A question's stable identity across versions: (bank, key)."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("bank_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    key: Mapped[str] = mapped_column(String(64))


class QuestionVersionRow(Base):
    """One immutable content of a question, named by its SHA-256."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)


class BankVersionRow(Base):
    """A published, immutable version of a bank (the database refuses changes)."""

    __tablename__ = "bank_versions"
    __table_args__ = (UniqueConstraint("bank_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    number: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    default_locale: Mapped[str] = mapped_column(String(16))
    question_count: Mapped[int] = mapped_column(Integer)
    published_by: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class BankVersionQuestionRow(Base):
    """Which question version sits at which position of a bank version."""

    __tablename__ = "bank_version_questions"

    bank_version_id: Mapped[int] = mapped_column(ForeignKey("bank_versions.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))


class MediaRow(Base):
    """An audio clip or picture, stored once under the SHA-256 of its bytes."""

    __tablename__ = "media"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CompetitionRow(Base):
    """A competition: a pinned bank version, its rules, and who may take part how."""

    __tablename__ = "competitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(16))  # live | elimination | self_paced
    bank_slug: Mapped[str] = mapped_column(String(64))
    bank_version: Mapped[int] = mapped_column(Integer)
    bank_hash: Mapped[str] = mapped_column(String(64))
    #: ScoringRules.to_dict(), DrawRule.to_dict(), regions, teams and mode settings.
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str | None] = mapped_column(String(64))
    #: The owning organiser (engine.domain.ownership); None: admins only.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CompetitionHostRow(Base):
    """A co-host the owner added: drives the competition's rounds as the owner does."""

    __tablename__ = "competition_hosts"

    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RoundRow(Base):
    """One sitting of a competition, joined by ``code`` and watched by ``watch_code``."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    watch_code: Mapped[str] = mapped_column(String(16), unique=True)
    seed: Mapped[str] = mapped_column(String(64))
    #: Paper.to_dict() of the round-wide paper (live and elimination rounds).
    paper: Mapped[dict[str, Any]] = mapped_column(JSON)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ContestantRow(Base):
    """A contestant's entry in a round (drained from the Redis answer log)."""

    __tablename__ = "contestants"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    contestant: Mapped[str] = mapped_column(String(32), primary_key=True)
    nickname: Mapped[str] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(32))
    team: Mapped[str | None] = mapped_column(String(32))
    joined_at_ms: Mapped[int] = mapped_column(BigInteger)
    #: Keyed hashes (self-paced entries): never the identity or address itself.
    identity_hash: Mapped[str | None] = mapped_column(String(64))
    client_hash: Mapped[str | None] = mapped_column(String(64))


class AnswerRow(Base):
    """The durable record of one accepted answer; leaderboards can be rebuilt from it."""

    __tablename__ = "answers"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    contestant: Mapped[str] = mapped_column(String(32), primary_key=True)
    question_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_key: Mapped[str] = mapped_column(String(64))
    response: Mapped[Any] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(Boolean)
    credit: Mapped[float] = mapped_column(Float)
    points: Mapped[int] = mapped_column(Integer)
    response_ms: Mapped[int] = mapped_column(Integer)
    answered_at_ms: Mapped[int] = mapped_column(BigInteger)
    #: Its question was skipped: the answer scores 0 and stays out of statistics.
    voided: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class VoidedQuestionRow(Base):
    """A skipped live question. Kept apart from its answers so that answers drained
    after the void (by another consumer) are voided too."""

    __tablename__ = "voided_questions"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    question_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    voided_at_ms: Mapped[int] = mapped_column(BigInteger)


class StandingRow(Base):
    """Final standings, written when a round finishes."""

    __tablename__ = "standings"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    contestant: Mapped[str] = mapped_column(String(32), primary_key=True)
    rank: Mapped[int | None] = mapped_column(Integer)  # None: banned, kept unranked
    points: Mapped[int] = mapped_column(Integer)
    total_ms: Mapped[int] = mapped_column(Integer)
    nickname: Mapped[str] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(32))
    team: Mapped[str | None] = mapped_column(String(32))
    #: A host banned the contestant from the round: off the boards, kept in the results.
    banned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class CertificatePlanRow(Base):
    """A round's certificate templates and rules (CertificatePlan.to_dict()).

    Keyed by round for now; a campaign's plan would be a sibling table or key."""

    __tablename__ = "certificate_plans"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by: Mapped[str | None] = mapped_column(String(64))


class CampaignCertificatePlanRow(Base):
    """A campaign stage's certificate templates and rules (CertificatePlan.to_dict())."""

    __tablename__ = "campaign_certificate_plans"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    stage: Mapped[int] = mapped_column(primary_key=True)  # the stage's position
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_by: Mapped[str | None] = mapped_column(String(64))


class CertificateRow(Base):
    """An issued certificate: its content never changes; revoking only marks it.

    A round's (``round_id``; ``contestant`` the round's contestant) or a campaign
    stage's (``campaign_id`` and ``stage``; ``contestant`` the registration's id)."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("round_id", "contestant", "template"),
        UniqueConstraint(
            "campaign_id", "stage", "contestant", "template", name="uq_certificates_campaign_id"
        ),
    )

    serial: Mapped[str] = mapped_column(String(16), primary_key=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    stage: Mapped[int | None] = mapped_column()
    contestant: Mapped[str] = mapped_column(String(32))
    template: Mapped[str] = mapped_column(String(32))
    #: What the certificate says: holder, contest, award, title, issuer, date, seal...
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_at_ms: Mapped[int] = mapped_column(BigInteger)
    revoked_at_ms: Mapped[int | None] = mapped_column(BigInteger)
    revoke_reason: Mapped[str | None] = mapped_column(String(500))


class DrawRow(Base):
    """A round's or a campaign's lucky draw: committed when created (the seed kept
    secret, its hash and the pool's published), drawn once, its winners a function of
    what is stored here. Exactly one of ``round_id`` and ``campaign_id`` is set."""

    __tablename__ = "draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: engine.domain.lucky_draw.PoolRule as JSON: kind, threshold, top, one_per_person.
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    prizes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    seed: Mapped[str] = mapped_column(String(64))  # hex; secret until drawn
    seed_sha256: Mapped[str] = mapped_column(String(64))
    pool: Mapped[list[str]] = mapped_column(JSON)  # member ids, sorted
    pool_sha256: Mapped[str] = mapped_column(String(64))
    #: Display names of the pool's members, kept so the published winners never change.
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    disqualified: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# -- campaigns (docs/campaigns.md) ----------------------------------------------------------


class CampaignRow(Base):
    """A campaign: stages of existing rounds, its places, units and registrations."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    opens_at_ms: Mapped[int] = mapped_column(BigInteger)
    closes_at_ms: Mapped[int] = mapped_column(BigInteger)
    rules_text: Mapped[str] = mapped_column(Text)
    #: Codes of the Guangdong places it runs in (PlaceTree.subset); None: all of them.
    places: Mapped[list[str] | None] = mapped_column(JSON)
    #: What registration asks: {"fields": {name: "required" | "optional"}, "identity": ...}
    registration: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: participation.Weighting as {"rate", "mean", "count"}.
    weighting: Mapped[dict[str, int]] = mapped_column(JSON)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CampaignHostRow(Base):
    """A campaign's co-host: organises it and hosts its stages' rounds as the owner does."""

    __tablename__ = "campaign_hosts"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CampaignStageRow(Base):
    """A stage: its attempt rule (attempts.AttemptRule) and advancement rule."""

    __tablename__ = "campaign_stages"
    __table_args__ = (UniqueConstraint("campaign_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, ... in the campaign's order
    title: Mapped[str] = mapped_column(String(200))
    attempt_rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    advancement: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The most points an attempt can score: what a unit's mean score is a share of.
    max_points: Mapped[int | None] = mapped_column(Integer)


class CampaignStageRoundRow(Base):
    """A round of a stage. A round is in one stage of one campaign at most."""

    __tablename__ = "campaign_stage_rounds"

    stage_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_stages.id", ondelete="CASCADE"), primary_key=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True, unique=True)


class CampaignUnitRow(Base):
    """A unit of a campaign's roster; ``headcount`` counts its sub-units' members too."""

    __tablename__ = "campaign_units"
    __table_args__ = (
        Index("ix_campaign_units_code_key", "campaign_id", "code_key"),
        Index("ix_campaign_units_name_key", "campaign_id", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # parents before their children
    name: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(16))
    headcount: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_units.id"))
    code: Mapped[str | None] = mapped_column(String(64))
    #: ``identity.fold`` of the code and of the name: a registration names its unit by
    #: either, and finds it by these indexes instead of reading the roster.
    code_key: Mapped[str | None] = mapped_column(String(64))
    name_key: Mapped[str | None] = mapped_column(String(200))  # set for every unit


class CampaignMemberRow(Base):
    """A member list's entry, as keyed hashes of its id and name only."""

    __tablename__ = "campaign_members"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_hash: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_units.id"))


class CampaignRegistrationRow(Base):
    """A contestant's registration. The identity is kept only as a keyed hash."""

    __tablename__ = "campaign_registrations"
    __table_args__ = (UniqueConstraint("campaign_id", "identity_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    #: SHA-256 of the registration token the contestant holds (the token is not kept).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nickname: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(16))
    place: Mapped[str | None] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_units.id"), index=True)
    #: The other fields the campaign asks (school, grade...).
    details: Mapped[dict[str, str]] = mapped_column(JSON)
    identity_hash: Mapped[str | None] = mapped_column(String(64))
    registered_at_ms: Mapped[int] = mapped_column(BigInteger)


class CampaignEntryRow(Base):
    """One attempt: a registration's entry (as ``contestant``) into a stage's round."""

    __tablename__ = "campaign_entries"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_registrations.id", ondelete="CASCADE"), primary_key=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    contestant: Mapped[str] = mapped_column(String(32), primary_key=True)
    practice: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    started_at_ms: Mapped[int] = mapped_column(BigInteger)


class CampaignParticipantRow(Base):
    """A registration counted as a participant of a stage, from its first counted attempt
    on: the key makes a retry, a second attempt or a racing tab count nothing more."""

    __tablename__ = "campaign_participants"

    stage_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_stages.id", ondelete="CASCADE"), primary_key=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_registrations.id", ondelete="CASCADE"), primary_key=True
    )


class CampaignUnitCountRow(Base):
    """A unit's own participants in a stage, kept as they come (with the participant
    rows, in one transaction): the participation table sums these, a row per unit."""

    __tablename__ = "campaign_unit_counts"

    stage_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_stages.id", ondelete="CASCADE"), primary_key=True
    )
    #: The unit's id; 0 for registrations without a unit (``without_unit``).
    unit_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    participants: Mapped[int] = mapped_column(Integer)


class CampaignQualifierRow(Base):
    """A registration an organiser confirmed as advancing from a stage to the next."""

    __tablename__ = "campaign_qualifiers"

    stage_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_stages.id", ondelete="CASCADE"), primary_key=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_registrations.id", ondelete="CASCADE"), primary_key=True
    )
    confirmed_by: Mapped[str | None] = mapped_column(String(64))
