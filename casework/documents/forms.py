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


def upload_from(field) -> Upload | None:
    """The file of a FileField as an Upload, or None when no file was chosen."""
    data = field.data
    if data is None or not getattr(data, "filename", None):
        return None
    return Upload(stream=data.stream, file_name=data.filename)
