"""Steps that browser tests share: logging in and filling a family member's row."""
from __future__ import annotations

from tests import factories


def login(page, url, username):
    page.goto(url + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")


def logout(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login*")


def fill_member(page, index, family, given, sex, birth, relationship):
    page.fill(f"#members-{index}-family_name", family)
    page.fill(f"#members-{index}-given_name", given)
    page.select_option(f"#members-{index}-sex", sex)
    page.fill(f"#members-{index}-birth", birth)
    page.select_option(f"#members-{index}-relationship", relationship)


def open_tab(page, label):
    """Open a tab of the case page as a user does: its link in the case's tabs."""
    page.locator("nav.case-tabs").get_by_role("link", name=label, exact=True).click()
    page.wait_for_selector(f'nav.case-tabs a[aria-current="page"]:text-is("{label}")')


def page_width(page) -> int:
    """How wide the page is laid out, once it has loaded with its style sheet: measured before, a
    page still unstyled may be wider than it will be."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")
