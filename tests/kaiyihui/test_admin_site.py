"""Issue 14, item 6: the admin index lists the main modules first, names third-party
apps in Chinese, and shows the technical models (schedules, sign-in logs, role groups) to
superusers only; every admin role's index and changelists still open."""

import pytest
from django.contrib import admin
from django.urls import reverse

from core.admin_site import APP_ORDER, is_technical
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TECHNICAL_URLS = [
    "/admin/django_celery_beat/periodictask/",
    "/admin/django_celery_beat/crontabschedule/",
    "/admin/axes/accessattempt/",
    "/admin/axes/accesslog/",
    "/admin/axes/accessfailurelog/",
    "/admin/auth/group/",
]
ADMIN_ROLES = ("street_admin", "community_staff", "party_worker")


def _superuser():
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def _app_labels(page) -> list[str]:
    return [app["app_label"] for app in page.context["app_list"]]


def test_it_lists_the_main_modules_first(client):
    client.force_login(_superuser())
    labels = _app_labels(client.get(reverse("admin:index")))
    assert labels[:4] == ["incubation", "partybuilding", "evaluation", "funding"]
    ranked = [label for label in labels if label in APP_ORDER]
    assert ranked == sorted(ranked, key=APP_ORDER.index)
    assert labels.index("accounts") < labels.index("axes") < labels.index("django_celery_beat")


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_it_hides_the_technical_models_from_staff(client, tenant, role):
    client.force_login(getattr(tenant, role))
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert not {"axes", "django_celery_beat", "auth"} & set(_app_labels(index))
    for url in TECHNICAL_URLS:
        assert client.get(url).status_code == 403, url


def test_street_staff_hold_no_permission_on_the_schedule(tenant):
    assert not any(
        perm.startswith("django_celery_beat.") for perm in tenant.street_admin.get_all_permissions()
    )


def test_superusers_still_open_every_technical_page(client):
    client.force_login(_superuser())
    for url in TECHNICAL_URLS:
        assert client.get(url).status_code == 200, url
    body = client.get(reverse("admin:index")).content.decode()
    assert "登录保护" in body and "定时任务" in body and "Axes" not in body


def test_every_technical_model_is_wrapped():
    technical = [model for model in admin.site._registry if is_technical(model)]
    assert technical, "the technical apps are registered"
    for model in technical:
        model_admin = admin.site._registry[model]
        assert type(model_admin).__name__.startswith("SuperuserOnly"), model


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_each_admin_role_opens_its_index_and_changelists(client, tenant, role):
    user = getattr(tenant, role)
    client.force_login(user)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    for app in index.context["app_list"]:
        for model in app["models"]:
            if model.get("admin_url"):
                assert client.get(model["admin_url"]).status_code == 200, model["admin_url"]


def test_roles_show_by_their_chinese_names(client, tenant):
    client.force_login(_superuser())
    page = client.get(reverse("admin:accounts_user_changelist"))
    body = page.content.decode()
    assert "街道工作人员" in body  # the role filter
    change = client.get(reverse("admin:accounts_user_change", args=[tenant.street_admin.pk]))
    assert change.status_code == 200
    groups = change.context["adminform"].form.fields["groups"]
    labels = {label for _value, label in groups.choices}
    assert "street_admin" not in labels and "community_staff" not in labels
