"""Build the Serbian Cyrillic catalog from the Latin one, deterministically.

    python -m l10n.cyrillic            # writes casework/translations/sr_Cyrl/LC_MESSAGES/messages.po

Serbian Latin to Cyrillic is letter for letter except the digraphs lj, nj and dž, which are
one letter (љ, њ, џ) almost always; the words where they are two letters (injekcija,
nadživeti, konjugacija...) are listed in l10n/exceptions.txt, reviewed by a translator.
Placeholders (%(name)s, %s, {0}), HTML tags and entities, and the codes and abbreviations
listed in l10n/codes.txt (CHF, PDF, AVR-CH...) are copied untouched.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "casework" / "translations"
LATIN_PO = TRANSLATIONS / "sr_Latn" / "LC_MESSAGES" / "messages.po"
CYRILLIC_PO = TRANSLATIONS / "sr_Cyrl" / "LC_MESSAGES" / "messages.po"
EXCEPTIONS = Path(__file__).with_name("exceptions.txt")
CODES = Path(__file__).with_name("codes.txt")

_SINGLE = dict(zip(
    "abcčćdđefghijklmnoprsštuvzž",
    "абцчћдђефгхијклмнопрсштувзж",
))
_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ"}
# Placeholders, tags, entities and URLs: never transliterated.
_PROTECTED = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr%]"   # %(name)s, %(num)d
    r"|%[sdifr%]"                                                  # %s, %d
    r"|\{[A-Za-z0-9_]*\}"                                          # {0}, {name}
    r"|<[^>]*>"                                                    # <strong>, </a>
    r"|&[a-zA-Z]+;|&#\d+;"                                         # &amp;
    r"|https?://\S+"
)
_WORD = re.compile(r"[A-Za-zČĆĐŠŽčćđšžǅǈǋ][A-Za-z0-9ČĆĐŠŽčćđšž\-]*")


def read_list(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def load_exceptions(path: Path = EXCEPTIONS) -> dict[str, str]:
    """Latin word (lower case) → its Cyrillic spelling, for words the rules get wrong."""
    table = {}
    for line in read_list(path):
        latin, _sep, cyrillic = line.partition("=")
        if latin.strip() and cyrillic.strip():
            table[latin.strip().lower()] = cyrillic.strip()
    return table


def load_codes(path: Path = CODES) -> set[str]:
    return set(read_list(path))


def _letters(word: str) -> str:
    out, i, lower = [], 0, word.lower()
    while i < len(word):
        pair = lower[i:i + 2]
        if pair in _DIGRAPHS:
            letter = _DIGRAPHS[pair]
            out.append(letter.upper() if word[i].isupper() else letter)
            i += 2
            continue
        ch = word[i]
        mapped = _SINGLE.get(ch.lower())
        if mapped is None:
            out.append(ch)  # digits, dashes, anything not Serbian Latin
        else:
            out.append(mapped.upper() if ch.isupper() else mapped)
        i += 1
    return "".join(out)


def _with_case(model: str, cyrillic: str) -> str:
    if model.isupper() and len(model) > 1:
        return cyrillic.upper()
    if model[:1].isupper():
        return cyrillic[:1].upper() + cyrillic[1:]
    return cyrillic


def word_to_cyrillic(word: str, exceptions: dict[str, str], codes: set[str]) -> str:
    if word in codes:
        return word
    exception = exceptions.get(word.lower())
    if exception is not None:
        return _with_case(word, exception)
    return _letters(word)


def to_cyrillic(text: str, exceptions: dict[str, str] | None = None, codes: set[str] | None = None) -> str:
    """Serbian Latin text in Cyrillic, leaving placeholders, markup and listed codes as they are."""
    exceptions = load_exceptions() if exceptions is None else exceptions
    codes = load_codes() if codes is None else codes
    out, last = [], 0
    for match in _PROTECTED.finditer(text):
        out.append(_plain(text[last:match.start()], exceptions, codes))
        out.append(match.group())
        last = match.end()
    out.append(_plain(text[last:], exceptions, codes))
    return "".join(out)


def _plain(text: str, exceptions, codes) -> str:
    return _WORD.sub(lambda m: word_to_cyrillic(m.group(), exceptions, codes), text)


def build_catalog(latin_po: Path = LATIN_PO):
    """The Cyrillic catalog for the Latin one, as a Babel Catalog (nothing written)."""
    exceptions, codes = load_exceptions(), load_codes()
    with latin_po.open("rb") as fh:
        catalog = read_po(fh, locale="sr_Latn")
    catalog.locale = "sr_Cyrl"
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.string, (list, tuple)):
            message.string = tuple(to_cyrillic(s, exceptions, codes) for s in message.string)
        elif message.string:
            message.string = to_cyrillic(message.string, exceptions, codes)
    return catalog


def render(catalog) -> bytes:
    from io import BytesIO

    buffer = BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False, include_previous=False)
    return buffer.getvalue()


def main(argv=None) -> int:
    catalog = build_catalog()
    CYRILLIC_PO.parent.mkdir(parents=True, exist_ok=True)
    CYRILLIC_PO.write_bytes(render(catalog))
    print(f"wrote {CYRILLIC_PO.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
