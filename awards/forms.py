"""Forms of the awards portal pages and of the staff's admin."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import Campaign, Objection
from core.forms import PortalForm
from incubation.workflows import LIFECYCLE_STAGES, Stage


class NominationForm(PortalForm):
    """A leader's self-nomination (or the nomination of a person serving in their
    organization), with a statement and a file of materials."""

    organization = forms.TypedChoiceField(label=_("organization"), coerce=int)
    person_name = forms.CharField(label=_("person's name"), max_length=50, required=False)
    statement = forms.CharField(
        label=_("statement"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the candidate did, and how it meets the criteria."),
    )
    material = forms.FileField(
        label=_("materials"),
        required=False,
        help_text=_("A PDF, an image or an Office document, at most 20 MB."),
    )

    def __init__(self, *args, organizations=(), person=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
        if person:
            self.fields["person_name"].required = True
        else:
            del self.fields["person_name"]


class ScoreForm(PortalForm):
    points = forms.DecimalField(
        label=_("score (0–100)"), min_value=0, max_value=100, decimal_places=2
    )
    comment = forms.CharField(label=_("comment"), max_length=500, required=False)


class ConflictForm(PortalForm):
    reason = forms.CharField(
        label=_("conflict of interest"),
        max_length=300,
        help_text=_("E.g. you are a member, an adviser or a relative of its leaders."),
    )


class ObjectionForm(PortalForm):
    reason = forms.CharField(
        label=_("reason for the objection"), widget=forms.Textarea(attrs={"rows": 5})
    )


class ObjectionDecisionForm(forms.ModelForm):
    """The staff's decision of an objection, with a reason (admin)."""

    # Not chosen: saving the page decides nothing.
    decision = forms.ChoiceField(
        label=_("decision"),
        required=False,
        choices=[
            ("", _("Not decided yet")),
            ("upheld", _("Uphold: withdraw the award")),
            ("dismissed", _("Dismiss")),
        ],
    )

    class Meta:
        model = Objection
        fields = ("decision_reason",)


def stage_choices():
    return [(str(s), Stage(s).label) for s in LIFECYCLE_STAGES]


class CampaignAdminForm(forms.ModelForm):
    allowed_stages = forms.TypedMultipleChoiceField(
        label=_("allowed lifecycle stages"),
        choices=stage_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any stage before leaving the hub."),
    )

    class Meta:
        model = Campaign
        fields = (
            "street",
            "title",
            "year",
            "awardee_kind",
            "criteria",
            "party_criterion",
            "award_count",
            "min_grade",
            "exclude_credit_listed",
            "allowed_stages",
            "require_party_checkpoint",
            "nominations_open_on",
            "nominations_close_on",
            "notice_days",
        )
