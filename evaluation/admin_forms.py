from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.choices import GRADE_ORDER, EvaluatorGroup
from evaluation.models import Cycle
from evaluation.services.cycles import CYCLE_FIELDS, clean_cycle

# The JSON settings of a cycle, edited as one labelled number per key.
JSON_FIELDS = ("thresholds", "weights")
# Highest grade first, as staff read a grading table; 1A is "below the lowest threshold".
THRESHOLD_GRADES = list(reversed(GRADE_ORDER[1:]))


def threshold_field(grade: str) -> str:
    return f"threshold_{grade}"


def weight_field(group: str) -> str:
    return f"weight_{group}"


THRESHOLD_FIELDS = [threshold_field(grade) for grade in THRESHOLD_GRADES]
WEIGHT_FIELDS = [weight_field(group) for group in EvaluatorGroup.values]


def _number(value: Decimal) -> int | float:
    # Stored as JSON numbers, as the defaults and the scoring (Decimal(str(w))) expect.
    return int(value) if value == value.to_integral_value() else float(value)


def _declared_fields() -> dict:
    fields = {}
    for grade in THRESHOLD_GRADES:
        fields[threshold_field(grade)] = forms.DecimalField(
            label=format_lazy(gettext_lazy("{grade} from (points)"), grade=grade),
            required=False,
            min_value=0,
            max_digits=7,
            decimal_places=2,
        )
    fields[THRESHOLD_FIELDS[-1]].help_text = gettext_lazy(
        "Leave a grade empty if the jurisdiction does not use it; below the lowest is 1A."
    )
    for group in EvaluatorGroup:
        fields[weight_field(group.value)] = forms.DecimalField(
            label=format_lazy(gettext_lazy("Weight of {group} (%)"), group=group.label),
            min_value=0,
            max_value=100,
            max_digits=5,
            decimal_places=2,
        )
    return fields


# The labelled fields are declared on a class, not added in __init__, so that the admin's
# get_form (which names the fields of its fieldsets) finds them.
_CycleRulesForm = type("_CycleRulesForm", (forms.ModelForm,), _declared_fields())


class CycleAdminForm(_CycleRulesForm):
    """A cycle's grade thresholds and evaluator-group weights as labelled number fields
    (not raw JSON): thresholds from 5A down must fall, weights must add up to 100 %. The
    rest of the cycle's rules are checked by the service's ``clean_cycle``."""

    class Meta:
        model = Cycle
        fields = [
            "year",
            "template",
            "opens_on",
            "deadline",
            *(f for f in CYCLE_FIELDS if f not in JSON_FIELDS),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        thresholds = self.instance.thresholds or {}
        weights = self.instance.weights or {}
        for grade in THRESHOLD_GRADES:
            if threshold_field(grade) in self.fields:
                self.fields[threshold_field(grade)].initial = thresholds.get(grade)
        for group in EvaluatorGroup.values:
            if weight_field(group) in self.fields:
                self.fields[weight_field(group)].initial = weights.get(group, 0)

    def clean(self):
        data = super().clean()
        if THRESHOLD_FIELDS[0] not in self.fields:  # a closed cycle shows them read-only
            return data
        thresholds = {
            grade: data[threshold_field(grade)]
            for grade in THRESHOLD_GRADES
            if data.get(threshold_field(grade)) is not None
        }
        given = [(grade, thresholds[grade]) for grade in THRESHOLD_GRADES if grade in thresholds]
        if not given and not self.has_error(THRESHOLD_FIELDS[0]):
            self.add_error(THRESHOLD_FIELDS[0], _("Give the lowest total for 5A at least."))
        for (higher, high), (lower, low) in zip(given, given[1:], strict=False):
            if low >= high:
                self.add_error(
                    threshold_field(lower),
                    _("%(lower)s must start below %(higher)s (%(points)s points).")
                    % {"lower": lower, "higher": higher, "points": high},
                )
        weights = {
            group: data[weight_field(group)]
            for group in EvaluatorGroup.values
            if data.get(weight_field(group)) is not None
        }
        if len(weights) == len(EvaluatorGroup.values):
            total = sum(weights.values(), Decimal(0))
            if total != 100:
                self.add_error(
                    None,
                    _("The evaluator-group weights add up to %(total)s %%, not 100 %%.")
                    % {"total": _number(total)},
                )
        if self.errors:
            return data
        self.instance.thresholds = {grade: _number(value) for grade, value in given}
        self.instance.weights = {group: _number(value) for group, value in weights.items()}
        probe = Cycle(
            thresholds=self.instance.thresholds,
            weights=self.instance.weights,
            opens_on=data.get("opens_on", self.instance.opens_on),
            deadline=data.get("deadline", self.instance.deadline),
        )
        try:
            clean_cycle(probe)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data
