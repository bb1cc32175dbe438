"""The demo funding data: 130 funded projects in 2016–2025 (the published figure), the
foundation with 14 council units and about 2,500,000 yuan raised, this year's call open
with leader1's draft."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.db.models import Sum

from accounts.models import Street
from funding.demo import FUND_NAME, LEADER1_ORG, PUBLISHED_FUNDED
from funding.models import Application, Fund, GrantCall
from funding.selectors import fund_ledger_balance, grants_by_year, headline_figures, ranking
from funding.workflows import ApplicationStatus as S

FROZEN = datetime.datetime(2026, 11, 28, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_seed_demo_builds_the_funding_history(db):
    with time_machine.travel(FROZEN, tick=False):
        call_command("seed_demo", force=True)
        call_command("seed_demo", force=True)  # idempotent
        street = Street.objects.get(code="kaixuan")
        figures = headline_figures(street=street)
        assert figures["grant_projects_funded"] == PUBLISHED_FUNDED
        # Every recorded agreement is issued, its content fixed on its signing day.
        signed = Application.objects.filter(call__street=street, agreement_signed_on__isnull=False)
        assert signed.filter(agreement__isnull=True).count() == 0
        sample = signed.select_related("agreement").first()
        assert sample.agreement.snapshot["project"]["title"] == sample.title
        history = [row for row in grants_by_year(street=street) if 2016 <= row[0] <= 2025]
        assert sum(n for _year, n, _amount in history) == PUBLISHED_FUNDED
        # Past calls were scored by three experts; the funded projects ranked on top.
        past = GrantCall.objects.get(street=street, year=2025)
        rows = ranking(past)
        assert all(row.experts == 3 and row.score for row in rows)
        funded = [row.application.awarded_amount is not None for row in rows]
        assert funded == sorted(funded, reverse=True)
        assert [year for year, _n, _amount in history] == list(range(2016, 2026))
        for call in GrantCall.objects.filter(street=street):
            awarded = (
                call.applications.filter(
                    status__in=[S.APPROVED, S.IN_PROGRESS, S.COMPLETED]
                ).aggregate(total=Sum("awarded_amount"))["total"]
                or 0
            )
            assert awarded <= call.total_budget, call.year

        fund = Fund.objects.get(street=street)
        assert fund.name == FUND_NAME and fund.seed_capital == Decimal("2000000")
        assert figures["foundation_council_units"] == 14
        assert Decimal("2400000") <= figures["foundation_raised"] <= Decimal("2600000")
        assert fund.spendings.exists()
        assert fund.balance == fund_ledger_balance(fund) >= 0

        current = GrantCall.objects.get(street=street, year=2026)
        assert current.is_open(FROZEN.date())
        draft = Application.objects.get(call=current, organization__name=LEADER1_ORG)
        assert draft.status == S.DRAFT
        assert draft.organization.leader_accounts.filter(username="leader1").exists()
        assert sum(line.amount for line in draft.budget_lines.all()) == draft.requested_amount
