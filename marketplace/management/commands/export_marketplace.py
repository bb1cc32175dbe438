from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.management_base import street_from_option
from marketplace.excel import KINDS, MODELS, export_list, unknown_kind_message
from marketplace.management.base import user_from_option


class Command(BaseCommand):
    help = (
        "Export one marketplace list (needs, resources, projects, wishes, claims) to an "
        ".xlsx file. Wishes carry their beneficiaries only with --user, for what that "
        "user may see."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="one of: " + ", ".join(KINDS))
        parser.add_argument("file", help="the .xlsx file to write")
        parser.add_argument("--street", metavar="CODE", help="Only this street.")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Export what this user sees (and the beneficiaries only if they may).",
        )

    def handle(self, *args, kind, file, street=None, user=None, **options):
        if kind not in KINDS:
            raise CommandError(unknown_kind_message(kind))
        queryset = MODELS[kind].objects.all()
        viewer = None
        if user:
            viewer = user_from_option(user)
            queryset = queryset.visible_to(viewer)
        if street:
            street = street_from_option(street)
            path = "street" if kind == "resources" else "community__street"
            queryset = queryset.filter(**{path: street})
        count = export_list(kind, queryset, file, viewer=viewer)
        self.stdout.write(
            _("%(count)d row(s) written to %(path)s.") % {"count": count, "path": file}
        )
