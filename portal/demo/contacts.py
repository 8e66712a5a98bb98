"""The demo school's contact with families: interactions, follow-ups and needs."""

import random
from datetime import timedelta

from portal.auth.models import User
from portal.core.models import Visibility
from portal.demo.people import DemoContext
from portal.extensions import db
from portal.interactions.models import Interaction, InteractionParticipant, Outcome
from portal.needs.models import Need, NeedStatus
from portal.people.models import Guardian, Student

TOPICS = ("recent absences", "missing homework in {subject}", "the last {subject} test",
          "settling in after a move", "the upcoming conferences", "an incident at lunch",
          "progress in tutoring", "college and career plans", "a change of medication",
          "getting to school on time")
OUTCOME_WEIGHTS = {
    "phone": (("reached", 50), ("no_answer", 25), ("left_message", 20), ("wrong_number", 5)),
    "email": (("replied", 65), ("no_answer", 35)),
    "meeting": (("meeting_held", 1),),
    "note": (("not_applicable", 1),),
}
SUMMARIES = {
    "reached": "Spoke with {guardian} about {topic}.",
    "no_answer": "Tried to reach {guardian} about {topic}; no answer yet.",
    "left_message": "Left a voicemail for {guardian} about {topic}.",
    "wrong_number": "Could not reach {guardian} about {topic}: the number on file is wrong.",
    "replied": "Wrote to {guardian} about {topic}; they replied the same day.",
    "meeting_held": "Met with {guardian} and {student} about {topic}.",
    "not_applicable": "Note on {student}: {topic}.",
}
FOLLOW_UPS = ("Check back in two weeks.", "Send the work plan home.",
              "Arrange a meeting with the teachers.", "Share the tutoring schedule.")
NEEDS = {
    "learning_support": ("Extra time on tests", "Reading assessment requested",
                         "Homework support plan"),
    "health": ("Asthma action plan on file", "Peanut allergy: cafeteria informed",
               "Medication taken at school"),
    "language": ("Interpreter for family meetings", "English language support"),
    "social": ("Friendship difficulties at lunch", "Check-ins after a family bereavement"),
    "financial": ("Help with the free lunch application", "Help with the field trip cost"),
    "other": ("New bus stop needed", "Laptop loan for homework"),
}
FAMILY_REQUESTS = (
    ("learning_support", "Could we get extra help in Science?"),
    ("social", "Our child is unhappy at lunch; can someone check in?"),
    ("other", "Request for a meeting with the counsellor"),
    ("financial", "Is there help with the cost of the band trip?"),
)


def log_interactions(ctx: DemoContext, count: int = 150) -> None:
    """Add contacts with families, mostly about struggling students, with follow-ups."""
    rng = ctx.rng("interactions")
    students = ctx.students
    weights = [5 if ctx.profiles[s.id].is_struggling else 1 for s in students]
    demo_children = ctx.families[0][0]
    chosen = demo_children * 3 + rng.choices(students, weights, k=count - 3 * len(demo_children))
    logged = [_interaction(ctx, rng, student) for student in chosen]
    db.session.add_all(interaction for interaction, _ in logged)
    for interaction, guardian in logged:
        if guardian is not None and interaction.outcome in Outcome.SUCCESSFUL:
            last = guardian.last_successful_contact_at
            if last is None or interaction.occurred_at > last:
                guardian.last_successful_contact_at = interaction.occurred_at
    db.session.flush()


def _interaction(ctx: DemoContext, rng: random.Random,
                 student: Student) -> tuple[Interaction, Guardian | None]:
    channel = rng.choices(tuple(OUTCOME_WEIGHTS), weights=(40, 25, 15, 20))[0]
    outcomes, outcome_weights = zip(*OUTCOME_WEIGHTS[channel], strict=True)
    outcome = rng.choices(outcomes, outcome_weights)[0]
    author = _author(ctx, rng, student)
    guardian = None if channel == "note" else rng.choice(ctx.informed_guardians(student))
    topic = rng.choice(TOPICS).format(subject=rng.choice(ctx.timetables[student.id]).course.name)
    summary = SUMMARIES[outcome].format(guardian=guardian.display_name if guardian else "",
                                        student=student.display_name, topic=topic)
    day = ctx.past_day(rng)
    interaction = Interaction(
        student_id=student.id, author_id=author.id, channel=channel, outcome=outcome,
        direction="internal" if channel == "note" else rng.choice(("outbound",) * 3 + ("inbound",)),
        occurred_at=ctx.at(day, rng.randint(8, 17), rng.choice((0, 15, 30, 45))),
        summary=summary, created_at=ctx.at(day, 18),
        visibility=Visibility.FAMILY if guardian and rng.random() < 0.2 else Visibility.STAFF)
    interaction.participants.append(InteractionParticipant(user_id=author.id))
    if guardian is not None:
        interaction.participants.append(InteractionParticipant(guardian_id=guardian.id))
    if rng.random() < 0.3:
        _add_follow_up(ctx, rng, interaction, author)
    return interaction, guardian


def _author(ctx: DemoContext, rng: random.Random, student: Student) -> User:
    if rng.random() < 0.5:
        return ctx.counsellor_by_grade[student.grade_level]
    teacher_id = rng.choice(ctx.timetables[student.id]).teacher_id
    return next(user for user in ctx.staff.values() if user.id == teacher_id)


def _add_follow_up(ctx: DemoContext, rng: random.Random, interaction: Interaction,
                   author: User) -> None:
    occurred_on = interaction.occurred_at.date()
    due_on = occurred_on + timedelta(days=rng.randint(5, 21))
    interaction.summary += " " + rng.choice(FOLLOW_UPS)
    interaction.follow_up_due_on = due_on
    interaction.follow_up_owner_id = author.id
    # Half of the follow-ups already due are done; the rest are overdue.
    if due_on < ctx.today and rng.random() < 0.5:
        interaction.follow_up_done_at = ctx.at(due_on, 15)


def record_needs(ctx: DemoContext, count: int = 30) -> None:
    """Add needs with owners and mixed statuses; a few are requests from families."""
    rng = ctx.rng("needs")
    requesters = [ctx.families[0][0][1]] + rng.sample(ctx.students, len(FAMILY_REQUESTS) - 1)
    for student, (kind, title) in zip(requesters, FAMILY_REQUESTS, strict=True):
        guardian = ctx.informed_guardians(student)[0]
        need = _need(ctx, rng, student, kind, title)
        need.is_family_request, need.visibility = True, Visibility.FAMILY
        need.created_by_id = guardian.user.id if guardian.user else None
    for student in rng.sample(ctx.students, count - len(FAMILY_REQUESTS)):
        kind = rng.choice(tuple(NEEDS))
        _need(ctx, rng, student, kind, rng.choice(NEEDS[kind]))
    db.session.flush()


def _need(ctx: DemoContext, rng: random.Random, student: Student, kind: str, title: str) -> Need:
    status = rng.choices(NeedStatus.ALL, weights=(35, 30, 25, 10))[0]
    counsellor = ctx.counsellor_by_grade[student.grade_level]
    owner = rng.choices((counsellor, ctx.staff["admin@demo.school"], _author(ctx, rng, student)),
                        weights=(60, 15, 25))[0]
    opened_on = ctx.past_day(rng, 0.0, 0.8)
    need = Need(student_id=student.id, kind=kind, title=title, status=status, owner_id=owner.id,
                created_by_id=owner.id, created_at=ctx.at(opened_on, 10),
                details=f"Raised on {opened_on:%B} {opened_on.day} for {student.display_name}.")
    if status in NeedStatus.ACTIVE:
        need.due_on = ctx.today + timedelta(days=rng.randint(-10, 21))
    else:
        need.resolved_at = ctx.at(ctx.past_day(rng, 0.8, 1.0), 14)
    db.session.add(need)
    return need
