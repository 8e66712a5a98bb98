"""A school of one-child families in two strata, for the holdout tests."""

from types import SimpleNamespace

from portal.auth.models import Role
from portal.core.planner import refresh_statistics
from portal.extensions import db
from portal.risk.models import RiskAssessment, RiskRuleSet
from tests import factories as f


def add_families(school, count: int, *, grade_level: int, risk: str | None,
                 rules: RiskRuleSet | None = None) -> list:
    """Add families of one child each at this grade (and risk level); return the children."""
    children = []
    for _ in range(count):
        child = f.make_student(school, grade_level=grade_level)
        f.link(child, f.make_guardian(school))  # no portal account: no password to hash
        if risk:
            db.session.add(RiskAssessment(student_id=child.id, rule_set_id=rules.id, score=50,
                                          level=risk))
        children.append(child)
    db.session.flush()
    return children


def two_strata_school() -> SimpleNamespace:
    """Add a school: 60 families in grade 9 (no risk), 40 in grade 10 (high risk), and one
    family with a child in each (grade 10, high: its worst risk); commit."""
    school = f.make_school(timezone="UTC")
    admin = f.make_user(Role.ADMINISTRATOR, school)
    rules = RiskRuleSet(school_id=school.id, version=1, settings={})
    db.session.add(rules)
    db.session.flush()
    calm = add_families(school, 60, grade_level=9, risk="none", rules=rules)
    worried = add_families(school, 40, grade_level=10, risk="high", rules=rules)
    _, both = f.make_family(school, calm[0], worried[0])
    db.session.commit()
    # A bulk seed, as after an import: fresh statistics (on PostgreSQL, statistics taken when
    # the tables were nearly empty made the draw's query nest loops: 30 s instead of 0.5 s).
    refresh_statistics()
    return SimpleNamespace(school=school, admin=admin, rules=rules, calm=calm,
                           worried=worried, both=both)
