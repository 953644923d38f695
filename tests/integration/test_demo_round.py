"""The round ``leitai demo`` opens, in-process on the seed banks: shuffled options.

The demo is what a first-time visitor sees; options in authored order would let a
crowd learn where the key usually is (docs/bank-lint.md, answer-position).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from engine.domain.drawing import option_order, shuffle_seed, shuffles_options
from web.cli import cli
from web.demo import BANK, QUESTIONS, demo_host, open_demo_round

SEED_BANK = Path(__file__).parents[2] / "question_banks" / BANK


def test_the_demo_round_shuffles_every_choice_question_per_contestant(app, wired):
    imported = CliRunner().invoke(cli, ["bank", "import", str(SEED_BANK)], obj={"app": app})
    assert imported.exit_code == 0, imported.output
    host, _ = demo_host(wired)
    plan = open_demo_round(wired, host, None)
    assert plan.rules.draw.shuffle_options is True
    assert len(plan.questions) == QUESTIONS
    choice = [q for q in plan.questions if q.choices]
    assert choice
    assert all(shuffles_options(plan.rules.draw, q) for q in choice)
    seeds = [shuffle_seed(plan.seed, f"contestant-{n}") for n in range(40)]
    for question in choice:
        orders = {option_order(question, seed) for seed in seeds}
        assert len(orders) > 1, question.key  # forty phones, not all in one order
        assert all(sorted(order) == sorted(question.choice_keys()) for order in orders)
