"""The coverage matrix as an Excel export job (``jobs.exports``): the coverage page's
"Excel" link starts it; the worker reads the matrix again as the user who asked."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, has_role
from core.excel_resources import write_xlsx
from incubation.models import Organization
from jobs.exports import register_exporter
from partybuilding import selectors
from partybuilding.resources import MATRIX_WIDTHS, CoverageMatrixResource

COVERAGE_EXPORT = "partybuilding.coverage"
# Who may open the coverage page (partybuilding.views.staff_required); asked again when
# the job runs, in case the role was taken away meanwhile.
STAFF_ROLES = frozenset({Role.STREET_ADMIN, Role.COMMUNITY_STAFF, Role.PARTY_WORKER})


def coverage_matrix(user):
    organizations = Organization.objects.visible_to(user)
    return selectors.coverage_by_organization(selectors.in_register(organizations)).order_by(
        "community__name", "community_id", "name", "pk"
    )


@register_exporter(COVERAGE_EXPORT, _("Party-building coverage"))
def export_coverage(*, user, params, destination) -> str:
    if not has_role(user, STAFF_ROLES):
        raise PermissionDenied
    write_xlsx(
        CoverageMatrixResource(),
        coverage_matrix(user),
        destination,
        title="党建覆盖",
        widths=MATRIX_WIDTHS,
        default_width=12,
    )
    return f"party-coverage-{timezone.localdate():%Y%m%d}.xlsx"


def register() -> None:
    """Importing the module registers the exporter; called from ``apps.ready``."""
