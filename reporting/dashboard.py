"""The street dashboard: the headline figures with bars drawn on the server (no chart
library, works under a strict CSP), each figure linking to the list behind it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from incubation.choices import Grade, GrowthLevel, LegalStatus
from incubation.workflows import LIFECYCLE_STAGES


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    url: str
    width_percent: float


def bars(items: list[tuple[str, int, str]]) -> list[Bar]:
    """Horizontal bars scaled to the largest value."""
    top = max((value for _label, value, _url in items), default=0) or 1
    return [Bar(label, value, url, round(100 * value / top, 1)) for label, value, url in items]


def _admin_list(**filters) -> str:
    return reverse("admin:incubation_organization_changelist") + "?" + urlencode(filters)


def _choice_bars(figures: dict, key: str, field: str, choices, community=None) -> list[Bar]:
    """Bars for one breakdown of organizations by a choice field, each bar linking to the
    admin list filtered the same way."""
    extra = {"community": community.pk} if community else {}
    counts = figures[key]
    return bars(
        [
            (str(choice.label), counts[choice.value], _admin_list(**{field: choice.value}, **extra))
            for choice in choices
        ]
    )


def stage_bars(figures: dict, community=None) -> list[Bar]:
    return _choice_bars(figures, "organizations_by_stage", "stage", LIFECYCLE_STAGES, community)


def legal_status_bars(figures: dict, community=None) -> list[Bar]:
    return _choice_bars(
        figures, "organizations_by_legal_status", "legal_status", LegalStatus, community
    )


def growth_level_bars(figures: dict, community=None) -> list[Bar]:
    return _choice_bars(
        figures, "organizations_by_growth_level", "growth_level", GrowthLevel, community
    )


def grade_bars(figures: dict, community=None) -> list[Bar]:
    return _choice_bars(figures, "organizations_by_grade", "grade", Grade, community)


def community_bars(figures: dict, communities) -> list[Bar]:
    """``communities`` are the ones the user may see, so names map to their ids."""
    ids = {community.name: community.pk for community in communities}
    return bars(
        [
            (name, count, _admin_list(community=ids[name]) if name in ids else "")
            for name, count in figures["organizations_by_community"].items()
        ]
    )


@dataclass(frozen=True)
class Column:
    label: str
    value: int
    url: str
    x: float
    height: float
    width: float

    @property
    def y(self) -> float:
        return round(CHART_HEIGHT - self.height, 1)


# The column chart's drawing box (SVG user units); labels sit below it in HTML.
CHART_HEIGHT = 100


def columns(items: list[tuple[str, int, str]]) -> list[Column]:
    """Vertical columns scaled to the largest value, laid out left to right."""
    top = max((value for _label, value, _url in items), default=0) or 1
    slot = 100 / max(len(items), 1)
    return [
        Column(
            label,
            value,
            url,
            x=round(index * slot + slot * 0.15, 2),
            height=round(CHART_HEIGHT * value / top, 1),
            width=round(slot * 0.7, 2),
        )
        for index, (label, value, url) in enumerate(items)
    ]


def _activity_list(**filters) -> str:
    return reverse("admin:partybuilding_partyactivity_changelist") + "?" + urlencode(filters)


def activity_month_columns(trends: dict, year: int) -> list[Column]:
    return columns(
        [
            (str(month), count, _activity_list(date__year=year, date__month=month))
            for month, count in trends["party_activities_by_month"].items()
        ]
    )


def activity_year_columns(trends: dict) -> list[Column]:
    return columns(
        [
            (str(year), count, _activity_list(date__year=year))
            for year, count in trends["party_activities_by_year"].items()
        ]
    )


def founded_year_columns(trends: dict) -> list[Column]:
    return columns(
        [
            (str(year), count, _admin_list(founded_on__year=year))
            for year, count in trends["organizations_founded_by_year"].items()
        ]
    )


FUNDED_FILTER = "status__in=approved,in_progress,completed,terminated"


def funded_grants_url(**filters) -> str:
    query = urlencode(filters)
    return (
        reverse("admin:funding_application_changelist")
        + f"?{FUNDED_FILTER}"
        + (f"&{query}" if query else "")
    )


def grant_year_columns(trends: dict) -> list[Column]:
    return columns(
        [
            (str(year), count, funded_grants_url(call__year=year))
            for year, (count, _amount) in trends["grants_by_year"].items()
        ]
    )
