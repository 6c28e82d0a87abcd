"""The catalogs CI relies on: complete, placeholders intact, Cyrillic pure, built and compiled."""
from __future__ import annotations

import pytest

from l10n import check
from l10n.cyrillic import load_codes, load_exceptions, to_cyrillic

pytestmark = pytest.mark.database_independent


@pytest.mark.parametrize("locale", check.LOCALES)
def test_every_source_string_is_translated(locale):
    assert check.missing(locale) == []


@pytest.mark.parametrize("locale", check.LOCALES)
def test_no_translation_breaks_or_drops_a_placeholder_or_tag(locale):
    assert check.broken_placeholders(locale) == []


def test_the_cyrillic_catalog_holds_no_latin_letters_but_listed_codes():
    assert check.latin_in_cyrillic() == []


def test_the_cyrillic_catalog_is_what_the_build_makes_from_the_latin_one():
    assert check.cyrillic_out_of_date() == []


@pytest.mark.parametrize("locale", check.LOCALES)
def test_the_compiled_catalogs_match_their_sources(locale):
    assert check.compiled_out_of_date(locale) == []


def test_the_template_holds_every_string_of_the_code(tmp_path):
    """A string added to the code without `make translations` shows up here, by name."""
    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po

    fresh = tmp_path / "fresh.pot"
    CommandLineInterface().run([
        "pybabel", "-q", "extract", "-F", str(check.TRANSLATIONS.parent.parent / "l10n" / "babel.cfg"),
        "-k", "_l", "-k", "lazy_gettext", "-k", "ngettext:1,2", "-k", "lazy_ngettext:1,2",
        "--no-location", "-o", str(fresh), str(check.TRANSLATIONS.parent.parent)])
    with fresh.open("rb") as fh:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    with check.TEMPLATE.open("rb") as fh:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert sorted(extracted - known) == [], "new strings: run `make translations` and translate them"


@pytest.mark.parametrize("latin, cyrillic", [
    ("Ljubljana, Njegoševa, džamija", "Љубљана, Његошева, џамија"),
    ("LJUBAV NJIVA DŽEP", "ЉУБАВ ЊИВА ЏЕП"),
    ("injekcija i nadživeti", "инјекција и надживети"),
    ("Slučaj %(ref)s je registrovan sa %(num)d članova.", "Случај %(ref)s је регистрован са %(num)d чланова."),
    ("Preuzmi kao CSV ili XLSX za AVR-CH", "Преузми као CSV или XLSX за AVR-CH"),
    ("<strong>Pažnja</strong> &amp; {0}", "<strong>Пажња</strong> &amp; {0}"),
    ("period 2011-H1", "период 2011-H1"),
])
def test_transliteration_keeps_placeholders_markup_and_codes(latin, cyrillic):
    assert to_cyrillic(latin, load_exceptions(), load_codes()) == cyrillic
