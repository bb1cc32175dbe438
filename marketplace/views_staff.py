"""Staff pages of the marketplace: the board of open work, a need with its ranked
matches (one click creates the matched project), and collecting a wish on a visit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.models import Community
from accounts.roles import STAFF_ROLES
from accounts.scoping import get_visible_or_404
from core.admin import refusal_text
from core.errors import ActionRefused
from marketplace import selectors
from marketplace.forms import WishCollectForm
from marketplace.models import Need, Resource
from marketplace.services.listings import match_need
from marketplace.services.wishes import wish_create


@role_required(STAFF_ROLES)
def board(request):
    context = selectors.staff_board(request.user)
    return render(request, "marketplace/board.html", context)


@role_required(STAFF_ROLES, refuse_as_missing=True)
def need_detail(request, pk):
    need = get_visible_or_404(
        Need.objects.select_related("community", "category", "category__parent"),
        request.user,
        pk=pk,
    )
    context = {
        "need": need,
        "candidates": selectors.match_candidates(need),
        "claims": need.claims.select_related("organization", "party_member").order_by("-pk"),
        "projects": need.projects.order_by("-pk"),
    }
    return render(request, "marketplace/need.html", context)


@require_POST
@role_required(STAFF_ROLES, refuse_as_missing=True)
def need_match(request, pk):
    need = get_visible_or_404(
        Need.objects.select_related("community", "category"), request.user, pk=pk
    )
    resource = get_visible_or_404(Resource, request.user, pk=request.POST.get("resource"))
    try:
        project = match_need(need=need, resource=resource, actor=request.user)
    except (ActionRefused, ValidationError) as exc:
        messages.error(request, refusal_text(exc))
        return redirect("marketplace:need", pk=need.pk)
    messages.success(
        request, _("Matched: project %(project)s created.") % {"project": project.title}
    )
    return redirect("marketplace:need", pk=need.pk)


@require_http_methods(["GET", "POST"])
@role_required(STAFF_ROLES)
def wish_collect(request):
    communities = Community.objects.visible_to(request.user)
    form = WishCollectForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        try:
            wish = wish_create(
                community=form.cleaned_data["community"],
                actor=request.user,
                beneficiary=form.beneficiary(),
                **form.wish_fields(),
            )
        except (ActionRefused, ValidationError) as exc:
            form.add_error(None, refusal_text(exc))
        else:
            messages.success(
                request, _("Wish %(wish)s collected: verify it to publish.") % {"wish": wish}
            )
            return redirect("marketplace:board")
    return render(request, "marketplace/wish_collect.html", {"form": form})
