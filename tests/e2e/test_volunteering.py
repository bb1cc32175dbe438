"""公益伙伴日 end to end: an organization's leader drafts a partner-day activity and submits
it, the community's staff approve it, a volunteer signs up on a phone-sized browser, signs
in and out by the session's QR links, sees their hours and stars move, gives their real
name and ID number and downloads a certificate whose QR link verifies it — publicly, with
the name masked."""

import datetime
import re
import shutil
import subprocess  # nosec B404 - pdftotext, a fixed local program

import pytest
import time_machine
from django.utils import timezone

from tests.e2e.conftest import with_password
from tests.factories import UserFactory
from tests.partybuilding.helpers import resident_id
from tests.volunteering.test_record import attend
from volunteering.models import Activity, Place, Volunteer, VolunteerCertificate
from volunteering.services.volunteers import volunteer_for_account
from volunteering.workflows import ActivityStatus, PlaceStatus

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def test_a_partner_day_from_publishing_to_a_verified_certificate(journey, tenant):
    leader = with_password(tenant.leader)
    staff = with_password(tenant.community_staff)
    person = with_password(
        UserFactory(username="zhiyuan_wang", street=tenant.street, community=tenant.community)
    )
    # 99 hours served before: the two of today reach the first star (100 h).
    attend(tenant, volunteer_for_account(person), sessions=9, hours=11)
    starts = (timezone.localtime() + datetime.timedelta(minutes=40)).replace(
        second=0, microsecond=0
    )

    # The leader drafts the activity with its session and submits it.
    journey.login(leader.username)
    page = journey.go("/volunteer/organize/")
    page.fill("input[name=title]", "公益伙伴日·凯旋河清洁")
    page.select_option("select[name=series]", "partner_day")
    page.select_option("select[name=organizer]", f"organization:{tenant.org.pk}")
    page.select_option("select[name=community]", str(tenant.community.pk))
    page.fill("input[name=place]", "凯旋河步道入口")
    page.select_option("select[name=audience]", "everyone")
    page.fill("input[name=capacity]", "20")
    page.fill("input[name=starts_at]", starts.strftime(LOCAL_INPUT))
    page.fill("input[name=ends_at]", (starts + datetime.timedelta(hours=2)).strftime(LOCAL_INPUT))
    page.fill(
        "input[name=recruit_until]",
        (starts - datetime.timedelta(minutes=10)).strftime(LOCAL_INPUT),
    )
    journey.shot("draft")
    page.click("form[data-steps] button.primary")
    page.wait_for_load_state()
    activity = Activity.objects.get(title="公益伙伴日·凯旋河清洁")
    assert page.url.endswith(f"/volunteer/organize/{activity.pk}/")
    page.click(f"form[action$='/organize/{activity.pk}/submit/'] button")
    page.wait_for_load_state()
    journey.shot("submitted")
    journey.logout()

    # The community's staff approve and publish it.
    journey.login(staff.username)
    page = journey.go("/admin/volunteering/activity/")
    page.check(f"input[name=_selected_action][value='{activity.pk}']")
    page.select_option("select[name=action]", "approve")
    page.click("button[name=index]")
    page.wait_for_load_state()
    journey.shot("approved")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PUBLISHED
    journey.logout()

    # The leader opens the venue's QR screen (the links the codes carry).
    session = activity.sessions.get()
    journey.login(leader.username)
    page = journey.go(f"/volunteer/organize/sessions/{session.pk}/qr/")
    journey.shot("qr codes")
    sign_in_url, sign_out_url = page.locator(".qr-codes .url").all_inner_texts()
    assert "/volunteer/s/" in sign_in_url and sign_in_url != sign_out_url
    journey.logout()

    # The volunteer, on a phone, finds the activity and signs up.
    page.set_viewport_size(PHONE)
    journey.login(person.username)
    page = journey.go("/volunteer/")
    page.click(f"a[href$='/volunteer/activities/{activity.pk}/']")
    page.wait_for_load_state()
    page.click(f"form[action$='/sessions/{session.pk}/sign-up/'] button")
    page.wait_for_load_state()
    journey.shot("signed up")
    place = Place.objects.get(session=session, volunteer__account=person)
    assert place.status == PlaceStatus.CONFIRMED

    # At the venue: the sign-in code (a phone camera opens the link).
    page.goto(_on_live_server(journey, sign_in_url))
    page.click("main button.primary")
    page.wait_for_load_state()
    journey.shot("signed in")
    assert "已签到" in page.content() or "Signed in" in page.content()

    # Two hours and a little later, the sign-out code.
    with time_machine.travel(session.ends_at + datetime.timedelta(minutes=5), tick=True):
        page.goto(_on_live_server(journey, sign_out_url))
        page.click("main button.primary")
        page.wait_for_load_state()
        journey.shot("signed out")
        place.refresh_from_db()
        assert place.hours == 2

        page = journey.go("/volunteer/me/")
        html = page.content()
        assert "101" in html and "★" in html
        journey.shot("record with a star")

        # Real name and ID number, then the certificate.
        number = resident_id(datetime.date(1991, 4, 12))
        page.fill("#identity input[name=name]", "王晓华")
        page.fill("#identity input[name=id_number]", number)
        page.click("#identity button[type=submit]")
        page.wait_for_load_state()
        assert number not in page.content()  # shown masked only
        assert Volunteer.objects.get(account=person).id_number == number
        page.click("form:has(select[name=year]) button[type=submit]")
        page.wait_for_load_state()
        journey.shot("certificate issued")
        certificate = VolunteerCertificate.objects.get(volunteer__account=person)
        with page.expect_download() as download:
            page.click(f"a[href$='/certificates/{certificate.pk}/pdf/']")
        pdf = download.value.path().read_bytes()
        assert pdf.startswith(b"%PDF")
        if shutil.which("pdftotext"):
            text = subprocess.run(  # nosec B603 B607
                ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
            ).stdout.decode()
            assert certificate.number in re.sub(r"\s+", "", text)

    # Anyone scanning the certificate's QR code sees it confirmed, the name masked.
    journey.logout()
    check = certificate.snapshot["verification_url"]
    page = journey.go(check[check.index("/volunteer/") :])
    html = page.content()
    journey.shot("certificate verified")
    assert certificate.number in html and "王*华" in html
    assert "王晓华" not in html and number not in html


def _on_live_server(journey, url: str) -> str:
    """The code's link, on the test server (the codes carry the site's own address)."""
    return journey.base_url + url[url.index("/volunteer/") :]
