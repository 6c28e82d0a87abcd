"""Confirming a previewed import and following its page until the import's job has ended."""
from __future__ import annotations

import time

from casework.extensions import db

WAIT = 120  # seconds: the job is a process of its own, which starts the application first


def confirm_and_wait(client, token: str):
    """Confirm the upload `token`, then read its page (as the browser's refresh does) until the job
    is done or failed; the last page."""
    response = client.post("/imports/confirm", data={"upload": token})
    assert response.status_code == 302, response.status_code
    return follow(client, response.headers["Location"])


def follow(client, location: str):
    deadline = time.monotonic() + WAIT
    while True:
        db.session.rollback()  # the test's session spans requests: see what the job committed
        page = client.get(location)
        if page.status_code != 200 or 'http-equiv="refresh"' not in page.get_data(as_text=True):
            return page
        assert time.monotonic() < deadline, "the import did not end"
        time.sleep(0.2)
