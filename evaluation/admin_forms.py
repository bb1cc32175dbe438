from django import forms
from django.core.exceptions import ValidationError

from evaluation.models import Cycle
from evaluation.services.cycles import CYCLE_FIELDS, clean_cycle


class CycleAdminForm(forms.ModelForm):
    """Shows the cycle's rules (thresholds ascending, weights per group) as form errors."""

    class Meta:
        model = Cycle
        fields = ["year", "template", "opens_on", "deadline", *CYCLE_FIELDS]

    def clean(self):
        data = super().clean()
        probe = Cycle(
            thresholds=data.get("thresholds", self.instance.thresholds),
            weights=data.get("weights", self.instance.weights),
            opens_on=data.get("opens_on", self.instance.opens_on),
            deadline=data.get("deadline", self.instance.deadline),
        )
        try:
            clean_cycle(probe)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data
