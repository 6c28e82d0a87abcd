"""The audit search writes the summaries of coded actions in labels, in the administrator's language."""
from __future__ import annotations

import io
from datetime import date

import pytest
from babel.support import Translations

from casework.extensions import db
from l10n.check import TRANSLATIONS
from tests.helpers_i18n import untranslated

# How these summaries are stored: from codes, in English.
CODED = ["business ", "supervisor: approved", "donor: approved", "(letter FOM-1 of", "in kind", "receipt: Receipt",
         "payment_in_kind", "audit trail as CSV", "CHF 300.00"]


@pytest.fixture
def trail(office):
    from casework.documents.services import Upload, set_requirement
    from casework.grants.services import record_disbursement
    from tests.grants.helpers import approved

    set_requirement(office.ch, "payment_in_kind", "receipt", actor=office.admin)
    grant = approved(office)  # AVR-CH: the supervisor's review, then the donor's letter FOM-1
    record_disbursement(grant, office.caseworker, paid_on=date.today(), amount="300", mode="in_kind",
                        receipt_reference="R-7", receipt=Upload(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "r.pdf"))
    db.session.commit()
    return grant


def test_in_english_the_summaries_read_as_labels_too(client, auth, trail):
    auth.login("admin")
    html = client.get("/admin/audit").get_data(as_text=True)
    for line in ("Business / income generation CHF 2,000.00", "Supervisor review: Approved in full CHF 2,000.00",
                 "Donor decision: Approved in full CHF 2,000.00 (letter FOM-1 of", "CHF 300.00 In kind ",
                 "Receipt or handover certificate: Receipt for the payment",
                 "A payment in kind: no document → Receipt or handover certificate"):
        assert line in html, line


@pytest.mark.parametrize("locale", ["sr_Latn", "sr_Cyrl"])
def test_in_serbian_no_summary_is_english_built_from_codes(client, auth, trail, locale):
    gettext = Translations.load(str(TRANSLATIONS), [locale]).gettext
    client.post("/language", data={"locale": locale, "next": "/login"})
    auth.login("admin")
    client.get("/admin/audit.csv")  # records "audit trail as CSV"
    html = client.get("/admin/audit").get_data(as_text=True)
    for coded in CODED:
        assert coded not in html, coded
    for label in ("Supervisor review", "Donor decision", "Approved in full", "In kind", "A payment in kind",
                  "Receipt or handover certificate", "document uploaded", "document requirement set",
                  "audit trail as CSV"):
        assert gettext(label) != label and gettext(label) in html, label
    assert "2.000,00 CHF" in html and "300,00 CHF" in html  # amounts as the reader writes them
    assert untranslated(html, locale, {"AVR-CH", "admin", "caseworker", "supervisor", "supervisor2"}) == []
