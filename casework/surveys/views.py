"""Sustainability surveys in the application: for now, the command line only."""
from __future__ import annotations


def init_app(app):
    from casework.surveys import cli

    app.extensions["cli_groups"].append(cli.surveys_cli)
