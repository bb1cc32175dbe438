"""Issue 13, item 5: no private page is cached. Every response to a signed-in user and
every download carries ``Cache-Control: private, no-store``; public pages seen without
signing in keep their own caching.

The walk covers every URL pattern of the project: the pages without a parameter, every
object URL (built by ``tests/kaiyihui/object_urls.py``), and every admin changelist, add
page and change page.
"""

from unittest import mock

import pytest
from django.contrib import admin
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils.cache import get_max_age

from core.middleware import PrivatePagesMiddleware
from tests.factories import UserFactory
from tests.kaiyihui.object_urls import (
    ADMIN_BUILDERS,
    ADMIN_NOT_TENANT,
    ADMIN_SUPERUSER_ONLY,
    REGISTRY,
    walk,
)

pytestmark = pytest.mark.django_db

# Pages without a parameter that are not a page of the signed-in user: the health probe
# answers before any session is read (a load balancer's, not a person's).
NOT_PAGES = {"healthz"}


def assert_private(response, what):
    directives = {
        part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")
    }
    assert {"private", "no-store"} <= directives, (
        f"{what} answered {response.status_code} with Cache-Control "
        f"{response.get('Cache-Control')!r}"
    )
    assert "public" not in directives, what


def _plain_page_names() -> list[str]:
    return sorted(
        name
        for name, params in walk()
        if not params and not name.startswith("admin") and name not in NOT_PAGES
    )


def _visit(client, url):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


@pytest.mark.parametrize("name", _plain_page_names())
@pytest.mark.parametrize("role", ["street_admin", "leader", "evaluator"])
def test_it_marks_every_page_of_a_signed_in_user_private(client, tenant, name, role):
    client.force_login(getattr(tenant, role))
    assert_private(_visit(client, reverse(name)), f"{name} as {role}")


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_it_marks_every_object_page_and_download_private(client, tenant, name):
    entry = REGISTRY[name]
    kwargs = entry.build(tenant)
    client.force_login(getattr(tenant, entry.insider))
    url = reverse(name, kwargs=kwargs)
    with mock.patch("evaluation.views.report_bytes", return_value=b"%PDF-1.4\n"):
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, entry.post_data(tenant))
    assert response.status_code in (200, 202, 302), (name, response.status_code)
    assert_private(response, name)


def _admin_models():
    return sorted(
        (model._meta.label, model)
        for model in admin.site._registry
        if model._meta.label in ADMIN_BUILDERS or model._meta.label in ADMIN_NOT_TENANT
    )


@pytest.mark.parametrize(("label", "model"), _admin_models(), ids=lambda v: str(v))
def test_it_marks_every_admin_page_private(client, tenant, label, model):
    superuser = label in ADMIN_SUPERUSER_ONLY or label in ADMIN_NOT_TENANT
    user = UserFactory(username="root", is_superuser=True, is_staff=True) if superuser else None
    client.force_login(user or tenant.street_admin)
    opts = model._meta
    urls = [
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
    ]
    if label in ADMIN_BUILDERS:
        row = ADMIN_BUILDERS[label](tenant)
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk]))
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
        assert_private(response, url)


def test_it_marks_the_admin_index_and_the_answers_of_a_sign_in_private(client, tenant):
    client.force_login(tenant.street_admin)
    assert_private(client.get(reverse("admin:index")), "admin index")
    client.logout()
    tenant.leader.set_password("pw-leader-123")
    tenant.leader.save()
    response = client.post(
        reverse("login"), {"username": tenant.leader.username, "password": "pw-leader-123"}
    )
    assert response.status_code == 302
    assert_private(response, "the redirect after signing in")


def test_it_leaves_public_pages_seen_without_signing_in_alone(client):
    # (The sign-in page is Django's own never_cache page: no-store is its view's choice.)
    response = client.get(reverse("home"))
    assert response.status_code in (200, 302)
    assert "no-store" not in response.get("Cache-Control", "")


def test_it_marks_any_download_private_even_without_a_session():
    """A file answer (a report, an export, an attachment) is personal whoever asked."""
    request = RequestFactory().get("/x")
    middleware = PrivatePagesMiddleware(lambda r: FileResponse(iter([b"data"])))
    assert_private(middleware(request), "a file response")
    attachment = HttpResponse(b"x")
    attachment["Content-Disposition"] = 'attachment; filename="a.xlsx"'
    assert_private(PrivatePagesMiddleware(lambda r: attachment)(request), "an attachment")


def test_it_marks_a_response_the_view_calls_personal():
    request = RequestFactory().get("/x")
    response = HttpResponse("x")
    response.personal_data = True
    response["Cache-Control"] = "public, max-age=600"
    answered = PrivatePagesMiddleware(lambda r: response)(request)
    assert_private(answered, "a personal response")
    assert get_max_age(answered) == 600  # kept, but private and never stored


def test_it_leaves_an_anonymous_plain_response_alone():
    request = RequestFactory().get("/x")
    response = HttpResponse("x")
    response["Cache-Control"] = "public, max-age=60"
    assert PrivatePagesMiddleware(lambda r: response)(request)["Cache-Control"] == (
        "public, max-age=60"
    )
