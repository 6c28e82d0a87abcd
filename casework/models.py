"""Every model, imported once so that metadata (and Alembic) sees the whole schema."""
from casework.audit.models import AuditEvent  # noqa: F401
from casework.auth.lockout import LoginFailure  # noqa: F401
from casework.auth.models import Role, User, user_programmes  # noqa: F401
from casework.cases.models import Case, CaseStatus, Person, PersonVulnerability  # noqa: F401
from casework.closures.models import CaseClosure  # noqa: F401
from casework.documents.models import Document, DocumentChunk, DocumentRequirement  # noqa: F401
from casework.grants.models import Disbursement, Grant, GrantDecision  # noqa: F401
from casework.imports.models import ImportBatch  # noqa: F401
from casework.monitoring.models import (  # noqa: F401
    MonitoringSchedule,
    MonitoringVisit,
    ScheduledVisit,
    VisitGrantCheck,
    VisitItemCheck,
)
from casework.notes.models import CaseNote, CaseNoteRevision  # noqa: F401
from casework.plans.models import PlanItem, PlanVersion, ReintegrationPlan  # noqa: F401
from casework.programmes.models import Donor, Programme, ProgrammeCap  # noqa: F401
from casework.referrals.models import Referral, ServiceProvider  # noqa: F401
from casework.reports.models import SubmittedReport  # noqa: F401
from casework.surveys.models import SurveyInstrument, SurveyInstrumentVersion, SurveyResponse  # noqa: F401
from casework.tasks.models import Task  # noqa: F401
