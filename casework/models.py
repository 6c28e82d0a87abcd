"""Every model, imported once so that metadata (and Alembic) sees the whole schema."""
from casework.audit.models import AuditEvent  # noqa: F401
from casework.auth.lockout import LoginFailure  # noqa: F401
from casework.auth.models import Role, User, user_programmes  # noqa: F401
from casework.cases.models import Case, CaseStatus, Person, PersonVulnerability  # noqa: F401
from casework.documents.models import Document, DocumentChunk, DocumentRequirement  # noqa: F401
from casework.grants.models import Disbursement, Grant, GrantDecision  # noqa: F401
from casework.imports.models import ImportBatch  # noqa: F401
from casework.programmes.models import Donor, Programme, ProgrammeCap  # noqa: F401
from casework.reports.models import SubmittedReport  # noqa: F401
