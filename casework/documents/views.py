"""Document screens: attaching on the case page, downloading (always as an attachment), removing."""
from __future__ import annotations

import io

from flask import (
    Blueprint,
    Request,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from casework.auth.models import Role
from casework.auth.permissions import CASE_ROLES, can_edit_case, roles_required
from casework.cases.queries import get_case_or_404
from casework.cases.tabs import add_case_tab, case_tab_url
from casework.documents import labels, services
from casework.documents.forms import (
    DocumentForm,
    RemoveDocumentForm,
    RemoveRequirementForm,
    RequirementForm,
    upload_from,
)
from casework.documents.models import Document, DocumentType, RequirementStep
from casework.documents.owners import OWNERS, kind_of, register_core_owners
from casework.documents.storage import attachment_disposition, make_storage
from casework.errors import DomainError
from casework.extensions import db
from casework.forms import save, save_and_flash
from casework.loading import allowed_or_403, load_or_404
from casework.programmes.models import Programme
from casework.transactions import run_in_transaction

bp = Blueprint("documents", __name__)

# Nothing uploaded is ever rendered by the browser as a page: no scripts, no plugins, sandboxed.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox; frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def get_document_or_404(document_id: int) -> Document:
    """The document, if the user may see the case it belongs to (404 for another programme's)."""
    document = load_or_404(Document, document_id)
    get_case_or_404(document.case_id, current_user)
    return document


def _choices(case):
    return [(f"{kind.name}:{owner.id}", kind.description(owner))
            for kind in OWNERS.values() for owner in kind.owners_in(case)]


def _back_url(case, attach_to: str | None) -> str:
    """Where the upload page returns: the page of the chosen owner if it has one, else the case page."""
    kind_name, _sep, raw_id = (attach_to or "").partition(":")
    kind = OWNERS.get(kind_name)
    if kind is not None and kind.page is not None and raw_id.isdigit():
        owner = db.session.get(kind.model, int(raw_id))
        if owner is not None and kind.case_of(owner).id == case.id:
            return kind.page_of(owner)
    return case_tab_url(case.id, "documents")


@bp.route("/cases/<int:case_id>/documents/new", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def new(case_id: int):
    case = get_case_or_404(case_id, current_user)
    allowed_or_403(can_edit_case(current_user, case))
    form = DocumentForm(attach_to=request.args.get("attach_to") or f"case:{case.id}")
    form.attach_to.choices = _choices(case)
    if form.validate_on_submit():
        document, error = save(form, lambda: services.attach_to_case_owner(
            case, form.attach_to.data, upload_from(form.file), document_type=form.document_type.data,
            title=form.title.data, actor=current_user))
        if error is None:
            flash(_("Document “%(title)s” attached.", title=document.title), "success")
            return redirect(_back_url(case, form.attach_to.data))
    status = 422 if request.method == "POST" else 200
    return render_template("documents/new.html", form=form, case=case, back_url=_back_url(case, form.attach_to.data),
                           limit_mb=services.megabytes(int(services.setting("CASEWORK_DOCUMENT_MAX_BYTES")))), status


def _send(document: Document, thumbnail: bool):
    try:
        link, pieces = run_in_transaction(lambda: services.open_document(document, current_user, thumbnail=thumbnail))
    except DomainError as error:
        abort(410 if document.removed_at else 404, error.message)
    if link is not None:
        response = redirect(link)
    else:
        response = Response(stream_with_context(pieces), mimetype=document.content_type)
        if not thumbnail:
            response.headers["Content-Length"] = str(document.size)
    response.headers["Content-Disposition"] = attachment_disposition(
        ("thumbnail-" if thumbnail else "") + document.file_name)
    response.headers.update(DOWNLOAD_HEADERS)
    return response


@bp.route("/documents/<int:document_id>")
@roles_required(*CASE_ROLES)
def download(document_id: int):
    return _send(get_document_or_404(document_id), thumbnail=False)


@bp.route("/documents/<int:document_id>/thumbnail")
@roles_required(*CASE_ROLES)
def thumbnail(document_id: int):
    return _send(get_document_or_404(document_id), thumbnail=True)


@bp.route("/documents/<int:document_id>/remove", methods=["POST"])
@roles_required(*CASE_ROLES)
def remove(document_id: int):
    document = get_document_or_404(document_id)
    allowed_or_403(can_edit_case(current_user, document.case))
    form = RemoveDocumentForm()
    if not form.validate_on_submit():
        flash(_("Say why the document is removed."), "error")
    else:
        save_and_flash(lambda: services.remove_document(document, form.reason.data, actor=current_user),
                       _("Document removed; its record stays on the case."))
    return redirect(services.page_of(document) or case_tab_url(document.case_id, "documents"))


def _section(case, documents, *, new_url: str, show_owner: bool, requirements=None) -> Markup:
    kinds = {kind.name: kind for kind in OWNERS.values()}
    return Markup(render_template(
        "documents/_section.html", case=case, documents=documents, kinds=kinds, show_owner=show_owner,
        new_url=new_url, can_edit=can_edit_case(current_user, case), remove_form=RemoveDocumentForm(formdata=None),
        type_labels=labels.TYPE_LABELS, step_labels=labels.STEP_LABELS, requirements=requirements or {}))


def case_section(case) -> Markup:
    """Every document of the case, whatever it is attached to, and what the programme requires."""
    return _section(case, services.documents_of_case(case), new_url=url_for("documents.new", case_id=case.id),
                    show_owner=True, requirements=services.requirements_of(case.programme))


def owner_section(owner) -> Markup:
    """The documents attached to one owner, for its own page (a plan's, for one)."""
    kind = kind_of(owner)
    case = kind.case_of(owner)
    return _section(case, services.documents_of_owner(owner), show_owner=False,
                    new_url=url_for("documents.new", case_id=case.id, attach_to=f"{kind.name}:{owner.id}"))


# --- what programmes require: administrators set it here, `casework documents require` from the shell --

def _requirements_page(programme, form=None, status: int = 200):
    current = services.requirements_of(programme)
    rows = [(step, label, current.get(step.value)) for step, label in labels.STEP_NAMES.items()]
    return render_template("documents/requirements.html", programme=programme, rows=rows,
                           form=form or RequirementForm(formdata=None), remove_form=RemoveRequirementForm(formdata=None),
                           type_labels=labels.TYPE_LABELS, step_labels=labels.STEP_LABELS), status


@bp.route("/admin/programmes/<int:programme_id>/documents", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def requirements(programme_id: int):
    programme = load_or_404(Programme, programme_id)
    if request.method == "GET":
        return _requirements_page(programme)
    form = RequirementForm()
    if not form.validate_on_submit():
        return _requirements_page(programme, form, 422)
    changed, error = save(form, lambda: services.set_requirement(programme, form.step.data, form.document_type.data,
                                                                 actor=current_user))
    if error is not None:
        return _requirements_page(programme, form, 422)
    step, doc_type = RequirementStep(form.step.data), DocumentType(form.document_type.data)
    if changed:
        flash(_("%(programme)s now requires a document of type “%(type)s” %(step)s.", programme=programme.code,
                type=labels.TYPE_LABELS[doc_type], step=labels.STEP_LABELS[step.value]), "success")
    else:
        flash(_("%(programme)s already required this; nothing changed.", programme=programme.code), "info")
    return redirect(url_for("documents.requirements", programme_id=programme.id))


@bp.route("/admin/programmes/<int:programme_id>/documents/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_requirement(programme_id: int):
    programme = load_or_404(Programme, programme_id)
    form = RemoveRequirementForm()
    if not form.validate_on_submit():
        return _refuse_removal(programme, form)
    changed, error = save(form, lambda: services.set_requirement(programme, form.step.data, None, actor=current_user))
    if error is not None:
        return _refuse_removal(programme, form)
    step = RequirementStep(form.step.data)
    if changed:
        flash(_("%(programme)s no longer requires a document %(step)s.", programme=programme.code,
                step=labels.STEP_LABELS[step.value]), "success")
    else:
        flash(_("%(programme)s required no document %(step)s; nothing changed.", programme=programme.code,
                step=labels.STEP_LABELS[step.value]), "info")
    return redirect(url_for("documents.requirements", programme_id=programme.id))


def _refuse_removal(programme, form):
    for message in [m for errors in form.errors.values() for m in errors] + list(form.form_errors):
        flash(message, "error")
    return redirect(url_for("documents.requirements", programme_id=programme.id))


def programme_section(programme) -> Markup:
    """On the programme's administration page: the documents it requires, and where to change them."""
    current = services.requirements_of(programme)
    return Markup(render_template("documents/_programme_section.html", programme=programme, requirements=current,
                                  type_labels=labels.TYPE_LABELS, step_labels=labels.STEP_LABELS))


class InMemoryUploads(Request):
    """Uploaded files stay in the request's memory (bounded by MAX_CONTENT_LENGTH) instead of
    Werkzeug's temporary file above 500 KB: they hold personal data, which never goes to /tmp."""

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return io.BytesIO()


def init_app(app):
    from casework.documents import cli

    app.request_class = InMemoryUploads
    register_core_owners()
    app.extensions["document_storage"] = make_storage(app)
    app.register_blueprint(bp)
    add_case_tab(app, "documents", _l("Documents"), 70, case_section)
    app.extensions["programme_page_sections"].append(programme_section)
    app.extensions["cli_groups"].append(cli.documents_cli)
    app.jinja_env.globals.setdefault("document_type_labels", labels.TYPE_LABELS)
    app.jinja_env.filters["kilobytes"] = services.kilobytes
