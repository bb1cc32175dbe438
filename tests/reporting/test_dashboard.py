from django.urls import reverse

from tests.factories import OrganizationFactory
from tests.volunteering.helpers import make_volunteer, publish_activity


def test_street_staff_see_the_street_figures_with_links(client, tenant, outsider_tenant):
    client.force_login(tenant.street_admin)
    response = client.get(reverse("dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["figures"]["organizations_total"] == 2
    assert "街道工作台" in body or "Street dashboard" in body
    assert "/admin/incubation/organization/?stage=registration" in body


def test_community_staff_see_their_community_only(client, tenant):
    client.force_login(tenant.community_staff)
    response = client.get(reverse("dashboard"))
    assert response.context["figures"]["organizations_total"] == 1
    assert f"community={tenant.community.pk}" in response.content.decode()


def test_leaders_and_evaluators_are_refused(client, tenant):
    for user in (tenant.leader, tenant.evaluator):
        client.force_login(user)
        assert client.get(reverse("dashboard")).status_code == 403


def test_the_dashboard_query_count_does_not_grow_with_rows(client, tenant, count_queries):
    client.force_login(tenant.street_admin)
    client.get(reverse("dashboard"))
    with count_queries() as few:
        client.get(reverse("dashboard"))
    for _ in range(25):
        OrganizationFactory(community=tenant.community)
    with count_queries() as many:
        client.get(reverse("dashboard"))
    assert few.count == many.count, many.dump()


def test_every_chart_link_opens_its_list(client, tenant):
    client.force_login(tenant.street_admin)
    response = client.get(reverse("dashboard"))
    context = response.context
    links = [
        bar.url
        for name in (
            "stage_bars",
            "legal_status_bars",
            "growth_level_bars",
            "grade_bars",
            "community_bars",
        )
        for bar in context[name]
    ]
    links += [
        column.url
        for name in (
            "activity_month_columns",
            "activity_year_columns",
            "founded_year_columns",
            "grant_year_columns",
        )
        for column in context[name]
    ]
    assert len(links) > 30
    for url in set(links):
        assert client.get(url).status_code == 200, url


def test_the_volunteering_cards_open_the_lists_behind_their_figures(client, tenant):
    publish_activity(tenant)
    make_volunteer(tenant, "dashboard-volunteer")
    client.force_login(tenant.street_admin)
    response = client.get(reverse("dashboard"))
    context, body = response.context, response.content.decode()
    figures = context["figures"]
    expected = {
        "volunteer_activities_url": figures["public_benefit_activities_total"],
        "active_volunteers_url": figures["volunteers_active"],
        "volunteers_url": 1,
        "dedication_days_url": 0,
    }
    assert figures["public_benefit_activities_total"] == 1
    for name, count in expected.items():
        url = context[name]
        assert url.startswith("/admin/volunteering/"), url
        assert f'href="{url.replace("&", "&amp;")}"' in body, name
        page = client.get(url)
        assert page.status_code == 200, url
        assert page.context["cl"].result_count == count, url
