"""axe-core in the browser tests: every page state a test walks is audited, and a serious
or critical violation of WCAG 2.1 A/AA fails the test.

axe-core is vendored (tests/browser/vendor/axe-core, see its README), never fetched at
test time. The pages allow only their own scripts (``script-src 'self'``), so axe is not
added as a ``<script>``: Playwright hands its source to the page over the DevTools
protocol (``Runtime.evaluate``), which a page's Content-Security-Policy does not govern,
and only when a state is audited — no other page pays for parsing 650 kB.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = ("serious", "critical")

SETTLE = """Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getComputedTiming().endTime - (a.currentTime ?? 0) < 5000)
    .map(a => a.finished.catch(() => null)))"""


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page: Page) -> list[dict]:
    """axe's serious and critical WCAG 2.1 A/AA violations on the page as it stands."""
    # Colours read mid-fade are not the page's: let short animations finish first.
    page.evaluate(SETTLE)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    found = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})
            .then(result => result.violations)""",
        TAGS,
    )
    return [v for v in found if v["impact"] in FAILING]


def describe(found: list[dict]) -> str:
    lines = []
    for violation in found:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page, label: str) -> None:
    """Fail with a readable list (rule, impact, targets, help URL) of the serious and
    critical WCAG 2.1 A/AA violations axe finds on ``page``, named ``label``."""
    found = violations(page)
    assert not found, f"axe: {label} ({page.url}):\n{describe(found)}"
