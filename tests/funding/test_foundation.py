import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ActionRefused
from funding.models import Fund
from funding.selectors import fund_ledger_balance, headline_figures
from funding.services.foundation import (
    council_unit_add,
    donation_record,
    fund_create,
    spending_record,
)

pytestmark = pytest.mark.django_db


def make_fund(tenant, seed="2000000"):
    return fund_create(
        street=tenant.street,
        name="美好凯旋社区发展基金会",
        seed_capital=Decimal(seed),
        actor=tenant.street_admin,
    )


def test_it_keeps_the_stored_balance_equal_to_the_ledger(tenant):
    fund = make_fund(tenant, seed="1000")
    admin = tenant.street_admin
    today = timezone.localdate()
    donation_record(
        fund=fund,
        donor="某企业",
        amount="500.50",
        received_on=today,
        receipt_number="R1",
        actor=admin,
    )
    spending_record(fund=fund, project="楼道微更新", amount="1200", spent_on=today, actor=admin)
    fund.refresh_from_db()
    assert fund.balance == Decimal("300.50") == fund_ledger_balance(fund)


def test_it_never_lets_the_balance_go_below_zero(tenant):
    fund = make_fund(tenant, seed="1000")
    admin = tenant.street_admin
    today = timezone.localdate()
    with pytest.raises(ActionRefused) as exc:
        spending_record(fund=fund, project="超支", amount="1000.01", spent_on=today, actor=admin)
    assert "1,000.00" in exc.value.message and "1,000.01" in exc.value.message
    spending_record(fund=fund, project="全部", amount="1000", spent_on=today, actor=admin)
    fund.refresh_from_db()
    assert fund.balance == 0
    # The database refuses a negative balance even if a service were bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(balance=Decimal("-0.01"))


def test_it_refuses_zero_amounts_duplicate_receipts_and_outsiders(tenant, outsider_tenant):
    fund = make_fund(tenant)
    today = timezone.localdate()
    admin = tenant.street_admin
    with pytest.raises(ActionRefused):
        donation_record(
            fund=fund, donor="x", amount="0", received_on=today, receipt_number="R", actor=admin
        )
    donation_record(
        fund=fund, donor="x", amount="1", received_on=today, receipt_number="R9", actor=admin
    )
    with pytest.raises(Exception):  # noqa: B017 - full_clean's uniqueness check
        donation_record(
            fund=fund, donor="y", amount="1", received_on=today, receipt_number="R9", actor=admin
        )
    for outsider in (outsider_tenant.street_admin, tenant.community_staff, tenant.leader):
        with pytest.raises(ActionRefused):
            spending_record(fund=fund, project="x", amount="1", spent_on=today, actor=outsider)
    assert not Fund.objects.visible_to(outsider_tenant.street_admin).exists()


def test_it_reports_the_foundation_figures_per_street(tenant, outsider_tenant, count_queries):
    fund = make_fund(tenant)
    admin = tenant.street_admin
    for index in range(3):
        council_unit_add(fund=fund, name=f"理事单位{index}", actor=admin)
    donation_record(
        fund=fund,
        donor="企业",
        amount="250000",
        received_on=datetime.date(2025, 3, 1),
        receipt_number="R1",
        restricted_purpose="助老",
        actor=admin,
    )
    with count_queries() as counter:
        figures = headline_figures(street=tenant.street)
    assert counter.count <= 5, counter.dump()
    assert figures["foundation_council_units"] == 3
    assert figures["foundation_raised"] == Decimal("250000")
    assert figures["foundation_balance"] == Decimal("2250000")
    by_community = headline_figures(community=tenant.community)
    assert by_community["foundation_raised"] == Decimal("250000")
    other = headline_figures(street=outsider_tenant.street)
    assert other["foundation_raised"] == 0 and other["grant_projects_funded"] == 0
