from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Street
from incubation.excel import import_organizations


def street_from_option(code: str | None) -> Street:
    """The street named by ``--street``, or the only one there is."""
    if code:
        street = Street.objects.filter(code=code).first()
        if street is None:
            raise CommandError(
                _("There is no street with the code %(code)s; the codes are: %(codes)s.")
                % {"code": code, "codes": ", ".join(Street.objects.values_list("code", flat=True))}
            )
        return street
    streets = list(Street.objects.all()[:2])
    if len(streets) == 1:
        return streets[0]
    raise CommandError(
        _("Name the street with --street CODE; the codes are: %(codes)s.")
        % {"codes": ", ".join(Street.objects.values_list("code", flat=True)) or "-"}
    )


class Command(BaseCommand):
    help = (
        "Import organizations from an .xlsx file: every row is checked first, and nothing is "
        "written unless all rows are right. Errors name the Excel line (the header is line 1)."
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
        report = import_organizations(
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
