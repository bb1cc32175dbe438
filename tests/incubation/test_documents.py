"""The document archive: versions per kind, files checked by their content, who may upload
and download (another organization's documents are a 404), the portal page, the admin,
and the expiry reminders (60 and 14 days ahead, then expired — each once)."""

import datetime
import hashlib
import io
import zipfile
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from core.errors import ActionRefused
from incubation import reminders
from incubation.choices import DocumentKind
from incubation.models import OrganizationDocument
from incubation.selectors import current_documents, document_history
from incubation.services.documents import document_upload
from incubation.tasks import send_reminders
from incubation.workflows import Stage
from notifications.models import Notification
from tests.factories import UserFactory

TODAY = date(2026, 11, 28)
SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n%kaiyihui certificate\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def pdf(name="登记证书.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def ooxml(name: str, part: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(tenant, kind=DocumentKind.REGISTRATION_CERTIFICATE, *, actor=None, **fields):
    fields.setdefault("file", pdf())
    return document_upload(
        organization=tenant.org,
        kind=kind,
        expires_on=fields.pop("expires_on", None),
        actor=actor or tenant.street_admin,
        **fields,
    )


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 8, tzinfo=SHANGHAI), tick=False) as t:
        yield t


def go_to(clock, day: date):
    clock.move_to(datetime.datetime(day.year, day.month, day.day, 8, tzinfo=SHANGHAI))


# --- Versions ---------------------------------------------------------------------------------


def test_it_numbers_versions_per_kind_and_keeps_the_superseded_ones(tenant):
    first = upload(tenant, expires_on=date(2027, 1, 1))
    articles = upload(tenant, DocumentKind.ARTICLES, file=pdf("章程.pdf"))
    second = upload(tenant, file=pdf("登记证书-换发.pdf", PDF + b"renewed"))

    first.refresh_from_db()
    assert (first.version, second.version, articles.version) == (1, 2, 1)
    assert first.superseded_at is not None and not first.is_current
    assert second.is_current and articles.is_current
    assert list(current_documents(tenant.org)) == [articles, second]
    assert list(document_history(tenant.org, DocumentKind.REGISTRATION_CERTIFICATE)) == [
        second,
        first,
    ]
    # The superseded file is still there, unchanged.
    with first.file.open("rb") as handle:
        assert handle.read() == PDF


def test_it_records_the_file_s_hash_type_size_and_name(tenant):
    document = upload(tenant, title="社会团体法人登记证书", valid_from=date(2022, 1, 1))

    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    assert document.original_name == "登记证书.pdf"
    assert document.title == "社会团体法人登记证书"
    assert document.uploaded_by == tenant.street_admin
    # The stored name is generated; the client's name never reaches the storage.
    assert "登记证书" not in document.file.name


def test_it_names_the_kind_when_no_title_is_given(tenant):
    assert upload(tenant, DocumentKind.AUDIT_REPORT).title == "年度审计报告"


@pytest.mark.parametrize(
    ("file", "content_type"),
    [
        (SimpleUploadedFile("scan.png", PNG), "image/png"),
        (
            ooxml("章程.docx", "word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            ooxml("审计.xlsx", "xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_it_accepts_images_word_and_excel_by_their_content(tenant, file, content_type):
    assert upload(tenant, file=file).content_type == content_type


@pytest.mark.parametrize(
    "file",
    [
        SimpleUploadedFile("证书.pdf", b"MZ\x90\x00 not a pdf at all"),  # a program renamed
        SimpleUploadedFile("章程.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 32),
        ooxml("汇报.pptx", "ppt/presentation.xml"),
    ],
)
def test_it_refuses_other_content_whatever_the_name(tenant, file):
    with pytest.raises(ValidationError) as refused:
        upload(tenant, file=file)

    assert file.name in " ".join(refused.value.messages)
    assert not OrganizationDocument.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(tenant, monkeypatch):
    monkeypatch.setattr("core.uploads.ATTACHMENT_MAX_BYTES", len(PDF) - 1)

    with pytest.raises(ValidationError, match="登记证书.pdf"):
        upload(tenant)


def test_it_refuses_an_expiry_before_the_start(tenant):
    with pytest.raises(ActionRefused):
        upload(tenant, valid_from=date(2026, 1, 1), expires_on=date(2025, 12, 31))


@pytest.mark.parametrize("role", ["street_admin", "community_staff", "leader"])
def test_it_lets_street_staff_community_staff_and_the_leader_upload(tenant, role):
    assert upload(tenant, actor=getattr(tenant, role)).uploaded_by == getattr(tenant, role)


def test_it_refuses_everyone_else(tenant, outsider_tenant):
    other_staff = UserFactory(
        role=Role.COMMUNITY_STAFF, street=tenant.street, community=tenant.other_community
    )
    other_leader = UserFactory(role=Role.ORG_LEADER, street=tenant.street)
    tenant.other_org.leader_accounts.add(other_leader)
    for actor in (
        other_staff,
        other_leader,
        tenant.evaluator,
        tenant.party_worker,
        outsider_tenant.street_admin,
        outsider_tenant.leader,
    ):
        with pytest.raises(ActionRefused):
            upload(tenant, actor=actor)
    assert not OrganizationDocument.objects.exists()


# --- Portal page and download ----------------------------------------------------------------


def test_the_leader_lists_and_uploads_new_versions_in_the_portal(client, tenant):
    upload(tenant, expires_on=date(2027, 1, 1))
    client.force_login(tenant.leader)
    url = reverse("incubation:documents", args=[tenant.org.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "登记证书.pdf" in page.content.decode()

    response = client.post(
        url,
        {
            "kind": DocumentKind.REGISTRATION_CERTIFICATE,
            "file": pdf("换发证书.pdf", PDF + b"2"),
            "expires_on": "2031-11-30",
        },
    )
    assert response.status_code == 302
    current = current_documents(tenant.org).get()
    assert (current.version, current.original_name) == (2, "换发证书.pdf")
    assert current.expires_on == date(2031, 11, 30)
    assert current.uploaded_by == tenant.leader


def test_the_portal_shows_why_a_file_was_refused(client, tenant):
    client.force_login(tenant.leader)
    response = client.post(
        reverse("incubation:documents", args=[tenant.org.pk]),
        {"kind": DocumentKind.ARTICLES, "file": SimpleUploadedFile("章程.pdf", b"not a pdf")},
    )
    assert response.status_code == 200
    assert "章程.pdf" in str(response.context["form"].errors["file"])
    assert not OrganizationDocument.objects.exists()


def test_it_downloads_a_version_with_its_name_and_type(client, tenant):
    document = upload(tenant)
    client.force_login(tenant.community_staff)

    response = client.get(reverse("incubation:document_download", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]


def test_another_organization_s_documents_are_a_404(client, tenant, outsider_tenant):
    document = upload(tenant)
    other_staff = UserFactory(
        role=Role.COMMUNITY_STAFF, street=tenant.street, community=tenant.other_community
    )
    for user in (
        outsider_tenant.leader,
        outsider_tenant.street_admin,
        outsider_tenant.community_staff,
        other_staff,
        tenant.evaluator,
        tenant.party_worker,
    ):
        client.force_login(user)
        page = reverse("incubation:documents", args=[tenant.org.pk])
        download = reverse("incubation:document_download", args=[document.pk])
        assert client.get(page).status_code == 404, user
        assert client.post(page, {"kind": "articles", "file": pdf()}).status_code == 404, user
        assert client.get(download).status_code == 404, user
    assert OrganizationDocument.objects.count() == 1


def test_a_party_worker_who_covers_the_organization_still_gets_404(client, tenant):
    """Party workers see the organizations they cover, but not their certificates."""
    from tests.partybuilding.pb_helpers import instruct, party_org

    committee = party_org(tenant.street, "a街道党委", kind="committee")
    instruct(tenant.org, committee, account=tenant.party_worker)
    document = upload(tenant)
    client.force_login(tenant.party_worker)

    assert client.get(reverse("incubation:documents", args=[tenant.org.pk])).status_code == 404
    assert (
        client.get(reverse("incubation:document_download", args=[document.pk])).status_code == 404
    )


def test_the_document_list_takes_the_same_queries_however_many_rows(client, tenant, count_queries):
    client.force_login(tenant.leader)
    url = reverse("incubation:documents", args=[tenant.org.pk])
    upload(tenant)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for kind in DocumentKind.values:
        for _ in range(3):
            upload(tenant, kind, actor=tenant.community_staff)
    with count_queries() as many:
        page = client.get(url)
    assert page.content.decode().count("/download/") == 16
    assert many.count == few.count, many.dump()


def test_the_organization_page_links_to_the_documents(client, tenant):
    client.force_login(tenant.leader)
    page = client.get(reverse("incubation:organization", args=[tenant.org.pk]))
    assert reverse("incubation:documents", args=[tenant.org.pk]) in page.content.decode()


# --- Admin ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["street_admin", "community_staff"])
def test_staff_see_the_archive_on_the_organization_s_admin_page(client, tenant, role):
    upload(tenant)
    client.force_login(getattr(tenant, role))

    page = client.get(reverse("admin:incubation_organization_change", args=[tenant.org.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "登记证书.pdf" in html
    assert reverse("incubation:documents", args=[tenant.org.pk]) in html
    assert reverse("dossier_start", args=[tenant.org.pk]) in html


def test_the_document_admin_lists_only_the_user_s_area(client, tenant, outsider_tenant):
    upload(tenant)
    client.force_login(outsider_tenant.street_admin)
    page = client.get(reverse("admin:incubation_organizationdocument_changelist"))
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == []

    client.force_login(tenant.community_staff)
    page = client.get(reverse("admin:incubation_organizationdocument_changelist"))
    assert [d.original_name for d in page.context["cl"].result_list] == ["登记证书.pdf"]


# --- Expiry reminders -------------------------------------------------------------------------


@pytest.fixture
def people(tenant, clock):
    tenant.leader.email = "leader@example.org"
    tenant.leader.save()
    tenant.community_staff.email = "staff@example.org"
    tenant.community_staff.save()
    return tenant


def sent(**filters):
    return Notification.objects.filter(kind="document_expiring", **filters)


def test_it_reminds_60_and_14_days_ahead_and_once_expired_each_once(people, clock):
    expires = TODAY + timedelta(days=60)
    document = upload(people, expires_on=expires)

    assert reminders.send_document_expiry_reminders() == 2
    assert {n.recipient for n in sent()} == {people.leader, people.community_staff}
    assert reminders.send_document_expiry_reminders() == 0

    go_to(clock, expires - timedelta(days=30))
    assert reminders.send_document_expiry_reminders() == 0  # still the 60-day window

    go_to(clock, expires - timedelta(days=14))
    assert reminders.send_document_expiry_reminders() == 2
    assert reminders.send_document_expiry_reminders() == 0

    go_to(clock, expires)
    assert reminders.send_document_expiry_reminders() == 0  # expires today: still valid

    go_to(clock, expires + timedelta(days=1))
    assert reminders.send_document_expiry_reminders() == 2
    go_to(clock, expires + timedelta(days=30))
    assert reminders.send_document_expiry_reminders() == 0

    keys = sorted(n.key for n in sent(recipient=people.leader))
    assert keys == [f"document:{document.pk}:{w}" for w in ("14d", "60d", "expired")]
    expired = sent(key=f"document:{document.pk}:expired", recipient=people.leader).get()
    assert expired.title == f"{people.org.name}的登记证书已过期"
    assert expired.url == reverse("incubation:documents", args=[people.org.pk])


def test_a_renewed_certificate_stops_the_old_one_s_reminders(people, clock):
    upload(people, expires_on=TODAY + timedelta(days=10))
    upload(people, expires_on=TODAY + timedelta(days=5 * 365))

    assert reminders.send_document_expiry_reminders() == 0


def test_it_sends_nothing_for_organizations_that_left_or_documents_without_expiry(people, clock):
    upload(people, DocumentKind.ARTICLES)
    people.org.stage = Stage.DEREGISTERED
    people.org.save()
    upload(people, expires_on=TODAY - timedelta(days=3))

    assert reminders.send_document_expiry_reminders() == 0


def test_the_daily_task_sends_the_expiry_reminders(people, clock):
    upload(people, expires_on=TODAY + timedelta(days=14))

    assert send_reminders()["document_expiry"] == 2
    assert sent().first().title == f"{people.org.name}的登记证书将在 14 天后到期"
