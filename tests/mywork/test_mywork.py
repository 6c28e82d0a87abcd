"""My work: a caseworker's own work, a supervisor's team's, every count linked, constant statements."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import event

from casework.extensions import db
from casework.grants import services as grant_services
from casework.plans import services as plan_services
from casework.referrals import services as referral_services
from casework.tasks import services as task_services
from tests.grants.helpers import submitted
from tests.plans.helpers import written


def _caseload(office, factory, n: int):
    """n more cases of the caseworker's, each with a task, a referral, a grant sent back; half past the plan
    deadline."""
    provider = referral_services.create_provider({"name": f"Centre {n}", "provider_type": "public",
                                                  "services": "Counselling"}, actor=office.admin)
    for i in range(n):
        arrival = date.today() - timedelta(days=10 if i % 2 else 90)
        case = factory.case(office.ch, arrival=arrival, actor=office.caseworker)
        case.caseworker_id = office.caseworker.id
        task_services.add_task(case, f"Call family {i}", date.today() - timedelta(days=1), office.caseworker.id)
        plan = written(case, office.caseworker)
        referral_services.send_referral(plan.items[1], provider, consent=True, consent_on=date.today(),
                                        consent_person_id=case.principal.id, actor=office.caseworker)
        grant = submitted(office, case=case)
        grant_services.decide(grant, office.supervisor, "sent_back", reason="Add a quote")
    db.session.commit()


def _statements(client, url):
    count = [0]

    def counter(*args):
        count[0] += 1

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return count[0]


def test_the_caseworker_lands_on_their_work_and_every_count_links_to_its_list(office, factory, client, auth):
    _caseload(office, factory, 2)
    auth.login("caseworker")
    assert client.get("/").headers["Location"].endswith("/my-work/")
    page = client.get("/my-work/").get_data(as_text=True)
    assert "Call family 0" in page and "Overdue" in page
    links = dict((href, int(n)) for href, n in re.findall(r'<a href="([^"]+)"><strong>(\d+)</strong>', page))
    assert links["/tasks/?view=overdue"] == 4  # two by hand, two plan items past their target date
    assert links["/my-work/plans-overdue"] == 1 and links["/my-work/sent-back"] == 2
    assert links["/my-work/referrals"] == 2 and links["/my-work/cases/arrived"] == 2
    assert page.count("Call family") == 2
    for href, n in links.items():
        listed = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
        main = listed.split("<main", 1)[1]
        rows = main.count('<li class="task') if href.startswith("/tasks/") else main.count("<li><a href")
        assert rows == n, href


def test_a_caseworker_sees_only_their_own_cases(office, factory, client, auth):
    _caseload(office, factory, 1)
    other = factory.user("other", "caseworker", [office.ch])
    db.session.commit()
    auth.login("other")
    page = client.get("/my-work/").get_data(as_text=True)
    assert "Call family 0" not in page and '<strong>0</strong> overdue tasks' in page
    assert other.id


def test_the_supervisor_sees_the_team_the_queue_and_plans_awaiting_approval(office, factory, client, auth):
    _caseload(office, factory, 2)
    plan = written(office.ch_case, office.caseworker)
    plan_services.submit_plan(plan, actor=office.caseworker)
    submitted(office)
    db.session.commit()
    auth.login("supervisor2")
    page = client.get("/my-work/").get_data(as_text=True)
    assert "my team" in page and "Call family 1" in page
    assert re.search(r'href="/plans/awaiting"><strong>1</strong>', page)
    assert re.search(r'href="/grants/queue"><strong>1</strong>', page)


def test_my_work_runs_the_same_number_of_statements_whatever_the_caseload(office, factory, client, auth):
    _caseload(office, factory, 2)
    auth.login("caseworker")
    small = _statements(client, "/my-work/")
    _caseload(office, factory, 12)
    large = _statements(client, "/my-work/")
    assert small == large
    auth.logout()
    auth.login("supervisor")
    small_team = _statements(client, "/my-work/")
    _caseload(office, factory, 3)
    assert _statements(client, "/my-work/") == small_team


def test_a_count_stops_at_the_cap_and_says_so(office, factory, client, auth, monkeypatch):
    from casework.mywork import queries

    _caseload(office, factory, 2)
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    auth.login("caseworker")
    page = client.get("/my-work/").get_data(as_text=True)
    assert '<strong>3+</strong> overdue tasks' in page  # four overdue, counted up to three
    assert '<a href="/my-work/sent-back"><strong>2</strong>' in page  # under the cap: the number itself
    auth.logout()
    submitted(office)
    submitted(office).submitted_at = None  # a legacy grant, its submission unknown: the queue's first stretch
    db.session.commit()
    auth.login("supervisor2")
    page = client.get("/my-work/").get_data(as_text=True)
    assert '<a href="/grants/queue"><strong>2</strong>' in page  # both stretches of the queue, summed
    submitted(office)
    submitted(office)
    db.session.commit()
    page = client.get("/my-work/").get_data(as_text=True)
    assert '<a href="/grants/queue"><strong>3+</strong>' in page


def _count_lines(page) -> dict[str, tuple[int, str]]:
    return {href: (int(n), text.strip()) for href, n, text in
            re.findall(r'<a href="([^"]+)"><strong>(\d+)</strong>([^<]+)</a>', page)}


def test_each_count_line_agrees_with_its_number_in_english_and_serbian(office, factory, client, auth):
    _caseload(office, factory, 1)
    auth.login("caseworker")
    english = {"/tasks/?view=overdue": ("overdue task", "overdue tasks"),
               "/my-work/plans-overdue": ("case without an approved plan past the deadline",
                                          "cases without an approved plan past the deadline"),
               "/my-work/sent-back": ("grant sent back", "grants sent back"),
               "/my-work/referrals": ("referral awaiting an answer", "referrals awaiting an answer")}
    lines = _count_lines(client.get("/my-work/").get_data(as_text=True))
    assert {lines[href][0] for href in english} >= {1, 2}  # a singular and a plural among them
    for href, (one, many) in english.items():
        n, text = lines[href]
        assert text == (one if n == 1 else many), href
    # Serbian has three forms: 1 (and 21, 31...), 2-4, and the rest.
    serbian = {"/tasks/?view=overdue": ("zadatak kojem je istekao rok", "zadatka kojima je istekao rok",
                                        "zadataka kojima je istekao rok"),
               "/my-work/plans-overdue": ("slučaj bez odobrenog plana posle roka",
                                          "slučaja bez odobrenog plana posle roka",
                                          "slučajeva bez odobrenog plana posle roka"),
               "/my-work/sent-back": ("reintegraciona pomoć vraćena na doradu",
                                      "reintegracione pomoći vraćene na doradu",
                                      "reintegracionih pomoći vraćenih na doradu"),
               "/my-work/referrals": ("upućivanje čeka odgovor", "upućivanja čekaju odgovor",
                                      "upućivanja čeka odgovor")}
    client.post("/language", data={"locale": "sr_Latn", "next": "/my-work/"})
    lines = _count_lines(client.get("/my-work/").get_data(as_text=True))
    for href, forms in serbian.items():
        n, text = lines[href]
        form = 0 if n % 10 == 1 and n % 100 != 11 else 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2
        assert text == forms[form], href
    client.post("/language", data={"locale": "sr_Cyrl", "next": "/my-work/"})
    lines = _count_lines(client.get("/my-work/").get_data(as_text=True))
    assert lines["/my-work/sent-back"] == (1, "реинтеграциона помоћ враћена на дораду")


def test_the_page_follows_a_new_plan_deadline_and_a_new_programme_of_the_user(office, factory, client, auth):
    from casework.programmes.services import update_programme

    for programme in (office.ch, office.uk):  # arrived 40 days ago, no plan
        case = factory.case(programme, arrival=date.today() - timedelta(days=40), actor=office.admin)
        case.caseworker_id = office.caseworker.id
    db.session.commit()
    auth.login("caseworker")

    def past_deadline():
        return _count_lines(client.get("/my-work/").get_data(as_text=True))["/my-work/plans-overdue"][0]

    assert past_deadline() == 1  # the programme's plan is due 30 days after arrival
    update_programme(office.ch, {"plan_due_days": 60}, actor=office.admin)
    db.session.commit()
    assert past_deadline() == 0
    office.caseworker.programmes.append(office.uk)
    db.session.commit()
    assert past_deadline() == 1  # the case of the programme the caseworker now works on


def test_a_list_shows_its_first_lines_in_order_and_counts_them_all(office, factory, client, auth, monkeypatch):
    from casework.mywork import queries

    _caseload(office, factory, 3)  # six overdue tasks: three by hand, three plan items
    monkeypatch.setattr(queries, "SHOWN", 2)
    auth.login("caseworker")
    page = client.get("/my-work/").get_data(as_text=True)
    assert '<strong>6</strong> overdue tasks' in page
    overdue = page.split('id="overdue"', 1)[1].split('id="soon"', 1)[0]
    days = re.findall(r'<time datetime="([\d-]+)"', overdue)
    assert len(days) == 2  # the first two of six
    every = sorted(re.findall(r'<time datetime="([\d-]+)"',
                              client.get("/tasks/?view=overdue").get_data(as_text=True)))
    assert len(every) == 6 and days == every[:2]  # the two due first
    assert '<strong>3</strong> referrals awaiting an answer' in page
    referrals = page.split("<h2>Referrals awaiting an answer", 1)[1].split("</ul>", 1)[0]
    assert referrals.count("<li><a") == 2
