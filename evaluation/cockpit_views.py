"""The cycle cockpit for staff: counts per state (each a link to its filtered, paged
list), who is overdue, and the "remind laggards" button."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from accounts.roles import Role
from core.errors import ActionRefused
from evaluation.cockpit import (
    FILTERS,
    STATES,
    cockpit_counts,
    cockpit_cycle_or_none,
    cockpit_rows,
    overdue,
)
from evaluation.models import Cycle
from evaluation.permissions import _is_street_staff
from evaluation.services.laggards import cycle_remind_laggards
from evaluation.workflows import CycleStatus

# Cycles are street-wide (community staff see none): the cockpit is street staff's.
COCKPIT_ROLES = frozenset({Role.STREET_ADMIN})
PAGE_SIZE = 50
OVERDUE_SHOWN = 20


# Street staff only (role_required answers others with a 404); another street's cycle
# gets the same 404.
cockpit_required = role_required(COCKPIT_ROLES, refuse_as_missing=True)


def _cycle(request, pk) -> Cycle:
    cycle = cockpit_cycle_or_none(request.user, pk)
    if cycle is None:
        raise Http404
    return cycle


def _labels() -> dict[str, str]:
    return {
        "not_started": _("Not started"),
        "draft": _("Draft"),
        "submitted": _("Submitted, being scored"),
        "returned": _("Returned for revision"),
        "scored": _("Scored, ready to finalize"),
        "finalized": _("Finalized"),
        "overdue": _("Overdue"),
        "blocked": _("Checkpoint missing"),
    }


@cockpit_required
def cockpit(request, pk):
    cycle = _cycle(request, pk)
    today = timezone.localdate()
    counts = cockpit_counts(request.user, cycle, today)
    labels = _labels()
    context = {
        "cycle": cycle,
        "cycles": Cycle.objects.visible_to(request.user).order_by("-year"),
        "states": [(s, labels[s], counts[s]) for s in STATES],
        "overdue_count": counts["overdue"],
        "blocked_count": counts["blocked"],
        "overdue": list(overdue(request.user, cycle, today).order_by("name")[:OVERDUE_SHOWN]),
        "can_remind": _is_street_staff(request.user) and cycle.status == CycleStatus.OPEN,
        "today": today,
    }
    return render(request, "evaluation/cockpit.html", context)


@cockpit_required
def cockpit_list(request, pk):
    cycle = _cycle(request, pk)
    state = request.GET.get("state", "submitted")
    if state not in FILTERS:
        raise Http404
    search = request.GET.get("q", "").strip()[:50]
    today = timezone.localdate()
    rows = cockpit_rows(request.user, cycle, state, today, search)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = _labels()
    context = {
        "cycle": cycle,
        "state": state,
        "state_label": labels[state],
        "filters": [(s, labels[s]) for s in FILTERS],
        "page": page,
        "search": search,
        "lists_orgs": state in ("not_started", "overdue"),
        "today": today,
    }
    return render(request, "evaluation/cockpit_list.html", context)


@cockpit_required
@require_POST
def cockpit_remind(request, pk):
    cycle = _cycle(request, pk)
    try:
        sent = cycle_remind_laggards(cycle=cycle, actor=request.user, today=timezone.localdate())
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        if sent:
            messages.success(request, _("%(n)d leader(s) reminded.") % {"n": sent})
        else:
            messages.info(request, _("Every laggard has already been reminded today."))
    return redirect("evaluation:cockpit", pk=cycle.pk)
