"""Two approvals (or two spendings) racing for the last money, on two real database
connections. PostgreSQL only: SQLite has no row locks (it locks the whole database)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from core.errors import ActionRefused
from funding.models import Application
from funding.selectors import committed_amount, fund_ledger_balance
from funding.services.applications import application_transition
from funding.services.foundation import fund_create, spending_record
from funding.workflows import ApplicationStatus as S
from tests.funding.factories import make_call, make_draft, make_eligible

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="row locks need PostgreSQL (CI runs it)"
    ),
]


def race(*actions):
    """Run the actions at the same moment on their own connections; returns outcomes."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            action()
            outcomes[index] = "ok"
        except ActionRefused as exc:
            outcomes[index] = exc.message
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_it_lets_only_one_of_two_racing_approvals_take_the_last_money(tenant):
    call = make_call(tenant, budget="30000", cap="20000")
    first_org = make_eligible(tenant.org)
    second_org = make_eligible(tenant.other_org)
    second_org.leader_accounts.add(tenant.leader)
    apps = []
    for org, title in ((first_org, "甲"), (second_org, "乙")):
        app = make_draft(call, org, tenant.leader, title=title, amount="20000")
        apps.append(application_transition(application=app, to=S.SUBMITTED, actor=tenant.leader))
    admin = tenant.street_admin

    def approve(app):
        return lambda: application_transition(
            application=app, to=S.APPROVED, actor=admin, amount=Decimal("20000"), message="同意"
        )

    outcomes = race(approve(apps[0]), approve(apps[1]))
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    assert Application.objects.filter(call=call, status=S.APPROVED).count() == 1
    assert committed_amount(call) == Decimal("20000")


def test_it_lets_only_one_of_two_racing_spendings_empty_the_fund(tenant):
    fund = fund_create(
        street=tenant.street, name="基金会", seed_capital=Decimal("1000"), actor=tenant.street_admin
    )
    today = timezone.localdate()

    def spend(name):
        return lambda: spending_record(
            fund=fund,
            project=name,
            amount=Decimal("700"),
            spent_on=today,
            actor=tenant.street_admin,
        )

    outcomes = race(spend("甲"), spend("乙"))
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    fund.refresh_from_db()
    assert fund.balance == Decimal("300") == fund_ledger_balance(fund)
