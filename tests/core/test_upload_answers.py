"""Upload forms sent by static/js/upload-progress.js get the next address as JSON (the
script's own request must not follow a redirect: it would use up the page's messages);
an ordinary form post still gets the redirect."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.http import redirect_after_post
from incubation.choices import DocumentKind
from tests.funding.factories import make_call, make_draft, make_eligible

SCRIPT = {"X-Requested-With": "XMLHttpRequest"}


def _pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% upload\n", content_type="application/pdf")


def test_it_answers_the_script_with_json_and_a_browser_with_a_redirect(rf):
    plain = redirect_after_post(rf.post("/"), "/somewhere/")
    scripted = redirect_after_post(rf.post("/", headers=SCRIPT), "/somewhere/")
    assert (plain.status_code, plain["Location"]) == (302, "/somewhere/")
    assert scripted["Content-Type"] == "application/json"
    assert scripted.content == b'{"location": "/somewhere/"}'


def test_it_answers_a_grant_attachment_sent_by_the_script(client, tenant):
    app = make_draft(make_call(tenant), make_eligible(tenant.org), tenant.leader)
    client.force_login(tenant.leader)
    response = client.post(
        reverse("funding:attachment_upload", args=[app.pk]),
        {"file": _pdf("预算说明.pdf")},
        headers=SCRIPT,
    )
    assert response.json() == {"location": reverse("funding:application", args=[app.pk])}
    assert app.attachments.get().original_name == "预算说明.pdf"


def test_it_answers_a_document_sent_by_the_script(client, tenant):
    client.force_login(tenant.leader)
    url = reverse("incubation:documents", args=[tenant.org.pk])
    response = client.post(
        url, {"kind": DocumentKind.ARTICLES, "file": _pdf("章程.pdf")}, headers=SCRIPT
    )
    assert response.json() == {"location": url}
