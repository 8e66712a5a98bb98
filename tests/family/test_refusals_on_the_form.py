"""A service's refusal on a family form is said on the form it refused (role=alert), as on
the staff's forms, not as a notice at the top of the page."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.needs.models import Feedback, FeedbackReply
from tests.family.helpers import make_families


def test_a_reply_to_a_closed_request_is_refused_on_the_page(app, login_as):
    families = make_families()
    feedback = Feedback(school_id=families.guardian.school_id, guardian_id=families.guardian.id,
                        kind="question", subject="Bus times", body="When?", status="closed")
    db.session.add(feedback)
    db.session.commit()
    response = login_as(families.parent).post(f"/family/requests/{feedback.id}",
                                              data={"body": "One more thing"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ('<p class="error" role="alert">This request is closed. Send a new one instead.</p>'
            in page)
    assert "flash-error" not in page
    assert db.session.scalar(select(func.count()).select_from(FeedbackReply)) == 0
