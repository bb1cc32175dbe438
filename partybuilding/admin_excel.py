"""Excel import and export pages for the party member admin (on ``jobs.admin_excel``, the
pattern of ``incubation.admin_excel``).

Import is two steps: the upload is checked in full and previewed (counts and every error,
nothing written); only a file without errors can then be confirmed, which imports it in one
transaction. Between the two steps the file waits in MEDIA_ROOT/imports/ under a random name
that only the uploader's session knows; it is deleted when confirmed, when it has errors,
and after a day if abandoned.

The export is masked (ID and phone numbers partly ``*``) for everyone but street staff and
superusers, like the list; a masked file says so and cannot be imported back.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.admin_excel import ExcelImportAdminMixin
from partybuilding.members_excel import (
    FIRST_DATA_LINE,
    HEADERS,
    OPTIONAL_HEADERS,
    export_members,
    import_members,
)
from partybuilding.services.members import can_see_personal_data

PENDING_SESSION_KEY = "party_member_excel_imports"


class PartyMemberExcelAdminMixin(ExcelImportAdminMixin):
    """Adds Excel import and export to the PartyMember ModelAdmin.

    List it before ``admin.ModelAdmin`` in the bases. The export starts from the
    changelist's queryset (filters and search applied) and narrows it with ``visible_to``
    itself; the import needs add and change permission, writes into the user's street and
    reaches only the branches the user may manage.
    """

    pending_session_key = PENDING_SESSION_KEY

    def import_excel(self, source, *, street, actor, dry_run):
        return import_members(source, street=street, actor=actor, dry_run=dry_run)

    def excel_changelist_context(self, request):
        return {"excel_export_masked": not can_see_personal_data(request.user)}

    def write_excel_export(self, request, queryset, buffer):
        masked = not can_see_personal_data(request.user)
        export_members(queryset, buffer, masked=masked)
        label = "党员-已脱敏" if masked else "党员"
        return f"{label}-{timezone.localdate():%Y%m%d}.xlsx"

    def excel_import_context(self, request, street):
        return {
            "title": _("Import party members from Excel"),
            "intro": [
                _(
                    "Party members are imported into %(street)s. A member whose ID number is "
                    "already on record is updated; any other row adds a member. A move to "
                    "another branch is not imported: record it as a transfer."
                )
                % {"street": street.name}
            ],
            "headers": HEADERS,
            "optional_headers": sorted(OPTIONAL_HEADERS),
            "first_data_line": FIRST_DATA_LINE,
            "notes": [
                _(
                    "A masked export (ID numbers with *) cannot be imported: use a full export "
                    "made by street staff."
                )
            ],
        }
