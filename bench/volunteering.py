"""Volunteer service timings of `make bench`, over the data of bench/seed_volunteering.py
(10,000,000 places).

In process (the test client, like bench/measure_pages.py): a volunteer's record page
(``volunteering:my_record``) for a veteran with 500 places and a typical volunteer with
about 20, the staff view of the same records (``volunteering:volunteer_record``), the
public calendar (``volunteering:calendar``) with the cache cold (cleared before every
request) and warm. A page whose URL is not there yet is reported as such.

The surge: 500 people signing in to one session within a minute (plus 50 double taps).
Over HTTP through gunicorn (2 workers × 4 threads, production settings), every client
logged in with its own session cookie and POSTing the ``volunteering:scan`` URL; without
that URL, the service ``scan`` called from 500 threads in process. Then the database is
counted: one place with a sign-in per person, one "attended" step each.
"""

from __future__ import annotations

import http.client
import os
import secrets
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SURGE_PEOPLE = int(os.environ.get("BENCH_SURGE_PEOPLE", "500"))
SURGE_DOUBLE_TAPS = int(os.environ.get("BENCH_SURGE_DOUBLE_TAPS", "50"))
SURGE_SECONDS = float(os.environ.get("BENCH_SURGE_SECONDS", "60"))
SURGE_CLIENTS = int(os.environ.get("BENCH_SURGE_CLIENTS", "50"))
# In process, threads share PostgreSQL's 100 connections with everything else.
SURGE_CONNECTIONS = 40
TARGETS = {"page_p95_ms": 300, "surge_people": SURGE_PEOPLE, "surge_seconds": 60}


def _url(name: str, *args):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(f"volunteering:{name}", args=args)
    except NoReverseMatch:
        return None


def measure_in_process(users: dict, rows: dict) -> dict:
    import datetime

    from django.core.cache import cache
    from django.test import Client
    from django.utils import timezone

    from bench.measure_marketplace import _page, _timed
    from bench.measure_pages import _client

    limit = TARGETS["page_p95_ms"]
    public = Client()
    calendar = _url("calendar")
    community = users["staff"].community_id
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    pages = [
        (
            "vol_my_record_veteran",
            users["veteran"],
            _url("my_record"),
            f"my record (/volunteer/me/), veteran with {rows['veteran_places']} places",
            None,
        ),
        (
            "vol_my_record_typical",
            users["volunteer"],
            _url("my_record"),
            f"my record, typical volunteer with {rows['volunteer_places']} places",
            None,
        ),
        (
            "vol_staff_record_veteran",
            users["admin"],
            _url("volunteer_record", rows["veteran"]),
            "volunteer's record, street staff, the veteran",
            None,
        ),
        (
            "vol_staff_record_typical",
            users["staff"],
            _url("volunteer_record", rows["volunteer"]),
            "volunteer's record, community staff, typical volunteer",
            None,
        ),
        ("vol_calendar_cold", None, calendar, "public calendar, cache cold", cache.clear),
        ("vol_calendar_warm", None, calendar, "public calendar, cache warm", None),
        (
            "vol_calendar_community_cold",
            None,
            calendar and f"{calendar}?community={community}",
            "public calendar, one community, cache cold",
            cache.clear,
        ),
        (
            "vol_calendar_next_month_cold",
            None,
            calendar and f"{calendar}?month={next_month:%Y-%m}",
            "public calendar, next month, cache cold",
            cache.clear,
        ),
    ]
    out, missing = {}, []
    for name, user, url, label, before in pages:
        if url is None:
            missing.append(label)
            print(f"  {label}: URL not there yet, skipped", flush=True)
            continue
        client = public if user is None else _client(user)
        out[name] = _timed(_page(client, url), label, before=before, url=url, target_ms=limit)
    # The figures over the same rows (stats --json and the dashboards read them).
    try:
        from volunteering.figures import volunteering_figures
    except ImportError:
        volunteering_figures = None
    if volunteering_figures is not None:
        street = users["admin"].street
        out["vol_figures_district"] = _timed(
            lambda: volunteering_figures(),
            "volunteering_figures(), whole district",
            requests=10,
            target_ms=1000,
        )
        out["vol_figures_street"] = _timed(
            lambda: volunteering_figures(street=street),
            "volunteering_figures(street=…)",
            requests=10,
            target_ms=limit,
        )
        out["vol_dashboard_street"] = _timed(
            _page(_client(users["admin"]), "/dashboard/"),
            "street dashboard (with the volunteering figures)",
            url="/dashboard/",
            target_ms=limit,
        )
    return {"pages": out, "missing": missing}


# --- The surge ---------------------------------------------------------------------------


def surge_setup(users: dict, tag: str) -> dict:
    """A session starting in 30 minutes (its QR code already open) in the staff's
    community, capacity 600; SURGE_PEOPLE volunteers of the seed given portal accounts,
    half of them signed up beforehand, the other half walking in."""
    import datetime

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from bench.seed_district import PASSWORD
    from volunteering.choices import OrganizerKind, Series
    from volunteering.models import Activity, Place, Session, Volunteer
    from volunteering.workflows import ActivityStatus, PlaceStatus

    community = users["staff"].community
    now = timezone.now()
    with transaction.atomic():
        activity = Activity.objects.create(
            title=f"公益伙伴日·签到高峰 {tag}",
            series=Series.PARTNER_DAY,
            organizer_kind=OrganizerKind.HUB,
            street=community.street,
            community=community,
            place="社区文化家园广场",
            capacity=SURGE_PEOPLE + 100,
            recruit_until=now + datetime.timedelta(minutes=20),
            status=ActivityStatus.PUBLISHED,
            published_at=now,
        )
        session = Session.objects.create(
            activity=activity,
            starts_at=now + datetime.timedelta(minutes=30),
            ends_at=now + datetime.timedelta(hours=3),
        )
        volunteers = list(
            Volunteer.objects.filter(street=community.street, account__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:SURGE_PEOPLE]
        )
        password = make_password(PASSWORD)
        accounts = User.objects.bulk_create(
            User(
                username=f"bench-surge-{tag}-{n:04d}",
                password=password,
                street=community.street,
            )
            for n in range(len(volunteers))
        )
        Group.objects.get(name=Role.VOLUNTEER).user_set.add(*accounts)
        for volunteer_pk, account in zip(volunteers, accounts, strict=True):
            Volunteer.objects.filter(pk=volunteer_pk).update(account=account)
        Place.objects.bulk_create(
            Place(session=session, volunteer_id=pk, status=PlaceStatus.CONFIRMED)
            for pk in volunteers[::2]
        )
    return {"session": session, "accounts": accounts, "volunteers": volunteers}


def surge_counts(session_pk: int, people: int) -> dict:
    from django.db.models import Count

    from volunteering.models import Place, PlaceEvent
    from volunteering.workflows import PlaceStatus

    places = Place.objects.filter(session_id=session_pk)
    signed = places.filter(signed_in_at__isnull=False)
    twice = signed.values("volunteer_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    stored = signed.count()
    events = PlaceEvent.objects.filter(
        place__session_id=session_pk, to_value=PlaceStatus.ATTENDED
    ).count()
    return {
        "places": places.count(),
        "signed_in_rows": stored,
        "people_signed_in_twice": twice,
        "attended_events": events,
        "every_sign_in_stored_once": stored == people and twice == 0 and events == people,
    }


def _summary(timings: list[float], seconds: float, errors: int) -> dict:
    from bench.measure_marketplace import _p95

    return {
        "requests": len(timings),
        "seconds": round(seconds, 2),
        "requests_per_second": round(len(timings) / seconds, 1),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_p95(timings), 1),
        "max_ms": round(max(timings), 1),
        "errors": errors,
    }


def _schedule(people: int, seconds: float) -> list[tuple[int, float]]:
    """(person, when): everybody within ``seconds`` (evenly, as a queue at the door; 0:
    all at once), the first SURGE_DOUBLE_TAPS people tapping a second time right after."""
    spacing = seconds / max(1, people)
    again = min(1.0, seconds)
    plan = [(n, n * spacing) for n in range(people)]
    plan += [(n, n * spacing + again) for n in range(min(SURGE_DOUBLE_TAPS, people))]
    return sorted(plan, key=lambda item: item[1])


def surge_in_process(setup: dict, seconds: float) -> dict:
    """The service ``scan`` from one thread per scan, on the schedule."""
    from django.db import connection

    from core.errors import ActionRefused
    from volunteering.models import Session, Volunteer
    from volunteering.services.places import scan
    from volunteering.tokens import SIGN_IN, make_token

    session = setup["session"]
    token = make_token(session, SIGN_IN)
    gate = threading.BoundedSemaphore(SURGE_CONNECTIONS)
    results: list[tuple[str, float]] = []
    lock = threading.Lock()
    plan = _schedule(len(setup["volunteers"]), seconds)
    start = time.perf_counter()

    def one(n: int, when: float):
        time.sleep(max(0.0, when - (time.perf_counter() - start)))
        began = time.perf_counter()
        with gate:
            try:
                scan(
                    Session.objects.get(pk=session.pk),
                    token,
                    Volunteer.objects.get(pk=setup["volunteers"][n]),
                    actor=setup["accounts"][n],
                )
                outcome = "signed in"
            except ActionRefused:
                outcome = "refused"
            except Exception as error:  # noqa: BLE001 - any error is the finding
                outcome = f"error: {error!r}"
            finally:
                connection.close()
        with lock:
            results.append((outcome, (time.perf_counter() - began) * 1000))

    threads = [threading.Thread(target=one, args=item) for item in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    errors = [outcome for outcome, _ms in results if outcome.startswith("error")]
    out = _summary([ms for _o, ms in results], seconds, len(errors))
    out.update(
        how="in process: volunteering.services.places.scan, one thread per scan",
        signed_in=sum(1 for o, _ms in results if o == "signed in"),
        refused=sum(1 for o, _ms in results if o == "refused"),
        first_errors=errors[:3],
    )
    return out


def _session_cookies(accounts, secret_key: str) -> list[str]:
    """A logged-in session per account, made as django.contrib.auth.login makes it, under
    the server's secret key (no 500 password checks at the door)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test.utils import override_settings

    # The backend that found the account at login (axes' only guards the password check).
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b)
    cookies = []
    with override_settings(SECRET_KEY=secret_key):
        for account in accounts:
            store = SessionStore()
            store[SESSION_KEY] = str(account.pk)
            store[BACKEND_SESSION_KEY] = backend
            store[HASH_SESSION_KEY] = account.get_session_auth_hash()
            store.create()
            cookies.append(store.session_key)
    return cookies


def _post(port: int, path: str, session_key: str) -> tuple[int, float]:
    from django.conf import settings

    csrf = secrets.token_hex(16)  # a 32-character secret: cookie and form carry it
    origin = f"https://127.0.0.1:{port}"
    body = urlencode({"csrfmiddlewaretoken": csrf})
    headers = {
        "X-Forwarded-Proto": "https",
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}",
        "Origin": origin,
        "Referer": origin + path,
    }
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, (time.perf_counter() - start) * 1000


def surge_http(setup: dict, db_url: str, seconds: float) -> dict:
    """SURGE_PEOPLE logged-in clients POSTing the scan URL on the schedule, at most
    SURGE_CLIENTS in flight, through gunicorn (2 workers × 4 threads)."""
    from django.test.utils import override_settings

    from bench.load import SERVER_ENV
    from bench.measure_marketplace import gunicorn_serving
    from volunteering.tokens import SIGN_IN, make_token

    session = setup["session"]
    secret_key = SERVER_ENV["DJANGO_SECRET_KEY"]
    with override_settings(SECRET_KEY=secret_key):  # the server's key signs the QR code
        path = _url("scan", session.pk, make_token(session, SIGN_IN))
    cookies = _session_cookies(setup["accounts"], secret_key)
    with gunicorn_serving(db_url) as port:
        plan = _schedule(len(cookies), seconds)
        results: list[tuple[int, float]] = []
        lock = threading.Lock()
        gate = threading.BoundedSemaphore(SURGE_CLIENTS)
        start = time.perf_counter()

        def one(n: int, when: float):
            time.sleep(max(0.0, when - (time.perf_counter() - start)))
            with gate:
                outcome = _post(port, path, cookies[n])
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=one, args=item) for item in plan]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - start
    statuses: dict[int, int] = {}
    for status, _ms in results:
        statuses[status] = statuses.get(status, 0) + 1
    # The view answers a scan, taken or refused, with a page or a redirect to one.
    errors = sum(n for status, n in statuses.items() if not 200 <= status < 400)
    out = _summary([ms for _s, ms in results], seconds, errors)
    out.update(
        how=f"over HTTP: gunicorn 2 workers × 4 threads, at most {SURGE_CLIENTS} requests "
        "in flight, POST of the scan URL with each person's session cookie",
        statuses={str(k): v for k, v in sorted(statuses.items())},
    )
    return out


def measure_surge(users: dict, db_url: str, tag: str, seconds: float) -> dict:
    from django.db import connections

    setup = surge_setup(users, tag)
    people = len(setup["volunteers"])
    connections.close_all()
    over_http = _url("scan", setup["session"].pk, "x") is not None
    print(
        f"  surge: {people} people + {min(SURGE_DOUBLE_TAPS, people)} double taps within "
        f"{seconds:g} s, " + ("over HTTP (gunicorn)" if over_http else "in process"),
        flush=True,
    )
    figures = surge_http(setup, db_url, seconds) if over_http else surge_in_process(setup, seconds)
    figures.update(people=people, double_taps=min(SURGE_DOUBLE_TAPS, people), within_s=seconds)
    figures.update(surge_counts(setup["session"].pk, people))
    print(
        f"  surge: {figures['requests']} scans in {figures['seconds']} s "
        f"({figures['requests_per_second']}/s), p50 {figures['p50_ms']} ms, p95 "
        f"{figures['p95_ms']} ms, {figures['errors']} errors; {figures['signed_in_rows']} "
        f"sign-ins stored, {figures['people_signed_in_twice']} twice",
        flush=True,
    )
    return figures


def measure_volunteering(users: dict, rows: dict, db_url: str) -> dict:
    from django.db import connections

    pages = measure_in_process(users, rows)
    connections.close_all()
    # Paced: a queue at the door, everybody within the minute; burst: all at once.
    pages["surge"] = measure_surge(users, db_url, "paced", SURGE_SECONDS)
    connections.close_all()
    pages["surge_burst"] = measure_surge(users, db_url, "burst", 0.0)
    return pages
