"""Issue 13, item 9: a NUL byte, another control character or a malformed value (letters
where an id is expected, a number too large for any column, a negative id) in a path, a
query filter or a form field answers 400, 404 or a redirect — never 500.

Walks every URL pattern of the project (``tests/kaiyihui/object_urls.walk``) and every
admin changelist with every parameter of its list filters, as street staff and as an
anonymous visitor. Run it on PostgreSQL too (CI does): PostgreSQL refuses NUL in text,
where SQLite only finds nothing.
"""

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from core.middleware import RejectControlCharactersMiddleware
from tests.factories import UserFactory
from tests.kaiyihui.object_urls import (
    ADMIN_BUILDERS,
    ADMIN_NOT_TENANT,
    ADMIN_SUPERUSER_ONLY,
    walk,
)
from tests.partybuilding.pb_helpers import member, party_org

pytestmark = pytest.mark.django_db

# Answered before any request processing (a load balancer's probe, GET only).
NOT_PAGES = {"healthz"}

HUGE = "99999999999999999999"  # past a 64-bit integer
# Path segments in place of an id (the first two match no <int:…> route: a 404).
BAD_IDS = ("abc", "-1", HUGE, "1%00", "%01")
BAD_STRINGS = ("%00", "a%01b", "%7F", "%C2%85")
# Query parameters the views and the admin read: filters, pages, years, versions, ordering.
QUERY_PARAMS = ("community", "branch", "year", "page", "a", "b", "format", "q", "organization")
BAD_VALUES = ("abc", HUGE, "-1")
# What a bad input may get: a page (the value ignored), a redirect (sign-in, or the admin's
# "invalid filter" ?e=1), 400, 403 (a role without the page), 404, 405 (wrong method).
FINE = {200, 302, 400, 403, 404, 405}

SENTINEL_INT = 987654321
SENTINEL_STR = "zqzqzq"


@pytest.fixture(autouse=True)
def _no_api_throttle(settings):
    # The walk sends the public API far more than its per-minute rate; a 429 would hide
    # what the view itself makes of each bad value.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"},
    }


@pytest.fixture
def client():
    # A 500 comes back as a response to count, not an exception that stops the walk.
    return Client(raise_request_exception=False)


def _template(name, params) -> str:
    """The URL with each parameter a sentinel to replace."""
    kwargs = {}
    for param in params:
        kwargs[param] = SENTINEL_STR
    try:
        return reverse(name, kwargs=kwargs)
    except Exception:
        return reverse(name, kwargs=dict.fromkeys(params, SENTINEL_INT))


def _bad_paths(name, params):
    url = _template(name, params)
    for param_value in (str(SENTINEL_INT), SENTINEL_STR):
        if param_value in url:
            for bad in BAD_IDS + BAD_STRINGS:
                yield url.replace(param_value, bad)


def _object_names():
    return sorted((name, params) for name, params in walk() if params and ":" in name)


def _plain_names():
    return sorted(
        name
        for name, params in walk()
        if not params and not name.startswith("admin") and name not in NOT_PAGES
    )


def _check(client, urls, method="get", data=None) -> list[str]:
    failures = []
    for url in urls:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        if response.status_code not in FINE:
            failures.append(f"{method.upper()} {url} → {response.status_code}")
    return failures


# --- The middleware -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/evaluation/verify/%00/",  # the reported 500 on PostgreSQL
        "/evaluation/verify/abc%01/",
        "/organizations/%09/",
        "/?q=%00",
        "/?q=a%1Fb",
        "/?%00=1",
        "/admin/incubation/organization/?q=%00",
        "/admin/incubation/organization/?community=1%00",
    ],
)
def test_it_answers_400_to_control_characters_in_the_path_or_the_query(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert b"Bad request" in response.content or "请求".encode() in response.content


def test_it_answers_400_to_a_nul_in_a_form_field_before_any_view(client, tenant):
    client.force_login(tenant.street_admin)
    url = reverse("admin:incubation_organization_add")
    assert client.post(url, {"name": "景新\x00书画院"}).status_code == 400
    assert client.post(url, {"name": "景新\x0b书画院"}).status_code == 400
    # A multipart form (an upload) is read the same way.
    assert client.post(url, {"name": "x", "note": "a\x00"}, format="multipart").status_code == 400


def test_it_lets_tabs_and_line_breaks_through_in_a_form_field(rf):
    seen = []

    def view(request):
        seen.append(request.POST.get("text") or request.GET.get("q"))
        return "ok"

    middleware = RejectControlCharactersMiddleware(view)
    request = rf.post("/x", {"text": "第一行\r\n\t第二行"})
    assert middleware(request) == "ok"
    assert seen == ["第一行\r\n\t第二行"]
    assert middleware(rf.get("/x", {"q": "a\tb"})) == "ok"
    assert seen[-1] == "a\tb"


def test_it_leaves_a_json_body_to_the_view(rf):
    middleware = RejectControlCharactersMiddleware(lambda request: "ok")
    request = rf.post("/x", data='{"a": "\\u0000"}', content_type="application/json")
    assert middleware(request) == "ok"


# --- Every URL --------------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [True, False], ids=["street_admin", "anonymous"])
def test_it_never_answers_500_to_a_malformed_id_in_any_path(client, tenant, signed_in):
    if signed_in:
        client.force_login(tenant.street_admin)
    failures = []
    for name, params in _object_names():
        if name.startswith("admin:"):
            continue  # below, with the admin's own pages
        urls = list(_bad_paths(name, params))
        assert urls, name
        failures += _check(client, urls)
        failures += _check(client, urls, "post", {"x": "1"})
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("signed_in", [True, False], ids=["street_admin", "anonymous"])
def test_it_never_answers_500_to_a_malformed_query_filter_on_any_page(client, tenant, signed_in):
    if signed_in:
        client.force_login(tenant.street_admin)
    failures = []
    for name in _plain_names():
        url = reverse(name)
        queries = [f"{url}?{param}={value}" for param in QUERY_PARAMS for value in BAD_VALUES]
        queries += [f"{url}?{param}=%00" for param in QUERY_PARAMS[:1]]
        failures += _check(client, queries)
        assert client.post(url, {"name": "a\x00b"}).status_code == 400, name
    assert not failures, "\n".join(failures)


# --- The admin --------------------------------------------------------------------------------


def _admin_labels():
    return sorted(
        model._meta.label
        for model in admin.site._registry
        if model._meta.label in ADMIN_BUILDERS or model._meta.label in ADMIN_NOT_TENANT
    )


def _model(label):
    return next(m for m in admin.site._registry if m._meta.label == label)


@pytest.mark.parametrize("label", _admin_labels())
def test_it_never_answers_500_to_a_malformed_admin_filter_or_id(client, tenant, label):
    """Every list filter's parameters (as the changelist itself names them), the
    changelist's own (search, order, page), and malformed ids on the change page."""
    model = _model(label)
    opts = model._meta
    if label in ADMIN_BUILDERS:
        ADMIN_BUILDERS[label](tenant)  # a row, so that every filter has choices to show
    # A branch, so the branch filters of the party member lists are shown and applied.
    party_org(tenant.street, "a社区党委", community=tenant.community)
    superuser = label in ADMIN_SUPERUSER_ONLY or label in ADMIN_NOT_TENANT
    user = tenant.street_admin
    if superuser:
        user = UserFactory(username="root", is_superuser=True, is_staff=True)
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    client.force_login(user)
    page = client.get(changelist)
    assert page.status_code == 200, (label, page.status_code)
    parameters = {"o", "p", "q"}
    for spec in page.context["cl"].filter_specs:
        parameters |= {p for p in spec.expected_parameters() if p}
    urls = [f"{changelist}?{param}={value}" for param in sorted(parameters) for value in BAD_VALUES]
    urls += [f"{changelist}?{sorted(parameters)[0]}=%00"]
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[SENTINEL_INT])
    urls += [change.replace(str(SENTINEL_INT), bad) for bad in BAD_IDS]
    failures = _check(client, urls)
    client.logout()
    failures += _check(client, urls[:3] + urls[-len(BAD_IDS) :])
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("changelist", "parameter"),
    [
        ("admin:incubation_organization_changelist", "community"),
        ("admin:accounts_user_changelist", "community"),
        ("admin:partybuilding_partymember_changelist", "community"),
        ("admin:partybuilding_partymember_changelist", "branch"),
    ],
)
def test_it_answers_letters_in_a_community_or_branch_filter_as_an_invalid_filter(
    client, tenant, changelist, parameter
):
    # A member in a branch, so that the member list shows (and applies) its branch filter.
    member(
        party_org(tenant.street, "a社区党委", community=tenant.community), organization=tenant.org
    )
    client.force_login(tenant.street_admin)
    url = reverse(changelist)
    for value in ("abc", "1a", "²"):
        response = client.get(f"{url}?{parameter}={value}")
        assert response.status_code == 302, (value, response.status_code)
        assert re.search(r"\?e=1$", response["Location"]), response["Location"]
    assert client.get(f"{url}?{parameter}={tenant.community.pk}").status_code == 200
