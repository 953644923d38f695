"""Certificates over HTTP: plans, idempotent issuing, the holder's PDF and PNG (read
back: text and QR code), verification of valid, revoked and unknown serials, revoking,
the CSV, and what other contestants and organisers cannot do."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from typing import Any

import pytest
import zxingcpp
from flask.testing import FlaskClient
from PIL import Image
from pypdf import PdfReader

from engine.adapters.certificates.pdf import render_pdf
from engine.adapters.certificates.png import cjk_font_path, render_png
from engine.domain.certificates import sheet
from tests.web.live_helpers import (
    RIGHT,
    SINGLE,
    WRONG,
    Rounds,
    import_bank,
    install_clock,
    rules,
)
from web.wiring import Wiring

Login = Callable[..., dict[str, str]]
SEAL = Image.new("RGB", (40, 40), (200, 0, 0))
STANDINGS = [
    {"contestant": "c-ann", "nickname": "安妮", "rank": 1, "points": 900, "region": "guangzhou"},
    {"contestant": "c-bo", "nickname": "Bo", "rank": 2, "points": 700, "region": "shenzhen"},
    {"contestant": "c-cai", "nickname": "蔡", "rank": 3, "points": 300, "region": "guangzhou"},
    {"contestant": "c-x", "nickname": "Cheat", "rank": None, "points": 999, "banned": True},
]


def plan(seal: str | None = None) -> dict[str, Any]:
    return {
        "templates": [
            {
                "key": "first",
                "group": "award",
                "rule": {"kind": "rank", "top": 1, "scope": "region"},
                "award": {"zh-Hans": "一等奖", "en": "First prize"},
                "title": {"zh-Hans": "荣誉证书", "en": "Certificate of Honour"},
                "issuer": {"zh-Hans": "广东省学习办", "en": "Guangdong Learning Office"},
                "date": "2026-12-03",
                "seal": seal,
            },
            {
                "key": "pass",
                "group": "award",
                "rule": {"kind": "score", "threshold": 600},
                "award": {"zh-Hans": "二等奖", "en": "Second prize"},
                "title": {"zh-Hans": "荣誉证书"},
                "issuer": {"zh-Hans": "广东省学习办"},
            },
            {
                "key": "took-part",
                "rule": {"kind": "participation"},
                "award": {"zh-Hans": "参与奖", "en": "Participation"},
                "title": {"zh-Hans": "参与证书"},
                "issuer": {"zh-Hans": "广东省学习办"},
            },
        ]
    }


def finished_round(
    wired: Wiring, standings: list[dict[str, Any]] = STANDINGS, owner: str | None = None
) -> int:
    """A finished round with ``standings``, owned by the organiser named ``owner``
    (None: only admins host it)."""
    version = import_bank(wired)
    found = wired.accounts.users.find(owner) if owner else None
    competition = wired.competitions.create(
        title="国防知识竞赛",
        bank_slug="national-defence",
        bank_version=version,
        rules=rules(regions=["guangzhou", "shenzhen"]),
        created_by=owner or "host-user",
        owner_id=found[0].organiser.id if found else None,
    )["id"]
    round_id = wired.competitions.open_round(competition)["id"]
    rounds = wired.competitions.rounds
    rounds.save_standings(
        round_id,
        [{"total_ms": 1000, "team": None, "banned": False, **row} for row in standings],
    )
    rounds.set_status(round_id, "finished")
    return round_id


@pytest.fixture
def admin(login: Login) -> dict[str, str]:
    return login("admin")


@pytest.fixture
def issued(client: FlaskClient, wired: Wiring, admin: dict[str, str]) -> dict[str, Any]:
    """A finished round with a plan (and a seal), issued: its id and certificates."""
    png = io.BytesIO()
    SEAL.save(png, format="PNG")
    seal = client.post("/api/v1/media", data=png.getvalue(), headers=admin)
    assert seal.status_code == 201, seal.json
    round_id = finished_round(wired)
    response = client.put(
        f"/api/v1/rounds/{round_id}/certificates/plan",
        json=plan(hashlib.sha256(png.getvalue()).hexdigest()),
        headers=admin,
    )
    assert response.status_code == 200, response.json
    response = client.post(f"/api/v1/rounds/{round_id}/certificates/issue", headers=admin)
    assert response.status_code == 200, response.json
    return {"round": round_id, **response.json}


def holder_headers(wired: Wiring, round_id: int, contestant: str) -> dict[str, str]:
    token = wired.contestant_tokens.issue({"round": round_id, "contestant": contestant})
    return {"Authorization": f"Bearer {token}"}


def by_holder(issued: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c["contestant"], c["template"]): c for c in issued["certificates"]}


def test_issuing_gives_each_contestant_what_the_rules_say(issued: dict[str, Any]) -> None:
    assert sorted(by_holder(issued)) == [
        ("c-ann", "first"),  # first of guangzhou
        ("c-ann", "took-part"),
        ("c-bo", "first"),  # first of shenzhen
        ("c-bo", "took-part"),
        ("c-cai", "took-part"),  # 300 points: under the threshold, second in guangzhou
    ]  # the banned contestant gets nothing
    assert issued["issued"] == 5
    first = by_holder(issued)[("c-ann", "first")]["content"]
    assert first["holder"] == "安妮"
    assert first["contest"] == "国防知识竞赛"
    assert first["date"] == "2026-12-03"


def test_issuing_again_issues_nothing_new(
    client: FlaskClient, issued: dict[str, Any], admin: dict[str, str]
) -> None:
    again = client.post(f"/api/v1/rounds/{issued['round']}/certificates/issue", headers=admin)
    assert again.status_code == 200
    assert again.json == {"issued": 0, "certificates": []}
    listed = client.get(f"/api/v1/rounds/{issued['round']}/certificates", headers=admin).json
    assert sorted(c["serial"] for c in listed["certificates"]) == sorted(
        c["serial"] for c in issued["certificates"]
    )


def test_a_plan_change_issues_only_what_it_adds(
    client: FlaskClient, issued: dict[str, Any], admin: dict[str, str]
) -> None:
    lower = plan()
    lower["templates"][1]["rule"]["threshold"] = 200  # now Cai passes too
    url = f"/api/v1/rounds/{issued['round']}/certificates"
    assert client.put(f"{url}/plan", json=lower, headers=admin).status_code == 200
    again = client.post(f"{url}/issue", headers=admin).json
    assert [(c["contestant"], c["template"]) for c in again["certificates"]] == [("c-cai", "pass")]


def test_certificates_are_issued_only_for_a_finished_round(
    client: FlaskClient, wired: Wiring, admin: dict[str, str]
) -> None:
    round_id = finished_round(wired)
    wired.competitions.rounds.set_status(round_id, "running")
    url = f"/api/v1/rounds/{round_id}/certificates"
    assert client.put(f"{url}/plan", json=plan(), headers=admin).status_code == 200
    response = client.post(f"{url}/issue", headers=admin)
    error = response.json["error"]
    assert (response.status_code, error["code"], error["reason"]) == (
        409,
        "conflict",
        "not_finished",  # a code and a reason the console words in its language
    )
    assert client.get(url, headers=admin).json == {"certificates": []}


def test_a_host_uploads_a_seal_for_the_plan_and_nothing_but_a_picture(
    client: FlaskClient, wired: Wiring, login: Login
) -> None:
    """Hosts write plans but may not author banks (``POST /media``): the seal has its
    own upload, which takes a PNG or JPEG and stores nothing else."""
    host = login("host")
    round_id = finished_round(wired, owner="host-user")
    url = f"/api/v1/rounds/{round_id}/certificates/seal"
    png = io.BytesIO()
    SEAL.save(png, format="PNG")
    digest = hashlib.sha256(png.getvalue()).hexdigest()
    assert client.post("/api/v1/media", data=png.getvalue(), headers=host).status_code == 403
    uploaded = client.post(url, data=png.getvalue(), headers=host)
    assert uploaded.status_code == 201, uploaded.json
    assert (uploaded.json["sha256"], uploaded.json["mime"]) == (digest, "image/png")
    assert uploaded.json["url"] == f"/media/{digest}"
    assert client.get(f"/media/{digest}").data == png.getvalue()
    with_seal = plan(digest)
    saved = client.put(f"/api/v1/rounds/{round_id}/certificates/plan", json=with_seal, headers=host)
    assert saved.status_code == 200, saved.json

    wav = b"RIFF" + (36).to_bytes(4, "little") + b"WAVEfmt " + bytes(28)
    refused = client.post(url, data=wav, headers=host)
    assert (refused.status_code, refused.json["error"]["fields"]) == (
        422,
        {"file": ["not a PNG or JPEG"]},
    )
    assert client.get(f"/media/{hashlib.sha256(wav).hexdigest()}").status_code == 404
    assert client.post(url, data=b"", headers=host).status_code == 422
    stranger = login("host", "stranger")
    assert client.post(url, data=png.getvalue(), headers=stranger).status_code == 404


def test_a_bad_plan_is_refused_naming_the_field_and_stores_nothing(
    client: FlaskClient, wired: Wiring, admin: dict[str, str]
) -> None:
    round_id = finished_round(wired)
    url = f"/api/v1/rounds/{round_id}/certificates/plan"
    bad = plan(seal="0" * 64)  # well formed, but no such picture
    response = client.put(url, json=bad, headers=admin)
    assert response.status_code == 422
    assert "templates.0.seal" in response.json["error"]["fields"]
    bad = plan()
    bad["templates"][0]["rule"] = {"kind": "rank", "top": "three"}
    response = client.put(url, json=bad, headers=admin)
    assert response.status_code == 422
    assert "templates.0.rule.top" in response.json["error"]["fields"]
    assert client.get(url, headers=admin).status_code == 404


def test_the_pdf_says_who_got_what_with_the_serial(
    client: FlaskClient, wired: Wiring, issued: dict[str, Any]
) -> None:
    serial = by_holder(issued)[("c-ann", "first")]["serial"]
    headers = holder_headers(wired, issued["round"], "c-ann")
    for lang, award in (("zh-Hans", "一等奖"), ("zh-Hant", "一等獎"), ("en", "First prize")):
        response = client.get(f"/api/v1/certificates/{serial}.pdf?lang={lang}", headers=headers)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
        assert serial in text
        assert "安妮" in text
        assert award in text


def test_the_png_carries_a_qr_code_of_the_verification_url(
    client: FlaskClient, wired: Wiring, issued: dict[str, Any]
) -> None:
    serial = by_holder(issued)[("c-bo", "first")]["serial"]
    headers = holder_headers(wired, issued["round"], "c-bo")
    response = client.get(f"/api/v1/certificates/{serial}.png", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.data)))
    assert [code.text for code in codes] == [f"http://localhost/verify/{serial}"]


def test_the_png_has_a_cjk_font_on_a_machine_set_up_by_ci() -> None:
    assert cjk_font_path() is not None, "install fonts-wqy-microhei (see .ci/run)"


def test_a_contestant_cannot_fetch_anothers_certificate(
    client: FlaskClient, wired: Wiring, issued: dict[str, Any], admin: dict[str, str]
) -> None:
    serial = by_holder(issued)[("c-ann", "first")]["serial"]
    for kind in ("pdf", "png"):
        url = f"/api/v1/certificates/{serial}.{kind}"
        other = client.get(url, headers=holder_headers(wired, issued["round"], "c-bo"))
        assert other.status_code == 404
        elsewhere = client.get(url, headers=holder_headers(wired, issued["round"] + 1, "c-ann"))
        assert elsewhere.status_code == 404  # the same id in another round is someone else
        assert client.get(url, headers=admin).status_code == 401
        assert client.get(url).status_code == 401


def test_mine_lists_the_holders_certificates_with_links(
    client: FlaskClient, wired: Wiring, issued: dict[str, Any]
) -> None:
    headers = holder_headers(wired, issued["round"], "c-cai")
    mine = client.get("/api/v1/certificates/mine", headers=headers).json
    (only,) = mine["certificates"]
    serial = by_holder(issued)[("c-cai", "took-part")]["serial"]
    assert only["serial"] == serial
    assert only["award"]["zh-Hans"] == "参与奖"
    assert only["links"] == {
        "pdf": f"/api/v1/certificates/{serial}.pdf",
        "png": f"/api/v1/certificates/{serial}.png",
        "verify": f"/verify/{serial}",
    }
    assert client.get(only["links"]["pdf"], headers=headers).status_code == 200


def test_verification_of_a_valid_certificate_shows_no_other_personal_data(
    client: FlaskClient, issued: dict[str, Any]
) -> None:
    serial = by_holder(issued)[("c-ann", "first")]["serial"]
    response = client.get(f"/api/v1/certificates/{serial}/verification")
    assert response.status_code == 200
    assert response.json["status"] == "valid"
    assert response.json["holder"] == "安妮"
    assert response.json["award"]["en"] == "First prize"
    assert "c-ann" not in response.text
    assert "guangzhou" not in response.text
    assert "900" not in response.text  # points stay private
    page = client.get(f"/verify/{serial.lower()}", headers={"Accept-Language": "en-GB,en"})
    assert page.status_code == 200
    assert 'data-status="valid"' in page.text
    assert "First prize" in page.text
    assert "安妮" in page.text
    assert "c-ann" not in page.text
    hant = client.get(f"/verify/{serial}", headers={"Accept-Language": "zh-TW"})
    assert "一等獎" in hant.text
    assert "證書驗證" in hant.text
    assert "Certificate verification" in client.get(f"/verify/{serial}?lang=en").text


def test_verification_of_an_unknown_serial_is_not_found(
    client: FlaskClient, issued: dict[str, Any]
) -> None:
    serial = by_holder(issued)[("c-ann", "first")]["serial"]
    typo = serial[:-1] + ("0" if serial[-1] != "0" else "1")  # the check symbol catches it
    for unknown in (typo, "0000000000000000", "<script>"):
        response = client.get(f"/api/v1/certificates/{unknown}/verification")
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"
        page = client.get(f"/verify/{unknown}?lang=en")
        assert page.status_code == 404
        assert 'data-status="not_found"' in page.text
        assert "<script>" not in page.text


def test_revoking_marks_the_certificate_revoked_and_keeps_what_it_says(
    client: FlaskClient, wired: Wiring, issued: dict[str, Any], admin: dict[str, str]
) -> None:
    serial = by_holder(issued)[("c-bo", "first")]["serial"]
    url = f"/api/v1/certificates/{serial}/revoke"
    assert client.post(url, json={"reason": ""}, headers=admin).status_code == 422
    assert client.get(f"/api/v1/certificates/{serial}/verification").json["status"] == "valid"
    response = client.post(url, json={"reason": "cheating review 12"}, headers=admin)
    assert response.status_code == 200
    assert response.json["revoke_reason"] == "cheating review 12"
    again = client.post(url, json={"reason": "another"}, headers=admin).json
    assert again["revoke_reason"] == "cheating review 12"  # the first revocation stands
    verified = client.get(f"/api/v1/certificates/{serial}/verification").json
    assert verified["status"] == "revoked"
    assert verified["holder"] == "Bo"
    assert "another" not in str(verified)
    assert "cheating" not in str(verified)
    page = client.get(f"/verify/{serial}?lang=zh-Hans")
    assert page.status_code == 200
    assert 'data-status="revoked"' in page.text
    mine = client.get(
        "/api/v1/certificates/mine", headers=holder_headers(wired, issued["round"], "c-bo")
    ).json
    assert {c["serial"]: c["revoked"] for c in mine["certificates"]}[serial] is True
    # Issuing again does not give the revoked certificate back.
    again = client.post(f"/api/v1/rounds/{issued['round']}/certificates/issue", headers=admin)
    assert again.json["issued"] == 0


def test_another_host_can_neither_list_nor_revoke(
    client: FlaskClient, login: Login, issued: dict[str, Any]
) -> None:
    stranger = login("host", "stranger")
    serial = issued["certificates"][0]["serial"]
    revoke = client.post(
        f"/api/v1/certificates/{serial}/revoke", json={"reason": "mine now"}, headers=stranger
    )
    assert revoke.status_code == 404
    listed = client.get(f"/api/v1/rounds/{issued['round']}/certificates", headers=stranger)
    assert listed.status_code == 404
    assert client.get(f"/api/v1/certificates/{serial}/verification").json["status"] == "valid"


def test_the_csv_lists_every_certificate(
    client: FlaskClient, issued: dict[str, Any], admin: dict[str, str]
) -> None:
    response = client.get(
        f"/api/v1/rounds/{issued['round']}/certificates.csv?lang=en", headers=admin
    )
    assert response.status_code == 200
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert sorted(row["serial"] for row in rows) == sorted(
        c["serial"] for c in issued["certificates"]
    )
    ann = next(r for r in rows if r["contestant"] == "c-ann" and r["template"] == "first")
    assert (ann["holder"], ann["award"], ann["points"], ann["rank"]) == (
        "安妮",
        "First prize",
        "900",
        "1",
    )


def test_an_unreadable_seal_leaves_the_certificate_without_one() -> None:
    texts = {"en": "Prize"}
    content = {"holder": "安妮", "contest": "赛", "award": texts, "title": texts,
               "issuer": texts, "date": "2026-12-03"}  # fmt: skip
    worded = sheet(content, "0" * 16, "en", "http://x/verify/0")
    broken = b"\x89PNG\r\n\x1a\n" + bytes(32)
    assert render_pdf(worded, broken).startswith(b"%PDF")
    assert render_png(worded, broken).startswith(b"\x89PNG")


def test_a_live_round_end_to_end_with_the_play_join_token(
    app, client: FlaskClient, wired: Wiring, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Phones join over /play, one answers right and one wrong; after the finish the
    host issues and each phone's own join token fetches exactly what it earned."""
    install_clock(monkeypatch)
    game = Rounds(app, client, wired, login("host"))()
    right, wrong = game.players(2)
    game.command("start")
    assert right.answer(SINGLE, RIGHT[SINGLE])["ok"]
    assert wrong.answer(SINGLE, WRONG[SINGLE])["ok"]
    game.command("finish")
    url = f"/api/v1/rounds/{game.id}/certificates"
    levels = plan()
    levels["templates"][0]["rule"] = {"kind": "score", "threshold": 1}
    assert client.put(f"{url}/plan", json=levels, headers=game.headers).status_code == 200
    assert client.post(f"{url}/issue", headers=game.headers).json["issued"] == 3
    earned = {}
    for player in (right, wrong):
        mine = client.get(
            "/api/v1/certificates/mine", headers={"Authorization": f"Bearer {player.token}"}
        ).json
        earned[player.contestant] = sorted(c["template"] for c in mine["certificates"])
    assert earned == {right.contestant: ["first", "took-part"], wrong.contestant: ["took-part"]}
