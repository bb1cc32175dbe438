"""Issue 13, item 4: a finalized review's report is an official record, frozen at
finalization. Later edits of the organization never reach it, downloads serve the stored
bytes (whose SHA-256 is the one recorded), and the public verification page shows the
finalization date and the hash — never today's date."""

import hashlib
import shutil
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from core.certified import CertifiedFileAltered, certified_bytes
from evaluation.models import Review, ReviewReport
from evaluation.reports import report_bytes
from evaluation.selectors import frozen_reports_of
from evaluation.services.scoring import review_finalize
from incubation.models import Organization
from tests.core.test_pdf import pdf_text
from tests.evaluation.helpers import assign_all, score_all, submitted_review

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils"),
]

OLD_NAME = "凯益测试服务社"
NEW_NAME = "改名以后的服务中心"


def _scored(ev):
    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert", "community"])
    score_all(review, ev.evaluators["expert"], Decimal("0.9"))
    score_all(review, ev.evaluators["community"], Decimal("0.8"))
    return review


def _rename(org):
    # What a leader's later edit of the registry does to the organization's row.
    Organization.objects.filter(pk=org.pk).update(name=NEW_NAME, leader_name="新负责人")


def test_it_freezes_the_report_after_the_finalizing_commit(ev, django_capture_on_commit_callbacks):
    review = _scored(ev)
    with django_capture_on_commit_callbacks(execute=True):
        review = review_finalize(review=review, actor=ev.staff)
    document = ReviewReport.objects.get(review=review)
    assert document.is_frozen and document.verification_code == review.verification_code
    assert document.issued_at == review.finalized_at
    with document.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.sha256
    assert ReviewReport.objects.filter(sha256=document.sha256).count() == 1


def test_it_prints_the_organization_as_it_was_when_finalized(
    ev, client, tmp_path, django_capture_on_commit_callbacks
):
    review = _scored(ev)
    leader_then = review.organization.leader_name
    with django_capture_on_commit_callbacks(execute=True):
        review = review_finalize(review=review, actor=ev.staff)
    _rename(review.organization)
    client.force_login(ev.leader)
    response = client.get(reverse("evaluation:report", args=[review.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert OLD_NAME in text and NEW_NAME not in text
    assert leader_then in text and "新负责人" not in text
    review.refresh_from_db()
    assert hashlib.sha256(response.content).hexdigest() == review.frozen_report.sha256


def test_it_renders_the_snapshot_even_when_the_render_comes_after_an_edit(ev, client, tmp_path):
    # The render after commit has not run yet (a busy worker); the leader edits the
    # organization meanwhile. The first download must still print the finalized data.
    review = review_finalize(review=_scored(ev), actor=ev.staff)
    _rename(review.organization)
    client.force_login(ev.leader)
    response = client.get(reverse("evaluation:report", args=[review.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert OLD_NAME in text and NEW_NAME not in text
    assert "2026年11月20日" in text  # the report date is the finalization date


def test_it_answers_a_page_instead_of_rendering_while_the_worker_has_not(ev, client):
    review = review_finalize(review=_scored(ev), actor=ev.staff)
    client.force_login(ev.leader)
    with mock.patch("core.certified.enqueue") as enqueue:
        response = client.get(reverse("evaluation:report", args=[review.pk]))
    assert enqueue.called
    assert response.status_code == 202
    assert "正在生成" in response.content.decode()
    assert not ReviewReport.objects.get(review=review).is_frozen


def test_it_shows_the_finalization_date_and_the_hash_later(ev, client):
    review = review_finalize(review=_scored(ev), actor=ev.staff)
    url = reverse("evaluation:verify", args=[review.verification_code])
    with time_machine.travel("2027-03-05 09:00 +0800", tick=False):
        pending = client.get(url).content.decode()
        assert "2026年11月20日" in pending and "2027年3月5日" not in pending
        client.force_login(ev.leader)
        client.get(reverse("evaluation:report", args=[review.pk]))  # rendered now, in 2027
        client.logout()
        _rename(review.organization)
        body = client.get(url).content.decode()
    digest = ReviewReport.objects.get(review=review).sha256
    assert digest in body
    assert "2026年11月20日" in body and "2027年3月5日" not in body
    assert OLD_NAME in body and NEW_NAME not in body


def test_it_refuses_a_stored_file_changed_behind_its_back(ev):
    review = review_finalize(review=_scored(ev), actor=ev.staff)
    call_command("freeze_reports", stdout=mock.Mock())
    document = ReviewReport.objects.get(review=review)
    with open(document.file.path, "ab") as handle:
        handle.write(b"%tampered")
    with pytest.raises(CertifiedFileAltered):
        certified_bytes(document)


def test_the_command_freezes_reviews_finalized_before_reports_were_frozen(ev):
    review = review_finalize(review=_scored(ev), actor=ev.staff)
    ReviewReport.objects.filter(review=review).delete()  # as after the migration
    review = Review.objects.get(pk=review.pk)
    assert report_bytes(review) is None
    out = mock.Mock()
    call_command("freeze_reports", stdout=out)
    document = ReviewReport.objects.get(review=review)
    assert document.is_frozen and document.issued_at == review.finalized_at
    call_command("freeze_reports", stdout=out)  # nothing left to do
    assert ReviewReport.objects.get(review=review).sha256 == document.sha256
    assert out.write.call_args.args[0].startswith("0 snapshot(s) taken, 0 report(s)")


def test_the_archive_selector_lists_frozen_reports_with_their_hash(ev):
    review = review_finalize(review=_scored(ev), actor=ev.staff)
    assert frozen_reports_of(review.organization) == []  # issued, not rendered yet
    call_command("freeze_reports", stdout=mock.Mock())
    [(found, file, digest)] = frozen_reports_of(review.organization)
    assert found == review and digest == found.frozen_report.sha256
    with file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == digest
