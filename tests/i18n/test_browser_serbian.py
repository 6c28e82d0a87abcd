"""The office's walk in Serbian, in a real browser, once in Cyrillic and once in Latin.

Switch language on the login page, log in, register a family, propose a grant, then (as the
supervisor) open the programme's report and export it. Every page and every export reads in the
chosen script, nothing is left in English, and screenshots are kept under test-results/i18n/.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from babel.support import Translations
from openpyxl import load_workbook

from l10n.check import TRANSLATIONS
from tests import factories
from tests.browser_steps import fill_member, open_tab
from tests.helpers_i18n import latin_words, untranslated

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "i18n"
SWITCHER = {"sr_Cyrl": "Српски", "sr_Latn": "Srpski"}
LANG = {"sr_Cyrl": "sr-Cyrl", "sr_Latn": "sr-Latn"}
# What people typed, and the office's data: shown as entered, never translated or transliterated.
TYPED = ["Hadžić", "Emir", "Selma", "Novi Pazar", "Otvaranje pekare u Novom Pazaru.", "Programme AVR-CH",
         "Programme VARRP-UK", "Swiss Federal Office for Migration", "Caseworker", "Supervisor", "caseworker",
         "supervisor", "Petrović", "Marko", "Jelena", "Niš", "casework",
         "English", "Srpski", "UK Home Office"]  # the switcher names each language in itself


def _t(locale):
    translations = Translations.load(str(TRANSLATIONS), [locale])
    return translations.gettext


def _check(text: str, html: str, locale: str, where: str):
    assert untranslated(html, locale, TYPED) == [], where
    if locale == "sr_Cyrl":
        assert latin_words(text, TYPED) == [], where


def _page(page, locale, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{locale}-{name}.png"), full_page=True)
    assert page.locator("html").get_attribute("lang") == LANG[locale]
    _check(page.inner_text("body"), page.content(), locale, name)


def _log_in(page, url, locale, username):
    _ = _t(locale)
    page.goto(url + "/login")
    page.get_by_role("button", name=SWITCHER[locale]).click()
    page.wait_for_selector(f'html[lang="{LANG[locale]}"]')
    _page(page, locale, f"login-{username}")
    page.get_by_label(_("Username")).fill(username)
    page.get_by_label(_("Password")).fill(factories.PASSWORD)
    page.get_by_role("button", name=_("Log in")).click()
    page.wait_for_url("**/dashboard")
    _page(page, locale, f"dashboard-{username}")


@pytest.mark.parametrize("locale", ["sr_Cyrl", "sr_Latn"])
def test_the_office_walk_in_serbian(seeded, page, locale, tmp_path):
    _ = _t(locale)
    url = seeded.url
    _log_in(page, url, locale, "caseworker")

    page.get_by_role("link", name=_("Register a case")).first.click()
    _page(page, locale, "case-new")
    page.fill("#arrival_date", "2011-06-15")
    page.fill("#municipality", "Novi Pazar")
    page.fill("#sending_country", "CH")
    fill_member(page, 0, "Hadžić", "Emir", "M", "1976", "principal")
    page.get_by_role("button", name=_("Add a family member")).click()
    fill_member(page, 1, "Hadžić", "Selma", "F", "02.02.1979", "spouse")
    page.get_by_role("button", name=_("Register the case")).click()
    page.wait_for_selector("table.members")
    assert page.locator("table.members tbody tr").count() == 2
    assert "15.06.2011." in page.inner_text("body")
    _page(page, locale, "case")
    for tab in ("Plan", "Tasks", "Notes", "Monitoring", "Surveys", "Documents", "History", "Grants"):
        open_tab(page, _(tab))
        _page(page, locale, f"case-{tab.lower()}")

    page.get_by_text(_("Propose a grant")).first.click()
    page.get_by_label(_("Category")).select_option("business")
    page.get_by_label(_("Beneficiary")).select_option(label="Emir Hadžić")
    page.get_by_label(_("Plan or justification")).fill("Otvaranje pekare u Novom Pazaru.")
    page.get_by_label(_("Requested amount")).fill("3000")
    page.get_by_role("button", name=_("Propose the grant")).click()
    page.wait_for_selector("text=" + _("Grant proposed as a draft; submit it when it is ready."))
    assert "3.000,00 CHF" in page.inner_text("body")
    _page(page, locale, "grant")
    page.get_by_role("button", name=_("Log out")).click()
    page.wait_for_url("**/login*")
    _page(page, locale, "logged-out")

    _log_in(page, url, locale, "supervisor")
    page.get_by_role("link", name=_("Reports")).first.click()
    page.goto(url + "/reports/?programme=AVR-CH&period=2011")
    _page(page, locale, "report")
    for fmt, name in (("pdf", "PDF"), ("xlsx", "XLSX"), ("csv", "CSV (zip)"), ("json", "JSON")):
        with page.expect_download() as download:
            page.get_by_role("link", name=name, exact=True).click()
        path = tmp_path / f"report.{fmt}"
        download.value.save_as(path)
        _check_export(path, fmt, locale)


def _check_export(path: Path, fmt: str, locale: str):
    _ = _t(locale)
    if fmt == "csv":
        archive = zipfile.ZipFile(path)
        all_headers = []
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8-sig")
            headers = text.splitlines()[0]
            all_headers += headers.split(",")
            _check(headers, "".join(f"<td>{h}</td>" for h in headers.split(",")), locale, name)
        assert _("Sex") in all_headers and _("Category") in all_headers
    elif fmt == "xlsx":
        book = load_workbook(io.BytesIO(path.read_bytes()))
        for sheet in book.worksheets:
            cells = [str(c.value) for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
            text = " ".join(cells + [sheet.title])
            _check(text, "".join(f"<td>{c}</td>" for c in cells), locale, sheet.title)
        assert _("Totals")[:31] in book.sheetnames
    elif fmt == "pdf":
        if not shutil.which("pdftotext"):
            pytest.fail("pdftotext (poppler-utils) is needed to read the PDF")
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert _("Cases and persons assisted") in text
        _check(text, "".join(f"<p>{line}</p>" for line in text.splitlines()), locale, "pdf")
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        # DejaVu has every letter of Serbian Latin (čćđšž) and Cyrillic; each font is embedded.
        rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
        assert any("DejaVu-Sans" in row[0] for row in rows)
        assert all("DejaVu" in row[0] and row[-5] == "yes" for row in rows), fonts
    else:
        import json

        data = json.loads(path.read_text(encoding="utf-8"))
        assert data  # figures under stable keys: labels of the JSON are the codes of the format
