"""What the use cases need from the outside world, as ``typing.Protocol`` interfaces.

Adapters in ``engine.adapters`` implement these; services depend only on them, so a
service can be read and tested without knowing about SQL or Redis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from engine.domain.accounts import Account
from engine.domain.ownership import Hosting
from engine.domain.standings import BoardEntry, BoardStanding, Profile, Scope


class UserRepository(Protocol):
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
    def hit(self, name: str, window_s: int) -> int: ...

    def hit_all(self, names: Sequence[str], window_s: int) -> list[int]: ...

    def count(self, name: str) -> int: ...

    def retry_after(self, name: str) -> int: ...

    def reset(self, name: str) -> None: ...

    def hold(self, name: str, seconds: int) -> None:
        """Mark ``name`` for ``seconds`` (its count is then 1)."""


class Clock(Protocol):
    def now_ms(self) -> int: ...


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
    ) -> list[tuple[int, int]]: ...

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


# -- campaigns (engine.services.campaigns) ------------------------------------------------


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
    def rounds_in_stages(self, round_ids: Iterable[int]) -> list[int]: ...
    def replace_units(self, campaign_id: int, units: Sequence[dict[str, Any]]) -> None: ...
    def units(self, campaign_id: int) -> list[dict[str, Any]]: ...
    def replace_members(self, campaign_id: int, members: Sequence[dict[str, Any]]) -> None: ...
    def member(self, campaign_id: int, id_hash: str) -> dict[str, Any] | None: ...

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

    def add_entry(self, **fields: Any) -> None: ...

    def attempts(self, registration_id: int, round_ids: Sequence[int]) -> list[dict[str, Any]]:
        """``registration``, ``practice``, ``started_ms``, ``points``, ``total_ms`` each."""

    def stage_attempts(
        self, campaign_id: int, round_ids: Sequence[int]
    ) -> list[dict[str, Any]]: ...


class CampaignRounds(Protocol):
    """What campaigns need of rounds: whose they are, and a self-paced entry."""

    def competition_id_of(self, round_id: int) -> int:
        """NotFound("There is no round N.") when there is none."""

    def finished(self, round_id: int) -> bool: ...

    def enter(self, round_id: int, nickname: str, now: int, *, identity: str) -> str:
        """Enter a self-paced round; the new contestant's id."""
