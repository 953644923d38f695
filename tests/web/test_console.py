"""The organiser console's pages: shells that render for anyone and load their module."""

from __future__ import annotations

from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"

PAGES = [
    ("/console", "login.js", "组织者登录"),
    ("/console/banks", "banks.js", "新建题库"),
    ("/console/banks/national-defence", "editor.js", 'data-slug="national-defence"'),
    ("/console/banks/national-defence/versions", "versions.js", "比较两个版本"),
    ("/console/competitions/new", "competition.js", "抽题规则"),
    ("/console/rounds/7", "host.js", 'data-round="7"'),
    ("/console/rounds/7/results", "results.js", 'data-round="7"'),
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
