from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A 6-digit code from the authenticator app, or a recovery code where allowed."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
    )

    def clean_code(self):
        # People copy codes with spaces or dashes ("123 456", "abcd-efgh").
        code = "".join(ch for ch in self.cleaned_data["code"] if ch not in " -\t").lower()
        if not code:
            raise forms.ValidationError(_("Enter the code."))
        return code
