from marketplace.excel import import_needs
from marketplace.management.base import MarketplaceImportCommand


class Command(MarketplaceImportCommand):
    help = (
        "Import needs from an .xlsx file as --user: every row is checked first, and nothing "
        "is written unless all rows are right. Errors name the Excel line (the header is "
        "line 1)."
    )

    def run_import(self, path, *, street, actor, dry_run):
        return import_needs(path, street=street, actor=actor, dry_run=dry_run)
