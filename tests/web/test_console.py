"""The organiser console's pages: shells that render for anyone and load their module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"
ENGINE = Path(__file__).resolve().parents[2] / "engine"

PAGES = [
    ("/console", "login.js", "组织者登录"),
    ("/console/banks", "banks.js", "新建题库"),
    ("/console/banks/national-defence", "editor.js", 'data-slug="national-defence"'),
    ("/console/banks/national-defence/versions", "versions.js", "比较两个版本"),
    ("/console/competitions/new", "competition.js", "抽题规则"),
    ("/console/rounds/7", "host.js", 'data-round="7"'),
    ("/console/rounds/7/results", "results.js", 'data-round="7"'),
    ("/console/campaigns", "campaigns.js", "新建活动"),
    ("/console/campaigns/7", "campaign.js", 'data-campaign="7"'),
    ("/console/rounds/7/certificates", "certificates.js", "证书方案"),
    ("/console/rounds/7/draws", "draws.js", 'data-round="7"'),
    ("/console/campaigns/7/draws", "draws.js", 'data-campaign="7"'),
    ("/console/campaigns/7/certificates", "certificates.js", "各场次的证书"),
]


@pytest.mark.parametrize(("path", "script", "text"), PAGES)
def test_every_page_renders_its_shell_and_module(client, path, script, text):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    assert text in html
    assert f'src="/static/console/{script}"' in html
    assert (STATIC / "console" / script).is_file()


def test_every_module_imports_only_files_that_exist():
    for module in (STATIC / "console").glob("*.js"):
        for line in module.read_text().splitlines():
            if line.startswith("} from ") or (line.startswith("import ") and " from " in line):
                target = line.split(" from ")[1].strip(' ";')
                assert (module.parent / target).resolve().is_file(), (module.name, target)


def test_english_is_a_switch_remembered_in_a_cookie(client):
    switched = client.get("/console/lang/en?next=/console/banks")
    assert switched.status_code == 302
    assert switched.headers["Location"] == "/console/banks"
    html = client.get("/console/banks").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "New bank" in html
    assert "新建题库" not in html
    back = client.get("/console/lang/zh-Hans?next=/console/banks")
    assert back.status_code == 302
    assert '<html lang="zh-Hans">' in client.get("/console/banks").get_data(as_text=True)


def test_traditional_chinese_is_a_third_choice(client):
    client.get("/console/lang/zh-Hant?next=/console/banks")
    html = client.get("/console/banks").get_data(as_text=True)
    assert '<html lang="zh-Hant">' in html
    assert "新建題庫" in html
    assert "新建题库" not in html
    regions = client.get("/console/competitions/new").get_data(as_text=True)
    assert "廣州" in regions


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_the_language_switch_never_redirects_off_site(client, target):
    response = client.get(f"/console/lang/en?next={target}")
    assert response.headers["Location"] == "/console"


def test_an_unknown_language_changes_nothing(client):
    client.get("/console/lang/fr")
    assert '<html lang="zh-Hans">' in client.get("/console").get_data(as_text=True)


def test_the_competition_page_offers_every_guangdong_city(client):
    html = client.get("/console/competitions/new").get_data(as_text=True)
    assert html.count('name="region"') == 21
    assert 'value="shenzhen"' in html
    assert "深圳" in html


def test_every_field_has_a_label(client):
    for path, _, _ in PAGES:
        html = client.get(path).get_data(as_text=True)
        ids = {part.split('"')[0] for part in html.split(' id="')[1:]}
        for chunk in html.split("<input")[1:] + html.split("<select")[1:]:
            tag = chunk.split(">")[0]
            if 'type="hidden"' in tag:
                continue
            control_id = tag.split('id="')[1].split('"')[0]
            assert f'for="{control_id}"' in html, (path, control_id)
            assert control_id in ids


def test_the_chart_library_is_vendored_with_its_licence():
    vendor = STATIC / "vendor" / "chart.js"
    assert (vendor / "LICENSE").read_text().startswith("The MIT License")
    assert "4.6.1" in (vendor / "VERSION.txt").read_text()
    assert "Chart.js v4.6.1" in (vendor / "chart.umd.min.js").read_text()[:200]


def test_an_unknown_round_is_a_404_not_a_page(client):
    assert client.get("/console/rounds/not-a-number").status_code == 404


CONSOLE_TEXT = [
    *(STATIC / "console").glob("*.js"),
    *(STATIC.parent / "templates" / "console").glob("*.html"),
]


def call_arguments(text: str, start: int) -> list[str]:
    """The top-level arguments of the call whose "(" is at ``start``."""
    arguments, depth, quote, current = [], 0, None, ""
    at = start
    while at < len(text):
        char = text[at]
        if quote:
            current += char
            if char == "\\":
                current += text[at + 1]
                at += 1
            elif char == quote:
                quote = None
        elif char in "\"'`":
            quote = char
            current += char
        elif char == "(":
            depth += 1
            if depth > 1:
                current += char
        elif char == ")":
            depth -= 1
            if depth == 0:  # a trailing comma leaves nothing after it
                return [*arguments, current.strip()] if current.strip() else arguments
            current += char
        elif char == "," and depth == 1:
            arguments.append(current.strip())
            current = ""
        else:
            current += char
        at += 1
    raise AssertionError("unclosed call")


def test_every_console_text_comes_in_zh_hans_english_and_zh_hant():
    for source in CONSOLE_TEXT:
        text = source.read_text()
        for call in re.finditer(r"(?<![\w.])c?t\(", text):
            arguments = call_arguments(text, call.end() - 1)
            where = (source.name, text[: call.start()].count("\n") + 1)
            if source.name == "common.js" and arguments == ["zh", "en", "hant"]:
                continue  # t() itself
            assert len(arguments) == 3, where
            assert all(argument[0] in "\"'`" for argument in arguments), where
            assert re.search(r"[\u4e00-\u9fff]", arguments[0]) or arguments[0] == arguments[2], (
                where
            )


def bank_problem_samples() -> list[str]:
    """Every message engine/domain/banks.py gives a Problem, with sample values for its
    placeholders (a repr as 'x', what _tags checks as tag, anything else as 5)."""
    tree = ast.parse((ENGINE / "domain" / "banks.py").read_text())
    helpers = {
        node.name: node.body[-1].value
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and isinstance(node.body[-1], ast.Return)
    }

    def sample(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(
                part.value if isinstance(part, ast.Constant) else placeholder(part)
                for part in node.values
            )
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return sample(helpers[node.func.id]) if node.func.id in helpers else None
        return None

    def placeholder(part: ast.FormattedValue) -> str:
        if part.conversion == ord("r"):
            return "'x'"
        if isinstance(part.value, ast.Name) and part.value.id == "what":  # _tags: what it checks
            return "tag"
        return "5"

    messages = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Problem":
            message = sample(node.args[1])
            if message is not None:  # str(error): a normaliser's own words
                messages.append(message)
    return messages


def test_every_problem_with_a_draft_reads_in_chinese():
    patterns = [
        re.compile(found)
        for found in re.findall(
            r"^\s*\[/(\^.*?\$)/,", (STATIC / "console" / "problems.js").read_text(), re.M
        )
    ]
    samples = bank_problem_samples()
    assert len(samples) > 25
    for message in samples:
        assert any(pattern.match(message) for pattern in patterns), message


SERVER_TEXT = STATIC / "console" / "server-text.js"


def refusal_keys() -> set[str]:
    """The keys of server-text.js's REFUSALS: ``code`` or ``code:reason``."""
    table = SERVER_TEXT.read_text().split("const REFUSALS = {", 1)[1].split("\n};", 1)[0]
    return set(re.findall(r'^\s*"?([\w:]+)"?: \[', table, re.M))


def test_every_refusal_of_a_round_a_certificate_or_a_draw_reads_in_chinese():
    """A reason the services give, and a host command's refusal code (engine/domain/
    rounds.py), each have the console's words, so no English reaches a Chinese page."""
    keys = refusal_keys()
    reasons = set()
    for source in (
        ENGINE / "services" / "certificates.py",
        ENGINE / "services" / "lucky_draws.py",
        ENGINE.parent / "web" / "api" / "exports.py",
    ):
        reasons |= set(re.findall(r'reason="(\w+)"', source.read_text()))
    assert len(reasons) >= 10
    worded = {key.split(":", 1)[1] for key in keys if ":" in key}
    assert reasons <= worded, reasons - worded
    tree = ast.parse((ENGINE / "domain" / "rounds.py").read_text())
    refusals = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.AnnAssign | ast.Assign)
        and "_REFUSALS"
        in ast.unparse(node.targets[0] if isinstance(node, ast.Assign) else node.target)
    )
    codes = {key.value for key in refusals.keys}  # type: ignore[union-attr]
    assert codes <= keys, codes - keys


def field_problem_samples(path: Path) -> list[str]:
    """Every text a module gives as a field's problem (a string in a list, or the second
    of a ``(field, problem)`` pair), f-string placeholders sampled as 5."""
    tree = ast.parse(path.read_text())

    def sample(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(p.value if isinstance(p, ast.Constant) else "5" for p in node.values)
        return None

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.List):
            found += [s for s in map(sample, node.elts) if s is not None]
        if (
            isinstance(node, ast.Tuple)
            and len(node.elts) == 2
            and isinstance(node.elts[0], ast.Constant)
        ):
            found += [s for s in [sample(node.elts[1])] if s is not None and " " in s]
    return found


def test_every_field_problem_of_a_certificate_plan_or_a_draw_reads_in_chinese():
    patterns = [
        re.compile(found)
        for found in re.findall(r"^\s*\[/(\^.*?\$)/,", SERVER_TEXT.read_text(), re.M)
    ]
    samples = [
        *field_problem_samples(ENGINE / "domain" / "certificates.py"),
        *field_problem_samples(ENGINE / "domain" / "lucky_draw.py"),
        *field_problem_samples(ENGINE / "services" / "certificates.py"),
        *field_problem_samples(ENGINE / "services" / "lucky_draws.py"),
    ]
    # What `leitai draw verify` says of a file, not a field's problem.
    samples = [s for s in samples if not s.startswith("not a published draw")]
    assert len(samples) > 20
    for message in samples:
        assert any(pattern.match(message) for pattern in patterns), message
