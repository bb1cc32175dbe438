"""The sign-in surge: everybody scans the venue's QR code in the same minute. Every
sign-in is stored once, a second scan of the same person is refused in words, and no scan
fails with an error (PostgreSQL: real concurrent connections; `make bench` does the 500
over HTTP)."""

import datetime
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone, translation

from core.errors import ActionRefused
from tests.volunteering.helpers import make_volunteer, publish_activity
from volunteering.models import Place, PlaceEvent, Session, Volunteer
from volunteering.services.places import scan, sign_up
from volunteering.tokens import SIGN_IN, make_token
from volunteering.workflows import PlaceStatus

PEOPLE = 90
DOUBLE_SCANS = 10  # the first ten people tap twice: two scans in flight at once
# PostgreSQL allows 100 connections and other tests share the server: the threads start
# together but at most this many hold a connection at a time.
CONNECTIONS = 40


@pytest.mark.django_db(transaction=True)
def test_a_hundred_scans_in_one_minute_store_every_sign_in_once():
    if connection.vendor != "postgresql":
        pytest.skip("the surge needs concurrent connections (PostgreSQL)")
    from tests.conftest import make_tenant

    tenant = make_tenant("surge")
    _activity, session = publish_activity(tenant, capacity=PEOPLE + 10)
    people = [make_volunteer(tenant, f"surge-{n:03d}") for n in range(PEOPLE)]
    # Half signed up beforehand, half walk in on the day.
    for user, volunteer in people[::2]:
        sign_up(session, volunteer, actor=user)
    token = make_token(session, SIGN_IN)
    at = session.starts_at - datetime.timedelta(minutes=10)
    scans = [(n, user, volunteer.pk) for n, (user, volunteer) in enumerate(people)]
    scans += [(n, user, pk) for n, user, pk in scans[:DOUBLE_SCANS]]
    barrier = threading.Barrier(len(scans))
    gate = threading.BoundedSemaphore(CONNECTIONS)
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()

    def one_scan(n, user, volunteer_pk):
        try:
            barrier.wait()
            with gate, translation.override("en"):
                try:
                    scan(
                        Session.objects.get(pk=session.pk),
                        token,
                        Volunteer.objects.get(pk=volunteer_pk),
                        actor=user,
                        now=at,
                    )
                    outcome = "signed in"
                except ActionRefused as refused:
                    outcome = refused.message
                except Exception as error:  # noqa: BLE001 - every error is the finding
                    outcome = f"error: {error!r}"
                finally:
                    connection.close()
        except threading.BrokenBarrierError:
            outcome = "error: barrier broken"
        with lock:
            outcomes.append((n, outcome))

    threads = [threading.Thread(target=one_scan, args=args) for args in scans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == PEOPLE + DOUBLE_SCANS
    errors = [outcome for _n, outcome in outcomes if outcome.startswith("error")]
    assert errors == []
    signed_in = Counter(n for n, outcome in outcomes if outcome == "signed in")
    assert signed_in == Counter(range(PEOPLE)), "each person signed in exactly once"
    # The threads run without the request's language: their refusals read in English.
    already = f"You signed in at {timezone.localtime(at):%H:%M} already."
    refusals = [(n, outcome) for n, outcome in outcomes if outcome != "signed in"]
    assert sorted(refusals) == [(n, already) for n in range(DOUBLE_SCANS)]

    places = Place.objects.filter(session=session)
    assert places.count() == PEOPLE, "no second place for anybody"
    per_person = Counter(
        places.filter(signed_in_at__isnull=False).values_list("volunteer_id", flat=True)
    )
    assert sorted(per_person) == sorted(v.pk for _u, v in people)
    assert set(per_person.values()) == {1}
    assert set(places.values_list("status", "signed_in_at", "sign_in_source")) == {
        (PlaceStatus.ATTENDED, at, "qr")
    }
    # One "attended" step per person on the timeline: the refused scans wrote nothing.
    assert (
        PlaceEvent.objects.filter(place__session=session, to_value=PlaceStatus.ATTENDED).count()
        == PEOPLE
    )
