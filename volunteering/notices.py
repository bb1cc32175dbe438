"""Who hears of what in volunteering (in-app and e-mail, through ``notify``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify
from volunteering.models import Activity, Place


def _when(session) -> str:
    return timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")


def activity_cancelled(activity_id: int, place_ids: list[int], reason: str) -> int:
    """Everyone whose place the cancellation ended hears why, once."""
    activity = Activity.objects.get(pk=activity_id)
    sent = 0
    places = Place.objects.filter(pk__in=place_ids, volunteer__account__isnull=False)
    for place in places.select_related("session", "volunteer__account"):
        sent += (
            notify(
                recipient=place.volunteer.account,
                kind="activity_changed",
                key=f"activity-cancelled:{activity.pk}:{place.pk}",
                title=_("Cancelled: %(title)s (%(when)s)")
                % {"title": activity.title, "when": _when(place.session)},
                body=_("The organizer cancelled the activity: %(reason)s") % {"reason": reason},
                url=reverse("volunteering:home"),
            )
            is not None
        )
    return sent


def place_moved_up(place_id: int) -> bool:
    """A place freed up: the first on the waiting list now has it, and is told."""
    place = Place.objects.select_related("session__activity", "volunteer__account").get(pk=place_id)
    account = place.volunteer.account
    if account is None:
        return False
    activity = place.session.activity
    return (
        notify(
            recipient=account,
            kind="place_confirmed",
            key=f"place-confirmed:{place.pk}",
            title=_("You have a place: %(title)s (%(when)s)")
            % {"title": activity.title, "when": _when(place.session)},
            body=_("A place freed up and you were first on the waiting list."),
            url=reverse("volunteering:home"),
        )
        is not None
    )
