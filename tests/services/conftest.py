"""Services wired on the in-memory fakes (tests/fakes): no Redis, no SQL."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import pytest

from engine.services import passwords
from engine.services.accounts import Accounts
from engine.services.banks import BankAuthoring
from engine.services.certificates import Certificates
from engine.services.competitions import Competitions
from engine.services.entrants import EntryGate, EntryLimits
from engine.services.integrity import Integrity
from engine.services.live import LiveRounds
from engine.services.lucky_draws import LuckyDraws
from engine.services.ownership import Ownership
from engine.services.selfpaced import SelfPacedRounds
from tests.fakes.accounts import InMemoryAccountCache, InMemoryThrottle, InMemoryUserRepository
from tests.fakes.banks import InMemoryBankRepository, InMemoryMediaStore
from tests.fakes.certificates import InMemoryCertificateStore
from tests.fakes.clock import FakeClock
from tests.fakes.focus import InMemoryFocusLog
from tests.fakes.leaderboard import InMemoryLeaderboard
from tests.fakes.live import InMemoryLiveStore
from tests.fakes.rounds import (
    InMemoryDrawRepository,
    InMemoryHostRepository,
    InMemoryRoundRepository,
)

KEYS = ["nd-0001", "nd-0002", "nd-0003"]


@dataclass
class Fakes:
    clock: FakeClock
    users: InMemoryUserRepository
    throttle: InMemoryThrottle
    rounds: InMemoryRoundRepository
    leaderboard: InMemoryLeaderboard
    store: InMemoryLiveStore
    accounts: Accounts
    banks: BankAuthoring
    competitions: Competitions
    ownership: Ownership
    draws: LuckyDraws
    selfpaced: SelfPacedRounds
    live: LiveRounds
    integrity: Integrity
    certificates: Certificates


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash at a test's cost: scrypt's work factor (engine/services/passwords.py) makes a
    hash take a fifth of a second, on purpose (tests/unit/test_passwords.py); a hash
    names its own factor, so one made cheap here is checked as cheaply."""
    monkeypatch.setattr(passwords, "N", 2**4)


@pytest.fixture
def fakes() -> Fakes:
    clock = FakeClock()
    users, throttle = InMemoryUserRepository(), InMemoryThrottle(clock)
    accounts = Accounts(users, throttle, InMemoryAccountCache(clock))
    media = InMemoryMediaStore()
    banks = BankAuthoring(
        banks=InMemoryBankRepository(), media=media, audio_duration_ms=lambda data: None
    )
    rounds, leaderboard = InMemoryRoundRepository(), InMemoryLeaderboard()
    store = InMemoryLiveStore(leaderboard)
    competitions = Competitions(rounds, store, banks)
    gate = EntryGate(throttle, EntryLimits(), secret_key="test")

    def media_url(digest: str) -> str:
        return f"/media/{digest}"

    selfpaced = SelfPacedRounds(competitions, store, leaderboard, media_url=media_url, gate=gate)
    live = LiveRounds(competitions, store, leaderboard, media_url=media_url, gate=gate)
    return Fakes(
        clock=clock,
        users=users,
        throttle=throttle,
        rounds=rounds,
        leaderboard=leaderboard,
        store=store,
        accounts=accounts,
        banks=banks,
        competitions=competitions,
        ownership=Ownership(InMemoryHostRepository(rounds), users, competitions),
        draws=LuckyDraws(InMemoryDrawRepository(), competitions, lambda n: bytes(range(n))),
        selfpaced=selfpaced,
        live=live,
        integrity=Integrity(competitions, live, selfpaced, InMemoryFocusLog()),
        certificates=Certificates(
            InMemoryCertificateStore(),
            rounds,
            competitions,
            media,
            render_pdf=lambda sheet, seal: b"%PDF",
            render_png=lambda sheet, seal: b"PNG",
            rng=random.Random(7),
        ),
    )


def question(key: str) -> dict[str, Any]:
    return {
        "key": key,
        "type": "single",
        "prompt": {"zh-Hans": f"问题 {key}"},
        "choices": [
            {"key": "a", "text": {"zh-Hans": "甲"}},
            {"key": "b", "text": {"zh-Hans": "乙"}},
        ],
        "answer": ["a"],
        "difficulty": 2,
        "source": "Law of the PRC on National Defence",
    }


def new_round(fakes: Fakes, bank: str, mode: str, **given: Any) -> dict[str, Any]:
    """A round of a new competition on ``bank``, its paper KEYS in order: ``rules`` on top
    of the mode's and the draw, the rest (``window``, ``focus``) as ``open_round`` takes."""
    rules = {"mode": mode, "draw": {"kind": "fixed", "keys": KEYS, "shuffle_options": False}}
    competition = fakes.competitions.create(
        title="t",
        bank_slug=bank,
        bank_version=1,
        rules=rules | given.pop("rules", {}),
        created_by=None,
    )
    return fakes.competitions.open_round(competition["id"], **given)


def ranked_round(fakes: Fakes, bank: str) -> int:
    """A live round of three contestants with its record and standings stored (its status
    left to the test): contestants 1 and 2 tie first, 3 is last."""
    round_id = new_round(fakes, bank, "live")["id"]
    fakes.rounds.record(
        [{"round_id": round_id, "contestant": c, "nickname": f"N{c}"} for c in ("1", "2", "3")],
        [
            {
                "round_id": round_id,
                "contestant": c,
                "question_index": 0,
                "question_key": KEYS[0],
                "correct": c != "3",
                "points": 100 if c != "3" else 0,
                "answered_at_ms": 1,
            }
            for c in ("1", "2", "3")
        ],
    )
    row = {"total_ms": 0, "region": None, "team": None, "banned": False}
    fakes.rounds.save_standings(
        round_id,
        [
            {"contestant": "1", "rank": 1, "points": 100, "nickname": "N1", **row},
            {"contestant": "2", "rank": 1, "points": 100, "nickname": "N2", **row},
            {"contestant": "3", "rank": 3, "points": 0, "nickname": "N3", **row},
        ],
    )
    return round_id


@pytest.fixture
def bank(fakes: Fakes) -> str:
    """A published bank of three questions; its slug."""
    fakes.banks.create("nd", {"zh-Hans": "国防"}, "zh-Hans")
    fakes.banks.replace_draft(
        "nd",
        {
            "format": "leitai-bank/1",
            "slug": "nd",
            "title": {"zh-Hans": "国防"},
            "default_locale": "zh-Hans",
            "questions": [question(key) for key in KEYS],
        },
    )
    fakes.banks.publish("nd", "ada")
    return "nd"
