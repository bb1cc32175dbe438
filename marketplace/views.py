"""凯益集市 pages: the public wish wall (no login), the portal for organizations and party
members, and the claim page shared by claimants and staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Community
from core.admin import refusal_text
from core.errors import ActionRefused
from core.uploads import stored_upload_response
from incubation.models import Organization
from marketplace import selectors
from marketplace.choices import AgeBand, ProviderKind, TargetGroup
from marketplace.forms import ResourceOfferForm
from marketplace.models import Claim, ClaimEvidence, Need, Wish
from marketplace.permissions import can_manage_community, can_see_beneficiary
from marketplace.services.claims import (
    EVIDENCE_STATUSES,
    claim_create,
    claim_steps,
    claim_transition,
    evidence_add,
    is_claimant,
)
from marketplace.services.listings import resource_create
from marketplace.workflows import (
    LIVE_CLAIM_STATUSES,
    ClaimStatus,
    ListingStatus,
    ProjectStatus,
    WishStatus,
)

# Ids and page numbers beyond a 32-bit column are nobody's: read as "none" (never a 500).
_LARGEST_ID = 2**31 - 1


def _positive_int(raw) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if 0 < value <= _LARGEST_ID else None


@require_GET
def wish_wall(request):
    """Public: the micro-wishes on the wall, by community — alias, age band, category and
    value only."""
    community_id = _positive_int(request.GET.get("community"))
    page = _positive_int(request.GET.get("page")) or 1
    wall = selectors.public_wall(community_id=community_id, page=page)
    ages = dict(AgeBand.choices)
    statuses = dict(WishStatus.choices)
    rows = [
        {**row, "age": ages.get(row["age_band"], ""), "state": statuses.get(row["status"], "")}
        for row in wall["rows"]
    ]
    context = {
        **wall,
        "rows": rows,
        "community_id": community_id,
        "page": page,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < wall["pages"] else None,
    }
    return render(request, "marketplace/wish_wall.html", context)


@require_GET
def public_lists(request):
    """Public: the three lists (三张清单) — needs, resources and matched projects."""
    lists = selectors.public_lists()
    kinds = dict(ProviderKind.choices)
    groups = dict(TargetGroup.choices)
    statuses = dict(ProjectStatus.choices)
    resources = [
        {
            **row,
            "provider": row["organization__name"]
            or row["partner_unit__name"]
            or row["team_name"]
            or kinds.get(row["provider_kind"], ""),
            "kind": kinds.get(row["provider_kind"], ""),
        }
        for row in lists["resources"]
    ]
    needs = [{**row, "group": groups.get(row["target_group"], "")} for row in lists["needs"]]
    projects = [{**row, "state": statuses.get(row["status"], "")} for row in lists["projects"]]
    context = {"needs": needs, "resources": resources, "projects": projects}
    return render(request, "marketplace/lists.html", context)


def _my_claimants(user):
    organizations = Organization.objects.filter(leader_accounts=user).order_by("name")
    member = getattr(user, "party_member", None)
    return list(organizations), member


@require_GET
@login_required
def home(request):
    """What the signed-in person may claim, and their claims."""
    user = request.user
    organizations, member = _my_claimants(user)
    communities = _claimable_communities(organizations, member)
    needs = (
        Need.objects.filter(status=ListingStatus.LISTED, community_id__in=communities)
        .select_related("community", "category")
        .order_by("window_end", "pk")[:100]
    )
    wishes = (
        Wish.objects.filter(status=WishStatus.PUBLISHED, community_id__in=communities)
        .select_related("community", "category")
        .order_by("published_at", "pk")[:100]
    )
    claims = (
        Claim.objects.filter(
            Q(organization__in=organizations) | Q(party_member=member)
            if member
            else Q(organization__in=organizations)
        )
        .select_related("need", "project", "wish", "organization", "party_member", "community")
        .order_by("-created_at")[:100]
    )
    context = {
        "organizations": organizations,
        "member": member,
        "needs": needs,
        "wishes": wishes,
        "claims": claims,
    }
    return render(request, "marketplace/home.html", context)


@login_required
def resource_offer(request):
    """An organization's leader (for it) or a party member (for themselves) offers a
    resource; the street audits it before it is listed."""
    organizations, member = _my_claimants(request.user)
    if not organizations and member is None:
        raise Http404
    street = organizations[0].community.street if organizations else member.branch.street
    form = ResourceOfferForm(
        request.POST or None, communities=Community.objects.filter(street=street)
    )
    if request.method == "POST" and form.is_valid():
        provider = (
            {"organization": organizations[0], "provider_kind": ProviderKind.ORGANIZATION}
            if organizations
            else {"party_member": member, "provider_kind": ProviderKind.PARTY_MEMBER}
        )
        if organizations and request.POST.get("organization"):
            chosen = next(
                (o for o in organizations if str(o.pk) == request.POST["organization"]), None
            )
            if chosen is None:
                raise Http404
            provider["organization"] = chosen
        fields = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            resource_create(
                street=street,
                actor=request.user,
                communities=form.cleaned_data["communities"],
                **provider,
                **fields,
            )
        except (ActionRefused, ValidationError) as exc:
            form.add_error(None, refusal_text(exc))
        else:
            messages.success(request, _("Thank you: the street will audit the offer."))
            return redirect("marketplace:home")
    return render(
        request,
        "marketplace/resource_offer.html",
        {"form": form, "organizations": organizations},
    )


def _claimable_communities(organizations, member) -> set[int]:
    communities = {org.community_id for org in organizations}
    if member is not None:
        communities |= set(
            member.community_registrations.filter(ended_on__isnull=True).values_list(
                "community_id", flat=True
            )
        )
    return communities


@require_POST
@login_required
def claim_item(request, kind, pk):
    """Claim a need or a wish of a community the person serves. Anything else — another
    community's item, or an account that claims for nobody — is the 404 of a missing id."""
    model = {"need": Need, "wish": Wish}.get(kind)
    if model is None:
        raise Http404
    organizations, member = _my_claimants(request.user)
    communities = _claimable_communities(organizations, member)
    item = get_object_or_404(model, pk=pk, community_id__in=communities)
    organization = None
    if request.POST.get("organization"):
        organization = next(
            (o for o in organizations if str(o.pk) == request.POST["organization"]), None
        )
        if organization is None:
            raise Http404
    elif member is None:
        organization = organizations[0]
    try:
        claim = claim_create(
            item=item,
            actor=request.user,
            organization=organization,
            party_member=None if organization else member,
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect("marketplace:home")
    messages.success(request, ClaimStatus.CLAIMED.label)
    return redirect("marketplace:claim", pk=claim.pk)


def _visible_claim(user, pk) -> Claim:
    claim = get_object_or_404(
        Claim.objects.select_related(
            "need", "project", "wish__beneficiary", "organization", "party_member", "community"
        ),
        pk=pk,
    )
    if Claim.objects.visible_to(user).filter(pk=pk).exists():
        return claim
    if claim.party_member_id and claim.party_member.account_id == user.pk:
        return claim
    raise Http404


@login_required
def claim_detail(request, pk):
    claim = _visible_claim(request.user, pk)
    staff = can_manage_community(request.user, claim.community)
    if request.method == "POST":
        try:
            if request.FILES.get("evidence"):
                evidence_add(claim=claim, uploaded=request.FILES["evidence"], actor=request.user)
            if request.POST.get("to"):
                claim_transition(
                    claim=claim,
                    to=request.POST["to"],
                    actor=request.user,
                    note=request.POST.get("note", ""),
                    rating=request.POST.get("rating") or None,
                )
        except (ActionRefused, ValidationError, ValueError) as exc:
            messages.error(request, refusal_text(exc))
        return redirect("marketplace:claim", pk=claim.pk)
    # The hand-over contact only once staff accepted a wish's claim; the person's own
    # details only for that community's staff.
    contact = ""
    if claim.wish_id and claim.status in LIVE_CLAIM_STATUSES - {ClaimStatus.CLAIMED}:
        contact = claim.wish.beneficiary.handover_contact
    context = {
        "claim": claim,
        "staff": staff,
        "steps": claim_steps(claim, staff=bool(staff), claimant=is_claimant(claim, request.user)),
        "contact": contact,
        "beneficiary": claim.wish.beneficiary
        if claim.wish_id and can_see_beneficiary(request.user, claim.wish)
        else None,
        "events": claim.events.select_related("actor").order_by("created_at", "pk"),
        "evidence": claim.evidence.order_by("pk"),
        "may_attach": claim.status in EVIDENCE_STATUSES
        and (bool(staff) or is_claimant(claim, request.user)),
        "today": timezone.localdate(),
    }
    return render(request, "marketplace/claim.html", context)


@require_GET
@login_required
def evidence_download(request, pk):
    """A file of a claim's evidence, for whoever may open the claim."""
    evidence = get_object_or_404(ClaimEvidence.objects.only("pk", "claim_id"), pk=pk)
    _visible_claim(request.user, evidence.claim_id)
    return stored_upload_response(ClaimEvidence.objects.get(pk=pk))
