"""What the language tests read: the English sources, a page's visible strings, Latin words."""
from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

from babel.messages.pofile import read_po

from l10n import check
from l10n.cyrillic import load_codes

_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


@lru_cache
def english_sources(locale: str) -> frozenset[str]:
    """English source strings (no placeholders) whose translation in `locale` differs from them:
    seeing one of these on a Serbian page means it was not translated."""
    with check.po_path(locale).open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    sources = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for source in ids:
            if "%" not in source and source not in forms:
                sources.add(source.strip())
    return frozenset(sources)


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.strings, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._skip += 1
        attrs = dict(attrs)
        for name in _ATTRIBUTES:
            if attrs.get(name):
                self.strings.append(attrs[name].strip())
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.strings.append(attrs["value"].strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.strings.append(" ".join(data.split()))


def visible_strings(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return parser.strings


def untranslated(html: str, locale: str, typed=frozenset()) -> list[str]:
    """The visible strings of a page that are exactly an English source (values people typed,
    such as a user called "Supervisor", are data, not strings of the interface)."""
    sources = english_sources(locale) - set(typed)
    found = []
    for text in visible_strings(html):
        for piece in {text, text.rstrip(":."), text.strip("()")}:
            if piece in sources:
                found.append(piece)
                break
    return found


_LATIN_WORD = re.compile(r"[A-Za-zČĆĐŠŽčćđšž][A-Za-z0-9ČĆĐŠŽčćđšž\-]*")


def latin_words(text: str, typed: list[str] = ()) -> list[str]:
    """Latin words in a Cyrillic page's text, once values people typed and listed codes are taken out."""
    for value in sorted(typed, key=len, reverse=True):
        text = text.replace(value, " ")
    codes = load_codes()
    return [w for w in _LATIN_WORD.findall(text) if w not in codes and not re.fullmatch(r"[A-Z][A-Z0-9-]*-\d{4}-\d{4}", w)]
