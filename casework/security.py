"""HSTS when served over HTTPS, Secure cookies behind HTTPS, and session lifetimes.

A session ends after CASEWORK_IDLE_TIMEOUT seconds without a request and, in any case,
CASEWORK_ABSOLUTE_TIMEOUT seconds after login.
"""
from __future__ import annotations

import time

from flask import Flask, request, session
from flask_login import current_user, logout_user

DEFAULTS = {
    "CASEWORK_IDLE_TIMEOUT": 30 * 60,
    "CASEWORK_ABSOLUTE_TIMEOUT": 12 * 60 * 60,
    "CASEWORK_HSTS_MAX_AGE": 365 * 24 * 60 * 60,
}


def add_security_headers(response):
    """HSTS over HTTPS and a few more browser restrictions.

    The Content-Security-Policy, nosniff, Referrer-Policy, X-Frame-Options and no-store for
    logged-in pages come from casework.templating."""
    headers = response.headers
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        from flask import current_app

        headers.setdefault("Strict-Transport-Security",
                           f"max-age={current_app.config['CASEWORK_HSTS_MAX_AGE']}; includeSubDomains")
    return response


def enforce_session_lifetime():
    """Log out a session that has been idle or alive too long; stamp the rest."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    from flask import current_app

    now = int(time.time())
    started = session.get("_started")
    seen = session.get("_seen")
    idle = current_app.config["CASEWORK_IDLE_TIMEOUT"]
    absolute = current_app.config["CASEWORK_ABSOLUTE_TIMEOUT"]
    if started is None:
        session["_started"] = started = now
    if (seen is not None and now - seen > idle) or now - started > absolute:
        record = getattr(current_user, "current_session", None)
        if record is not None:
            from casework.extensions import db
            from casework.transactions import run_in_transaction

            run_in_transaction(lambda: db.session.delete(record))  # the server forgets the session too
        logout_user()
        session.clear()
        from casework.extensions import login_manager

        return login_manager.unauthorized()
    session["_seen"] = now
    return None


def refuse_nul_bytes():
    """No text the product stores or looks up contains a NUL byte, and PostgreSQL refuses one in
    a query: a request carrying one in its query string or form is bad input, answered 400."""
    from flask import abort, request

    values = list(request.args.values())
    if request.method == "POST" and request.mimetype != "multipart/form-data":
        values += list(request.form.values())
    if any("\x00" in value for value in values):
        abort(400)


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if app.config.get("PREFERRED_URL_SCHEME") == "https":
        app.config.setdefault("SESSION_COOKIE_SECURE", True)
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.before_request(refuse_nul_bytes)
    app.before_request(enforce_session_lifetime)
    app.after_request(add_security_headers)
