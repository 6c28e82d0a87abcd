"""The case page's tabs. The overview shows the case, its members and its status; each domain adds a
tab of its own (the plan, tasks, notes, grants...) and the history is the last. Each tab is its own
address, `/cases/<id>?tab=<name>`, so that a page reads and shows one thing: short on a phone, and
each page costs what its section does, whatever else the case holds. The PDF case file holds them all."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

OVERVIEW = "overview"
HISTORY = "history"


@dataclass(frozen=True)
class CaseTab:
    name: str  # in its address, and the id of the section it shows
    label: object  # a lazy string
    order: int
    render: Callable[[object], Markup] | None = None  # the case's section; None for the case's own tabs


_OWN = (CaseTab(OVERVIEW, _l("Overview"), 0), CaseTab(HISTORY, _l("History"), 1000))


def add_case_tab(app, name: str, label, order: int, render: Callable[[object], Markup]) -> None:
    """A domain's tab, placed by `order` between the overview (0) and the history (1000)."""
    tabs = _tabs_of(app)
    if any(tab.name == name for tab in tabs):
        raise ValueError(f"the case page has a tab {name!r} already")
    tabs.append(CaseTab(name, label, order, render))
    tabs.sort(key=lambda tab: tab.order)


def _tabs_of(app) -> list[CaseTab]:
    return app.extensions.setdefault("case_tabs", list(_OWN))


def case_tabs() -> list[CaseTab]:
    return _tabs_of(current_app)


def case_tab(name: str) -> CaseTab | None:
    return next((tab for tab in case_tabs() if tab.name == name), None)


def case_tab_url(case_id: int, tab: str = OVERVIEW, anchor: str | None = None) -> str:
    """The address of one tab of a case's page; `anchor` names a part of it (a visit, for one)."""
    return url_for("cases.detail", case_id=case_id, tab=None if tab == OVERVIEW else tab, _anchor=anchor)


class _TabLabels:
    """A tab's label by its name, for the audit trail's record of a view ("Tab: Notes")."""

    def __getitem__(self, name: str):
        tab = case_tab(name)
        if tab is None:
            raise KeyError(name)
        return tab.label


TAB_LABELS = _TabLabels()
