"""Portal pages of award campaigns.

- Everyone signed in: the campaigns of their street open for nominations or on notice,
  a campaign's criteria and (on notice, then closed) its result, and an objection form
  while the notice runs.
- Leaders: self-nomination of their organization (or of a person serving in it) with a
  statement and materials; their organizations' nominations.
- Judges (the evaluator role, on a campaign's panel): the nominations to score, a score
  form and the declaration of a conflict of interest.

Every write goes through ``awards.services``; a record outside these rules is the 404 of
a missing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awards.choices import AwardeeKind
from awards.forms import ConflictForm, NominationForm, ObjectionForm, ScoreForm
from awards.models import AwardScore, Campaign, Nomination, NominationMaterial
from awards.services.nominations import nomination_create
from awards.services.objections import notice_open, objection_file
from awards.services.panel import award_conflict_declare, score_record
from awards.workflows import PUBLIC_CAMPAIGN_STATUSES, CampaignStatus, NominationStatus
from core.errors import ActionRefused
from core.forms import add_refusal
from core.http import tell_outcome
from core.identifiers import mask_name
from core.uploads import stored_upload_response
from evaluation.models import ConflictDeclaration
from incubation.models import Organization

MY_ROWS = 50
# Campaigns a signed-in person of the street may open (not drafts, not cancelled ones).
SHOWN_STATUSES = (CampaignStatus.NOMINATING, CampaignStatus.SCORING, *PUBLIC_CAMPAIGN_STATUSES)


def _one_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _led(user):
    return Organization.objects.filter(leader_accounts=user)


def _street_ids(user) -> set[int]:
    """The streets whose campaigns the person is shown: the account's and those of the
    organizations they lead."""
    streets = set(_led(user).values_list("community__street_id", flat=True))
    if user.street_id:
        streets.add(user.street_id)
    return streets


def _campaigns(user):
    if user.is_superuser:
        return Campaign.objects.filter(status__in=SHOWN_STATUSES)
    return Campaign.objects.filter(street_id__in=_street_ids(user), status__in=SHOWN_STATUSES)


def _public_name(nomination) -> str:
    if nomination.person_name:
        return mask_name(nomination.person_name)
    return nomination.awardee_name


@require_GET
@login_required
def campaigns(request):
    """Open campaigns and results on notice; a leader's nominations."""
    user = request.user
    shown = (
        _campaigns(user)
        .filter(status__in=(CampaignStatus.NOMINATING, CampaignStatus.NOTICE))
        .select_related("street")
        .order_by("status", "-year", "pk")
    )
    mine = (
        Nomination.objects.filter(organization__in=_led(user).values("pk"))
        .select_related("campaign", "organization", "party_org")
        .order_by("-created_at", "-pk")[:MY_ROWS]
    )
    context = {"campaigns": shown, "mine": mine, "leads": _led(user).exists()}
    return render(request, "awards/campaigns.html", context)


@require_GET
@login_required
def campaign(request, pk):
    user = request.user
    found = _one_or_404(_campaigns(user).select_related("street"), pk=pk)
    results = []
    if found.status in PUBLIC_CAMPAIGN_STATUSES:
        rows = (
            Nomination.objects.filter(campaign=found)
            .exclude(status=NominationStatus.NOMINATED)
            .select_related("organization", "party_org")
            .order_by("rank", "pk")
        )
        results = [{"row": n, "name": _public_name(n)} for n in rows]
    context = {
        "campaign": found,
        "results": results,
        "objectable": notice_open(found),
        "can_nominate": found.status == CampaignStatus.NOMINATING
        and found.awardee_kind != AwardeeKind.PARTY_ORG
        and _led(user).filter(community__street_id=found.street_id).exists(),
    }
    return render(request, "awards/campaign.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def nominate(request, pk):
    """A leader nominates their organization (or a person serving in it). The form keeps
    everything typed when the nomination is refused."""
    user = request.user
    found = _one_or_404(
        _campaigns(user)
        .filter(status=CampaignStatus.NOMINATING)
        .exclude(awardee_kind=AwardeeKind.PARTY_ORG),
        pk=pk,
    )
    organizations = list(
        _led(user).filter(community__street_id=found.street_id).select_related("community")
    )
    if not organizations:
        raise Http404
    person = found.awardee_kind == AwardeeKind.PERSON
    form = NominationForm(
        request.POST or None, request.FILES or None, organizations=organizations, person=person
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organization = next(o for o in organizations if o.pk == data["organization"])
        try:
            created = nomination_create(
                campaign=found,
                actor=user,
                organization=organization,
                person_name=data.get("person_name", ""),
                statement=data["statement"],
                uploaded=data.get("material"),
            )
        except (ActionRefused, ValidationError) as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Nominated: the panel scores it after the window."))
            return redirect("awards:nomination", pk=created.pk)
    return render(request, "awards/nominate.html", {"campaign": found, "form": form})


def _nominations_of(user):
    """Nominations the person may open: their organizations' (and the staff's, by
    ``visible_to``) and those they made."""
    return Nomination.objects.filter(
        Q(pk__in=Nomination.objects.visible_to(user).values("pk")) | Q(nominated_by=user)
    )


@require_GET
@login_required
def nomination(request, pk):
    found = _one_or_404(
        _nominations_of(request.user).select_related("campaign", "organization", "party_org"),
        pk=pk,
    )
    materials = found.materials.order_by("pk")
    return render(request, "awards/nomination.html", {"nomination": found, "materials": materials})


@require_GET
@login_required
def material(request, pk):
    """A nomination's file, for whoever may open the nomination and for the judges of its
    campaign's panel."""
    user = request.user
    found = _one_or_404(
        NominationMaterial.objects.filter(
            Q(nomination__in=_nominations_of(user).values("pk"))
            | Q(nomination__campaign__in=_judged(user).values("pk"))
        ),
        pk=pk,
    )
    return stored_upload_response(found)


@require_http_methods(["GET", "POST"])
@login_required
def object_to(request, pk):
    """An objection to an award on public notice, with a reason."""
    user = request.user
    found = _one_or_404(
        Nomination.objects.filter(
            campaign__in=_campaigns(user).filter(status=CampaignStatus.NOTICE),
            status=NominationStatus.AWARDED,
        ).select_related("campaign", "organization", "party_org"),
        pk=pk,
    )
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection_file(nomination=found, actor=user, reason=form.cleaned_data["reason"])
        except ActionRefused as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Objection filed: the street's staff decide it."))
            return redirect("awards:campaign", pk=found.campaign_id)
    context = {"nomination": found, "name": _public_name(found), "form": form}
    return render(request, "awards/object.html", context)


# --- Judges ------------------------------------------------------------------------------


def _judged(user):
    return Campaign.objects.filter(judges__judge=user)


@require_GET
@login_required
def judge_home(request):
    panels = (
        _judged(request.user)
        .exclude(status__in=(CampaignStatus.DRAFT, CampaignStatus.CANCELLED))
        .select_related("street")
        .order_by("-year", "-pk")
    )
    return render(request, "awards/judge_home.html", {"panels": panels})


@require_GET
@login_required
def judge_campaign(request, pk):
    """The nominations of a campaign for one of its judges: their own score of each, and
    whether they declared a conflict of interest with its organization."""
    user = request.user
    found = _one_or_404(_judged(user).exclude(status=CampaignStatus.DRAFT), pk=pk)
    mine = AwardScore.objects.filter(nomination=OuterRef("pk"), judge=user)
    rows = (
        Nomination.objects.filter(campaign=found)
        .select_related("organization", "party_org")
        .prefetch_related(Prefetch("materials", NominationMaterial.objects.order_by("pk")))
        .annotate(
            my_points=Subquery(mine.values("points")[:1]),
            conflicted=Exists(
                ConflictDeclaration.objects.filter(
                    evaluator=user, organization=OuterRef("organization")
                )
            ),
        )
        .order_by("pk")
    )
    context = {
        "campaign": found,
        "rows": rows,
        "scoring": found.status == CampaignStatus.SCORING,
        "score_form": ScoreForm(),
        "conflict_form": ConflictForm(),
    }
    return render(request, "awards/judge_campaign.html", context)


def _judged_nomination(user, pk) -> Nomination:
    return _one_or_404(
        Nomination.objects.filter(campaign__in=_judged(user).values("pk")).select_related(
            "campaign", "organization"
        ),
        pk=pk,
    )


@require_POST
@login_required
def score(request, pk):
    found = _judged_nomination(request.user, pk)
    form = ScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    else:
        data = form.cleaned_data
        tell_outcome(
            request,
            lambda: score_record(
                nomination=found, actor=request.user, points=data["points"], comment=data["comment"]
            ),
            _("Score saved."),
        )
    return redirect("awards:judge_campaign", pk=found.campaign_id)


@require_POST
@login_required
def conflict(request, pk):
    found = _judged_nomination(request.user, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    else:
        tell_outcome(
            request,
            lambda: award_conflict_declare(
                nomination=found, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            _("Conflict of interest declared: you no longer score this organization."),
        )
    return redirect("awards:judge_campaign", pk=found.campaign_id)
