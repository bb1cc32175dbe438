from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PortalForm, PortalModelForm
from core.widgets import DateInput
from incubation.choices import DocumentKind
from incubation.models import Organization


class ContactForm(PortalModelForm):
    """What a leader may change about their organization in the portal."""

    class Meta:
        model = Organization
        fields = ["leader_name", "leader_phone", "address"]


class DocumentUploadForm(PortalForm):
    """A new version of one kind of document (the service checks the file's content)."""

    kind = forms.ChoiceField(label=_("document"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    file = forms.FileField(label=_("file"))
    valid_from = forms.DateField(label=_("valid from"), required=False, widget=DateInput())
    expires_on = forms.DateField(
        label=_("expires on"),
        required=False,
        widget=DateInput(),
        help_text=_("Certificates with a validity period: reminders go out 60 and 14 days ahead."),
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
