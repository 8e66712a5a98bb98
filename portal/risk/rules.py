"""The early-warning rules: which indicator, which side of which threshold, which domain.

Pure: no Flask, no database. Labels are marked with N_ for translation (pybabel -k N_) and
translated where they are shown.
"""

from dataclasses import dataclass

BELOW = "below"
AT_LEAST = "at_least"


def N_(message: str) -> str:  # noqa: N802 - the usual name of gettext's no-op marker
    """Mark a message for translation without translating it here."""
    return message


# A domain is one fact about the student: its rules vote once, with the largest weight fired.
ATTENDANCE, COURSES, WORK, BEHAVIOUR = "attendance", "courses", "work", "behaviour"
DOMAINS = {
    ATTENDANCE: N_("attendance"),
    COURSES: N_("course performance"),
    WORK: N_("missing and late work"),
    BEHAVIOUR: N_("behaviour"),
}


@dataclass(frozen=True)
class IndicatorRule:
    """A rule the engine knows, with its default threshold and weight."""

    name: str  # its key in the settings
    label: str
    domain: str
    direction: str
    threshold: float
    weight: float
    unit: str = ""
    trend_from: str | None = None  # the indicator whose sign says falling / rising
    indicator: str | None = None  # the indicator it reads, when not the rule's own name

    @property
    def reads(self) -> str:
        return self.indicator or self.name


# With the default cut-offs (watch 2, high 6): one domain off track is "watch"; "high" needs
# a severe signal (weight 4) and another domain, or three domains. No domain alone is high.
RULES = (
    IndicatorRule("attendance_rate_term", N_("attendance this term"), ATTENDANCE, BELOW, 90, 2,
                  "%", "attendance_trend"),
    IndicatorRule("attendance_rate_recent", N_("attendance in the last 4 weeks"), ATTENDANCE,
                  BELOW, 85, 2, "%", "attendance_trend"),
    IndicatorRule("severe_absence", N_("attendance this term, severely low"),
                  ATTENDANCE, BELOW, 80, 4, "%", "attendance_trend", "attendance_rate_term"),
    IndicatorRule("attendance_trend", N_("attendance change per week"), ATTENDANCE, BELOW, -2,
                  1, " points"),
    IndicatorRule("failing_core_subjects", N_("failing core subjects"), COURSES, AT_LEAST, 1, 2),
    IndicatorRule("failing_core_severe", N_("failing core subjects"), COURSES, AT_LEAST, 2, 4,
                  indicator="failing_core_subjects"),
    IndicatorRule("grade_average", N_("grade average, latest period"), COURSES, BELOW, 60, 2,
                  "%", "grade_change"),
    IndicatorRule("failing_subjects", N_("failing subjects"), COURSES, AT_LEAST, 2, 2),
    IndicatorRule("past_course_failures", N_("past course failures"), COURSES, AT_LEAST, 1, 2),
    IndicatorRule("grade_change", N_("grade change since the previous period"), COURSES, BELOW,
                  -10, 1, " points"),
    IndicatorRule("score_trend", N_("score change per piece of work"), COURSES, BELOW, -3, 1,
                  " points"),
    IndicatorRule("score_vs_class", N_("average score relative to the class"), COURSES, BELOW,
                  -15, 1, " points", "score_trend"),
    IndicatorRule("missing_work_share", N_("share of work due not handed in"), WORK, AT_LEAST,
                  20, 2, "%"),
    IndicatorRule("missing_work_count", N_("pieces of work missing"), WORK, AT_LEAST, 3, 1),
    IndicatorRule("missing_work_recent", N_("pieces of work missing, due in the last 4 weeks"),
                  WORK, AT_LEAST, 2, 1),
    IndicatorRule("late_work_share", N_("share of work handed in late"), WORK, AT_LEAST, 30, 1,
                  "%"),
    IndicatorRule("serious_incidents", N_("suspensions and major incidents this term"),
                  BEHAVIOUR, AT_LEAST, 1, 2),
    IndicatorRule("serious_incidents_severe", N_("suspensions and major incidents this term"),
                  BEHAVIOUR, AT_LEAST, 2, 4, indicator="serious_incidents"),
    IndicatorRule("behaviour_incidents_term", N_("behaviour incidents this term"), BEHAVIOUR,
                  AT_LEAST, 2, 2),
)
RULES_BY_NAME = {rule.name: rule for rule in RULES}

# The thresholds that mean something, by unit: a share or a rate in %, a change in points;
# otherwise a count (or days) from 1, as "at least 0" would flag every student.
THRESHOLD_BOUNDS = {"%": (0, 100), " points": (-100, 100)}
COUNT_BOUNDS = (1, 1000)
WEIGHT_BOUNDS = (0, 10)


def threshold_bounds(rule: IndicatorRule) -> tuple[int, int]:
    """Return the lowest and the highest threshold that mean something for this rule."""
    return THRESHOLD_BOUNDS.get(rule.unit, COUNT_BOUNDS)

# The school's contact with the family: shown beside a flag as to-dos, never in the level.
FAMILY_TODOS = (
    IndicatorRule("days_since_family_contact",
                  N_("no successful family contact for %(value)s days"), "family", AT_LEAST, 60,
                  0, " days"),
    IndicatorRule("missed_parent_events", N_("%(value)s parent events or conferences missed"),
                  "family", AT_LEAST, 2, 0),
)
