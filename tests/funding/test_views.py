import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Application, Attachment
from funding.services.applications import application_transition, attachment_add
from funding.services.review import expert_assign, scores_record
from funding.workflows import ApplicationStatus as S
from tests.factories import OrganizationFactory, UserFactory
from tests.funding.factories import make_call, make_draft, make_eligible
from tests.jobs.exporting import export_bytes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def setup(tenant):
    call = make_call(tenant)
    draft = make_draft(call, make_eligible(tenant.org), tenant.leader)
    return call, draft


def leader2_of(tenant):
    """A leader of another organization of the same street (demo's leader2)."""
    user = UserFactory(username="a-leader2", role="org_leader", street=tenant.street)
    tenant.other_org.leader_accounts.add(user)
    return user


def application_urls(app, attachment=None):
    urls = [
        ("get", reverse("funding:application", args=[app.pk])),
        ("get", reverse("funding:application_edit", args=[app.pk])),
        ("post", reverse("funding:application_submit", args=[app.pk])),
        ("post", reverse("funding:attachment_upload", args=[app.pk])),
        ("get", reverse("funding:report", args=[app.pk, "midterm"])),
        ("get", reverse("funding:review_score", args=[app.pk])),
    ]
    if attachment is not None:
        urls.append(("get", reverse("funding:attachment", args=[attachment.pk])))
    return urls


def test_it_answers_404_to_another_leader_for_every_application_url(client, tenant, setup):
    _call, draft = setup
    attachment = attachment_add(
        application=draft, uploaded=_upload("plan.pdf", PDF), actor=tenant.leader
    )
    client.force_login(leader2_of(tenant))
    for method, url in application_urls(draft, attachment):
        assert getattr(client, method)(url).status_code == 404, url


def test_it_answers_404_to_every_role_of_another_street(client, tenant, outsider_tenant, setup):
    call, draft = setup
    staff_urls = [
        reverse("funding:call_staff", args=[call.pk]),
        reverse("funding:call_export", args=[call.pk]),
        reverse("funding:application_staff", args=[draft.pk]),
        reverse("funding:organization_grants", args=[tenant.org.pk]),
    ]
    for user in (
        outsider_tenant.street_admin,
        outsider_tenant.community_staff,
        outsider_tenant.leader,
        outsider_tenant.evaluator,
    ):
        client.force_login(user)
        for method, url in application_urls(draft):
            assert getattr(client, method)(url).status_code == 404, (user, url)
        assert client.get(reverse("funding:call", args=[call.pk])).status_code == 404
        for url in staff_urls:
            assert client.get(url).status_code in (403, 404), (user, url)
    client.force_login(outsider_tenant.street_admin)
    action = reverse("funding:application_action", args=[draft.pk, "approve"])
    assert client.post(action, {"amount": "1", "message": "x"}).status_code == 404


def test_it_shows_an_unassigned_expert_nothing(client, tenant, setup):
    call, draft = setup
    application_transition(application=draft, to=S.SUBMITTED, actor=tenant.leader)
    client.force_login(tenant.evaluator)
    page = client.get(reverse("funding:review"))
    assert page.status_code == 200 and draft.title not in page.content.decode()
    assert client.get(reverse("funding:review_score", args=[draft.pk])).status_code == 404
    assert client.get(reverse("funding:call", args=[call.pk])).status_code == 404
    assert client.get(reverse("funding:conflicts", args=[call.pk])).status_code == 404
    expert_assign(call=call, expert=tenant.evaluator, actor=tenant.street_admin)
    page = client.get(reverse("funding:review"))
    assert draft.title in page.content.decode()
    response = client.post(
        reverse("funding:review_score", args=[draft.pk]),
        {f"c{c.pk}": "75" for c in call.criteria.all()},
    )
    assert response.status_code == 302
    assert draft.scores.count() == 4


def test_it_lets_a_leader_draft_with_budget_lines_and_names_a_bad_sum(client, tenant):
    call = make_call(tenant)
    make_eligible(tenant.org)
    client.force_login(tenant.leader)
    response = client.post(
        reverse("funding:apply", args=[call.pk]), {"organization": tenant.org.pk, "title": "睦邻"}
    )
    app = Application.objects.get(title="睦邻")
    assert response.url == reverse("funding:application_edit", args=[app.pk])
    today = timezone.localdate()
    data = {
        "title": "睦邻",
        "summary": "概要",
        "service_field": "elderly",
        "target_community": tenant.community.pk,
        "beneficiaries": "老人",
        "beneficiary_count": "30",
        "starts_on": (today.replace(day=1)).isoformat(),
        "ends_on": today.replace(year=today.year + 1).isoformat(),
        "requested_amount": "10000",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-item": "物料",
        "lines-0-amount": "6000",
        "lines-1-item": "培训",
        "lines-1-amount": "3000",
    }
    page = client.post(reverse("funding:application_edit", args=[app.pk]), data)
    assert page.status_code == 200
    assert "9,000.00 元" in page.content.decode()
    data["lines-1-amount"] = "4000"
    assert client.post(reverse("funding:application_edit", args=[app.pk]), data).status_code == 302
    detail = client.get(reverse("funding:application", args=[app.pk])).content.decode()
    assert reverse("funding:application_submit", args=[app.pk]) in detail
    client.post(reverse("funding:application_submit", args=[app.pk]))
    assert Application.objects.get(pk=app.pk).status == S.SUBMITTED
    # A submitted application can no longer be edited.
    assert client.get(reverse("funding:application_edit", args=[app.pk])).status_code == 302


def test_it_refuses_an_attachment_that_is_not_a_document(client, tenant, setup):
    _call, draft = setup
    client.force_login(tenant.leader)
    client.post(
        reverse("funding:attachment_upload", args=[draft.pk]),
        {"file": _upload("evil.pdf", b"MZ\x90\x00not a pdf")},
    )
    assert not Attachment.objects.exists()
    client.post(
        reverse("funding:attachment_upload", args=[draft.pk]), {"file": _upload("plan.pdf", PDF)}
    )
    attachment = Attachment.objects.get()
    response = client.get(reverse("funding:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_it_decides_and_pays_through_the_staff_pages(client, tenant, setup):
    _call, draft = setup
    application_transition(application=draft, to=S.SUBMITTED, actor=tenant.leader)
    client.force_login(tenant.community_staff)
    page = client.get(reverse("funding:application_staff", args=[draft.pk])).content.decode()
    assert "approve" not in page  # community staff only look
    client.force_login(tenant.street_admin)
    url = reverse("funding:application_action", args=[draft.pk, "approve"])
    client.post(url, {"amount": "15000", "message": "同意立项"})
    app = Application.objects.get(pk=draft.pk)
    assert app.status == S.APPROVED and app.awarded_amount == Decimal("15000")
    client.post(
        reverse("funding:application_action", args=[app.pk, "agreement"]),
        {"signed_on": timezone.localdate().isoformat()},
    )
    tranche = app.tranches.get(milestone="agreement")
    client.post(
        reverse("funding:tranche_pay", args=[tranche.pk]),
        {"paid_on": timezone.localdate().isoformat(), "reference": "ZF-0001"},
    )
    tranche.refresh_from_db()
    assert tranche.paid_on and tranche.reference == "ZF-0001"
    final = app.tranches.get(milestone="final")
    client.post(
        reverse("funding:tranche_pay", args=[final.pk]),
        {"paid_on": timezone.localdate().isoformat(), "reference": "ZF-0002"},
    )
    final.refresh_from_db()
    assert final.paid_on is None
    grants = client.get(reverse("funding:organization_grants", args=[tenant.org.pk]))
    assert "15,000.00" in grants.content.decode()


def _many_applications(tenant, call, n):
    expert_assign(call=call, expert=tenant.evaluator, actor=tenant.street_admin)
    apps = []
    for i in range(n):
        org = make_eligible(OrganizationFactory(community=tenant.community))
        org.leader_accounts.add(tenant.leader)
        app = make_draft(call, org, tenant.leader, title=f"项目{i}", amount="10000")
        app = application_transition(application=app, to=S.SUBMITTED, actor=tenant.leader)
        scores_record(
            application=app,
            values={c.pk: 60 + i for c in call.criteria.all()},
            actor=tenant.evaluator,
        )
        apps.append(app)
    application_transition(
        application=apps[0], to=S.APPROVED, actor=tenant.street_admin, amount="8000", message="ok"
    )
    return apps


def _count(client, count_queries, url):
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter


def test_it_keeps_the_ranking_page_and_export_query_counts_flat(
    client, tenant, count_queries, django_capture_on_commit_callbacks
):
    call = make_call(tenant, budget="25000", cap="10000")
    _many_applications(tenant, call, 2)
    client.force_login(tenant.street_admin)
    page = reverse("funding:call_staff", args=[call.pk])
    export = reverse("funding:call_export", args=[call.pk])

    def count_export():
        # The request starts the job; the job (run inline after the commit) writes the file.
        with count_queries() as counter, django_capture_on_commit_callbacks(execute=True):
            assert client.get(export).status_code == 302
        return counter

    small_page = _count(client, count_queries, page).count
    small_export = count_export().count
    _many_applications(tenant, call, 4)
    big_page = _count(client, count_queries, page)
    assert big_page.count == small_page, big_page.dump()
    big_export = count_export()
    assert big_export.count == small_export, big_export.dump()
    content = client.get(page).content.decode()
    assert "Budget bar" in content or "预算线" in content
    data = export_bytes(client, django_capture_on_commit_callbacks, lambda: client.get(export))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.cell(1, 2).value == "组织名称" and sheet.max_row == 7


def test_it_keeps_the_organization_grants_page_flat(client, tenant, count_queries):
    call = make_call(tenant)
    client.force_login(tenant.street_admin)
    url = reverse("funding:organization_grants", args=[tenant.org.pk])
    small = _count(client, count_queries, url).count
    org = make_eligible(tenant.org)
    for i in range(3):
        app = make_draft(call, org, tenant.leader, title=f"项目{i}", amount="1000")
        app = application_transition(application=app, to=S.SUBMITTED, actor=tenant.leader)
        application_transition(
            application=app, to=S.APPROVED, actor=tenant.street_admin, amount="1000", message="ok"
        )
    big = _count(client, count_queries, url)
    assert big.count == small, big.dump()


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_it_shows_community_staff_the_call_page_of_their_street(client, tenant, outsider_tenant):
    call = make_call(tenant)
    client.force_login(tenant.community_staff)
    page = client.get(reverse("funding:call_staff", args=[call.pk]))
    assert page.status_code == 200
    client.force_login(outsider_tenant.community_staff)
    assert client.get(reverse("funding:call_staff", args=[call.pk])).status_code == 404


def test_it_answers_staff_pages_to_leaders_and_experts_as_missing(client, tenant):
    call = make_call(tenant)
    for user in (tenant.leader, tenant.evaluator, tenant.party_worker):
        client.force_login(user)
        assert client.get(reverse("funding:call_staff", args=[call.pk])).status_code == 404


def test_it_keeps_the_home_and_review_lists_flat(client, tenant, count_queries):
    call = make_call(tenant, budget="500000", cap="10000")
    _many_applications(tenant, call, 1)
    pages = {tenant.leader: reverse("funding:home"), tenant.evaluator: reverse("funding:review")}
    before = {}
    for user, url in pages.items():
        client.force_login(user)
        before[user] = _count(client, count_queries, url).count
    _many_applications(tenant, call, 4)
    for user, url in pages.items():
        client.force_login(user)
        after = _count(client, count_queries, url)
        assert after.count == before[user], after.dump()
