from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import get_visible_or_404
from core.errors import ActionRefused
from core.forms import add_refusal
from core.http import redirect_after_post
from core.identifiers import mask_phone
from core.uploads import stored_upload_response
from incubation.checkpoints import CHECKPOINT_DESCRIPTIONS
from incubation.choices import DocumentKind
from incubation.forms import ContactForm, DocumentUploadForm
from incubation.models import Organization, OrganizationDocument
from incubation.permissions import can_edit_contact, can_upload_document, can_view_documents
from incubation.selectors import (
    blocking_reasons,
    document_history,
    documents_organization_or_404,
    next_required_action,
    organization_timeline,
    organizations_for,
)
from incubation.services import organization_update_contact
from incubation.services.documents import document_upload
from incubation.tools import tools_for
from incubation.workflows import LIFECYCLE_STAGES


@login_required
def organization_list(request):
    organizations = organizations_for(request.user).order_by("name")[:200]
    return render(request, "incubation/organization_list.html", {"organizations": organizations})


@login_required
def organization_detail(request, pk):
    org = get_visible_or_404(
        Organization.objects.select_related("community", "community__street"),
        request.user,
        pk=pk,
    )
    today = timezone.localdate()
    can_edit = bool(can_edit_contact(request.user, org))
    context = {
        "org": org,
        "leader_phone": org.leader_phone if can_edit else mask_phone(org.leader_phone),
        "timeline": organization_timeline(org)[:100],
        "next_action": next_required_action(org, today),
        "today": today,
        "stages": LIFECYCLE_STAGES,
        "checkpoint": CHECKPOINT_DESCRIPTIONS.get(org.stage),
        "blocking": blocking_reasons(org, "grant"),
        "can_edit_contact": can_edit,
        "can_view_documents": bool(can_view_documents(request.user, org)),
    }
    return render(request, "incubation/organization_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organization_contact_edit(request, pk):
    org = get_visible_or_404(Organization, request.user, pk=pk)
    decision = can_edit_contact(request.user, org)
    if not decision:
        messages.error(request, decision.reason)
        return redirect("incubation:organization", pk=org.pk)
    form = ContactForm(request.POST or None, instance=Organization.objects.get(pk=org.pk))
    if request.method == "POST" and form.is_valid():
        try:
            organization_update_contact(
                organization=org,
                actor=request.user,
                **{field: form.cleaned_data[field] for field in ContactForm.Meta.fields},
            )
        except (ValidationError, ActionRefused) as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Contact details saved."))
            return redirect("incubation:organization", pk=org.pk)
    return render(request, "incubation/contact_form.html", {"org": org, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organization_documents(request, pk):
    """The document archive of one organization: current versions, history, upload."""
    org = documents_organization_or_404(request.user, pk)
    can_upload = bool(can_upload_document(request.user, org))
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_upload:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = document_upload(
                    organization=org,
                    kind=data["kind"],
                    file=data["file"],
                    expires_on=data["expires_on"],
                    valid_from=data["valid_from"],
                    title=data["title"],
                    note=data["note"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            except ActionRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(document)s version %(version)d saved.")
                    % {"document": document.get_kind_display(), "version": document.version},
                )
                return redirect_after_post(request, "incubation:documents", pk=org.pk)
    documents = list(document_history(org))
    groups: dict[str, list] = {}
    for document in documents:
        groups.setdefault(document.kind, []).append(document)
    kinds = [
        {"kind": kind, "label": label, "versions": groups[kind]}
        for kind, label in DocumentKind.choices
        if kind in groups
    ]
    context = {
        "org": org,
        "kinds": kinds,
        "form": form if can_upload else None,
        "today": timezone.localdate(),
        "tools": tools_for(request.user, org),
    }
    return render(request, "incubation/documents.html", context)


@login_required
@require_http_methods(["GET"])
def document_download(request, document_pk):
    document = get_visible_or_404(
        OrganizationDocument.objects.select_related("organization", "organization__community"),
        request.user,
        pk=document_pk,
    )
    # visible_to follows the same ties as can_view_documents; asked again so that a
    # widened visibility of organizations elsewhere can never open the archive.
    if not can_view_documents(request.user, document.organization):
        raise Http404
    return stored_upload_response(document)
