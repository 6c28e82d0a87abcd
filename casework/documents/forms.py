"""Forms of the document screens, and the one way a view turns a file field into an Upload."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import DataRequired, Length

from casework.documents import labels
from casework.documents.services import Upload
from casework.forms import NoNulString


class DocumentForm(FlaskForm):
    attach_to = SelectField(labels.ATTACH_TO, validators=[DataRequired()])
    document_type = SelectField(labels.DOCUMENT_TYPE, choices=[(t.value, label) for t, label in labels.TYPE_LABELS.items()],
                                validators=[DataRequired()])
    title = NoNulString(labels.TITLE, validators=[DataRequired(), Length(max=200)])
    file = FileField(labels.FILE, validators=[FileRequired(_l("Choose a file."))])


class RemoveDocumentForm(FlaskForm):
    reason = NoNulString(labels.REMOVAL_REASON, validators=[DataRequired(), Length(max=500)])


class RequirementForm(FlaskForm):
    """Require a document before a step. The choices are checked by the service, with its messages."""

    step = SelectField(labels.STEP, choices=[(s.value, label) for s, label in labels.STEP_NAMES.items()],
                       validate_choice=False, validators=[DataRequired(_l("Choose the step."))])
    document_type = SelectField(labels.REQUIRED_TYPE,
                                choices=[(t.value, label) for t, label in labels.TYPE_LABELS.items()],
                                validate_choice=False,
                                validators=[DataRequired(_l("Choose the type of document the step requires."))])


class RemoveRequirementForm(FlaskForm):
    step = SelectField(labels.STEP, choices=[(s.value, label) for s, label in labels.STEP_NAMES.items()],
                       validate_choice=False, validators=[DataRequired(_l("Choose the step."))])


def upload_from(field) -> Upload | None:
    """The file of a FileField as an Upload, or None when no file was chosen."""
    data = field.data
    if data is None or not getattr(data, "filename", None):
        return None
    return Upload(stream=data.stream, file_name=data.filename)
