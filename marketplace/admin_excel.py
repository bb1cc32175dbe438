"""Excel import and export pages for the marketplace admin (on ``jobs.admin_excel``, the
pattern of ``incubation.admin_excel``).

Needs and wishes import in two steps: the upload is checked in full and previewed (counts
and every error with its line, column and reason; nothing written); only a file without
errors can then be confirmed, which imports it in one transaction through the services (a
file of more than 2,000 rows as a background job). Every marketplace changelist exports
what the user sees, with its filters and search; a wish export carries the beneficiaries'
columns only for that community's staff.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import STAFF_ROLES, has_role
from jobs.admin_excel import ExcelImportAdminMixin
from marketplace.excel import export_file_name, export_list, import_needs, import_wishes
from marketplace.resources import NEED_HEADERS, OPTIONAL_HEADERS, WISH_HEADERS, WishResource

FIRST_DATA_LINE = 2


class MarketplaceExportAdminMixin(ExcelImportAdminMixin):
    """An export button on the changelist (no import). List it before
    ``admin.ModelAdmin`` in the bases; set ``excel_kind``."""

    excel_kind: str
    pending_session_key = "marketplace_excel_imports"

    def may_import_excel(self, request) -> bool:
        return False

    def write_excel_export(self, request, queryset, buffer):
        export_list(self.excel_kind, queryset, buffer, viewer=request.user)
        return export_file_name(self.excel_kind, request.user, timezone.localdate())


class MarketplaceImportAdminMixin(MarketplaceExportAdminMixin):
    """Import (upload → preview → confirm) and export. Staff import: the rows name
    communities, and each row's community must be one the user may manage."""

    def may_import_excel(self, request) -> bool:
        return self.has_view_permission(request) and has_role(request.user, STAFF_ROLES)

    def _notes(self) -> list:
        return [
            _(
                "Imported rows are new and wait for verification. A row repeating one on "
                "record (same community, title and dates) is refused: an exported file "
                "cannot be imported again. The column %(status)s is ignored."
            )
            % {"status": "、".join(sorted(OPTIONAL_HEADERS))},
            _(
                "Service categories are written by name (养老服务), as parent·child "
                "(养老服务·助餐), by a child's name when only one has it, or by code."
            ),
        ]


class NeedExcelAdminMixin(MarketplaceImportAdminMixin):
    excel_kind = "needs"
    pending_session_key = "marketplace_need_excel_imports"

    def import_excel(self, source, *, street, actor, dry_run):
        return import_needs(source, street=street, actor=actor, dry_run=dry_run)

    def excel_import_context(self, request, street):
        return {
            "title": _("Import needs from Excel"),
            "intro": [
                _(
                    "Needs collected on visits are added to the communities of %(street)s "
                    "that you work for; each row's community must be one of them."
                )
                % {"street": street.name}
            ],
            "headers": NEED_HEADERS,
            "optional_headers": sorted(OPTIONAL_HEADERS),
            "first_data_line": FIRST_DATA_LINE,
            "notes": self._notes(),
        }


class WishExcelAdminMixin(MarketplaceImportAdminMixin):
    excel_kind = "wishes"
    pending_session_key = "marketplace_wish_excel_imports"

    def import_excel(self, source, *, street, actor, dry_run):
        return import_wishes(source, street=street, actor=actor, dry_run=dry_run)

    def excel_changelist_context(self, request):
        return {"excel_export_public": not WishResource(viewer=request.user).shows_person}

    def excel_import_context(self, request, street):
        return {
            "title": _("Import micro-wishes from Excel"),
            "intro": [
                _(
                    "Micro-wishes collected on visits are added, with the person each is "
                    "for, to the communities of %(street)s that you work for. The person's "
                    "details are seen only by that community's staff."
                )
                % {"street": street.name}
            ],
            "headers": WISH_HEADERS,
            "optional_headers": sorted(OPTIONAL_HEADERS),
            "first_data_line": FIRST_DATA_LINE,
            "notes": self._notes(),
        }


class ResourceExcelAdminMixin(MarketplaceExportAdminMixin):
    excel_kind = "resources"


class ProjectExcelAdminMixin(MarketplaceExportAdminMixin):
    excel_kind = "projects"


class ClaimExcelAdminMixin(MarketplaceExportAdminMixin):
    excel_kind = "claims"
