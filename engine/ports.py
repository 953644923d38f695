"""What the use cases need from the outside world, as ``typing.Protocol`` interfaces.

Adapters in ``engine.adapters`` implement these and fakes in ``tests/fakes`` mirror
them; services depend only on them, so a service can be read and tested without
knowing about SQL or Redis. Grouped by concern: accounts, question banks, competitions
and their record, the live round in play, and what a finished round issues.

Rows cross these ports as plain dicts (``dict[str, Any]``) where the SQL adapter's row
functions define their keys; the domain's types where one exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from engine.domain.accounts import Account
from engine.domain.bankfiles import BankHeader, FileProblem, LoadedBank
from engine.domain.bankinfo import BankSummary, VersionInfo
from engine.domain.log import Answered, Joined, Left, LogEntry, Voided
from engine.domain.mediainfo import MediaInfo
from engine.domain.ownership import Hosting
from engine.domain.places import PlaceTree
from engine.domain.questions import BankContent
from engine.domain.rounds import LiveRound
from engine.domain.standings import BoardEntry, BoardStanding, Profile, Scope
from engine.domain.units import MemberList, Roster

#: What scoring an answer starts from: (streak, last question answered).
Progress = tuple[int, int]
#: A contestant who has answered nothing yet.
NO_PROGRESS: Progress = (0, -1)

# --- time -------------------------------------------------------------------------------


class Clock(Protocol):
    """Server time in milliseconds since the epoch, which services hand the domain as ``now``."""

    def now_ms(self) -> int: ...


# --- accounts ----------------------------------------------------------------------------


class UserRepository(Protocol):
    """Organiser accounts with their password hashes."""

    def add(self, username: str, password_hash: str, role: str, token_key: str) -> Account: ...

    def find(self, username: str) -> tuple[Account, str] | None:
        """The account and its password hash, or None."""

    def get(self, user_id: int) -> Account | None: ...

    def all(self) -> list[Account]: ...

    def change(
        self,
        username: str,
        *,
        password_hash: str | None = None,
        role: str | None = None,
        disabled: bool | None = None,
    ) -> Account | None:
        """Apply the changes given and bump the token version (revoking every token);
        None when there is no such user."""

    def remove(self, username: str) -> Account | None:
        """Delete the account; the one deleted, or None."""


class AccountCache(Protocol):
    """Accounts as tokens need them, and revoked token ids, kept where every process
    reads them without SQL. A stored ``None`` says "no such account"."""

    def read(self, user_id: int, token_id: str) -> tuple[bool, Account | None, bool]:
        """(cached?, the account, whether the token id is revoked), in one round trip."""

    def fill(self, user_id: int, account: Account | None) -> None:
        """Cache what SQL said, unless a change was cached meanwhile."""

    def put(self, user_id: int, account: Account | None) -> None:
        """Cache an account as it is after a change."""

    def revoke(self, token_id: str, ttl_s: int) -> None: ...


class Throttle(Protocol):
    """Counters in fixed windows, shared by every process: rate limits."""

    def hit(self, name: str, window_s: int) -> int: ...

    def hit_all(self, names: Sequence[str], window_s: int) -> list[int]: ...

    def count(self, name: str) -> int: ...

    def retry_after(self, name: str) -> int: ...

    def reset(self, name: str) -> None: ...

    def hold(self, name: str, seconds: int) -> None:
        """Mark ``name`` for ``seconds`` (its count is then 1)."""


# --- question banks ----------------------------------------------------------------------


class BankRepository(Protocol):
    """Banks by slug: a draft each (the editable document) and immutable versions."""

    def create(
        self, slug: str, title: dict[str, str], default_locale: str, draft: dict[str, Any]
    ) -> None: ...

    def exists(self, slug: str) -> bool: ...

    def summaries(self) -> list[BankSummary]: ...

    def summary(self, slug: str) -> BankSummary | None: ...

    def draft(self, slug: str) -> dict[str, Any] | None: ...

    def save_draft(self, slug: str, draft: dict[str, Any]) -> None: ...

    def versions(self, slug: str) -> list[VersionInfo]: ...

    def version_content(self, slug: str, number: int) -> BankContent | None: ...

    def publish(
        self,
        slug: str,
        content: BankContent,
        question_hashes: list[str],
        bank_hash: str,
        published_by: str | None,
        draft: dict[str, Any] | None = None,
    ) -> tuple[VersionInfo, bool]:
        """The version holding ``content`` and whether it is new: publishing content
        identical to the latest version makes nothing."""


class MediaStore(Protocol):
    """Media files (images, audio) by the SHA-256 of their bytes, stored once."""

    def put(self, info: MediaInfo, data: bytes) -> bool:
        """Store the file; False when it was stored already."""

    def get(self, sha256: str) -> tuple[MediaInfo, bytes] | None: ...

    def missing(self, hashes: Iterable[str]) -> set[str]:
        """Those of ``hashes`` not stored."""


# --- competitions, rounds and their durable record --------------------------------------


class RoundRepository(Protocol):
    """Competitions and rounds as SQL keeps them, and each round's record: the
    contestants and answers drained from the answer log, the final standings."""

    def add_competition(self, **fields: Any) -> dict[str, Any]: ...

    def competition(self, competition_id: int) -> dict[str, Any] | None: ...

    def add_round(self, **fields: Any) -> dict[str, Any] | None:
        """The new round, or None when its code or watch code is taken (pick others)."""

    def round(self, round_id: int) -> dict[str, Any] | None: ...

    def round_by(self, *, code: str | None = None, watch_code: str | None = None) -> int | None:
        """The round with this join code (or, without one, this watch code)."""

    def rounds_of(self, competition_id: int) -> list[dict[str, Any]]: ...

    def set_status(self, round_id: int, status: str) -> None: ...

    def contestants(self, round_id: int) -> list[dict[str, Any]]: ...

    def answers(self, round_id: int) -> list[dict[str, Any]]:
        """Every recorded answer of the round, in the order they were given."""

    def answers_of(self, round_id: int, contestant: str) -> list[dict[str, Any]]:
        """One contestant's answers, by position on their paper."""

    def save_standings(self, round_id: int, standings: Sequence[Mapping[str, Any]]) -> None:
        """Replace the round's final standings."""

    def standings(self, round_id: int) -> list[dict[str, Any]]:
        """The final standings: not banned first, then by rank."""


class RoundRecorder(Protocol):
    """Where the answer log's entries are stored for good (the round's record)."""

    def record(
        self,
        joins: Iterable[Mapping[str, Any]],
        answers: Iterable[Mapping[str, Any]],
        voids: Iterable[Mapping[str, Any]] = (),
        lefts: Iterable[Mapping[str, Any]] = (),
    ) -> None:
        """Store drained entries, skipping those stored already (a replay); the entries
        of ``lefts`` (contestants who left a lobby) go."""


class AnswerLog(Protocol):
    """The log every process appends joins, answers and voids to (a stream per round),
    read by consumers that store them (``RoundRecorder``) and only then acknowledge them."""

    def read(self, consumer: str, count: int = ...) -> list[tuple[str, LogEntry]]:
        """(entry id, entry) for ``consumer``, after any it read but did not acknowledge;
        an empty list when there is nothing to read now."""

    def acknowledge(self, ids: list[str]) -> None: ...

    def claim_abandoned(self, consumer: str, idle_ms: int) -> int:
        """Take over entries a dead consumer read but never acknowledged; how many."""


class HostRepository(Protocol):
    """Who hosts each competition: its owner and co-hosts."""

    def hosting(self, competition_id: int) -> Hosting | None: ...

    def add_cohost(self, competition_id: int, user_id: int) -> None: ...

    def remove_cohost(self, competition_id: int, user_id: int) -> None: ...

    def competitions(self, host_id: int | None) -> list[dict[str, Any]]:
        """The competitions a host may see (None: every competition)."""


class RoundsOfCompetitions(Protocol):
    """Which competition a round belongs to (``Competitions`` answers it)."""

    def competition_id_of(self, round_id: int) -> int:
        """The round's competition, or NotFound("There is no round N.")."""


# --- the round in play -------------------------------------------------------------------


class SelfPacedReading(Protocol):
    """What a self-paced delivery or answer starts from, read in one round trip."""

    @property
    def running(self) -> bool:
        """The round's window is still tracked (not finished)."""

    @property
    def attempt(self) -> str | None: ...

    @property
    def progress(self) -> Progress: ...

    @property
    def score(self) -> float | None:
        """The contestant's round score (live board)."""

    @property
    def first(self) -> dict[str, Any] | None:
        """The contestant's accepted answer to the question answered."""

    @property
    def banned(self) -> bool: ...


class AnswerOutcome(Protocol):
    """What the store did with one judged answer."""

    @property
    def status(self) -> str:
        """accepted | duplicate | stale | retry | refused"""

    @property
    def result(self) -> dict[str, Any] | None: ...

    @property
    def reason(self) -> str | None: ...

    @property
    def progress(self) -> Progress | None:
        """Accepted: the contestant's progress after it; retry: as it is."""

    @property
    def score(self) -> float | None:
        """Accepted: the contestant's round score after it; retry: as it is."""


class LiveStore(Protocol):
    """A round in play, shared by every process: its state (compare and set), its
    contestants and bans, self-paced attempts, and each question's answers, accepted
    atomically with the boards and the answer log."""

    #: How many joins and answers this process has appended to the answer log.
    appended: int

    # the round's state
    def load(self, round_id: int) -> LiveRound | None: ...

    def create(self, round_id: int, state: LiveRound) -> None: ...

    def save(
        self, round_id: int, read: LiveRound, state: LiveRound, log: Voided | None = None
    ) -> bool:
        """Store ``state`` if the round is still as it was ``read``, appending ``log``
        to the answer log in the same step."""

    def hold_boards(self, round_id: int) -> None:
        """Public boards that move only when a question is published."""

    # which rounds need attention
    def schedule(self, round_id: int, state: LiveRound, close_at: int | None) -> None: ...

    def schedule_window(self, round_id: int, closes_at: int | None) -> None:
        """Track a self-paced round until its window closes (None: stop tracking)."""

    def window_tracked(self, round_id: int) -> bool: ...

    def windows_due(self, now: int) -> list[int]: ...

    def due(self, now: int) -> list[int]: ...

    def running(self) -> list[int]: ...

    def claim(self, name: str, ttl_ms: int) -> bool:
        """True for exactly one caller (across processes) per ``name`` until it expires."""

    # contestants
    def join(
        self,
        round_id: int,
        unique: Sequence[str],
        profile: Mapping[str, Any],
        log: Joined,
        *,
        also_banned: Sequence[str] = (),
    ) -> tuple[str, str]:
        """(contestant, "created" | "taken" | "banned") for the ``unique`` entry keys."""

    def leave(self, round_id: int, contestant: str, log: Left) -> str:
        """While the round is in its lobby, take the contestant's entry away (profile,
        entry keys, boards) and log ``log``: "left"; "kept" once the round has started
        (nothing changes); "gone" for no such entry (left already)."""

    def profile(self, round_id: int, contestant: str) -> dict[str, Any] | None: ...

    def contestant_count(self, round_id: int) -> int: ...

    def contestants(self, round_id: int) -> dict[str, dict[str, Any]]: ...

    def ban(self, round_id: int, contestant: str) -> bool: ...

    def lift(self, round_id: int, contestant: str) -> bool: ...

    def is_kicked(self, round_id: int, contestant: str) -> bool: ...

    def banned(self, round_id: int) -> dict[str, float | None]:
        """Each banned contestant and their round score when banned."""

    # self-paced attempts
    def create_attempt(self, round_id: int, contestant: str, attempt: str) -> None: ...

    def attempt(self, round_id: int, contestant: str) -> str | None: ...

    def selfpaced_reading(
        self, round_id: int, contestant: str, answering: int | None = None
    ) -> SelfPacedReading: ...

    def save_attempt(self, round_id: int, contestant: str, read: str, attempt: str) -> bool:
        """Store ``attempt`` if the contestant's attempt is still as it was ``read``."""

    def move_attempt(
        self, round_id: int, contestant: str, known: tuple[str, Progress], attempt: str
    ) -> str:
        """Store ``attempt`` if the contestant's attempt and progress are still as
        ``known``, the round's window runs and they are not banned, in one step: "saved",
        else "banned", "finished" or "moved" (nothing stored)."""

    # answers
    def progress(self, round_id: int, contestant: str) -> tuple[Progress, float | None]:
        """(progress, live board score): what scoring starts from."""

    def progress_before(self, round_id: int, index: int, contestant: str) -> Progress: ...

    def record_answer(
        self,
        round_id: int,
        competition_id: int | None,
        contestant: str,
        index: int,
        *,
        seq: int | None,
        expected_progress: Progress,
        new_progress: Progress,
        expected_score: float | None,
        points: int,
        response_ms: int,
        result: Mapping[str, Any],
        options: Sequence[str],
        log: Answered,
        attempt: tuple[str, str] | None = None,
    ) -> AnswerOutcome:
        """Accept one judged answer with its board update and log entry, at once.
        ``attempt``, self-paced: (the contestant's attempt it was judged from, the one to
        store with it): "stale" unless stored as the first, refused "already_finished"
        once the round's window no longer runs."""

    def void_question(self, round_id: int, index: int, competition_id: int | None) -> int:
        """Take a skipped question's answers off every board; how many, once each."""

    def publish_question(self, round_id: int, index: int) -> int:
        """Put a closed question's answers on the held public boards; how many."""

    def published_through(self, round_id: int) -> int:
        """The last question on the public boards (-1: none)."""

    def answers(self, round_id: int, index: int) -> dict[str, dict[str, Any]]: ...

    def answer_of(self, round_id: int, index: int, contestant: str) -> dict[str, Any] | None: ...

    def answer_count(self, round_id: int, index: int) -> int: ...

    def option_counts(self, round_id: int, index: int) -> dict[str, int]: ...


class Leaderboard(Protocol):
    """Standings per round (scopes ``all``, ``region:<code>``, ``team:<key>``) and the
    sum over a competition's rounds. ``view="public"`` respects a freeze; ``"live"``
    (organisers) never does. Types in :mod:`engine.domain.standings`."""

    def register(
        self,
        round_id: int | str,
        contestant: str,
        nickname: str,
        region: str | None = None,
        team: str | None = None,
        *,
        competition_id: int | str | None = None,
        regions: Iterable[str] | None = None,
    ) -> None: ...

    def register_many(
        self,
        round_id: int | str,
        profiles: Mapping[str, Profile],
        *,
        competition_id: int | str | None = None,
        regions: Iterable[str] | None = None,
    ) -> None: ...

    def add(
        self,
        round_id: int | str,
        contestant: str,
        points: int,
        response_ms: int,
        *,
        competition_id: int | str | None = None,
    ) -> tuple[int, int]:
        """The contestant's new (points, total_ms) in the round."""

    def add_many(
        self,
        round_id: int | str,
        answers: Iterable[tuple[str, int, int]],
        *,
        competition_id: int | str | None = None,
    ) -> list[tuple[int, int]]:
        """Each answer on the round's boards, then (each the round's took) on the
        competition's: two steps, so one the competition's refuses stays on the round's."""

    def add_to_competition(
        self,
        competition_id: int | str,
        round_id: int | str,
        answers: Iterable[tuple[int, str, int, int]],
    ) -> None:
        """A round's accepted answers (question index, contestant, points, board ms) on the
        competition's board, each (round, question, contestant) once however often it
        comes: a retry or the drain's replay never counts twice."""

    def top(
        self,
        round_id: int | str,
        scope: str | Scope = ...,
        offset: int = 0,
        limit: int = 10,
        *,
        view: str = "public",
    ) -> list[BoardEntry]: ...

    def standing(
        self,
        round_id: int | str,
        contestant: str,
        scope: str | Scope = ...,
        *,
        around: int = 0,
        view: str = "public",
    ) -> BoardStanding | None: ...

    def count(
        self, round_id: int | str, scope: str | Scope = ..., *, view: str = "public"
    ) -> int: ...

    def competition_top(
        self, competition_id: int | str, offset: int = 0, limit: int = 10
    ) -> list[BoardEntry]: ...

    def competition_standing(
        self, competition_id: int | str, contestant: str, *, around: int = 0
    ) -> BoardStanding | None: ...

    def competition_count(self, competition_id: int | str) -> int: ...

    def hold(self, round_id: int | str) -> None: ...

    def plan_freeze(self, round_id: int | str) -> None: ...

    def freeze(self, round_id: int | str, at_ms: int | None = None) -> None: ...

    def thaw(self, round_id: int | str) -> None: ...

    def frozen(self, round_id: int | str) -> tuple[bool, int | None]: ...

    def snapshot(
        self, round_id: int | str, *, now_ms: int, scope: str | Scope = ..., top_n: int = 10
    ) -> dict[str, Any]: ...

    def rebuild(
        self,
        round_id: int | str,
        answers: Iterable[tuple[str, int, int]],
        profiles: Mapping[str, Profile],
    ) -> None: ...


class FocusLog(Protocol):
    """Reports of a contestant leaving the page, each counted once."""

    def report(self, round_id: int, contestant: str, report_id: str, most: int) -> tuple[bool, int]:
        """(whether this report was new and counted, the contestant's switches now)."""

    def counts(self, round_id: int) -> dict[str, int]: ...


# --- what a finished round issues ---------------------------------------------------------


class CertificateStore(Protocol):
    """Certificates of a round: its plan (who gets which) and those issued, by serial."""

    def plan(self, round_id: int) -> dict[str, Any] | None: ...

    def save_plan(self, round_id: int, plan: dict[str, Any], by: str | None) -> None: ...

    def issued_keys(self, round_id: int) -> set[tuple[str, str]]:
        """(contestant, award) of every certificate issued in the round."""

    def add(self, certificates: Iterable[dict[str, Any]]) -> bool:
        """Store them all, or none when one is issued already (False)."""

    def of_round(self, round_id: int) -> list[dict[str, Any]]: ...

    def of_contestant(self, round_id: int, contestant: str) -> list[dict[str, Any]]: ...

    def get(self, serial: str) -> dict[str, Any] | None: ...

    def revoke(self, serial: str, at_ms: int, reason: str) -> None: ...


class CampaignCertificateStore(Protocol):
    """Certificates of a campaign's stages: a plan per stage and those issued (held by
    registrations), beside the rounds' in the same serial space (stored, revoked and
    read by serial through ``CertificateStore``)."""

    def campaign_plan(self, campaign_id: int, stage: int) -> dict[str, Any] | None: ...

    def save_campaign_plan(
        self, campaign_id: int, stage: int, plan: dict[str, Any], by: str | None
    ) -> None: ...

    def campaign_issued_keys(self, campaign_id: int, stage: int) -> set[tuple[str, str]]:
        """(registration, template) of every certificate issued for the stage."""

    def of_campaign(self, campaign_id: int) -> list[dict[str, Any]]: ...

    def of_registration(self, campaign_id: int, registration: str) -> list[dict[str, Any]]: ...


class DrawRepository(Protocol):
    """Lucky draws of a round or a campaign: stored with their committed seed and pool,
    run once."""

    def add(self, **fields: Any) -> dict[str, Any]: ...

    def draw(self, draw_id: int) -> dict[str, Any] | None: ...

    def of_round(self, round_id: int) -> list[dict[str, Any]]: ...

    def of_campaign(self, campaign_id: int) -> list[dict[str, Any]]: ...

    def mark_drawn(self, draw_id: int, at: datetime) -> bool:
        """Record the draw as run; False when it had been run already."""

    def disqualify(self, draw_id: int, contestant: str, reason: str) -> bool:
        """Disqualify a winner; False when they were disqualified already."""


# -- campaigns (engine.services.campaigns and the services on it) ----------------------


class CampaignRepository(Protocol):
    """A campaign, its hosts, stages, units, hashed member list, registrations and the
    entries registrations made into stages' rounds (``engine.adapters.sql.campaigns``)."""

    def add(self, **fields: Any) -> dict[str, Any]: ...
    def campaign(self, campaign_id: int) -> dict[str, Any] | None: ...
    def change(self, campaign_id: int, **fields: Any) -> None: ...
    def campaigns(self, host_id: int | None) -> list[dict[str, Any]]: ...
    def hosting(self, campaign_id: int) -> Hosting | None: ...
    def add_cohost(self, campaign_id: int, user_id: int) -> None: ...
    def remove_cohost(self, campaign_id: int, user_id: int) -> None: ...

    def add_stage(self, campaign_id: int, round_ids: Sequence[int], **fields: Any) -> bool:
        """False if one of the rounds is in a stage already."""

    def stages(self, campaign_id: int) -> list[dict[str, Any]]: ...

    def campaign_of_round(self, round_id: int) -> int | None:
        """The campaign whose stage has the round; asked at every live join, so kept
        per process (a read of SQL at most every few seconds per round)."""

    def rounds_in_stages(self, round_ids: Iterable[int]) -> list[int]: ...
    def replace_units(self, campaign_id: int, units: Sequence[dict[str, Any]]) -> None: ...
    def units(self, campaign_id: int) -> list[dict[str, Any]]: ...
    def replace_members(self, campaign_id: int, members: Sequence[dict[str, Any]]) -> None: ...
    def member(self, campaign_id: int, id_hash: str) -> dict[str, Any] | None: ...

    def units_named(self, campaign_id: int, name: str) -> list[dict[str, Any]]:
        """The units ``name`` may mean (by code, else by name, folded), by an index."""

    def unit(self, unit_id: int) -> dict[str, Any] | None: ...

    def add_registration(self, campaign_id: int, **fields: Any) -> int | None:
        """The new id; None if the identity hash is registered in the campaign already."""

    def registration_count(self, campaign_id: int) -> int: ...
    def registrations(self, campaign_id: int) -> list[dict[str, Any]]: ...
    def registration_units(self, campaign_id: int) -> dict[int, int | None]: ...
    def registration_by_token(self, token_hash: str) -> dict[str, Any] | None: ...
    def confirm_qualifiers(
        self, stage_id: int, registration_ids: Sequence[int], confirmed_by: str
    ) -> None:
        """Replace the stage's confirmed qualifiers."""

    def confirmed_qualifiers(self, stage_id: int) -> list[int]: ...
    def qualified(self, stage_id: int, registration_id: int) -> bool: ...

    def purge(self, campaign_id: int) -> int:
        """Forget registrations' personal data and the member list; how many purged."""

    def add_entry(self, *, counts_in: int | None, unit_id: int | None, **fields: Any) -> None:
        """Record an attempt's entry; one that ``counts_in`` a stage makes its
        registration a participant of it once, counted in unit ``unit_id`` (None: none)."""

    def participant_counts(self, stage_id: int) -> dict[int | None, int]:
        """Each unit's own participants in the stage (None: without a unit)."""

    def entry_of(self, registration_id: int, round_id: int) -> str | None:
        """The contestant a registration entered the round as, if it did."""

    def attempt_starts(
        self, registration_id: int, round_ids: Sequence[int]
    ) -> list[dict[str, Any]]:
        """``started_ms`` and ``practice`` of each of a registration's entries."""

    def stage_attempts(self, campaign_id: int, round_ids: Sequence[int]) -> list[dict[str, Any]]:
        """``registration``, ``practice``, ``started_ms``, ``points``, ``total_ms`` each."""

    def entries(self, campaign_id: int, registration_id: int | None = None) -> list[dict[str, Any]]:
        """The attempts' entries (``registration``, ``round_id``, ``contestant``,
        ``practice``, ``started_ms``) of the campaign, or of one registration, oldest first."""


class RosterReader(Protocol):
    """Reads a unit roster file against the campaign's places
    (``engine.adapters.roster.load_roster``)."""

    def __call__(
        self, data: bytes, file: str, places: PlaceTree
    ) -> tuple[Roster | None, list[FileProblem]]: ...


class MemberListReader(Protocol):
    """Reads a member list file against the campaign's roster, if it has one
    (``engine.adapters.roster.load_members``)."""

    def __call__(
        self, data: bytes, file: str, roster: Roster | None
    ) -> tuple[MemberList | None, list[FileProblem]]: ...


class CampaignHostsOfRounds(Protocol):
    def hostings_of_round(self, round_id: int) -> list[Hosting]:
        """The hosting of each campaign whose stage has the round."""


class CampaignRounds(Protocol):
    """What campaigns need of rounds: whose they are, and a self-paced entry."""

    def competition_id_of(self, round_id: int) -> int:
        """NotFound("There is no round N.") when there is none."""

    def finished(self, round_id: int) -> bool: ...

    def enter(
        self, round_id: int, nickname: str, now: int, *, identity: str, elder: bool = False
    ) -> str:
        """Enter a self-paced round (``elder``: in elderly mode); the new contestant's id."""


# --- the round clock and bank uploads ------------------------------------------------


class Schedule(Protocol):
    """The rounds' deadlines, and claims that exactly one process wins."""

    def due(self, now: int) -> list[int]: ...
    def windows_due(self, now: int) -> list[int]: ...
    def running(self) -> list[int]: ...
    def claim(self, name: str, ttl_ms: int) -> bool: ...


class Snapshots(Protocol):
    def snapshot(self, round_id: int, *, now_ms: int) -> dict[str, Any]: ...


class BankReader(Protocol):
    """Reads a file in one of the formats (``engine.adapters.bankformats.read_bank``)."""

    def __call__(self, data: bytes, file: str, fmt: str, header: BankHeader) -> LoadedBank: ...
