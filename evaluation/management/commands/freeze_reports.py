"""python manage.py freeze_reports [--year YYYY] [--street CODE] [--snapshot-only]

For reviews finalized before reports were frozen at finalization (and for any whose render
was lost): takes the missing snapshots — from the data as it is now, the best there is
for them — and renders every report not frozen yet, once. Frozen reports are left alone.
``--snapshot-only`` fixes the content quickly and leaves rendering to the first download
or the batch job."""

from django.core.management.base import BaseCommand

from evaluation.models import Review
from evaluation.reports import report_freeze, report_issue
from evaluation.workflows import ReviewStatus


class Command(BaseCommand):
    help = "Snapshot and freeze the reports of finalized reviews that have none yet."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--street", help="Only this street (its code).")
        parser.add_argument(
            "--snapshot-only",
            action="store_true",
            help="Capture the content now; render on first download or by the batch job.",
        )

    def handle(self, *args, year=None, street=None, snapshot_only=False, **options):
        reviews = (
            Review.objects.filter(status=ReviewStatus.FINALIZED)
            .exclude(frozen_report__sha256__gt="")
            .select_related(
                "cycle", "cycle__street", "organization", "organization__community", "frozen_report"
            )
            .order_by("pk")
        )
        if year:
            reviews = reviews.filter(cycle__year=year)
        if street:
            reviews = reviews.filter(cycle__street__code=street)
        issued = frozen = 0
        for review in reviews.iterator(chunk_size=200):
            had = hasattr(review, "frozen_report")
            report_issue(review)
            issued += not had
            if not snapshot_only and report_freeze(review).is_frozen:
                frozen += 1
        self.stdout.write(f"{issued} snapshot(s) taken, {frozen} report(s) frozen")
