"""The Chinese 404 and 500 pages with DEBUG on (the demo runs with DEBUG): a user of the
demo never meets Django's technical pages unless KAIYIHUI_DEBUG_PAGES asks for them."""

import pytest
from django.http import Http404, JsonResponse
from django.urls import path

import kaiyihui.urls


def _boom(request):
    raise RuntimeError("demo failure")


def _missing(request):
    raise Http404("no such thing")


def _json_missing(request):
    return JsonResponse({"error": "missing"}, status=404)


urlpatterns = [
    path("boom/", _boom),
    path("missing/", _missing),
    path("json-missing/", _json_missing),
    *kaiyihui.urls.urlpatterns,
]
handler404 = kaiyihui.urls.handler404
handler500 = kaiyihui.urls.handler500
with_test_urls = pytest.mark.urls(__name__)


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True
    settings.KAIYIHUI_DEBUG_PAGES = False


def test_it_answers_an_unknown_address_with_the_chinese_404(client, tenant, debug_on):
    client.force_login(tenant.leader)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert 'href="/"' in page
    assert "URLconf" not in page and "Django tried" not in page


def test_it_answers_an_anonymous_visitor_with_the_chinese_404(client, debug_on):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@with_test_urls
def test_it_answers_a_raised_not_found_with_the_chinese_404(client, tenant, debug_on):
    client.force_login(tenant.leader)
    response = client.get("/missing/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert "no such thing" not in page


def test_it_answers_another_organizations_record_with_the_chinese_404(
    client, tenant, outsider_tenant, debug_on
):
    from tests.factories import OrganizationFactory

    other = OrganizationFactory(community=outsider_tenant.community)
    client.force_login(tenant.leader)
    response = client.get(f"/organizations/{other.pk}/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@with_test_urls
def test_it_answers_an_error_with_the_chinese_500_and_logs_it(client, tenant, debug_on, caplog):
    client.raise_request_exception = False
    client.force_login(tenant.leader)
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器错误" in page
    assert "Traceback" not in page and "demo failure" not in page
    # The traceback still reaches the log, as it does in production.
    assert any("demo failure" in str(record.exc_info) for record in caplog.records)


@with_test_urls
def test_it_keeps_a_json_not_found_as_it_is(client, tenant, debug_on):
    client.force_login(tenant.leader)
    response = client.get("/json-missing/")
    assert response.status_code == 404
    assert response.json() == {"error": "missing"}


@with_test_urls
def test_it_shows_the_technical_pages_when_asked(client, tenant, settings):
    settings.DEBUG = True
    settings.KAIYIHUI_DEBUG_PAGES = True
    client.raise_request_exception = False
    client.force_login(tenant.leader)
    assert "Django tried" in client.get("/no-such-page/").content.decode()
    assert "demo failure" in client.get("/boom/").content.decode()


def test_it_leaves_a_missing_static_file_alone(client, debug_on):
    response = client.get("/static/no-such-file.css")
    assert response.status_code == 404
    assert "页面不存在" not in response.content.decode()
