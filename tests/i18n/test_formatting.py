"""Dates, numbers, money, plurals and history in the reader's language, through the pages."""
from __future__ import annotations

import re
from datetime import date

from casework.cases.services import change_status
from casework.extensions import db
from tests.factories import PASSWORD
from tests.grants import helpers


def _login(client, username, locale):
    client.post("/language", data={"locale": locale, "next": "/login"})
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302


def _history(html: str) -> str:
    return html[html.index('class="timeline'):]


def test_case_page_in_latin_shows_serbian_dates_labels_and_names_as_typed(client, office, factory):
    case = factory.case(office.ch, arrival=date(2011, 3, 7), municipality="Ђорђевац", members=[
        factory.person("Đorđević", "Đorđe", born=date(1975, 12, 24))])
    change_status(case, "reintegration", actor=office.caseworker)
    db.session.commit()
    _login(client, "caseworker", "sr_Latn")
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "07.03.2011." in html and "24.12.1975." in html
    assert "Đorđević, Đorđe" in html and "Ђорђевац" in html  # never transliterated, either way
    assert "Nosilac zahteva" in html and "Muški" in html
    history = _history(client.get(f"/cases/{case.id}?tab=history").get_data(as_text=True))
    assert "Status: Vratio se → Reintegracija u toku" in history
    assert "arrived" not in history and "reintegration" not in history.replace("Reintegracija", "")


def test_case_page_in_cyrillic_keeps_latin_names_latin(client, office):
    _login(client, "caseworker", "sr_Cyrl")
    html = client.get(f"/cases/{office.ch_case.id}").get_data(as_text=True)
    assert "Petrović, Marko" in html and "Petrović, Jelena" in html
    assert "Носилац захтева" in html and "Супружник" in html and "Женски" in html
    assert "01.05.2010." in html


def test_grant_history_shows_labels_not_codes(client, office):
    grant = helpers.proposed(office, person=False, amount="3050.50")
    _login(client, "caseworker", "en")
    history = _history(client.get(f"/grants/{grant.id}").get_data(as_text=True))
    assert "person_id" not in history and "None" not in history and "business" not in history
    assert "Category: Business / income generation" in history and "Requested amount: 3,050.50" in history


def test_grant_history_names_the_beneficiary_and_the_decision_in_serbian(client, office):
    grant = helpers.approved(office, amount="1200.00")
    _login(client, "caseworker", "sr_Latn")
    history = _history(client.get(f"/grants/{grant.id}").get_data(as_text=True))
    assert "Korisnik: Marko Petrović" in history and "Traženi iznos: 1.200,00" in history
    assert "Korak: Odluka nadzornika" in history and "Ishod: Odobreno u celosti" in history
    assert "Broj dopisa donatora: FOM-1" in history
    assert "supervisor:" not in history and "approved" not in history


def test_money_in_the_readers_locale(client, office):
    grant = helpers.proposed(office, amount="3050.50")
    _login(client, "caseworker", "sr_Latn")
    html = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "3.050,50 CHF" in html
    _login_en = client.post("/language", data={"locale": "en", "next": "/dashboard"})
    assert _login_en.status_code == 302
    assert "CHF 3,050.50" in client.get(f"/grants/{grant.id}").get_data(as_text=True)


def test_three_plural_forms_in_serbian_and_two_in_english(client, office, factory):
    _login(client, "caseworker", "sr_Latn")
    token = _token(client.get("/cases/new").get_data(as_text=True))
    client.locale_tag = "sr"

    def register(n):  # a new family each time, so that no likely duplicate holds the form
        data = {"csrf_token": token, "programme_id": office.ch.id, "arrival_date": "2011-06-15",
                "municipality": "Niš", "sending_country": "CH"}
        for i in range(n):
            data.update({f"members-{i}-family_name": f"Kostić{n}{client.locale_tag}", f"members-{i}-given_name": f"Ime{i}",
                         f"members-{i}-sex": "F", f"members-{i}-birth": "1980",
                         f"members-{i}-relationship": "principal" if i == 0 else "child",
                         f"members-{i}-travelled": "y"})
        return client.post("/cases/new", data=data, follow_redirects=True).get_data(as_text=True)

    assert re.search(r"registrovan sa 1 članom\.", register(1))
    assert re.search(r"registrovan sa 3 člana\.", register(3))
    assert re.search(r"registrovan sa 5 članova\.", register(5))
    client.post("/language", data={"locale": "en", "next": "/dashboard"})
    client.locale_tag = "en"
    assert re.search(r"registered with 1 member\.", register(1))


def test_date_fields_are_date_inputs(client, office):
    _login(client, "caseworker", "en")
    html = client.get("/cases/new").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="arrival_date"[^>]*type="date"|<input[^>]*type="date"[^>]*id="arrival_date"', html)


def _token(html):
    from tests.conftest import csrf_token_from

    return csrf_token_from(html)


def test_form_errors_of_wtforms_itself_are_in_the_chosen_script(client, office):
    """WTForms' own Serbian is Latin only; the Cyrillic page must not show it."""
    _login(client, "caseworker", "sr_Cyrl")
    token = _token(client.get("/cases/new").get_data(as_text=True))
    html = client.post("/cases/new", data={"csrf_token": token, "programme_id": office.ch.id,
                                           "members-0-family_name": "", "members-0-given_name": "Ана",
                                           "members-0-sex": "F", "members-0-birth": "1980",
                                           "members-0-relationship": "principal"}).get_data(as_text=True)
    assert "Ово поље је обавезно." in html
    assert "Ovo polje je obavezno." not in html and "This field is required." not in html


def test_dates_and_amounts_print_as_babel_prints_them_in_every_language(app):
    """The day filter writes Serbian dates itself and money texts are kept once made: both print
    exactly what Babel's CLDR patterns print, in each language and script."""
    from decimal import Decimal

    from babel.dates import format_date
    from babel.numbers import format_currency
    from flask_babel import force_locale

    from casework.db import format_money
    from casework.templating import format_day

    days = [date(2011, 3, 7), date(1999, 12, 31), date(2026, 1, 1)]
    with app.test_request_context("/"):
        for locale, pattern in (("en", "yyyy-MM-dd"), ("sr_Latn", "dd.MM.yyyy."), ("sr_Cyrl", "dd.MM.yyyy.")):
            with force_locale(locale):
                assert [format_day(d) for d in days] == [format_date(d, pattern, locale=locale) for d in days]
                money = "¤¤\xa0#,##0.00" if locale == "en" else "#,##0.00\xa0¤¤"
                for amount in (Decimal("2500.5"), Decimal("-1000"), Decimal("1234567.89"), Decimal("-0.00")):
                    twice = [format_money(amount, "CHF") for _ in range(2)]
                    expected = format_currency(amount + 0, "CHF", format=money, locale=locale,
                                               currency_digits=False).replace("\xa0", " ")
                    assert twice == [expected, expected], (locale, amount)
                # As the reader sees them.
                assert format_day(date(2011, 3, 7)) == ("2011-03-07" if locale == "en" else "07.03.2011.")
                assert format_money(Decimal("2500.5"), "CHF") == (
                    "CHF 2,500.50" if locale == "en" else "2.500,50 CHF")
                # Without a currency, the number alone, its sign against it.
                assert format_money(Decimal("-1000"), "") == ("-1,000.00" if locale == "en" else "-1.000,00")
