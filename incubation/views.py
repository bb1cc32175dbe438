from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.scoping import get_visible_or_404
from core.errors import ActionRefused
from core.identifiers import mask_phone
from incubation.checkpoints import CHECKPOINT_DESCRIPTIONS
from incubation.forms import ContactForm
from incubation.models import Organization
from incubation.permissions import can_edit_contact
from incubation.selectors import (
    blocking_reasons,
    next_required_action,
    organization_timeline,
    organizations_for,
)
from incubation.services import organization_update_contact
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
    can_edit, _reason = can_edit_contact(request.user, org)
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
    }
    return render(request, "incubation/organization_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organization_contact_edit(request, pk):
    org = get_visible_or_404(Organization, request.user, pk=pk)
    allowed, reason = can_edit_contact(request.user, org)
    if not allowed:
        messages.error(request, reason)
        return redirect("incubation:organization", pk=org.pk)
    form = ContactForm(request.POST or None, instance=Organization.objects.get(pk=org.pk))
    if request.method == "POST" and form.is_valid():
        try:
            organization_update_contact(
                organization=org,
                actor=request.user,
                **{field: form.cleaned_data[field] for field in ContactForm.Meta.fields},
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Contact details saved."))
            return redirect("incubation:organization", pk=org.pk)
    return render(request, "incubation/contact_form.html", {"org": org, "form": form})
