"""The case list as CSV or XLSX, streamed: memory stays flat however many cases match."""
from __future__ import annotations

import csv
import os
import tempfile

from flask import Blueprint, Response, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from werkzeug.wsgi import wrap_file

from casework.audit.services import record
from casework.auth.permissions import CASE_ROLES, roles_required
from casework.cases.forms import STATUS_LABELS, read_case_filters
from casework.cases.models import Case, Person, Relationship
from casework.cases.queries import CaseFilters, filter_cases
from casework.exports import csv_stream, safe_cell
from casework.extensions import db
from casework.i18n import translated
from casework.loading import found_or_404
from casework.programmes.models import Programme
from casework.transactions import run_in_transaction

bp = Blueprint("case_exports", __name__, url_prefix="/cases")
BATCH = 2000


def _export_statement(user, filters: CaseFilters):
    """The cases the list shows for these filters, one line each with the principal's name."""
    principal = aliased(Person)
    stmt = filter_cases(
        select(Case.reference, Case.legacy_reference, Programme.code, principal.family_name, principal.given_name,
               Case.sending_country, Case.arrival_date, Case.municipality, Case.status)
        .join(Programme, Programme.id == Case.programme_id)
        .outerjoin(principal, (principal.case_id == Case.id) & (principal.relationship == Relationship.PRINCIPAL)),
        user, filters)
    if filters.query:
        from casework.search.services import matching_case_ids

        stmt = stmt.where(Case.id.in_(matching_case_ids(filters.query)))
    return stmt


def count_rows(user, filters: CaseFilters) -> int:
    return db.session.scalar(select(func.count()).select_from(_export_statement(user, filters).order_by(None)
                                                                .subquery()))


def export_rows(user, filters: CaseFilters):
    """Header, then one tuple per case, read in batches through a streaming cursor.

    The statement (and so the user's programmes) is settled now; only reading is deferred,
    because a streamed body is read after the view has returned.
    """
    stmt = _export_statement(user, filters)
    header = (_("Reference"), _("Legacy reference"), _("Programme"), _("Family name"), _("Given name"),
              _("Sending country"), _("Arrival"), _("Municipality"), _("Status"))
    labels = translated(STATUS_LABELS)

    def rows():
        yield header
        result = db.session.execute(stmt.execution_options(yield_per=BATCH))
        for row in result:
            *values, status = row
            yield (*values, labels[status])

    return rows()


def write_csv(rows, out):
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def write_xlsx(rows, path: str) -> None:
    """XlsxWriter in constant-memory mode: each row goes to disk as it is written."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": os.path.dirname(path)})
    sheet = workbook.add_worksheet(_("Cases"))
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            value = safe_cell(value)
            if value is None:
                continue
            if hasattr(value, "isoformat"):
                sheet.write_datetime(r, c, value, day)
            else:
                sheet.write_string(r, c, str(value))
    workbook.close()


def _unlinked_xlsx(rows):
    """The workbook as an open file that no longer has a name on disk.

    XlsxWriter needs a folder for the file and its constant-memory scratch files; all of them
    are removed before the response starts, so a HEAD request, a client that goes away or an
    error while writing leaves nothing behind (the open handle goes with the response)."""
    with tempfile.TemporaryDirectory(prefix="casework-export-") as folder:
        os.chmod(folder, 0o700)
        path = os.path.join(folder, "cases.xlsx")
        write_xlsx(rows, path)
        handle = open(path, "rb")  # closed by the response
    return handle


@bp.route("/export")
@roles_required(*CASE_ROLES)
def export():
    fmt = found_or_404({"csv": "csv", "xlsx": "xlsx"}.get(request.args.get("format", "csv")))
    _form, filters = read_case_filters(request.args, current_user)
    rows_exported = count_rows(current_user, filters)
    run_in_transaction(lambda: record("cases_exported", summary=f"case list as {fmt}: {rows_exported} rows",
                                      changes={"format": fmt, "filters": filters.described(), "rows": rows_exported}))
    rows = export_rows(current_user, filters)
    if fmt == "csv":
        return Response(stream_with_context(csv_stream(rows)), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": "attachment; filename=cases.csv"})
    handle = _unlinked_xlsx(rows)
    size = os.fstat(handle.fileno()).st_size
    return Response(wrap_file(request.environ, handle), direct_passthrough=True,
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=cases.xlsx",
                             "Content-Length": str(size)})


def init_app(app):
    app.register_blueprint(bp)
    init_cli(app)


def export_to_file(path: str, filters: CaseFilters, progress=None) -> int:
    """The case list of every programme to a CSV or XLSX file (for the command line)."""
    from types import SimpleNamespace

    from casework.auth.models import Role

    operator = SimpleNamespace(role=Role.ADMIN, programmes=[])  # the command line runs with the installation's full access
    if progress is not None:
        counted = filter_cases(select(func.count()).select_from(Case), operator, filters).order_by(None)
        progress.total = db.session.scalar(counted)

    def counted_rows():
        for n, row in enumerate(export_rows(operator, filters)):
            if n and progress is not None:
                progress.advance()
            yield row

    if path.lower().endswith(".xlsx"):
        write_xlsx(counted_rows(), path)
    else:
        with open(path, "w", newline="", encoding="utf-8-sig") as fh:
            write_csv(counted_rows(), fh)
    return progress.done if progress is not None else 0


def _export_command():
    import click
    from flask.cli import with_appcontext

    @click.command("export-cases")
    @click.argument("path", type=click.Path(dir_okay=False, writable=True))
    @click.option("--programme", "programme_code", help="Only this programme's cases.")
    @with_appcontext
    def export_cases(path, programme_code):
        """Write the case list to PATH (.csv or .xlsx), streamed from the database."""
        from casework.progress import Progress

        progress = Progress("Exporting cases")
        filters = CaseFilters(programme_code=programme_code)
        rows = export_to_file(path, filters, progress)
        progress.finish()
        run_in_transaction(lambda: record(
            "cases_exported", summary=f"case list to {path} from the command line"[:300],
            changes={"format": path.rsplit(".", 1)[-1].lower(), "filters": filters.described(), "rows": rows}))
        click.echo(f"{rows:,} cases written to {path}.")

    return export_cases


def init_cli(app):
    app.extensions["cli_groups"].append(_export_command())
