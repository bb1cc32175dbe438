from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from incubation.management.commands.import_organizations import street_from_option
from partybuilding.members_excel import import_members


class Command(BaseCommand):
    help = (
        "Import party members from an .xlsx file (the columns of export_party_members). Every "
        "row is checked first and nothing is written unless all rows are right; a member "
        "already on record (same ID number) is updated. Errors name the Excel line (the "
        "header is line 1) and column; exits with status 1 when there are any."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        parser.add_argument(
            "--street", metavar="CODE", help="Street code (needed when there are several)."
        )

    def handle(self, *args, file, dry_run=False, street=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        report = import_members(
            path, street=street_from_option(street), actor=None, dry_run=dry_run
        )
        if not report.ok:
            for error in report.errors:
                self.stderr.write(error.message)
            raise CommandError(
                _("%(count)d error(s); nothing was written.") % {"count": len(report.errors)},
                returncode=1,
            )
        self.stdout.write(report.summary())
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
