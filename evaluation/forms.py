from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PortalForm, PortalModelForm
from core.identifiers import normalize_code, normalize_filing_number
from core.widgets import DateInput
from evaluation.choices import EvaluatorGroup
from evaluation.models import Review
from evaluation.selectors import points_text
from evaluation.services.reviews import FORM_FIELDS


class ReviewForm(PortalModelForm):
    """The leader's form, with one self-assessment field per applicable item."""

    class Meta:
        model = Review
        fields = list(FORM_FIELDS)
        widgets = {
            "work_summary": forms.Textarea(attrs={"rows": 6}),
            "activities_held": forms.Textarea(attrs={"rows": 6}),
            "party_section": forms.Textarea(attrs={"rows": 5}),
        }

    # In the same form as the text, so adding a file saves what was typed (issue 14: a
    # separate upload form threw the typed text away).
    attachment = forms.FileField(
        label=_("Add an attachment"),
        required=False,
        help_text=_("PDF, images or Office files, at most 20 MB each."),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.items = list(items)
        assessed = self.instance.self_assessment or {}
        for item in self.items:
            self.fields[f"sa_{item.pk}"] = forms.DecimalField(
                label=f"{item.parent.name} · {item.name}",
                help_text=_("0 to %(max)s points") % {"max": points_text(item.max_points)},
                required=False,
                min_value=0,
                max_value=item.max_points,
                decimal_places=2,
                initial=assessed.get(str(item.pk)),
            )

    def item_fields(self):
        return [self[f"sa_{item.pk}"] for item in self.items]

    def main_fields(self):
        return [self[name] for name in FORM_FIELDS]

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in FORM_FIELDS}

    def self_assessment_values(self) -> dict:
        return {
            str(item.pk): self.cleaned_data.get(f"sa_{item.pk}")
            for item in self.items
            if self.cleaned_data.get(f"sa_{item.pk}") is not None
        }


class AttachmentForm(PortalForm):
    file = forms.FileField(label=_("Attachment"))


class ScoreForm(PortalForm):
    comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, items=(), scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        scores = scores or {}
        for item in self.items:
            score = scores.get(item.pk)
            self.fields[f"p_{item.pk}"] = forms.DecimalField(
                label=f"{item.parent.name} · {item.name}",
                help_text=_("0 to %(max)s points") % {"max": points_text(item.max_points)},
                required=False,
                min_value=0,
                max_value=item.max_points,
                decimal_places=2,
                initial=score.points if score else None,
            )
            self.fields[f"c_{item.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=500,
                initial=score.comment if score else "",
            )

    def rows(self):
        return [(item, self[f"p_{item.pk}"], self[f"c_{item.pk}"]) for item in self.items]

    def scores(self) -> dict:
        return {
            item.pk: (self.cleaned_data.get(f"p_{item.pk}"), self.cleaned_data.get(f"c_{item.pk}"))
            for item in self.items
        }


class ConflictForm(PortalForm):
    # Evaluators pick the organization from their street's list; typing its code stays
    # possible (pasted from a document) but is never needed.
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None, required=False)
    identifier = forms.CharField(
        label=_("Or its code"),
        max_length=30,
        required=False,
        help_text=_("Its unified social credit code or filing number."),
    )
    reason = forms.CharField(label=_("Conflict of interest"), max_length=300)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean(self):
        data = super().clean()
        if not data.get("organization") and not data.get("identifier"):
            self.add_error("organization", _("Choose the organization."))
        return data

    def clean_identifier(self):
        """The code as the registry stores it, whatever way it was typed or pasted
        (full-width, spaces, a zero-width space): an 18-character credit code without
        separators, else a filing number (which keeps its hyphens)."""
        raw = self.cleaned_data["identifier"]
        code = normalize_code(raw)
        if len(code) == 18 and code.isalnum() and code.isascii():
            return code
        return normalize_filing_number(raw)


class ReturnForm(PortalForm):
    comment = forms.CharField(label=_("What to revise"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionForm(PortalForm):
    until = forms.DateField(label=_("Extension until"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class AssignForm(PortalForm):
    evaluator = forms.ModelChoiceField(label=_("Evaluator"), queryset=None)
    group = forms.ChoiceField(label=_("Group"), choices=EvaluatorGroup.choices)

    def __init__(self, *args, evaluators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = evaluators
