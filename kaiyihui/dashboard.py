"""The street dashboard: the headline figures with bars drawn on the server (no chart
library, works under a strict CSP), each figure linking to the list behind it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from incubation.choices import LegalStatus
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


def stage_bars(figures: dict, community=None) -> list[Bar]:
    extra = {"community": community.pk} if community else {}
    return bars(
        [
            (
                str(stage.label),
                figures["organizations_by_stage"][stage.value],
                _admin_list(stage=stage.value, **extra),
            )
            for stage in LIFECYCLE_STAGES
        ]
    )


def legal_status_bars(figures: dict, community=None) -> list[Bar]:
    extra = {"community": community.pk} if community else {}
    return bars(
        [
            (
                str(status.label),
                figures["organizations_by_legal_status"][status.value],
                _admin_list(legal_status=status.value, **extra),
            )
            for status in LegalStatus
        ]
    )
