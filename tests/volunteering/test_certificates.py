"""志愿服务证明: issued by the street's hub from what it recorded, frozen as a PDF with the
fields of 民政部令第67号 (the ID number masked), downloadable by its volunteer and the
staff who see them, and confirmed by a public page with the name masked."""

import datetime
import hashlib
import re
import shutil
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from core.errors import ActionRefused
from core.identifiers import mask_id_number, mask_name
from tests.core.test_pdf import pdf_text
from tests.partybuilding.helpers import resident_id
from tests.volunteering.helpers import make_volunteer
from tests.volunteering.test_record import attend
from volunteering.choices import Series
from volunteering.models import Volunteer, VolunteerCertificate
from volunteering.services.certificates import certificate_issue

pytestmark = pytest.mark.django_db
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")

FULL_NAME = "王小华"


def volunteer_with_hours(tenant, username="v1", *, id_number=True):
    user, volunteer = make_volunteer(tenant, username)
    Volunteer.objects.filter(pk=volunteer.pk).update(
        name=FULL_NAME, id_number=resident_id(datetime.date(1990, 5, 17)) if id_number else ""
    )
    attend(tenant, volunteer, sessions=2, hours=3)
    volunteer.refresh_from_db()
    return user, volunteer


def issue(volunteer, actor, capture, **kwargs):
    with capture(execute=True):
        return certificate_issue(volunteer, actor=actor, **kwargs)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("王小华", "王*华"), ("王华", "王*"), ("欧阳小华", "欧**华"), ("王", "*"), ("", "")],
)
def test_mask_name(raw, masked):
    assert mask_name(raw) == masked


def test_it_refuses_without_an_id_number_or_without_hours(tenant):
    user, volunteer = volunteer_with_hours(tenant, id_number=False)
    with pytest.raises(ActionRefused, match="补充身份证号后再开具"):
        certificate_issue(volunteer, actor=user)
    _other_user, idle = make_volunteer(tenant, "v2")
    Volunteer.objects.filter(pk=idle.pk).update(id_number=resident_id(datetime.date(1980, 1, 2)))
    idle.refresh_from_db()
    with pytest.raises(ActionRefused, match="尚无志愿服务时长"):
        certificate_issue(idle, actor=_other_user)
    Volunteer.objects.filter(pk=volunteer.pk).update(id_number=idle.id_number)
    with pytest.raises(ActionRefused, match="2001"):
        certificate_issue(volunteer, actor=user, year=2001)
    assert not VolunteerCertificate.objects.exists()


def test_it_issues_the_fields_of_the_national_rule(
    tenant, settings, django_capture_on_commit_callbacks
):
    settings.HUB_PERSONS_IN_CHARGE = {tenant.street.code: "李负责"}
    user, volunteer = volunteer_with_hours(tenant)
    certificate = issue(volunteer, user, django_capture_on_commit_callbacks)
    certificate.refresh_from_db()
    today = timezone.localdate()
    assert certificate.number == f"KYH-V-{today.year}-{certificate.pk:06d}"
    assert certificate.is_frozen and certificate.issued_by == user
    snapshot = certificate.snapshot
    assert snapshot["volunteer"] == {
        "name": FULL_NAME,
        "id_number_masked": mask_id_number(volunteer.id_number),
    }
    assert volunteer.id_number not in str(snapshot)
    assert (snapshot["hours"], snapshot["activities"]) == ("6", 2)
    with override("zh-hans"):
        series = str(Series.PARTNER_DAY.label)
    assert snapshot["content"] == [{"series": series, "activities": 2, "hours": "6"}]
    assert snapshot["issuer"] == {
        "name": f"{tenant.street.name}凯益荟",
        "street": tenant.street.name,
        "person_in_charge": "李负责",
    }
    assert snapshot["number"] == certificate.number
    assert snapshot["issued_on"] == today.isoformat()
    assert snapshot["verification_url"].endswith(
        reverse("volunteering:certificate_check", args=[certificate.verification_code])
    )
    # Asking again the same day for the same hours gives the same certificate.
    again = issue(volunteer, user, django_capture_on_commit_callbacks)
    assert again.pk == certificate.pk and VolunteerCertificate.objects.count() == 1


@needs_pdftotext
def test_the_pdf_prints_the_masked_id_and_never_the_full_one(
    tenant, client, tmp_path, django_capture_on_commit_callbacks
):
    user, volunteer = volunteer_with_hours(tenant)
    certificate = issue(volunteer, user, django_capture_on_commit_callbacks)
    client.force_login(user)
    response = client.get(reverse("volunteering:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    certificate.refresh_from_db()
    assert hashlib.sha256(response.content).hexdigest() == certificate.sha256
    text = re.sub(r"\s+", "", pdf_text(response.content, tmp_path))
    assert mask_id_number(volunteer.id_number) in text
    assert volunteer.id_number not in text
    assert volunteer.id_number[6:14] not in text  # not even the birth date
    for printed in (FULL_NAME, certificate.number, f"{tenant.street.name}凯益荟", "志愿服务证明"):
        assert printed in text, printed


def test_the_check_page_shows_the_masked_name_only(
    tenant, client, django_capture_on_commit_callbacks
):
    user, volunteer = volunteer_with_hours(tenant)
    certificate = issue(volunteer, user, django_capture_on_commit_callbacks)
    certificate.refresh_from_db()
    client.logout()
    response = client.get(
        reverse("volunteering:certificate_check", args=[certificate.verification_code.lower()])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "王*华" in page and FULL_NAME not in page
    assert volunteer.id_number not in page and mask_id_number(volunteer.id_number) not in page
    for shown in (certificate.number, certificate.sha256, f"{tenant.street.name}凯益荟"):
        assert shown in page
    assert volunteer.phone not in page or not volunteer.phone
    assert "公益伙伴日·社区环境清洁" not in page  # no activities
    unknown = reverse("volunteering:certificate_check", args=["0000000000000000"])
    assert client.get(unknown).status_code == 404


def test_another_volunteers_certificate_is_404(
    tenant, outsider_tenant, client, django_capture_on_commit_callbacks
):
    user, volunteer = volunteer_with_hours(tenant)
    certificate = issue(volunteer, user, django_capture_on_commit_callbacks)
    url = reverse("volunteering:certificate_pdf", args=[certificate.pk])
    other_user, _other = make_volunteer(tenant, "v2")
    for stranger in (other_user, outsider_tenant.street_admin, tenant.leader):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    for staff in (tenant.street_admin, tenant.community_staff):
        client.force_login(staff)
        assert client.get(url).status_code == 200
    missing = reverse("volunteering:certificate_pdf", args=[certificate.pk + 1000])
    assert client.get(missing).status_code == 404


def test_a_volunteer_issues_their_own_from_the_record_page(
    tenant, client, django_capture_on_commit_callbacks
):
    user, volunteer = volunteer_with_hours(tenant)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("volunteering:my_record"), {"year": ""})
    assert response.status_code == 302
    certificate = VolunteerCertificate.objects.get(volunteer=volunteer)
    page = client.get(reverse("volunteering:my_record")).content.decode()
    assert certificate.number in page
    assert reverse("volunteering:certificate_pdf", args=[certificate.pk]) in page


def test_staff_issue_from_the_staff_record_page_and_others_get_404(
    tenant, client, django_capture_on_commit_callbacks
):
    _user, volunteer = volunteer_with_hours(tenant)
    url = reverse("volunteering:volunteer_record", args=[volunteer.pk])
    client.force_login(tenant.leader)
    assert client.post(url).status_code == 404
    client.force_login(tenant.community_staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"year": str(timezone.localdate().year)}).status_code == 302
    certificate = VolunteerCertificate.objects.get(volunteer=volunteer)
    assert certificate.issued_by == tenant.community_staff
    assert certificate.snapshot["year"] == timezone.localdate().year


def test_a_refusal_on_the_page_issues_nothing(tenant, client):
    user, _volunteer = volunteer_with_hours(tenant, id_number=False)
    client.force_login(user)
    response = client.post(reverse("volunteering:my_record"), follow=True)
    assert "补充身份证号后再开具" in response.content.decode()
    assert not VolunteerCertificate.objects.exists()
    assert Decimal(response.context["volunteer"].hours_total) == Decimal("6")
