"""What a listing of banks and versions says about each, without their questions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BankSummary:
    slug: str
    title: dict[str, str]
    default_locale: str
    draft_questions: int
    latest_version: int | None
    latest_hash: str | None
    versions: int


@dataclass(frozen=True)
class VersionInfo:
    slug: str
    number: int
    hash: str
    question_count: int
    published_by: str | None
    published_at: str | None  # ISO 8601, from the database clock
