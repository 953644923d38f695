"""A contestant's review over HTTP, tried as an attacker would: before the reveal rule
allows, every contestant gets the same refusal whatever they answered; after, exactly
their own answers and the bank's key, never another contestant's."""

from __future__ import annotations

from typing import Any

from tests.web.live_helpers import (
    MULTIPLE,
    ORDER,
    RIGHT,
    SINGLE,
    TEXT,
    TRUE_FALSE,
    WRONG,
    Clock,
    Rounds,
    rules,
)
from tests.web.selfpaced_helpers import CLOSES, FIXED, Windows, bearer, sp_rules


def review(game: Any, token: str | None, query: str = "") -> Any:
    headers = bearer(token) if token else {}
    return game.http.get(f"/api/v1/rounds/{game.id}/review{query}", headers=headers)


def refusal(response: Any) -> dict[str, Any]:
    assert response.status_code == 409, response.json
    assert response.json["error"]["code"] == "review_not_yet"
    return response.json


# --- live rounds -----------------------------------------------------------------------


def test_a_live_review_is_the_same_refusal_for_right_and_wrong_until_the_close(
    live_round: Rounds, clock: Clock
) -> None:
    game = live_round(rules((SINGLE, MULTIPLE)))
    right, wrong = game.players(2)
    assert refusal(review(game, right.token)) == refusal(review(game, wrong.token))  # lobby
    game.command("start")
    clock.advance(1000)
    right.answer(SINGLE, RIGHT[SINGLE])
    wrong.answer(SINGLE, WRONG[SINGLE])
    replies = [refusal(review(game, p.token)) for p in (right, wrong)]
    assert replies[0] == replies[1]
    state = game.wired.live.state(game.id)
    assert replies[0]["error"]["fields"] == {"opens_at": state.closes_at}

    game.command("close")
    mine = review(game, right.token).json
    theirs = review(game, wrong.token).json
    assert (mine["total"], mine["reviewable"]) == (2, 1)
    assert [(q["key"], q["correct"]) for q in mine["questions"]] == [(SINGLE, True)]
    assert [(q["key"], q["correct"]) for q in theirs["questions"]] == [(SINGLE, False)]
    assert theirs["questions"][0]["response"] == WRONG[SINGLE]
    assert theirs["questions"][0]["points"] == 0
    assert mine["questions"][0]["points"] > 0

    game.command("next")
    clock.advance(1000)
    right.answer(MULTIPLE, RIGHT[MULTIPLE])
    # The open question stays out of the review; only the closed one is in it.
    assert [q["key"] for q in review(game, right.token).json["questions"]] == [SINGLE]


def test_a_finished_live_review_holds_the_answers_the_key_and_the_explanation(
    live_round: Rounds, clock: Clock
) -> None:
    keys = (SINGLE, MULTIPLE, TRUE_FALSE, TEXT, ORDER)
    game = live_round(rules(keys))
    alice, bob = game.players(2)
    game.command("start")
    for n, key in enumerate(keys):
        clock.advance(1000)
        alice.answer(key, WRONG[key] if n % 2 else RIGHT[key])
        if key != TEXT:  # bob leaves the text question unanswered
            bob.answer(key, RIGHT[key])
        game.command("close")
        if n + 1 < len(keys):
            game.command("next")
    game.command("finish")
    assert game.wired.competitions.rounds.round(game.id)["status"] == "finished"

    body = review(game, alice.token, "?lang=zh-Hans").json
    plan = game.plan
    assert body["contestant"] == alice.contestant
    assert [q["key"] for q in body["questions"]] == list(keys)
    for n, (item, question) in enumerate(zip(body["questions"], plan.questions, strict=True)):
        sent = WRONG[question.key] if n % 2 else RIGHT[question.key]
        assert item["answered"] is True
        assert item["response"] == sent
        assert item["correct"] is (n % 2 == 0)
        assert item["answer"] == list(question.answer)
        assert item["prompt"] == question.prompt["zh-Hans"]
        expected = question.explanation["zh-Hans"] if question.explanation else None
        assert item["explanation"] == expected
        shown = [c.key for c in plan.paper.displayed_choices(question)]
        assert [c["key"] for c in item["choices"]] == shown
    multiple = body["questions"][1]
    assert [c["key"] for c in multiple["response_choices"]] == WRONG[MULTIPLE]
    texts = {c.key: c.text["zh-Hans"] for c in plan.questions[1].choices}
    assert [c["text"] for c in multiple["response_choices"]] == [texts[k] for k in WRONG[MULTIPLE]]
    order = body["questions"][4]
    assert [c["key"] for c in order["response_choices"]] == RIGHT[ORDER]  # as they ordered it

    # wrong_only: alice's wrong ones; bob's unanswered text question counts as not right.
    wrong = review(game, alice.token, "?wrong_only=1").json["questions"]
    assert [q["key"] for q in wrong] == [MULTIPLE, TEXT]
    bobs = review(game, bob.token, "?wrong_only=true").json["questions"]
    assert [(q["key"], q["answered"], q["response"]) for q in bobs] == [(TEXT, False, None)]


def test_a_review_speaks_the_readers_language(live_round: Rounds, clock: Clock) -> None:
    game = live_round(rules((SINGLE,)))
    alice = game.players(1)[0]
    game.command("start")
    game.command("close")
    question = game.plan.questions[0]
    for lang in ("zh-Hans", "zh-Hant", "en"):
        item = review(game, alice.token, f"?lang={lang}").json["questions"][0]
        assert item["prompt"] == question.prompt.get(lang, question.prompt["zh-Hans"])
    # zh-Hant comes from OpenCC when the author wrote none; absent: the bank's default.
    assert (
        review(game, alice.token, "?lang=zh-Hant").json["questions"][0]["prompt"]
        == (question.prompt["zh-Hant"])
    )
    default = review(game, alice.token).json
    assert default["lang"] == game.plan.bank.default_locale
    bad = review(game, alice.token, "?lang=fr")
    assert (bad.status_code, bad.json["error"]["code"]) == (422, "invalid")
    assert "lang" in bad.json["error"]["fields"]


def test_a_review_needs_the_contestants_own_token_for_this_round(
    live_round: Rounds, clock: Clock
) -> None:
    game, other = live_round(rules((SINGLE,))), live_round(rules((SINGLE,)))
    alice = game.players(1)[0]
    stranger = other.players(1)[0]
    game.command("start")
    game.command("close")
    assert review(game, None).status_code == 401
    assert review(game, "not-a-token").status_code == 401
    assert review(game, game.token).status_code == 401  # a host's token is no contestant's
    assert review(game, stranger.token).status_code == 403
    assert review(game, alice.token).status_code == 200


# --- self-paced rounds -----------------------------------------------------------------


def test_after_close_review_refuses_everyone_alike_until_the_window_closes(
    windows: Windows, clock: Clock
) -> None:
    game = windows(sp_rules(reveal_answers="after_close"))
    replies = []
    for nickname, response in (("Right", game.right(FIXED[0])), ("Wrong", game.wrong(FIXED[0]))):
        _, token = game.entrant(nickname)
        assert game.next(token).status_code == 200
        assert game.answer(token, FIXED[0], response).status_code == 200
        replies.append((token, response))
    refusals = [refusal(review(game, token)) for token, _ in replies]
    assert refusals[0] == refusals[1]
    assert refusals[0]["error"]["fields"] == {"opens_at": CLOSES}

    clock.now = CLOSES
    for (token, response), correct in zip(replies, (True, False), strict=True):
        body = review(game, token).json
        assert body["reviewable"] == body["total"] == len(FIXED)
        first = body["questions"][0]
        assert (first["key"], first["response"], first["correct"]) == (
            FIXED[0],
            response,
            correct,
        )
        assert [q["answered"] for q in body["questions"]] == [True, False, False, False]


def test_after_answer_review_opens_each_question_once_answered(
    windows: Windows, clock: Clock
) -> None:
    game = windows(sp_rules(reveal_answers="after_answer"))
    alice, token = game.entrant("Alice")
    _, bobs = game.entrant("Bob")
    assert refusal(review(game, token))["error"]["fields"] == {"opens_at": CLOSES}
    game.next(token)
    refusal(review(game, token))  # delivered is not answered
    game.answer(token, FIXED[0], game.wrong(FIXED[0]))
    body = review(game, token).json
    assert (body["contestant"], body["reviewable"]) == (alice, 1)
    item = body["questions"][0]
    question = game.question(FIXED[0])
    assert (item["key"], item["correct"], item["answer"]) == (
        FIXED[0],
        False,
        list(question.answer),
    )
    assert [c["key"] for c in item["answer_choices"]] == list(question.answer)
    # Bob answered nothing: Alice's answer never shows in his review, which stays shut.
    refusal(review(game, bobs))


def test_a_skipped_question_is_reviewed_as_voided_and_left_out_of_wrong_only(
    live_round: Rounds, clock: Clock
) -> None:
    game = live_round(rules((SINGLE, MULTIPLE)))
    alice = game.players(1)[0]
    game.command("start")
    clock.advance(1000)
    alice.answer(SINGLE, RIGHT[SINGLE])
    game.command("skip")
    game.command("next")
    clock.advance(1000)
    alice.answer(MULTIPLE, WRONG[MULTIPLE])
    game.command("close")
    items = review(game, alice.token).json["questions"]
    assert [(q["key"], q["skipped"], q["correct"], q["points"]) for q in items] == [
        (SINGLE, True, False, 0),
        (MULTIPLE, False, False, 0),
    ]
    assert items[0]["response"] == RIGHT[SINGLE]  # what was answered stays readable
    wrong = review(game, alice.token, "?wrong_only=1").json["questions"]
    assert [q["key"] for q in wrong] == [MULTIPLE]
