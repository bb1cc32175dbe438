"""python manage.py freeze_agreements [--snapshot-only]

For grants whose agreement was recorded before agreements were frozen (and for any whose
render was lost): takes the missing snapshots — from the data as it is now, the best
there is for them, dated the signing day — and renders every agreement not frozen yet,
once. Frozen agreements are left alone."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from funding.agreements import agreement_freeze, agreement_issue
from funding.models import Application, GrantAgreement


class Command(BaseCommand):
    help = "Snapshot and freeze the grant agreements that have none yet."

    def add_arguments(self, parser):
        parser.add_argument(
            "--snapshot-only",
            action="store_true",
            help="Capture the content now; render on first download.",
        )

    def handle(self, *args, snapshot_only=False, **options):
        apps = (
            Application.objects.filter(agreement_signed_on__isnull=False)
            .exclude(agreement__sha256__gt="")
            .select_related("call", "call__street", "organization", "organization__community")
            .order_by("pk")
        )
        issued = frozen = 0
        for app in apps.iterator(chunk_size=200):
            if not GrantAgreement.objects.filter(application=app).exists():
                signed = datetime.datetime.combine(app.agreement_signed_on, datetime.time(10))
                agreement_issue(app, issued_at=timezone.make_aware(signed))
                issued += 1
            app = Application.objects.select_related("agreement").get(pk=app.pk)
            if not snapshot_only and agreement_freeze(app).is_frozen:
                frozen += 1
        self.stdout.write(f"{issued} snapshot(s) taken, {frozen} agreement(s) frozen")
