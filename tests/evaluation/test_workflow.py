"""The leader's review: draft, submit, return, resubmit, deadline, extension, versions."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from core.errors import ActionRefused
from evaluation.models import Review, ReviewVersion
from evaluation.services.reviews import (
    review_grant_extension,
    review_return,
    review_save,
    review_start,
    review_submit,
)
from evaluation.workflows import ReviewStatus
from incubation.models import OrganizationEvent
from incubation.workflows import Stage
from tests.evaluation.helpers import DEADLINE, FORM, fill, make_org, submitted_review

pytestmark = pytest.mark.django_db


def test_it_starts_a_draft_prefilled_from_the_platform(ev):
    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    assert review.status == ReviewStatus.DRAFT
    assert review.prefill["party_activities"] == 1
    assert review.prefill["activities_logged"] == 0
    assert "activities_list" in review.prefill
    assert review.graded is True
    # Asking again returns the same draft.
    assert review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader).pk == review.pk


def test_it_saves_a_partial_draft_and_refuses_an_incomplete_submission(ev):
    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    review_save(review=review, actor=ev.leader, work_summary="半年总结", income="100.5")
    review.refresh_from_db()
    assert review.income == Decimal("100.50")
    with pytest.raises(ActionRefused) as refused:
        review_submit(review=review, actor=ev.leader)
    assert "party building" in refused.value.message or "党建" in refused.value.message
    assert review.versions.count() == 0


def test_it_rejects_self_assessment_above_the_maximum(ev):
    from django.core.exceptions import ValidationError

    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    item = review.cycle.template.indicators.filter(parent__isnull=False).first()
    with pytest.raises(ValidationError):
        review_save(review=review, actor=ev.leader, self_assessment={str(item.pk): "999"})


def test_it_submits_keeps_a_version_and_moves_the_organization_to_annual_review(ev):
    review = submitted_review(ev)
    assert review.status == ReviewStatus.SUBMITTED
    assert review.version == 1
    version = ReviewVersion.objects.get(review=review)
    assert version.data["income"] == "128000.50"
    ev.org.refresh_from_db()
    assert ev.org.stage == Stage.ANNUAL_REVIEW
    assert OrganizationEvent.objects.filter(
        organization=ev.org, to_value=Stage.ANNUAL_REVIEW
    ).exists()
    # Submitted: the leader can no longer edit.
    with pytest.raises(ActionRefused):
        review_save(review=review, actor=ev.leader, work_summary="改")


def test_it_returns_with_comments_and_keeps_every_resubmitted_version(ev, client):
    review = submitted_review(ev)
    with pytest.raises(ActionRefused):
        review_return(review=review, comment="  ", actor=ev.staff)
    with pytest.raises(ActionRefused):  # the leader cannot return their own review
        review_return(review=review, comment="补充", actor=ev.leader)
    review_return(review=review, comment="请补充财务数据说明", actor=ev.staff)
    review.refresh_from_db()
    assert review.status == ReviewStatus.RETURNED
    assert review.return_comment == "请补充财务数据说明"
    review_save(review=review, actor=ev.leader, income=Decimal("130000"))
    review_submit(review=review, actor=ev.leader)
    review.refresh_from_db()
    assert review.version == 2
    assert list(review.versions.values_list("number", flat=True)) == [1, 2]
    client.force_login(ev.leader)
    page = client.get(reverse("evaluation:versions", args=[review.pk]) + "?a=1&b=2")
    assert page.status_code == 200
    rows = {row["label"]: row for row in page.context["rows"]}
    income = rows[str(Review._meta.get_field("income").verbose_name)]
    assert income["changed"] and income["a"] == "128000.50" and income["b"] == "130000.00"
    assert not rows[str(Review._meta.get_field("work_summary").verbose_name)]["changed"]


def test_it_closes_the_form_after_the_deadline_until_staff_grant_an_extension(ev):
    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    fill(review, ev.leader)
    late = DEADLINE + datetime.timedelta(days=2)
    with time_machine.travel(late.isoformat() + " 10:00 +0800", tick=False):
        with pytest.raises(ActionRefused) as refused:
            review_submit(review=review, actor=ev.leader)
        assert "extension" in refused.value.message or "延期" in refused.value.message
        with pytest.raises(ActionRefused):  # leaders cannot extend
            review_grant_extension(review=review, until=late, actor=ev.leader)
        review_grant_extension(
            review=review, until=late + datetime.timedelta(days=5), actor=ev.staff
        )
        review.refresh_from_db()
        review_submit(review=review, actor=ev.leader)
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    after = late + datetime.timedelta(days=10)
    with time_machine.travel(after.isoformat() + " 10:00 +0800", tick=False):
        review_return(review=review, comment="再补充", actor=ev.staff)
        review.refresh_from_db()
        with pytest.raises(ActionRefused):  # the extension has ended too
            review_save(review=review, actor=ev.leader, work_summary="x")


def test_the_portal_form_saves_a_draft_then_submits(ev, client):
    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    client.force_login(ev.leader)
    url = reverse("evaluation:review", args=[review.pk])
    data = {k: str(v) for k, v in FORM.items()}
    assert client.post(url, {**data, "action": "save"}).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT and review.staff_count == 3
    page = client.post(url, {**data, "action": "submit"})
    assert page.status_code == 200  # self-assessment missing: the form says so
    assert review.versions.count() == 0
    for item in review.cycle.template.indicators.filter(parent__isnull=False):
        data[f"sa_{item.pk}"] = "1"
    assert client.post(url, {**data, "action": "submit"}).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_it_grades_young_and_filed_organizations_with_the_annual_result_only(ev, tenant):
    young = make_org(tenant, name="新成立服务社", founded_on=datetime.date(2025, 3, 1))
    review = review_start(cycle=ev.cycle, organization=young, actor=None)
    assert (
        review.graded is False
        and "two full years" in review.grading_note
        or "两" in review.grading_note
    )
    filed = review_start(cycle=ev.cycle, organization=tenant.org, actor=None)
    assert filed.graded is False


def test_it_uploads_attachments_checked_by_content(ev, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    client.force_login(ev.leader)
    url = reverse("evaluation:attach", args=[review.pk])
    fake = SimpleUploadedFile("report.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    client.post(url, {"file": fake})
    assert review.attachments.count() == 0
    pdf = SimpleUploadedFile("财务报表.pdf", b"%PDF-1.4\n%fake\n", content_type="application/pdf")
    client.post(url, {"file": pdf})
    attachment = review.attachments.get()
    assert attachment.content_type == "pdf"
    download = client.get(reverse("evaluation:attachment", args=[attachment.pk]))
    assert download.status_code == 200


def test_registered_prefill_providers_fill_the_form_and_a_broken_one_is_skipped(ev, client):
    from evaluation import prefill

    saved = dict(prefill._PROVIDERS)
    try:
        prefill.register_prefill("grants_received", "Grants received", lambda o, y: Decimal("5000"))

        def broken(org, year):
            raise RuntimeError("down")

        prefill.register_prefill("broken", "Broken", broken)
        review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
        assert review.prefill["grants_received"] == "5000"
        assert "broken" not in review.prefill
        client.force_login(ev.leader)
        page = client.get(reverse("evaluation:review", args=[review.pk]))
        assert ("Grants received", "5000") in page.context["prefill"]
    finally:
        prefill._PROVIDERS.clear()
        prefill._PROVIDERS.update(saved)
