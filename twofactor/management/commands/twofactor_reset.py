from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from twofactor.services import two_factor_reset


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator and recovery codes (lost phone and lost codes); "
        "their next sign-in asks for a new set-up where two-factor sign-in is required."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user named %(name)s.") % {"name": username})
        if two_factor_reset(user=user):
            self.stdout.write(_("Two-factor sign-in of %(name)s was reset.") % {"name": username})
        else:
            self.stdout.write(
                _("%(name)s had no two-factor sign-in; nothing changed.") % {"name": username}
            )
