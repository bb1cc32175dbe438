"""Cycles: create, and the one transition function (draft → open → closed)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed
from evaluation.choices import GRADE_ORDER, EvaluatorGroup
from evaluation.models import Cycle, CycleEvent
from evaluation.permissions import can_run_evaluation
from evaluation.services.templates import template_freeze
from evaluation.workflows import CYCLE_TRANSITIONS, CycleStatus

CYCLE_FIELDS = (
    "thresholds",
    "weights",
    "party_rule",
    "pass_mark",
    "basic_pass_mark",
    "spread_limit",
)


def clean_cycle(cycle: Cycle) -> None:
    errors = {}
    thresholds = cycle.thresholds or {}
    if set(thresholds) - set(GRADE_ORDER[1:]):
        errors["thresholds"] = _("Thresholds are given for 2A, 3A, 4A and 5A only.")
    else:
        try:
            values = [float(thresholds[g]) for g in GRADE_ORDER[1:] if g in thresholds]
        except (TypeError, ValueError):
            errors["thresholds"] = _("Each threshold is a number of points.")
        else:
            if values != sorted(values) or len(set(values)) != len(values):
                errors["thresholds"] = _("A higher grade needs a higher threshold.")
    weights = cycle.weights or {}
    if set(weights) - set(EvaluatorGroup.values):
        errors["weights"] = _("Weights are given per evaluator group: %(groups)s.") % {
            "groups": ", ".join(EvaluatorGroup.values)
        }
    else:
        try:
            if (
                any(float(w) < 0 for w in weights.values())
                or sum(float(w) for w in weights.values()) <= 0
            ):
                errors["weights"] = _("Weights are positive and add up to more than zero.")
        except (TypeError, ValueError):
            errors["weights"] = _("Each weight is a number.")
    if cycle.deadline and cycle.opens_on and cycle.deadline < cycle.opens_on:
        errors["deadline"] = _("The deadline comes after the opening date.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cycle_create(*, street, year: int, template, opens_on, deadline, actor, **options) -> Cycle:
    if actor is not None:
        refuse_unless(can_run_evaluation(actor))
    unknown = set(options) - set(CYCLE_FIELDS)
    if unknown:
        raise TypeError(f"not a cycle option: {sorted(unknown)}")
    cycle = Cycle(
        street=street, year=year, template=template, opens_on=opens_on, deadline=deadline, **options
    )
    clean_cycle(cycle)
    cycle.full_clean()
    cycle.save()
    return cycle


@transaction.atomic
def cycle_update(*, cycle: Cycle, actor) -> Cycle:
    """Save the settings changed on ``cycle`` (the admin's form). Never its status, which
    only ``cycle_change_status`` moves; year and template only while it is a draft; a
    closed cycle not at all."""
    if actor is not None:
        refuse_unless(can_run_evaluation(actor))
    stored = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if stored.status == CycleStatus.CLOSED:
        raise ActionRefused(
            _("The %(year)s cycle is closed; its settings stay as they are.")
            % {"year": stored.year}
        )
    fields = ["opens_on", "deadline", *CYCLE_FIELDS, "updated_at"]
    if stored.status == CycleStatus.DRAFT:
        fields += ["year", "template"]
    clean_cycle(cycle)
    cycle.full_clean()
    cycle.save(update_fields=fields)
    return cycle


def cycle_change_status(*, cycle: Cycle, to_status: str, actor) -> CycleEvent | None:
    """The one way a cycle's status changes. Opening freezes its template and tells every
    leader (after commit)."""
    to_status = CycleStatus(to_status)
    if actor is not None:
        refuse_unless(can_run_evaluation(actor))
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        from_status = CycleStatus(locked.status)
        if from_status == to_status:
            return None
        refuse_unless_allowed(
            CYCLE_TRANSITIONS, CycleStatus, from_status, to_status, Cycle._meta.verbose_name
        )
        if to_status == CycleStatus.OPEN:
            template_freeze(locked.template)
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
        event = CycleEvent.record(
            cycle=locked, actor=actor, from_value=from_status, to_value=to_status
        )
        if to_status == CycleStatus.OPEN:
            transaction.on_commit(lambda: _announce(locked.pk))
    cycle.status = locked.status
    return event


def _announce(cycle_id: int) -> None:
    from evaluation.tasks import announce_cycle_opened

    announce_cycle_opened.delay(cycle_id)
