"""Issue 13, item 4: the grant agreement is an official record — rendered once from a
snapshot taken when staff record the signed agreement, stored with its SHA-256, never
changed by later edits; its public verification page shows the recording date and the
hash."""

import hashlib
import shutil
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.certified import AlreadyCertified, certify
from funding.agreements import agreement_freeze
from funding.models import Application, GrantAgreement
from funding.selectors import frozen_agreements_of
from incubation.models import Organization
from tests.core.test_pdf import pdf_fonts, pdf_text
from tests.funding.test_pages import running_grant

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils"),
]


@pytest.fixture
def signed(tenant):
    with time_machine.travel("2026-05-06 10:00 +0800", tick=False):
        yield running_grant(tenant)


def test_it_issues_the_agreement_when_it_is_recorded_and_freezes_it_after_commit(
    tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        app = running_grant(tenant)
    document = GrantAgreement.objects.get(application=app)
    assert document.is_frozen
    with document.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.sha256
    with pytest.raises(AlreadyCertified):
        certify(document, b"%PDF-1.4 other", filename="x.pdf")
    assert agreement_freeze(Application.objects.get(pk=app.pk)).sha256 == document.sha256


def test_it_prints_the_parties_and_project_as_recorded(signed, tenant, client, tmp_path):
    org_name = signed.organization.name
    Organization.objects.filter(pk=signed.organization_id).update(name="改名以后的服务中心")
    Application.objects.filter(pk=signed.pk).update(title="后来改过的项目名")
    client.force_login(tenant.leader)
    response = client.get(reverse("funding:agreement", args=[signed.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert org_name in text and "改名以后的服务中心" not in text
    assert "邻里守望互助计划" in text and "后来改过的项目名" not in text
    assert "12,000.00" in text and "2026年5月6日" in text
    document = GrantAgreement.objects.get(application=signed)
    assert document.verification_code in text
    assert hashlib.sha256(response.content).hexdigest() == document.sha256
    assert "CJK" in pdf_fonts(response.content, tmp_path)
    [(app, file, digest)] = frozen_agreements_of(signed.organization)
    assert app == signed and digest == document.sha256


def test_it_answers_a_page_while_the_worker_has_not_rendered(signed, tenant, client):
    client.force_login(tenant.leader)
    with mock.patch("core.certified.enqueue") as enqueue:
        response = client.get(reverse("funding:agreement", args=[signed.pk]))
    assert enqueue.called and response.status_code == 202
    assert "正在生成" in response.content.decode()


def test_the_verification_page_shows_the_recording_date_and_hash_later(signed, tenant, client):
    document = GrantAgreement.objects.get(application=signed)
    url = reverse("funding:verify_agreement", args=[document.verification_code])
    with time_machine.travel("2027-02-01 09:00 +0800", tick=False):
        client.force_login(tenant.leader)
        client.get(reverse("funding:agreement", args=[signed.pk]))  # rendered now, in 2027
        client.logout()
        body = client.get(url).content.decode()
    document.refresh_from_db()
    assert document.sha256 and document.sha256 in body
    assert "2026年5月6日" in body and "2027年2月1日" not in body
    assert "邻里守望互助计划" in body
    assert client.get(reverse("funding:verify_agreement", args=["0" * 16])).status_code == 404


def test_another_organization_gets_404_for_the_agreement(signed, outsider_tenant, client):
    client.force_login(outsider_tenant.leader)
    assert client.get(reverse("funding:agreement", args=[signed.pk])).status_code == 404


def test_the_command_freezes_agreements_recorded_before_they_were_frozen(signed):
    GrantAgreement.objects.filter(application=signed).delete()  # as after the migration
    out = mock.Mock()
    call_command("freeze_agreements", stdout=out)
    document = GrantAgreement.objects.get(application=signed)
    assert document.is_frozen
    assert timezone.localdate(document.issued_at) == signed.agreement_signed_on
    call_command("freeze_agreements", stdout=out)
    assert out.write.call_args.args[0].startswith("0 snapshot(s) taken, 0 agreement(s)")
