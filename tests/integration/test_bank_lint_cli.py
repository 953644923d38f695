"""``leitai bank lint``: findings per item, --strict for CI of bank repositories."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_bank_cli import invoke

CLEAN_ENOUGH = """\
format: leitai-bank/1
slug: lint-bank
title: {zh-Hans: 测试题库}
default_locale: zh-Hans
questions:
  - key: q1
    type: single
    prompt: {zh-Hans: 八一起义发生在哪座城市？, zh-Hant: 八一起義發生在哪座城市？}
    choices:
      - {key: a, text: {zh-Hans: 北京, zh-Hant: 北京}}
      - {key: b, text: {zh-Hans: 南昌, zh-Hant: 南昌}}
    answer: [b]
    difficulty: 2
    enemies: [nanchang]
    source: 书
  - key: q2
    type: true_false
    prompt: {zh-Hans: 南昌起义发生在1927年。, zh-Hant: 南昌起義發生在1927年。}
    answer: [true]
    difficulty: 2
    enemies: [nanchang]
    source: 书
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_clean_bank_passes_even_strict(app, tmp_path):
    result = invoke(app, "bank", "lint", write(tmp_path, CLEAN_ENOUGH), "--strict")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("0 errors, 0 warnings, 0 notes\n")


def test_warnings_fail_only_under_strict_and_name_the_item(app, tmp_path):
    leaky = CLEAN_ENOUGH.replace("    enemies: [nanchang]\n", "").replace(
        "南昌起义发生在1927年。, zh-Hant: 南昌起義發生在1927年。", "这次起义发生在1927年。"
    )
    path = write(tmp_path, leaky)
    relaxed = invoke(app, "bank", "lint", path)
    assert relaxed.exit_code == 0, relaxed.output
    lines = relaxed.output.splitlines()
    assert f"{path}: q2 warning [missing-locale] no zh-Hant text in prompt" in lines[0]
    assert lines[-1] == f"{path}: 0 errors, 1 warnings, 0 notes"
    strict = invoke(app, "bank", "lint", path, "--strict")
    assert strict.exit_code == 1


def test_a_rule_raised_to_error_fails_without_strict(app, tmp_path):
    config = tmp_path / "lint.yaml"
    config.write_text("severity: {missing-locale: error}\n", encoding="utf-8")
    path = write(tmp_path, CLEAN_ENOUGH.replace(", zh-Hant: 南昌起義發生在1927年。", ""))
    result = invoke(app, "bank", "lint", path, "--config", config)
    assert result.exit_code == 1
    assert "1 errors, 0 warnings" in result.output


def test_a_bad_config_or_bank_is_named_and_nothing_is_linted(app, tmp_path):
    config = tmp_path / "lint.yaml"
    config.write_text("alpah: 0.1\n", encoding="utf-8")
    result = invoke(app, "bank", "lint", write(tmp_path, CLEAN_ENOUGH), "--config", config)
    assert result.exit_code == 1
    assert f"{config}: alpah: is not a lint setting" in result.output
    broken = write(tmp_path, CLEAN_ENOUGH.replace("answer: [b]", "answer: [z]"))
    result = invoke(app, "bank", "lint", broken)
    assert result.exit_code == 1
    assert "no choice has the key 'z'" in result.output


def test_a_slug_lints_the_draft_and_an_unknown_slug_fails(app, wired, tmp_path):
    assert invoke(app, "bank", "import", write(tmp_path, CLEAN_ENOUGH)).exit_code == 0
    result = invoke(app, "bank", "lint", "lint-bank", "--strict")
    assert result.exit_code == 0, result.output
    assert result.output == "lint-bank: 0 errors, 0 warnings, 0 notes\n"
    missing = invoke(app, "bank", "lint", "no-such-bank")
    assert missing.exit_code == 1
    assert "no-such-bank" in missing.output


def test_the_seed_banks_lint_clean_under_strict(app):
    seeds = Path(__file__).parents[2] / "question_banks"
    for slug in ("national-defence", "cantonese-folk-songs"):
        result = invoke(app, "bank", "lint", seeds / slug, "--strict")
        assert result.exit_code == 0, result.output
        assert ": 0 errors, 0 warnings, " in result.output.splitlines()[-1]
