"""Shared base of the Excel import management commands."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Street


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


class ExcelImportCommand(BaseCommand):
    """Imports an .xlsx file with ``import_file`` (all rows or none) and reports on it."""

    def import_file(self, path: Path, *, street, dry_run: bool):
        """Import ``path`` into ``street`` as the system; return the report."""
        raise ImproperlyConfigured(f"{type(self).__name__} must define import_file()")

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
        report = self.import_file(path, street=street_from_option(street), dry_run=dry_run)
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
