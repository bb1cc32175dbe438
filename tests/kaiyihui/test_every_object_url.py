"""Issue 8, item 4: for every URL pattern with an object id, another tenant's object
answers 404 to each role, exactly as an id that does not exist.

- Every URL outside the admin that takes a path parameter is in the registry of
  ``tests/kaiyihui/object_urls.py`` (with a builder of the object it points at) or in its
  explicit ``PUBLIC`` set; a URL added without an entry fails here.
- Each role of another street (street admin, community staff, leader, evaluator, party
  worker) gets 404 for the object — by GET, and by POST (views that only take POST answer
  GET with 405) — and the same answers for a missing id.
- Inside the object's street: the leader of another organization, an evaluator not assigned, the
  staff of the other community and a party worker linked to nothing get 404, except
  where an app decided otherwise (stated next to the registry entry and tested as such).
- Admin change, history and delete pages of every scoped model answer another street's
  staff exactly as they answer a missing id.

Known deviations are strict xfails: they start failing once fixed, to remove the mark.
"""

from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from accounts.admin import ScopedAdminMixin
from accounts.roles import Role
from accounts.services import roles_sync
from evaluation.choices import EvaluatorGroup
from evaluation.models import EvaluatorAssignment, Review
from evaluation.services.scoring import assignment_create
from tests.conftest import Tenant, make_tenant
from tests.evaluation.helpers import TODAY
from tests.factories import OrganizationFactory, UserFactory
from tests.kaiyihui.object_urls import (
    ADMIN_BUILDERS,
    ADMIN_NOT_TENANT,
    ADMIN_OBJECT_URLS,
    ADMIN_SCOPED_BY_HAND,
    ADMIN_STREET_WIDE,
    ADMIN_SUPERUSER_ONLY,
    MISSING_ID,
    PUBLIC,
    REGISTRY,
    ROLE_GATED,
    STRANGERS,
    admin_object_url_names,
    object_url_names,
)

pytestmark = pytest.mark.django_db

ROLES = ("street_admin", "community_staff", "leader", "evaluator", "party_worker")
# The roles that work in the admin (accounts.roles.ADMIN_ROLES).
ADMIN_ROLES = ("street_admin", "community_staff", "party_worker")


class Found(AssertionError):
    """An object of another tenant (or another organization) did not answer 404."""


# Funding's staff pages check the role before the object (``staff_required`` in
# funding/views_staff.py): leaders, evaluators and party workers get the 404 a missing id
# gets.
FUNDING_STAFF_PAGES = {
    name for name, entry in REGISTRY.items() if entry.intra.get("other_leader") == ROLE_GATED
}
KNOWN: dict = {}  # none left: staff_required answers 404 like a missing record


# --- The world: built once for the module -----------------------------------------------------
# Every registry entry (and every admin row) gets a street of its own, built once inside a
# transaction that is rolled back when the module ends; each test runs in a savepoint
# within it (pytest-django's non-transactional ``db``). Another street, "b", holds the
# outsiders. This keeps ~450 cases well under a minute.

NOW = TODAY.isoformat() + " 10:00 +0800"


@dataclass
class Site:
    tenant: Tenant
    kwargs: dict
    data: dict = field(default_factory=dict)
    strangers: dict = field(default_factory=dict)


@dataclass
class World:
    media: Path
    outsider: Tenant
    sites: dict = field(default_factory=dict)  # URL name -> Site
    # model label -> (tenant, row of its street's first community, strangers of the street)
    admin_rows: dict = field(default_factory=dict)
    admin_urls: dict = field(default_factory=dict)  # admin URL name -> kwargs


def _strangers(tenant, tag) -> dict:
    other_leader = UserFactory(
        username=f"{tag}-leader2", role=Role.ORG_LEADER, street=tenant.street
    )
    OrganizationFactory(community=tenant.community, name=f"{tag}第二互助会").leader_accounts.add(
        other_leader
    )
    return {
        "other_leader": other_leader,
        "unassigned_evaluator": UserFactory(
            username=f"{tag}-expert2", role=Role.EVALUATOR, street=tenant.street
        ),
        "other_community_staff": UserFactory(
            username=f"{tag}-staff2",
            role=Role.COMMUNITY_STAFF,
            street=tenant.street,
            community=tenant.other_community,
        ),
        "unlinked_party_worker": tenant.party_worker,
    }


def _build_world(media) -> World:
    roles_sync()
    world = World(media=media, outsider=make_tenant("b"))
    for i, name in enumerate(sorted(REGISTRY)):
        tag = f"u{i}"
        tenant = make_tenant(tag)
        entry = REGISTRY[name]
        world.sites[name] = Site(
            tenant=tenant,
            kwargs=entry.build(tenant),
            data=entry.post_data(tenant),
            strangers=_strangers(tenant, tag),
        )
    for i, label in enumerate(sorted(ADMIN_BUILDERS)):
        tag = f"m{i}"
        tenant = make_tenant(tag)
        world.admin_rows[label] = (tenant, ADMIN_BUILDERS[label](tenant), _strangers(tenant, tag))
    for i, (name, build) in enumerate(sorted(ADMIN_OBJECT_URLS.items())):
        if build is not None:
            world.admin_urls[name] = build(make_tenant(f"x{i}"))
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.getbasetemp() / "object-url-media"
    media.mkdir(exist_ok=True)
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with (
                override_settings(
                    MEDIA_ROOT=str(media),
                    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                ),
                time_machine.travel(NOW, tick=False),
            ):
                built = _build_world(media)
            # Fire the deferred foreign-key checks of the world now: PostgreSQL would
            # otherwise re-run them at the end of every test (Django's TestCase checks
            # constraints before each rollback).
            connection.check_constraints()
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def _roles():
    """Overrides conftest's: the world synced the roles once, and every test runs inside
    the world's transaction."""


@pytest.fixture
def _media_in_tmp(settings, tmp_path_factory):
    """Overrides conftest's per-test media directory: tests here store no files of their
    own, and the world's files (attachments, job results) stay readable."""
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "object-url-media")


@pytest.fixture(scope="module")
def _one_client():
    return Client()


@pytest.fixture
def client(_one_client):
    """One test client for the module: building the middleware chain (WhiteNoise scans
    the static files) costs more than the requests of a test. CSRF checks are off, as
    in every test client; each test logs its user in."""
    _one_client.cookies.clear()
    return _one_client


@pytest.fixture
def site(world):
    return world.sites


def _missing(kwargs: dict) -> dict:
    """The same URL with every id replaced by one no row has (enum-like strings kept)."""
    return {k: MISSING_ID if isinstance(v, int) else v for k, v in kwargs.items()}


def _answers(client, name, kwargs, data) -> tuple[int, int]:
    url = reverse(name, kwargs=kwargs)
    return client.get(url).status_code, client.post(url, data).status_code


def _assert_not_found(answers, what):
    """Each method is 404, or 405 where the view does not take it; at least one is 404."""
    if any(status not in (404, 405) for status in answers) or 404 not in answers:
        raise Found(f"{what}: GET/POST answered {answers}")


# --- Coverage ---------------------------------------------------------------------------------


def test_every_url_with_a_parameter_is_registered_or_public():
    names = object_url_names()
    unregistered = names - REGISTRY.keys() - PUBLIC.keys()
    assert not unregistered, (
        "URLs with a path parameter and no scoping test: add each to REGISTRY (or, if "
        f"public by design, to PUBLIC) in tests/kaiyihui/object_urls.py: {sorted(unregistered)}"
    )
    stale = (REGISTRY.keys() | PUBLIC.keys()) - names
    assert not stale, f"registered URLs that no longer exist: {sorted(stale)}"
    assert not REGISTRY.keys() & PUBLIC.keys()


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_an_insider_opens_the_built_object(client, site, name):
    """The builders make objects their street's own people open: a 404 in the tests
    below means scoping, not a broken builder."""
    entry, where = REGISTRY[name], site[name]
    client.force_login(getattr(where.tenant, entry.insider))
    url = reverse(name, kwargs=where.kwargs)
    with mock.patch("evaluation.views.report_bytes", return_value=b"%PDF-1.4\n"):
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, where.data)
    assert response.status_code == entry.insider_status, (name, entry.insider)


# --- Another street ---------------------------------------------------------------------------


def _outsider_cases():
    for name in sorted(REGISTRY):
        for role in ROLES:
            marks = []
            if (name, role) in KNOWN:
                marks.append(pytest.mark.xfail(strict=True, raises=Found, reason=KNOWN[name, role]))
            yield pytest.param(name, role, id=f"{name}-{role}", marks=marks)


@pytest.mark.parametrize(("name", "role"), _outsider_cases())
def test_another_streets_user_gets_404_as_for_a_missing_id(client, world, name, role):
    where = world.sites[name]
    client.force_login(getattr(world.outsider, role))
    foreign = _answers(client, name, where.kwargs, where.data)
    missing = _answers(client, name, _missing(where.kwargs), where.data)
    assert foreign == missing, f"{name} as {role}: a's object {foreign}, a missing id {missing}"
    _assert_not_found(foreign, f"{name} as b's {role}")


def test_an_outsider_cannot_mix_their_own_organization_with_a_foreign_cycle_or_call(client, world):
    b = world.outsider
    start = world.sites["evaluation:start"].kwargs
    call = world.sites["funding:call"].kwargs
    client.force_login(b.leader)
    response = client.post(
        reverse("evaluation:start", kwargs={"cycle_pk": start["cycle_pk"], "org_pk": b.org.pk})
    )
    assert response.status_code == 404
    response = client.post(reverse("funding:apply", kwargs=call), {"organization": b.org.pk})
    assert response.status_code == 404


# --- Inside the street ------------------------------------------------------------------------


def _stranger_cases():
    for name in sorted(REGISTRY):
        for kind in STRANGERS:
            yield pytest.param(name, kind, id=f"{name}-{kind}")


@pytest.mark.parametrize(("name", "kind"), _stranger_cases())
def test_a_stranger_of_the_same_street_gets_what_the_app_decided(client, world, name, kind):
    expected = REGISTRY[name].intra.get(kind, 404)
    where = world.sites[name]
    kwargs, data = where.kwargs, where.data
    client.force_login(where.strangers[kind])
    foreign = _answers(client, name, kwargs, data)
    if expected == 404:
        _assert_not_found(foreign, f"{name} as {kind}")
    else:
        assert expected in foreign and set(foreign) <= {expected, 405}, (name, kind, foreign)
    if expected in (403, 404):
        missing = _answers(client, name, _missing(kwargs), data)
        assert foreign == missing, f"{name} as {kind}: a's object {foreign}, missing {missing}"


def test_the_scoring_page_is_the_assigned_evaluators_own(client, world):
    """A second evaluator of the same review, and the leader whose review it is, see the
    review but not another evaluator's scoring page (its marks)."""
    where = world.sites["evaluation:score"]
    assignment = EvaluatorAssignment.objects.get(pk=where.kwargs["pk"])
    co_evaluator = where.strangers["unassigned_evaluator"]
    assignment_create(
        review=assignment.review,
        evaluator=co_evaluator,
        group=EvaluatorGroup.COMMUNITY,
        actor=where.tenant.street_admin,
    )
    review_url = reverse("evaluation:review", kwargs={"pk": assignment.review_id})
    for user in (co_evaluator, where.tenant.leader):
        client.force_login(user)
        assert client.get(review_url).status_code == 200
        foreign = _answers(client, "evaluation:score", where.kwargs, {})
        assert foreign == _answers(client, "evaluation:score", _missing(where.kwargs), {})
        _assert_not_found(foreign, f"evaluation:score as {user.username}")


# --- Public by design -------------------------------------------------------------------------


def test_verification_reveals_only_the_grade_and_unknown_codes_are_404(client, world):
    review = Review.objects.get(pk=world.sites["evaluation:report"].kwargs["pk"])
    page = client.get(reverse("evaluation:verify", kwargs={"code": review.verification_code}))
    assert page.status_code == 200
    body = page.content.decode()
    assert review.grade and review.grade in body and review.organization.name in body
    assert str(int(review.total)) not in body
    assert review.organization.uscc not in body
    assert client.get(reverse("evaluation:verify", kwargs={"code": "0" * 16})).status_code == 404
    assert client.get(reverse("evaluation:verify", kwargs={"code": "nope"})).status_code == 404


def test_the_code_of_a_review_not_finalized_verifies_nothing(client, world):
    review = Review.objects.get(pk=world.sites["evaluation:review"].kwargs["pk"])
    assert review.status == "submitted"
    url = reverse("evaluation:verify", kwargs={"code": review.verification_code})
    assert client.get(url).status_code == 404


# --- Admin ------------------------------------------------------------------------------------


def _scoped_admin_labels() -> set[str]:
    return {
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ScopedAdminMixin) or model._meta.label in ADMIN_SCOPED_BY_HAND
    }


def _model_admin(label):
    return next(ma for m, ma in admin.site._registry.items() if m._meta.label == label)


def test_every_scoped_admin_model_has_a_builder():
    registered = {model._meta.label for model in admin.site._registry}
    scoped = _scoped_admin_labels()
    assert scoped | ADMIN_SUPERUSER_ONLY.keys() <= ADMIN_BUILDERS.keys(), (
        "add a builder to ADMIN_BUILDERS"
    )
    assert registered - scoped - ADMIN_SUPERUSER_ONLY.keys() - ADMIN_NOT_TENANT.keys() == set(), (
        "an admin model neither scoped, nor superuser-only, nor declared free of tenant data"
    )
    assert ADMIN_BUILDERS.keys() <= registered


def test_every_admin_url_with_a_parameter_is_known():
    standard = {
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
        for model in admin.site._registry
        for page in ("change", "history", "delete")
    }
    names = set(admin_object_url_names())
    unknown = names - standard - ADMIN_OBJECT_URLS.keys()
    assert not unknown, f"admin URLs with a parameter to add to ADMIN_OBJECT_URLS: {unknown}"


@pytest.mark.parametrize("label", sorted(ADMIN_BUILDERS.keys() - ADMIN_SUPERUSER_ONLY.keys()))
def test_the_admin_queryset_holds_the_built_row_for_its_street_only(world, label):
    tenant, obj, _strangers = world.admin_rows[label]
    model_admin = _model_admin(label)
    request = RequestFactory().get("/admin/")
    request.user = tenant.street_admin
    assert model_admin.get_queryset(request).filter(pk=obj.pk).exists()
    for role in ADMIN_ROLES:
        request.user = getattr(world.outsider, role)
        assert not model_admin.get_queryset(request).filter(pk=obj.pk).exists(), role


def _admin_answer(client, url):
    response = client.get(url)
    return response.status_code, response.get("Location")


ADMIN_PAGES = ("change", "history", "delete")
ADMIN_KNOWN: dict = {}  # none left: the audit log's queryset is empty for non-superusers


def _admin_cases():
    for label in sorted(ADMIN_BUILDERS):
        for page in ADMIN_PAGES:
            for role in ADMIN_ROLES:
                marks = []
                if (label, page) in ADMIN_KNOWN:
                    reason = ADMIN_KNOWN[label, page]
                    marks.append(pytest.mark.xfail(strict=True, raises=Found, reason=reason))
                yield pytest.param(label, page, role, id=f"{label}-{page}-{role}", marks=marks)


@pytest.mark.parametrize(("label", "page", "role"), _admin_cases())
def test_admin_pages_answer_a_foreign_row_as_a_missing_one(client, world, label, page, role):
    _tenant, obj, _strangers = world.admin_rows[label]
    opts = obj._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_{page}"
    client.force_login(getattr(world.outsider, role))
    foreign = _admin_answer(client, reverse(name, args=[obj.pk]))
    missing = _admin_answer(client, reverse(name, args=[MISSING_ID]))
    if foreign != missing:
        raise Found(f"{name} as b's {role}: {foreign}, a missing id {missing}")
    assert foreign[0] in (302, 403, 404), (name, foreign)
    if foreign[0] == 302:
        assert foreign[1] == reverse("admin:index")


ADMIN_STRANGERS = ("other_community_staff", "unlinked_party_worker")


def _admin_stranger_cases():
    for label in sorted(ADMIN_BUILDERS):
        for page in ADMIN_PAGES:
            for kind in ADMIN_STRANGERS:
                marks = []
                if (label, page) in ADMIN_KNOWN:
                    reason = ADMIN_KNOWN[label, page]
                    marks.append(pytest.mark.xfail(strict=True, raises=Found, reason=reason))
                yield pytest.param(label, page, kind, id=f"{label}-{page}-{kind}", marks=marks)


@pytest.mark.parametrize(("label", "page", "kind"), _admin_stranger_cases())
def test_admin_pages_of_the_same_street_follow_the_community_rule(client, world, label, page, kind):
    """Community staff work in the admin: the staff of the other community, and a party
    worker linked to no branch, find the first community's rows missing — except rows of
    the street as a whole (``ADMIN_STREET_WIDE``), which community staff read."""
    _tenant, obj, strangers = world.admin_rows[label]
    user = strangers[kind]
    if kind == "other_community_staff" and label in ADMIN_STREET_WIDE:
        request = RequestFactory().get("/admin/")
        request.user = user
        assert _model_admin(label).get_queryset(request).filter(pk=obj.pk).exists()
        return
    opts = obj._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_{page}"
    client.force_login(user)
    foreign = _admin_answer(client, reverse(name, args=[obj.pk]))
    missing = _admin_answer(client, reverse(name, args=[MISSING_ID]))
    if foreign != missing:
        raise Found(f"{name} as {kind}: {foreign}, a missing id {missing}")


@pytest.mark.parametrize("role", ADMIN_ROLES)
@pytest.mark.parametrize("name", sorted(n for n, b in ADMIN_OBJECT_URLS.items() if b))
def test_admin_object_urls_answer_404_as_for_a_missing_id(client, world, name, role):
    kwargs = world.admin_urls[name]
    missing = {k: (v if k == "content_type_id" else _missing({k: v})[k]) for k, v in kwargs.items()}
    client.force_login(getattr(world.outsider, role))
    foreign = _admin_answer(client, reverse(name, kwargs=kwargs))
    assert foreign == _admin_answer(client, reverse(name, kwargs=missing))
    assert foreign[0] in (403, 404), (name, foreign)
