"""The leader portal: an organization's list, detail page and contact form, and the
notifications list. Every page that takes an organization id answers 404 to anyone who
may not see that organization, exactly as for an id that does not exist."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import URLPattern, reverse

from accounts.roles import Role
from core.decisions import deny
from incubation import urls as incubation_urls
from incubation.choices import EventKind
from incubation.models import Organization, OrganizationEvent
from notifications.models import Notification
from tests.factories import OrganizationFactory, UserFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OUTSIDER_ROLES = ["street_admin", "community_staff", "leader", "evaluator", "party_worker"]
MISSING_PK = 10**9


def pk_url_names() -> list[str]:
    """Every page of the ``incubation`` namespace that takes an organization id."""
    return [
        pattern.name
        for pattern in incubation_urls.urlpatterns
        if isinstance(pattern, URLPattern) and "pk" in pattern.pattern.converters
    ]


def pk_urls(pk) -> list[str]:
    return [reverse(f"incubation:{name}", kwargs={"pk": pk}) for name in pk_url_names()]


@pytest.fixture
def second_leader(tenant):
    """The leader of another organization of the same street (tenant.other_org)."""
    leader = UserFactory(username="a-leader-2", role=Role.ORG_LEADER, street=tenant.street)
    tenant.other_org.leader_accounts.add(leader)
    return leader


def _contact_data(**overrides):
    data = {"leader_name": "李建华", "leader_phone": "138 1234 5678", "address": "凯旋路 88 号"}
    data.update(overrides)
    return data


# --- The list -----------------------------------------------------------------------------


def test_it_lists_the_leaders_own_organization_only(client, tenant, outsider_tenant):
    client.force_login(tenant.leader)
    response = client.get(reverse("incubation:organizations"))
    body = response.content.decode()
    assert response.status_code == 200
    assert [org.pk for org in response.context["organizations"]] == [tenant.org.pk]
    assert tenant.org.name in body
    assert reverse("incubation:organization", args=[tenant.org.pk]) in body
    assert tenant.other_org.name not in body
    assert outsider_tenant.org.name not in body


def test_it_shows_an_empty_list_to_a_leader_without_an_organization(client, tenant):
    client.force_login(tenant.party_worker)
    response = client.get(reverse("incubation:organizations"))
    assert response.status_code == 200
    assert list(response.context["organizations"]) == []
    assert tenant.org.name not in response.content.decode()


# --- The detail page ------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_it_shows_the_next_required_action_with_its_due_date_in_chinese(client, tenant):
    Organization.objects.filter(pk=tenant.org.pk).update(
        stage="management",
        term_start=datetime.date(2022, 2, 1),
        term_end=datetime.date(2027, 1, 31),
        last_annual_review_year=2025,
    )
    client.force_login(tenant.leader)
    response = client.get(reverse("incubation:organization", args=[tenant.org.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["next_action"].due == datetime.date(2027, 1, 31)
    assert "下一步工作" in body
    assert "换届" in body
    assert "截止日期: 2027年1月31日" in body
    assert "已逾期" not in body  # due in two months, not overdue


@time_machine.travel(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_it_marks_an_overdue_action(client, tenant):
    Organization.objects.filter(pk=tenant.org.pk).update(
        stage="management",
        term_start=datetime.date(2021, 11, 1),
        term_end=datetime.date(2026, 10, 31),
        last_annual_review_year=2025,
    )
    client.force_login(tenant.leader)
    body = client.get(reverse("incubation:organization", args=[tenant.org.pk])).content.decode()
    assert "2026年10月31日" in body
    assert "已逾期" in body


def test_it_shows_the_timeline_newest_first(client, tenant):
    OrganizationEvent.objects.create(organization=tenant.org, kind=EventKind.CREATED)
    OrganizationEvent.objects.create(
        organization=tenant.org,
        kind=EventKind.STAGE_CHANGED,
        actor=tenant.street_admin,
        from_value="registration",
        to_value="onboarding",
        note="党建联络员:王芳",
    )
    OrganizationEvent.objects.create(organization=tenant.other_org, kind=EventKind.GRADE_SET)
    client.force_login(tenant.leader)
    response = client.get(reverse("incubation:organization", args=[tenant.org.pk]))
    body = response.content.decode()
    assert [event.kind for event in response.context["timeline"]] == ["stage_changed", "created"]
    assert "登记 → 入驻" in body
    assert "党建联络员:王芳" in body
    assert str(tenant.street_admin) in body


def test_the_leader_sees_their_full_phone_and_the_edit_link(client, tenant):
    Organization.objects.filter(pk=tenant.org.pk).update(leader_phone="13812345678")
    client.force_login(tenant.leader)
    body = client.get(reverse("incubation:organization", args=[tenant.org.pk])).content.decode()
    assert "13812345678" in body
    assert reverse("incubation:contact_edit", args=[tenant.org.pk]) in body


def test_the_phone_is_masked_and_the_edit_link_hidden_when_the_viewer_cannot_edit(
    client, tenant, monkeypatch
):
    # Today every role that can see an organization may also edit its contact details;
    # the masking branch still protects the number the day a read-only role appears.
    monkeypatch.setattr("incubation.views.can_edit_contact", lambda user, org: deny("read only"))
    Organization.objects.filter(pk=tenant.org.pk).update(leader_phone="13812345678")
    client.force_login(tenant.street_admin)
    body = client.get(reverse("incubation:organization", args=[tenant.org.pk])).content.decode()
    assert "138****5678" in body
    assert "13812345678" not in body
    assert reverse("incubation:contact_edit", args=[tenant.org.pk]) not in body


def test_street_staff_see_every_organization_of_their_street(client, tenant):
    client.force_login(tenant.street_admin)
    for org in (tenant.org, tenant.other_org):
        response = client.get(reverse("incubation:organization", args=[org.pk]))
        assert response.status_code == 200


# --- The contact form -----------------------------------------------------------------------


def test_it_saves_the_contact_details_through_the_service(client, tenant):
    client.force_login(tenant.leader)
    url = reverse("incubation:contact_edit", args=[tenant.org.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _contact_data(), follow=True)
    assert response.redirect_chain == [
        (reverse("incubation:organization", args=[tenant.org.pk]), 302)
    ]
    assert "联系方式已保存。" in response.content.decode()
    tenant.org.refresh_from_db()
    assert tenant.org.leader_name == "李建华"
    assert tenant.org.leader_phone == "13812345678"  # normalized by the service
    assert tenant.org.address == "凯旋路 88 号"
    event = OrganizationEvent.objects.get(organization=tenant.org)
    assert event.kind == EventKind.UPDATED
    assert event.actor == tenant.leader
    assert event.evidence == {"changed": ["address", "leader_name", "leader_phone"]}


def test_it_normalizes_a_landline(client, tenant):
    client.force_login(tenant.leader)
    url = reverse("incubation:contact_edit", args=[tenant.org.pk])
    client.post(url, _contact_data(leader_phone="０５７１ ８６００１２３４"))
    tenant.org.refresh_from_db()
    assert tenant.org.leader_phone == "0571-86001234"


def test_it_rejects_an_invalid_phone_with_a_chinese_error_and_writes_nothing(client, tenant):
    client.force_login(tenant.leader)
    url = reverse("incubation:contact_edit", args=[tenant.org.pk])
    response = client.post(url, _contact_data(leader_phone="12345"))
    assert response.status_code == 200
    assert response.context["form"].errors["leader_phone"] == [
        "请填写大陆手机号码（以1开头的11位数字）或带区号的固定电话号码，如0571-86001234。"
    ]
    assert "请填写大陆手机号码" in response.content.decode()
    tenant.org.refresh_from_db()
    assert tenant.org.leader_name == ""
    assert tenant.org.leader_phone == ""
    assert not OrganizationEvent.objects.filter(organization=tenant.org).exists()


def test_saving_unchanged_details_writes_no_event(client, tenant):
    Organization.objects.filter(pk=tenant.org.pk).update(
        leader_name="李建华", leader_phone="13812345678", address="凯旋路 88 号"
    )
    client.force_login(tenant.leader)
    url = reverse("incubation:contact_edit", args=[tenant.org.pk])
    response = client.post(url, _contact_data(leader_phone="13812345678"))
    assert response.status_code == 302
    assert not OrganizationEvent.objects.filter(organization=tenant.org).exists()


def test_a_viewer_who_may_not_edit_is_sent_back_with_the_reason(client, tenant, monkeypatch):
    monkeypatch.setattr("incubation.views.can_edit_contact", lambda user, org: deny("只读账号"))
    client.force_login(tenant.street_admin)
    url = reverse("incubation:contact_edit", args=[tenant.org.pk])
    response = client.post(url, _contact_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "incubation:organization", args=[tenant.org.pk]
    )
    assert "只读账号" in response.content.decode()
    tenant.org.refresh_from_db()
    assert tenant.org.leader_name == ""


# --- Nobody else sees anything --------------------------------------------------------------


def test_every_organization_page_takes_a_pk():
    # Guards the introspection below: a new page with an id must be found by it.
    assert set(pk_url_names()) >= {"organization", "contact_edit"}


def test_every_organization_page_answers_404_to_everyone_who_may_not_see_it(
    client, tenant, outsider_tenant, second_leader
):
    strangers = {
        "leader of another organization": second_leader,
        "evaluator of the same street": tenant.evaluator,
        "party worker of the same street": tenant.party_worker,
        **{f"outsider {role}": getattr(outsider_tenant, role) for role in OUTSIDER_ROLES},
    }
    Organization.objects.filter(pk=tenant.org.pk).update(leader_name="张建国")
    for who, user in strangers.items():
        client.force_login(user)
        for url in pk_urls(tenant.org.pk):
            for method in (client.get, client.post):
                response = method(url, _contact_data())
                assert response.status_code == 404, (who, method.__name__, url)
                assert tenant.org.name not in response.content.decode(), (who, url)
    tenant.org.refresh_from_db()
    assert tenant.org.leader_name == "张建国"
    assert not OrganizationEvent.objects.filter(organization=tenant.org).exists()


@pytest.mark.parametrize("role", ["leader", "street_admin"])
def test_every_organization_page_answers_404_for_a_missing_id(role, client, tenant):
    client.force_login(getattr(tenant, role))
    for url in pk_urls(MISSING_PK):
        assert client.get(url).status_code == 404, url
        assert client.post(url, _contact_data()).status_code == 404, url


def test_a_leader_gets_404_for_another_organization_of_their_street(client, tenant, second_leader):
    client.force_login(second_leader)
    assert (
        client.get(reverse("incubation:organization", args=[tenant.other_org.pk])).status_code
        == 200
    )
    for url in pk_urls(tenant.org.pk):
        assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, tenant):
    login = reverse("login")
    urls = [reverse("incubation:organizations"), *pk_urls(tenant.org.pk)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{login}?next={url}"
    response = client.post(
        reverse("incubation:contact_edit", args=[tenant.org.pk]), _contact_data()
    )
    assert response.status_code == 302
    assert response.url.startswith(login)
    assert not OrganizationEvent.objects.exists()


# --- Query counts do not grow with rows -----------------------------------------------------


def _measure(client, url, count_queries):
    """(count, dump) of one GET, read at once: the next request resets Django's query log."""
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    return q.count, q.dump()


def _assert_constant(small, large, label):
    assert small[0] == large[0], (
        f"{label}: {small[0]} queries with few rows, {large[0]} with many\n"
        f"--- few ---\n{small[1]}\n--- many ---\n{large[1]}"
    )


def _lead_more(tenant, count):
    for _ in range(count):
        OrganizationFactory(community=tenant.community).leader_accounts.add(tenant.leader)


def test_the_list_query_count_does_not_grow_with_organizations(client, tenant, count_queries):
    client.force_login(tenant.leader)
    url = reverse("incubation:organizations")
    _lead_more(tenant, 2)
    client.get(url)  # warm caches that are filled once per process
    small = _measure(client, url, count_queries)
    _lead_more(tenant, 27)
    large = _measure(client, url, count_queries)
    assert len(client.get(url).context["organizations"]) == 30
    _assert_constant(small, large, "organization list")
    print(f"organization list: {large[0]} queries")


def _add_events(org, actor, count):
    OrganizationEvent.objects.bulk_create(
        OrganizationEvent(
            organization=org,
            kind=EventKind.STAGE_CHANGED,
            actor=actor,
            from_value="registration",
            to_value="onboarding",
        )
        for _ in range(count)
    )


def test_the_detail_query_count_does_not_grow_with_events(client, tenant, count_queries):
    client.force_login(tenant.leader)
    url = reverse("incubation:organization", args=[tenant.org.pk])
    _add_events(tenant.org, tenant.street_admin, 3)
    client.get(url)
    small = _measure(client, url, count_queries)
    # Different actors, so a missing select_related would show.
    _add_events(tenant.org, tenant.community_staff, 14)
    _add_events(tenant.org, tenant.leader, 13)
    large = _measure(client, url, count_queries)
    assert len(client.get(url).context["timeline"]) == 30
    _assert_constant(small, large, "organization detail")
    print(f"organization detail: {large[0]} queries")


def _notify(user, start, count):
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind="re_election_due",
            key=f"org:{n}",
            title=f"换届提醒 {n}",
            url=f"/organizations/{n}/",
        )
        for n in range(start, start + count)
    )


def test_the_notifications_query_count_does_not_grow_with_notifications(
    client, tenant, count_queries
):
    client.force_login(tenant.leader)
    url = reverse("notifications:list")
    _notify(tenant.leader, 0, 3)
    client.get(url)
    small = _measure(client, url, count_queries)
    _notify(tenant.leader, 3, 27)
    large = _measure(client, url, count_queries)
    assert len(client.get(url).context["items"]) == 30
    _assert_constant(small, large, "notifications")
    print(f"notifications: {large[0]} queries")


def test_the_notifications_list_shows_only_ones_own(client, tenant):
    _notify(tenant.leader, 0, 1)
    _notify(tenant.street_admin, 100, 1)
    client.force_login(tenant.leader)
    body = client.get(reverse("notifications:list")).content.decode()
    assert "换届提醒 0" in body
    assert "换届提醒 100" not in body
