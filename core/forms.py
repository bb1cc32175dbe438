"""The base of every portal form: date and number inputs a browser can show again."""

from django import forms
from django.core.exceptions import ValidationError

from core.errors import refusal_text
from core.widgets import DateInput, NumberInput


def _portal_widget(field: forms.Field) -> None:
    """Swap Django's stock date and number inputs for ours, keeping their attributes."""
    widget = field.widget
    if isinstance(field, forms.DateField) and type(widget) in (forms.DateInput, DateInput):
        if type(widget) is DateInput and widget.format == "%Y-%m-%d":
            return
        new = DateInput(attrs=dict(widget.attrs))
    elif type(widget) is forms.NumberInput:
        new = NumberInput(attrs=dict(widget.attrs))
    else:
        return
    new.is_required = widget.is_required
    new.is_localized = False
    field.widget = new


class PortalFormMixin:
    """Every field gets an input the browser can round-trip.

    Done when a field is first reached (rendering and cleaning both go through
    ``form[name]``) rather than in ``__init__``, because several forms add their fields
    in their own ``__init__`` after this one has run (self-assessment items, scores)."""

    def __getitem__(self, name):
        field = self.fields.get(name)
        if field is not None:
            _portal_widget(field)
        return super().__getitem__(name)


class PortalForm(PortalFormMixin, forms.Form):
    pass


class PortalModelForm(PortalFormMixin, forms.ModelForm):
    pass


def add_refusal(form: forms.BaseForm, exc: Exception) -> None:
    """A service's refusal on the form that asked for the write: a ValidationError's errors
    on their fields (on the form itself for a field the form does not have), anything else
    (``ActionRefused``, ``PermissionDenied``, a message without fields) as the form's own
    error."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal_text(exc))
