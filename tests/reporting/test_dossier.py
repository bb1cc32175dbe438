"""The audit dossier of one organization: a background job started by street staff or the
organization's community staff, whose zip holds CSV files, the stored documents and
frozen reports, and a manifest whose SHA-256 hashes match every file in it."""

import csv
import datetime
import hashlib
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.errors import ActionRefused
from evaluation.models import Review
from funding.services.delivery import tranche_pay
from incubation import services
from incubation.choices import DocumentKind
from incubation.services.documents import document_upload
from jobs.models import Job, JobStatus
from jobs.services import job_run
from reporting.dossier import KIND, SECTIONS, csv_cell, dossier_start, safe_name
from tests.evaluation.helpers import make_cycle
from tests.factories import UserFactory
from tests.funding.test_pages import running_grant
from tests.partybuilding.pb_helpers import cover, instruct, party_org

PDF = b"%PDF-1.4\n%certificate v1\n"
PDF2 = b"%PDF-1.4\n%certificate v2, renewed\n"
REPORT = b"%PDF-1.7\n%frozen evaluation report\n"


@pytest.fixture
def org_with_records(tenant, monkeypatch):
    """a's organization with two certificate versions and its articles, a stage change, a
    running grant with tranches, party coverage and an instructor, and a review whose
    frozen report is stored with its hash."""
    org = tenant.org
    for name, content in (("登记证书.pdf", PDF), ("登记证书-换发.pdf", PDF2)):
        document_upload(
            organization=org,
            kind=DocumentKind.REGISTRATION_CERTIFICATE,
            file=SimpleUploadedFile(name, content),
            expires_on=datetime.date(2030, 1, 1),
            actor=tenant.community_staff,
        )
    document_upload(
        organization=org,
        kind=DocumentKind.ARTICLES,
        file=SimpleUploadedFile("=章程.pdf", PDF),
        actor=tenant.leader,
    )
    services.organization_update(organization=org, actor=tenant.street_admin, address="凯旋路1号")
    grant = running_grant(tenant)
    # Tranches are created in bulk (no audit row); paying one is a change on record.
    tranche_pay(
        tranche=grant.tranches.order_by("pk").first(),
        paid_on=timezone.localdate(),
        reference="ZF-2026-001",
        actor=tenant.street_admin,
    )
    committee = party_org(tenant.street, "a街道党委", kind="committee")
    branch = party_org(tenant.street, "a邻里互助会党支部", community=tenant.community)
    cover(branch, org, liaison="李联络", ended_on=datetime.date(2026, 3, 1))
    instruct(org, committee, phone="13912345678")
    review = Review.objects.create(cycle=make_cycle(tenant.street), organization=org)
    stored = ContentFile(REPORT, name="report.pdf")
    monkeypatch.setattr(
        "evaluation.selectors.frozen_reports_of",
        lambda o: [(review, stored, hashlib.sha256(REPORT).hexdigest())] if o == org else [],
    )
    return org


def run(tenant, org, actor=None) -> Job:
    job = dossier_start(organization=org, actor=actor or tenant.street_admin)
    job = job_run(job.pk)
    assert job.status == JobStatus.DONE, job.message
    return job


def unzip(job) -> zipfile.ZipFile:
    with job.result.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def rows(archive, name) -> list[list[str]]:
    data = archive.read(name)
    assert data.startswith(b"\xef\xbb\xbf"), f"{name} has no BOM for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# --- The zip ----------------------------------------------------------------------------------


def test_it_writes_a_manifest_whose_hashes_match_every_file(tenant, org_with_records):
    archive = unzip(run(tenant, org_with_records))
    manifest = json.loads(archive.read("manifest.json"))
    names = set(archive.namelist())

    listed = {entry["path"] for entry in manifest["files"]}
    assert names == listed | {"manifest.json", "MANIFEST.sha256"}
    for entry in manifest["files"]:
        content = archive.read(entry["path"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], entry["path"]
        assert len(content) == entry["size"], entry["path"]

    # sha256sum -c format: every file but itself, manifest.json included.
    lines = archive.read("MANIFEST.sha256").decode().splitlines()
    checked = {}
    for line in lines:
        digest, path = line.split("  ", 1)
        checked[path] = digest
    assert set(checked) == names - {"MANIFEST.sha256"}
    for path, digest in checked.items():
        assert hashlib.sha256(archive.read(path)).hexdigest() == digest, path
    assert manifest["notes"] == []
    assert manifest["organization"]["name"] == org_with_records.name


def test_it_holds_every_document_version_byte_for_byte(tenant, org_with_records):
    archive = unzip(run(tenant, org_with_records))

    assert archive.read("documents/registration_certificate/v1-登记证书.pdf") == PDF
    assert archive.read("documents/registration_certificate/v2-登记证书-换发.pdf") == PDF2
    table = rows(archive, "documents.csv")
    assert len(table) == 4  # header + 3 versions
    assert all(row[-1] == "一致" for row in table[1:])
    by_name = {row[4]: row for row in table[1:]}
    # A cell Excel would run as a formula stays text.
    assert "'=章程.pdf" in by_name


def test_it_holds_the_frozen_reports_and_the_other_sections(tenant, org_with_records):
    archive = unzip(run(tenant, org_with_records))
    review = Review.objects.get(organization=org_with_records)

    assert archive.read(f"reviews/2026-{review.verification_code}.pdf") == REPORT
    assert rows(archive, "reviews.csv")[1][0] == "2026"
    grants = rows(archive, "grants.csv")
    assert len(grants) == 2 and "12000.00" in grants[1]
    assert len(rows(archive, "grant_tranches.csv")) > 1
    coverage = rows(archive, "party_coverage.csv")
    assert coverage[1][:2] == ["a邻里互助会党支部", "李联络"]
    instructors = rows(archive, "party_instructors.csv")
    assert "13912345678" not in instructors[1] and instructors[1][0] == "王指导"
    timeline = rows(archive, "timeline.csv")
    assert len(timeline) > 1
    organization = {row[1]: row[2] for row in rows(archive, "organization.csv")[1:]}
    assert organization["address"] == "凯旋路1号"


def test_the_audit_section_covers_the_organization_and_its_rows(tenant, org_with_records):
    archive = unzip(run(tenant, org_with_records))
    audit = rows(archive, "audit_log.csv")[1:]
    objects = {row[4] for row in audit}

    assert {
        "incubation.organization",
        "incubation.organizationdocument",
        "funding.application",
        "funding.tranche",
        "partybuilding.partycoverage",
        "partybuilding.instructorassignment",
        "evaluation.review",
    } <= objects
    # Nothing about another organization.
    other = {str(tenant.other_org.pk)}
    assert not [r for r in audit if r[4] == "incubation.organization" and r[5] in other]


def test_it_reports_progress_per_section(tenant, org_with_records):
    job = run(tenant, org_with_records)

    assert job.kind == KIND
    assert (job.done, job.total, job.percent) == (len(SECTIONS), len(SECTIONS), 100)
    assert job.street == tenant.street
    assert job.result.name.endswith(".zip")


def test_a_stored_file_that_changed_is_named_in_the_manifest(tenant, org_with_records):
    document = org_with_records.documents.get(kind="articles")
    with document.file.open("wb") as handle:
        handle.write(b"%PDF-1.4\n%tampered\n")

    manifest = json.loads(unzip(run(tenant, org_with_records)).read("manifest.json"))

    assert len(manifest["notes"]) == 1 and "不一致" in manifest["notes"][0]


def test_it_runs_again_after_a_killed_worker(tenant, org_with_records):
    job = dossier_start(organization=org_with_records, actor=tenant.street_admin)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=3, total=7)

    job = job_run(job.pk)

    assert job.status == JobStatus.DONE
    assert "manifest.json" in unzip(job).namelist()


# --- Who may start it -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["street_admin", "community_staff"])
def test_staff_start_it_with_one_click_and_follow_the_job(
    client, tenant, role, django_capture_on_commit_callbacks
):
    client.force_login(getattr(tenant, role))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dossier_start", args=[tenant.org.pk]))

    job = Job.objects.get(kind=KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert client.get(response["Location"]).status_code == 200
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert (
        "manifest.json"
        in zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    )


def test_everyone_else_gets_404_and_no_job(client, tenant, outsider_tenant):
    other_staff = UserFactory(
        role=Role.COMMUNITY_STAFF, street=tenant.street, community=tenant.other_community
    )
    url = reverse("dossier_start", args=[tenant.org.pk])
    for user in (
        tenant.leader,
        tenant.evaluator,
        tenant.party_worker,
        other_staff,
        outsider_tenant.street_admin,
        outsider_tenant.community_staff,
        outsider_tenant.leader,
    ):
        client.force_login(user)
        assert client.post(url).status_code == 404, user
    client.force_login(tenant.street_admin)
    assert client.get(url).status_code == 405
    assert client.post(reverse("dossier_start", args=[2_000_000_000])).status_code == 404
    assert not Job.objects.filter(kind=KIND).exists()


def test_the_service_refuses_the_leader(tenant):
    with pytest.raises(ActionRefused):
        dossier_start(organization=tenant.org, actor=tenant.leader)


def test_the_job_of_community_staff_is_theirs_and_their_street_admins(
    client, tenant, org_with_records
):
    job = run(tenant, org_with_records, actor=tenant.community_staff)
    other_staff = UserFactory(
        role=Role.COMMUNITY_STAFF, street=tenant.street, community=tenant.other_community
    )
    download = reverse("jobs:download", args=[job.pk])
    for user, status in ((tenant.community_staff, 200), (tenant.street_admin, 200)):
        client.force_login(user)
        assert client.get(download).status_code == status
    for user in (other_staff, tenant.leader):
        client.force_login(user)
        assert client.get(download).status_code == 404


def test_the_button_shows_for_staff_only(client, tenant):
    page = reverse("incubation:documents", args=[tenant.org.pk])
    button = reverse("dossier_start", args=[tenant.org.pk])
    client.force_login(tenant.community_staff)
    assert button in client.get(page).content.decode()
    client.force_login(tenant.leader)
    assert button not in client.get(page).content.decode()


def test_a_job_whose_starter_lost_the_right_fails(tenant):
    job = dossier_start(organization=tenant.org, actor=tenant.community_staff)
    tenant.community_staff.community = tenant.other_community
    tenant.community_staff.save()

    with pytest.raises(PermissionError):
        job_run(job.pk)
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED


# --- Cells and names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("@cmd", "'@cmd"),
        ("-5", "-5"),
        (Decimal("12000.00"), "12000.00"),
        (datetime.date(2026, 3, 1), "2026-03-01"),
        (None, ""),
        ({"b": 1, "a": "甲"}, '{"a": "甲", "b": 1}'),
    ],
)
def test_csv_cells_stay_what_they_are(value, cell):
    assert csv_cell(value) == cell


def test_file_names_in_the_zip_have_no_folders(tenant):
    unpacked = safe_name("../../etc/passwd")
    assert "/" not in unpacked and not unpacked.startswith(".")
    assert safe_name("章程:2026?.pdf") == "章程_2026_.pdf"
    assert safe_name("") == "file"
