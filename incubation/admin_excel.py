"""Excel import and export pages for the organization admin (on ``jobs.admin_excel``).

Import is two steps: the upload is checked in full and previewed (counts and every error,
nothing written); only a file without errors can then be confirmed, which imports it in one
transaction. Between the two steps the file waits in MEDIA_ROOT/imports/ under a random
name that only the uploader's session knows; it is deleted when confirmed, when it has
errors, and after a day if abandoned.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from incubation.excel import export_organizations, import_organizations
from incubation.resources import FIRST_DATA_LINE, HEADERS
from jobs.admin_excel import MAX_UPLOAD_BYTES, ExcelImportAdminMixin, ExcelUploadForm

__all__ = [
    "MAX_UPLOAD_BYTES",
    "PENDING_SESSION_KEY",
    "ExcelUploadForm",
    "OrganizationExcelAdminMixin",
]

PENDING_SESSION_KEY = "organization_excel_imports"


class OrganizationExcelAdminMixin(ExcelImportAdminMixin):
    """Adds Excel import and export to the Organization ModelAdmin.

    List it before ``admin.ModelAdmin`` in the bases. The export starts from the
    changelist's queryset (filters and search applied) and narrows it with ``visible_to``
    itself; the import needs add and change permission and writes into the user's street.
    """

    pending_session_key = PENDING_SESSION_KEY

    def import_excel(self, source, *, street, actor, dry_run):
        return import_organizations(source, street=street, actor=actor, dry_run=dry_run)

    def write_excel_export(self, request, queryset, buffer):
        export_organizations(queryset, buffer)
        return f"社会组织-{timezone.localdate():%Y%m%d}.xlsx"

    def excel_import_context(self, request, street):
        return {
            "title": _("Import organizations from Excel"),
            "intro": [
                _(
                    "Organizations are imported into %(street)s. An organization whose unified "
                    "social credit code (registered) or filing number (filed) is already on "
                    "record is updated; any other row creates a new one."
                )
                % {"street": street.name}
            ],
            "headers": HEADERS,
            "first_data_line": FIRST_DATA_LINE,
        }
