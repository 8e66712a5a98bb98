"""The weekly family alert: for each child, the few specific things to act on this week.

Weekly automated alerts to parents about missing assignments, low grades and missed
classes cut course failures by 27 % and raised class attendance by 12 % (Bergman & Chan
2021, Journal of Human Resources); enrolling families by default reached 95 % of them,
where opt-in reached under 1 % (Bergman, Lasky-Fink & Rogers 2020). So the alert is on
for every family unless they or the school turn it off, and it says nothing when there is
nothing to act on. It joins the weekly digest: one weekly message (see digest.py).
"""

from datetime import datetime, timedelta

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from portal.core.formats import format_number
from portal.core.time import monday_of, to_local
from portal.messaging.holdout import held_out_guardian_ids
from portal.messaging.models import NudgeProgram, UpdateKind
from portal.messaging.services import wants_update
from portal.outcomes.queries import attendance_summary, course_averages, missing_work_by_course
from portal.people.models import Guardian, School, Student

# Missing work is listed while it can still be handed in: due in the last five weeks.
MISSING_LOOKBACK_DAYS = 35


def eligible_families(*, school: School,
                      families: list[tuple[Guardian, list[Student]]]
                      ) -> list[tuple[Guardian, list[Student]]]:
    """Return the school's families who get the weekly alert (school on, family not opted
    out, not held out while the school measures the alert)."""
    if not school.weekly_alert_enabled:
        return []
    held_out = held_out_guardian_ids(school_id=school.id, program=NudgeProgram.WEEKLY_ALERT)
    return [(guardian, children) for guardian, children in families
            if guardian.school_id == school.id and guardian.id not in held_out
            and wants_update(guardian, UpdateKind.ALERT)]


def child_alert_lines(student: Student, school: School, now: datetime) -> list[str]:
    """Return the child's lines of the alert (in the current locale); empty when all is well."""
    today = to_local(now, school.timezone).date()
    name, locale = student.display_name, get_locale()
    lines = [ngettext("%(name)s has %(num)d missing assignment in %(course)s.",
                      "%(name)s has %(num)d missing assignments in %(course)s.", count,
                      name=name, course=course)
             for course, count in missing_work_by_course(
                 student, since=today - timedelta(days=MISSING_LOOKBACK_DAYS), until=today)]
    lines += [_("%(name)s is below the pass mark in %(course)s: %(percent)s %% "
                "(pass mark %(pass_mark)s %%).", name=name, course=course,
                percent=format_number(average, locale, 0),
                pass_mark=format_number(school.pass_mark_percent, locale, 0))
              for course, average in course_averages(student, on=today)
              if average < school.pass_mark_percent]
    missed = attendance_summary(student, since=monday_of(today))["absences"]
    if missed:
        lines.append(ngettext("%(name)s missed %(num)d day of school this week.",
                              "%(name)s missed %(num)d days of school this week.", missed,
                              name=name))
    return lines


def alert_text(lines: list[str]) -> str:
    """Return the alert block: the lines, then what the family can do (current locale)."""
    return "\n".join([_("This week, please look at:")] + [f"- {line}" for line in lines]
                     + [_("You can help: talk about it with your child tonight, and reply to "
                          "this message if you have a question.")])
