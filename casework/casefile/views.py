"""Downloading the case file as PDF; recorded in the audit trail like every export."""
from __future__ import annotations

from flask import Blueprint, Response
from flask_login import current_user

from casework.audit.services import record
from casework.auth.permissions import CASE_ROLES, roles_required
from casework.casefile.services import render_case_file
from casework.cases.queries import get_case_or_404
from casework.transactions import run_in_transaction

bp = Blueprint("casefile", __name__)


@bp.route("/cases/<int:case_id>/file.pdf")
@roles_required(*CASE_ROLES)
def pdf(case_id: int):
    case = get_case_or_404(case_id, current_user)
    body = render_case_file(case, current_user)
    run_in_transaction(lambda: record("case_file_exported", entity=case, programme_id=case.programme_id,
                                      summary=f"{case.reference} as PDF"))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={case.reference}.pdf"})


def init_app(app):
    app.register_blueprint(bp)
