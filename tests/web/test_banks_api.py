"""The author's bank API: every endpoint for every role, and every validation error."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from hashlib import sha256
from typing import Any

import pytest

from tests.contract.test_bank_repository import (
    TITLE,
    bank_document,
    png_bytes,
    question,
    wav_bytes,
)
from tests.web.test_auth import error_code

API = "/api/v1"
CLIP = wav_bytes(milliseconds=500)


@pytest.fixture
def author(login) -> dict[str, str]:
    return login("author")


@pytest.fixture
def published(wired) -> dict[str, Any]:
    """Bank ``nd`` with version 1 published; returns its draft."""
    wired.banks.create("nd", TITLE, "zh-Hans")
    wired.banks.replace_draft("nd", bank_document("nd", question("q1"), question("q2")))
    wired.banks.publish("nd", "ada")
    return wired.banks.draft("nd")


def fields_of(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.json
    assert error_code(response) == "invalid"
    return response.json["error"]["fields"]


# -- who may call what -------------------------------------------------------------------

CALLS: list[tuple[str, str, dict[str, Any], int]] = [
    ("get", "/banks", {}, 200),
    ("post", "/banks", {"json": {"slug": "new", "title": TITLE, "default_locale": "en"}}, 201),
    ("get", "/banks/nd", {}, 200),
    ("get", "/banks/nd/draft", {}, 200),
    ("put", "/banks/nd/draft", {"json": bank_document("nd", question("q3"))}, 200),
    ("post", "/banks/nd/versions", {}, 201),
    ("get", "/banks/nd/versions", {}, 200),
    ("get", "/banks/nd/versions/1", {}, 200),
    ("get", "/banks/nd/diff?from=1&to=1", {}, 200),
    ("post", "/media", {"data": CLIP}, 201),
]


@pytest.mark.parametrize(
    ("method", "path", "request_args", "status"), CALLS, ids=[f"{c[0]} {c[1]}" for c in CALLS]
)
@pytest.mark.parametrize("role", ["author", "admin", "host", None])
def test_authors_and_admins_may_call_every_bank_endpoint_hosts_may_not(
    client, login, published, role, method, path, request_args, status
):
    headers = login(role) if role else {}
    response = getattr(client, method)(API + path, headers=headers, **request_args)
    if role in ("author", "admin"):
        assert response.status_code == status, response.json
    elif role == "host":
        assert response.status_code == 403
        assert error_code(response) == "forbidden"
    else:
        assert response.status_code == 401
        assert error_code(response) == "token_missing"


def test_a_refused_caller_changes_nothing(client, login, wired, published):
    host = login("host")
    client.put(f"{API}/banks/nd/draft", headers=host, json=bank_document("nd", question("q9")))
    client.post(f"{API}/banks/nd/versions", headers=host)
    client.post(f"{API}/banks", json={"slug": "new", "title": TITLE, "default_locale": "en"})
    assert wired.banks.draft("nd") == published
    assert len(wired.banks.versions("nd")) == 1
    assert [s.slug for s in wired.banks.list()] == ["nd"]


# -- banks -------------------------------------------------------------------------------


def test_create_list_and_read_a_bank(client, author):
    created = client.post(
        f"{API}/banks",
        headers=author,
        json={"slug": "folk-songs", "title": {"en": "Folk songs"}, "default_locale": "en"},
    )
    assert created.status_code == 201
    summary = {
        "slug": "folk-songs",
        "title": {"en": "Folk songs"},
        "default_locale": "en",
        "draft_questions": 0,
        "latest_version": None,
        "latest_hash": None,
        "versions": 0,
    }
    assert created.json == summary
    assert client.get(f"{API}/banks", headers=author).json == [summary]
    assert client.get(f"{API}/banks/folk-songs", headers=author).json == summary
    assert client.get(f"{API}/banks/folk-songs/draft", headers=author).json == {
        "format": "leitai-bank/1",
        "slug": "folk-songs",
        "title": {"en": "Folk songs"},
        "default_locale": "en",
        "questions": [],
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slug": "Bad Slug!", "title": TITLE, "default_locale": "zh-Hans"}, "slug"),
        ({"slug": "-nd", "title": TITLE, "default_locale": "zh-Hans"}, "slug"),
        ({"slug": "", "title": TITLE, "default_locale": "zh-Hans"}, "slug"),
        ({"slug": "nd", "title": TITLE, "default_locale": "fr"}, "default_locale"),
        ({"slug": "nd", "title": {"en": "Only English"}, "default_locale": "zh-Hans"}, "title"),
        ({"slug": "nd", "title": {"en": "  "}, "default_locale": "en"}, "title.en"),
        ({"slug": "nd", "title": TITLE}, "default_locale"),
        ({"slug": "nd", "title": "国防", "default_locale": "zh-Hans"}, "title"),
        ({"title": TITLE, "default_locale": "zh-Hans"}, "slug"),
    ],
    ids=[
        "bad-slug",
        "leading-hyphen",
        "empty-slug",
        "unknown-locale",
        "title-without-default-locale",
        "empty-title",
        "no-default-locale",
        "title-not-a-mapping",
        "no-slug",
    ],
)
def test_create_refuses_bad_banks(client, author, wired, body, field):
    response = client.post(f"{API}/banks", headers=author, json=body)
    assert field in fields_of(response)
    assert wired.banks.list() == []


def test_create_refuses_a_taken_slug_and_malformed_json(client, author, published):
    again = client.post(
        f"{API}/banks", headers=author, json={"slug": "nd", "title": TITLE, "default_locale": "en"}
    )
    assert again.status_code == 409
    assert error_code(again) == "conflict"
    malformed = client.post(
        f"{API}/banks", headers=author, data=b"{slug", content_type="application/json"
    )
    assert malformed.status_code == 400
    assert error_code(malformed) == "malformed_json"


def test_an_unknown_bank_is_404_everywhere(client, author):
    for method, path in [
        ("get", "/banks/nope"),
        ("get", "/banks/nope/draft"),
        ("post", "/banks/nope/versions"),
        ("get", "/banks/nope/versions"),
        ("get", "/banks/nope/versions/1"),
        ("get", "/banks/nope/diff?from=1&to=1"),
    ]:
        response = getattr(client, method)(API + path, headers=author)
        assert response.status_code == 404, path
        assert error_code(response) == "not_found"
    put = client.put(
        f"{API}/banks/nope/draft", headers=author, json=bank_document("nope", question("q1"))
    )
    assert put.status_code == 404


# -- the draft ---------------------------------------------------------------------------


def test_put_draft_replaces_the_working_copy(client, author, published):
    document = bank_document("nd", question("q1"), question("q9", type="true_false", answer=[True]))
    document["questions"][1].pop("choices")
    response = client.put(f"{API}/banks/nd/draft", headers=author, json=document)
    assert response.status_code == 200
    assert response.json["draft_questions"] == 2
    assert client.get(f"{API}/banks/nd/draft", headers=author).json == document


Edit = Callable[[dict[str, Any]], None]


def second(**fields: Any) -> Edit:
    """Replace fields of the second question (q2)."""
    return lambda doc: doc["questions"][1].update(fields)


def drop(name: str) -> Edit:
    return lambda doc: doc["questions"][1].pop(name)


UNUPLOADED = sha256(b"not uploaded").hexdigest()
AUDIO = {"kind": "audio", "path": "media/clip.wav", "alt": {"zh-Hans": "片段"}}
TWO_CHOICES = [{"key": "a", "text": {"zh-Hans": "甲"}}, {"key": "b", "text": {"zh-Hans": "乙"}}]

BAD_DRAFTS: dict[str, tuple[Edit, str, str]] = {
    # shape: wrong types, unknown and missing fields
    "difficulty-text": (second(difficulty="two"), "questions[1].difficulty", "whole number"),
    "difficulty-bool": (second(difficulty=True), "questions[1].difficulty", "whole number"),
    "prompt-not-mapping": (second(prompt="问题"), "questions[1].prompt", "mapping"),
    "prompt-number": (second(prompt={"zh-Hans": 7}), "questions[1].prompt.zh-Hans", "string"),
    "answer-not-list": (second(answer="a"), "questions[1].answer", "must be a list"),
    "answer-item-number": (second(answer=[1]), "questions[1].answer[0]", "string or true"),
    "choices-not-list": (second(choices="ab"), "questions[1].choices", "must be a list"),
    "choice-not-mapping": (second(choices=["a", "b"]), "questions[1].choices[0]", "mapping"),
    "unknown-type": (second(type="essay"), "questions[1].type", "must be one of"),
    "source-number": (second(source=42), "questions[1].source", "must be a string"),
    "tags-not-list": (second(tags="history"), "questions[1].tags", "must be a list"),
    "unknown-field": (second(hint="x"), "questions[1].hint", "unknown field 'hint'"),
    "missing-source": (drop("source"), "questions[1].source", "missing required field"),
    "missing-answer": (drop("answer"), "questions[1].answer", "missing required field"),
    "missing-key": (drop("key"), "questions[1].key", "missing required field"),
    "question-not-mapping": (
        lambda doc: doc["questions"].__setitem__(1, "q2"),
        "questions[1]",
        "must be a mapping",
    ),
    "unknown-bank-field": (lambda doc: doc.update(extra=1), "extra", "unknown field"),
    "missing-title": (lambda doc: doc.pop("title"), "title", "missing required field"),
    "questions-not-list": (lambda doc: doc.update(questions={}), "questions", "must be a list"),
    "wrong-format": (lambda doc: doc.update(format="leitai-bank/9"), "format", "leitai-bank/1"),
    "other-slug": (lambda doc: doc.update(slug="other"), "slug", "must be 'nd'"),
    # the bank rules
    "duplicate-key": (second(key="q1"), "questions[1].key", "duplicate question key"),
    "bad-key": (second(key="Q 2"), "questions[1].key", "lowercase"),
    "answer-not-a-choice": (second(answer=["z"]), "questions[1].answer[0]", "no choice"),
    "answer-repeated": (
        second(type="multiple", answer=["a", "a"]),
        "questions[1].answer[1]",
        "repeated",
    ),
    "single-two-answers": (second(answer=["a", "b"]), "questions[1].answer", "exactly one"),
    "multiple-no-answer": (second(type="multiple", answer=[]), "questions[1].answer", "at least"),
    "one-choice": (second(choices=TWO_CHOICES[:1]), "questions[1].choices", "at least 2"),
    "duplicate-choice": (
        second(choices=[TWO_CHOICES[0], TWO_CHOICES[0]]),
        "questions[1].choices[1].key",
        "duplicate choice key",
    ),
    "difficulty-0": (second(difficulty=0), "questions[1].difficulty", "1 to 5"),
    "difficulty-6": (second(difficulty=6), "questions[1].difficulty", "1 to 5"),
    "time-limit-too-short": (second(time_limit_s=2), "questions[1].time_limit_s", "5 to 600"),
    "prompt-without-default-locale": (
        second(prompt={"en": "Question"}),
        "questions[1].prompt",
        "default locale",
    ),
    "choice-without-default-locale": (
        second(choices=[TWO_CHOICES[0], {"key": "b", "text": {"en": "B"}}]),
        "questions[1].choices[1].text",
        "default locale",
    ),
    "explanation-without-default-locale": (
        second(explanation={"en": "Why"}),
        "questions[1].explanation",
        "default locale",
    ),
    "unknown-locale": (
        second(prompt={"zh-Hans": "问题", "fr": "Question"}),
        "questions[1].prompt.fr",
        "unknown locale",
    ),
    "empty-prompt": (second(prompt={"zh-Hans": "  "}), "questions[1].prompt.zh-Hans", "empty"),
    "order-not-a-permutation": (
        second(type="order", answer=["a"]),
        "questions[1].answer",
        "every choice key once",
    ),
    "true-false-not-bool": (
        second(type="true_false", choices=[], answer=["yes"]),
        "questions[1].answer",
        "true or false",
    ),
    "text-with-choices": (
        second(type="text", answer=["甲"]),
        "questions[1].choices",
        "a text question has none",
    ),
    "text-empty-answer": (
        second(type="text", choices=[], answer=[" "]),
        "questions[1].answer",
        "at least one accepted answer",
    ),
    "bad-tag": (second(tags=["Bad Tag"]), "questions[1].tags[0]", "lowercase"),
    "duplicate-tag": (second(tags=["a", "a"]), "questions[1].tags[1]", "duplicate tag"),
    "empty-source": (second(source="  "), "questions[1].source", "where the fact"),
    "media-not-uploaded": (second(media=AUDIO), "questions[1].media.sha256", "upload it first"),
    "media-unknown-sha256": (
        second(media={**AUDIO, "sha256": UNUPLOADED}),
        "questions[1].media.sha256",
        "upload it first",
    ),
    "media-bad-sha256": (
        second(media={**AUDIO, "sha256": "XYZ"}),
        "questions[1].media.sha256",
        "64 lowercase hex",
    ),
    "media-without-alt": (
        second(media={"kind": "audio", "path": "media/clip.wav"}),
        "questions[1].media.alt",
        "missing required field",
    ),
    "media-escapes-folder": (
        second(media={**AUDIO, "path": "../clip.wav"}),
        "questions[1].media.path",
        "inside the bank folder",
    ),
    "media-unknown-kind": (
        second(media={**AUDIO, "kind": "video"}),
        "questions[1].media.kind",
        "audio or image",
    ),
}


@pytest.mark.parametrize(("edit", "where", "message"), BAD_DRAFTS.values(), ids=BAD_DRAFTS)
def test_every_bad_draft_is_422_naming_question_and_field_and_changes_nothing(
    client, author, published, edit, where, message
):
    document = copy.deepcopy(published)
    edit(document)
    response = client.put(f"{API}/banks/nd/draft", headers=author, json=document)
    problems = fields_of(response)
    assert where in problems, problems
    assert any(message in text for text in problems[where]), problems[where]
    assert client.get(f"{API}/banks/nd/draft", headers=author).json == published


def test_every_problem_in_a_draft_is_reported_at_once(client, author, published):
    document = bank_document(
        "nd",
        question("q1", difficulty=0),
        question("q2", answer=["z"]),
        question("q2", choices=TWO_CHOICES[:1]),
    )
    response = client.put(f"{API}/banks/nd/draft", headers=author, json=document)
    assert set(fields_of(response)) == {
        "questions[0].difficulty",
        "questions[1].answer[0]",
        "questions[2].key",
        "questions[2].choices",
    }


@pytest.mark.parametrize(
    "body", [b"{not json", b"[]", b"", b'"bank"'], ids=["syntax", "array", "empty", "string"]
)
def test_a_malformed_draft_is_400(client, author, published, body):
    response = client.put(
        f"{API}/banks/nd/draft", headers=author, data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert error_code(response) == "malformed_json"
    assert client.get(f"{API}/banks/nd/draft", headers=author).json == published


def test_a_draft_may_use_uploaded_media(client, author, published):
    uploaded = client.post(f"{API}/media", headers=author, data=CLIP).json
    document = copy.deepcopy(published)
    document["questions"][1]["media"] = {**AUDIO, "sha256": uploaded["sha256"]}
    response = client.put(f"{API}/banks/nd/draft", headers=author, json=document)
    assert response.status_code == 200, response.json
    draft = client.get(f"{API}/banks/nd/draft", headers=author).json
    assert draft["questions"][1]["media"]["sha256"] == uploaded["sha256"]


# -- versions and diff -------------------------------------------------------------------


def test_publish_twice_creates_one_version(client, author, wired):
    wired.banks.create("nd", TITLE, "zh-Hans")
    empty = client.post(f"{API}/banks/nd/versions", headers=author)
    assert fields_of(empty) == {"questions": ["empty"]}
    client.put(f"{API}/banks/nd/draft", headers=author, json=bank_document("nd", question("q1")))
    first = client.post(f"{API}/banks/nd/versions", headers=author)
    second_ = client.post(f"{API}/banks/nd/versions", headers=author)
    assert first.status_code == second_.status_code == 201
    assert first.json["version"] == second_.json["version"] == 1
    assert first.json["hash"] == second_.json["hash"]
    assert len(first.json["hash"]) == 64
    assert (first.json["created"], second_.json["created"]) == (True, False)
    assert first.json["published_by"] == "author-user"
    assert first.json["question_count"] == 1
    listed = client.get(f"{API}/banks/nd/versions", headers=author).json
    assert listed == [{k: v for k, v in first.json.items() if k != "created"}]


def test_a_version_holds_its_questions(client, author, published):
    response = client.get(f"{API}/banks/nd/versions/1", headers=author)
    assert response.status_code == 200
    assert response.json["version"] == 1
    assert response.json["slug"] == "nd"
    assert response.json["bank"] == published
    missing = client.get(f"{API}/banks/nd/versions/2", headers=author)
    assert missing.status_code == 404
    assert error_code(missing) == "not_found"


def test_diff_between_versions(client, author, published):
    document = bank_document("nd", question("q1", answer=["b"], difficulty=4), question("q3"))
    client.put(f"{API}/banks/nd/draft", headers=author, json=document)
    client.post(f"{API}/banks/nd/versions", headers=author)
    response = client.get(f"{API}/banks/nd/diff?from=1&to=2", headers=author)
    assert response.status_code == 200
    assert response.json == {
        "from": 1,
        "to": 2,
        "added": ["q3"],
        "removed": ["q2"],
        "changed": [{"key": "q1", "fields": ["answer", "difficulty"]}],
        "bank_fields": [],
    }


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("", {"from", "to"}),
        ("?from=1", {"to"}),
        ("?from=one&to=1", {"from"}),
        ("?from=0&to=1", {"from"}),
        ("?from=1&to=-2", {"to"}),
    ],
)
def test_diff_validates_its_query(client, author, published, query, fields):
    response = client.get(f"{API}/banks/nd/diff{query}", headers=author)
    assert set(fields_of(response)) == fields


def test_diff_with_an_unknown_version_is_404(client, author, published):
    response = client.get(f"{API}/banks/nd/diff?from=1&to=5", headers=author)
    assert response.status_code == 404
    assert error_code(response) == "not_found"


# -- media -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "mime", "duration"),
    [(CLIP, "audio/wav", 500), (png_bytes(), "image/png", None)],
    ids=["wav", "png"],
)
def test_upload_then_serve_media_by_sha256(client, author, data, mime, duration):
    uploaded = client.post(f"{API}/media", headers=author, data=data)
    digest = sha256(data).hexdigest()
    assert uploaded.status_code == 201
    assert uploaded.json == {
        "sha256": digest,
        "mime": mime,
        "size": len(data),
        "duration_ms": duration,
        "url": f"/media/{digest}",
    }
    served = client.get(uploaded.json["url"])  # no token: contestants fetch media
    assert served.status_code == 200
    assert served.data == data
    assert served.mimetype == mime
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served.headers["ETag"] == f'"{digest}"'
    cached = client.get(uploaded.json["url"], headers={"If-None-Match": f'"{digest}"'})
    assert cached.status_code == 304
    assert cached.data == b""
    again = client.post(f"{API}/media", headers=author, data=data)
    assert again.json == uploaded.json


@pytest.mark.parametrize(
    ("range_header", "status", "body", "content_range"),
    [
        ("bytes=0-9", 206, slice(0, 10), "bytes 0-9/{size}"),
        ("bytes=10-", 206, slice(10, None), "bytes 10-{last}/{size}"),
        ("bytes=-4", 206, slice(-4, None), "bytes {tail}-{last}/{size}"),
        ("bytes={size}-", 416, slice(0, 0), "bytes */{size}"),
    ],
    ids=["head", "from-offset", "suffix", "past-the-end"],
)
def test_media_answers_byte_ranges(client, author, range_header, status, body, content_range):
    # iPhone Safari plays audio only from a server that answers Range with 206.
    url = client.post(f"{API}/media", headers=author, data=CLIP).json["url"]
    size = len(CLIP)
    values = {"size": size, "last": size - 1, "tail": size - 4}
    whole = client.get(url)
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = client.get(url, headers={"Range": range_header.format(**values)})
    assert part.status_code == status
    assert part.headers["Content-Range"] == content_range.format(**values)
    if status == 416:
        assert error_code(part) == "range_not_satisfiable"
    else:
        assert part.data == CLIP[body]
        assert part.headers["Content-Length"] == str(len(CLIP[body]))


def test_a_stale_if_range_gets_the_whole_clip(client, author):
    url = client.post(f"{API}/media", headers=author, data=CLIP).json["url"]
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"not-this-one"'})
    assert stale.status_code == 200
    assert stale.data == CLIP


def test_unknown_media_is_404(client):
    response = client.get(f"/media/{'0' * 64}")
    assert response.status_code == 404
    assert error_code(response) == "not_found"


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 400, "empty_body"),
        (b"just some text", 422, "invalid"),
        (b"RIFF\x00\x00\x00\x00WAVEnot-a-header", 422, "invalid"),
    ],
    ids=["empty", "unsupported", "unreadable-audio"],
)
def test_unusable_uploads_are_refused(client, author, data, status, code):
    response = client.post(f"{API}/media", headers=author, data=data)
    assert response.status_code == status
    assert error_code(response) == code


def test_an_upload_over_the_limit_is_413(client, author, wired):
    too_big = b"\x89PNG\r\n\x1a\n" + bytes(wired.settings.max_media_bytes)
    response = client.post(f"{API}/media", headers=author, data=too_big)
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"


def test_media_urls_name_only_the_bytes(client, author, wired):
    uploaded = client.post(f"{API}/media", headers=author, data=CLIP).json
    wired.banks.create("nd", TITLE, "zh-Hans")
    answer_in_path = {**AUDIO, "path": "media/answer-is-b.wav", "sha256": uploaded["sha256"]}
    client.put(
        f"{API}/banks/nd/draft",
        headers=author,
        json=bank_document("nd", question("q1", answer=["b"], media=answer_in_path)),
    )
    assert uploaded["url"] == "/media/" + uploaded["sha256"]
    assert "answer" not in uploaded["url"]


# -- the OpenAPI document ----------------------------------------------------------------


def test_the_openapi_document_describes_every_bank_schema_and_path(client):
    spec = client.get(f"{API}/openapi.json").json
    schemas = spec["components"]["schemas"]
    for name in (
        "BankDocument",
        "Question",
        "Choice",
        "MediaRef",
        "NewBank",
        "BankSummary",
        "Version",
        "Published",
        "VersionContent",
        "Diff",
        "QuestionChange",
        "Media",
        "Error",
    ):
        assert name in schemas, name
    assert set(schemas["Question"]["required"]) >= {"key", "type", "prompt", "answer", "source"}
    paths = spec["paths"]
    assert set(paths[f"{API}/banks"]) == {"get", "post"}
    assert set(paths[f"{API}/banks/{{slug}}/draft"]) == {"get", "put"}
    assert set(paths[f"{API}/banks/{{slug}}/versions"]) == {"get", "post"}
    assert "get" in paths[f"{API}/banks/{{slug}}/versions/{{number}}"]
    assert "get" in paths[f"{API}/banks/{{slug}}/diff"]
    assert "post" in paths[f"{API}/media"]
    put = paths[f"{API}/banks/{{slug}}/draft"]["put"]
    assert "422" in put["responses"]
    body = put["requestBody"]["content"]["application/json"]["schema"]
    assert json.dumps(body).endswith('BankDocument"}')
