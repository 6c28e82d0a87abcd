import pytest

from casework.search.normalize import normalize, prefix_range, search_key, search_key_given_first

pytestmark = pytest.mark.database_independent


@pytest.mark.parametrize("spelling", ["Djordjevic", "dordevic", "ĐORĐEVIĆ", "Ђорђевић", "Đorđević", "DJORDJEVIC"])
def test_every_spelling_of_djordjevic_has_one_form(spelling):
    assert normalize(spelling) == "dordevic"


def test_cyrillic_digraphs_become_latin_digraphs():
    assert normalize("Љубић") == normalize("Ljubic") == "ljubic"
    assert normalize("Његош") == normalize("Njegos") == "njegos"
    assert normalize("Џамоња") == normalize("Džamonja") == normalize("Dzamonja") == "dzamonja"


def test_diacritics_fold():
    assert normalize("Šećerović") == normalize("Secerovic") == normalize("Шећеровић") == "secerovic"
    assert normalize("Žarko Čolić") == "zarko colic"


def test_hyphens_and_spaces_are_one_space():
    assert normalize("  Petrović-Jovanović ") == normalize("petrovic   jovanovic") == "petrovic jovanovic"


def test_keys_in_both_orders():
    assert search_key("Đorđević", "Milan") == "dordevic milan"
    assert search_key_given_first("Đorđević", "Milan") == "milan dordevic"
    assert normalize("") == search_key(None, None) == ""


def test_prefix_range_holds_exactly_the_prefixed_keys():
    low, high = prefix_range("dor")
    assert low <= "dordevic milan" < high
    assert not (low <= "dos" < high)
    assert not (low <= "do" < high)
