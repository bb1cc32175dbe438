"""Sign-up with a waiting list, sign-in and sign-out by the session's QR code, hours,
supplements by a second person, and every refusal that changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import ActionRefused
from tests.volunteering.helpers import make_volunteer, publish_activity
from volunteering.hours import round_minutes, stars_for
from volunteering.models import Place, PlaceEvent
from volunteering.services.places import cancel_place, close_session, scan, sign_up
from volunteering.services.supplements import supplement_approve, supplement_request
from volunteering.tokens import SIGN_IN, SIGN_OUT, make_token
from volunteering.workflows import PlaceStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [
        (0, "0"),
        (14, "0"),
        (15, "0.5"),
        (44, "0.5"),
        (45, "1"),
        (60, "1"),
        (74, "1"),
        (75, "1.5"),
        (125, "2"),
    ],
)
def test_rounding_rule(minutes, hours):
    assert round_minutes(minutes) == Decimal(hours)


def test_stars_by_thresholds():
    assert [stars_for(Decimal(h)) for h in (0, 99.5, 100, 600, 1500)] == [0, 0, 1, 3, 5]


def test_waiting_list_moves_up_on_cancellation(tenant):
    _activity, session = publish_activity(tenant, capacity=1)
    first_user, first = make_volunteer(tenant, "v1")
    _second_user, second = make_volunteer(tenant, "v2")
    place = sign_up(session, first, actor=first_user)
    waiting = sign_up(session, second, actor=_second_user)
    assert (place.status, waiting.status) == (PlaceStatus.CONFIRMED, PlaceStatus.WAITING)
    with pytest.raises(ActionRefused):
        sign_up(session, first, actor=first_user)
    moved = cancel_place(place, actor=first_user)
    assert moved.pk == waiting.pk
    waiting.refresh_from_db()
    assert waiting.status == PlaceStatus.CONFIRMED
    assert PlaceEvent.objects.filter(place=waiting).count() == 2


def test_qr_sign_in_and_out_gives_rounded_hours(tenant):
    _activity, session = publish_activity(tenant, hours=2)
    user, volunteer = make_volunteer(tenant, "v1")
    sign_up(session, volunteer, actor=user)
    start = session.starts_at
    scan(
        session,
        make_token(session, SIGN_IN),
        volunteer,
        actor=user,
        now=start - datetime.timedelta(minutes=5),
    )
    place = scan(
        session,
        make_token(session, SIGN_OUT),
        volunteer,
        actor=user,
        now=start + datetime.timedelta(minutes=100),
    )
    assert place.hours == Decimal("1.5")
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("1.5")


def test_refusals_change_nothing(tenant):
    _activity, session = publish_activity(tenant)
    _other_activity, other = publish_activity(tenant)
    user, volunteer = make_volunteer(tenant, "v1")
    start = session.starts_at
    cases = [
        ("forged", make_token(session, SIGN_IN)[:-2] + "xx", start),
        ("other session", make_token(other, SIGN_IN), start),
        ("expired", make_token(session, SIGN_IN), session.ends_at + datetime.timedelta(hours=3)),
        ("too early", make_token(session, SIGN_IN), start - datetime.timedelta(hours=2)),
        ("out before in", make_token(session, SIGN_OUT), start),
    ]
    for _label, token, when in cases:
        with pytest.raises(ActionRefused):
            scan(session, token, volunteer, actor=user, now=when)
    assert not Place.objects.exists()
    old = make_token(session, SIGN_IN)
    session.qr_version += 1
    session.save()
    with pytest.raises(ActionRefused, match="replaced|已被组织者更换"):
        scan(session, old, volunteer, actor=user, now=start)
    scan(session, make_token(session, SIGN_IN), volunteer, actor=user, now=start)
    with pytest.raises(ActionRefused, match="already|无需重复"):
        scan(session, make_token(session, SIGN_IN), volunteer, actor=user, now=start)
    assert Place.objects.get().signed_in_at == start


def test_no_shows_recorded_and_supplement_needs_a_second_person(tenant):
    _activity, session = publish_activity(tenant, starts_in=datetime.timedelta(hours=-5))
    user, volunteer = make_volunteer(tenant, "v1")
    place = Place.objects.create(session=session, volunteer=volunteer, status=PlaceStatus.CONFIRMED)
    assert close_session(session, now=timezone.now()) == 1
    place.refresh_from_db()
    assert place.status == PlaceStatus.NO_SHOW
    supplement = supplement_request(
        place,
        signed_in_at=session.starts_at,
        signed_out_at=session.ends_at,
        reason="纸质签到表",
        actor=tenant.community_staff,
    )
    with pytest.raises(ActionRefused):
        supplement_approve(supplement, actor=tenant.community_staff)
    supplement_approve(supplement, actor=tenant.street_admin)
    place.refresh_from_db()
    volunteer.refresh_from_db()
    assert (place.status, place.hours, volunteer.hours_total) == (
        PlaceStatus.ATTENDED,
        Decimal("2"),
        Decimal("2"),
    )
