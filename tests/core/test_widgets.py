"""The portal's date and number inputs render what a browser accepts, in any language
and with any number formatting switched on (issue 14)."""

import datetime
from decimal import Decimal

from django import forms
from django.utils import translation

from core.forms import PortalForm
from core.widgets import DateInput, NumberInput


def test_it_renders_dates_iso_under_chinese():
    with translation.override("zh-hans"):
        html = DateInput().render("on", datetime.date(2027, 3, 1))
    assert 'type="date"' in html
    assert 'value="2027-03-01"' in html


def test_it_never_groups_or_localizes_a_decimal(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    widget = NumberInput()
    widget.is_localized = True
    with translation.override("en"):
        html = widget.render("amount", Decimal("1234.50"))
    assert 'value="1234.50"' in html
    assert 'value="1000"' in NumberInput().render("amount", Decimal("1E+3"))


def test_it_gives_every_portal_form_field_these_inputs(settings):
    settings.USE_THOUSAND_SEPARATOR = True

    class Form(PortalForm):
        on = forms.DateField()
        amount = forms.DecimalField(localize=True)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # Added after the base's __init__, like the self-assessment items.
            self.fields["late"] = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    initial = {"on": datetime.date(2027, 3, 1), "amount": Decimal("1234.50")}
    initial["late"] = datetime.date(2027, 11, 30)
    with translation.override("zh-hans"):
        html = str(Form(initial=initial))
    assert 'type="date" name="on" value="2027-03-01"' in html
    assert 'name="amount" value="1234.50"' in html
    assert 'type="date" name="late" value="2027-11-30"' in html
