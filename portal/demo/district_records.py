"""One district school's year of records, written in bulk: attendance, grades, and the rest."""

from collections import defaultdict
from datetime import timedelta
from statistics import fmean

from portal.core.bulk import copy_rows
from portal.core.models import Visibility
from portal.demo.bulk import TableIds
from portal.demo.contacts import OUTCOME_WEIGHTS, SUMMARIES, TOPICS
from portal.demo.district_people import DistrictSchool, DistrictSection
from portal.demo.records import (
    ACTIONS,
    ASSESSMENT_LABELS,
    NEGATIVE_BEHAVIOUR,
    POSITIVE_BEHAVIOUR,
    PROGRAMS,
    attendance_status,
    period_on,
    score_for,
    work_status,
)
from portal.events.models import Event, EventAttendance, EventInvitation
from portal.extensions import db
from portal.interactions.models import Interaction
from portal.messaging.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    Message,
    UpdateKind,
)
from portal.outcomes.models import (
    BehaviourIncident,
    DailyAttendance,
    Grade,
    Program,
    ProgramEnrollment,
    WorkMark,
    WorkStatus,
)

ASSESSMENT_EVERY = 15  # school days between two assessments of a class
# The school's two latest newsletters, by how far into the year so far they went: about seven
# weeks ago and about two (a school day is 1.4 calendar days).
NEWSLETTERS = ((0.8, "Mid-term newsletter"), (0.95, "Before the holidays"))


def _came(rng, struggling: bool) -> bool:
    """Whether a family took part (came, read): fewer of struggling students' families."""
    return rng.random() < (0.35 if struggling else 0.6)


def record_attendance(ctx: DistrictSchool, ids: TableIds) -> int:
    """Write a daily attendance row for every student and school day; return how many."""
    rng = ctx.rng("attendance")
    recorded_at = {day: ctx.at(day, 9, 15) for day in ctx.days}
    homeroom = {section.id: section.teacher_id for section in ctx.sections
                if section.course.code == "ENG"}
    school_id, next_id = ctx.school.id, ids["daily_attendance"]

    def rows():
        for student in ctx.students:
            teacher_id = next(homeroom[s] for s in student.section_ids if s in homeroom)
            for day in ctx.days:
                status, reason = attendance_status(rng, student.profile, day)
                yield (next_id.take(), school_id, student.id, day, status, reason, teacher_id,
                       recorded_at[day])

    return copy_rows(DailyAttendance.__table__, ("id", "school_id", "student_id", "on_date",
                                                  "status", "reason", "recorded_by_id",
                                                  "recorded_at"), rows())


def record_grades(ctx: DistrictSchool, ids: TableIds) -> int:
    """Write assessments every three weeks, period grades and missing or late work."""
    rng, work_rng = ctx.rng("grades"), ctx.rng("work")
    profiles = {student.id: student.profile for student in ctx.students}
    grades, marks = [], []
    for index, section in enumerate(ctx.sections):
        scores = defaultdict(list)
        label = ASSESSMENT_LABELS.get(section.course.name, "Quiz")
        for number, day in enumerate(ctx.days[5 + index % 7::ASSESSMENT_EVERY], 1):
            period, name = period_on(ctx.periods, day), f"{label} {number}"
            for student_id in section.roster:
                score = score_for(rng, profiles[student_id], section.course, day)
                status = work_status(work_rng, profiles[student_id], day)
                if status:
                    marks.append((ids["work_marks"].take(), student_id, section.id, period.id,
                                  name, status, day, section.teacher_id))
                if status not in WorkStatus.WITHOUT_SCORE:
                    scores[student_id, period.id].append(score)
                    grades.append(_grade(ids, section, student_id, period.id, day, score,
                                         "assessment", name))
        for period in ctx.periods:
            if period.ends_on < ctx.today:
                grades += [_grade(ids, section, student_id, period.id, period.ends_on,
                                  round(fmean(scores[student_id, period.id])), "period", None)
                           for student_id in section.roster if scores.get((student_id, period.id))]
    copy_rows(WorkMark.__table__, ("id", "student_id", "section_id", "grading_period_id",
                                   "assessment_name", "status", "due_on", "recorded_by_id"), marks)
    return copy_rows(Grade.__table__, ("id", "student_id", "section_id", "grading_period_id",
                                       "kind", "assessment_name", "score", "max_score",
                                       "recorded_on", "recorded_by_id"), grades)


def _grade(ids: TableIds, section: DistrictSection, student_id: int, period_id: int, day,
           score: float, kind: str, name: str | None) -> tuple:
    return (ids["grades"].take(), student_id, section.id, period_id, kind, name, score, 100.0,
            day, section.teacher_id)


def record_programs_and_behaviour(ctx: DistrictSchool, ids: TableIds) -> None:
    """Write the school's programs and members, and behaviour notes (two for five students)."""
    rng = ctx.rng("programs")
    students = ctx.students
    members = []
    for name, kind, description, _, places in PROGRAMS:
        program = Program(school_id=ctx.school.id, name=name, kind=kind, description=description)
        db.session.add(program)
        db.session.flush()
        for student in rng.sample(students, min(len(students), places * len(students) // 300)):
            members.append((ids["program_enrollments"].take(), program.id, student.id,
                            ctx.past_day(rng, 0.0, 0.6)))
    copy_rows(ProgramEnrollment.__table__, ("id", "program_id", "student_id", "starts_on"),
              members)
    weights = [4 if s.profile.is_struggling else 1 for s in students]
    teacher_of = {section.id: section.teacher_id for section in ctx.sections}
    incidents = []
    for student in rng.choices(students, weights, k=len(students) * 2 // 5):
        if rng.random() < 0.35:
            (category, description), severity, action = rng.choice(POSITIVE_BEHAVIOUR), 1, None
        else:
            category, severity, description = rng.choice(NEGATIVE_BEHAVIOUR)
            action = ACTIONS[severity]
        incidents.append((ids["behaviour_incidents"].take(), student.id, action is None,
                          severity, category, description, action,
                          ctx.at(ctx.past_day(rng), rng.randint(8, 14)),
                          teacher_of[rng.choice(student.section_ids)], Visibility.STAFF))
    copy_rows(BehaviourIncident.__table__, (
        "id", "student_id", "is_positive", "severity", "category", "description",
        "action_taken", "occurred_at", "reported_by_id", "visibility"), incidents)


def log_contacts(ctx: DistrictSchool, ids: TableIds) -> None:
    """Write calls and notes (one for two students) and a past evening for every family."""
    rng = ctx.rng("contacts")
    students = [s for s in ctx.students if s.guardian_ids]
    weights = [5 if s.profile.is_struggling else 1 for s in students]
    interactions = []
    for student in rng.choices(students, weights, k=len(students) // 2):
        channel = rng.choices(("phone", "email", "note"), weights=(50, 30, 20))[0]
        outcomes, outcome_weights = zip(*OUTCOME_WEIGHTS[channel], strict=True)
        outcome = rng.choices(outcomes, outcome_weights)[0]
        occurred_at = ctx.at(ctx.past_day(rng), rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
        summary = SUMMARIES[outcome].format(guardian="the family", student="the student",
                                            topic=rng.choice(TOPICS).format(subject="class"))
        interactions.append((ids["interactions"].take(), student.id, ctx.counsellors[student.grade],
                             channel, "internal" if channel == "note" else "outbound",
                             occurred_at, summary, outcome, Visibility.STAFF, occurred_at))
    copy_rows(Interaction.__table__, ("id", "student_id", "author_id", "channel", "direction",
                                      "occurred_at", "summary", "outcome", "visibility",
                                      "created_at"), interactions)
    evening = ctx.past_day(rng, 0.05, 0.1)
    event = Event(school_id=ctx.school.id, kind="school_event", title="Back-to-School Night",
                  location="Main auditorium", starts_at=ctx.at(evening, 18),
                  ends_at=ctx.at(evening, 20), audience={"whole_school": True},
                  uid=f"event-{ctx.school.id}-1@district.demo", created_by_id=ctx.admin.id)
    db.session.add(event)
    db.session.flush()
    invited_at = ctx.at(evening - timedelta(days=14), 9)
    invited = {guardian_id: student.id for student in ctx.students
               for guardian_id in student.guardian_ids}
    copy_rows(EventInvitation.__table__, ("id", "event_id", "guardian_id", "student_id",
                                          "invited_at"),
              ((ids["event_invitations"].take(), event.id, guardian_id, student_id, invited_at)
               for guardian_id, student_id in invited.items()))
    struggling = {student.id: student.profile.is_struggling for student in ctx.students}
    copy_rows(EventAttendance.__table__, ("id", "event_id", "guardian_id", "student_id",
                                          "checked_in_at", "checked_in_by_id"),
              ((ids["event_attendances"].take(), event.id, guardian_id, student_id,
                event.starts_at + timedelta(minutes=rng.randint(0, 40)), ctx.admin.id)
               for guardian_id, student_id in invited.items()
               if _came(rng, struggling[student_id])))


def send_newsletters(ctx: DistrictSchool, ids: TableIds) -> None:
    """Write the school's newsletters as the portal sends them: a sent campaign, every informed
    family's inbox copy and, to those with an address, its email, sent; about half read each
    (fewer of struggling students' families)."""
    rng = ctx.rng("newsletters")
    families: dict[int, bool] = {}  # guardian id -> has a struggling child
    for student in ctx.students:
        for guardian_id in student.guardian_ids:
            families[guardian_id] = families.get(guardian_id) or student.profile.is_struggling
    messages, deliveries = [], []
    for when, title in NEWSLETTERS:
        sent_at = ctx.at(ctx.past_day(rng, when, when), 16)
        campaign = Campaign(school_id=ctx.school.id, title=title, kind=UpdateKind.GENERAL,
                            criteria={}, status=CampaignStatus.SENT,
                            created_by_id=ctx.admin.id, created_at=sent_at, updated_at=sent_at)
        db.session.add(campaign)
        db.session.flush()
        body = f"{title} of {ctx.school.name}: what happened, and what comes next."
        for guardian_id, struggling in families.items():
            message_id = ids["messages"].take()
            read_at = (sent_at + timedelta(hours=rng.randint(1, 72))
                       if _came(rng, struggling) else None)
            messages.append((message_id, campaign.id, guardian_id, ctx.admin.id,
                             UpdateKind.GENERAL, title, body, sent_at, read_at))
            address = ctx.emails.get(guardian_id)
            if address:
                deliveries.append((message_id, campaign.id, guardian_id, UpdateKind.GENERAL,
                                   "email", address, title, body, "{}", "[]",
                                   DeliveryStatus.SENT, 1, sent_at, sent_at, sent_at,
                                   f"<newsletter-{message_id}@district.demo>"))
    copy_rows(Message.__table__, ("id", "campaign_id", "guardian_id", "sender_user_id", "kind",
                                  "subject", "body_text", "created_at", "read_at"), messages)
    copy_rows(Delivery.__table__, ("message_id", "campaign_id", "guardian_id", "kind",
                                   "channel", "to_address", "subject", "body_text", "headers",
                                   "attachments", "status", "attempts", "next_attempt_at",
                                   "first_attempt_at", "sent_at", "message_id_header"),
              deliveries)

