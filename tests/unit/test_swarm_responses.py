"""The swarm answers every question of the seed bank validly: a refused response would be
counted as a lost answer and blamed on the server."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType

from engine.adapters.bankfile import load_bank_file
from engine.domain.checking import check_answer
from engine.domain.drawing import DrawRule, draw_paper
from engine.services.views import question_view

ROOT = Path(__file__).resolve().parents[2]


def load(name: str) -> ModuleType:
    """load_tests/ is a folder of scripts, not a package: import them by path."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "load_tests" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_every_question_type_of_the_seed_bank_gets_a_response_the_checker_takes():
    load("engineio_client")
    swarm = load("swarm")
    bank = load_bank_file(ROOT / "question_banks" / "cantonese-folk-songs" / "bank.yaml").content
    rng = random.Random(6)
    kinds = set()
    for index, question in enumerate(bank.questions):
        # One paper per question: enemy groups keep some of them off a shared paper.
        rule = DrawRule.from_dict({"kind": "fixed", "keys": [question.key]})
        paper = draw_paper(rule, bank, round_seed="seed", contestant=None)
        shown = question_view(question, paper, index, len(bank.questions), lambda digest: digest)
        for _ in range(5):
            response = swarm.response_for(shown, rng)
            check_answer(question, response, partial_credit=True)  # raises if refused
        kinds.add(question.type.value)
    assert kinds == {"single", "multiple", "true_false", "text", "order"}
