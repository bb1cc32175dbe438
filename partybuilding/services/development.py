"""The membership pipeline: 入党申请人 → 入党积极分子 → 发展对象 → 预备党员 → 正式党员.

``development_advance`` is the one function that changes ``Development.stage``: it locks
the row, checks the table in ``partybuilding.workflows``, the actor's permission and the
minimum durations, sets the stage's date, writes a ``DevelopmentEvent`` and keeps the
member record in step (created on admission, made full on 转正, removed on cancellation of
a probationary member).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import human_date
from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.identifiers import validate_mobile_or_phone, validate_resident_id
from incubation.models import Organization
from incubation.rules import add_years
from partybuilding.choices import DevelopmentStage, MemberStatus, PartyOrgKind
from partybuilding.models import Development, DevelopmentEvent, PartyMember, PartyOrganization
from partybuilding.permissions import can_manage_party
from partybuilding.services.members import member_create
from partybuilding.workflows import (
    DEVELOPMENT_TRANSITIONS,
    MIN_APPLICANT_AGE,
    STAGE_DATE_FIELDS,
    candidate_possible_from,
    probation_end,
    probation_latest_extension,
    probation_normal_end,
)

# A step's note stays short (the column is the timeline's text; the rule is ours).
NOTE_MAX_LENGTH = 300


def _event(development, from_stage, to_stage, on, actor, note="") -> DevelopmentEvent:
    return DevelopmentEvent.record(
        development=development,
        from_value=from_stage,
        to_value=to_stage,
        on=on,
        actor=actor,
        note=note,
    )


@transaction.atomic
def development_start(
    *,
    name: str,
    sex: str,
    birth_date: datetime.date,
    id_number: str,
    phone: str,
    organization: Organization | None,
    branch: PartyOrganization,
    applied_on: datetime.date,
    actor,
) -> Development:
    """A branch receives an application to join the party (入党申请人)."""
    refuse_unless(can_manage_party(actor, branch))
    if branch.kind != PartyOrgKind.BRANCH:
        raise ActionRefused(
            _("Applications are received by a party branch; %(party_org)s is a %(kind)s.")
            % {"party_org": branch.name, "kind": PartyOrgKind(branch.kind).label}
        )
    if organization is not None and organization.community.street_id != branch.street_id:
        raise ActionRefused(
            _("%(organization)s is not in the street of %(party_org)s.")
            % {"organization": organization.name, "party_org": branch.name}
        )
    errors = {}
    try:
        id_number = validate_resident_id(id_number, birth_date=birth_date, sex=sex).number
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    except ValueError:  # a sex other than M/F; the model check names the field
        pass
    if phone:
        try:
            phone = validate_mobile_or_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if applied_on > timezone.localdate():
        errors["applied_on"] = _("The date cannot be in the future.")
    elif birth_date and add_years(birth_date, MIN_APPLICANT_AGE) > applied_on:
        errors["birth_date"] = _("An applicant must be at least %(age)d years old.") % {
            "age": MIN_APPLICANT_AGE
        }
    if "id_number" not in errors and PartyMember.objects.filter(id_number=id_number).exists():
        errors["id_number"] = _("A party member with this ID number is already recorded.")
    if errors:
        raise ValidationError(errors)
    development = Development(
        name=(name or "").strip(),
        sex=sex,
        birth_date=birth_date,
        id_number=id_number,
        phone=phone or "",
        organization=organization,
        branch=branch,
        applied_on=applied_on,
    )
    development.full_clean()
    development.save()
    # The application itself opens the timeline.
    _event(development, DevelopmentStage.APPLICANT, DevelopmentStage.APPLICANT, applied_on, actor)
    return development


def _current_stage_date(development: Development) -> datetime.date:
    return getattr(development, STAGE_DATE_FIELDS[development.stage])


def _refuse_too_early(development: Development, to_stage: str, on: datetime.date) -> None:
    """The minimum durations, each refusal naming the first day the step is possible."""
    if to_stage == DevelopmentStage.CANDIDATE:
        possible = candidate_possible_from(development.activist_on)
        if on < possible:
            raise ActionRefused(
                _(
                    "An activist can become a development candidate only after a full year "
                    "as an activist (from %(date)s)."
                )
                % {"date": human_date(possible)}
            )
    elif to_stage == DevelopmentStage.FULL:
        possible = probation_end(development.admitted_on, development.probation_extended_until)
        if on < possible:
            raise ActionRefused(
                _(
                    "A probationary member can become a full member only when the probation "
                    "has ended (from %(date)s)."
                )
                % {"date": human_date(possible)}
            )


def _admit(development: Development, on: datetime.date) -> PartyMember:
    if PartyMember.objects.filter(id_number=development.id_number).exists():
        raise ActionRefused(
            _("A party member with the ID number of %(name)s is already recorded.")
            % {"name": development.name}
        )
    # The actor's right was checked by development_advance; the roll entry itself is the
    # members service's (the same checks as any member put on a branch's roll).
    return member_create(
        name=development.name,
        sex=development.sex,
        birth_date=development.birth_date,
        id_number=development.id_number,
        phone=development.phone,
        organization=development.organization,
        branch=development.branch,
        status=MemberStatus.PROBATIONARY,
        joined_on=on,
        actor=None,
    )


def development_advance(
    *,
    development: Development,
    to_stage: str,
    on: datetime.date,
    actor,
    note: str = "",
) -> DevelopmentEvent | None:
    """The one way a development changes stage.

    ``on`` is the date of the step (for 预备党员 the branch general assembly that admitted
    the member). Returns the audit event, or None when the development is already in
    ``to_stage``. Raises ActionRefused with the reason (for a minimum duration, the day
    from which the step is possible); cancelling needs the reason in ``note``.
    """
    to_stage = DevelopmentStage(to_stage)
    note = (note or "").strip()
    with transaction.atomic():
        dev = (
            Development.objects.select_for_update(of=("self",))
            .select_related("branch")
            .get(pk=development.pk)
        )
        from_stage = DevelopmentStage(dev.stage)
        if from_stage == to_stage:
            return None
        if to_stage not in DEVELOPMENT_TRANSITIONS[from_stage]:
            possible = "、".join(
                str(DevelopmentStage(s).label) for s in sorted(DEVELOPMENT_TRANSITIONS[from_stage])
            )
            raise ActionRefused(
                _("%(from)s cannot move to %(to)s. Possible next: %(possible)s.")
                % {
                    "from": from_stage.label,
                    "to": to_stage.label,
                    "possible": possible or _("none (the development has ended)"),
                }
            )
        refuse_unless(can_manage_party(actor, dev.branch))
        if on > timezone.localdate():
            raise ValidationError({"on": _("The date cannot be in the future.")})
        since = _current_stage_date(dev)
        if on < since:
            raise ActionRefused(
                _("The step cannot be dated before the current stage began (%(date)s).")
                % {"date": human_date(since)}
            )
        if to_stage == DevelopmentStage.CANCELLED and not note:
            raise ValidationError({"note": _("Give the reason for the cancellation.")})
        if len(note) > NOTE_MAX_LENGTH:
            raise ValidationError(
                {"note": _("Keep the note within %(max)d characters.") % {"max": NOTE_MAX_LENGTH}}
            )
        _refuse_too_early(dev, to_stage, on)

        fields = [STAGE_DATE_FIELDS[to_stage], "stage", "updated_at"]
        removed_member_pk = None
        if to_stage == DevelopmentStage.PROBATIONARY:
            dev.member = _admit(dev, on)
            fields.append("member")
        elif to_stage == DevelopmentStage.FULL:
            member = PartyMember.objects.select_for_update().get(pk=dev.member_id)
            member.status = MemberStatus.FULL
            member.save(update_fields=["status", "updated_at"])
        elif to_stage == DevelopmentStage.CANCELLED and dev.member_id:
            # 取消预备党员资格: the member record made on admission goes; the development and
            # its events keep the history.
            removed_member_pk = dev.member_id
            dev.member = None
            fields.append("member")
        setattr(dev, STAGE_DATE_FIELDS[to_stage], on)
        dev.stage = to_stage
        dev.save(update_fields=fields)
        if removed_member_pk:
            PartyMember.objects.filter(pk=removed_member_pk).delete()
        event = _event(dev, from_stage, to_stage, on, actor, note)
    development.refresh_from_db()
    return event


@transaction.atomic
def development_extend_probation(
    *, development: Development, until: datetime.date, actor, note: str = ""
) -> Development:
    """延长预备期: once, by at most a year beyond the normal end of the probation.
    Asking again for the same date changes nothing."""
    dev = (
        Development.objects.select_for_update(of=("self",))
        .select_related("branch")
        .get(pk=development.pk)
    )
    refuse_unless(can_manage_party(actor, dev.branch))
    if dev.stage != DevelopmentStage.PROBATIONARY:
        raise ActionRefused(
            _("Only a probationary member's probation can be extended; %(name)s is: %(stage)s.")
            % {"name": dev.name, "stage": DevelopmentStage(dev.stage).label}
        )
    if dev.probation_extended_until is not None:
        if dev.probation_extended_until == until:
            return dev
        raise ActionRefused(
            _("The probation was already extended (until %(date)s); it is extended only once.")
            % {"date": human_date(dev.probation_extended_until)}
        )
    normal_end = probation_normal_end(dev.admitted_on)
    latest = probation_latest_extension(dev.admitted_on)
    if not normal_end < until <= latest:
        raise ActionRefused(
            _(
                "The probation ends on %(end)s and may be extended by at most a year: choose "
                "a date after %(end)s and no later than %(latest)s."
            )
            % {"end": human_date(normal_end), "latest": human_date(latest)}
        )
    dev.probation_extended_until = until
    dev.save(update_fields=["probation_extended_until", "updated_at"])
    PartyMember.objects.filter(pk=dev.member_id).update(
        probation_ends_on=until, updated_at=timezone.now()
    )
    reason = (note or "").strip()
    text = _("Probation extended until %(date)s.") % {"date": human_date(until)}
    _event(
        dev,
        DevelopmentStage.PROBATIONARY,
        DevelopmentStage.PROBATIONARY,
        timezone.localdate(),
        actor,
        f"{text} {reason}".strip()[:NOTE_MAX_LENGTH],
    )
    development.refresh_from_db()
    return dev
