"""Every write to the organization registry goes through these functions.

Stage and incubation-phase changes have one function each (``organization_change_stage``,
``organization_change_phase``); nothing else assigns ``stage`` or ``incubation_phase``.
Each change locks the row, checks the table in ``workflows.py``, the actor's permission
and the preconditions, saves with ``update_fields``, writes an ``OrganizationEvent`` and
schedules side effects after commit.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ActionRefused
from core.identifiers import validate_filing_number, validate_mobile_or_phone, validate_uscc
from core.queue import enqueue
from incubation.checkpoints import run_checkpoint
from incubation.choices import (
    USCC_TYPE_FOR_STATUS,
    AnnualReviewResult,
    CreditGround,
    CreditList,
    EventKind,
    GrowthLevel,
    LegalStatus,
)
from incubation.models import (
    CreditListing,
    IncubationServiceRecord,
    Organization,
    OrganizationEvent,
    Pairing,
)
from incubation.permissions import (
    can_change_stage,
    can_edit_contact,
    can_edit_organization,
    can_exempt_checksum,
    can_manage_street_records,
)
from incubation.rules import add_months, add_years, rules
from incubation.workflows import (
    PHASE_TRANSITIONS,
    STAGE_TRANSITIONS,
    IncubationPhase,
    Stage,
)

# Fields staff edit directly; the lifecycle, phase, grade and review fields change only
# through their own services below.
EDITABLE_FIELDS = (
    "name",
    "legal_status",
    "uscc",
    "filing_number",
    "community",
    "service_field",
    "founded_on",
    "address",
    "leader_name",
    "leader_phone",
    "leader_political_status",
    "party_member_count",
    "growth_level",
    "incubation_type",
    "term_start",
    "term_end",
)
CONTACT_FIELDS = ("leader_name", "leader_phone", "address")


def _refuse_unless(decision: tuple[bool, str]) -> None:
    allowed, reason = decision
    if not allowed:
        raise ActionRefused(reason)


def _refuse_outside_area(actor, *orgs: Organization) -> None:
    """Street-level decisions are for the staff of the organizations' own street: the role
    predicates say who may decide, this says where (actor None is the system)."""
    if actor is None or actor.is_superuser:
        return
    pks = {org.pk for org in orgs}
    if Organization.objects.visible_to(actor).filter(pk__in=pks).count() != len(pks):
        raise ActionRefused(_("This organization is not in your area."))


def _record(org, kind, actor, *, from_value="", to_value="", note="", evidence=None):
    return OrganizationEvent.objects.create(
        organization=org,
        kind=kind,
        actor=actor,
        from_value=str(from_value or ""),
        to_value=str(to_value or ""),
        note=note,
        evidence=evidence or {},
    )


def _lock(org: Organization) -> Organization:
    return Organization.objects.select_for_update().get(pk=org.pk)


# --- Identifiers and validation ---------------------------------------------------------


def clean_identifiers(org: Organization) -> None:
    """Normalize and check the USCC or filing number against the legal status."""
    errors = {}
    if org.legal_status == LegalStatus.FILED:
        if org.uscc:
            errors["uscc"] = _("A filed organization has no unified social credit code.")
        org.uscc = None
        if not org.filing_number:
            errors["filing_number"] = _("A filed organization needs its filing number.")
        else:
            try:
                org.filing_number = validate_filing_number(org.filing_number)
            except ValidationError as exc:
                errors["filing_number"] = exc.messages
    else:
        if org.filing_number:
            errors["filing_number"] = _(
                "A registered organization is identified by its unified social credit code, "
                "not a filing number."
            )
        org.filing_number = None
        if not org.uscc:
            errors["uscc"] = _("A registered organization needs its unified social credit code.")
        else:
            try:
                org.uscc = validate_uscc(
                    org.uscc,
                    expected_type=USCC_TYPE_FOR_STATUS.get(org.legal_status),
                    checksum_exempt=org.uscc_checksum_exempt,
                )
            except ValidationError as exc:
                errors["uscc"] = exc.messages
    if org.founded_on and org.founded_on > timezone.localdate():
        errors["founded_on"] = _("The founding date cannot be in the future.")
    if org.term_start and org.term_end:
        if org.term_end <= org.term_start:
            errors["term_end"] = _("The term must end after it starts.")
        elif org.term_end > add_years(org.term_start, rules().max_term_years):
            errors["term_end"] = _("A council term lasts at most %(years)d years.") % {
                "years": rules().max_term_years
            }
    if errors:
        raise ValidationError(errors)


def _full_clean(org: Organization) -> None:
    clean_identifiers(org)
    if org.leader_phone:
        try:
            org.leader_phone = validate_mobile_or_phone(org.leader_phone)
        except ValidationError as exc:
            raise ValidationError({"leader_phone": exc.messages}) from None
    org.full_clean()


# --- Create and edit --------------------------------------------------------------------


@transaction.atomic
def organization_create(*, actor, exempt_reason: str = "", **fields) -> Organization:
    """Register an organization with the hub (stage 登记)."""
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"uscc_checksum_exempt"}
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    org = Organization(**fields)
    if org.uscc_checksum_exempt:
        if actor is not None:
            _refuse_unless(can_exempt_checksum(actor))
        if not exempt_reason.strip():
            raise ValidationError(
                {"uscc": _("Give the reason for accepting a code that fails the checksum.")}
            )
        org.uscc_exempt_reason = exempt_reason.strip()
    _full_clean(org)
    org.save()
    if actor is not None:
        # Checked once the row exists (the predicate asks what the actor can see); the
        # atomic block drops the row when refused.
        _refuse_unless(can_edit_organization(actor, org))
    _record(org, EventKind.CREATED, actor, to_value=org.stage)
    if org.uscc_checksum_exempt:
        _record(org, EventKind.CODE_EXEMPTED, actor, to_value=org.uscc, note=exempt_reason)
    return org


def _apply_changes(org: Organization, changes: dict, allowed: tuple[str, ...]) -> dict:
    """Assign ``changes`` and return the values they replaced."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    before = {field: getattr(org, field) for field in allowed}
    for field, value in changes.items():
        setattr(org, field, value)
    return before


def _diff(org: Organization, before: dict) -> dict:
    """What really changed, compared after normalization (a code retyped in lower case or
    full width, or a phone number with spaces, is no change)."""
    return {
        field: [_plain(old), _plain(getattr(org, field))]
        for field, old in before.items()
        if getattr(org, field) != old
    }


def _plain(value):
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@transaction.atomic
def organization_update(*, organization: Organization, actor, **changes) -> Organization:
    if actor is not None:
        _refuse_unless(can_edit_organization(actor, organization))
    org = _lock(organization)
    before = _apply_changes(org, changes, EDITABLE_FIELDS)
    _full_clean(org)
    diff = _diff(org, before)
    if not diff:
        return org
    org.save(update_fields=[*diff.keys(), "updated_at"])
    if actor is not None and "community" in diff:
        # Moving an organization out of the actor's area is refused like editing one there.
        _refuse_unless(can_edit_organization(actor, org))
    _record(org, EventKind.UPDATED, actor, evidence={"changed": diff})
    return org


@transaction.atomic
def organization_update_contact(*, organization: Organization, actor, **changes) -> Organization:
    """The leader's own edit in the portal: contact details only."""
    _refuse_unless(can_edit_contact(actor, organization))
    org = _lock(organization)
    before = _apply_changes(org, changes, CONTACT_FIELDS)
    from core.identifiers import validate_mobile_or_phone

    if "leader_phone" in changes and org.leader_phone:
        try:
            org.leader_phone = validate_mobile_or_phone(org.leader_phone)
        except ValidationError as exc:
            raise ValidationError({"leader_phone": exc.messages}) from None
    diff = _diff(org, before)
    if not diff:
        return org
    org.full_clean()
    org.save(update_fields=[*diff.keys(), "updated_at"])
    _record(org, EventKind.UPDATED, actor, evidence={"changed": sorted(diff)})
    return org


@transaction.atomic
def organization_exempt_checksum(*, organization: Organization, reason: str, actor) -> Organization:
    """Accept a legally issued code that fails the checksum (e.g. a 2015 pilot code)."""
    _refuse_unless(can_exempt_checksum(actor))
    _refuse_outside_area(actor, organization)
    if not reason.strip():
        raise ValidationError({"uscc_exempt_reason": _("Give the reason for the exemption.")})
    org = _lock(organization)
    if org.uscc_checksum_exempt:
        return org
    org.uscc_checksum_exempt = True
    org.uscc_exempt_reason = reason.strip()
    org.save(update_fields=["uscc_checksum_exempt", "uscc_exempt_reason", "updated_at"])
    _record(org, EventKind.CODE_EXEMPTED, actor, to_value=org.uscc or "", note=reason)
    return org


def organization_add_leader(*, organization: Organization, user) -> None:
    organization.leader_accounts.add(user)


# --- Bulk writes (Excel import) ----------------------------------------------------------
# The importer validates every row first (cells, identifiers, uniqueness in the file and in
# the database), then calls these to write all rows in one go: the same effect as calling
# organization_create / organization_update per row, in a constant number of queries per
# batch of rows.

BULK_BATCH = 1000


def _refuse_outside_communities(actor, orgs) -> None:
    """One permission check per community stands for every row of that community."""
    if actor is None:
        return
    checked = set()
    for org in orgs:
        if org.community_id not in checked:
            _refuse_unless(can_edit_organization(actor, org))
            checked.add(org.community_id)


@transaction.atomic
def organizations_bulk_create(
    *, rows: list[dict], actor, evidence: list[dict] | None = None
) -> list[Organization]:
    """Create already-validated organizations with their 'created' events."""
    orgs = [Organization(**values) for values in rows]
    Organization.objects.bulk_create(orgs, batch_size=BULK_BATCH)
    _refuse_outside_communities(actor, orgs)
    OrganizationEvent.objects.bulk_create(
        [
            OrganizationEvent(
                organization=org,
                kind=EventKind.CREATED,
                actor=actor,
                to_value=org.stage,
                evidence=(evidence[i] if evidence else {}),
            )
            for i, org in enumerate(orgs)
        ],
        batch_size=BULK_BATCH,
    )
    return orgs


@transaction.atomic
def organizations_bulk_update(
    *, changes: list[tuple[Organization, dict]], actor, evidence: list[dict] | None = None
) -> int:
    """Apply already-validated field changes, each with an UPDATED event."""
    if not changes:
        return 0
    fields = set()
    for _org, change in changes:
        unknown = set(change) - set(EDITABLE_FIELDS)
        if unknown:
            raise TypeError(f"not editable here: {sorted(unknown)}")
        fields |= set(change)
    # Lock the rows (in primary-key order, the same order every writer uses).
    ids = sorted(org.pk for org, _change in changes)
    locked = {}
    for start in range(0, len(ids), BULK_BATCH):
        chunk = ids[start : start + BULK_BATCH]
        locked.update(Organization.objects.select_for_update().in_bulk(chunk))
    _refuse_outside_communities(actor, locked.values())
    events, orgs = [], []
    for i, (org, change) in enumerate(changes):
        current = locked[org.pk]
        diff = _diff(current, _apply_changes(current, change, EDITABLE_FIELDS))
        if "community" in diff:
            _refuse_outside_communities(actor, [current])
        orgs.append(current)
        events.append(
            OrganizationEvent(
                organization=current,
                kind=EventKind.UPDATED,
                actor=actor,
                evidence={"changed": diff, **(evidence[i] if evidence else {})},
            )
        )
    now = timezone.now()
    for org in orgs:
        org.updated_at = now
    Organization.objects.bulk_update(orgs, [*sorted(fields), "updated_at"], batch_size=BULK_BATCH)
    OrganizationEvent.objects.bulk_create(events, batch_size=BULK_BATCH)
    return len(orgs)


# --- The lifecycle ----------------------------------------------------------------------


def organization_change_stage(
    *,
    organization: Organization,
    to_stage: str,
    actor,
    note: str = "",
    evidence: dict | None = None,
    today: datetime.date | None = None,
) -> OrganizationEvent | None:
    """The one way an organization's lifecycle stage changes.

    Returns the audit event, or None when the organization is already in ``to_stage``.
    Raises ActionRefused naming what is missing.
    """
    to_stage = Stage(to_stage)
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
        _refuse_unless(can_change_stage(actor, org, to_stage))
        checked = {}
        if to_stage not in (Stage.WITHDRAWN, Stage.DEREGISTERED):
            result = run_checkpoint(org, from_stage, evidence or {})
            if not result.ok:
                raise ActionRefused(
                    _(
                        "%(stage)s cannot be completed: its party-building checkpoint is missing "
                        "— %(missing)s."
                    )
                    % {"stage": from_stage.label, "missing": "; ".join(result.missing)},
                    missing=result.missing,
                )
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
            evidence={"checkpoint": checked, **({"given": evidence} if evidence else {})},
        )
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
        _refuse_unless(can_manage_street_records(actor))
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
    _refuse_unless(can_manage_street_records(actor))
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
) -> Organization:
    """出壳: leave the hub (lifecycle) and the incubator (phase), criteria checked."""
    organization_change_stage(
        organization=organization,
        to_stage=Stage.GRADUATED,
        actor=actor,
        note=note,
        evidence=evidence,
        today=today,
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
    _refuse_unless(can_manage_street_records(actor))
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
            % {"months": r.max_extension_months, "end": org.term_end.isoformat()}
        )
    latest_request = add_months(org.term_end, -r.extension_notice_months)
    if today > latest_request:
        raise ActionRefused(
            _("An extension must be asked for by %(date)s, %(months)d months before the term ends.")
            % {"date": latest_request.isoformat(), "months": r.extension_notice_months}
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
    _refuse_unless(can_manage_street_records(actor))
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
    _refuse_unless(can_manage_street_records(actor))
    _refuse_outside_area(actor, organization)
    org = _lock(organization)
    old = org.grade
    org.grade = grade
    org.grade_valid_until = add_years(awarded_on, 5) if grade else None
    org.full_clean()
    org.save(update_fields=["grade", "grade_valid_until", "updated_at"])
    _record(org, EventKind.GRADE_SET, actor, from_value=old, to_value=grade, note=note)
    return org


# --- Incubation services and 1+X pairing ------------------------------------------------


SERVICE_RECORD_FIELDS = ("kind", "date", "provider", "hours", "notes")


def incubation_service_record(*, organization: Organization, actor, **fields):
    _refuse_unless(can_edit_organization(actor, organization) if actor else (True, ""))
    record = IncubationServiceRecord(organization=organization, **fields)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def incubation_service_update(*, record: IncubationServiceRecord, actor, **changes):
    """Correct a service record (e.g. a mistyped date or hours)."""
    _refuse_unless(can_edit_organization(actor, record.organization) if actor else (True, ""))
    record = IncubationServiceRecord.objects.select_for_update().get(pk=record.pk)
    unknown = set(changes) - set(SERVICE_RECORD_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(record, field, value)
    record.full_clean()
    record.save(update_fields=[*changes, "updated_at"])
    return record


MENTOR_GRADES = {"4A", "5A"}
GRASSROOTS_LEVELS = {GrowthLevel.RESIDENT_TEAM, GrowthLevel.PIONEER_CLUB, GrowthLevel.COMMUNITY_ORG}


@transaction.atomic
def pairing_create(*, mentor: Organization, mentee: Organization, started_on, actor) -> Pairing:
    """1+X: a hub organization (or one graded 4A or above) mentors a grassroots one."""
    _refuse_unless(can_manage_street_records(actor))
    _refuse_outside_area(actor, mentor, mentee)
    problems = []
    if mentor.pk == mentee.pk:
        problems.append(_("an organization cannot mentor itself"))
    if mentor.growth_level != GrowthLevel.HUB_ORG and mentor.grade not in MENTOR_GRADES:
        problems.append(_("the mentor must be a hub organization or graded 4A or above"))
    if mentee.growth_level not in GRASSROOTS_LEVELS:
        problems.append(_("the mentee must be a grassroots organization"))
    if mentor.community.street_id != mentee.community.street_id:
        problems.append(_("mentor and mentee must belong to the same street"))
    if Pairing.objects.active().filter(mentee=mentee).exists():
        problems.append(_("the mentee already has a mentor"))
    if problems:
        raise ActionRefused(
            _("This pairing is not possible: %(problems)s.") % {"problems": "; ".join(problems)},
            missing=problems,
        )
    pairing = Pairing(mentor=mentor, mentee=mentee, started_on=started_on)
    pairing.full_clean(validate_constraints=False)
    pairing.save()
    _record(mentee, EventKind.PAIRED, actor, to_value=mentor.name)
    return pairing


@transaction.atomic
def pairing_end(*, pairing: Pairing, ended_on, actor) -> Pairing:
    _refuse_unless(can_manage_street_records(actor))
    _refuse_outside_area(actor, pairing.mentee)
    if pairing.ended_on is None:
        pairing.ended_on = ended_on
        pairing.full_clean(validate_constraints=False)
        pairing.save(update_fields=["ended_on", "updated_at"])
        _record(pairing.mentee, EventKind.PAIRING_ENDED, actor, from_value=pairing.mentor.name)
    return pairing


# --- Credit lists -----------------------------------------------------------------------


@transaction.atomic
def credit_list_add(
    *,
    organization: Organization,
    list_kind: str,
    ground: str,
    listed_on,
    actor,
    note: str = "",
    escalated_from: CreditListing | None = None,
) -> CreditListing:
    _refuse_unless(can_manage_street_records(actor))
    _refuse_outside_area(actor, organization)
    listing = CreditListing(
        organization=organization,
        list_kind=list_kind,
        ground=ground,
        listed_on=listed_on,
        note=note,
        escalated_from=escalated_from,
    )
    listing.full_clean()
    listing.save()
    _record(
        organization,
        EventKind.CREDIT_LISTED,
        actor,
        to_value=list_kind,
        note=note,
        evidence={"ground": ground, "listed_on": listed_on.isoformat()},
    )
    return listing


@transaction.atomic
def credit_list_clear(
    *, listing: CreditListing, cleared_on, actor, note: str = ""
) -> CreditListing:
    _refuse_unless(can_manage_street_records(actor))
    _refuse_outside_area(actor, listing.organization)
    listing = CreditListing.objects.select_for_update().get(pk=listing.pk)
    if listing.cleared_on:
        return listing
    listing.cleared_on = cleared_on
    listing.full_clean()
    listing.save(update_fields=["cleared_on", "updated_at"])
    _record(
        listing.organization,
        EventKind.CREDIT_CLEARED,
        actor,
        from_value=listing.list_kind,
        note=note,
    )
    return listing


def credit_escalate_due(*, today: datetime.date | None = None) -> int:
    """Two years on the abnormal list put an organization on the serious list. Idempotent:
    a listing escalates once (``escalated_to`` is one-to-one)."""
    today = today or timezone.localdate()
    cutoff = add_years(today, -rules().abnormal_escalation_years)
    due = CreditListing.objects.active().filter(
        list_kind=CreditList.ABNORMAL, listed_on__lte=cutoff, escalated_to__isnull=True
    )
    count = 0
    for listing in due.select_related("organization"):
        with transaction.atomic():
            credit_list_add(
                organization=listing.organization,
                list_kind=CreditList.SERIOUS,
                ground=CreditGround.TWO_YEARS_ABNORMAL,
                listed_on=today,
                actor=None,
                note=_("Automatically escalated after two years on the abnormal list."),
                escalated_from=listing,
            )
        count += 1
    return count
