"""Building the adapters and services one app runs on (the composition root).

The module of ``web`` that imports adapters (pyproject.toml's import contracts name the
few file formats read elsewhere): the rest of the web layer reaches the stores only
through the services built here, and through what this module re-exports
(``STORE_UNAVAILABLE``, the errors of the stores it chose).
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app

from engine.adapters.audio import duration_ms
from engine.adapters.bankformats import IMPORT_FORMATS, format_of, read_bank
from engine.adapters.certificates.pdf import render_pdf
from engine.adapters.certificates.png import render_png
from engine.adapters.outages import STORE_UNAVAILABLE as STORE_UNAVAILABLE
from engine.adapters.redis.accounts import RedisAccountCache
from engine.adapters.redis.answer_log import RedisAnswerLog
from engine.adapters.redis.connection import (
    CLUSTER_SCHEME,
    CONNECT_TIMEOUT_S,
    RedisConnection,
    cluster_nodes,
    connect_redis,
)
from engine.adapters.redis.focus import RedisFocusLog
from engine.adapters.redis.leaderboard import RedisLeaderboard
from engine.adapters.redis.live import RedisLiveStore
from engine.adapters.redis.throttle import RedisThrottle
from engine.adapters.roster import load_members, load_roster
from engine.adapters.sql.banks import SqlBankRepository
from engine.adapters.sql.campaigns import SqlCampaignRepository
from engine.adapters.sql.certificates import SqlCertificateStore
from engine.adapters.sql.database import Database, open_database
from engine.adapters.sql.draws import SqlDrawRepository
from engine.adapters.sql.hosts import SqlHostRepository
from engine.adapters.sql.media import SqlMediaStore
from engine.adapters.sql.owed import OwedWrites
from engine.adapters.sql.rounds import SqlRoundRepository
from engine.adapters.sql.users import SqlUserRepository
from engine.adapters.xlsx import workbook
from engine.domain.tables import Table
from engine.ports import Leaderboard
from engine.services.accounts import Accounts
from engine.services.advancement import Advancement
from engine.services.bank_uploads import BankUploads
from engine.services.banks import BankAuthoring
from engine.services.bans import Bans
from engine.services.campaign_certificates import CampaignCertificates
from engine.services.campaign_entries import CampaignEntries, RoundsOfCampaigns
from engine.services.campaigns import Campaigns
from engine.services.certificates import Certificates
from engine.services.competitions import Competitions
from engine.services.drain import Drainer
from engine.services.entrants import EntryGate, EntryLimits
from engine.services.integrity import Integrity
from engine.services.live import LiveRounds
from engine.services.lucky_draws import LuckyDraws
from engine.services.ownership import Ownership
from engine.services.participation import CampaignParticipation
from engine.services.registrations import Registrations
from engine.services.results import Results
from engine.services.review import Reviews
from engine.services.round_clock import RoundClock
from engine.services.selfpaced import SelfPacedRounds
from web.config import Settings
from web.live.queue import RedisQueue
from web.metrics import Metrics
from web.tokens import TokenSigner

#: Contestant tokens kept verified per process (about 300 B each): every contestant of a
#: busy self-paced window, so their requests skip the signature check (web.tokens).
VERIFIED_TOKENS = 100_000


@dataclass
class Wiring:
    settings: Settings
    database: Database
    redis: RedisConnection
    accounts: Accounts
    banks: BankAuthoring
    bank_uploads: BankUploads
    leaderboard: Leaderboard  # the port: web reads boards, never their keys
    competitions: Competitions
    ownership: Ownership
    live: LiveRounds
    selfpaced: SelfPacedRounds
    integrity: Integrity
    bans: Bans
    certificates: Certificates
    draws: LuckyDraws
    campaigns: Campaigns
    registrations: Registrations
    campaign_entries: CampaignEntries
    participation: CampaignParticipation
    advancement: Advancement
    campaign_certificates: CampaignCertificates
    drainer: Drainer
    results: Results
    reviews: Reviews
    round_clock: RoundClock
    #: Tables as an .xlsx workbook's bytes.
    workbook: Callable[[Iterable[Table]], bytes]
    organiser_tokens: TokenSigner
    contestant_tokens: TokenSigner
    metrics: Metrics
    owed_writes: OwedWrites


def wire(
    settings: Settings, *, database: Database | None = None, redis: RedisConnection | None = None
) -> Wiring:
    """Adapters from ``settings``, unless the caller (a test) hands them in."""
    redis = redis or connect_redis(settings.redis_url, settings.instance_path)
    if redis.backend == "cluster" and settings.leaderboard_shards > 1:
        # Refused at start rather than at a round's first answer (docs/redis-keys.md).
        raise ValueError(
            "LEITAI_LEADERBOARD_SHARDS > 1 on a Redis Cluster: an answer's script would touch"
            " the round's slot and its board shard's (docs/redis-keys.md)."
        )
    database = database or open_database(settings.database_url)
    prefix = settings.redis_prefix
    accounts = Accounts(
        users=SqlUserRepository(database),
        throttle=RedisThrottle(redis.client, prefix),
        cache=RedisAccountCache(redis.client, prefix),
        failures_allowed=settings.login_failures_allowed,
        failure_window_s=settings.login_failure_window_s,
    )
    banks = BankAuthoring(
        banks=SqlBankRepository(database),
        media=SqlMediaStore(database),
        audio_duration_ms=duration_ms,
        max_media_bytes=settings.max_media_bytes,
        zh_hant_conversion=settings.zh_hant_conversion,
    )
    leaderboard = RedisLeaderboard(redis.client, prefix, shards=settings.leaderboard_shards)
    store = RedisLiveStore(redis.client, prefix, leaderboard)
    rounds = SqlRoundRepository(database)
    competitions = Competitions(rounds=rounds, live=store, banks=banks)
    owed_writes = OwedWrites()
    gate = EntryGate(
        throttle=RedisThrottle(redis.client, prefix),
        limits=EntryLimits(
            per_client=settings.entry_limit_per_client,
            per_round=settings.entry_limit_per_round,
            window_s=settings.entry_window_s,
        ),
        secret_key=settings.secret_key,
    )
    live = LiveRounds(
        competitions,
        store,
        leaderboard,
        media_url=media_url,
        gate=gate,
        sql_write=owed_writes.write,
    )
    selfpaced = SelfPacedRounds(competitions, store, leaderboard, media_url=media_url, gate=gate)
    campaigns = SqlCampaignRepository(database)
    certificate_store = SqlCertificateStore(database)
    ownership = Ownership(SqlHostRepository(database), accounts.users, competitions, campaigns)
    stage_rounds = RoundsOfCampaigns(competitions, selfpaced)
    campaign = Campaigns(
        campaigns,
        accounts.users,
        stage_rounds,
        ownership.competition,
        gate.keyed_hash,
        load_roster,
        load_members,
    )
    registrations = Registrations(
        campaign, campaigns, gate.keyed_hash, RedisThrottle(redis.client, prefix), gate.limits
    )
    integrity = Integrity(competitions, live, selfpaced, RedisFocusLog(redis.client, prefix))
    answer_log = RedisAnswerLog(redis.client, prefix)
    drainer = Drainer(
        answer_log,
        rounds,
        consumer=_consumer_name(),
        boards=leaderboard,
        competition_of=competitions.competition_id_of,
    )
    certificates = Certificates(
        certificate_store,
        rounds,
        competitions,
        SqlMediaStore(database),
        render_pdf,
        render_png,
    )
    return Wiring(
        settings=settings,
        banks=banks,
        bank_uploads=BankUploads(banks, read_bank, IMPORT_FORMATS, format_of),
        database=database,
        redis=redis,
        accounts=accounts,
        leaderboard=leaderboard,
        competitions=competitions,
        ownership=ownership,
        live=live,
        selfpaced=selfpaced,
        integrity=integrity,
        bans=Bans(competitions, store),
        certificates=certificates,
        draws=LuckyDraws(
            SqlDrawRepository(database),
            competitions,
            secrets.token_bytes,
            certificate_store,
            campaigns,
        ),
        campaigns=campaign,
        registrations=registrations,
        campaign_certificates=CampaignCertificates(
            campaign, registrations, certificate_store, certificates
        ),
        campaign_entries=CampaignEntries(campaign, campaigns, stage_rounds, live),
        participation=CampaignParticipation(campaign, campaigns),
        advancement=Advancement(campaign, campaigns, stage_rounds),
        drainer=drainer,
        results=Results(rounds, competitions, live, leaderboard, integrity.log, drainer.drain_all),
        reviews=Reviews(competitions, live, selfpaced, rounds, campaigns),
        round_clock=RoundClock(live, selfpaced, leaderboard, store),
        workbook=workbook,
        organiser_tokens=TokenSigner(settings.secret_key, "organiser", settings.token_ttl_s),
        contestant_tokens=TokenSigner(
            settings.secret_key, "contestant", 7 * 24 * 3600, remember=VERIFIED_TOKENS
        ),
        metrics=Metrics(),
        owed_writes=owed_writes,
    )


def message_queue(settings: Settings) -> RedisQueue | None:
    """Socket.IO's queue between processes, on a Redis server (none for an embedded one),
    connecting as fast as the stores' own clients give up."""
    url = settings.message_queue
    if url is None:
        return None
    if url.startswith(CLUSTER_SCHEME):
        # python-socketio's Redis manager speaks to one server: a cluster's first node. A
        # message published on any node of a cluster reaches subscribers on every node.
        host, port = cluster_nodes(url)[0]
        url = f"redis://{host}:{port}/0"
    return RedisQueue(url, f"{settings.redis_prefix}:socketio", CONNECT_TIMEOUT_S)


def media_url(digest: str) -> str:
    return f"/media/{digest}"


def _consumer_name() -> str:
    """One answer-log consumer per process; a dead one's entries are claimed by others."""
    return f"{socket.gethostname()}-{os.getpid()}"


def wiring() -> Wiring:
    """The current app's wiring."""
    return current_app.extensions["leitai"]
