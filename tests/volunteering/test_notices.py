"""People hear when their activity is cancelled and when a place frees up for them."""

import pytest

from notifications.models import Notification
from tests.volunteering.helpers import make_volunteer, publish_activity
from volunteering.services.activities import activity_cancel
from volunteering.services.places import cancel_place, sign_up
from volunteering.workflows import PlaceStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_moved_up_from_the_waiting_list_is_told(tenant):
    _activity, session = publish_activity(tenant, capacity=1)
    first_user, first = make_volunteer(tenant, "n1")
    second_user, second = make_volunteer(tenant, "n2")
    place = sign_up(session, first, actor=first_user)
    sign_up(session, second, actor=second_user)
    cancel_place(place, actor=first_user)
    assert Notification.objects.filter(recipient=second_user, kind="place_confirmed").count() == 1
    assert not Notification.objects.filter(recipient=first_user).exists()


def test_cancelling_ends_the_places_and_tells_everyone(tenant):
    activity, session = publish_activity(tenant, capacity=1)
    first_user, first = make_volunteer(tenant, "n1")
    second_user, second = make_volunteer(tenant, "n2")
    sign_up(session, first, actor=first_user)
    sign_up(session, second, actor=second_user)
    activity_cancel(activity, actor=tenant.leader, reason="暴雨预警")
    assert set(session.places.values_list("status", flat=True)) == {PlaceStatus.CANCELLED}
    told = Notification.objects.filter(kind="activity_changed")
    assert set(told.values_list("recipient", flat=True)) == {first_user.pk, second_user.pk}
    assert "暴雨预警" in told.first().body
