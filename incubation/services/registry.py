"""The organization registry: create, edit, contact details, checksum exemptions and bulk writes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import BULK_BATCH, fields_changed, lock_rows, refuse_unless_each
from core.decisions import refuse_unless
from core.fields import name_taken_by
from core.identifiers import (
    clean_name,
    validate_filing_number,
    validate_mobile_or_phone,
    validate_uscc,
)
from incubation.choices import USCC_TYPE_FOR_STATUS, EventKind, LegalStatus
from incubation.models import Organization, OrganizationEvent
from incubation.permissions import can_edit_contact, can_edit_organization, can_exempt_checksum
from incubation.rules import add_years, rules
from incubation.services._common import _lock, _plain, _record, _refuse_outside_area

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


def _clean_name(org: Organization) -> None:
    org.name = clean_name(org.name)
    holder = name_taken_by(org, within="community")
    if holder is not None:
        raise ValidationError(
            {
                "name": _("This community already has an organization named %(name)s.")
                % {"name": holder.name}
            }
        )


def _full_clean(org: Organization) -> None:
    _clean_name(org)
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
            refuse_unless(can_exempt_checksum(actor))
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
        refuse_unless(can_edit_organization(actor, org))
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


@transaction.atomic
def organization_update(*, organization: Organization, actor, **changes) -> Organization:
    if actor is not None:
        refuse_unless(can_edit_organization(actor, organization))
    org = _lock(organization)
    before = _apply_changes(org, changes, EDITABLE_FIELDS)
    _full_clean(org)
    diff = _diff(org, before)
    if not diff:
        return org
    org.save(update_fields=[*diff.keys(), "updated_at"])
    if actor is not None and "community" in diff:
        # Moving an organization out of the actor's area is refused like editing one there.
        refuse_unless(can_edit_organization(actor, org))
    _record(org, EventKind.UPDATED, actor, evidence={"changed": diff})
    return org


@transaction.atomic
def organization_update_contact(*, organization: Organization, actor, **changes) -> Organization:
    """The leader's own edit in the portal: contact details only."""
    refuse_unless(can_edit_contact(actor, organization))
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
    refuse_unless(can_exempt_checksum(actor))
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


def _refuse_outside_communities(actor, orgs) -> None:
    """One permission check per community stands for every row of that community."""
    if actor is not None:
        refuse_unless_each(
            orgs, lambda org: can_edit_organization(actor, org), key=lambda org: org.community_id
        )


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
    fields = fields_changed(changes, EDITABLE_FIELDS)
    locked = lock_rows(Organization.objects.select_for_update(), changes)
    _refuse_outside_communities(actor, locked.values())
    if "name" in fields:
        fields.add("name_key")  # bulk_update calls no pre_save: the key is set below
    events, orgs = [], []
    for i, (org, change) in enumerate(changes):
        current = locked[org.pk]
        diff = _diff(current, _apply_changes(current, change, EDITABLE_FIELDS))
        Organization._meta.get_field("name_key").refresh(current)
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
