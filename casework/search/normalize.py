"""The one normalisation for names, used for stored search keys and for queries alike.

Serbian Cyrillic is transliterated to Latin; diacritics are folded (č ć → c, š → s, ž → z);
Đ and the Latin spelling Dj both become d, so "Đorđević", "Djordjevic", "Dordevic" and
"Ђорђевић" share one key; case is folded; hyphens, apostrophes and runs of spaces count as
one space. Keys hold only a-z, 0-9 and single spaces.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z", "и": "i",
    "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
}
# Letters NFKD does not decompose into a base letter and a mark.
SPECIAL = {"đ": "d", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "ı": "i", "þ": "th"}
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—'’`´.,_/]+")
_NOT_KEY = re.compile(r"[^a-z0-9 ]")

MAX_KEY = 220


# Cyrillic letters to Latin and the letters NFKD leaves alone, in one table for str.translate.
_FOLD = {ord(k): "".join(SPECIAL.get(c, c) for c in v) for k, v in CYRILLIC.items()}
_FOLD.update({ord(k): v for k, v in SPECIAL.items()})


@lru_cache(maxsize=65536)  # names repeat: a hundred thousand rows hold a few thousand family names
def normalize(text: str | None) -> str:
    """The search form of a name or a query: "Đorđević-Šećerović" → "dordevic secerovic"."""
    if not text:
        return ""
    folded = text.casefold().translate(_FOLD)
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = _SEPARATORS.sub(" ", folded)
    folded = _NOT_KEY.sub("", folded)
    # Latin "dj" is how Đ is written without diacritics: the same letter as đ → d.
    folded = folded.replace("dj", "d")
    return " ".join(folded.split())


def search_key(family_name: str | None, given_name: str | None) -> str:
    """Family name first: the key a prefix search on the family name uses."""
    return " ".join(filter(None, (normalize(family_name), normalize(given_name))))[:MAX_KEY]


def search_key_given_first(family_name: str | None, given_name: str | None) -> str:
    """Given name first, so "Milan Djordjevic" finds Đorđević Milan too."""
    return " ".join(filter(None, (normalize(given_name), normalize(family_name))))[:MAX_KEY]


def prefix_range(prefix: str) -> tuple[str, str]:
    """[low, high) bounds that hold every key starting with prefix, so an index range scan finds them."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)
