"""Configuration from the environment and the instance folder's secret key."""

from __future__ import annotations

import stat

import pytest

from engine.adapters.redis.connection import cluster_nodes
from web.config import normalise_database_url, settings_from_environ
from web.wiring import message_queue


def test_embedded_defaults_live_in_the_instance_folder(tmp_path):
    settings = settings_from_environ({"LEITAI_INSTANCE": str(tmp_path / "inst")})
    assert settings.database_url == f"sqlite:///{tmp_path / 'inst' / 'leitai.db'}"
    assert settings.embedded_database
    assert settings.redis_url is None
    assert settings.message_queue is None


def test_secret_key_is_generated_once_with_mode_0600(tmp_path):
    first = settings_from_environ({"LEITAI_INSTANCE": str(tmp_path)})
    second = settings_from_environ({"LEITAI_INSTANCE": str(tmp_path)})
    assert first.secret_key == second.secret_key
    assert len(first.secret_key) >= 40
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_the_instance_folder_is_made_private_new_or_existing(tmp_path):
    made, existing = tmp_path / "new" / "instance", tmp_path / "existing"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    for folder in (made, existing):
        settings_from_environ({"LEITAI_INSTANCE": str(folder)})
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_service_urls_and_secret_come_from_the_environment(tmp_path):
    settings = settings_from_environ(
        {
            "LEITAI_INSTANCE": str(tmp_path),
            "LEITAI_DATABASE_URL": "postgresql://u@db:5432/leitai",
            "LEITAI_REDIS_URL": "redis://cache:6379/0",
            "LEITAI_SECRET_KEY": "s3cret",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@db:5432/leitai"
    assert not settings.embedded_database
    assert settings.message_queue == "redis://cache:6379/0"
    assert settings.secret_key == "s3cret"
    assert not (tmp_path / "secret_key").exists()


def test_unix_socket_redis_is_not_a_message_queue(tmp_path):
    settings = settings_from_environ(
        {"LEITAI_INSTANCE": str(tmp_path), "LEITAI_REDIS_URL": "unix:///tmp/redis.sock"}
    )
    assert settings.message_queue is None


def test_only_plain_postgres_urls_are_rewritten():
    assert normalise_database_url("postgres://h/d") == "postgresql+psycopg://h/d"
    assert normalise_database_url("postgresql+psycopg://h/d") == "postgresql+psycopg://h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_entry_throttles_are_on_by_default(tmp_path) -> None:
    from engine.services.entrants import EntryLimits

    settings = settings_from_environ({"LEITAI_INSTANCE": str(tmp_path)})
    limits = EntryLimits()
    assert (settings.entry_limit_per_client, settings.entry_limit_per_round) == (
        limits.per_client,
        limits.per_round,
    )
    assert limits.per_client == 30
    assert limits.per_round > 0
    off = settings_from_environ(
        {"LEITAI_INSTANCE": str(tmp_path), "LEITAI_ENTRY_LIMIT_PER_CLIENT": "0"}
    )
    assert off.entry_limit_per_client == 0


def test_zh_hant_conversion_is_s2hk_unless_configured_and_refuses_unknown_ones(tmp_path):
    base = {"LEITAI_INSTANCE": str(tmp_path)}
    assert settings_from_environ(base).zh_hant_conversion == "s2hk"
    taiwan = settings_from_environ({**base, "LEITAI_ZH_HANT_CONVERSION": "s2twp"})
    assert taiwan.zh_hant_conversion == "s2twp"
    with pytest.raises(ValueError, match="must be one of s2hk, s2twp, s2t"):
        settings_from_environ({**base, "LEITAI_ZH_HANT_CONVERSION": "t2s"})


def test_the_instance_folder_is_made_private_even_when_it_exists(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    settings_from_environ({"LEITAI_INSTANCE": str(instance)})
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700


def test_a_cluster_url_names_its_nodes_and_queues_on_its_first(tmp_path):
    url = "redis+cluster://10.0.0.1:7000, 10.0.0.2:7001"
    settings = settings_from_environ({"LEITAI_INSTANCE": str(tmp_path), "LEITAI_REDIS_URL": url})
    assert cluster_nodes(url) == [("10.0.0.1", 7000), ("10.0.0.2", 7001)]
    queue = message_queue(settings)
    assert queue is not None
    assert queue.redis_url == "redis://10.0.0.1:7000/0"
    with pytest.raises(ValueError, match="host:port"):
        cluster_nodes("redis+cluster://10.0.0.1")
