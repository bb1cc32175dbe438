"""Portal forms of rankings: an organization's objection to a ranking on notice."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PortalForm
from rankings.services.objections import TEXT_MAX


class ObjectionForm(PortalForm):
    text = forms.CharField(
        label=_("What is wrong with the result"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Name the facts the score missed or counted wrongly, with dates."),
    )
    evidence = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("A PDF, a photo (PNG or JPEG) or an Office document, at most 20 MB."),
    )
