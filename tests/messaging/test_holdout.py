"""The measured programs' holdout: drawn on start, stratified, stable, and stoppable."""

import math
from collections import Counter

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import Role
from portal.extensions import db
from portal.messaging.holdout import held_out_guardian_ids, save_measurement
from portal.messaging.models import HoldoutAssignment, HoldoutSetting
from tests import factories as f
from tests.messaging.holdout_helpers import add_families, two_strata_school


def _lots(school) -> dict[int, tuple[str, bool]]:
    return {row.guardian_id: (row.stratum, row.held_out) for row in db.session.scalars(
        select(HoldoutAssignment).where(HoldoutAssignment.school_id == school.id,
                                        HoldoutAssignment.program == "weekly_alert"))}


def _per_stratum(lots) -> dict[str, tuple[int, int]]:
    families = Counter(stratum for stratum, _ in lots.values())
    held = Counter(stratum for stratum, out in lots.values() if out)
    return {stratum: (total, held[stratum]) for stratum, total in families.items()}


def _start(world, share: float = 10, weeks: int = 8, program: str = "weekly_alert"):
    setting = save_measurement(school=world.school, program=program, actor=world.admin,
                               measuring=True, share_percent=share, weeks=weeks)
    db.session.commit()
    return setting


def test_nothing_is_held_out_until_the_school_measures_the_program(app):
    world = two_strata_school()
    assert held_out_guardian_ids(school_id=world.school.id, program="weekly_alert") == set()
    assert db.session.scalar(select(HoldoutAssignment.id)) is None
    with pytest.raises(ValueError):
        held_out_guardian_ids(school_id=world.school.id, program="digest")


def test_starting_draws_every_family_within_its_grade_and_risk_level(app):
    world = two_strata_school()
    _start(world)
    lots = _lots(world.school)
    assert len(lots) == 101
    assert lots[world.both.id][0] == "10:high"
    strata = _per_stratum(lots)
    assert set(strata) == {"9:none", "10:high"}
    assert all(math.floor(total / 10) <= held <= math.ceil(total / 10)
               for total, held in strata.values())
    held = held_out_guardian_ids(school_id=world.school.id, program="weekly_alert")
    assert held == {guardian_id for guardian_id, (_, out) in lots.items() if out}
    assert held_out_guardian_ids(school_id=world.school.id, program="attendance_nudge") == set()
    audit = db.session.scalar(select(AuditEvent).where(
        AuditEvent.object_type == "holdout_setting"))
    assert audit.actor_id == world.admin.id and audit.changes["measuring"] == [False, True]


def test_lots_are_kept_on_rerun_and_newcomers_are_drawn_when_first_seen(app):
    world = two_strata_school()
    _start(world)
    before = _lots(world.school)
    first = held_out_guardian_ids(school_id=world.school.id, program="weekly_alert")
    assert held_out_guardian_ids(school_id=world.school.id, program="weekly_alert") == first
    add_families(world.school, 25, grade_level=9, risk="none", rules=world.rules)
    db.session.commit()
    after_arrivals = held_out_guardian_ids(school_id=world.school.id, program="weekly_alert")
    lots = _lots(world.school)
    assert len(lots) == 126
    assert {key: lots[key] for key in before} == before  # nobody's lot was redrawn
    assert after_arrivals >= first
    total, held = _per_stratum(lots)["9:none"]
    assert total == 85 and held in (8, 9)


def test_the_holdout_ends_with_its_weeks_or_when_stopped_and_excluded_families_get_it(
        app, clock):
    world = two_strata_school()
    _start(world, weeks=4)
    held = held_out_guardian_ids(school_id=world.school.id, program="weekly_alert")
    row = db.session.scalar(select(HoldoutAssignment).where(
        HoldoutAssignment.guardian_id == min(held)))
    row.excluded_at = row.assigned_at
    db.session.commit()
    assert held_out_guardian_ids(school_id=world.school.id,
                                 program="weekly_alert") == held - {min(held)}
    clock.advance(weeks=4)
    assert held_out_guardian_ids(school_id=world.school.id, program="weekly_alert") == set()
    clock.advance(weeks=-1)
    assert held_out_guardian_ids(school_id=world.school.id, program="weekly_alert")
    save_measurement(school=world.school, program="weekly_alert", actor=world.admin,
                     measuring=False, share_percent=10, weeks=4)
    assert held_out_guardian_ids(school_id=world.school.id, program="weekly_alert") == set()


def test_the_share_is_fixed_once_families_are_drawn(app):
    world = two_strata_school()
    _start(world, share=10)
    setting = _start(world, share=40, weeks=12)
    assert setting.share_percent == 10 and setting.weeks == 12
    assert sum(out for _, out in _lots(world.school).values()) <= 11


def _form(program="weekly_alert", **changes) -> dict:
    data = {f"{program}-measuring": "y", f"{program}-share_percent": "10",
            f"{program}-weeks": "8"}
    data.update({f"{program}-{key}": value for key, value in changes.items()})
    return data


def test_the_settings_page_turns_measurement_on_and_off(app, login_as):
    world = two_strata_school()
    client = login_as(world.admin)
    page = client.get("/messaging/measurement")
    assert page.status_code == 200
    assert "Chan 2021, Journal of Human Resources" in page.get_data(as_text=True)
    assert client.post("/messaging/measurement/weekly_alert", data=_form()).status_code == 302
    setting = db.session.scalar(select(HoldoutSetting))
    assert setting.measuring and setting.weeks == 8 and len(setting.seed) == 64
    held = sum(out for _, out in _lots(world.school).values())
    assert held in (10, 11)  # 6 of 60 in grade 9, 4 or 5 of 41 in grade 10
    assert f"{held} families held out" in client.get("/messaging/measurement").get_data(
        as_text=True)
    off = _form()
    del off["weekly_alert-measuring"]
    assert client.post("/messaging/measurement/weekly_alert", data=off).status_code == 302
    db.session.expire_all()
    assert not db.session.get(HoldoutSetting, setting.id).measuring


@pytest.mark.parametrize("field, value, message", [
    ("share_percent", "0", "between 1 and 50"), ("share_percent", "NaN", ""),
    ("share_percent", "1e400", ""), ("weeks", "99999999999", ""),
    ("weeks", "1", "from 2 to 40"), ("weeks", "-3", "from 2 to 40")])
def test_hostile_settings_are_refused_with_a_reason(app, login_as, field, value, message):
    admin = f.make_user(Role.ADMINISTRATOR, f.make_school())
    db.session.commit()
    response = login_as(admin).post("/messaging/measurement/weekly_alert",
                                          data=_form(**{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(HoldoutSetting.id)) is None


def test_only_the_schools_administrator_changes_the_measurement(app, login_as):
    world = two_strata_school()
    teacher = f.make_user(Role.TEACHER, world.school)
    other_admin = f.make_user(Role.ADMINISTRATOR, f.make_school())
    db.session.commit()
    assert login_as(teacher).post("/messaging/measurement/weekly_alert",
                                  data=_form()).status_code == 403
    assert login_as(teacher).get("/messaging/measurement").status_code == 403
    assert login_as(world.admin).post("/messaging/measurement/digest",
                                      data=_form("digest")).status_code == 404
    login_as(other_admin).post("/messaging/measurement/weekly_alert", data=_form())
    assert db.session.scalar(select(HoldoutSetting.school_id)) == other_admin.school_id


def test_a_family_that_asks_is_left_out_by_the_administrator(app, login_as):
    world = two_strata_school()
    _start(world)
    held = sorted(held_out_guardian_ids(school_id=world.school.id, program="weekly_alert"))
    client = login_as(world.admin)
    url = "/messaging/measurement/weekly_alert/exclude"
    assert client.post(url, data={"guardian_id": str(held[0])}).status_code == 302
    assert held[0] not in held_out_guardian_ids(school_id=world.school.id,
                                                program="weekly_alert")
    assert "left out at their request" in client.get("/messaging/measurement").get_data(
        as_text=True)
    elsewhere = f.make_school()
    _, stranger = f.make_family(elsewhere, f.make_student(elsewhere))
    db.session.commit()
    assert client.post(url, data={"guardian_id": str(stranger.id)}).status_code == 404
    assert client.post(url, data={"guardian_id": "abc"}).status_code == 400
    assert client.post(url, data={"guardian_id": "99999999999"}).status_code == 400


def test_newcomers_are_not_drawn_after_the_weeks(app, clock):
    world = two_strata_school()
    _start(world, weeks=2)
    clock.advance(weeks=3)
    add_families(world.school, 5, grade_level=9, risk=None)
    db.session.commit()
    held_out_guardian_ids(school_id=world.school.id, program="weekly_alert")
    assert len(_lots(world.school)) == 101
