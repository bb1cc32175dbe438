"""Pages every role opens: the portal home, call page, reports, conflicts, the admin."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.prefill import collect_prefill
from funding.choices import ReportKind
from funding.models import ConflictDeclaration, Donation, Fund, ProjectReport
from funding.selectors import grants_by_year, headline_figures
from funding.services.applications import application_transition
from funding.services.foundation import fund_create
from funding.services.review import expert_assign
from funding.workflows import ApplicationStatus as S
from tests.funding.factories import make_call, make_draft, make_eligible

pytestmark = pytest.mark.django_db


def running_grant(tenant, amount="12000"):
    call = make_call(tenant)
    app = make_draft(call, make_eligible(tenant.org), tenant.leader, amount=amount)
    admin = tenant.street_admin
    app = application_transition(application=app, to=S.SUBMITTED, actor=tenant.leader)
    app = application_transition(
        application=app, to=S.APPROVED, actor=admin, amount=amount, message="ok"
    )
    return application_transition(
        application=app, to=S.IN_PROGRESS, actor=admin, signed_on=timezone.localdate()
    )


def test_it_renders_the_home_page_for_every_role(client, tenant):
    call = make_call(tenant)
    make_draft(call, make_eligible(tenant.org), tenant.leader)
    for user in (tenant.leader, tenant.evaluator, tenant.street_admin, tenant.community_staff):
        client.force_login(user)
        page = client.get(reverse("funding:home"))
        assert page.status_code == 200
    client.force_login(tenant.leader)
    content = client.get(reverse("funding:home")).content.decode()
    assert call.title in content and "邻里守望互助计划" in content


def test_it_shows_eligibility_on_the_call_page(client, tenant):
    call = make_call(tenant)
    client.force_login(tenant.leader)
    content = client.get(reverse("funding:call", args=[call.pk])).content.decode()
    assert tenant.org.name in content
    assert "annual review" in content or "年检" in content


def test_it_takes_the_reports_in_the_portal(client, tenant):
    app = running_grant(tenant)
    client.force_login(tenant.leader)
    url = reverse("funding:report", args=[app.pk, ReportKind.MIDTERM])
    assert client.get(url).status_code == 200
    response = client.post(url, {"content": "中期进展", "spent_amount": "5000"})
    assert response.status_code == 302
    assert ProjectReport.objects.filter(application=app, kind=ReportKind.MIDTERM).exists()
    # Once in, the form redirects back with a message.
    assert client.get(url).status_code == 302
    assert client.get(reverse("funding:report", args=[app.pk, "bogus"])).status_code == 404


def test_it_takes_a_conflict_declaration(client, tenant):
    call = make_call(tenant)
    app = make_draft(call, make_eligible(tenant.org), tenant.leader)
    application_transition(application=app, to=S.SUBMITTED, actor=tenant.leader)
    expert_assign(call=call, expert=tenant.evaluator, actor=tenant.street_admin)
    client.force_login(tenant.evaluator)
    url = reverse("funding:conflicts", args=[call.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"organization": tenant.org.pk, "reason": "曾任该组织理事"})
    assert ConflictDeclaration.objects.filter(expert=tenant.evaluator).exists()
    assert client.get(reverse("funding:review_score", args=[app.pk])).status_code == 404


def test_it_counts_grants_by_year_and_community_in_constant_queries(tenant, count_queries):
    running_grant(tenant, amount="12000")
    with count_queries() as counter:
        rows = grants_by_year(street=tenant.street)
    assert counter.count == 1
    assert rows == [(timezone.localdate().year, 1, Decimal("12000"))]
    assert grants_by_year(community=tenant.other_community) == []
    assert headline_figures(community=tenant.community)["grant_projects_funded"] == 1
    assert headline_figures(community=tenant.other_community)["grant_projects_funded"] == 0


def test_it_prefills_the_annual_review_with_grants_received(tenant):
    app = running_grant(tenant, amount="12000")
    values = collect_prefill(tenant.org, app.call.year)
    assert values["grants_received"] == "12000.00"
    assert collect_prefill(tenant.org, 2001)["grants_received"] == "0.00"


def test_it_keeps_the_admin_ledger_in_step(client, tenant):
    fund = fund_create(
        street=tenant.street, name="基金会", seed_capital=Decimal("100"), actor=tenant.street_admin
    )
    client.force_login(tenant.street_admin)
    for name in ("fund", "donation", "fundspending", "grantcall", "application"):
        assert client.get(reverse(f"admin:funding_{name}_changelist")).status_code == 200, name
    today = timezone.localdate().isoformat()
    client.post(
        reverse("admin:funding_donation_add"),
        {
            "fund": fund.pk,
            "donor": "企业",
            "amount": "50",
            "received_on": today,
            "receipt_number": "R-1",
            "restricted_purpose": "",
        },
    )
    assert Donation.objects.count() == 1
    response = client.post(
        reverse("admin:funding_fundspending_add"),
        {"fund": fund.pk, "project": "超支", "amount": "151", "spent_on": today},
    )
    assert response.status_code == 200  # the form shows the balance error
    fund.refresh_from_db()
    assert fund.balance == Decimal("150")
    assert client.get(reverse("admin:funding_fund_change", args=[fund.pk])).status_code == 200
    call = make_call(tenant)
    assert client.get(reverse("admin:funding_grantcall_change", args=[call.pk])).status_code == 200


def test_it_hides_the_admin_rows_of_another_street(client, tenant, outsider_tenant):
    fund_create(
        street=tenant.street, name="基金会", seed_capital=Decimal("100"), actor=tenant.street_admin
    )
    client.force_login(outsider_tenant.street_admin)
    fund = Fund.objects.get()
    assert client.get(reverse("admin:funding_fund_change", args=[fund.pk])).status_code == 302


def test_it_answers_the_dashboards_funded_grants_link(client, tenant):
    running_grant(tenant)
    url = (
        reverse("admin:funding_application_changelist")
        + "?status__in=approved,in_progress,completed,terminated&call__year="
        + str(timezone.localdate().year)
    )
    for user in (tenant.street_admin, tenant.community_staff):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert "邻里守望互助计划" in response.content.decode()
