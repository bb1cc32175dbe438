"""The printed report: Chinese text extractable (name, total, grade), the CJK font
embedded, no missing glyphs; the verification page; the command and the batch job."""

import io
import re
import shutil
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.certified import AlreadyCertified, certify
from evaluation.jobs import KIND
from evaluation.reports import report_bytes, report_freeze, report_render
from evaluation.services.scoring import review_finalize
from jobs.models import Job
from jobs.services import job_run, job_start
from tests.core.test_pdf import notdef, pdf_fonts, pdf_text  # noqa: F401 (fixture)
from tests.evaluation.helpers import assign_all, score_all, submitted_review

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils"),
]


@pytest.fixture
def finalized(ev):
    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert", "community"])
    score_all(review, ev.evaluators["expert"], Decimal("0.9"), comment="党建引领作用突出")
    score_all(review, ev.evaluators["community"], Decimal("0.8"), comment="居民评价良好")
    return review_finalize(review=review, actor=ev.staff)


def test_the_report_has_name_total_grade_and_the_cjk_font(finalized, tmp_path, notdef):  # noqa: F811
    assert finalized.total == Decimal("860.00") and finalized.grade == "4A"
    started = time.perf_counter()
    content = report_render(finalized)
    elapsed = time.perf_counter() - started
    text = pdf_text(content, tmp_path)
    assert finalized.organization.name in text
    assert finalized.organization.uscc in text
    assert "860.00" in text
    assert "4A" in text
    assert "合格" in text
    assert "党建引领作用突出" in text
    assert finalized.verification_code in text
    assert "基础条件" in text and "居民满意度" in text
    assert "CJK" in pdf_fonts(content, tmp_path)
    assert elapsed < 10  # generous here; make bench measures the warm time


def test_the_verification_page_confirms_the_grade_and_nothing_else(finalized, client):
    page = client.get(reverse("evaluation:verify", args=[finalized.verification_code]))
    assert page.status_code == 200
    body = page.content.decode()
    assert finalized.organization.name in body and "4A" in body and "2026" in body
    # The SHA-256 and the verification code are random and may hold any digits: they are
    # taken out before looking for the total score (860).
    finalized.refresh_from_db()
    shown = body.replace(finalized.verification_code, "")
    if finalized.frozen_report.sha256:
        shown = shown.replace(finalized.frozen_report.sha256, "")
    assert not re.search(r"(?<![0-9A-Za-z])860(?![0-9A-Za-z])", shown)
    assert finalized.organization.uscc not in shown
    assert client.get(reverse("evaluation:verify", args=["NOPE1234"])).status_code == 404


def test_the_leader_downloads_the_report_stored_once(finalized, client, ev):
    client.force_login(ev.leader)
    response = client.get(reverse("evaluation:report", args=[finalized.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    finalized.refresh_from_db()
    document = finalized.frozen_report
    first = document.file.name
    assert first and document.sha256 and document.frozen_at
    report_freeze(finalized)  # asking again leaves the frozen report as it is
    document.refresh_from_db()
    assert document.file.name == first
    with pytest.raises(AlreadyCertified):
        certify(document, b"%PDF-1.4 another", filename="x.pdf")
    assert report_bytes(finalized) == response.content


def test_the_command_writes_one_pdf_per_finalized_review(finalized, tmp_path):
    out = tmp_path / "out"
    call_command("evaluation_reports", "--year", "2026", "--out", str(out))
    assert [p.name for p in out.iterdir()] == [f"{finalized.organization.uscc}-2026.pdf"]
    other = tmp_path / "other"
    call_command(
        "evaluation_reports",
        "--year",
        "2026",
        "--out",
        str(other),
        "--org",
        finalized.organization.uscc,
    )
    assert len(list(other.iterdir())) == 1


def test_the_batch_job_zips_every_report_once_and_survives_a_rerun(finalized, ev, tenant):
    job = job_start(
        kind=KIND,
        actor=ev.staff,
        street=tenant.street,
        title="reports",
        params={"cycle_id": finalized.cycle_id},
    )
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.done == job.total == 1
    with zipfile.ZipFile(io.BytesIO(job.result.read())) as archive:
        assert archive.namelist() == [f"{finalized.organization.uscc}-2026.pdf"]
    # A re-run of an interrupted job renders nothing again: the reports are frozen.
    finalized.refresh_from_db()
    stamp, digest = finalized.frozen_report.frozen_at, finalized.frozen_report.sha256
    Job.objects.filter(pk=job.pk).update(status="running")
    job_run(job.pk)
    finalized.refresh_from_db()
    assert (finalized.frozen_report.frozen_at, finalized.frozen_report.sha256) == (stamp, digest)
