from accounts.management_base import ExcelImportCommand
from partybuilding.members_excel import import_members


class Command(ExcelImportCommand):
    help = (
        "Import party members from an .xlsx file (the columns of export_party_members). Every "
        "row is checked first and nothing is written unless all rows are right; a member "
        "already on record (same ID number) is updated. Errors name the Excel line (the "
        "header is line 1) and column; exits with status 1 when there are any."
    )

    def import_file(self, path, *, street, dry_run):
        return import_members(path, street=street, actor=None, dry_run=dry_run)
