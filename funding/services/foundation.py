"""The community foundation's books. The fund row is locked for every entry, so two
entries never read the same balance; the stored balance can never go below zero (a check
constraint backs the service's own refusal) and always equals seed + donations − spending.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.templatetags.money import yuan_number
from funding.models import CouncilUnit, Donation, Fund, FundSpending
from funding.permissions import can_manage_fund, is_street_staff


def _lock(fund: Fund) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund.pk)


def _positive(amount) -> Decimal:
    amount = Decimal(amount)
    if amount <= 0:
        raise ActionRefused(_("The amount must be greater than zero."))
    return amount


@transaction.atomic
def fund_create(
    *, street, name: str, seed_capital, established_on: datetime.date | None = None, actor
) -> Fund:
    if not is_street_staff(actor, street.pk):
        raise ActionRefused(_("Only the street staff may keep the foundation's books."))
    fund = Fund(
        street=street,
        name=name,
        seed_capital=Decimal(seed_capital),
        established_on=established_on,
        balance=Decimal(seed_capital),
    )
    fund.full_clean()
    fund.save()
    return fund


def council_unit_add(
    *, fund: Fund, name: str, joined_on=None, representative: str = "", actor
) -> CouncilUnit:
    refuse_unless(can_manage_fund(actor, fund))
    unit = CouncilUnit(fund=fund, name=name, joined_on=joined_on, representative=representative)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def fund_update(*, fund: Fund, actor) -> Fund:
    """Save a changed name or founding date (the admin's form). The seed and the balance
    are the ledger's: never written here."""
    refuse_unless(can_manage_fund(actor, fund))
    fund.full_clean()
    fund.save(update_fields=["name", "established_on", "updated_at"])
    return fund


def council_unit_update(*, unit: CouncilUnit, actor) -> CouncilUnit:
    refuse_unless(can_manage_fund(actor, unit.fund))
    unit.full_clean()
    unit.save(update_fields=["name", "joined_on", "representative", "updated_at"])
    return unit


def council_unit_remove(*, unit: CouncilUnit, actor) -> None:
    refuse_unless(can_manage_fund(actor, unit.fund))
    unit.delete()


@transaction.atomic
def donation_record(
    *,
    fund: Fund,
    donor: str,
    amount,
    received_on: datetime.date,
    receipt_number: str,
    restricted_purpose: str = "",
    actor,
) -> Donation:
    refuse_unless(can_manage_fund(actor, fund))
    amount = _positive(amount)
    locked = _lock(fund)
    donation = Donation(
        fund=locked,
        donor=donor,
        amount=amount,
        received_on=received_on,
        receipt_number=receipt_number.strip(),
        restricted_purpose=restricted_purpose,
        recorded_by=actor,
    )
    donation.full_clean()
    donation.save()
    Fund.objects.filter(pk=locked.pk).update(balance=F("balance") + amount)
    return donation


@transaction.atomic
def spending_record(
    *,
    fund: Fund,
    project: str,
    amount,
    spent_on: datetime.date,
    reference: str = "",
    note: str = "",
    actor,
) -> FundSpending:
    """Spend on a community project; refused when the balance does not cover it. The lock
    on the fund row makes two spendings racing for the last money run one after the other,
    so the second sees the lower balance and is refused."""
    refuse_unless(can_manage_fund(actor, fund))
    amount = _positive(amount)
    locked = _lock(fund)
    if amount > locked.balance:
        raise ActionRefused(
            _("The foundation's balance of %(balance)s yuan does not cover %(amount)s yuan.")
            % {"balance": yuan_number(locked.balance), "amount": yuan_number(amount)}
        )
    spending = FundSpending(
        fund=locked,
        project=project,
        amount=amount,
        spent_on=spent_on,
        reference=reference,
        note=note,
        recorded_by=actor,
    )
    spending.full_clean()
    spending.save()
    Fund.objects.filter(pk=locked.pk).update(balance=F("balance") - amount)
    return spending
