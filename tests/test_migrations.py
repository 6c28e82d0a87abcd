"""Migrations: empty → head, no difference from the models, head → base."""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from casework.extensions import db
from tests.conftest import OWN_DATABASE_KINDS, make_app, own_database


@pytest.fixture
def empty_database_url(tmp_path):
    with own_database(OWN_DATABASE_KINDS[0], tmp_path) as url:
        yield url


def test_upgrade_matches_models_and_downgrades_to_base(empty_database_url, tmp_path):
    app = make_app(empty_database_url, tmp_path / "instance")
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        tables = set(inspect(db.engine).get_table_names())
        assert {"cases", "persons", "programmes", "users", "grants", "audit_events"} <= tables

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_db_check_command_passes(empty_database_url, tmp_path):
    app = make_app(empty_database_url, tmp_path / "instance")
    runner = app.test_cli_runner()
    with app.app_context():
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        result = runner.invoke(args=["db", "check"])
        assert result.exit_code == 0, result.output
        db.engine.dispose()


VERSIONS = os.path.join(os.path.dirname(__file__), os.pardir, "migrations", "versions")


def _revisions() -> list[tuple[str, str, str | None]]:
    """(file, revision, down_revision) of every migration file, in file-name order."""
    import ast

    out = []
    for name in sorted(os.listdir(VERSIONS)):
        if name.endswith(".py"):
            tree = ast.parse(open(os.path.join(VERSIONS, name), encoding="utf-8").read())
            values = {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
                      if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                      and node.targets[0].id in ("revision", "down_revision")}
            out.append((name, values["revision"], values["down_revision"]))
    return out


def test_migration_files_sort_in_the_order_they_apply():
    revisions = _revisions()
    assert revisions[0][2] is None
    for (_, previous, _), (name, _, down) in zip(revisions, revisions[1:]):
        assert down == previous, f"{name} applies after {down}, but its file sorts after {previous}'s"


def test_migrations_import_no_application_code():
    """A migration runs against the schema as it was when it was written, never today's models."""
    import ast

    for name, _, _ in _revisions():
        tree = ast.parse(open(os.path.join(VERSIONS, name), encoding="utf-8").read())
        imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [module for module in imported if module.split(".")[0] in ("casework", "tests")], name


def _approved_twice(o, provider_kind: str):
    """The Swiss case's plan approved on two dates, an item added before each; the two dates."""
    from datetime import UTC, datetime

    from casework.plans import services as plans

    first, second = datetime(2010, 12, 31, 23, 30, tzinfo=UTC), datetime(2011, 3, 1, 9, tzinfo=UTC)
    for at, item_type in ((first, "micro_business"), (second, "legal")):
        plans.add_item(o.ch_case, {"item_type": item_type, "goal": "A goal", "provider_kind": provider_kind},
                       actor=o.caseworker)
        plan = plans.plan_of(o.ch_case)
        plans.submit_plan(plan, actor=o.caseworker)
        plans.decide_plan(plan, o.supervisor, "approved", at=at)
    return first, second


def test_plan_items_take_their_first_approval_from_the_stored_versions(empty_database_url, tmp_path):
    """Migration 0820 dates every approved item by the earliest approved version holding it."""
    from casework.plans import services as plans
    from casework.plans.models import PlanItem
    from tests import factories

    app = make_app(empty_database_url, tmp_path / "instance")
    with app.app_context():
        upgrade()
        o = factories.office()
        first, second = _approved_twice(o, "office")
        plans.add_item(o.ch_case, {"item_type": "housing", "goal": "Never approved", "provider_kind": "office"},
                       actor=o.caseworker)
        db.session.commit()
        db.session.remove()
        downgrade(revision="0780")
        upgrade()
        rows = {item.item_type.value: item.first_approved_at for item in db.session.query(PlanItem)}
        assert rows == {"micro_business": first, "legal": second, "housing": None}
        db.session.remove()
        db.engine.dispose()


def test_cases_take_their_first_plan_approval_and_awaiting_referrals_from_what_they_hold(empty_database_url,
                                                                                       tmp_path):
    """Migrations 0880 and 0890 fill what a case keeps for My work: the first approval of its plan
    (from the stored versions, not the plan's latest approval) and its referrals awaiting an answer."""
    from datetime import date

    from casework.cases.models import Case
    from casework.plans import services as plans
    from casework.referrals import services as referrals
    from tests import factories

    app = make_app(empty_database_url, tmp_path / "instance")
    with app.app_context():
        upgrade()
        o = factories.office()
        first, second = _approved_twice(o, "referral")
        plan = plans.plan_of(o.ch_case)
        provider = referrals.create_provider({"name": "Centre", "provider_type": "public", "services": "Jobs"},
                                             actor=o.admin)
        sent = [referrals.send_referral(item, provider, consent=True, consent_on=date(2011, 3, 2),
                                        consent_person_id=o.ch_case.principal.id, sent_on=date(2011, 3, 2),
                                        actor=o.caseworker) for item in plan.items]
        referrals.answer_referral(sent[0], "refused", date(2011, 3, 9), actor=o.caseworker)
        db.session.commit()
        case_id, other_id = o.ch_case.id, o.uk_case.id
        db.session.remove()
        downgrade(revision="0870")
        upgrade()
        kept = {case.id: (case.plan_approved_at, case.referrals_awaiting) for case in db.session.query(Case)}
        assert kept[case_id] == (first, 1) and kept[other_id] == (None, 0)
        db.session.remove()
        db.engine.dispose()
