"""HTML question text (Moodle's default) made plain, per language where it says so.

Moodle keeps several languages in one text with its multilang filter:
``<span lang="en" class="multilang">...</span>``; each span is that language's text.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from engine.domain.questions import LOCALES

#: Moodle's language packs for Leitai's locales; a Leitai tag is accepted too.
MOODLE_LANGS = {"zh-Hans": "zh_cn", "zh-Hant": "zh_tw", "en": "en"}
_LOCALE_OF = {
    **{code: locale for locale, code in MOODLE_LANGS.items()},
    **{locale.lower(): locale for locale in LOCALES},
}
_BREAKS = frozenset({"br", "p", "div", "li", "tr"})


class _Text(HTMLParser):
    """Collects text, per multilang span when there are such spans."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: dict[str | None, list[str]] = {None: []}
        self._lang: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self._lang is not None:
            self._depth += tag == "span"
        elif tag == "span" and "multilang" in (found.get("class") or "").split():
            self._lang = (found.get("lang") or "").lower()
            self._depth = 1
            self.parts.setdefault(self._lang, [])
        if tag in _BREAKS:
            self._write("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._lang is not None and tag == "span":
            self._depth -= 1
            if self._depth == 0:
                self._lang = None
        if tag in _BREAKS - {"br"}:
            self._write("\n")

    def handle_data(self, data: str) -> None:
        self._write(data)

    def _write(self, text: str) -> None:
        self.parts[self._lang].append(text)


def _tidy(parts: list[str]) -> str:
    text = "".join(parts)
    return re.sub(r"\n\s*\n+", "\n", text).strip()


def plain_text(markup: str) -> str:
    """All the text of an HTML fragment, line breaks kept."""
    reader = _Text()
    reader.feed(markup)
    reader.close()
    return _tidy([part for parts in reader.parts.values() for part in parts])


def localized_text(markup: str, default_locale: str) -> dict[str, str]:
    """Text per locale: multilang spans by language, else everything in the default."""
    reader = _Text()
    reader.feed(markup)
    reader.close()
    spans = {lang: _tidy(parts) for lang, parts in reader.parts.items() if lang is not None}
    if not spans:
        return {default_locale: _tidy(reader.parts[None])}
    return {_LOCALE_OF.get(lang, lang): text for lang, text in spans.items()}


def to_html(texts: dict[str, str]) -> str:
    """One locale as escaped text; several as multilang spans, one per locale."""

    def escaped(text: str) -> str:
        return html.escape(text, quote=False).replace("\n", "<br>")

    if len(texts) == 1:
        return escaped(next(iter(texts.values())))
    return "".join(
        f'<span lang="{MOODLE_LANGS.get(locale, locale)}" class="multilang">{escaped(text)}</span>'
        for locale, text in texts.items()
    )
