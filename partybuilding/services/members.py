"""Every write to party members: create, edit, transfer between branches, and the bulk writes
of the Excel import (``partybuilding.members_excel``).

Who may manage a member is decided by the member's branch (``can_manage_members``): the
street staff of the branch's street, a party worker linked to the branch or to one of its
ancestors (``PartyOrganization.worker_accounts``), a superuser; ``actor=None`` is the system.
A member changes branch only through ``member_transfer``, which keeps the history in
``MemberTransfer``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_street_staff
from core.bulk import BULK_BATCH, fields_changed, lock_rows, refuse_unless_each
from core.dates import human_date
from core.decisions import ALLOWED, Decision, deny, refuse_unless
from core.errors import ActionRefused
from core.identifiers import validate_mobile_or_phone, validate_resident_id
from incubation.rules import add_years
from partybuilding.choices import MemberStatus, PartyOrgKind
from partybuilding.models import MemberTransfer, PartyMember, PartyOrganization
from partybuilding.permissions import can_manage_party
from partybuilding.workflows import probation_normal_end

# The fields a caller sets; ``probation_ends_on`` follows from status and joining date.
MEMBER_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "id_number",
    "phone",
    "organization",
    "branch",
    "status",
    "joined_on",
    "posts",
)
# ``member_update`` takes these; the branch changes only by a transfer.
EDITABLE_FIELDS = tuple(name for name in MEMBER_FIELDS if name != "branch")
# The party admits people from their 18th birthday (党章 第一条).
MIN_JOINING_AGE = 18


# --- Permissions --------------------------------------------------------------------------


def can_manage_members(user, branch: PartyOrganization) -> Decision:
    """May ``user`` add, edit or move members of ``branch``? (``None`` is the system.)

    The rule of every party-building write (``permissions.can_manage_party``): street staff
    of the branch's street, party workers linked to the branch or an organization above it,
    superusers. Inactive accounts may do nothing.
    """
    if user is not None and not (getattr(user, "is_authenticated", False) and user.is_active):
        return deny(_("Sign in to manage party members."))
    return can_manage_party(user, branch)


def can_see_personal_data(user) -> Decision:
    """Full ID numbers and phone numbers: street staff and superusers; everyone else sees
    them masked (in lists, forms and exports)."""
    if user is None:
        return ALLOWED
    if is_street_staff(user):
        return ALLOWED
    return deny(_("Only street staff see full ID numbers and phone numbers."))


# --- Validation ---------------------------------------------------------------------------


def is_masked(text: str | None) -> bool:
    """A value copied from a masked list or export ('110105********002X')."""
    return bool(text) and "*" in text


def member_probation_end(status: str, joined_on: datetime.date | None) -> datetime.date | None:
    """A probationary member's probation ends one year after admission; full members have
    none. (An extension is recorded by the development pipeline.)"""
    if status == MemberStatus.PROBATIONARY and joined_on is not None:
        return probation_normal_end(joined_on)
    return None


def clean_member(member: PartyMember, *, today: datetime.date | None = None) -> None:
    """Normalize the ID and phone numbers of ``member`` and check the rules the model alone
    cannot: the ID number agrees with birth date and sex, the branch is a 党支部, the
    organization lies in the branch's street, the joining date is plausible.

    Raises one ``ValidationError`` with a message per field. Reads ``member.branch`` and
    ``member.organization.community`` (select them with the member to avoid queries).
    """
    today = today or timezone.localdate()
    errors: dict[str, list[ValidationError]] = {}

    def fail(field_name: str, error: ValidationError) -> None:
        errors.setdefault(field_name, []).append(error)

    if member.id_number:
        if is_masked(member.id_number):
            fail(
                "id_number",
                ValidationError(
                    _(
                        "This ID number is masked (it contains *); enter the full "
                        "18-character number."
                    ),
                    code="id_masked",
                ),
            )
        else:
            sex = member.sex if member.sex in ("M", "F") else None
            birth_date = member.birth_date if isinstance(member.birth_date, datetime.date) else None
            try:
                info = validate_resident_id(member.id_number, birth_date=birth_date, sex=sex)
            except ValidationError as exc:
                fail("id_number", exc)
            else:
                member.id_number = info.number
    if member.phone:
        if is_masked(member.phone):
            fail(
                "phone",
                ValidationError(
                    _("This phone number is masked (it contains *); enter the full number."),
                    code="phone_masked",
                ),
            )
        else:
            try:
                member.phone = validate_mobile_or_phone(member.phone)
            except ValidationError as exc:
                fail("phone", exc)
    branch = member.branch if member.branch_id else None
    if branch is not None and branch.kind != PartyOrgKind.BRANCH:
        fail(
            "branch",
            ValidationError(
                _(
                    "Members belong to a party branch; %(name)s is a %(kind)s. Choose one of "
                    "its branches."
                )
                % {"name": branch.name, "kind": branch.get_kind_display()},
                code="not_a_branch",
            ),
        )
    organization = member.organization if member.organization_id else None
    if (
        branch is not None
        and organization is not None
        and organization.community.street_id != branch.street_id
    ):
        fail(
            "organization",
            ValidationError(
                _(
                    "%(organization)s is in another street than the branch %(branch)s; a "
                    "member's organization must be in the branch's street."
                )
                % {"organization": organization.name, "branch": branch.name},
                code="organization_elsewhere",
            ),
        )
    joined_on, birth_date = member.joined_on, member.birth_date
    if isinstance(joined_on, datetime.date):
        if joined_on > today:
            fail(
                "joined_on",
                ValidationError(
                    _("The joining date cannot be in the future."), code="joined_in_future"
                ),
            )
        elif isinstance(birth_date, datetime.date) and joined_on < add_years(
            birth_date, MIN_JOINING_AGE
        ):
            fail(
                "joined_on",
                ValidationError(
                    _("The member would have joined before the age of %(age)d.")
                    % {"age": MIN_JOINING_AGE},
                    code="joined_too_young",
                ),
            )
    if errors:
        raise ValidationError(errors)


def _full_clean(member: PartyMember, *, validate_unique: bool = True) -> None:
    clean_member(member)
    member.full_clean(validate_unique=validate_unique)


# --- Create and edit ----------------------------------------------------------------------


@transaction.atomic
def member_create(
    *,
    name: str,
    sex: str,
    birth_date: datetime.date,
    id_number: str,
    phone: str,
    organization,
    branch: PartyOrganization,
    status: str,
    joined_on: datetime.date,
    posts: str = "",
    actor,
) -> PartyMember:
    """Put a member on a branch's roll. Raises ``ActionRefused`` when the actor may not
    manage the branch, ``ValidationError`` (per field) when the data are wrong."""
    refuse_unless(can_manage_members(actor, branch))
    member = PartyMember(
        name=name,
        sex=sex,
        birth_date=birth_date,
        id_number=id_number,
        phone=phone or "",
        organization=organization,
        branch=branch,
        status=status,
        joined_on=joined_on,
        posts=posts or "",
    )
    member.probation_ends_on = member_probation_end(status, joined_on)
    _full_clean(member)
    member.save()
    return member


def _lock(member: PartyMember) -> PartyMember:
    return (
        PartyMember.objects.select_for_update(of=("self",))
        .select_related("branch", "organization__community")
        .get(pk=member.pk)
    )


@transaction.atomic
def member_update(*, member: PartyMember, actor, **changes) -> PartyMember:
    """Edit a member's data (not the branch: see ``member_transfer``).

    A change of status or joining date sets the probation end again; otherwise it is kept
    (the development pipeline may have extended it). Returns the stored member.
    """
    if "branch" in changes:
        raise TypeError("the branch changes only through member_transfer")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    current = _lock(member)
    refuse_unless(can_manage_members(actor, current.branch))
    before = {name: getattr(current, name) for name in (*EDITABLE_FIELDS, "probation_ends_on")}
    for name, value in changes.items():
        setattr(current, name, "" if value is None and name in ("phone", "posts") else value)
    if current.status != before["status"] or current.joined_on != before["joined_on"]:
        current.probation_ends_on = member_probation_end(current.status, current.joined_on)
    _full_clean(current)
    changed = [name for name, old in before.items() if getattr(current, name) != old]
    if changed:
        current.save(update_fields=[*changed, "updated_at"])
    return current


# --- Transfers ----------------------------------------------------------------------------


def member_transfer(
    *,
    member: PartyMember,
    to_branch: PartyOrganization,
    on: datetime.date,
    actor,
    note: str = "",
) -> MemberTransfer | None:
    """Move a member to another branch of the same street and record the move.

    Returns the history row, or None when the member is already in ``to_branch``. The actor
    must be allowed to manage the members of both branches. Transfers to another street's
    branch are refused: they leave this platform's roll (组织关系转出) rather than move
    within it.
    """
    with transaction.atomic():
        current = _lock(member)
        from_branch = current.branch
        if to_branch.pk == from_branch.pk:
            return None
        if to_branch.street_id != from_branch.street_id:
            raise ActionRefused(
                _(
                    "%(branch)s belongs to another street. Only transfers within %(street)s "
                    "are recorded here; a move to another street goes through the party's "
                    "organizational relation transfer (组织关系转接)."
                )
                % {"branch": to_branch.name, "street": from_branch.street.name}
            )
        refuse_unless(can_manage_members(actor, from_branch))
        refuse_unless(can_manage_members(actor, to_branch))
        if to_branch.kind != PartyOrgKind.BRANCH:
            raise ValidationError(
                {
                    "to_branch": _("Members belong to a party branch; %(name)s is a %(kind)s.")
                    % {"name": to_branch.name, "kind": to_branch.get_kind_display()}
                }
            )
        if from_branch.secretary_id == current.pk:
            raise ActionRefused(
                _(
                    "%(member)s is the secretary of %(branch)s; appoint another secretary "
                    "before the transfer."
                )
                % {"member": current.name, "branch": from_branch.name}
            )
        _check_transfer_date(current, on)
        record = MemberTransfer.objects.create(
            member=current,
            from_branch=from_branch,
            to_branch=to_branch,
            transferred_on=on,
            actor=actor,
            note=note or "",
        )
        current.branch = to_branch
        current.save(update_fields=["branch", "updated_at"])
    member.branch = to_branch
    return record


def _check_transfer_date(member: PartyMember, on: datetime.date) -> None:
    if on > timezone.localdate():
        raise ValidationError({"on": _("The transfer date cannot be in the future.")})
    if on < member.joined_on:
        raise ValidationError(
            {
                "on": _("The transfer date is before the member joined the party (%(date)s).")
                % {"date": human_date(member.joined_on)}
            }
        )
    last = (
        MemberTransfer.objects.filter(member=member)
        .order_by("-transferred_on")
        .values_list("transferred_on", flat=True)
        .first()
    )
    if last is not None and on < last:
        raise ValidationError(
            {
                "on": _("The member's last transfer was on %(date)s; a new one cannot be earlier.")
                % {"date": human_date(last)}
            }
        )


# --- Bulk writes (Excel import) -----------------------------------------------------------
# The importer validates every row first (cells, ID numbers, branches, organizations,
# duplicates in the file and in the database), then calls these to write all rows in one
# transaction: the effect of member_create / member_update per row, in a constant number of
# queries per 1,000 rows plus one permission check per branch.


def _refuse_outside_branches(actor, branches) -> None:
    refuse_unless_each(
        branches, lambda branch: can_manage_members(actor, branch), key=lambda branch: branch.pk
    )


@transaction.atomic
def members_bulk_create(*, rows: list[dict], actor) -> list[PartyMember]:
    """Create already-validated members (``rows``: the fields of ``member_create``)."""
    members = []
    for values in rows:
        unknown = set(values) - set(MEMBER_FIELDS)
        if unknown:
            raise TypeError(f"not settable here: {sorted(unknown)}")
        member = PartyMember(**values)
        member.phone = member.phone or ""
        member.posts = member.posts or ""
        member.probation_ends_on = member_probation_end(member.status, member.joined_on)
        members.append(member)
    _refuse_outside_branches(actor, [member.branch for member in members])
    return PartyMember.objects.bulk_create(members, batch_size=BULK_BATCH)


@transaction.atomic
def members_bulk_update(*, changes: list[tuple[PartyMember, dict]], actor) -> int:
    """Apply already-validated changes (``EDITABLE_FIELDS`` only) to existing members."""
    if not changes:
        return 0
    if any("branch" in change for _member, change in changes):
        raise TypeError("the branch changes only through member_transfer")
    fields = {"probation_ends_on", "updated_at", *fields_changed(changes, EDITABLE_FIELDS)}
    locked = lock_rows(
        PartyMember.objects.select_for_update(of=("self",)).select_related("branch"), changes
    )
    _refuse_outside_branches(actor, [member.branch for member in locked.values()])
    now = timezone.now()
    members = []
    for member, change in changes:
        current = locked[member.pk]
        status, joined_on = current.status, current.joined_on
        for name, value in change.items():
            setattr(current, name, value)
        if current.status != status or current.joined_on != joined_on:
            current.probation_ends_on = member_probation_end(current.status, current.joined_on)
        current.updated_at = now
        members.append(current)
    PartyMember.objects.bulk_update(members, sorted(fields), batch_size=BULK_BATCH)
    return len(members)


def member_register_in_community(
    *, member: PartyMember, community, actor, on: datetime.date | None = None
):
    """社区报到: record that ``member`` registered with ``community`` to serve where they
    live. Party organizations of the member's branch or the community's staff record it;
    registering again where already registered changes nothing."""
    from accounts.roles import is_community_staff_of, is_street_staff_of
    from partybuilding.models import CommunityRegistration

    if not (
        can_manage_party(actor, member.branch)
        or is_community_staff_of(actor, community)
        or is_street_staff_of(actor, community.street_id)
    ):
        raise ActionRefused(
            _("Only the member's party organization or the community's staff may record this.")
        )
    on = on or timezone.localdate()
    with transaction.atomic():
        registration, _created = CommunityRegistration.objects.get_or_create(
            member=member,
            community=community,
            ended_on=None,
            defaults={"registered_on": on, "recorded_by": actor},
        )
    return registration


def member_end_community_registration(*, registration, ended_on: datetime.date, actor):
    """The member no longer serves in that community (moved, or registered elsewhere)."""
    from accounts.roles import is_community_staff_of, is_street_staff_of

    community = registration.community
    if not (
        can_manage_party(actor, registration.member.branch)
        or is_community_staff_of(actor, community)
        or is_street_staff_of(actor, community.street_id)
    ):
        raise ActionRefused(
            _("Only the member's party organization or the community's staff may record this.")
        )
    if ended_on < registration.registered_on:
        raise ActionRefused(_("The end date is before the registration."))
    registration.ended_on = ended_on
    registration.save(update_fields=["ended_on", "updated_at"])
    return registration


# --- The member's portal account ------------------------------------------------------------


@transaction.atomic
def member_link_account(*, member: PartyMember, account, actor) -> PartyMember:
    """Tie ``member``'s roll record to their own portal account (their claims, offers and
    volunteer hours then count as a party member's), or untie it with ``account=None``.

    Only those who manage the member's branch: a member never links themself, since
    anyone who knows a roll entry could otherwise take it over."""
    current = _lock(member)
    refuse_unless(can_manage_members(actor, current.branch))
    if account is not None:
        if not account.is_active:
            raise ValidationError({"account": _("That account is disabled.")})
        if account.street_id not in (None, current.branch.street_id):
            raise ValidationError({"account": _("That account belongs to another street.")})
        other = PartyMember.objects.filter(account=account).exclude(pk=current.pk).first()
        if other is not None:
            raise ValidationError(
                {
                    "account": _("That account is already linked to the member %(name)s.")
                    % {"name": other.name}
                }
            )
    if current.account_id != (account.pk if account is not None else None):
        current.account = account
        current.save(update_fields=["account", "updated_at"])
    member.account = current.account
    return current
