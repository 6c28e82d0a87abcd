"""Logging in as a demo account of the demo office (the passwords its load wrote)."""
from __future__ import annotations

import os


def demo_login(client, instance_path: str, username: str):
    with open(os.path.join(instance_path, "demo-passwords.txt")) as handle:
        passwords = dict(line.split(": ", 1) for line in handle.read().splitlines() if not line.startswith("#"))
    return client.post("/login", data={"username": username, "password": passwords[username]})
