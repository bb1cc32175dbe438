"""Seed and count for test_concurrent_writes: run inside `manage.py shell` against the
database the test server uses (not the test database), so the server sees the rows.

    manage.py shell -c "from tests.kaiyihui.concurrency import seed; seed(6)"
    manage.py shell -c "from tests.kaiyihui.concurrency import counts; counts('ids.json')"

Each prints one JSON line starting with RESULT, which the test reads."""

import datetime
import json
from pathlib import Path

from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from django.utils import timezone

from accounts.roles import Role
from accounts.services import roles_sync
from evaluation.choices import ReviewEventKind
from evaluation.forms import ReviewForm
from evaluation.models import ReviewEvent, ReviewVersion
from evaluation.selectors import applicable_items
from evaluation.services.reviews import review_start
from funding.models import ApplicationEvent
from funding.workflows import ApplicationStatus
from tests.conftest import make_tenant
from tests.evaluation.helpers import fill, make_cycle, make_org
from tests.factories import UserFactory
from tests.funding.factories import make_call, make_draft, make_eligible


def _session(user) -> str:
    """A signed-in browser session: the test measures concurrent writes, not logins."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if apps.is_installed("twofactor"):
        # Staff must pass a second factor: a session that did, as after a code was given.
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from twofactor.session import NEEDS_CODE, STATE_KEY

        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="authenticator", defaults={"confirmed": True}
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[STATE_KEY] = NEEDS_CODE
    session.create()
    return session.session_key


def _form_fields(review) -> dict:
    """What the review page's form posts back, as the leader's browser would send it."""
    form = ReviewForm(instance=review, items=applicable_items(review))
    return {field.html_name: "" if field.value() is None else str(field.value()) for field in form}


def seed(leaders: int) -> None:
    """``leaders`` organizations, each with its own leader, a complete draft annual review
    and a complete draft grant application; and two street staff."""
    roles_sync()
    tenant = make_tenant("cc")
    today = timezone.localdate()
    cycle = make_cycle(
        tenant.street,
        year=today.year,
        opens_on=today - datetime.timedelta(days=30),
        deadline=today + datetime.timedelta(days=30),
    )
    call = make_call(tenant)
    second_staff = UserFactory(username="cc-admin-2", role=Role.STREET_ADMIN, street=tenant.street)
    accounts = []
    for n in range(leaders):
        leader = UserFactory(username=f"cc-leader-{n}", role=Role.ORG_LEADER, street=tenant.street)
        org = make_eligible(make_org(tenant, name=f"并发测试组织{n}", leader=leader))
        review = fill(review_start(cycle=cycle, organization=org, actor=leader), leader)
        application = make_draft(call, org, leader, title=f"并发项目{n}")
        accounts.append(
            {
                "session": _session(leader),
                "review": review.pk,
                "review_form": _form_fields(review),
                "application": application.pk,
            }
        )
    staff = [_session(tenant.street_admin), _session(second_staff)]
    print("RESULT " + json.dumps({"leaders": accounts, "staff": staff}))


def counts(ids_file: str) -> None:
    """Per review: versions stored, submit and return status events; per application:
    submit events."""
    ids = json.loads(Path(ids_file).read_text())

    def per(queryset, field):
        found = dict(queryset.values_list(field).annotate(n=Count("pk")).order_by())
        return {str(pk): found.get(pk, 0) for pk in ids[field.removesuffix("_id") + "s"]}

    status_events = ReviewEvent.objects.filter(kind=ReviewEventKind.STATUS)
    result = {
        "versions": per(ReviewVersion.objects.all(), "review_id"),
        "submitted": per(status_events.filter(to_value="submitted"), "review_id"),
        "returned": per(status_events.filter(to_value="returned"), "review_id"),
        "applications_submitted": per(
            ApplicationEvent.objects.filter(to_value=ApplicationStatus.SUBMITTED),
            "application_id",
        ),
    }
    print("RESULT " + json.dumps(result))
