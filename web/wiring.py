"""Building the adapters and services one app runs on (the composition root)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from engine.adapters.audio import duration_ms
from engine.adapters.redis.connection import RedisConnection, connect_redis
from engine.adapters.redis.throttle import RedisThrottle
from engine.adapters.sql.banks import SqlBankRepository
from engine.adapters.sql.database import Database, open_database
from engine.adapters.sql.media import SqlMediaStore
from engine.adapters.sql.users import SqlUserRepository
from engine.services.accounts import Accounts
from engine.services.banks import BankAuthoring
from web.config import Settings
from web.metrics import Metrics
from web.tokens import TokenSigner


@dataclass
class Wiring:
    settings: Settings
    database: Database
    redis: RedisConnection
    accounts: Accounts
    banks: BankAuthoring
    organiser_tokens: TokenSigner
    metrics: Metrics


def wire(
    settings: Settings, *, database: Database | None = None, redis: RedisConnection | None = None
) -> Wiring:
    """Adapters from ``settings``, unless the caller (a test) hands them in."""
    database = database or open_database(settings.database_url)
    redis = redis or connect_redis(settings.redis_url, settings.instance_path)
    prefix = settings.redis_prefix
    accounts = Accounts(
        users=SqlUserRepository(database),
        throttle=RedisThrottle(redis.client, prefix),
        failures_allowed=settings.login_failures_allowed,
        failure_window_s=settings.login_failure_window_s,
    )
    banks = BankAuthoring(
        banks=SqlBankRepository(database),
        media=SqlMediaStore(database),
        audio_duration_ms=duration_ms,
        max_media_bytes=settings.max_media_bytes,
    )
    return Wiring(
        settings=settings,
        banks=banks,
        database=database,
        redis=redis,
        accounts=accounts,
        organiser_tokens=TokenSigner(settings.secret_key, "organiser", settings.token_ttl_s),
        metrics=Metrics(),
    )


def wiring() -> Wiring:
    """The current app's wiring."""
    return current_app.extensions["leitai"]
