"""The bank store's contract, through the authoring service, on every SQL backend and
the in-memory fakes.

Published content is immutable twice over: the service only ever adds versions, and the
database refuses UPDATE and DELETE on every table that holds published content.
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import itertools
import struct
import wave
import zlib
from hashlib import sha256
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engine.adapters.audio import duration_ms
from engine.adapters.bankfile import dump_bank, parse_bank_text
from engine.adapters.sql.banks import SqlBankRepository
from engine.adapters.sql.database import Database
from engine.adapters.sql.media import SqlMediaStore
from engine.domain.canonical import bank_from_dict, bank_hash
from engine.domain.diff import BankDiff, QuestionChange
from engine.domain.mediainfo import MediaInfo
from engine.domain.questions import BankContent, MediaKind
from engine.services.banks import BankAuthoring
from engine.services.errors import Conflict, Invalid, NotFound
from tests.fakes.banks import InMemoryBankRepository, InMemoryMediaStore
from tests.unit.strategies import banks

TITLE = {"zh-Hans": "国防知识", "en": "National defence literacy"}


# -- helpers other bank tests reuse ---------------------------------------------------


def wav_bytes(milliseconds: int = 500, level: int = 128) -> bytes:
    """A silent-ish mono 8 kHz WAV clip of exactly ``milliseconds``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(1)
        clip.setframerate(8000)
        clip.writeframes(bytes([level]) * (8 * milliseconds))
    return buffer.getvalue()


def png_bytes(grey: int = 0) -> bytes:
    """A valid 1x1 greyscale PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(bytes([0, grey]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def question(key: str, **fields: Any) -> dict[str, Any]:
    """A valid single-choice question in bank-file shape, with ``fields`` replaced."""
    return {
        "key": key,
        "type": "single",
        "prompt": {"zh-Hans": f"问题 {key}", "en": f"Question {key}"},
        "choices": [
            {"key": "a", "text": {"zh-Hans": "甲", "en": "A"}},
            {"key": "b", "text": {"zh-Hans": "乙", "en": "B"}},
        ],
        "answer": ["a"],
        "difficulty": 2,
        "tags": ["history"],
        "source": "Law of the PRC on National Defence, art. 1",
        **fields,
    }


def bank_document(slug: str, *questions: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "leitai-bank/1",
        "slug": slug,
        "title": TITLE,
        "default_locale": "zh-Hans",
        "questions": list(questions),
    }


# -- fixtures ----------------------------------------------------------------------------


@pytest.fixture(params=["sql", "memory"])
def authoring(request: pytest.FixtureRequest, database: Database) -> BankAuthoring:
    """Bank authoring on the SQL stores (every configured backend) or the fakes."""
    if request.param == "memory":
        if "database" in inspect.signature(request.function).parameters:
            pytest.skip("counts what SQL stored")
        banks, media = InMemoryBankRepository(), InMemoryMediaStore()
        return BankAuthoring(banks=banks, media=media, audio_duration_ms=duration_ms)
    return BankAuthoring(
        banks=SqlBankRepository(database),
        media=SqlMediaStore(database),
        audio_duration_ms=duration_ms,
    )


def count(database: Database, table: str) -> int:
    return database.bind.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608


def rows(database: Database, table: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in database.bind.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))]  # noqa: S608


def published(authoring: BankAuthoring, slug: str, *questions: dict[str, Any]):  # type: ignore[no-untyped-def]
    authoring.replace_draft(slug, bank_document(slug, *questions))
    return authoring.publish(slug, "ada")


# -- drafts ------------------------------------------------------------------------------


def test_a_new_bank_has_an_empty_draft_and_no_versions(authoring):
    summary = authoring.create("national-defence", TITLE, "zh-Hans")
    assert summary.slug == "national-defence"
    assert summary.title == TITLE
    assert (summary.draft_questions, summary.latest_version, summary.versions) == (0, None, 0)
    assert authoring.draft("national-defence") == bank_document("national-defence")
    assert authoring.versions("national-defence") == []
    assert [s.slug for s in authoring.list()] == ["national-defence"]


def test_create_refuses_a_bad_header_and_a_taken_slug(authoring):
    with pytest.raises(Invalid) as bad:
        authoring.create("-Bad", {"en": "x"}, "tlh")
    assert set(bad.value.fields) == {"slug", "default_locale"}
    authoring.create("taken", TITLE, "zh-Hans")
    with pytest.raises(Conflict):
        authoring.create("taken", {"en": "again"}, "en")
    assert authoring.summary("taken").title == TITLE


def test_unknown_banks_are_not_found(authoring):
    for call in (
        lambda: authoring.summary("nope"),
        lambda: authoring.draft("nope"),
        lambda: authoring.versions("nope"),
        lambda: authoring.publish("nope", None),
        lambda: authoring.replace_draft("nope", bank_document("nope", question("q1"))),
    ):
        with pytest.raises(NotFound):
            call()


def test_an_invalid_draft_names_question_and_field_and_changes_nothing(authoring):
    authoring.create("nd", TITLE, "zh-Hans")
    good = bank_document("nd", question("q1"), question("q2"))
    authoring.replace_draft("nd", good)
    before = authoring.draft("nd")
    bad = bank_document(
        "nd",
        question("q1", choices=[{"key": "a", "text": {"zh-Hans": "甲"}}]),
        question("q2", difficulty=6, answer=["z"]),
        question("q2", prompt={"en": "no default locale"}),
    )
    with pytest.raises(Invalid) as error:
        authoring.replace_draft("nd", bad)
    assert set(error.value.fields) == {
        "questions[0].choices",
        "questions[1].answer[0]",
        "questions[1].difficulty",
        "questions[2].key",
        "questions[2].prompt",
    }
    assert error.value.fields["questions[0].choices"] == ["needs at least 2 choices"]
    assert authoring.draft("nd") == before
    assert authoring.summary("nd").draft_questions == 2


def test_a_draft_must_name_its_own_bank(authoring):
    authoring.create("nd", TITLE, "zh-Hans")
    with pytest.raises(Invalid) as error:
        authoring.replace_draft("nd", bank_document("other", question("q1")))
    assert error.value.fields == {"slug": ["must be 'nd'"]}
    assert authoring.draft("nd")["questions"] == []


def test_a_draft_may_only_use_uploaded_media(authoring):
    authoring.create("nd", TITLE, "zh-Hans")
    clip = {"kind": "audio", "path": "media/a.wav", "alt": {"zh-Hans": "片段"}}
    never_uploaded = {**clip, "sha256": sha256(b"never uploaded").hexdigest()}
    with pytest.raises(Invalid) as error:
        authoring.replace_draft(
            "nd",
            bank_document("nd", question("q1", media=clip), question("q2", media=never_uploaded)),
        )
    assert error.value.fields == {
        "questions[0].media.sha256": ["unknown media; upload it first"],
        "questions[1].media.sha256": ["unknown media; upload it first"],
    }
    info = authoring.store_media(wav_bytes())
    authoring.replace_draft(
        "nd", bank_document("nd", question("q1", media={**clip, "sha256": info.sha256}))
    )
    assert authoring.draft("nd")["questions"][0]["media"]["sha256"] == info.sha256


# -- publishing --------------------------------------------------------------------------


def test_publish_makes_version_1_and_publishing_again_makes_nothing(authoring, database):
    authoring.create("nd", TITLE, "zh-Hans")
    with pytest.raises(Invalid) as empty:
        authoring.publish("nd", "ada")
    assert empty.value.fields == {"questions": ["empty"]}
    first, created = published(authoring, "nd", question("q1"), question("q2"))
    content, _ = bank_from_dict(authoring.draft("nd"))
    assert created is True
    assert (first.number, first.hash, first.question_count) == (1, bank_hash(content), 2)
    assert first.published_by == "ada"
    assert first.published_at is not None
    again, created_again = authoring.publish("nd", "bob")
    assert created_again is False
    assert again.number == 1
    assert again.hash == first.hash
    assert authoring.versions("nd") == [first]
    assert count(database, "bank_versions") == 1
    summary = authoring.summary("nd")
    assert (summary.latest_version, summary.latest_hash, summary.versions) == (1, first.hash, 1)


def test_changing_one_question_stores_one_new_question_version(authoring, database):
    authoring.create("nd", TITLE, "zh-Hans")
    keys = [f"q{i}" for i in range(10)]
    published(authoring, "nd", *(question(k) for k in keys))
    assert count(database, "question_versions") == 10
    memberships = count(database, "bank_version_questions")
    changed = [question(k, difficulty=5) if k == "q3" else question(k) for k in keys]
    second, created = published(authoring, "nd", *changed)
    assert (second.number, created) == (2, True)
    assert count(database, "question_versions") == 11
    assert count(database, "questions") == 10  # identities are stable across versions
    assert count(database, "bank_version_questions") == memberships + 10
    assert authoring.version("nd", 2)[1].question("q3").difficulty == 5
    assert authoring.version("nd", 1)[1].question("q3").difficulty == 2


def test_rollback_publishes_the_old_content_as_a_new_version_with_the_old_hash(authoring, database):
    authoring.create("nd", TITLE, "zh-Hans")
    v1, _ = published(authoring, "nd", question("q1"), question("q2"))
    v2, _ = published(authoring, "nd", question("q1", answer=["b"]), question("q3"))
    stored = count(database, "question_versions")
    v3, created = published(authoring, "nd", question("q1"), question("q2"))
    assert created is True
    assert [v.number for v in authoring.versions("nd")] == [1, 2, 3]
    assert v3.hash == v1.hash != v2.hash
    assert count(database, "question_versions") == stored  # the old contents are reused
    assert authoring.version("nd")[0] == v3


def test_a_version_reads_back_to_its_hash_and_the_draft_cannot_change_it(authoring):
    authoring.create("nd", TITLE, "zh-Hans")
    multiple = question(
        "q2",
        type="multiple",
        choices=[
            {"key": "c", "text": {"zh-Hans": "丙"}},
            {"key": "a", "text": {"zh-Hans": "甲"}},
            {"key": "b", "text": {"zh-Hans": "乙"}},
        ],
        answer=["b", "a"],
        explanation={"zh-Hans": "  因为  "},
        time_limit_s=30,
    )
    v1, _ = published(authoring, "nd", question("q1"), multiple)
    info, content = authoring.version("nd", 1)
    assert info == v1
    assert bank_hash(content) == v1.hash
    assert [q.key for q in content.questions] == ["q1", "q2"]
    authoring.replace_draft("nd", bank_document("nd", question("q1", source="elsewhere")))
    assert bank_hash(authoring.version("nd", 1)[1]) == v1.hash
    assert authoring.version("nd", 1)[1].question("q1").source == question("q1")["source"]


def test_unknown_versions_are_not_found(authoring):
    authoring.create("nd", TITLE, "zh-Hans")
    with pytest.raises(NotFound):
        authoring.version("nd")
    published(authoring, "nd", question("q1"))
    with pytest.raises(NotFound):
        authoring.version("nd", 2)
    with pytest.raises(NotFound):
        authoring.diff("nd", 1, 2)


def test_diff_names_added_removed_and_changed_questions_and_fields(authoring):
    authoring.create("nd", TITLE, "zh-Hans")
    published(authoring, "nd", question("q1"), question("q2"), question("q3"))
    published(
        authoring,
        "nd",
        question("q1", prompt={"zh-Hans": "新问题"}, answer=["b"]),
        question("q3"),
        question("q4"),
    )
    assert authoring.diff("nd", 1, 2) == BankDiff(
        added=("q4",),
        removed=("q2",),
        changed=(QuestionChange("q1", ("prompt", "answer")),),
    )
    assert authoring.diff("nd", 2, 1) == BankDiff(
        added=("q2",),
        removed=("q4",),
        changed=(QuestionChange("q1", ("prompt", "answer")),),
    )
    assert authoring.diff("nd", 2, 2).empty


# -- import and export -------------------------------------------------------------------


def test_import_creates_then_is_unchanged_then_makes_a_new_version(authoring):
    content, problems = bank_from_dict(bank_document("nd", question("q1")))
    assert problems == []
    first = authoring.import_bank(content, {}, "cli")
    again = authoring.import_bank(content, {}, "cli")
    changed, _ = bank_from_dict(bank_document("nd", question("q1"), question("q2")))
    third = authoring.import_bank(changed, {}, "cli")
    assert [r.status for r in (first, again, third)] == ["created", "unchanged", "new version"]
    assert [r.version.number for r in (first, again, third)] == [1, 1, 2]
    assert authoring.draft("nd")["questions"] == [question("q1"), question("q2")]


def test_export_then_import_round_trips_to_the_same_hash(authoring):
    clip, picture = wav_bytes(), png_bytes()
    audio = {"kind": "audio", "path": "media/clip.wav", "alt": {"zh-Hans": "片段"}}
    image = {"kind": "image", "path": "media/flag.png", "alt": {"zh-Hans": "图"}}
    content, _ = bank_from_dict(
        bank_document("nd", question("q1", media=audio), question("q2", media=image))
    )
    media = {"media/clip.wav": clip, "media/flag.png": picture}
    imported = authoring.import_bank(content, media, "cli")
    info, exported, files = authoring.export("nd")
    assert info == imported.version
    assert files == media
    assert exported.question("q1").media.sha256 == sha256(clip).hexdigest()
    reread = parse_bank_text(dump_bank(exported))
    assert reread.problems == ()
    again = authoring.import_bank(reread.content, files, "cli")
    assert again.status == "unchanged"
    assert again.version == info
    assert bank_hash(reread.content) == info.hash


def test_import_refuses_media_of_the_wrong_kind(authoring):
    picture = {"kind": "audio", "path": "media/flag.png", "alt": {"zh-Hans": "图"}}
    content, _ = bank_from_dict(bank_document("nd", question("q1", media=picture)))
    with pytest.raises(Invalid, match="is image, not audio"):
        authoring.import_bank(content, {"media/flag.png": png_bytes()}, "cli")
    assert not authoring.banks.exists("nd")


_slugs = itertools.count()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=banks().filter(lambda b: b.questions))
def test_any_valid_bank_imports_and_reads_back_to_its_hash(authoring, content):
    # One database serves every example, so each example gets a bank of its own.
    content = dataclasses.replace(content, slug=f"prop-{next(_slugs)}")
    made = {MediaKind.AUDIO: wav_bytes(), MediaKind.IMAGE: png_bytes()}
    questions, files = [], {}
    for q in content.questions:
        if q.media is not None:
            # A kind per path, so no two questions claim one file as audio and as image.
            media = dataclasses.replace(q.media, path=f"{q.media.kind}/{q.media.path}", sha256=None)
            files[media.path] = made[media.kind]
            q = dataclasses.replace(q, media=media)
        questions.append(q)
    content = dataclasses.replace(content, questions=tuple(questions))
    expected = _with_hashes(content, made)
    result = authoring.import_bank(content, files, "cli")
    assert result.status == "created"
    assert result.version.hash == bank_hash(expected)
    info, stored = authoring.version(content.slug)
    assert bank_hash(stored) == info.hash == bank_hash(expected)
    assert authoring.import_bank(content, files, "cli").status == "unchanged"


def _with_hashes(content: BankContent, made: dict[MediaKind, bytes]) -> BankContent:
    questions = tuple(
        q
        if q.media is None
        else dataclasses.replace(
            q, media=dataclasses.replace(q.media, sha256=sha256(made[q.media.kind]).hexdigest())
        )
        for q in content.questions
    )
    return dataclasses.replace(content, questions=questions)


# -- the database refuses changes to published content -----------------------------------

CHANGES = {
    "bank_versions": "UPDATE bank_versions SET question_count = question_count + 1",
    "question_versions": "UPDATE question_versions SET hash = 'tampered'",
    "bank_version_questions": "UPDATE bank_version_questions SET position = position + 100",
    "media": "UPDATE media SET mime = 'text/plain'",
}


@pytest.mark.parametrize("table", sorted(CHANGES))
@pytest.mark.parametrize("verb", ["UPDATE", "DELETE"])
def test_the_database_refuses_to_change_published_content(authoring, database, table, verb):
    clip = {"kind": "audio", "path": "media/clip.wav", "alt": {"zh-Hans": "片段"}}
    content, _ = bank_from_dict(bank_document("nd", question("q1", media=clip), question("q2")))
    authoring.import_bank(content, {"media/clip.wav": wav_bytes()}, "cli")
    before = rows(database, table)
    assert before
    statement = CHANGES[table] if verb == "UPDATE" else f"DELETE FROM {table}"  # noqa: S608
    with pytest.raises(DBAPIError, match="immutable"), database.bind.begin_nested():
        database.bind.execute(text(statement))
    assert rows(database, table) == before


# -- media -------------------------------------------------------------------------------


def test_media_are_stored_once_under_their_sha256(authoring, database):
    clip = wav_bytes(milliseconds=750)
    info = authoring.store_media(clip)
    assert info == MediaInfo(sha256(clip).hexdigest(), "audio/wav", len(clip), 750)
    assert authoring.store_media(clip) == info
    assert count(database, "media") == 1
    assert authoring.media_file(info.sha256) == (info, clip)
    picture = authoring.store_media(png_bytes())
    assert (picture.mime, picture.duration_ms, picture.kind) == ("image/png", None, "image")
    assert authoring.media.missing({info.sha256, picture.sha256, "0" * 64}) == {"0" * 64}
    assert authoring.media.missing(set()) == set()
    with pytest.raises(NotFound):
        authoring.media_file("0" * 64)


def test_the_media_store_says_whether_a_blob_was_new(database):
    store = SqlMediaStore(database)
    data = png_bytes(grey=7)
    info = MediaInfo(sha256(data).hexdigest(), "image/png", len(data), None)
    assert store.put(info, data) is True
    assert store.put(info, data) is False
    assert store.get(info.sha256) == (info, data)
    assert store.get("f" * 64) is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"", "empty"),
        (b"plain text, not a picture", "unsupported type"),
        (b"RIFF\x00\x00\x00\x00WAVEjunk", "unreadable audio"),
    ],
)
def test_unusable_media_are_refused(authoring, database, data, field):
    with pytest.raises(Invalid) as error:
        authoring.store_media(data)
    assert error.value.fields == {"file": [field]}
    assert count(database, "media") == 0


def test_media_over_the_limit_are_refused(authoring):
    small = dataclasses.replace(authoring, max_media_bytes=100)
    with pytest.raises(Invalid) as error:
        small.store_media(wav_bytes())
    assert error.value.fields == {"file": ["over 100 bytes"]}
