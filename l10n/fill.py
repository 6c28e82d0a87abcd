"""Fill translations into the Latin catalog from a tab-separated file: `msgid<TAB>translation`.

    python -m l10n.fill new-strings.tsv && make translations

Plural forms are separated by " || " (three for Serbian: one, few, other). A convenience for
translating the list that `make translations` prints; editing messages.po directly works too.
"""
from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po

from l10n.cyrillic import LATIN_PO


def main(argv: list[str]) -> int:
    pairs = {}
    for line in open(argv[0], encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            source, _tab, text = line.rstrip("\n").partition("\t")
            pairs[source] = text
    with LATIN_PO.open("rb") as fh:
        catalog = read_po(fh, locale="sr_Latn")
    done = 0
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0]
        if message.id and key in pairs:
            forms = [f.strip() for f in pairs.pop(key).split("||")]
            message.string = tuple(forms) if isinstance(message.id, (list, tuple)) else forms[0]
            message.flags.discard("fuzzy")
            done += 1
    with LATIN_PO.open("wb") as fh:
        write_po(fh, catalog, width=100)
    for source in pairs:
        print(f"not in the catalog: {source!r}")
    print(f"{done} translation(s) filled")
    return 1 if pairs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
