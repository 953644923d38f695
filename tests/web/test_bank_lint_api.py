"""GET /api/v1/banks/{slug}/lint: the linter's findings on the draft, for authors only."""

from __future__ import annotations

import pytest

from tests.contract.test_bank_repository import TITLE, bank_document, question
from tests.web.test_auth import error_code

API = "/api/v1"


@pytest.fixture
def drafted(wired):
    wired.banks.create("nd", TITLE, "zh-Hans")
    choices = [
        {"key": "a", "text": {"zh-Hans": "长城", "zh-Hant": "長城", "en": "Great Wall"}},
        {"key": "b", "text": {"zh-Hans": "黄河", "zh-Hant": "黃河", "en": "Yellow River"}},
    ]
    asks = question(
        "q1", prompt={"zh-Hans": "哪个最长", "en": "Which is longest?"}, choices=choices
    )
    tells = question(
        "q2",
        prompt={"zh-Hans": "长城在哪里", "zh-Hant": "長城在哪裏", "en": "Where is it?"},
        tags=["law"],
    )
    wired.banks.replace_draft("nd", bank_document("nd", asks, tells))


@pytest.mark.parametrize(("role", "status"), [("author", 200), ("admin", 200), ("host", 403)])
def test_only_authors_and_admins_read_findings(client, login, drafted, role, status):
    response = client.get(f"{API}/banks/nd/lint", headers=login(role))
    assert response.status_code == status
    assert client.get(f"{API}/banks/nd/lint").status_code == 401


def test_findings_carry_severity_item_path_and_the_zh_hant_conversion(client, login, drafted):
    response = client.get(f"{API}/banks/nd/lint", headers=login("author"))
    assert response.status_code == 200
    body = response.json
    by_rule = {}
    for finding in body["findings"]:
        by_rule.setdefault(finding["rule"], []).append(finding)
    missing = [f for f in by_rule["missing-locale"] if f["question"] == "q1"]
    assert missing[0]["severity"] == "warning"
    assert missing[0]["path"] == "questions[0].prompt.zh-Hant"
    assert missing[0]["suggestions"]["questions[0].prompt.zh-Hant"] == "哪個最長"
    leak = by_rule["enemy-candidate"][0]
    assert (leak["question"], leak["related"], leak["path"]) == (
        "q2",
        ["q1"],
        "questions[1].prompt",
    )
    assert by_rule["unpinned"][0]["question"] == "q2"
    assert body["counts"]["warning"] == sum(
        1 for f in body["findings"] if f["severity"] == "warning"
    )


def test_an_unknown_bank_is_404(client, login):
    response = client.get(f"{API}/banks/nope/lint", headers=login("author"))
    assert response.status_code == 404
    assert error_code(response) == "not_found"
