"""python manage.py evaluation_reports --year YYYY --out DIR [--org CODE ...]

Writes one ``<code or filing number>-<year>.pdf`` per finalized review of that year (all
streets unless --street): the frozen report as stored, rendering from its snapshot only the
ones not frozen yet. A frozen report is never rendered again."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from evaluation.models import Review
from evaluation.reports import report_bytes, report_filename, report_freeze, report_issue
from evaluation.workflows import ReviewStatus


class Command(BaseCommand):
    help = "Write the PDF reports of a year's finalized annual reviews to a folder."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="Folder to write the PDFs into.")
        parser.add_argument(
            "--org",
            nargs="*",
            default=[],
            help="Only these organizations (unified social credit code or filing number).",
        )
        parser.add_argument("--street", help="Only this street (its code).")

    def handle(self, *args, year, out, org, street=None, **options):
        reviews = (
            Review.objects.filter(cycle__year=year, status=ReviewStatus.FINALIZED)
            .select_related(
                "cycle", "cycle__street", "organization", "organization__community", "frozen_report"
            )
            .order_by("organization__name", "pk")
        )
        if street:
            reviews = reviews.filter(cycle__street__code=street)
        if org:
            codes = [c.strip().upper() for c in org]
            reviews = reviews.filter(
                Q(organization__uscc__in=codes) | Q(organization__filing_number__in=codes)
            )
            found = {r.organization.identifier for r in reviews}
            unknown = [c for c in codes if c not in found]
            if unknown:
                raise CommandError(f"No finalized {year} review for: {', '.join(unknown)}")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        written = 0
        for review in reviews:
            report_issue(review)
            report_freeze(review)
            (folder / report_filename(review)).write_bytes(report_bytes(review))
            written += 1
        self.stdout.write(f"{written} report(s) written to {folder}")
