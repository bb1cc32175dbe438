from marketplace.excel import import_wishes
from marketplace.management.base import MarketplaceImportCommand


class Command(MarketplaceImportCommand):
    help = (
        "Import micro-wishes with their beneficiaries from an .xlsx file as --user: every "
        "row is checked first, and nothing is written unless all rows are right. Errors "
        "name the Excel line (the header is line 1)."
    )

    def run_import(self, path, *, street, actor, dry_run):
        return import_wishes(path, street=street, actor=actor, dry_run=dry_run)
