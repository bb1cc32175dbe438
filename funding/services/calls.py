"""Setting up a call: budget and cap, tracks, weighted criteria and the tranche plan."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ActionRefused
from funding.choices import MilestoneKind, TrackKind
from funding.models import CallTrack, Criterion, GrantCall, Milestone
from funding.permissions import is_street_staff
from funding.workflows import DEFAULT_MILESTONES

HUNDRED = Decimal("100")


def check_weights(weights: Iterable) -> None:
    """Criteria weights must sum to 100."""
    weights = [Decimal(w) for w in weights]
    if not weights:
        raise ValidationError(_("Give at least one scoring criterion."), code="no_criteria")
    if sum(weights) != HUNDRED:
        raise ValidationError(
            _("The criteria weights sum to %(total)s; they must sum to 100."),
            code="weights_sum",
            params={"total": sum(weights)},
        )


def check_plan(milestones: Iterable[tuple[str, object]]) -> None:
    """Tranche percentages must sum to 100, one per milestone."""
    milestones = [(kind, Decimal(percent)) for kind, percent in milestones]
    kinds = [kind for kind, _percent in milestones]
    if len(set(kinds)) != len(kinds):
        raise ValidationError(_("Each milestone may appear once."), code="milestone_twice")
    for kind in kinds:
        if kind not in MilestoneKind.values:
            raise ValidationError(_("Unknown milestone."), code="milestone_unknown")
    total = sum(percent for _kind, percent in milestones)
    if total != HUNDRED:
        raise ValidationError(
            _("The tranche shares sum to %(total)s%%; they must sum to 100%%."),
            code="plan_sum",
            params={"total": total},
        )


@transaction.atomic
def call_create(
    *,
    street,
    year: int,
    title: str,
    total_budget,
    per_project_cap,
    opens_on: datetime.date,
    closes_on: datetime.date,
    criteria: Iterable[tuple[str, object]],
    theme: str = "",
    tracks: Iterable[tuple[str, object]] = ((TrackKind.REGISTERED, None), (TrackKind.FILED, None)),
    milestones: Iterable[tuple[str, object]] = DEFAULT_MILESTONES,
    actor,
) -> GrantCall:
    """A call with its tracks (kind, cap or None for the call's cap), criteria (name,
    weight summing to 100) and tranche plan (milestone, percent summing to 100; default
    50% on agreement, 50% on final acceptance)."""
    if not is_street_staff(actor, street.pk):
        raise ActionRefused(_("Only the street staff may set up a call."))
    criteria, milestones, tracks = list(criteria), list(milestones), list(tracks)
    check_weights(weight for _name, weight in criteria)
    check_plan(milestones)
    if not tracks:
        raise ValidationError(_("Open the call to at least one track."), code="no_tracks")
    call = GrantCall(
        street=street,
        year=year,
        title=title,
        theme=theme,
        total_budget=Decimal(total_budget),
        per_project_cap=Decimal(per_project_cap),
        opens_on=opens_on,
        closes_on=closes_on,
    )
    call.full_clean()
    call.save()
    CallTrack.objects.bulk_create(
        CallTrack(call=call, kind=kind, per_project_cap=None if cap is None else Decimal(cap))
        for kind, cap in tracks
    )
    Criterion.objects.bulk_create(
        Criterion(call=call, name=name, weight=Decimal(weight), position=index)
        for index, (name, weight) in enumerate(criteria)
    )
    Milestone.objects.bulk_create(
        Milestone(call=call, kind=kind, percent=Decimal(percent)) for kind, percent in milestones
    )
    return call


def call_save(*, call: GrantCall, actor) -> GrantCall:
    """Save a call's own fields (the admin's edit form)."""
    if not is_street_staff(actor, call.street_id):
        raise ActionRefused(_("Only the street staff may set up a call."))
    call.full_clean()
    call.save()
    return call
