"""Question banks and media in memory."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from engine.domain.bankinfo import BankSummary, VersionInfo
from engine.domain.mediainfo import MediaInfo
from engine.domain.questions import BankContent


@dataclass
class _Bank:
    title: dict[str, str]
    default_locale: str
    draft: dict[str, Any]
    versions: list[tuple[VersionInfo, BankContent]] = field(default_factory=list)


class InMemoryBankRepository:
    """Drafts are copied in and out, as SQL's JSON column does."""

    def __init__(self) -> None:
        self._banks: dict[str, _Bank] = {}

    def create(
        self, slug: str, title: dict[str, str], default_locale: str, draft: dict[str, Any]
    ) -> None:
        self._banks[slug] = _Bank(dict(title), default_locale, copy.deepcopy(draft))

    def exists(self, slug: str) -> bool:
        return slug in self._banks

    def summaries(self) -> list[BankSummary]:
        return [self._summary(slug, bank) for slug, bank in sorted(self._banks.items())]

    def summary(self, slug: str) -> BankSummary | None:
        bank = self._banks.get(slug)
        return None if bank is None else self._summary(slug, bank)

    def draft(self, slug: str) -> dict[str, Any] | None:
        bank = self._banks.get(slug)
        return None if bank is None else copy.deepcopy(bank.draft)

    def save_draft(self, slug: str, draft: dict[str, Any]) -> None:
        bank = self._banks[slug]
        bank.draft = copy.deepcopy(draft)
        bank.title, bank.default_locale = dict(draft["title"]), draft["default_locale"]

    def versions(self, slug: str) -> list[VersionInfo]:
        bank = self._banks.get(slug)
        return [] if bank is None else [info for info, _ in bank.versions]

    def version_content(self, slug: str, number: int) -> BankContent | None:
        bank = self._banks.get(slug)
        found = [c for info, c in bank.versions if info.number == number] if bank else []
        return found[0] if found else None

    def publish(
        self,
        slug: str,
        content: BankContent,
        question_hashes: list[str],
        bank_hash: str,
        published_by: str | None,
        draft: dict[str, Any] | None = None,
    ) -> tuple[VersionInfo, bool]:
        if draft is not None:
            bank = self._banks.setdefault(slug, _Bank({}, "", {}))
            bank.draft = copy.deepcopy(draft)
            bank.title, bank.default_locale = dict(draft["title"]), draft["default_locale"]
        bank = self._banks[slug]
        latest = bank.versions[-1][0] if bank.versions else None
        if latest is not None and latest.hash == bank_hash:
            return latest, False
        info = VersionInfo(
            slug=slug,
            number=latest.number + 1 if latest else 1,
            hash=bank_hash,
            question_count=len(content.questions),
            published_by=published_by,
            published_at=datetime.now(UTC).isoformat(),
        )
        bank.versions.append((info, content))
        return info, True

    def _summary(self, slug: str, bank: _Bank) -> BankSummary:
        latest = bank.versions[-1][0] if bank.versions else None
        return BankSummary(
            slug=slug,
            title=dict(bank.title),
            default_locale=bank.default_locale,
            draft_questions=len(bank.draft.get("questions", [])),
            latest_version=latest.number if latest else None,
            latest_hash=latest.hash if latest else None,
            versions=len(bank.versions),
        )


class InMemoryMediaStore:
    def __init__(self) -> None:
        self._files: dict[str, tuple[MediaInfo, bytes]] = {}

    def put(self, info: MediaInfo, data: bytes) -> bool:
        if info.sha256 in self._files:
            return False
        self._files[info.sha256] = (info, data)
        return True

    def get(self, sha256: str) -> tuple[MediaInfo, bytes] | None:
        return self._files.get(sha256)

    def missing(self, hashes: Iterable[str]) -> set[str]:
        return set(hashes) - set(self._files)
