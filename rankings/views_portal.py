"""The leader's portal pages on rankings on public notice (公示): where the organizations
they run stand, the ledger entries behind each score, and the form to object.

Only organization leaders reach these pages (anyone else gets the 404 of a missing row);
every row is looked up from the organizations the user leads, so another organization's
row, or its objection, is a 404 too. Writes go through ``rankings.services.objections``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.roles import Role
from core.errors import ActionRefused
from core.forms import add_refusal
from rankings.choices import Dimension
from rankings.forms import ObjectionForm
from rankings.permissions import can_object
from rankings.selectors_notice import notice_rows, own_row, row_ledger, row_objections
from rankings.services.objections import objection_file

ROWS_PER_PAGE = 20
LEDGER_PER_PAGE = 20

leader_only = role_required([Role.ORG_LEADER], refuse_as_missing=True, superusers=False)


@require_GET
@leader_only
def notice_list(request):
    page = Paginator(notice_rows(request.user), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "rankings/portal/notice_list.html", {"page": page, "now": timezone.now()}
    )


def _row_or_404(request, ranking_pk, org_pk):
    row = own_row(request.user, ranking_pk, org_pk)
    if row is None:
        raise Http404
    return row


def _row_page(request, row, form, status=200):
    ranking = row.ranking
    ledger = Paginator(row_ledger(row), LEDGER_PER_PAGE).get_page(request.GET.get("page"))
    decision = can_object(request.user, ranking, row.organization)
    context = {
        "row": row,
        "ranking": ranking,
        "dimensions": [
            (label, row.dimension_scores.get(code, "0.00")) for code, label in Dimension.choices
        ],
        "ledger": ledger,
        "objections": list(row_objections(row)),
        "may_object": bool(decision),
        "refusal": decision.reason,
        "form": form,
        "successor": getattr(ranking, "superseded_by", None),
    }
    return render(request, "rankings/portal/notice_row.html", context, status=status)


@require_GET
@leader_only
def notice_row(request, ranking_pk, org_pk):
    """One organization's place in a ranking: rank, score by dimension, the ledger
    entries behind it (paged), its objections, and the form while it may object."""
    row = _row_or_404(request, ranking_pk, org_pk)
    return _row_page(request, row, ObjectionForm())


@require_POST
@leader_only
def notice_object(request, ranking_pk, org_pk):
    row = _row_or_404(request, ranking_pk, org_pk)
    form = ObjectionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            objection_file(
                row.ranking,
                row.organization,
                actor=request.user,
                text=form.cleaned_data["text"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            # The file's bytes were refused: the typed text stays, the file is picked again.
            form.add_error("evidence", exc)
        except ActionRefused as exc:
            add_refusal(form, exc)
        else:
            messages.success(
                request, _("Objection filed. The street's staff will decide it with a reason.")
            )
            return redirect("rankings:notice_row", ranking_pk=row.ranking_id, org_pk=org_pk)
    return _row_page(request, row, form)
