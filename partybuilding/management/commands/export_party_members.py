from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.management_base import street_from_option
from partybuilding.members_excel import export_members
from partybuilding.models import PartyMember


class Command(BaseCommand):
    help = (
        "Export party members to an .xlsx file with the columns import_party_members reads. "
        "ID and phone numbers are masked unless --unmasked is given; a masked file cannot be "
        "imported back."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file to write")
        parser.add_argument("--street", metavar="CODE", help="Only this street.")
        parser.add_argument(
            "--unmasked",
            action="store_true",
            help="Write full ID and phone numbers (a file that can be imported back).",
        )

    def handle(self, *args, file, street=None, unmasked=False, **options):
        members = PartyMember.objects.all()
        if street:
            members = members.filter(branch__street=street_from_option(street))
        count = export_members(members, file, masked=not unmasked)
        self.stdout.write(
            _("%(count)d party member(s) written to %(path)s.") % {"count": count, "path": file}
        )
        if not unmasked:
            self.stdout.write(
                _(
                    "ID and phone numbers are masked; this file cannot be imported back "
                    "(use --unmasked for that)."
                )
            )
