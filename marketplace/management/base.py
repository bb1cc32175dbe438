"""Shared base of the marketplace's import commands: the house ``ExcelImportCommand`` with
``--user``, the importer on record (the services record who collected each row, and a
row may name only a community that user may manage)."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from accounts.management_base import ExcelImportCommand
from accounts.models import User


def user_from_option(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("There is no active user %(name)s.") % {"name": username})
    return user


class MarketplaceImportCommand(ExcelImportCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            required=True,
            help="The staff account the rows are collected by (its communities only).",
        )

    def handle(self, *args, user, **options):
        self.actor = user_from_option(user)
        return super().handle(*args, **options)

    def import_file(self, path, *, street, dry_run):
        return self.run_import(path, street=street, actor=self.actor, dry_run=dry_run)
