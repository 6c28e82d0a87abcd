"""Every word shown for a case or a person's coded values and fields, in one place."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from casework.cases.models import CaseStatus, Relationship, Sex, Vulnerability
from casework.cases.tabs import TAB_LABELS

SEX_LABELS = {Sex.F: _l("Female"), Sex.M: _l("Male"), Sex.X: _l("Other or not stated")}
RELATIONSHIP_LABELS = {
    Relationship.PRINCIPAL: _l("Principal applicant"),
    Relationship.SPOUSE: _l("Spouse"),
    Relationship.CHILD: _l("Child"),
    Relationship.PARENT: _l("Parent"),
    Relationship.SIBLING: _l("Sibling"),
    Relationship.OTHER: _l("Other relative"),
}
VULNERABILITY_LABELS = {
    Vulnerability.UNACCOMPANIED_MINOR: _l("Unaccompanied minor"),
    Vulnerability.MEDICAL: _l("Medical needs"),
    Vulnerability.DISABILITY: _l("Disability"),
    Vulnerability.TRAFFICKING_VICTIM: _l("Victim of trafficking"),
    Vulnerability.SINGLE_PARENT: _l("Single parent"),
    Vulnerability.OLDER_PERSON: _l("Older person"),
}
STATUS_LABELS = {
    CaseStatus.REFERRED: _l("Referred"),
    CaseStatus.ARRIVED: _l("Arrived"),
    CaseStatus.REINTEGRATION: _l("Reintegration in progress"),
    CaseStatus.MONITORING: _l("Monitoring"),
    CaseStatus.CLOSED: _l("Closed"),
    CaseStatus.WITHDRAWN: _l("Withdrawn"),
}
# The fields a case's or a person's history names.
FIELD_LABELS = {
    "reference": _l("Reference"),
    "legacy_reference": _l("Legacy reference"),
    "members": _l("Members"),
    "status": _l("Status"),
    "arrival_date": _l("Arrival date"),
    "municipality": _l("Municipality of return"),
    "sending_country": _l("Sending country"),
    "caseworker_id": _l("Caseworker"),
    "notes": _l("Notes"),
    "family_name": _l("Family name"),
    "given_name": _l("Given name"),
    "sex": _l("Sex"),
    "birth_year": _l("Year of birth"),
    "birth_date": _l("Date of birth"),
    "relationship": _l("Relationship to the principal"),
    "nationality": _l("Nationality"),
    "travelled": _l("Travelled"),
    "vulnerabilities": _l("Vulnerabilities"),
    "person_id": _l("Person"),
    "earlier_person": _l("Earlier record"),
    "earlier_case": _l("Earlier case"),
    "tab": _l("Tab"),  # of the case page viewed
}
# Fields whose stored codes have labels: field name -> (enum, labels).
CODED_FIELDS = {
    "tab": (str, TAB_LABELS),
    "status": (CaseStatus, STATUS_LABELS),
    "sex": (Sex, SEX_LABELS),
    "relationship": (Relationship, RELATIONSHIP_LABELS),
    "vulnerabilities": (Vulnerability, VULNERABILITY_LABELS),
}
