"""`casework documents purge | require | check`."""
from __future__ import annotations

import hashlib

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from casework.documents.models import DocumentType, RequirementStep

documents_cli = click.Group("documents", help="Documents attached to cases.")


@documents_cli.command("purge")
@click.option("--after-days", type=click.IntRange(min=0), default=None,
              help="Purge documents removed at least this many days ago "
                   "(default: CASEWORK_DOCUMENT_PURGE_AFTER_DAYS, 90).")
@with_appcontext
def purge(after_days):
    """Delete the content of removed documents after the set period; their records stay."""
    from casework.cli import run_service
    from casework.documents.services import purge_removed

    count = run_service(lambda: purge_removed(after_days=after_days))
    click.echo(f"Content of {count} removed document{'s' if count != 1 else ''} purged.")


@documents_cli.command("require")
@click.option("--programme", "code", required=True)
@click.option("--step", required=True, type=click.Choice([s.value for s in RequirementStep]))
@click.option("--type", "document_type", required=True,
              type=click.Choice([t.value for t in DocumentType] + ["none"]))
@with_appcontext
def require(code, step, document_type):
    """Require a document of a type before a step of a programme (--type none: no longer)."""
    from casework.cli import CommandError, run_service
    from casework.documents.services import set_requirement
    from casework.extensions import db
    from casework.programmes.models import Programme

    programme = db.session.scalar(select(Programme).where(Programme.code == code.upper()))
    if programme is None:
        raise CommandError(f"no programme {code}")
    changed = run_service(lambda: set_requirement(programme, step, None if document_type == "none" else document_type))
    click.echo(f"{programme.code}: {step} requires {document_type}{'' if changed else ' (unchanged)'}.")


@documents_cli.command("check")
@with_appcontext
def check():
    """Read every document's content from storage and compare it with its SHA-256 (after a restore)."""
    from casework.cli import CommandError
    from casework.documents.models import Document
    from casework.documents.storage import storage
    from casework.extensions import db

    backend, bad, good = storage(), [], 0
    for document in db.session.scalars(select(Document).where(Document.purged_at.is_(None)).order_by(Document.id)):
        digest = hashlib.sha256()
        try:
            for piece in backend.read(document.storage_key):
                digest.update(piece)
        except Exception:  # a missing object is reported, not raised
            bad.append(document.id)
            continue
        if digest.hexdigest() == document.sha256:
            good += 1
        else:
            bad.append(document.id)
    if bad:
        raise CommandError(f"{len(bad)} document(s) missing or different in {backend.name} storage: "
                           + ", ".join(map(str, bad[:50])))
    click.echo(f"{good} document(s) checked in {backend.name} storage: all present and intact.")
