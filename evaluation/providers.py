"""This app's own pre-fill providers (registered from EvaluationConfig.ready): what the
platform already knows about an organization's year."""

from django.utils.translation import gettext_lazy as _

from evaluation.prefill import register_prefill


def incubation_services(org, year: int) -> int:
    from incubation.models import IncubationServiceRecord

    return IncubationServiceRecord.objects.filter(organization=org, date__year=year).count()


def party_activities(org, year: int) -> int:
    from partybuilding.models import PartyActivity

    return PartyActivity.objects.filter(organization=org, date__year=year).count()


def activities_list(org, year: int) -> list[str]:
    from incubation.models import IncubationServiceRecord
    from partybuilding.models import PartyActivity

    lines = [
        f"{a.date:%m-%d} {a.title}"
        for a in PartyActivity.objects.filter(organization=org, date__year=year).order_by("date")[
            :50
        ]
    ]
    lines += [
        f"{s.date:%m-%d} {s.get_kind_display()} · {s.provider}"
        for s in IncubationServiceRecord.objects.filter(organization=org, date__year=year).order_by(
            "date"
        )[:50]
    ]
    return lines


def register() -> None:
    register_prefill("activities_logged", _("Incubation services logged"), incubation_services)
    register_prefill("party_activities", _("Party activities logged"), party_activities)
    register_prefill("activities_list", _("Activities logged"), activities_list)
