"""Merging two records of a person keeps all history on the survivor, with an audit event."""

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.core.errors import DomainError
from portal.extensions import db
from portal.interactions.models import Interaction, InteractionParticipant
from portal.messaging.models import Message
from portal.needs.models import Feedback
from portal.outcomes.models import AttendanceWeek, DailyAttendance
from portal.people.models import Consent, StudentGuardian
from portal.privacy.merge import merge_people
from portal.privacy.queries import duplicate_guardians, duplicate_students
from tests.factories import link, make_guardian, make_school, make_student
from tests.privacy.helpers import add_attendance, count_rows, family_with_history


def test_merging_guardians_moves_links_contacts_messages_requests_and_consents(app):
    school = make_school()
    user, loser, student, staff = family_with_history(school)
    survivor = make_guardian(school, first_name="Zebulon", last_name="Quixwright",
                             email="ZEBULON.quixwright@example.org ")
    link(student, survivor)  # the same link on both records
    sibling = make_student(school)
    link(sibling, loser)
    assert [sorted(g.id for g in group) for group in duplicate_guardians(school.id)] == [
        sorted([loser.id, survivor.id])]

    merge_people(survivor=survivor, loser=loser, actor=staff)
    db.session.commit()

    assert sorted(row.student_id for row in db.session.scalars(select(StudentGuardian).where(
        StudentGuardian.guardian_id == survivor.id))) == sorted([student.id, sibling.id])
    for model in (Message, Feedback, Consent, InteractionParticipant):
        assert count_rows(model, guardian_id=survivor.id) == 1, model
        assert count_rows(model, guardian_id=loser.id) == 0, model
    assert survivor.user_id == user.id and loser.user_id is None
    assert not loser.is_active and duplicate_guardians(school.id) == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge"))
    assert event.object_id == survivor.id and event.actor_id == staff.id
    assert event.changes["merged_id"] == [loser.id, survivor.id]


def test_merging_students_keeps_their_records_and_drops_only_clashing_days(app):
    school = make_school()
    _user, guardian, loser, staff = family_with_history(school)
    survivor = make_student(school, first_name="OTTOLINE", last_name="Vexhámmer",
                            date_of_birth=loser.date_of_birth)
    add_attendance(survivor, days=8)  # six of its days are also on the loser's record
    assert len(duplicate_students(school.id)) == 1

    merge_people(survivor=survivor, loser=loser, actor=staff)
    db.session.commit()

    assert count_rows(DailyAttendance, student_id=survivor.id) == 8
    assert count_rows(Interaction, student_id=survivor.id) == 1
    assert count_rows(StudentGuardian, student_id=survivor.id, guardian_id=guardian.id) == 1
    assert count_rows(DailyAttendance, student_id=loser.id) == 0
    # The weekly totals the pages read (kept by triggers) followed the days that moved.
    weeks = {student_id: days for student_id, days in db.session.execute(
        select(AttendanceWeek.student_id, func.sum(AttendanceWeek.days))
        .group_by(AttendanceWeek.student_id))}
    assert weeks.get(survivor.id) == 8 and not weeks.get(loser.id)


def test_records_of_different_kinds_or_schools_are_not_merged(app):
    school, other = make_school(), make_school()
    student, elsewhere = make_student(school), make_student(other)
    with pytest.raises(DomainError):
        merge_people(survivor=student, loser=elsewhere, actor=None)
    with pytest.raises(DomainError):
        merge_people(survivor=student, loser=make_guardian(school), actor=None)
