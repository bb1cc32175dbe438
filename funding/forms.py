"""Portal forms. They only collect input: every rule is checked by the services."""

from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from accounts.models import Community
from core.forms import PortalForm, PortalModelForm
from core.widgets import DateInput
from funding.choices import AcceptanceResult
from funding.models import Application
from funding.services.applications import EDITABLE_FIELDS


class ApplicationForm(PortalModelForm):
    class Meta:
        model = Application
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, street=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_community"].queryset = Community.objects.filter(street=street)


class BudgetLineForm(PortalForm):
    item = forms.CharField(label=_("item"), max_length=200)
    amount = forms.DecimalField(
        label=_("amount (yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)


BudgetLineFormSet = formset_factory(BudgetLineForm, extra=2, can_delete=True)


class AttachmentForm(PortalForm):
    file = forms.FileField(label=_("file"))


class ReportForm(PortalForm):
    content = forms.CharField(label=_("report"), widget=forms.Textarea(attrs={"rows": 8}))
    spent_amount = forms.DecimalField(
        label=_("amount spent so far (yuan)"), max_digits=14, decimal_places=2, min_value=0
    )
    file = forms.FileField(label=_("attachment"), required=False)


class ScoreForm(PortalForm):
    def __init__(self, *args, criteria=(), initial_scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_scores = initial_scores or {}
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.name}（{criterion.weight:g}%）",
                min_value=0,
                max_value=100,
                decimal_places=2,
                initial=initial_scores.get(criterion.pk),
            )

    def values(self) -> dict:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class ConflictForm(PortalForm):
    organization = forms.TypedChoiceField(label=_("organization"), coerce=int)
    reason = forms.CharField(label=_("reason"), max_length=300)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]


class DecisionForm(PortalForm):
    amount = forms.DecimalField(
        label=_("amount awarded (yuan)"), max_digits=14, decimal_places=2, required=False
    )
    message = forms.CharField(
        label=_("message to the applicant"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AgreementForm(PortalForm):
    signed_on = forms.DateField(label=_("agreement signed on"), widget=DateInput())


class AcceptanceForm(PortalForm):
    result = forms.ChoiceField(label=_("acceptance result"), choices=AcceptanceResult.choices)


class TerminationForm(PortalForm):
    reason = forms.CharField(
        label=_("termination reason"), widget=forms.Textarea(attrs={"rows": 3})
    )


class PaymentForm(PortalForm):
    paid_on = forms.DateField(label=_("paid on"), widget=DateInput())
    reference = forms.CharField(label=_("payment reference"), max_length=100)
