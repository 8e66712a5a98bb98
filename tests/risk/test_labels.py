"""Reasons said in the reader's language: the indicator, value, threshold, unit and trend."""

import pytest
from flask_babel import force_locale

from portal.risk.labels import indicator_label, measure, reason_text

GRADE_FALL = {"indicator": "grade_change", "label": "grade change since the previous period",
              "value": -18.7, "threshold": -10, "direction": "below", "trend": "falling",
              "unit": " points"}
NO_CONTACT = {"indicator": "days_since_family_contact", "value": 75, "threshold": 60,
              "direction": "at_least", "unit": "days"}


@pytest.mark.parametrize(("language", "grade_fall", "no_contact"), [
    ("en", "grade change since the previous period -18.7 points, below -10 points, falling",
     "days since the last successful family contact 75 days, at least 60 days"),
    ("es", "cambio de nota desde el periodo anterior -18,7 puntos, por debajo de -10 puntos, "
           "bajando",
     "días desde el último contacto logrado con la familia 75 días, al menos 60 días"),
])
def test_a_reason_is_said_in_the_pages_language(app, language, grade_fall, no_contact):
    with app.test_request_context(), force_locale(language):
        assert reason_text(GRADE_FALL) == grade_fall
        assert reason_text(NO_CONTACT) == no_contact
        assert measure(84.5, "%") == ("84.5%" if language == "en" else "84,5\xa0%")
        assert indicator_label("unknown_indicator", "as stored") == "as stored"
