"""Attachments live in the review form itself (issue 14): adding one saves what the leader
typed, a file added to the draft can be removed again, and one that went out with a
submitted version stays."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import ActionRefused
from evaluation.choices import ReviewEventKind
from evaluation.models import Review, ReviewAttachment
from evaluation.services.reviews import (
    review_attach,
    review_detach,
    review_return,
    review_start,
    review_submit,
)
from evaluation.workflows import ReviewStatus
from tests.evaluation.helpers import FORM, fill, make_org


def _pdf(name="年度总结.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def _form_data(**extra):
    data = {key: str(value) for key, value in FORM.items()}
    data.update(extra)
    return data


def test_it_saves_the_typed_text_when_a_file_is_added(ev, client):
    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    client.force_login(ev.leader)
    url = reverse("evaluation:review", args=[review.pk])
    response = client.post(
        url, _form_data(work_summary="刚刚写下的总结", action="attach", attachment=_pdf())
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.work_summary == "刚刚写下的总结"
    assert review.attachments.get().original_name == "年度总结.pdf"
    assert review.events.filter(kind=ReviewEventKind.ATTACHED).count() == 1


def test_it_saves_the_typed_text_even_when_the_file_is_refused(ev, client):
    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    client.force_login(ev.leader)
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("evaluation:review", args=[review.pk]),
        _form_data(work_summary="不会丢失的文字", action="attach", attachment=fake),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attachment"]
    review.refresh_from_db()
    assert review.work_summary == "不会丢失的文字"
    assert review.attachments.count() == 0


def test_it_answers_the_upload_script_with_the_address(ev, client):
    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    client.force_login(ev.leader)
    url = reverse("evaluation:review", args=[review.pk])
    response = client.post(
        url,
        _form_data(action="attach", attachment=_pdf()),
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.json() == {"location": url}


def test_it_removes_a_file_added_to_the_draft(ev, client, django_capture_on_commit_callbacks):
    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    attachment = review_attach(review=review, uploaded=_pdf(), actor=ev.leader)
    stored = attachment.file.path
    client.force_login(ev.leader)
    page = client.get(reverse("evaluation:review", args=[review.pk]))
    assert f'name="remove" value="{attachment.pk}"'.encode() in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evaluation:review", args=[review.pk]),
            _form_data(work_summary="顺便修改", remove=str(attachment.pk)),
        )
    assert response.status_code == 302
    assert not ReviewAttachment.objects.filter(pk=attachment.pk).exists()
    review.refresh_from_db()
    assert review.work_summary == "顺便修改"
    assert review.events.filter(kind=ReviewEventKind.DETACHED, note="年度总结.pdf").exists()
    assert not os.path.exists(stored)


def test_it_keeps_a_file_that_went_out_with_a_submitted_version(ev, client):
    old = ReviewAttachment.objects.get(pk=_attached_submitted_returned(ev).pk)
    review = Review.objects.get(pk=old.review_id)
    assert review.status == ReviewStatus.RETURNED
    new = review_attach(review=review, uploaded=_pdf("补充材料.pdf"), actor=ev.leader)
    with pytest.raises(ActionRefused):
        review_detach(attachment=old, actor=ev.leader)
    client.force_login(ev.leader)
    page = client.get(reverse("evaluation:review", args=[review.pk])).content
    assert f'name="remove" value="{old.pk}"'.encode() not in page
    assert f'name="remove" value="{new.pk}"'.encode() in page
    review_detach(attachment=new, actor=ev.leader)
    assert list(review.attachments.all()) == [old]


def _attached_submitted_returned(ev):
    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    fill(review, ev.leader)
    attachment = review_attach(review=review, uploaded=_pdf(), actor=ev.leader)
    review_submit(review=review, actor=ev.leader)
    review_return(review=review, comment="请补充", actor=ev.staff)
    return attachment


def test_it_answers_404_for_another_reviews_attachment(ev, outsider_tenant, client):
    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    other_org = make_org(ev.tenant, name="别人的服务社", leader=None)
    other = review_start(cycle=ev.cycle, organization=other_org, actor=None)
    theirs = ReviewAttachment.objects.create(
        review=other, original_name="b.pdf", content_type="pdf", size=10, file="evaluation/b.pdf"
    )
    client.force_login(ev.leader)
    response = client.post(
        reverse("evaluation:review", args=[review.pk]), _form_data(remove=str(theirs.pk))
    )
    assert response.status_code == 404
    assert ReviewAttachment.objects.filter(pk=theirs.pk).exists()
    client.force_login(outsider_tenant.leader)
    response = client.post(
        reverse("evaluation:review", args=[review.pk]), _form_data(remove=str(theirs.pk))
    )
    assert response.status_code == 404
