"""Party-building pages for staff: coverage, organizational-life compliance, members.

Who may open them: street staff, community staff, party workers and superusers. These are
whole pages made for staff roles, so any other signed-in user (an organization leader, an
evaluator) gets 403 — the page exists, their role is not meant to use it. Rows come only
through ``visible_to(request.user)``, so staff see their own area and nothing else; object
pages (none yet) answer 404 for another tenant's id, as everywhere (accounts.scoping).
"""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from accounts.decorators import role_required
from core.identifiers import mask_id_number, mask_phone
from incubation.models import Organization
from jobs.exports import export_start
from partybuilding import selectors
from partybuilding.choices import CoverageKind, Establishment
from partybuilding.exports import COVERAGE_EXPORT, coverage_matrix
from partybuilding.exports import STAFF_ROLES as EXPORT_STAFF_ROLES
from partybuilding.models import PartyMember, PartyOrganization
from partybuilding.resources import MATRIX_HEADERS as MATRIX_HEADERS
from partybuilding.rules import party_tree_rules
from partybuilding.services.members import can_see_personal_data

# The same roles as the coverage export's (partybuilding.exports).
STAFF_ROLES = EXPORT_STAFF_ROLES
MEMBERS_PER_PAGE = 50


# Signed in (else the login page) and a staff role or superuser (else 403).
staff_required = role_required(STAFF_ROLES)


# --- Coverage ------------------------------------------------------------------------------

# The Excel matrix is a file format, in partybuilding.resources (CoverageMatrixResource).


def _selected_community(request, groups) -> int | None:
    """The community whose organizations the page lists: the one asked for if the user
    sees it, else the first."""
    visible = [group.community_id for group in groups]
    asked = request.GET.get("community", "")
    if asked.isdigit() and int(asked) in visible:
        return int(asked)
    return visible[0] if visible else None


@require_GET
@staff_required
def coverage(request):
    user = request.user
    if request.GET.get("format") == "xlsx":
        # Thousands of rows in a district: a background job, never this request.
        job = export_start(
            exporter=COVERAGE_EXPORT, actor=user, title=gettext("Party-building coverage")
        )
        return redirect("jobs:detail", job.pk)
    organizations = Organization.objects.visible_to(user)
    matrix = coverage_matrix(user)

    rates = selectors.coverage_rates(organizations)
    # The matrix and the flags list one community at a time: a street's whole register
    # (thousands of rows in a district) is one page too many; the Excel has them all.
    selected = _selected_community(request, rates.groups)
    shown = organizations.filter(community_id=selected) if selected else organizations.none()
    page = Paginator(matrix.filter(community_id=selected) if selected else matrix.none(), 100)
    page = page.get_page(request.GET.get("page"))
    rows = []
    for org in page.object_list:
        org.coverage_label = CoverageKind(org.coverage_kind).label
        org.is_functional = org.branch_establishment == Establishment.FUNCTIONAL
        rows.append(org)
    communities = [
        {"rate": group, "organizations": rows if group.community_id == selected else None}
        for group in rates.groups
    ]
    # The branch flags too: a province-sized street has hundreds of each, a wall of rows
    # (and most of the page's time); one community's are a list to work through.
    party_organizations = selectors.of_community_or_street_level(
        PartyOrganization.objects.visible_to(user), selected
    )
    rules = party_tree_rules()
    context = {
        "rates": rates,
        "communities": communities,
        "selected_community": selected,
        "selected_community_name": next(
            (group.community_name for group in rates.groups if group.community_id == selected),
            "",
        ),
        "matrix_page": page,
        "needing_own_branch": list(
            selectors.organizations_needing_own_branch(shown).order_by(
                "community__name", "name", "pk"
            )
        ),
        "too_large": list(selectors.branches_too_large(party_organizations).order_by("name")),
        "needing_committee": list(
            selectors.branches_needing_committee(party_organizations).order_by("name")
        ),
        "cross": selectors.cross_appointments(user.street_id, user=user, community_id=selected),
        "thresholds": {
            "own_branch": rules.own_branch_from_full_members,
            "max_members": rules.general_branch_above_members,
            "committee": rules.committee_from_full_members,
        },
    }
    return render(request, "partybuilding/coverage.html", context)


# --- Compliance ----------------------------------------------------------------------------

FIRST_YEAR = 2000


def _year(raw: str | None, today: datetime.date) -> int:
    """The year asked for; anything unusable (or in the future) means this year."""
    try:
        year = int(raw or "")
    except ValueError:
        return today.year
    return year if FIRST_YEAR <= year <= today.year else today.year


@require_GET
@staff_required
def compliance(request):
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today)
    upto_month = today.month if year == today.year else 12
    branches = PartyOrganization.objects.visible_to(request.user).select_related("community")
    rows = selectors.compliance(branches, year, upto_month)
    current_month = today.month if year == today.year else None
    context = {
        "year": year,
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < today.year else None,
        "months": range(1, upto_month + 1),
        "current_month": current_month,
        "rows": rows,
        "requirements": selectors.REQUIREMENTS,
    }
    return render(request, "partybuilding/compliance.html", context)


# --- Members -------------------------------------------------------------------------------


@require_GET
@staff_required
def members(request):
    queryset = (
        PartyMember.objects.visible_to(request.user)
        .select_related("branch", "organization")
        .order_by("branch__name", "name", "pk")
    )
    page = Paginator(queryset, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    full = bool(can_see_personal_data(request.user))
    for member in page.object_list:
        member.id_number_shown = member.id_number if full else mask_id_number(member.id_number)
        member.phone_shown = member.phone if full else mask_phone(member.phone)
    return render(
        request,
        "partybuilding/members.html",
        {"page": page, "members": page.object_list, "masked": not full},
    )
