import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Community, Street
from reporting.selectors import headline_figures


class Command(BaseCommand):
    help = "Print the hub's headline figures (organizations, party building, grants, foundation)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON object")
        parser.add_argument("--street", help="street code")
        parser.add_argument("--community", help="community code (within --street)")

    def handle(self, *args, street=None, community=None, **options):
        street_obj = community_obj = None
        if street:
            street_obj = Street.objects.filter(code=street).first()
            if street_obj is None:
                raise CommandError(f"No street with code {street!r}.")
        if community:
            communities = Community.objects.filter(code=community)
            if street_obj is not None:
                communities = communities.filter(street=street_obj)
            if communities.count() != 1:
                raise CommandError(
                    f"Community code {community!r} is unknown or ambiguous; add --street."
                )
            community_obj = communities.get()
        figures = headline_figures(street=street_obj, community=community_obj)
        if options["json"]:
            self.stdout.write(_dumps(figures))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key}: {value}")


def _money(value):
    # Money leaves the platform as yuan with two decimals, in a string (never a float).
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# Decimal figures that are not money: written with their own precision, still a string.
HOURS_KEYS = ("volunteer_hours_total",)


def _dumps(figures: dict) -> str:
    figures = {**figures, **{k: f"{figures[k]:.1f}" for k in HOURS_KEYS if k in figures}}
    return json.dumps(figures, ensure_ascii=False, indent=2, default=_money)
