from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.management_base import street_from_option
from accounts.models import Community
from incubation.excel import export_organizations
from incubation.models import Organization


class Command(BaseCommand):
    help = "Export organizations to an .xlsx file with the columns the import reads."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file to write")
        parser.add_argument("--street", metavar="CODE", help="Only this street.")
        parser.add_argument(
            "--community", metavar="CODE", help="Only this community (of --street, if given)."
        )

    def handle(self, *args, file, street=None, community=None, **options):
        organizations = Organization.objects.all()
        communities = Community.objects.filter(code=community)
        if street:
            street = street_from_option(street)
            organizations = organizations.filter(community__street=street)
            communities = communities.filter(street=street)
        if community:
            found = list(communities[:2])
            if not found:
                raise CommandError(
                    _("There is no community with the code %(code)s.") % {"code": community}
                )
            if len(found) > 1:
                raise CommandError(
                    _("Several streets have a community with the code %(code)s; add --street.")
                    % {"code": community}
                )
            organizations = organizations.filter(community=found[0])
        count = export_organizations(organizations, file)
        self.stdout.write(
            _("%(count)d organization(s) written to %(path)s.") % {"count": count, "path": file}
        )
