"""The catalog checks that CI runs (tests/i18n/test_catalogs.py) and `make translations` prints.

    python -m l10n.check

Each check returns a list of readable problems, empty when the catalogs are sound:
every string of the template translated in both catalogs, no placeholder or tag broken or
dropped, no Latin letter in the Cyrillic catalog outside the listed codes, the Cyrillic catalog
exactly what the build makes from the Latin one, and the compiled .mo files matching the .po.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from l10n.cyrillic import (
    _PROTECTED,
    _WORD,
    CYRILLIC_PO,
    TRANSLATIONS,
    build_catalog,
    load_codes,
    render,
)

TEMPLATE = TRANSLATIONS / "messages.pot"
LOCALES = ("sr_Latn", "sr_Cyrl")
_PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[A-Za-z0-9_]*\}")
_TAG = re.compile(r"<[^>]*>")


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def _read(path: Path, locale=None):
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _key(message):
    return message.id if isinstance(message.id, str) else message.id[0]


def missing(locale: str) -> list[str]:
    """Source strings with no (or a fuzzy, or an incomplete plural) translation."""
    template = _read(TEMPLATE)
    catalog = _read(po_path(locale), locale)
    problems = []
    for source in template:
        if not source.id:
            continue
        found = catalog.get(source.id, source.context)
        if found is None or found.fuzzy or not all(_forms(found)):
            problems.append(f"{locale}: not translated: {_key(source)!r}")
        elif isinstance(source.id, (list, tuple)) and len(_forms(found)) != catalog.num_plurals:
            problems.append(f"{locale}: needs {catalog.num_plurals} plural forms: {_key(source)!r}")
    return problems


def broken_placeholders(locale: str) -> list[str]:
    """Translations whose placeholders or tags differ from their source's."""
    problems = []
    for message in _read(po_path(locale), locale):
        if not message.id or not message.string:
            continue
        source = message.id[-1] if isinstance(message.id, (list, tuple)) else message.id
        want = sorted(set(_PLACEHOLDER.findall(source)))
        want_tags = sorted(_TAG.findall(source))
        for text in _forms(message):
            if not text:
                continue
            got = sorted(set(_PLACEHOLDER.findall(text)))
            if got != want:
                problems.append(f"{locale}: placeholders {got} instead of {want}: {_key(message)!r}")
            elif text.count("%(") != sum(text.count(p) for p in set(_PLACEHOLDER.findall(text)) if p.startswith("%(")):
                problems.append(f"{locale}: a broken placeholder in {text!r}")
            if sorted(_TAG.findall(text)) != want_tags:
                problems.append(f"{locale}: HTML tags differ from the source: {_key(message)!r}")
    return problems


def latin_in_cyrillic() -> list[str]:
    """Cyrillic translations holding Latin letters outside placeholders, markup and listed codes."""
    codes = load_codes()
    problems = []
    for message in _read(CYRILLIC_PO, "sr_Cyrl"):
        if not message.id:
            continue
        for text in _forms(message):
            rest = _PROTECTED.sub(" ", text or "")
            leftovers = [w for w in _WORD.findall(rest) if w not in codes]
            if leftovers:
                problems.append(f"sr_Cyrl: Latin letters {leftovers} in {text!r} (list real codes in l10n/codes.txt)")
    return problems


def cyrillic_out_of_date() -> list[str]:
    if not CYRILLIC_PO.exists() or render(build_catalog()) != CYRILLIC_PO.read_bytes():
        return ["sr_Cyrl: messages.po is not what the build makes from sr_Latn; run `make translations`"]
    return []


def _plain(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def compiled_out_of_date(locale: str) -> list[str]:
    """The .mo file must hold exactly the .po's translations (compile: `make translations`)."""
    mo = po_path(locale).with_suffix(".mo")
    if not mo.exists():
        return [f"{locale}: {mo.relative_to(TRANSLATIONS.parent.parent)} missing; run `make compile-translations`"]
    with mo.open("rb") as fh:
        compiled = {_plain(m.id): _plain(m.string) for m in read_mo(fh) if m.id}
    source = {_plain(m.id): _plain(m.string) for m in _read(po_path(locale), locale)
              if m.id and not m.fuzzy and all(_forms(m))}
    if compiled != source:
        return [f"{locale}: the compiled catalog differs from messages.po; run `make compile-translations`"]
    return []


def all_problems() -> list[str]:
    problems = []
    for locale in LOCALES:
        problems += missing(locale) + broken_placeholders(locale)
    problems += latin_in_cyrillic() + cyrillic_out_of_date()
    for locale in LOCALES:
        problems += compiled_out_of_date(locale)
    return problems


def main() -> int:
    problems = all_problems()
    for line in problems:
        print(line)
    print(f"{len(problems)} problem(s) in the catalogs" if problems else "catalogs complete and consistent")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
