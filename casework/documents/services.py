"""The rules for documents: attaching (limits, scan, content check, re-encoding, storage),
removing with a reason, purging removed content, and what a programme requires before a step.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import func, select

from casework.audit.services import record
from casework.auth.permissions import can_edit_case, can_see_case
from casework.db import utcnow
from casework.documents import content, scan
from casework.documents.models import (
    Document,
    DocumentRequirement,
    DocumentType,
    RequirementStep,
)
from casework.documents.owners import OWNERS, kind_of
from casework.documents.storage import setting as storage_setting
from casework.documents.storage import storage
from casework.errors import DomainError, NotAllowed
from casework.extensions import db

DEFAULTS = {
    "CASEWORK_DOCUMENT_MAX_BYTES": 10 * 1024 * 1024,
    "CASEWORK_CASE_DOCUMENTS_MAX_BYTES": 200 * 1024 * 1024,
    "CASEWORK_DOCUMENT_PURGE_AFTER_DAYS": 90,
    "CASEWORK_CLAMD": None,
}


@dataclass
class Upload:
    """A file as received: a seekable binary stream (read from its start) and the name it came with."""

    stream: BinaryIO
    file_name: str


def megabytes(size: int) -> str:
    return format_decimal(size / (1024 * 1024), format="#,##0.#")


def kilobytes(size: int) -> str:
    return format_decimal(max(1, round(size / 1024)), format="#,##0")


def setting(name: str):
    return storage_setting(name, DEFAULTS.get(name))


def case_bytes(case_id: int) -> int:
    """Bytes held for a case: every document whose content is not purged."""
    return int(db.session.scalar(select(func.coalesce(func.sum(Document.size), 0))
                                 .where(Document.case_id == case_id, Document.purged_at.is_(None))) or 0)


def _lock_case(case_id: int) -> None:
    """Two uploads to one case at once cannot together pass its limit: the second waits."""
    if db.session.get_bind().dialect.name == "postgresql":
        from casework.cases.models import Case

        db.session.execute(select(Case.id).where(Case.id == case_id).with_for_update())
    # SQLite has one writer at a time, taken by the first write of the transaction.


def _scan(stream: BinaryIO, field: str) -> None:
    address = setting("CASEWORK_CLAMD")
    if not address:
        return
    try:
        scan.scan(address, content.pieces(stream))
    except scan.InfectedFile:
        raise DomainError(_("The virus scanner found a virus in this file; it was not accepted."), field) from None
    except scan.ScanUnavailable as error:
        current_app.logger.error("document refused: %s", error)
        raise DomainError(_("The virus scanner cannot be reached, so no file can be accepted now. "
                            "Nothing was saved; try again later or tell an administrator."), field) from None


def _content_of(upload: Upload, case_id: int, field: str):
    """(stream to store, content type, size, sha256, thumbnail stream or None), after every check."""
    limit = int(setting("CASEWORK_DOCUMENT_MAX_BYTES"))
    measured = content.measure(upload.stream, limit)
    if measured is None:
        raise DomainError(_("The file is larger than the limit of %(mb)s MB.", mb=megabytes(limit)), field)
    size, digest = measured
    if size == 0:
        raise DomainError(_("The file is empty."), field)
    case_limit = int(setting("CASEWORK_CASE_DOCUMENTS_MAX_BYTES"))
    _lock_case(case_id)
    held = case_bytes(case_id)
    if held + size > case_limit:
        raise DomainError(_("This case already holds %(held)s MB of documents; with this file it would exceed "
                            "its limit of %(mb)s MB.", held=megabytes(held), mb=megabytes(case_limit)), field)
    _scan(upload.stream, field)
    upload.stream.seek(0)
    content_type = content.sniff(upload.stream.read(16))
    upload.stream.seek(0)
    if content_type is None:
        raise DomainError(_("Only PDF, JPEG and PNG files are accepted, and this file is none of them "
                            "(whatever its name says)."), field)
    if content_type not in content.IMAGES:
        return upload.stream, content_type, size, digest, None
    try:
        clean, thumb = content.reencode(upload.stream, content_type)
    except content.BadContent:
        raise DomainError(_("This image cannot be read (damaged, or too many pixels); it was not accepted."),
                          field) from None
    size, digest = content.measure(clean, limit * 4) or (None, None)
    if size is None:
        raise DomainError(_("The file is larger than the limit of %(mb)s MB.", mb=megabytes(limit)), field)
    return clean, content_type, size, digest, thumb


def _file_name(name: str, content_type: str) -> str:
    """The name shown and downloaded: the uploaded one without any folder, with the right extension."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join(ch for ch in base if ord(ch) >= 32)[:150] or "document"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return (stem or "document") + content.EXTENSIONS[content_type]


def attach_document(owner, upload: Upload | None, *, document_type, title: str, actor=None,
                    at: datetime | None = None, field: str = "file") -> Document:
    """Check, scan and store a file, attached to `owner` (anything registered in owners.OWNERS)."""
    kind = kind_of(owner)
    case = kind.case_of(owner)
    if actor is not None and not can_edit_case(actor, case):
        raise NotAllowed(_("You may not add documents to this case."))
    try:
        document_type = DocumentType(document_type)
    except ValueError:
        raise DomainError(_("Choose the type of document."), "document_type") from None
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the document a title."), "title")
    if len(title) > 200:
        raise DomainError(_("The title is longer than 200 characters."), "title")
    if upload is None or upload.stream is None:
        raise DomainError(_("Choose a file."), field)
    stream, content_type, size, digest, thumb = _content_of(upload, case.id, field)
    backend = storage()
    file_name = _file_name(upload.file_name, content_type)
    key = uuid.uuid4().hex
    backend.put(key, stream, content_type, file_name)
    thumbnail_key = None
    if thumb is not None:
        thumbnail_key = key + "-thumb"
        backend.put(thumbnail_key, thumb, content_type, "thumbnail" + content.EXTENSIONS[content_type])
    document = Document(case_id=case.id, owner_type=kind.name, owner_id=owner.id, document_type=document_type,
                        title=title, file_name=file_name, content_type=content_type, size=size, sha256=digest,
                        storage_key=key, thumbnail_key=thumbnail_key, uploaded_by_id=actor.id if actor else None,
                        uploaded_at=at or utcnow())
    db.session.add(document)
    db.session.flush()
    record("document_uploaded", user=actor, entity=document, programme_id=case.programme_id,
           summary=f"{document_type.value}: {title}"[:300],
           changes={"attached_to": f"{kind.name} {owner.id}", "file_name": file_name, "size": size,
                    "sha256": digest, "storage": backend.name})
    return document


def may_read(user, document: Document) -> bool:
    return can_see_case(user, document.case)


def open_document(document: Document, actor, *, thumbnail: bool = False):
    """Record the read and give (signed link or None, content pieces or None)."""
    if not may_read(actor, document):
        raise NotAllowed(_("You may not see this document."))
    if document.purged_at is not None or document.removed_at is not None:
        raise DomainError(_("This document was removed; its content is no longer available."))
    key = document.thumbnail_key if thumbnail else document.storage_key
    if key is None:
        raise DomainError(_("This document has no thumbnail."))
    record("document_previewed" if thumbnail else "document_downloaded", user=actor, entity=document,
           programme_id=document.case.programme_id, summary=document.title[:300])
    backend = storage()
    if not thumbnail:
        link = backend.link(key, document.file_name, document.content_type)
        if link is not None:
            return link, None
    return None, backend.read(key)


def remove_document(document: Document, reason: str, actor=None, at: datetime | None = None) -> None:
    """Soft delete: the document is no longer shown or served; its content is purged later."""
    if actor is not None and not can_edit_case(actor, document.case):
        raise NotAllowed(_("You may not remove documents of this case."))
    if document.removed_at is not None:
        raise DomainError(_("This document was already removed."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the document is removed."), "reason")
    document.removed_at = at or utcnow()
    document.removed_by_id = actor.id if actor else None
    document.removal_reason = reason[:500]
    db.session.flush()
    record("document_removed", user=actor, entity=document, programme_id=document.case.programme_id,
           summary=f"{document.title} — {reason}"[:300])


def purge_removed(now: datetime | None = None, after_days: int | None = None) -> int:
    """Delete the content of documents removed more than `after_days` ago; their records stay."""
    now = now or utcnow()
    days = int(after_days if after_days is not None else setting("CASEWORK_DOCUMENT_PURGE_AFTER_DAYS"))
    cutoff = now - timedelta(days=days)
    due = db.session.scalars(select(Document).where(Document.removed_at.is_not(None), Document.removed_at <= cutoff,
                                                   Document.purged_at.is_(None)).order_by(Document.id)).all()
    backend = storage()
    for document in due:
        for key in (document.storage_key, document.thumbnail_key):
            if key:
                backend.delete(key)
        document.purged_at = now
        record("document_purged", entity=document, programme_id=document.case.programme_id,
               summary=document.title[:300])
    db.session.flush()
    return len(due)


def documents_of_case(case) -> list[Document]:
    """The case's documents, removed ones too (as records), without touching any content."""
    from sqlalchemy.orm import joinedload

    return db.session.scalars(select(Document).where(Document.case_id == case.id)
                              .options(joinedload(Document.uploaded_by), joinedload(Document.removed_by))
                              .order_by(Document.uploaded_at.desc(), Document.id.desc())).all()


def documents_of_owner(owner) -> list[Document]:
    """The documents attached to one owner, removed ones too (as records), without any content."""
    from sqlalchemy.orm import selectinload

    return db.session.scalars(select(Document).where(Document.owner_type == kind_of(owner).name,
                                                     Document.owner_id == owner.id)
                              .options(selectinload(Document.uploaded_by), selectinload(Document.removed_by))
                              .order_by(Document.uploaded_at.desc(), Document.id.desc())).all()


def page_of(document: Document) -> str | None:
    """The page of what the document is attached to, when that kind has one of its own."""
    kind = OWNERS.get(document.owner_type)
    if kind is None or kind.page is None:
        return None
    owner = db.session.get(kind.model, document.owner_id)
    return kind.page_of(owner) if owner is not None else None


def documents_of_grant(grant) -> list[Document]:
    """The live documents on a grant, its decisions and its payments (records only)."""
    from sqlalchemy import or_

    owners = [("grant", [grant.id]), ("decision", [d.id for d in grant.decisions]),
              ("disbursement", [p.id for p in grant.disbursements])]
    condition = or_(*[(Document.owner_type == kind) & Document.owner_id.in_(ids) for kind, ids in owners if ids])
    return db.session.scalars(select(Document).where(condition, Document.removed_at.is_(None))
                              .order_by(Document.uploaded_at, Document.id)).all()


def resolve_owner(case, value: str):
    """The owner named "kind:id" in a form, if it belongs to this case."""
    kind_name, _sep, raw_id = (value or "").partition(":")
    kind = OWNERS.get(kind_name)
    owner = db.session.get(kind.model, int(raw_id)) if kind is not None and raw_id.isdigit() else None
    if owner is None or kind.case_of(owner).id != case.id:
        raise DomainError(_("Choose what the document is attached to."), "attach_to")
    return owner


def attach_to_case_owner(case, attach_to: str, upload: Upload | None, *, document_type, title: str,
                         actor=None) -> Document:
    """The case page's upload: the owner is chosen among the case's own records."""
    return attach_document(resolve_owner(case, attach_to), upload, document_type=document_type, title=title,
                           actor=actor)


# --- requirements -----------------------------------------------------------------------

def required_type(programme, step: RequirementStep) -> DocumentType | None:
    return db.session.scalar(select(DocumentRequirement.document_type)
                             .where(DocumentRequirement.programme_id == programme.id,
                                    DocumentRequirement.step == step))


def requirements_of(programme) -> dict[str, DocumentType]:
    """{step's value: required document type} for the programme's pages."""
    rows = db.session.execute(select(DocumentRequirement.step, DocumentRequirement.document_type)
                              .where(DocumentRequirement.programme_id == programme.id)).all()
    return {step.value: doc_type for step, doc_type in sorted(rows)}


def set_requirement(programme, step, document_type, actor=None) -> bool:
    """Require a document of `document_type` before `step` in `programme` (None: no longer).
    True when this changed what the programme requires."""
    try:
        step = RequirementStep(step)
    except ValueError:
        raise DomainError(_("Choose one of the steps listed."), "step") from None
    try:
        document_type = DocumentType(document_type) if document_type else None
    except ValueError:
        raise DomainError(_("Choose one of the document types listed."), "document_type") from None
    row = db.session.scalar(select(DocumentRequirement).where(DocumentRequirement.programme_id == programme.id,
                                                              DocumentRequirement.step == step))
    before = row.document_type.value if row else None
    if document_type is None and row is not None:
        db.session.delete(row)
    elif document_type is not None and row is None:
        db.session.add(DocumentRequirement(programme_id=programme.id, step=step, document_type=document_type))
    elif document_type is not None:
        row.document_type = document_type
    db.session.flush()
    after = document_type.value if document_type else None
    if before != after:
        record("document_requirement_set", user=actor, entity=programme, programme_id=programme.id,
               summary=step.value, changes={step.value: [before, after]})
    return before != after


def _has_live(owner_pairs: list[tuple[str, int]], document_type: DocumentType) -> bool:
    from sqlalchemy import or_

    if not owner_pairs:
        return False
    conditions = [(Document.owner_type == kind) & (Document.owner_id == owner_id) for kind, owner_id in owner_pairs]
    return bool(db.session.scalar(select(func.count()).select_from(Document).where(
        or_(*conditions), Document.document_type == document_type, Document.removed_at.is_(None))))


def missing_before_submit(grant) -> DocumentType | None:
    """The document type the programme requires before submitting this grant, if none is attached
    to the case, its members or the grant."""
    required = required_type(grant.case.programme, RequirementStep.GRANT_SUBMIT)
    if required is None:
        return None
    owners = [("case", grant.case_id), ("grant", grant.id)] + [("person", p.id) for p in grant.case.persons]
    return None if _has_live(owners, required) else required


def check_before_submit(grant) -> None:
    from casework.documents.labels import TYPE_LABELS

    missing = missing_before_submit(grant)
    if missing is not None:
        raise DomainError(_("This programme requires a document of type “%(type)s” on the case or a member before "
                            "a grant is submitted; attach it first.", type=TYPE_LABELS[missing]), "documents")


def require_with(programme, step: RequirementStep, upload: Upload | None, field: str) -> DocumentType | None:
    """The type to attach with this step; refuses when the programme requires one and none came."""
    from casework.documents.labels import TYPE_LABELS

    required = required_type(programme, step)
    if required is not None and (upload is None or upload.stream is None):
        raise DomainError(_("This programme requires a document of type “%(type)s” with this; attach it.",
                            type=TYPE_LABELS[required]), field)
    return required
