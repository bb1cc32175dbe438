import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Street
from reporting.models import ReportKind
from reporting.services import periodic_report_email, periodic_report_generate


class Command(BaseCommand):
    help = (
        "Generate the statistics report of a month (--month YYYY-MM) or a year (--year YYYY) "
        "for every street (or --street CODE): store it, write <street>-<period>.pdf and .xlsx "
        "into --out, and with --email send it to the street admins."
    )

    def add_arguments(self, parser):
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--month", help="YYYY-MM")
        period.add_argument("--year", type=int, help="YYYY (the annual report)")
        parser.add_argument("--out", required=True, help="directory for the files")
        parser.add_argument("--street", help="street code (default: every street)")
        parser.add_argument("--email", action="store_true", help="also e-mail the street admins")

    def handle(self, *args, month=None, year=None, out, street=None, email=False, **options):
        if month:
            try:
                start = datetime.datetime.strptime(month, "%Y-%m").date()
            except ValueError:
                raise CommandError(_("Write the month as YYYY-MM, e.g. 2026-10.")) from None
            kind = ReportKind.MONTHLY
        else:
            start, kind = datetime.date(year, 1, 1), ReportKind.ANNUAL
        streets = Street.objects.all()
        if street:
            streets = streets.filter(code=street)
            if not streets.exists():
                raise CommandError(
                    _("There is no street with the code %(code)s.") % {"code": street}
                )
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        for street_obj in streets:
            report = periodic_report_generate(street=street_obj, kind=kind, period_start=start)
            for field, suffix in ((report.pdf, "pdf"), (report.xlsx, "xlsx")):
                target = folder / f"{report.file_stem}.{suffix}"
                with field.open("rb") as stored:
                    target.write_bytes(stored.read())
                self.stdout.write(str(target))
            if email:
                periodic_report_email(report)
