"""The generated district's families take part as a school's do: some came to the evening,
every informed family got the newsletters, and about half read each."""

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from portal.auth.models import User
from portal.demo.district import generate_district
from portal.events.models import EventAttendance, EventInvitation
from portal.extensions import db
from portal.messaging.models import Campaign, Delivery, DeliveryStatus, Message
from portal.messaging.reach import families_not_reached
from portal.people.models import Guardian, StudentGuardian

TODAY = date(2026, 11, 16)


def test_check_ins_newsletters_and_reads_of_a_generated_district(app):
    summary = generate_district(students=60, today=TODAY)
    db.session.commit()
    invited = set(db.session.execute(
        select(EventInvitation.event_id, EventInvitation.guardian_id, EventInvitation.student_id)))
    came = set(db.session.execute(
        select(EventAttendance.event_id, EventAttendance.guardian_id, EventAttendance.student_id)))
    assert came and came < invited  # some came, each of them invited

    informed = set(db.session.scalars(select(StudentGuardian.guardian_id).where(
        StudentGuardian.may_receive_information.is_(True)).distinct()))
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.created_at)).all()
    assert [campaign.status for campaign in campaigns] == ["sent", "sent"]
    for campaign in campaigns:
        copies = db.session.execute(select(Message.guardian_id, Message.created_at,
                                           Message.read_at)
                                    .where(Message.campaign_id == campaign.id)).all()
        assert {guardian_id for guardian_id, *_ in copies} == informed
        assert len(copies) == len(informed)
        read = [read_at for _, _, read_at in copies if read_at]
        assert 0 < len(read) < len(copies)
        assert all(created < read_at <= created + timedelta(hours=72)
                   for _, created, read_at in copies if read_at)
        assert all(created < datetime.combine(TODAY, datetime.min.time())
                   for _, created, _ in copies)
        emailed = dict(db.session.execute(
            select(Delivery.guardian_id, Delivery.to_address)
            .where(Delivery.campaign_id == campaign.id, Delivery.status == DeliveryStatus.SENT))
            .all())
        addresses = dict(db.session.execute(
            select(Guardian.id, Guardian.email).where(Guardian.id.in_(informed),
                                                      Guardian.email.is_not(None))).all())
        assert emailed == addresses  # an email to every informed family with an address

    # The newsletter of about two weeks ago is within the reach report's six weeks (the
    # tests' clock: 25 November): some families on the page are listed for not reading it.
    admin = db.session.scalar(select(User).where(User.email == summary.district_administrator))
    families, _ = families_not_reached(admin, weeks=6)
    unread = sum("No message read in 6 weeks" in family.problems for family in families)
    assert 0 < unread < len(families)
    assert db.session.scalar(select(func.count()).select_from(Message)) == 2 * len(informed)
