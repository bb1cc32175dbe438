from accounts.management_base import ExcelImportCommand, street_from_option
from incubation.excel import import_organizations

__all__ = ["Command", "street_from_option"]


class Command(ExcelImportCommand):
    help = (
        "Import organizations from an .xlsx file: every row is checked first, and nothing is "
        "written unless all rows are right. Errors name the Excel line (the header is line 1)."
    )

    def import_file(self, path, *, street, dry_run):
        return import_organizations(path, street=street, actor=None, dry_run=dry_run)
