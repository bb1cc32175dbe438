"""Send beat's reminder tasks to the workers now instead of at 08:00.

    manage.py remind_now                      # the daily *-reminders entries
    manage.py remind_now statistics-reports   # any entry of CELERY_BEAT_SCHEDULE by name

Reminders are sent once per organization, kind and period, so running this besides beat
sends nothing twice. With a broker the tasks go through it exactly as beat's would (the
worker runs them and e-mails the notifications); with tasks inline they run here.
"""

from celery import current_app as app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.queue import enqueue

REMINDER_SUFFIX = "-reminders"


class Command(BaseCommand):
    help = "Send beat's reminder tasks (or the named beat entries) to the workers now."

    def add_arguments(self, parser):
        parser.add_argument(
            "entries",
            nargs="*",
            metavar="ENTRY",
            help="beat entries by name (default: every *-reminders entry)",
        )

    def handle(self, *args, entries, **options):
        schedule = settings.CELERY_BEAT_SCHEDULE
        names = entries or [name for name in schedule if name.endswith(REMINDER_SUFFIX)]
        unknown = [name for name in names if name not in schedule]
        if unknown:
            raise CommandError(
                f"Unknown beat entry: {', '.join(unknown)}. Known: {', '.join(schedule)}."
            )
        app.loader.import_default_modules()
        for name in names:
            task = app.tasks[schedule[name]["task"]]
            if settings.CELERY_TASK_ALWAYS_EAGER:
                result = task.apply(throw=True).get()
                self.stdout.write(f"{name}: ran inline ({task.name}): {result}")
            elif enqueue(task):
                self.stdout.write(f"{name}: sent to the workers ({task.name})")
            else:
                raise CommandError(f"{name}: the broker is unreachable; nothing was sent.")
