"""Authoring question banks: drafts, publishing immutable versions, media, import/export."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from hashlib import sha256
from typing import Any, Literal

from engine.domain.bankinfo import BankSummary, VersionInfo
from engine.domain.banks import Problem, validate_header
from engine.domain.canonical import FORMAT, bank_from_dict, bank_hash, bank_to_dict, question_hash
from engine.domain.diff import BankDiff, diff_banks
from engine.domain.hant import DEFAULT_CONVERSION
from engine.domain.lint import Finding, LintConfig, lint_bank
from engine.domain.mediainfo import MediaInfo, sniff_mime
from engine.domain.questions import BankContent, Media
from engine.ports import BankRepository, MediaStore
from engine.services.errors import Conflict, Invalid, NotFound

ImportStatus = Literal["created", "new version", "unchanged"]


@dataclass(frozen=True)
class ImportResult:
    status: ImportStatus
    version: VersionInfo


def problem_fields(problems: list[Problem]) -> dict[str, list[str]]:
    """Problems keyed by where they are, e.g. ``questions[3].choices[1].text``."""
    fields: dict[str, list[str]] = {}
    for problem in problems:
        fields.setdefault(problem.where or "_", []).append(problem.message)
    return fields


@dataclass
class BankAuthoring:
    banks: BankRepository
    media: MediaStore
    audio_duration_ms: Callable[[bytes], int | None]
    max_media_bytes: int = 8 * 1024 * 1024
    zh_hant_conversion: str = DEFAULT_CONVERSION

    def list(self) -> list[BankSummary]:
        return self.banks.summaries()

    def summary(self, slug: str) -> BankSummary:
        found = self.banks.summary(slug)
        if found is None:
            raise NotFound(f"There is no bank {slug!r}.")
        return found

    def create(self, slug: str, title: Mapping[str, str], default_locale: str) -> BankSummary:
        problems = validate_header(slug, title, default_locale)
        if problems:
            raise Invalid("The bank is not valid.", problem_fields(problems))
        if self.banks.exists(slug):
            raise Conflict(f"A bank {slug!r} already exists.")
        draft = {
            "format": FORMAT,
            "slug": slug,
            "title": dict(title),
            "default_locale": default_locale,
            "questions": [],
        }
        self.banks.create(slug, dict(title), default_locale, draft)
        return self.summary(slug)

    def draft(self, slug: str) -> dict[str, Any]:
        draft = self.banks.draft(slug)
        if draft is None:
            raise NotFound(f"There is no bank {slug!r}.")
        return draft

    def replace_draft(self, slug: str, data: Mapping[str, Any]) -> BankSummary:
        """Replace the working copy with ``data``, if it is a valid bank; else change nothing."""
        self.summary(slug)
        content = self._valid_content({**data, "format": data.get("format", FORMAT)})
        if content.slug != slug:
            raise Invalid("The draft names another bank.", {"slug": [f"must be {slug!r}"]})
        self.banks.save_draft(slug, bank_to_dict(content))
        return self.summary(slug)

    def lint(self, slug: str, config: LintConfig | None = None) -> builtins.list[Finding]:
        """What an examiner would query in the draft (it is valid: every save checks)."""
        content, _ = bank_from_dict(self.draft(slug))
        assert content is not None, "a saved draft is always a bank"
        return lint_bank(content, config, self.zh_hant_conversion)

    def publish(self, slug: str, published_by: str | None) -> tuple[VersionInfo, bool]:
        """Publish the draft; identical content to the latest version creates nothing."""
        content = self._valid_content(self.draft(slug))
        if not content.questions:
            raise Invalid("A bank version needs at least one question.", {"questions": ["empty"]})
        hashes = [question_hash(question) for question in content.questions]
        return self.banks.publish(slug, content, hashes, bank_hash(content), published_by)

    def versions(self, slug: str) -> builtins.list[VersionInfo]:
        self.summary(slug)
        return self.banks.versions(slug)

    def version(self, slug: str, number: int | None = None) -> tuple[VersionInfo, BankContent]:
        """A published version (the latest when ``number`` is None) and its content."""
        versions = self.versions(slug)
        chosen = [v for v in versions if number is None or v.number == number]
        if not chosen:
            raise NotFound(f"Bank {slug!r} has no version {number or '(none published)'}.")
        info = chosen[-1]
        content = self.banks.version_content(slug, info.number)
        assert content is not None
        return info, content

    def diff(self, slug: str, old: int, new: int) -> BankDiff:
        return diff_banks(self.version(slug, old)[1], self.version(slug, new)[1])

    def store_media(self, data: bytes) -> MediaInfo:
        """Store an audio clip or picture under the SHA-256 of its bytes."""
        info = self.media_info(data)
        self.media.put(info, data)
        return info

    def media_info(self, data: bytes) -> MediaInfo:
        """What a media file is, or Invalid saying why it cannot be stored."""
        if not data:
            raise Invalid("The media file is empty.", {"file": ["empty"]})
        if len(data) > self.max_media_bytes:
            raise Invalid(
                "The media file is too large.", {"file": [f"over {self.max_media_bytes} bytes"]}
            )
        mime = sniff_mime(data)
        if mime is None:
            raise Invalid(
                "Unsupported media: send WAV, Ogg or MP3 audio, or a PNG, JPEG or WebP image.",
                {"file": ["unsupported type"]},
            )
        duration = self.audio_duration_ms(data) if mime.startswith("audio/") else None
        if mime.startswith("audio/") and duration is None:
            raise Invalid("The audio file cannot be read.", {"file": ["unreadable audio"]})
        return MediaInfo(sha256(data).hexdigest(), mime, len(data), duration)

    def media_file(self, digest: str) -> tuple[MediaInfo, bytes]:
        found = self.media.get(digest)
        if found is None:
            raise NotFound("There is no such media file.")
        return found

    def import_bank(
        self, content: BankContent, media_files: Mapping[str, bytes], published_by: str | None
    ) -> ImportResult:
        """Store a bank read from a file: its media, its draft, and a version if it changed.

        All or nothing: the bank, its draft and the version are written in one
        transaction (media are content-addressed, so storing them first is harmless).
        """
        content = self._valid_content(bank_to_dict(self.with_stored_media(content, media_files)))
        if not content.questions:
            raise Invalid("A bank version needs at least one question.", {"questions": ["empty"]})
        created = not self.banks.exists(content.slug)
        hashes = [question_hash(question) for question in content.questions]
        version, new = self.banks.publish(
            content.slug,
            content,
            hashes,
            bank_hash(content),
            published_by,
            draft=bank_to_dict(content),
        )
        status: ImportStatus = "created" if created else "new version" if new else "unchanged"
        return ImportResult(status, version)

    def with_stored_media(
        self, content: BankContent, media_files: Mapping[str, bytes]
    ) -> BankContent:
        checked = self.check_media(content, media_files)
        questions = []
        for question in content.questions:
            if question.media is not None:
                info = checked[question.media.path]
                self.media.put(info, media_files[question.media.path])
                question = replace(question, media=replace(question.media, sha256=info.sha256))
            questions.append(question)
        return replace(content, questions=tuple(questions))

    def check_media(
        self, content: BankContent, media_files: Mapping[str, bytes]
    ) -> dict[str, MediaInfo]:
        """Each media file by path, stored nowhere; Invalid if one does not fit its question.

        Lets an import of several banks refuse a bad file before it stores any bank.
        """
        checked: dict[str, MediaInfo] = {}
        for question in content.questions:
            if question.media is None:
                continue
            path = question.media.path
            try:
                info = checked.get(path) or self.media_info(media_files[path])
            except Invalid as error:
                raise Invalid(f"{question.key}: {path}: {error.message}", error.fields) from error
            if info.kind != question.media.kind:
                raise Invalid(
                    f"{question.key}: {path} is {info.kind}, not {question.media.kind}.",
                    {"media": ["kind does not match the file"]},
                )
            checked[path] = info
        return checked

    def export(
        self, slug: str, number: int | None = None
    ) -> tuple[VersionInfo, BankContent, dict[str, bytes]]:
        """A version with its media files, keyed by their paths in the bank folder."""
        info, content = self.version(slug, number)
        files = {}
        for question in content.questions:
            media: Media | None = question.media
            if media is not None and media.sha256:
                files[media.path] = self.media_file(media.sha256)[1]
        return info, content, files

    def _valid_content(self, data: Mapping[str, Any]) -> BankContent:
        content, problems = bank_from_dict(dict(data))
        if content is not None:
            digests = {q.media.sha256 for q in content.questions if q.media and q.media.sha256}
            unknown = self.media.missing(digests)
            problems = problems + [
                Problem(("questions", i, "media", "sha256"), "unknown media; upload it first")
                for i, q in enumerate(content.questions)
                if q.media and (q.media.sha256 is None or q.media.sha256 in unknown)
            ]
        if problems or content is None:
            raise Invalid("The bank is not valid.", problem_fields(problems))
        return content
