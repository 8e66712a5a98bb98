"""The administrators' upload form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SubmitField

from portal.core.fields import SelectField

KIND_LABELS = {"oneroster": _l("OneRoster set (zip)"), "attendance": _l("Daily attendance (CSV)"),
               "grades": _l("Grades (CSV)")}


class UploadForm(FlaskForm):
    """Upload a OneRoster zip or an attendance or grades CSV, as a dry run or for real."""

    kind = SelectField(_l("What the file holds"), choices=list(KIND_LABELS.items()))
    file = FileField(_l("File"), validators=[
        FileRequired(), FileAllowed(["zip", "csv"], _l("Upload a .zip or a .csv file."))])
    dry_run = BooleanField(_l("Dry run: only report what would change"), default=True)
    submit = SubmitField(_l("Upload"))
