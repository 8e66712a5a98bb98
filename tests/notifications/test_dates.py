"""Staff notifications date their subject in the staff member's language, not as ISO."""

from datetime import timedelta

from portal.interactions.services import log_interaction
from portal.notifications.models import NotificationKind as Kind
from portal.notifications.watch import notify_follow_ups_due
from tests.notifications.helpers import notified, school_with_staff


def test_a_follow_up_due_is_dated_in_the_owners_language(app, clock):
    world = school_with_staff()
    world.teacher.preferred_language = "de"
    log_interaction(student=world.ana, author=world.admin, channel="phone",
                    occurred_at=clock.now, summary="Called", follow_up_owner=world.teacher,
                    follow_up_due_on=clock.today - timedelta(days=1))
    assert notify_follow_ups_due() == 1
    (title,) = notified(Kind.FOLLOW_UP_DUE)[world.teacher.id]
    assert "24.11.2026" in title and "2026-11-24" not in title
