"""Incubation service records, 1+X pairing and credit lists."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decisions import ALLOWED, refuse_unless
from core.errors import ActionRefused
from incubation.choices import CreditGround, CreditList, EventKind, GrowthLevel
from incubation.models import CreditListing, IncubationServiceRecord, Organization, Pairing
from incubation.permissions import can_edit_organization, can_manage_street_records
from incubation.rules import add_years, rules
from incubation.services._common import _record, _refuse_outside_area

# --- Incubation services and 1+X pairing ------------------------------------------------


SERVICE_RECORD_FIELDS = ("kind", "date", "provider", "hours", "notes")


def incubation_service_record(*, organization: Organization, actor, **fields):
    refuse_unless(can_edit_organization(actor, organization) if actor else ALLOWED)
    record = IncubationServiceRecord(organization=organization, **fields)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def incubation_service_update(*, record: IncubationServiceRecord, actor, **changes):
    """Correct a service record (e.g. a mistyped date or hours)."""
    refuse_unless(can_edit_organization(actor, record.organization) if actor else ALLOWED)
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
    refuse_unless(can_manage_street_records(actor))
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
    refuse_unless(can_manage_street_records(actor))
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
    refuse_unless(can_manage_street_records(actor))
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
    refuse_unless(can_manage_street_records(actor))
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
