"""The start page, the statistics dashboard and the one-click start of an organization's
audit dossier (the button on its admin page and its documents page)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from accounts.models import Community
from accounts.roles import STAFF_ROLES, is_street_staff, roles_of
from core.todos import todos_for
from incubation.models import Organization
from rankings.views_public import board as public_board
from reporting.area_figures import FRESH_FOR, figures_for_dashboard, recompute
from reporting.dashboard import (
    activity_month_columns,
    activity_year_columns,
    community_bars,
    founded_year_columns,
    funded_grants_url,
    grade_bars,
    grant_year_columns,
    growth_level_bars,
    legal_status_bars,
    stage_bars,
)
from reporting.dossier import can_start_dossier, dossier_start
from volunteering.figures import year_window_opens


def home(request):
    """Landing page after login: where each role goes next. A visitor who is not signed
    in sees the hub's public board (rankings, honours, wishes, activities)."""
    if not request.user.is_authenticated:
        return public_board(request)
    organizations = Organization.objects.visible_to(request.user).select_related("community")
    today = timezone.localdate()
    # What must I do now: every app's registered to-do source, due date then urgency.
    todos = todos_for(request.user, today)
    return render(
        request,
        "home.html",
        {
            "roles": roles_of(request.user),
            "organizations": organizations[:20],
            # (item, days to the due date or past it, overdue?) for the countdown.
            "todos": [(item, _days_apart(item, today), item.overdue(today)) for item in todos],
        },
    )


def _days_apart(item, today):
    days = item.days_left(today)
    return None if days is None else abs(days)


def _dashboard_area(user) -> tuple:
    """(street, community) of the dashboard: street staff see their street, community
    staff their community, a superuser without a street the whole platform."""
    community = None if is_street_staff(user) else user.community
    street = None if user.is_superuser and not user.street_id else user.street
    return street, community


@role_required(STAFF_ROLES)
def dashboard(request):
    user = request.user
    street, community = _dashboard_area(user)
    # Counted over the whole area by the worker every few minutes, read here in one query.
    snapshot = figures_for_dashboard(street, community)
    figures, trends = snapshot.figures, snapshot.trends
    today = timezone.localdate()
    year = today.year
    activities_url = reverse("admin:volunteering_activity_changelist")
    volunteers_url = reverse("admin:volunteering_volunteer_changelist")
    return render(
        request,
        "reporting/dashboard.html",
        {
            "figures": figures,
            "computed_at": snapshot.computed_at,
            "refresh_minutes": int(FRESH_FOR.total_seconds() // 60),
            "community": community,
            "street": street,
            "stage_bars": stage_bars(figures, community),
            "legal_status_bars": legal_status_bars(figures, community),
            "growth_level_bars": growth_level_bars(figures, community),
            "grade_bars": grade_bars(figures, community),
            "community_bars": None
            if community
            else community_bars(figures, Community.objects.visible_to(user)),
            "trends": trends,
            "year": year,
            "activity_month_columns": activity_month_columns(trends, year),
            "activity_year_columns": activity_year_columns(trends),
            "founded_year_columns": founded_year_columns(trends),
            "grant_year_columns": grant_year_columns(trends),
            "grants_url": funded_grants_url(),
            "donations_url": reverse("admin:funding_donation_changelist"),
            "funds_url": reverse("admin:funding_fund_changelist"),
            "organizations_url": reverse("admin:incubation_organization_changelist"),
            "top_graded_url": reverse("admin:incubation_organization_changelist")
            + "?grade__in=4A,5A",
            "coverage_url": reverse("partybuilding:coverage"),
            "members_url": reverse("partybuilding:members"),
            "compliance_url": reverse("partybuilding:compliance"),
            "pairings_url": reverse("admin:incubation_pairing_changelist")
            + "?ended_on__isnull=True",
            "wishes_url": reverse("admin:marketplace_wish_changelist") + "?status=confirmed",
            "projects_url": reverse("admin:marketplace_project_changelist")
            + "?status__in=matched,delivering,completed",
            "needs_url": reverse("admin:marketplace_need_changelist")
            + "?status__in=listed,fulfilled",
            "resources_url": reverse("admin:marketplace_resource_changelist") + "?status=listed",
            "claims_url": reverse("admin:marketplace_claim_changelist")
            + "?status__in=claimed,in_progress",
            # The rows behind volunteering.figures: public activities, every volunteer
            # (their hours make the total), those who served in the last 12 months, and
            # the dedication days whose attendance makes the rate.
            "volunteer_activities_url": activities_url + "?status__in=finished,published",
            "volunteers_url": volunteers_url,
            "active_volunteers_url": volunteers_url
            + f"?last_served_on__gte={year_window_opens(today).isoformat()}",
            "dedication_days_url": activities_url
            + "?series=dedication_day&status__in=finished,published",
        },
    )


@require_POST
@role_required(STAFF_ROLES)
def dashboard_recompute(request):
    """ "Recompute now": staff who just changed something see it without waiting for the
    worker (about a second for a province-sized street)."""
    recompute(*_dashboard_area(request.user))
    return redirect("dashboard")


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
