"""``POST /api/v1/banks/import``: a bank file uploaded from the console, all or nothing."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from engine.adapters.bankformats import archive as archive_module
from tests.web.test_auth import error_code

API = "/api/v1"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "bankformats"
FORM = {"slug": "uploaded", "title": "上传的题库", "source": "书"}


@pytest.fixture
def author(login) -> dict[str, str]:
    return login("author")


def upload(client, headers, name: str, data: bytes | None = None, **form: str):  # type: ignore[no-untyped-def]
    body: dict[str, Any] = {**FORM, **form}
    content = data if data is not None else (FIXTURES / name).read_bytes()
    body["file"] = (BytesIO(content), name)
    return client.post(
        f"{API}/banks/import", headers=headers, data=body, content_type="multipart/form-data"
    )


def test_an_author_imports_a_text_file_then_again_unchanged(client, author, wired):
    created = upload(client, author, "layout.txt")
    assert created.status_code == 201, created.json
    version = wired.banks.version("uploaded")[0]
    assert created.json == {
        "slug": "uploaded",
        "version": 1,
        "hash": version.hash,
        "question_count": 8,
        "published_by": "author-user",
        "published_at": created.json["published_at"],
        "status": "created",
    }
    again = upload(client, author, "layout.txt")
    assert (again.json["status"], again.json["version"]) == ("unchanged", 1)
    assert [v.hash for v in wired.banks.versions("uploaded")] == [version.hash]
    assert wired.banks.draft("uploaded")["questions"][0]["answer"] == ["b"]


@pytest.mark.parametrize(
    ("name", "form", "count"),
    [
        ("handmade.xlsx", {"slug": "", "title": "", "source": ""}, 7),
        ("handmade.docx", {}, 4),
        ("questions.gift", {}, 8),
        ("questions.xml", {}, 5),
        ("questions.aiken", {}, 2),
        ("questions.aiken", {"format": "aiken"}, 2),
    ],
)
def test_every_format_uploads(client, author, name, form, count):
    response = upload(client, author, name, **form)
    assert response.status_code == 201, response.json
    assert (response.json["status"], response.json["question_count"]) == ("created", count)


def test_a_bad_file_gets_its_problems_by_file_and_line_and_stores_nothing(client, author, wired):
    response = upload(client, author, "layout-bad.txt")
    assert response.status_code == 422
    assert error_code(response) == "invalid"
    assert response.json["error"]["fields"] == {
        "layout-bad.txt:1": ["the question has no answer line (答案：...)"],
        "layout-bad.txt:8": ["answer: no choice has the key 'e'"],
        "layout-bad.txt:11": ["answer: must be exactly one of true or false"],
        "layout-bad.txt:17": ["difficulty: must be a whole number, not text"],
    }
    assert wired.banks.list() == []


def test_unsupported_moodle_questions_are_named_not_dropped(client, author, wired):
    response = upload(client, author, "unsupported.xml")
    assert response.status_code == 422
    assert response.json["error"]["fields"]["unsupported.xml:9"] == [
        "question type 'matching' is not supported by Leitai"
    ]
    assert wired.banks.list() == []


def test_a_file_without_a_header_and_no_form_fields(client, author):
    response = upload(client, author, "questions.aiken", slug="", title="", source="")
    fields = response.json["error"]["fields"]
    assert fields["questions.aiken"] == [
        "the file names no bank: give --slug (and --title)",
        "title (--title): missing the default locale 'zh-Hans'",
    ]
    assert fields["questions.aiken:1"] == [
        "source (来源, or --source for every question): missing required field 'source'"
    ]


def test_only_a_name_from_the_upload_is_kept(client, author):
    response = upload(
        client, author, "../../etc/layout-bad.txt", (FIXTURES / "layout-bad.txt").read_bytes()
    )
    assert "layout-bad.txt:1" in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("name", "data", "form", "status", "code", "fields"),
    [
        (
            "bank.dat",
            b"x",
            {},
            422,
            "invalid",
            {"format": ["must be one of yaml, xlsx, docx, text, gift, moodle-xml, aiken"]},
        ),
        (
            "bank.txt",
            b"x",
            {"format": "pdf"},
            422,
            "invalid",
            {"format": ["must be one of yaml, xlsx, docx, text, gift, moodle-xml, aiken"]},
        ),
        (
            "bank.xlsx",
            b"not a zip",
            {},
            422,
            "invalid",
            {"bank.xlsx": ["not a workbook (.xlsx): the file is not a zip archive"]},
        ),
    ],
)
def test_unusable_uploads(client, author, name, data, form, status, code, fields):
    response = upload(client, author, name, data, **form)
    assert response.status_code == status
    assert error_code(response) == code
    assert response.json["error"]["fields"] == fields


def test_a_missing_file_is_400(client, author):
    response = client.post(
        f"{API}/banks/import", headers=author, data=FORM, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert error_code(response) == "file_missing"


def test_an_upload_over_the_limit_is_413(client, author, wired):
    # A body built by hand: the test client would spool a file field to a temporary
    # file that nobody closes when the server refuses to read it.
    boundary = "leitai-boundary"
    part = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    body = part + bytes(wired.settings.max_media_bytes) + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(
        f"{API}/banks/import",
        headers=author,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"


def test_a_zip_bomb_is_refused_unopened(client, author, wired, monkeypatch):
    monkeypatch.setattr(archive_module, "MAX_INFLATED_BYTES", 100_000)  # a small bomb
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 100_001)
    response = upload(client, author, "bomb.docx", out.getvalue())
    assert response.status_code == 422
    assert response.json["error"]["fields"]["bomb.docx"][0].startswith(
        "the Word document (.docx) unpacks to"
    )
    assert wired.banks.list() == []


def test_a_yaml_bank_with_media_cannot_come_as_one_file(client, author, wired):
    yaml = """\
format: leitai-bank/1
slug: with-media
title: {zh-Hans: 音频}
default_locale: zh-Hans
questions:
  - key: q1
    type: true_false
    prompt: {zh-Hans: 听}
    answer: [true]
    difficulty: 1
    media: {kind: audio, path: media/clip.wav, alt: {zh-Hans: 音频}}
    source: 书
"""
    response = upload(client, author, "bank.yaml", yaml.encode())
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"media": ["not uploaded with the bank"]}
    assert wired.banks.list() == []


def test_a_plain_yaml_bank_uploads(client, author, wired):
    yaml = (FIXTURES.parents[1] / "unit" / "test_bankformats_roundtrip.py").read_text()
    bank = yaml.split('EXAMPLE = r"""', 1)[1].split('"""', 1)[0]
    response = upload(client, author, "bank.yaml", bank.encode())
    assert response.status_code == 201, response.json
    assert response.json["slug"] == "round-trip"


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("host", 403)])
def test_only_authors_may_import(client, login, wired, role, status):
    headers = login(role) if role else {}
    response = upload(client, headers, "layout.txt")
    assert response.status_code == status
    assert wired.banks.list() == []


def test_the_banks_page_offers_the_upload_and_the_template(client):
    page = client.get("/console/banks").get_data(as_text=True)
    assert 'id="import-bank"' in page
    assert 'accept=".xlsx,.docx,.txt,.gift,.xml,.aiken,.yaml,.yml"' in page
    template = client.get("/static/console/bank-template.xlsx")
    assert template.status_code == 200
    assert template.data[:2] == b"PK"  # a zip archive: the workbook
    template.close()


def test_the_openapi_document_lists_the_upload(client):
    spec = client.get(f"{API}/openapi.json").json
    upload_doc = spec["paths"][f"{API}/banks/import"]["post"]
    assert {"201", "400", "413", "422", "401", "403"} <= set(upload_doc["responses"])
    assert "status" in spec["components"]["schemas"]["Imported"]["properties"]
