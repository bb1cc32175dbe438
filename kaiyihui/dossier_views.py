"""The one-click start of an organization's audit dossier (the button on its admin page
and its documents page)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from incubation.models import Organization
from kaiyihui.dossier import can_start_dossier, dossier_start


@require_POST
@login_required
def dossier_start_view(request, pk: int):
    org = (
        Organization.objects.visible_to(request.user)
        .select_related("community", "community__street")
        .filter(pk=pk)
        .first()
    )
    # Another street's organization, and one the user sees without the right to start its
    # dossier (its leader, a party worker), answer like a missing one.
    if org is None or not can_start_dossier(request.user, org):
        raise Http404
    job = dossier_start(organization=org, actor=request.user)
    return redirect("jobs:detail", job.pk)
