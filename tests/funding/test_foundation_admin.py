"""The foundation admin saves through services (issue 15: admin never saves a model
directly): name and date change, the seed and the balance never; outsiders are refused."""

from decimal import Decimal

import pytest

from core.errors import ActionRefused
from funding.models import CouncilUnit, Fund
from funding.services.foundation import (
    council_unit_add,
    council_unit_remove,
    council_unit_update,
    fund_update,
)
from tests.funding.test_foundation import make_fund

pytestmark = pytest.mark.django_db


def test_it_changes_the_name_but_never_the_seed_or_balance(tenant):
    fund = make_fund(tenant, seed="1000")
    fund.name = "美好凯旋基金"
    fund.seed_capital = fund.balance = Decimal("1")
    fund_update(fund=fund, actor=tenant.street_admin)
    stored = Fund.objects.get(pk=fund.pk)
    assert (stored.name, stored.seed_capital, stored.balance) == (
        "美好凯旋基金",
        Decimal("1000"),
        Decimal("1000"),
    )


def test_it_refuses_the_fund_and_its_units_to_another_street(tenant, outsider_tenant):
    fund = make_fund(tenant)
    unit = council_unit_add(fund=fund, name="某企业", actor=tenant.street_admin)
    outsider = outsider_tenant.street_admin
    with pytest.raises(ActionRefused):
        fund_update(fund=fund, actor=outsider)
    unit.name = "改名"
    with pytest.raises(ActionRefused):
        council_unit_update(unit=unit, actor=outsider)
    with pytest.raises(ActionRefused):
        council_unit_remove(unit=unit, actor=outsider)
    assert CouncilUnit.objects.get(pk=unit.pk).name == "某企业"
    council_unit_remove(unit=unit, actor=tenant.street_admin)
    assert not CouncilUnit.objects.filter(pk=unit.pk).exists()
