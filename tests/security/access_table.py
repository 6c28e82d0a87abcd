"""Who may use which route: the expected outcome of every endpoint × method × role.

The matrix test (test_access_matrix.py) fails when app.url_map has an endpoint or method
that is missing here, so every new route must be given its rule in this table.

Outcomes:
  ok     served (any 2xx/3xx/400/404 from the view itself, but never 401/403/5xx)
  login  redirected to the login page
  403    refused
  404    the object belongs to another programme, so it does not exist for this user
"""
ROLES = ("anonymous", "caseworker_a", "caseworker_b", "supervisor", "donor", "admin")


def row(anonymous, caseworker_a, caseworker_b, supervisor, donor, admin):
    return dict(zip(ROLES, (anonymous, caseworker_a, caseworker_b, supervisor, donor, admin)))


EVERYONE = row("ok", "ok", "ok", "ok", "ok", "ok")
LOGGED_IN = row("login", "ok", "ok", "ok", "ok", "ok")
STAFF = row("login", "ok", "ok", "ok", "403", "ok")
# Routes about one case of programme A: a caseworker of programme B must not learn it exists.
CASE_A = row("login", "ok", "404", "ok", "403", "ok")
ADMIN = row("login", "403", "403", "403", "403", "ok")
SUPERVISION = row("login", "403", "403", "ok", "403", "ok")
REPORTS = row("login", "403", "403", "ok", "ok", "ok")
DECIDERS = row("login", "403", "403", "ok", "403", "403")
# Deciding: supervisors; an administrator only records a donor's letter that no supervisor may enter
# (the view answers 403 for any other step).
DECIDING = row("login", "403", "403", "ok", "403", "ok")

ACCESS = {
    ("case_exports.export", "GET"): STAFF,
    ("grants.index", "GET"): STAFF,
    ("grants.queue", "GET"): DECIDERS,
    ("grants.new", "GET"): CASE_A,
    ("grants.new", "POST"): CASE_A,
    ("grants.detail", "GET"): CASE_A,
    ("grants.edit", "GET"): CASE_A,
    ("grants.edit", "POST"): CASE_A,
    ("grants.submit", "POST"): CASE_A,
    ("grants.cancel", "POST"): CASE_A,
    ("grants.disburse", "POST"): CASE_A,
    ("grants.decide", "GET"): DECIDING,
    ("grants.decide", "POST"): DECIDING,
    ("grants.reverse_payment", "POST"): CASE_A,
    ("notes.add", "POST"): CASE_A,
    ("notes.edit", "GET"): CASE_A,
    ("notes.edit", "POST"): CASE_A,
    ("plans.detail", "GET"): CASE_A,
    ("plans.add_item", "POST"): CASE_A,
    ("plans.edit_item", "GET"): CASE_A,
    ("plans.edit_item", "POST"): CASE_A,
    ("plans.remove_item", "POST"): CASE_A,
    ("plans.item_status", "POST"): CASE_A,
    ("plans.link_grant", "POST"): CASE_A,
    ("plans.submit", "POST"): CASE_A,
    ("plans.decide", "POST"): DECIDERS,
    ("plans.version", "GET"): CASE_A,
    ("plans.awaiting", "GET"): DECIDERS,
    ("referrals.send", "POST"): CASE_A,
    ("referrals.answer", "POST"): CASE_A,
    ("referrals.providers", "GET"): ADMIN,
    ("referrals.providers", "POST"): ADMIN,
    ("referrals.edit_provider", "GET"): ADMIN,
    ("referrals.edit_provider", "POST"): ADMIN,
    ("tasks.index", "GET"): STAFF,
    ("tasks.add", "POST"): CASE_A,
    ("tasks.close", "POST"): STAFF,
    ("mywork.index", "GET"): STAFF,
    ("mywork.cases", "GET"): STAFF,
    ("mywork.section", "GET"): STAFF,
    ("casefile.pdf", "GET"): CASE_A,
    ("documents.new", "GET"): CASE_A,
    ("documents.new", "POST"): CASE_A,
    ("documents.download", "GET"): CASE_A,
    ("documents.thumbnail", "GET"): CASE_A,
    ("documents.remove", "POST"): CASE_A,
    ("documents.requirements", "GET"): ADMIN,
    ("documents.requirements", "POST"): ADMIN,
    ("documents.remove_requirement", "POST"): ADMIN,
    ("monitoring.schedules", "GET"): SUPERVISION,
    ("monitoring.schedule", "GET"): SUPERVISION,
    ("monitoring.schedule", "POST"): SUPERVISION,
    ("monitoring.new_visit", "GET"): CASE_A,
    ("monitoring.new_visit", "POST"): CASE_A,
    ("monitoring.resolve", "POST"): SUPERVISION,
    ("surveys.instruments", "GET"): ADMIN,
    ("surveys.version", "GET"): ADMIN,
    ("surveys.record", "GET"): CASE_A,
    ("surveys.record", "POST"): CASE_A,
    ("static", "GET"): EVERYONE,
    ("dashboard.root", "GET"): EVERYONE,
    ("dashboard.index", "GET"): LOGGED_IN,
    ("auth.login", "GET"): EVERYONE,
    ("auth.login", "POST"): EVERYONE,
    ("auth.logout", "POST"): LOGGED_IN,
    ("auth.language", "POST"): EVERYONE,
    ("auth.account", "GET"): LOGGED_IN,
    ("auth.sessions", "GET"): LOGGED_IN,
    ("auth.end_session", "POST"): LOGGED_IN,
    ("auth.end_all_sessions", "POST"): LOGGED_IN,
    ("auth.password", "GET"): LOGGED_IN,
    ("auth.password", "POST"): LOGGED_IN,
    ("admin.user_sessions", "GET"): ADMIN,
    ("admin.end_user_session", "POST"): ADMIN,
    ("admin.end_user_sessions", "POST"): ADMIN,
    ("cases.index", "GET"): STAFF,
    ("cases.new", "GET"): STAFF,
    ("cases.new", "POST"): STAFF,
    ("cases.detail", "GET"): CASE_A,
    ("cases.edit", "GET"): CASE_A,
    ("cases.edit", "POST"): CASE_A,
    ("cases.change_status", "POST"): CASE_A,
    ("cases.add_person", "GET"): CASE_A,
    ("cases.add_person", "POST"): CASE_A,
    ("cases.edit_person", "GET"): CASE_A,
    ("cases.edit_person", "POST"): CASE_A,
    ("admin.programmes_index", "GET"): ADMIN,
    ("admin.audit", "GET"): ADMIN,
    ("admin.audit_export", "GET"): ADMIN,
    ("admin.programmes_new", "GET"): ADMIN,
    ("admin.programmes_new", "POST"): ADMIN,
    ("admin.programmes_edit", "GET"): ADMIN,
    ("admin.programmes_edit", "POST"): ADMIN,
    ("admin.programmes_cap", "POST"): ADMIN,
    ("admin.users_index", "GET"): ADMIN,
    ("admin.users_new", "GET"): ADMIN,
    ("admin.users_new", "POST"): ADMIN,
    ("admin.users_edit", "GET"): ADMIN,
    ("admin.users_edit", "POST"): ADMIN,
    ("admin.users_password", "POST"): ADMIN,
    ("admin.users_deactivate", "POST"): ADMIN,
    ("imports.index", "GET"): SUPERVISION,
    ("imports.index", "POST"): SUPERVISION,
    ("imports.confirm", "POST"): SUPERVISION,
    ("imports.cancel", "POST"): SUPERVISION,
    ("imports.errors", "GET"): SUPERVISION,
    ("imports.status", "GET"): SUPERVISION,
    ("reports.index", "GET"): REPORTS,
    ("reports.totals", "GET"): REPORTS,
    ("reports.export", "GET"): REPORTS,
    ("reports.submit", "POST"): REPORTS,
    ("reports.submitted", "GET"): REPORTS,
    ("reports.submitted_export", "GET"): REPORTS,
}
