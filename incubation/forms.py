from django import forms

from incubation.models import Organization


class ContactForm(forms.ModelForm):
    """What a leader may change about their organization in the portal."""

    class Meta:
        model = Organization
        fields = ["leader_name", "leader_phone", "address"]
