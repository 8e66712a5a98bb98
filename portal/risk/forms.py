"""The rule-set settings form: a threshold, a weight and an on/off switch per indicator."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from portal.core.fields import FloatField, IntegerField, SelectField
from portal.risk.rules import COUNT_BOUNDS, WEIGHT_BOUNDS, threshold_bounds
from portal.risk.scoring import DOMAINS, FAMILY_TODOS, RULES, SETTING_BOUNDS

INTERVENTION_KINDS = ("attendance", "academic", "behaviour", "family_contact", "other")
WEIGHT_RANGE = NumberRange(*WEIGHT_BOUNDS, message=_l("Give a weight from 0 to 10."))


def in_range(bounds: tuple[int, int]) -> NumberRange:
    """Refuse a number outside these bounds, saying them."""
    return NumberRange(*bounds, message=_l("Enter a number from %(min)s to %(max)s."))


class RuleSetForm(FlaskForm):
    """Cut-offs and the cap; the per-indicator fields are added below."""

    watch_score = FloatField(_l("Score for “watch”"), validators=[
        InputRequired(_l("Enter the score for “watch”.")), in_range(SETTING_BOUNDS["watch_score"])])
    high_score = FloatField(_l("Score for “high”"), validators=[
        InputRequired(_l("Enter the score for “high”.")), in_range(SETTING_BOUNDS["high_score"])])
    high_cap = IntegerField(_l("At most this many “high” flags (empty: no limit)"), validators=[
        Optional(), NumberRange(min=1, message=_l("The limit must be at least 1."))])
    attendance_min_days = IntegerField(_l("School days recorded before attendance counts"),
                                       validators=[InputRequired(_l("Enter a number of days.")),
                                                   in_range(SETTING_BOUNDS["attendance_min_days"])])
    preview = SubmitField(_l("Preview the lists"))
    seen = HiddenField()  # the version in use when the form was filled in

    def validate_high_score(self, field) -> None:
        if self.watch_score.data is not None and field.data is not None \
                and field.data < self.watch_score.data:
            raise ValidationError(_l("The score for “high” must not be below the one for “watch”."))

    def rule_fields(self) -> list[tuple]:
        """Return (rule, enabled, threshold, weight) fields in the engine's order."""
        return [(rule, self[f"{rule.name}_enabled"], self[f"{rule.name}_threshold"],
                 self[f"{rule.name}_weight"]) for rule in RULES]

    def domains(self) -> list[tuple[str, list[tuple]]]:
        """Return (domain label, its rules' fields): each domain votes once."""
        fields = self.rule_fields()
        return [(label, [row for row in fields if row[0].domain == domain])
                for domain, label in DOMAINS.items()]

    def todo_fields(self) -> list[tuple]:
        """Return (to-do, threshold field) for the family to-dos."""
        return [(todo, self[f"{todo.name}_todo"]) for todo in FAMILY_TODOS]

    def fill(self, settings: dict) -> None:
        """Set the fields from stored settings (for a GET)."""
        self.watch_score.data = settings["watch_score"]
        self.high_score.data = settings["high_score"]
        self.high_cap.data = settings.get("high_cap")
        self.attendance_min_days.data = settings["attendance_min_days"]
        for todo, threshold in self.todo_fields():
            threshold.data = settings["family_todos"][todo.name]
        for rule, enabled, threshold, weight in self.rule_fields():
            chosen = settings["rules"][rule.name]
            enabled.data, threshold.data, weight.data = (
                chosen.get("enabled", True), chosen["threshold"], chosen["weight"])

    def settings(self) -> dict:
        """Return the settings the form describes."""
        return {
            "watch_score": self.watch_score.data, "high_score": self.high_score.data,
            "high_cap": self.high_cap.data, "attendance_min_days": self.attendance_min_days.data,
            "family_todos": {todo.name: threshold.data for todo, threshold in self.todo_fields()},
            "rules": {rule.name: {"enabled": enabled.data, "threshold": threshold.data,
                                  "weight": weight.data}
                      for rule, enabled, threshold, weight in self.rule_fields()},
        }


for _rule in RULES:
    setattr(RuleSetForm, f"{_rule.name}_enabled", BooleanField(_l("Use")))
    setattr(RuleSetForm, f"{_rule.name}_threshold", FloatField(_l("Threshold"), validators=[
        InputRequired(_l("Enter a threshold.")), in_range(threshold_bounds(_rule))]))
    setattr(RuleSetForm, f"{_rule.name}_weight", FloatField(_l("Weight"), validators=[
        InputRequired(_l("Enter a weight.")), WEIGHT_RANGE]))
for _todo in FAMILY_TODOS:
    setattr(RuleSetForm, f"{_todo.name}_todo", IntegerField(_l("To-do from"), validators=[
        InputRequired(_l("Enter a number.")), in_range(COUNT_BOUNDS)]))


class InterventionForm(FlaskForm):
    """One click from a new flag: open an intervention of a kind."""

    kind = SelectField(_l("Kind"), choices=list(INTERVENTION_KINDS))

