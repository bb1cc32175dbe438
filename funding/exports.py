"""The ranking of a grant call as an Excel export job (``jobs.exports``): the staff call
page's "Export to Excel" starts it; the worker reads the call and its applications again
through ``visible_to`` as the user who asked."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import STAFF_ROLES, has_role
from core.excel_resources import write_xlsx
from funding import selectors
from funding.models import Application, GrantCall
from funding.resources import EXPORT_WIDTHS, RankingResource
from jobs.exports import register_exporter

CALL_EXPORT = "funding.grant_call"


@register_exporter(CALL_EXPORT, _("Grant call ranking"))
def export_call(*, user, params, destination) -> str:
    if not has_role(user, STAFF_ROLES):
        raise PermissionDenied
    call = GrantCall.objects.visible_to(user).get(pk=params["call_id"])
    # The ranking is computed over the whole call (a few hundred applications at most):
    # three queries, as on the page.
    rows = selectors.ranking(call, Application.objects.visible_to(user).filter(call=call))
    write_xlsx(
        RankingResource(criteria=call.criteria.all()),
        list(enumerate(rows, start=1)),
        destination,
        title=f"{call.year}微创投",
        widths=EXPORT_WIDTHS,
        default_width=12,
    )
    return f"grants-{call.year}-{timezone.localdate():%Y%m%d}.xlsx"


def register() -> None:
    """Importing the module registers the exporter; called from ``apps.ready``."""
