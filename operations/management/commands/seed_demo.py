from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from accounts.demo import ACCOUNTS
from accounts.models import User
from operations.demo import seed_demo
from volunteering.demo import demo_logins


class Command(BaseCommand):
    help = "Load the demo data (凯旋街道, demo accounts). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Allow seeding with DJANGO_DEBUG off."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users.",
        )

    def handle(self, *args, force=False, if_empty=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password; it refuses to run "
                "with DJANGO_DEBUG off. Pass --force if this really is a demo server."
            )
        if if_empty and User.objects.exists():
            self.stdout.write("Database already has data; demo data not loaded.")
        else:
            # The demo's history would otherwise e-mail its leaders hundreds of times at
            # once; in-app notifications are still kept.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                counts = seed_demo(progress=self._progress)
            summary = ", ".join(f"{key}: {value}" for key, value in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data ready ({summary})."))
        self.stdout.write(f"Demo logins (password for all: {settings.DEMO_PASSWORD}):")
        for username, role, full_name, _community in ACCOUNTS:
            self.stdout.write(f"  {username:<11} {role.value:<16} {full_name}")
        for username, role, full_name in demo_logins():
            self.stdout.write(f"  {username:<11} {role:<16} {full_name}")

    def _progress(self, line: str) -> None:
        # Flushed at once: make run pipes the output, and ~20 s of silence looks hung.
        self.stdout.write(line)
        self.stdout.flush()
