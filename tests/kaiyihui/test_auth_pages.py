import pytest
from django.urls import reverse

from incubation.models import Organization

PASSWORD = "pw-for-tests-1"


def test_the_login_page_is_in_chinese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert 'lang="zh-hans"' in response.content.decode()


def test_an_english_browser_still_gets_chinese(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()


def test_english_can_be_chosen(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("login"))
    assert "Log in" in response.content.decode()


def test_it_logs_in_and_shows_the_home_page(client, tenant):
    response = client.post(
        reverse("login"), {"username": tenant.leader.username, "password": PASSWORD}, follow=True
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert tenant.org.name in body
    assert tenant.other_org.name not in body


def test_it_locks_a_user_out_after_five_failures_in_chinese(client, tenant):
    for _ in range(5):
        client.post(reverse("login"), {"username": tenant.leader.username, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": tenant.leader.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_home_shows_visitors_the_public_board_with_a_way_to_log_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.templates[0].name == "rankings/public/board.html"
    assert f'href="{reverse("login")}"' in response.content.decode()


def test_the_password_change_page_is_in_chinese(client, tenant):
    client.force_login(tenant.leader)
    response = client.get(reverse("password_change"))
    assert "修改密码" in response.content.decode()


def test_the_admin_is_titled_with_the_platform_name(client, tenant):
    client.force_login(tenant.street_admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "凯益荟社会组织服务平台" in response.content.decode()


def test_admin_changelist_shows_community_staff_only_their_community(client, tenant):
    client.force_login(tenant.community_staff)
    response = client.get(reverse("admin:incubation_organization_changelist"))
    body = response.content.decode()
    assert response.status_code == 200
    assert tenant.org.name in body
    assert tenant.other_org.name not in body


@pytest.mark.parametrize("role", ["street_admin", "community_staff", "party_worker"])
def test_admin_answers_404_for_another_streets_organization(role, client, tenant, outsider_tenant):
    client.force_login(getattr(outsider_tenant, role))
    url = reverse("admin:incubation_organization_change", args=[tenant.org.pk])
    response = client.get(url)
    # The stock admin redirects to its index with a "does not exist" message for rows
    # outside get_queryset; either way nothing of the row is shown.
    assert response.status_code in (302, 404)
    assert tenant.org.name not in client.get(url, follow=True).content.decode()


def test_leaders_cannot_enter_the_admin(client, tenant):
    client.force_login(tenant.leader)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_error_pages_are_in_chinese(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_org_count_is_scoped_for_each_admin_user(client, tenant, outsider_tenant):
    assert Organization.objects.count() == 4
    client.force_login(tenant.street_admin)
    body = client.get(reverse("admin:incubation_organization_changelist")).content.decode()
    assert outsider_tenant.org.name not in body


def test_each_role_finds_its_work_on_the_home_page(client, tenant):
    wanted = {
        tenant.leader: ["/evaluation/", "/funding/"],
        tenant.evaluator: ["/evaluation/assignments/", "/funding/review/"],
        tenant.street_admin: ["/dashboard/", "/admin/", "/funding/"],
    }
    for user, links in wanted.items():
        client.force_login(user)
        body = client.get("/").content.decode()
        for link in links:
            assert f'href="{link}"' in body, (user, link)
            assert client.get(link).status_code == 200, (user, link)
