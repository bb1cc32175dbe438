"""The lifecycle: stages, phases, intake, graduation, re-election, terms, reviews, grades."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import human_date
from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.queue import enqueue
from incubation.checkpoints import run_checkpoint
from incubation.choices import AnnualReviewResult, EventKind
from incubation.models import CheckpointOverride, Organization, OrganizationEvent
from incubation.permissions import (
    can_change_stage,
    can_manage_street_records,
    can_override_checkpoint,
)
from incubation.rules import add_months, add_years, rules
from incubation.services._common import _lock, _plain, _record, _refuse_outside_area
from incubation.workflows import PHASE_TRANSITIONS, STAGE_TRANSITIONS, IncubationPhase, Stage

# --- The lifecycle ----------------------------------------------------------------------


def organization_change_stage(
    *,
    organization: Organization,
    to_stage: str,
    actor,
    note: str = "",
    evidence: dict | None = None,
    today: datetime.date | None = None,
    override_reason: str = "",
) -> OrganizationEvent | None:
    """The one way an organization's lifecycle stage changes.

    Returns the audit event, or None when the organization is already in ``to_stage``.
    Raises ActionRefused naming what is missing. A street administrator may let a missing
    party-building checkpoint pass by giving ``override_reason``: the stage changes, and
    a ``CheckpointOverride`` records what was missing, why and by whom (the timeline event
    carries it too). A reason given when nothing is missing changes nothing.
    """
    to_stage = Stage(to_stage)
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        org = _lock(organization)
        from_stage = Stage(org.stage)
        if from_stage == to_stage:
            return None
        if to_stage not in STAGE_TRANSITIONS[from_stage]:
            allowed = "、".join(str(Stage(s).label) for s in sorted(STAGE_TRANSITIONS[from_stage]))
            raise ActionRefused(
                _("An organization in %(from)s cannot move to %(to)s. Possible next: %(allowed)s.")
                % {
                    "from": from_stage.label,
                    "to": to_stage.label,
                    "allowed": allowed or _("none (the lifecycle has ended)"),
                }
            )
        refuse_unless(can_change_stage(actor, org, to_stage))
        checked, overridden = {}, []
        if to_stage not in (Stage.WITHDRAWN, Stage.DEREGISTERED):
            result = run_checkpoint(org, from_stage, evidence or {})
            if not result.ok:
                if not override_reason:
                    refusal = ActionRefused(
                        _(
                            "%(stage)s cannot be completed: its party-building checkpoint is "
                            "missing — %(missing)s."
                        )
                        % {"stage": from_stage.label, "missing": "; ".join(result.missing)},
                        missing=result.missing,
                    )
                    # Forms offer the override for this refusal only.
                    refusal.checkpoint = from_stage
                    raise refusal
                refuse_unless(can_override_checkpoint(actor))
                overridden = [str(item) for item in result.missing]
            checked = result.evidence
        if to_stage == Stage.GRADUATED:
            from incubation.selectors import graduation_unmet

            unmet = graduation_unmet(org, today=today)
            if unmet:
                raise ActionRefused(
                    _("Graduation criteria not met: %(unmet)s.") % {"unmet": "; ".join(unmet)},
                    missing=unmet,
                )
        org.stage = to_stage
        org.stage_changed_at = timezone.now()
        org.save(update_fields=["stage", "stage_changed_at", "updated_at"])
        event = _record(
            org,
            EventKind.STAGE_CHANGED,
            actor,
            from_value=from_stage,
            to_value=to_stage,
            note=note,
            evidence={
                "checkpoint": checked,
                **({"given": evidence} if evidence else {}),
                **(
                    {"override": {"missing": overridden, "reason": override_reason}}
                    if overridden
                    else {}
                ),
            },
        )
        if overridden:
            override = CheckpointOverride(
                organization=org,
                stage=from_stage,
                to_stage=to_stage,
                missing="\n".join(overridden),
                reason=override_reason,
                actor=actor,
                event=event,
            )
            override.full_clean()
            override.save()
        transaction.on_commit(lambda: _announce_stage_change(event.pk))
    organization.stage = org.stage
    organization.stage_changed_at = org.stage_changed_at
    return event


def _announce_stage_change(event_id: int) -> None:
    from incubation.tasks import announce_stage_change

    # Small work: with the broker down it runs here rather than being lost.
    enqueue(announce_stage_change, event_id, inline=True)


def organization_change_phase(
    *,
    organization: Organization,
    to_phase: str,
    actor,
    note: str = "",
    evidence: dict | None = None,
) -> OrganizationEvent | None:
    """The one way the incubation phase changes (入壳 → 孵化中 → 出壳 → 跟踪服务)."""
    to_phase = IncubationPhase(to_phase)
    with transaction.atomic():
        org = _lock(organization)
        from_phase = IncubationPhase(org.incubation_phase)
        if from_phase == to_phase:
            return None
        if to_phase not in PHASE_TRANSITIONS[from_phase]:
            raise ActionRefused(
                _("The incubation phase cannot go from %(from)s to %(to)s.")
                % {"from": from_phase.label, "to": to_phase.label}
            )
        refuse_unless(can_manage_street_records(actor))
        _refuse_outside_area(actor, org)
        org.incubation_phase = to_phase
        org.save(update_fields=["incubation_phase", "updated_at"])
        event = _record(
            org,
            EventKind.PHASE_CHANGED,
            actor,
            from_value=from_phase,
            to_value=to_phase,
            note=note,
            evidence=evidence,
        )
    organization.incubation_phase = org.incubation_phase
    return event


@transaction.atomic
def incubation_intake(
    *,
    organization: Organization,
    agreement_on: datetime.date,
    planned_months: int,
    incubation_type: str,
    actor,
) -> Organization:
    """入壳: the organization signs the incubation agreement."""
    if organization.has_left:
        raise ActionRefused(_("The organization has left the hub."))
    if organization.incubation_phase != IncubationPhase.NONE:
        raise ActionRefused(
            _("The organization is already in the incubator (%(phase)s).")
            % {"phase": organization.get_incubation_phase_display()}
        )
    if planned_months < 1 or planned_months > 60:
        raise ValidationError(
            {"planned_incubation_months": _("Plan between 1 and 60 months of incubation.")}
        )
    if agreement_on > timezone.localdate():
        raise ValidationError(
            {"intake_agreement_on": _("The agreement date cannot be in the future.")}
        )
    organization_change_phase(
        organization=organization,
        to_phase=IncubationPhase.ENTERED,
        actor=actor,
        evidence={
            "agreement_on": agreement_on.isoformat(),
            "planned_months": planned_months,
            "incubation_type": incubation_type,
        },
    )
    org = _lock(organization)
    org.intake_agreement_on = agreement_on
    org.planned_incubation_months = planned_months
    org.incubation_type = incubation_type
    org.full_clean()
    org.save(
        update_fields=[
            "intake_agreement_on",
            "planned_incubation_months",
            "incubation_type",
            "updated_at",
        ]
    )
    return org


@transaction.atomic
def organization_confirm_independence(*, organization: Organization, actor) -> Organization:
    refuse_unless(can_manage_street_records(actor))
    _refuse_outside_area(actor, organization)
    org = _lock(organization)
    if not org.independent_operation_confirmed:
        org.independent_operation_confirmed = True
        org.save(update_fields=["independent_operation_confirmed", "updated_at"])
        _record(
            org,
            EventKind.UPDATED,
            actor,
            evidence={"changed": {"independent_operation_confirmed": [False, True]}},
        )
    return org


@transaction.atomic
def organization_graduate(
    *,
    organization: Organization,
    actor,
    note: str = "",
    evidence: dict | None = None,
    today: datetime.date | None = None,
    override_reason: str = "",
) -> Organization:
    """出壳: leave the hub (lifecycle) and the incubator (phase), criteria checked."""
    organization_change_stage(
        organization=organization,
        to_stage=Stage.GRADUATED,
        actor=actor,
        note=note,
        evidence=evidence,
        today=today,
        override_reason=override_reason,
    )
    if organization.incubation_phase == IncubationPhase.ENTERED:
        organization_change_phase(
            organization=organization, to_phase=IncubationPhase.INCUBATING, actor=actor
        )
    if organization.incubation_phase == IncubationPhase.INCUBATING:
        organization_change_phase(
            organization=organization, to_phase=IncubationPhase.GRADUATED, actor=actor, note=note
        )
    return organization


@transaction.atomic
def re_election_complete(
    *,
    organization: Organization,
    term_start: datetime.date,
    term_end: datetime.date,
    actor,
    evidence: dict | None = None,
    note: str = "",
    override_reason: str = "",
) -> Organization:
    """换届 done: the new term is recorded and the organization returns to 管理.

    Only an organization in 换届 completes one (so the re-election checkpoint is the one
    checked); asking again for the term already recorded is a no-op."""
    if term_end <= term_start:
        raise ValidationError({"term_end": _("The term must end after it starts.")})
    if term_end > add_years(term_start, rules().max_term_years):
        raise ValidationError(
            {
                "term_end": _("A council term lasts at most %(years)d years.")
                % {"years": rules().max_term_years}
            }
        )
    current = _lock(organization)
    if current.stage != Stage.RE_ELECTION:
        if current.stage == Stage.MANAGEMENT and (current.term_start, current.term_end) == (
            term_start,
            term_end,
        ):
            return current
        raise ActionRefused(
            _("Only an organization in re-election can complete one; this one is in %(stage)s.")
            % {"stage": Stage(current.stage).label}
        )
    organization_change_stage(
        organization=organization,
        to_stage=Stage.MANAGEMENT,
        actor=actor,
        evidence=evidence,
        note=note,
        override_reason=override_reason,
    )
    org = _lock(organization)
    old = [_plain(org.term_start), _plain(org.term_end)]
    org.term_start, org.term_end, org.term_extended_until = term_start, term_end, None
    org.save(update_fields=["term_start", "term_end", "term_extended_until", "updated_at"])
    _record(
        org,
        EventKind.TERM_RENEWED,
        actor,
        from_value=old[1] or "",
        to_value=term_end.isoformat(),
        evidence={"old": old, "new": [term_start.isoformat(), term_end.isoformat()]},
    )
    return org


@transaction.atomic
def term_extend(
    *,
    organization: Organization,
    until: datetime.date,
    actor,
    reason: str,
    today: datetime.date | None = None,
) -> Organization:
    """Approve a 换届 extension: at most one year, asked at least three months ahead."""
    refuse_unless(can_manage_street_records(actor))
    _refuse_outside_area(actor, organization)
    today = today or timezone.localdate()
    org = _lock(organization)
    r = rules()
    if org.has_left:
        raise ActionRefused(_("The organization has left the hub."))
    if not org.term_end:
        raise ActionRefused(_("The organization has no council term recorded."))
    if until <= org.term_end or until > add_months(org.term_end, r.max_extension_months):
        raise ActionRefused(
            _("An extension may last at most %(months)d months after the term ends (%(end)s).")
            % {"months": r.max_extension_months, "end": human_date(org.term_end)}
        )
    latest_request = add_months(org.term_end, -r.extension_notice_months)
    if today > latest_request:
        raise ActionRefused(
            _("An extension must be asked for by %(date)s, %(months)d months before the term ends.")
            % {"date": human_date(latest_request), "months": r.extension_notice_months}
        )
    org.term_extended_until = until
    org.save(update_fields=["term_extended_until", "updated_at"])
    _record(
        org,
        EventKind.TERM_RENEWED,
        actor,
        from_value=org.term_end.isoformat(),
        to_value=until.isoformat(),
        note=reason,
        evidence={"extension": True},
    )
    return org


# --- Facts recorded by higher apps --------------------------------------------------------


@transaction.atomic
def organization_record_annual_review(
    *, organization: Organization, year: int, result: str, actor
) -> Organization:
    """Evaluation reports a finished 年检; the organization keeps the latest result."""
    refuse_unless(can_manage_street_records(actor))
    _refuse_outside_area(actor, organization)
    result = AnnualReviewResult(result)
    org = _lock(organization)
    if org.last_annual_review_year and org.last_annual_review_year > year:
        return org
    old = org.last_annual_review_result
    org.last_annual_review_year, org.last_annual_review_result = year, result
    org.save(update_fields=["last_annual_review_year", "last_annual_review_result", "updated_at"])
    _record(
        org,
        EventKind.ANNUAL_REVIEW_RESULT,
        actor,
        from_value=old,
        to_value=result,
        evidence={"year": year},
    )
    return org


@transaction.atomic
def organization_set_grade(
    *, organization: Organization, grade: str, awarded_on: datetime.date, actor, note: str = ""
) -> Organization:
    """Evaluation sets the grade (valid five years); an empty grade removes it."""
    refuse_unless(can_manage_street_records(actor))
    _refuse_outside_area(actor, organization)
    org = _lock(organization)
    old = org.grade
    org.grade = grade
    org.grade_valid_until = add_years(awarded_on, 5) if grade else None
    org.full_clean()
    org.save(update_fields=["grade", "grade_valid_until", "updated_at"])
    _record(org, EventKind.GRADE_SET, actor, from_value=old, to_value=grade, note=note)
    return org
