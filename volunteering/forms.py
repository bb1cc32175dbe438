"""Forms of the volunteer portal and the organizer's pages. They only read and check what
was typed; the services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import PortalForm
from volunteering.choices import Audience, Series

# <input type="datetime-local"> sends "2026-11-25T09:00"; shown back the same way.
LOCAL_INPUT = "%Y-%m-%dT%H:%M"
INPUT_FORMATS = [LOCAL_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _moment(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )


class StayForm(PortalForm):
    """A sign-in and a sign-out time (marking attendance, a supplement)."""

    signed_in_at = _moment(_("signed in at"))
    signed_out_at = _moment(_("signed out at"))

    def clean(self):
        data = super().clean()
        start, end = data.get("signed_in_at"), data.get("signed_out_at")
        if start and end and end <= start:
            self.add_error("signed_out_at", _("The sign-out must be after the sign-in."))
        return data


class MarkAttendanceForm(StayForm):
    """Someone without a phone: a person signed up, or a new name."""

    place = forms.TypedChoiceField(label=_("signed-up person"), coerce=int, required=False)
    name = forms.CharField(label=_("or a new person's name"), max_length=50, required=False)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(p.pk, p.volunteer.name) for p in places]
        self.fields["place"].choices = [("", "—"), *choices]

    def clean(self):
        data = super().clean()
        has_place = bool(data.get("place"))
        has_name = bool((data.get("name") or "").strip())
        if has_place == has_name:
            raise ValidationError(_("Pick a signed-up person or type a new name (one of the two)."))
        return data


class SupplementForm(StayForm):
    reason = forms.CharField(
        label=_("reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. a forgotten sign-out, a paper sign-in sheet."),
    )


class SessionTimesForm(PortalForm):
    """Another session of an activity (a second day, a repeat)."""

    starts_at = _moment(_("starts at"))
    ends_at = _moment(_("ends at"))

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data


class ActivityDraftForm(SessionTimesForm):
    """A draft activity with its first session; the organizer is one of those the user
    may organize for (``organizers``: ``[(key, label)]``, key ``kind:pk``)."""

    field_order = [
        "title",
        "series",
        "organizer",
        "community",
        "place",
        "description",
        "audience",
        "capacity",
        "starts_at",
        "ends_at",
        "recruit_until",
    ]

    title = forms.CharField(label=_("title"), max_length=100)
    series = forms.ChoiceField(
        label=_("series"),
        # A claim's delivery is started from the claim, which names itself.
        choices=[c for c in Series.choices if c[0] != Series.CLAIM_DELIVERY],
    )
    organizer = forms.ChoiceField(label=_("organized by"))
    community = forms.TypedChoiceField(label=_("community"), coerce=int, required=False)
    place = forms.CharField(label=_("place"), max_length=200)
    description = forms.CharField(
        label=_("what volunteers will do"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    audience = forms.ChoiceField(label=_("who may join"), choices=Audience.choices)
    capacity = forms.IntegerField(label=_("places per session"), min_value=1, max_value=10000)
    recruit_until = _moment(_("sign-up closes at"))

    def __init__(self, *args, organizers=(), communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].choices = list(organizers)
        self.fields["community"].choices = [
            ("", _("Street-wide")),
            *[(c.pk, c.name) for c in communities],
        ]

    def clean(self):
        data = super().clean()
        end = data.get("ends_at")
        until = data.get("recruit_until")
        if end and until and until > end:
            self.add_error("recruit_until", _("Sign-up closes before the session ends."))
        return data


class IdentityForm(PortalForm):
    """The real name and resident ID number a certificate is issued to."""

    name = forms.CharField(label=_("real name"), max_length=50)
    id_number = forms.CharField(
        label=_("resident ID number"),
        max_length=18,
        help_text=_("Printed masked on the certificate (e.g. 3301**********1234)."),
    )
