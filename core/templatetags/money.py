"""Money as staff write it: ``12,345.00 元`` and, for large sums, ``1.23 万元``.

``core`` is not an installed app (it has no models of its own), so this library is
registered by name in ``TEMPLATES["OPTIONS"]["libraries"]``; templates ``{% load money %}``.
Grouping is done here rather than with ``intcomma`` because intcomma follows the active
language's grouping rules and turns a ``Decimal`` into a float-ish string on the way."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

CENT = Decimal("0.01")
WAN = Decimal("10000")
EMPTY = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def yuan_number(value) -> str:
    """``12345.5`` → ``12,345.50``: the number alone, for sentences that carry the unit."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY if value in (None, "") else str(value)
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


@register.filter
def yuan(value) -> str:
    """``12345.5`` → ``12,345.50 元`` (``12,345.50 yuan`` in English)."""
    number = yuan_number(value)
    if number == EMPTY or _decimal(value) is None:
        return number
    return _("%(amount)s yuan") % {"amount": number}


@register.filter
def wan_yuan(value) -> str:
    """``500000`` → ``50 万元``, ``12345`` → ``1.23 万元``: how staff write budgets.

    English has no 万, so there the full amount in yuan is shown instead."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY if value in (None, "") else str(value)
    if not (get_language() or "").startswith("zh"):
        return yuan(value)
    wan = (amount / WAN).quantize(CENT, rounding=ROUND_HALF_UP)
    text = f"{wan:,.2f}".rstrip("0").rstrip(".")
    return _("%(amount)s ten thousand yuan") % {"amount": text}
