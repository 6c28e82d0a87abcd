"""Words on screen for documents."""
from flask_babel import lazy_gettext as _l

from casework.documents.models import DocumentType, RequirementStep

TYPE_LABELS = {
    DocumentType.IDENTITY: _l("Identity document"),
    DocumentType.DONOR_LETTER: _l("Donor's letter"),
    DocumentType.AGREEMENT: _l("Agreement"),
    DocumentType.RECEIPT: _l("Receipt or handover certificate"),
    DocumentType.PHOTO: _l("Photo"),
    DocumentType.OTHER: _l("Other"),
}
STEP_LABELS = {  # by value: the pages look them up with requirements_of()'s keys
    RequirementStep.GRANT_SUBMIT.value: _l("before a grant is submitted"),
    RequirementStep.DONOR_DECISION.value: _l("with every donor decision"),
    RequirementStep.PAYMENT_IN_KIND.value: _l("with every payment in kind"),
}
STEP_NAMES = {  # the steps as the requirements screen names them
    RequirementStep.GRANT_SUBMIT: _l("Submitting a grant"),
    RequirementStep.DONOR_DECISION: _l("A donor's decision on a grant"),
    RequirementStep.PAYMENT_IN_KIND: _l("A payment in kind"),
}
ATTACH_TO = _l("Attached to")
STEP = _l("Step")
REQUIRED_TYPE = _l("Document required")
DOCUMENT_TYPE = _l("Type")
TITLE = _l("Title")
FILE = _l("File (PDF, JPEG or PNG)")
REMOVAL_REASON = _l("Reason for removing")
DONOR_LETTER_FILE = _l("The donor's letter (PDF, JPEG or PNG)")
RECEIPT_FILE = _l("Receipt or handover certificate (PDF, JPEG or PNG)")

# How the audit trail's changes of documents read (casework.audit.labels.change_lines).
FIELD_LABELS = {
    **{step.value: label for step, label in STEP_NAMES.items()},  # a requirement's change: [before, after]
    "attached_to": ATTACH_TO,
    "file_name": _l("File name"),
    "size": _l("Size in bytes"),
    "sha256": _l("SHA-256 checksum"),
    "storage": _l("Storage"),
}
CODED_FIELDS = {step.value: (DocumentType, TYPE_LABELS) for step in RequirementStep}
